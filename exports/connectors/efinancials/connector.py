"""The RIK e-Financials connector: Opter's "Invoice export to E-Financials (API)".

Credentials (seed 000, step 2): Password = API Key Password, File transfer Client identity = API Key
Id, Client key = the public API key. Base URL blank = production (api.PRODUCTION_URL).

Calls per run: accounts, sale articles, projects, bank accounts (check_setup), then templates (only
without TemplateId), products, buyers and the sale invoices of the run's dates (prepare, every page).
Per invoice: create, register, and the PDF upload when the export includes the PDF copy. A new buyer,
a changed buyer and the product (once) add a call each.

Cancelling: ``cancel()`` (or Celery's soft time limit arriving during a call) stops the connector.
The call under way, if any, ends with "The call to E-Financials was cancelled."; every later send or
look-up ends with "The invoice export to E-Financials was cancelled." without a call.
"""
from __future__ import annotations

from ...selectors import invoices_reaching
from .. import facts
from ..base import ExportError, Problem
from ..prepared import PreparedConnector
from ..start_text import StartTextError
from .api import EFinancialsApi
from .build import PayloadBuilder
from .messages import CATALOGUE
from .preflight import remote_problems
from .reference import RunData, SetupData
from .sending import Sender, find_product
from .settings import Settings


class EFinancialsConnector(PreparedConnector):
    type = "efinancials"
    catalogue = CATALOGUE

    def __init__(self, export, **kwargs):
        super().__init__(export, **kwargs)
        self.api = EFinancialsApi(self)
        self._setup: SetupData | None = None
        self._builder: PayloadBuilder | None = None
        self._sender: Sender | None = None
        try:
            self.settings, self.settings_error = Settings.of(export), None
        except StartTextError as exc:
            self.settings, self.settings_error = Settings(), exc

    # -- the contract ------------------------------------------------------------------------------------
    def check_setup(self, invoices=None) -> list[Problem]:
        """Remote pre-flight: the credentials work, and E-Financials holds the receivables and sales
        accounts (active), a sale article per account and VAT rate, the projects and the IBAN that the
        invoices use (by default the invoices the export would send next)."""
        if invoices is None:
            invoices = invoices_reaching(self.export)
        if self.settings_error:
            return [Problem(CATALOGUE.qualified("invalid_start_text"),
                            CATALOGUE.text("invalid_start_text", self.settings_error))]
        try:
            setup = self.setup_data()
        except ExportError as exc:
            return [Problem(exc.code, exc.message)]
        builder = PayloadBuilder(self.export, self.settings, setup, RunData(template_id=0, product=None),
                                 self.opter)
        return remote_problems(builder, invoices)

    def prepare(self, invoices) -> None:
        self.ensure_usable()
        setup = self.setup_data()
        template_id = self.settings.template_id or self._default_template()
        run = RunData(template_id=template_id,
                      product=find_product(self.api.pages("products"), self.settings.product_code))
        run.add_clients(self.api.pages("clients"))
        dates = facts.invoice_date_range(invoices)
        if dates:
            first, last = dates
            run.add_invoices(self.api.pages("sale_invoices", {"start_date": first.isoformat(),
                                                              "end_date": last.isoformat()}))
            run.covered = (first, last)
        self._sender = Sender(self.api, self.settings, run, self.export.include_pdf_copy)
        self._builder = PayloadBuilder(self.export, self.settings, setup, run, self.opter)

    # -- helpers ---------------------------------------------------------------------------------------------
    def setup_data(self) -> SetupData:
        if self._setup is None:
            self.ensure_usable()
            self._setup = SetupData.from_api(
                self.api.array("accounts"), self.api.array("sale_articles"), self.api.pages("projects"),
                self.api.array("bank_accounts"))
        return self._setup

    def _default_template(self) -> int:
        templates = self.api.array("templates")
        chosen = next((t for t in templates if t.get("is_default")), templates[0] if templates else None)
        if chosen is None or not isinstance(chosen.get("id"), int):
            raise ExportError(CATALOGUE, "unparsable", "GET templates: no invoice template in E-Financials")
        return chosen["id"]



