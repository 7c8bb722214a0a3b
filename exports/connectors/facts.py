"""Pre-flight facts about a set of invoices, read as distinct values rather than invoice by invoice, so a
setup check costs the same few queries for ten invoices or a hundred thousand.

``invoices`` is a QuerySet of Invoice (preferred: it becomes a subquery) or a list of invoices or ids.
"""
from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Min, QuerySet

from accounting.models import Account, EconomicUnit, Invoice, InvoiceLine, Office, PaymentCondition, VatRate
from accounting.services.coding import AccountCodingError, ReceivableResolver, SalesAccountResolver
from customers.models import Customer


def invoice_ids(invoices):
    """Something ``pk__in`` / ``invoice__in`` accepts: a subquery for a QuerySet (whatever its size), the
    ids of a list. Callers with many invoices pass a QuerySet; a list is for a handful."""
    if isinstance(invoices, QuerySet):
        return invoices.values("pk")
    return [getattr(invoice, "pk", invoice) for invoice in invoices]


def period_label(name: str | None, day: date) -> str:
    """How the account-coding messages name the period: the invoice period, else the invoice date."""
    return name or day.isoformat()


@dataclass(frozen=True)
class Sale:
    """A distinct (day, customer, VAT rate, account) of the invoices' lines, with its sales account."""

    label: str
    day: date
    customer_id: int
    vat_rate: VatRate
    account: Account | None  # None: account coding found none (the error is in ``problem``)
    problem: AccountCodingError | None = None


def invoice_date_range(invoices) -> tuple[date, date] | None:
    """The first and last invoice date: one aggregate for a QuerySet, or from a list of invoices."""
    if isinstance(invoices, QuerySet):
        span = invoices.aggregate(first=Min("invoice_date"), last=Max("invoice_date"))
        return (span["first"], span["last"]) if span["first"] else None
    days = [invoice.invoice_date for invoice in invoices]
    return (min(days), max(days)) if days else None


def period_days(invoices) -> list[tuple[str, date]]:
    """Each distinct (period label, invoice date), in date order."""
    # order_by(): the models' default ordering would make SELECT DISTINCT return one row per invoice (or line).
    rows = (Invoice.objects.filter(pk__in=invoice_ids(invoices)).order_by()
            .values_list("period__name", "invoice_date").distinct())
    return sorted({(period_label(name, day), day) for name, day in rows}, key=lambda pair: (pair[1], pair[0]))


def receivable_accounts(invoices, *, when_none: date | None = None
                        ) -> tuple[dict[str, Account], list[AccountCodingError]]:
    """Accounts receivable per period label, and the account-coding problems met (each once). Without
    invoices, the chart valid on ``when_none`` (if given) is checked instead."""
    found, problems, seen = {}, [], set()
    days = period_days(invoices) or ([(when_none.isoformat(), when_none)] if when_none else [])
    resolver = ReceivableResolver()
    for label, day in days:
        try:
            found.setdefault(label, resolver.resolve(label, day))
        except AccountCodingError as exc:
            if exc.code not in seen:
                seen.add(exc.code)
                problems.append(exc)
    return found, problems


def sales(invoices) -> list[Sale]:
    """Every distinct sale of the invoices' lines with the sales account account coding gives it."""
    combinations = list(InvoiceLine.objects.filter(invoice__in=invoice_ids(invoices)).order_by()
                        .values_list("invoice__period__name", "invoice__invoice_date", "invoice__customer_id",
                                     "vat_rate_id", "account_id").distinct())
    customers = {customer_id for _, _, customer_id, _, _ in combinations}
    resolvers: dict[str, SalesAccountResolver] = {}
    result = []
    for name, day, customer_id, vat_rate_id, account_id in combinations:
        label = period_label(name, day)
        resolver = resolvers.get(label) or resolvers.setdefault(label, SalesAccountResolver(label, customers))
        rate = resolver.vat_rate(vat_rate_id)
        try:
            account = resolver.resolve(vat_rate_id=vat_rate_id, customer_id=customer_id, account_id=account_id)
        except AccountCodingError as exc:
            result.append(Sale(label, day, customer_id, rate, None, exc))
        else:
            result.append(Sale(label, day, customer_id, rate, account))
    return result


