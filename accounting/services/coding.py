"""Account coding: which chart applies on a day, the accounts receivable account, and the sales account
of each invoice line.

The texts of AccountCodingError are the ones Opter's E-Financials article lists, so the same wording
reaches the user whether the problem shows up when a period is closed or when a connector builds an
invoice.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext, gettext_noop

from ..models import Account, AccountCodingChart, AccountCodingChartAccount, ChartAccountRole, VatRate

MESSAGES = {
    "no_accounts_for_period":
        gettext_noop("There are no accounts for the period {0}. Make sure that there is an account for accounts "
                     "receivable in the account coding charts."),
    "no_receivable_account":
        gettext_noop("For the period {0}, there is no account for accounts receivable or the account is incorrect."),
    "incorrect_receivable_account":
        gettext_noop("The account for accounts receivable ({0}) is incorrect for the period {1}."),
    "multiple_receivable_accounts":
        gettext_noop("There are multiple accounts for accounts receivable ({0}) for the period {1}."),
    "no_sales_account":
        gettext_noop("For the period {0}, there is no account for sales or the account is incorrect."),
}


class AccountCodingError(Exception):
    """A problem with the account coding setup; ``code`` is stable, ``message`` is the seed's text."""

    def __init__(self, code: str, message: str, params: tuple = ()):
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = tuple(str(p) for p in params)

    @classmethod
    def of(cls, code: str, *params) -> AccountCodingError:
        return cls(code, MESSAGES[code].format(*params), params)

    def __str__(self) -> str:
        return self.message

    def localized(self) -> str:
        """The message in the active language (as stored when it is not exactly the seed's text)."""
        template = MESSAGES.get(self.code)
        if template is None or template.format(*self.params) != self.message:
            return self.message
        return gettext(template).format(*self.params)


def charts_valid_on(day: date) -> QuerySet[AccountCodingChart]:
    """Charts valid on ``day``: the default first, then the one whose validity started most recently."""
    return (AccountCodingChart.objects
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .order_by("-is_default", F("valid_from").desc(nulls_last=True), "name"))


def chart_for(day: date) -> AccountCodingChart | None:
    """The account coding chart valid on ``day``, preferring the default chart."""
    return charts_valid_on(day).first()


def receivable_account(period_label: str, day: date) -> Account:
    """The single, active accounts receivable account of the chart valid on ``day``."""
    return ReceivableResolver().resolve(period_label, day)


class ReceivableResolver:
    """The accounts receivable account per day, from every chart read once (two queries), so that a run
    over a month of invoice dates does not ask the database once per date."""

    def __init__(self):
        self.charts = list(AccountCodingChart.objects.order_by(
            "-is_default", F("valid_from").desc(nulls_last=True), "name"))
        self.receivables: dict[int, list[Account]] = {chart.pk: [] for chart in self.charts}
        for row in (AccountCodingChartAccount.objects.filter(role=ChartAccountRole.ACCOUNTS_RECEIVABLE)
                    .select_related("account").order_by("account__number")):
            self.receivables.setdefault(row.chart_id, []).append(row.account)

    def chart_for(self, day: date) -> AccountCodingChart | None:
        """As ``chart_for``: the valid charts, the default first, then the latest validity."""
        return next((chart for chart in self.charts
                     if (chart.valid_from is None or chart.valid_from <= day)
                     and (chart.valid_to is None or chart.valid_to >= day)), None)

    def resolve(self, period_label: str, day: date) -> Account:
        chart = self.chart_for(day)
        if chart is None:
            raise AccountCodingError.of("no_accounts_for_period", period_label)
        accounts = self.receivables.get(chart.pk, [])
        if not accounts:
            raise AccountCodingError.of("no_receivable_account", period_label)
        if len(accounts) > 1:
            raise AccountCodingError.of("multiple_receivable_accounts", ", ".join(a.number for a in accounts),
                                        period_label)
        account = accounts[0]
        if not account.is_active:
            raise AccountCodingError.of("incorrect_receivable_account", account.number, period_label)
        return account


class SalesAccountResolver:
    """Picks the sales account of an invoice line: the line's own account, else the customer's sales
    account for the line's VAT rate, else the VAT rate's sales account (Opter's fallback order, with the
    VAT rate as the mandatory last step).

    Everything it needs is loaded when it is built, so resolving a line never queries the database.
    Build one per period or export run, for the customers whose invoices it will see.
    """

    def __init__(self, period_label: str, customers: Iterable[int] | QuerySet | None = None):
        from customers.models import CustomerSalesAccount

        self.period_label = period_label
        # The chart of accounts is shared by all offices and small; VAT rates likewise.
        self.accounts: dict[int, Account] = Account.objects.in_bulk()
        self.vat_rates: dict[int, VatRate] = VatRate.objects.in_bulk()
        rows = CustomerSalesAccount.objects.all()
        if customers is not None:
            rows = rows.filter(customer_id__in=customers)
        self.customer_accounts: dict[tuple[int, int], int] = {
            (customer_id, vat_rate_id): account_id
            for customer_id, vat_rate_id, account_id
            in rows.values_list("customer_id", "vat_rate_id", "account_id")
        }

    @classmethod
    def for_period(cls, period) -> SalesAccountResolver:
        from customers.models import Customer

        return cls(period.name, Customer.objects.filter(invoices__period=period).values("pk"))

    @classmethod
    def for_invoices(cls, invoices: Iterable, period_label: str = "") -> SalesAccountResolver:
        invoices = list(invoices)
        label = period_label or (invoices[0].period.name if invoices and invoices[0].period_id else "")
        return cls(label, {invoice.customer_id for invoice in invoices})

    def resolve(self, *, vat_rate_id: int, customer_id: int | None, account_id: int | None = None) -> Account:
        chosen = account_id or self.customer_accounts.get((customer_id, vat_rate_id))
        if not chosen:
            vat_rate = self.vat_rates.get(vat_rate_id)
            chosen = vat_rate.sales_account_id if vat_rate else None
        account = self.accounts.get(chosen) if chosen else None
        if account is None or not account.is_active:
            raise AccountCodingError.of("no_sales_account", self.period_label)
        return account

    def account_for(self, line, customer_id: int | None = None) -> Account:
        """The sales account of ``line``. Pass ``customer_id`` unless ``line.invoice`` is already loaded."""
        if customer_id is None:
            customer_id = line.invoice.customer_id
        return self.resolve(vat_rate_id=line.vat_rate_id, customer_id=customer_id, account_id=line.account_id)

    def vat_rate(self, vat_rate_id: int) -> VatRate:
        return self.vat_rates[vat_rate_id]

    def code_for(self, line, customer_id: int | None = None) -> str:
        """Account and VAT percentage as E-Financials shows them on a row, e.g. "3100-24" or "3520-0"."""
        account = self.account_for(line, customer_id)
        return f"{account.number}-{self.vat_rates[line.vat_rate_id].percentage_label}"
