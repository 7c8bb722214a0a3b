"""check_setup()'s remote part, on distinct facts of the invoices rather than invoice by invoice: the
product groups of the sales accounts in use, the payment terms of the payment conditions in use, the
accounting years of the invoice dates; for vouchers the journal, its voucher numbers and the VAT codes of
the Codes tab."""
from __future__ import annotations

from django.db.models import Max, Min

from accounting.models import Invoice

from .. import facts
from ..base import Problem
from .messages import CATALOGUE
from .reference import NotFound, Reference
from .settings import Settings


def problem(code: str, *params) -> Problem:
    return Problem(CATALOGUE.qualified(code), CATALOGUE.text(code, *params))


def remote_problems(reference: Reference, settings: Settings, invoices, codes: dict) -> list[Problem]:
    problems = []
    accounts, _ = facts.sales_accounts(invoices)
    missing = reference.missing_groups(accounts)
    if missing:
        problems.append(problem("product_groups_missing", missing, sorted(accounts, key=str)))
    for condition in facts.payment_conditions(invoices):
        try:
            reference.terms_for(condition.days, condition.count_from_last_day_of_month,
                                codes["payment_condition"].get(condition.pk, ""))
        except NotFound as exc:
            problems.append(problem("payment_terms", condition.name, exc))
    for day in sorted({day for _, day in facts.period_days(invoices)}):
        if reference.accounting_year(day) is None:
            problems.append(problem("accounting_year", day.isoformat()))
            break
    if settings.vouchers:
        problems += voucher_problems(reference, settings, invoices, codes)
    return problems


def voucher_problems(reference: Reference, settings: Settings, invoices, codes: dict) -> list[Problem]:
    problems = []
    span = Invoice.objects.filter(pk__in=facts.invoice_ids(invoices)).aggregate(first=Min("number"),
                                                                               last=Max("number"))
    numbers = (span["first"], span["last"]) if span["first"] is not None else None
    why = reference.journal_problem(settings.journal, numbers)
    if why:
        problems.append(problem("journal", settings.journal, why))
    in_use = {rate.pk for rate in facts.vat_rates(invoices)}
    for rate_id, code in sorted(codes["tax_rate"].items(), key=lambda item: item[1]):
        if rate_id in in_use and not reference.vat_code_known(code):
            problems.append(problem("vat_code", code))
    return problems