def vat_rates(invoices) -> list[VatRate]:
    ids = InvoiceLine.objects.filter(invoice__in=invoice_ids(invoices)).order_by().values("vat_rate_id").distinct()
    return list(VatRate.objects.filter(pk__in=ids).order_by("code"))


def zero_rate_sales(invoices) -> list[tuple[VatRate, str, str]]:
    """(0 % VAT rate, customer country, office country) as they occur."""
    rows = (InvoiceLine.objects.filter(invoice__in=invoice_ids(invoices), vat_rate__percentage=0).order_by()
            .values_list("vat_rate_id", "invoice__customer__country", "invoice__office__country").distinct())
    rows = list(rows)
    rates = VatRate.objects.in_bulk({vat_rate_id for vat_rate_id, _, _ in rows})
    return [(rates[vat_rate_id], customer_country, office_country)
            for vat_rate_id, customer_country, office_country in rows]


def payment_conditions(invoices) -> QuerySet[PaymentCondition]:
    ids = Invoice.objects.filter(pk__in=invoice_ids(invoices)).values("payment_condition_id")
    return PaymentCondition.objects.filter(pk__in=ids).order_by("name")


def customers(invoices) -> QuerySet[Customer]:
    ids = Invoice.objects.filter(pk__in=invoice_ids(invoices)).values("customer_id")
    return Customer.objects.filter(pk__in=ids).order_by("code")


def customers_at_zero_rate(invoices) -> QuerySet[Customer]:
    ids = (InvoiceLine.objects.filter(invoice__in=invoice_ids(invoices), vat_rate__percentage=0)
           .values("invoice__customer_id"))
    return Customer.objects.filter(pk__in=ids).order_by("code")


def offices(invoices) -> QuerySet[Office]:
    ids = Invoice.objects.filter(pk__in=invoice_ids(invoices)).values("office_id")
    return Office.objects.filter(pk__in=ids).select_related("default_currency").order_by("code")


def one_invoice_per_payee(invoices) -> QuerySet[Invoice]:
    """One invoice per distinct (office, region): each place an invoice is paid to, with its IBAN."""
    firsts = (Invoice.objects.filter(pk__in=invoice_ids(invoices)).values("office_id", "region_id")
              .annotate(first=Min("pk")).values_list("first", flat=True))
    return Invoice.objects.filter(pk__in=list(firsts)).select_related("office", "region")


def economic_units(invoices, level: int | None = None) -> QuerySet[EconomicUnit]:
    """The economic units on the invoices' lines (optionally of one level)."""
    through = InvoiceLine.economic_units.through
    ids = through.objects.filter(invoiceline__invoice__in=invoice_ids(invoices)).values("economicunit_id")
    units = EconomicUnit.objects.filter(pk__in=ids)
    if level is not None:
        units = units.filter(level=level)
    return units.order_by("level", "name")


def sales_accounts(invoices) -> tuple[set[str], list[AccountCodingError]]:
    """The sales account numbers in use, and the account-coding problems met (each code once)."""
    numbers, problems, seen = set(), [], set()
    for sale in sales(invoices):
        if sale.account is not None:
            numbers.add(sale.account.number)
        elif sale.problem.code not in seen:
            seen.add(sale.problem.code)
            problems.append(sale.problem)
    return numbers, problems


def sales_by_day(invoices) -> dict[date, set[tuple[str, VatRate]]]:
    """(sales account number, VAT rate) used per invoice date."""
    by_day = defaultdict(set)
    for sale in sales(invoices):
        if sale.account is not None:
            by_day[sale.day].add((sale.account.number, sale.vat_rate))
    return by_day


def suppress_coding_errors():
    """Account-coding problems are the local setup check's to report; remote checks skip them."""
    return contextlib.suppress(AccountCodingError)
