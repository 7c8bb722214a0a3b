"""check_setup()'s remote part: what E-Financials must hold for a set of invoices, checked once per
distinct fact (account, account and VAT rate per day, project, IBAN) rather than once per invoice, so
the check stays quick for a period of a hundred thousand invoices.

Account coding problems in Opter (no receivables or sales account) are the local setup check's to
report, and build()'s for each invoice; here they only mean there is nothing to look up remotely.
"""
from __future__ import annotations

import contextlib
from collections import defaultdict

from django.db.models import Min

from accounting.models import Invoice, InvoiceLine
from accounting.services.coding import AccountCodingError

from ..base import ExportError, Problem
from .build import PayloadBuilder
from .rows import LineFacts


def remote_problems(builder: PayloadBuilder, invoices) -> list[Problem]:
    ids = invoices.values("pk") if hasattr(invoices, "values") else [invoice.pk for invoice in invoices]
    problems: dict[str, Problem] = {}

    def check(step, *args) -> None:
        try:
            step(*args)
        except ExportError as exc:
            problems.setdefault(exc.message, Problem(exc.code, exc.message))

    check(builder.check_accounts, _receivable_accounts(builder, ids))
    sold = _sales_by_day(builder, ids)
    check(builder.check_accounts, {facts.account for day_facts in sold.values() for facts in day_facts})
    for day, day_facts in sorted(sold.items()):
        check(builder.sale_articles, sorted(day_facts, key=lambda f: f.code), day)
    check(builder.projects, [_facts(project=name) for name in _project_names(builder, ids)])
    for invoice in _one_invoice_per_office_and_region(ids):
        check(builder.bank_account, invoice)
    return list(problems.values())


def _receivable_accounts(builder: PayloadBuilder, ids) -> set[str]:
    numbers = set()
    for name, day in Invoice.objects.filter(pk__in=ids).values_list("period__name", "invoice_date").distinct():
        with contextlib.suppress(AccountCodingError):  # reported by the local check
            numbers.add(builder.opter.receivable_on(name or day.isoformat(), day).number)
    return numbers


def _sales_by_day(builder: PayloadBuilder, ids) -> dict:
    combinations = (InvoiceLine.objects.filter(invoice__in=ids)
                    .values_list("invoice__period__name", "invoice__invoice_date", "invoice__customer_id",
                                 "vat_rate_id", "account_id").distinct())
    combinations = list(combinations)
    builder.opter.add_customers({customer_id for _, _, customer_id, _, _ in combinations})
    by_day = defaultdict(set)
    for name, day, customer_id, vat_rate_id, account_id in combinations:
        label = name or day.isoformat()
        try:
            account = builder.opter.sales_account_for(label, customer_id, vat_rate_id, account_id)
        except AccountCodingError:
            continue
        rate = builder.opter.vat_rate(label, vat_rate_id)
        by_day[day].add(_facts(account=account.number, vat_percent=rate.percentage, vat_label=rate.percentage_label))
    return by_day


def _project_names(builder: PayloadBuilder, ids) -> list[str]:
    through = InvoiceLine.economic_units.through
    return sorted(set(through.objects.filter(invoiceline__invoice__in=ids,
                                             economicunit__level=builder.settings.project_level)
                      .values_list("economicunit__name", flat=True)))


def _one_invoice_per_office_and_region(ids):
    firsts = (Invoice.objects.filter(pk__in=ids).values("office_id", "region_id").annotate(first=Min("pk"))
              .values_list("first", flat=True))
    return Invoice.objects.filter(pk__in=list(firsts)).select_related("office", "region")


def _facts(*, account="", vat_percent=None, vat_label="", project=None) -> LineFacts:
    """Just the parts of a line that a remote check reads."""
    return LineFacts(order_number="", sender_reference="", receiver_reference="", item_name="", quantity=None,
                     unit="", unit_price=None, amount=None, account=account, vat_percent=vat_percent,
                     vat_label=vat_label, eu_vat=False, project=project)
