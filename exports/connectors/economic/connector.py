"""The Visma e-conomic connector: Opter's "Exporting invoices to Visma e-conomic" (seed 003), invoice or
voucher method (Start text exportMethod), through e-conomic's REST API.

Tokens: X-AppSecretToken is the portal's own app secret token (settings; see .settings), never the
user's; X-AgreementGrantToken is the export's API token, the app token the user created in step 2.

Calls per run: /self, VAT zones, payment terms, product groups, the products of the groups in use,
layouts, customer groups, accounting years (vouchers: the journal, VAT accounts); then the invoices
already there (booked invoices, or the journal's and the accounting years' entries) and the run's
customers, many at a time. Per invoice: the draft, its PDF and the booking; or the voucher and its PDF.
A new customer and a product for a product group without one add a call each, once.
"""
from __future__ import annotations

from ...selectors import invoices_reaching
from .. import facts
from ..base import ExportError, Problem
from ..prepared import PreparedConnector
from ..start_text import StartTextError
from .api import EconomicApi
from .build import PayloadBuilder, customer_key
from .customers import CustomerBook
from .invoices import InvoiceSender
from .messages import CATALOGUE
from .preflight import remote_problems
from .reference import Reference
from .settings import Settings, app_secret_token
from .vouchers import VoucherSender


class EconomicConnector(PreparedConnector):
    type = "economic"
    catalogue = CATALOGUE

    def __init__(self, export, **kwargs):
        super().__init__(export, **kwargs)
        self.app_secret_token = app_secret_token(export)
        self.api = EconomicApi(self, self.app_secret_token)
        try:
            self.settings, self.settings_error = Settings.of(export), None
        except StartTextError as exc:
            self.settings, self.settings_error = Settings(), exc
        self._reference: Reference | None = None
        self._builder: PayloadBuilder | None = None
        self._sender: InvoiceSender | VoucherSender | None = None

    # -- the contract --------------------------------------------------------------------------------
    def check_setup(self, invoices=None) -> list[Problem]:
        """Remote pre-flight: the tokens work (/self), the product groups of the sales accounts in use exist,
        the payment terms resolve, the accounting years of the invoice dates are open; for vouchers the
        journal takes the invoices and the Codes tab's VAT codes exist."""
        if invoices is None:
            invoices = invoices_reaching(self.export)
        if self.settings_error:
            return [Problem(CATALOGUE.qualified("invalid_start_text"),
                            CATALOGUE.text("invalid_start_text", self.settings_error))]
        problems = []
        if not self.app_secret_token:
            problems.append(Problem(CATALOGUE.qualified("app_not_configured"), CATALOGUE.text("app_not_configured")))
        try:
            reference = self.reference(invoices)
        except ExportError as exc:
            return [*problems, Problem(exc.code, exc.message)]
        return problems + remote_problems(reference, self.settings, invoices, self.codes())

    def prepare(self, invoices) -> None:
        self.ensure_usable()
        if not self.app_secret_token:
            raise self.error("app_not_configured")
        reference = self.reference(invoices)
        accounts, _ = facts.sales_accounts(invoices)
        missing = reference.missing_groups(accounts)
        if missing:
            raise self.error("product_groups_missing", missing, sorted(accounts, key=str))
        numbers, days = _numbers_and_days(invoices)
        customers = CustomerBook(self.api, self.export.use_customer_number)
        customers.look_up(customer_key(c, self.export.use_customer_number) for c in facts.customers(invoices))
        include_pdf = self.export.include_pdf_copy
        if self.settings.vouchers:
            sender = VoucherSender(self.api, customers, self.settings, reference, include_pdf)
            sender.load_existing(numbers, days)
        else:
            sender = InvoiceSender(self.api, customers, include_pdf)
            sender.load_booked(numbers)
        self._sender = sender
        self._builder = PayloadBuilder(self.export, self.settings, reference, self.opter, sorted(accounts, key=str),
                                       self.codes())

    # -- helpers -------------------------------------------------------------------------------------------
    def reference(self, invoices) -> Reference:
        """The agreement's reference data (once per connector), and the products of the groups in use."""
        self.ensure_usable()
        if self._reference is None:
            self._reference = Reference.load(self.api, vouchers=self.settings.vouchers, journal=self.settings.journal)
        if not self.settings.vouchers:
            accounts, _ = facts.sales_accounts(invoices)
            groups = [self._reference.group_named(account) for account in accounts]
            self._reference.load_products(self.api, [group for group in groups if group is not None])
        return self._reference

    def codes(self) -> dict:
        """The Codes tab: VAT rate id -> VAT code, payment condition id -> payment terms name."""
        result = {"tax_rate": {}, "payment_condition": {}}
        for row in self.export.codes.all():
            if row.kind == "tax_rate" and row.vat_rate_id:
                result["tax_rate"][row.vat_rate_id] = row.code.strip()
            elif row.kind == "payment_condition" and row.payment_condition_id:
                result["payment_condition"][row.payment_condition_id] = row.code.strip()
        return result




def _numbers_and_days(invoices) -> tuple[list[int], list]:
    """The run's invoice numbers and its distinct invoice dates (QuerySet or list)."""
    if hasattr(invoices, "values_list"):
        rows = list(invoices.values_list("number", "invoice_date"))
    else:
        rows = [(invoice.number, invoice.invoice_date) for invoice in invoices]
    return sorted({number for number, _ in rows}), sorted({day for _, day in rows})
