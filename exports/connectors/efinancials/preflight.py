"""check_setup()'s remote part: what E-Financials must hold for a set of invoices, checked once per
distinct fact (account, account and VAT rate per day, project, IBAN) rather than once per invoice, so
the check stays quick for a period of a hundred thousand invoices.

Account coding problems in Opter (no receivables or sales account) are the local setup check's to
report, and build()'s for each invoice; here they only mean there is nothing to look up remotely.
"""
from __future__ import annotations

from .. import facts
from ..base import ExportError, Problem
from ..rows import LineFacts
from .build import PayloadBuilder


def remote_problems(builder: PayloadBuilder, invoices) -> list[Problem]:
    problems: dict[str, Problem] = {}

    def check(step, *args) -> None:
        try:
            step(*args)
        except ExportError as exc:
            problems.setdefault(exc.message, Problem(exc.code, exc.message))

    receivables, _ = facts.receivable_accounts(invoices)
    check(builder.check_accounts, {account.number for account in receivables.values()})
    sold = facts.sales_by_day(invoices)
    check(builder.check_accounts, {account for day_sales in sold.values() for account, _ in day_sales})
    for day, day_sales in sorted(sold.items()):
        lines = sorted((_facts(account=account, vat_percent=rate.percentage, vat_label=rate.percentage_label)
                        for account, rate in day_sales), key=lambda line: line.code)
        check(builder.sale_articles, lines, day)
    units = facts.economic_units(invoices, level=builder.settings.project_level)
    check(builder.projects, [_facts(project=name) for name in sorted({unit.name for unit in units})])
    for invoice in facts.one_invoice_per_payee(invoices):
        check(builder.bank_account, invoice)
    return list(problems.values())


def _facts(*, account="", vat_percent=None, vat_label="", project=None) -> LineFacts:
    """Just the parts of a line that a remote check reads."""
    return LineFacts(order_number="", sender_reference="", receiver_reference="", item_name="", quantity=None,
                     unit="", unit_price=None, amount=None, account=account, vat_percent=vat_percent,
                     vat_label=vat_label, eu_vat=False, project=project)
