"""The Netvisor connector: Opter's "Exporting invoices to Netvisor (API)" (seed 001) over Netvisor's XML
API (specs/netvisor-api.md).

Credentials (seed 001, step 2): User id = the API user's username, Password = its API key, Office code =
the company's business ID; the partner id and key are the portal's (credentials.py). Base URL blank =
production (api.PRODUCTION_URL).

Calls per run: accountlist, customerlist (the customers in use, 100 codes a call), productlist,
dimensionlist and salesinvoicelist (the run's invoice dates, every page): check_setup reads them, prepare
reuses them. Per invoice: one salesinvoice.nv add, the PDF copy inside it. A new customer, the product
(once) and a new dimension item add a call each.

Netvisor takes one call at a time per company: the send policy keeps one invoice in flight, and the
shared objects (customers, product, dimension items) are created under the company data's lock.
"""
from __future__ import annotations

from accounting.models import TerminologyTag

from ...selectors import invoices_reaching
from .. import facts
from ..base import Connector, ExportError, Payload, Problem, RemoteRef, SendResult
from ..opter import OpterData
from ..start_text import StartTextError
from ..steps import Steps
from . import credentials
from .api import NetvisorApi
from .build import PayloadBuilder, customer_key
from .messages import CATALOGUE
from .preflight import READ_RIGHTS, account_problems, customer_number_problems, problem_of
from .reference import CompanyData, ProductSpec, Reader
from .sending import Sender
from .target import START_TEXT

PRODUCT_NAME_TAG = "IES_NetvisorAPIProductName"
PRODUCT_GROUP_TAG = "IES_NetvisorAPIProductGroup"


class NetvisorConnector(Connector):
    type = "netvisor"
    catalogue = CATALOGUE

    def __init__(self, export, **kwargs):
        super().__init__(export, **kwargs)
        try:
            self.status, self._settings_error = START_TEXT.parse(export.start_text)["status"], None
        except StartTextError as exc:
            self.status, self._settings_error = START_TEXT.default, exc
        self.identity = credentials.identity(export)
        self.api = NetvisorApi(self, self.identity) if self.identity else None
        self.reader = Reader(self.api) if self.api else None
        self.opter = OpterData(export)
        self.company = CompanyData()
        self._loaded: dict[str, object] = {}  # what self.company holds: part -> for which invoices
        self._product: ProductSpec | None = None
        self._builder: PayloadBuilder | None = None
        self._sender: Sender | None = None

    # -- the contract ------------------------------------------------------------------------------------
    def check_setup(self, invoices=None) -> list[Problem]:
        """The credentials, each right a read can show, and the accounts of the invoices' account coding
        (by default the invoices the export would send next)."""
        if invoices is None:
            invoices = invoices_reaching(self.export)
        try:
            self._ensure_usable()
        except ExportError as exc:
            return [problem_of(exc)]
        problems = customer_number_problems(invoices) if self.export.use_customer_number else []
        try:
            problems += self._load(invoices, probing=True)
        except ExportError as exc:
            return [*problems, problem_of(exc)]
        if "accounts" in self._loaded:
            problems += account_problems(self.company.accounts, invoices)
        return problems

    def prepare(self, invoices) -> None:
        self._ensure_usable()
        self._load(invoices)
        codes = {row.vat_rate_id: row.code for row in self.export.codes.filter(kind="tax_rate")}
        self._builder = PayloadBuilder(self.export, self.status, self.company, self.product_spec(), codes,
                                       self.opter)
        self._sender = Sender(self.api, self.company, self.product_spec(), self.status)

    def prefetch(self, invoices) -> None:
        self.opter.load(invoices)

    def build(self, invoice, pdf: bytes | None) -> Payload:
        self._ensure_prepared()
        return self._builder.build(invoice, pdf)

    def find_existing(self, invoice, refresh: bool = False, steps: Steps | None = None) -> RemoteRef | None:
        self._ensure_usable()
        self._ensure_prepared()
        try:
            key = customer_key(invoice.customer, self.export.use_customer_number)
        except ExportError:
            key = ""
        return self._sender.find_existing(invoice, refresh, steps if steps is not None else Steps(), key)

    def send(self, invoice, payload: Payload, steps: Steps) -> SendResult:
        self._ensure_usable()
        self._ensure_prepared()
        return self._sender.send(invoice, payload.body, steps)

    def close(self) -> None:
        if self.api is not None:
            self.api.close()

    # -- reference data ------------------------------------------------------------------------------------
    def product_spec(self) -> ProductSpec:
        if self._product is None:
            office = self.export.office
            name = TerminologyTag.text_for(PRODUCT_NAME_TAG, office).strip() or "Opter"
            group = TerminologyTag.text_for(PRODUCT_GROUP_TAG, office).strip() or "OpterGroup"
            self._product = ProductSpec(code=name, name=name, group=group)
        return self._product

    def _load(self, invoices, *, probing: bool = False) -> list[Problem]:
        """Read what is not read yet for these invoices, one resource after the other (in READ_RIGHTS
        order). ``probing``: a missing right is a problem to report and the next resource is read."""
        keys = frozenset(self._customer_keys(invoices))
        span = facts.invoice_date_range(invoices)
        company, reader = self.company, self.reader
        reads = {
            "accountlist.nv": ("accounts", None, lambda: setattr(company, "accounts", reader.accounts())),
            "customerlist.nv": ("customers", keys, lambda: self._set_customers(keys)),
            "productlist.nv": ("product", None,
                               lambda: setattr(company, "product", reader.product(self.product_spec()))),
            "dimensionlist.nv": ("dimensions", None, lambda: setattr(company, "dimensions", reader.dimensions())),
            "salesinvoicelist.nv": ("invoices", span, lambda: self._set_invoices(span)),
        }
        problems = []
        for resource in READ_RIGHTS:
            part, scope, read = reads[resource]
            if part in self._loaded and self._loaded[part] == scope:
                continue
            try:
                read()
            except ExportError as exc:
                if probing and exc.short_code == "missing_right":
                    problems.append(problem_of(exc))
                    continue
                raise
            self._loaded[part] = scope
        return problems

    def _set_customers(self, keys) -> None:
        self.company.customers = self.reader.customers(keys)

    def _set_invoices(self, span) -> None:
        self.company.invoices = {}
        self.company.covered = span
        if span:
            for row in self.reader.invoices(*span):
                self.company.invoices[row["number"]] = row

    def _customer_keys(self, invoices) -> list[str]:
        customers = facts.customers(invoices).only("code", "sales_ledger_number")
        if self.export.use_customer_number:
            return [str(c.sales_ledger_number) for c in customers if c.sales_ledger_number is not None]
        return [c.code for c in customers]

    def _ensure_usable(self) -> None:
        self.ensure_not_cancelled()
        if self._settings_error:
            raise ExportError(CATALOGUE, "invalid_start_text", self._settings_error)
        if self.identity is None:
            raise ExportError(CATALOGUE, "no_partner_credentials")

    def _ensure_prepared(self) -> None:
        if self._sender is None:
            raise RuntimeError("prepare(invoices) must run before build, find_existing and send.")

