"""The Procountor connector: Opter's "Invoice export to Procountor (API)" (seed 002).

Credentials: Password = the m2m user's API key. The client id, client secret and redirect URI of the
integration come from the settings (PROCOUNTOR_CLIENT_ID, PROCOUNTOR_CLIENT_SECRET, PROCOUNTOR_REDIRECT_URI)
unless the export's Client identity / Client key override them. Base URL blank = production.

Calls per run: the token, then fiscal years, chart of accounts, dimensions, VAT defaults (check_setup,
reused by prepare), the rights probes, the product group and its products, the run's customers by number
and the sales invoices of the run's dates (prepare, every page). Per invoice: POST invoices, GET + PUT its
ledger receipt, and POST attachments with the PDF copy. A customer is read once per run and written when it
is new or changed; the product group, an accounting product or a dimension item once, when missing.
"""
from __future__ import annotations

from accounting.models import VatRate

from ...selectors import invoices_reaching
from ..base import ExportError, Problem
from ..facts import customers as customers_of
from ..facts import period_days
from ..prepared import PreparedConnector
from ..start_text import StartTextError
from .api import ProcountorApi
from .build import PayloadBuilder, VatRates
from .messages import CATALOGUE
from .preflight import problem, remote_problems, rights_problems
from .reference import Company, RunData, find_group, find_partner
from .registers import Registers
from .sending import Sender
from .settings import Settings


class ProcountorConnector(PreparedConnector):
    type = "procountor"
    catalogue = CATALOGUE
    #: Seed 002: a PDF that cannot be attached is a warning; the invoice is still created.
    pdf_failure_is_warning = True

    def __init__(self, export, **kwargs):
        super().__init__(export, **kwargs)
        self.api = ProcountorApi(self)
        self._company: Company | None = None
        self._builder: PayloadBuilder | None = None
        self._sender: Sender | None = None
        self._rates: VatRates | None = None
        try:
            self.settings, self.settings_error = Settings.of(export), None
        except StartTextError as exc:
            self.settings, self.settings_error = Settings(), exc

    # -- the contract ------------------------------------------------------------------------------------------
    def check_setup(self, invoices=None) -> list[Problem]:
        if invoices is None:
            invoices = invoices_reaching(self.export)
        if self.settings_error:
            return [problem("invalid_start_text", self.settings_error)]
        if not self.api.integration.complete:
            return [problem("integration_not_configured")]
        try:
            company = self.company()
        except ExportError as exc:
            return [Problem(exc.code, exc.message)]
        problems = rights_problems(self.api)
        if any(p.blocking for p in problems):
            return problems
        return problems + remote_problems(company, self.export, invoices, self._vat_rates().codes)

    def prepare(self, invoices) -> None:
        self.ensure_usable()
        company = self.company()
        run = RunData(group=find_group(self.api, self.settings.product_group))
        if run.group is not None:
            run.add_products(self.api.pages("products", {"group": run.group["id"], "type": "SALES"}))
        numbers = customers_of(invoices).exclude(sales_ledger_number=None).values_list("sales_ledger_number",
                                                                                      flat=True)
        for number in sorted({str(n) for n in numbers}):
            run.partners[number] = find_partner(self.api, number)
        days = [day for _, day in period_days(invoices)]
        if days:
            first, last = days[0], days[-1]
            run.add_invoices(self.api.pages("invoices", {"startDate": first.isoformat(), "endDate": last.isoformat(),
                                                         "types": "SALES_INVOICE"}))
            run.covered = (first, last)
        registers = Registers(self.api, company, run, self.settings.product_group)
        self._sender = Sender(self.api, self.settings, run, registers, self.export.include_pdf_copy)
        self._builder = PayloadBuilder(self.export, self.settings, company, self.opter, self._vat_rates())

    # -- helpers ---------------------------------------------------------------------------------------------
    def company(self) -> Company:
        """The reference data, read once per run (the setup check's reads serve prepare too)."""
        if self._company is None:
            self.ensure_usable()
            self._company = Company.load(self.api)
        return self._company

    def _vat_rates(self) -> VatRates:
        if self._rates is None:
            codes = {code.vat_rate_id: code.code.strip() for code in self.export.codes.filter(kind="tax_rate")}
            names = dict(VatRate.objects.values_list("pk", "name"))
            self._rates = VatRates(codes, names)
        return self._rates

    def ensure_usable(self) -> None:
        super().ensure_usable()
        if not self.api.integration.complete:
            raise ExportError(CATALOGUE, "integration_not_configured")


