"""The remote setup check (seed 002): the token works, the rights the m2m user needs can be read where a
read shows them, the fiscal year of each invoice date is open, the accounts, dimensions and VAT statuses in
use exist in Procountor. Over distinct facts of the invoices, so it costs the same for ten invoices or a
hundred thousand."""
from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext

from .. import facts
from ..base import ExportError, Problem
from .messages import CATALOGUE
from .reference import ACCOUNT_NUMBER, Company, vat_status_of

#: Reads that show a right of the seed's table (a 403 means the m2m user lacks it).
RIGHT_PROBES = (("customerRegister", "businesspartners", {"type": "CUSTOMER", "size": 1}),
                ("productRegister", "products", {"type": "SALES", "size": 1}),
                ("salesInvoiceSearch", "invoices", {"types": "SALES_INVOICE", "size": 1}),
                ("journalReceiptSearch", "ledgerreceipts", {"size": 1}))


def problem(code: str, *params, blocking: bool = True, hint: str = "") -> Problem:
    return Problem(CATALOGUE.qualified(code), CATALOGUE.text(code, *params), blocking=blocking, hint=hint)


def rights_problems(api) -> list[Problem]:
    found = []
    for right, path, params in RIGHT_PROBES:
        try:
            api.get(path, params)
        except ExportError as exc:
            if exc.status == 403 or exc.short_code == "credentials":
                # The user lacks the right: the seed's credentials message, with the right named.
                hint = f"The m2m user needs the right {right} (ALL_RIGHTS): GET {path} was refused."
                found.append(problem("credentials", exc.status, hint=hint))
            else:
                found.append(Problem(exc.code, exc.message))
    return found


def remote_problems(company: Company, export, invoices, vat_codes: dict[int, str]) -> list[Problem]:
    problems = []
    for _, day in facts.period_days(invoices):
        if not company.period_open(day):
            problems.append(problem("period_closed", day.isoformat()))
    receivables, _ = facts.receivable_accounts(invoices)
    sales, _ = facts.sales_accounts(invoices)
    for number in sorted({account.number for account in receivables.values()} | sales):
        if not ACCOUNT_NUMBER.match(number):
            problems.append(problem("incorrect_account", number))
        elif not company.account_usable(number):
            problems.append(problem("no_account", number))
    missing = sorted({unit_office.economic_unit_name(level) for unit_office, level in _unit_levels(invoices)
                      if company.dimension(unit_office.economic_unit_name(level)) is None})
    if missing:
        problems.append(problem("dimensions_missing", missing))
    for rate in facts.vat_rates(invoices):
        code = vat_codes.get(rate.pk)
        if code is None:
            continue  # the local check names it (the Codes tab)
        status = vat_status_of(code)
        if status is None or status not in company.vat_statuses:
            problems.append(problem("vat_status_invalid", code, rate.name))
        if Decimal(rate.percentage).normalize() not in company.vat_percents:
            problems.append(problem("vat_percent_not_in_use", rate.percentage_label))
    for customer in facts.customers(invoices).filter(edi_code="").only("code", "name"):
        problems.append(Problem("customer_edi_code", gettext(
            "Customer %(code)s %(name)s has no code of its bank in the EDI code field (Details tab): its invoices "
            "are not sent as e-invoices.") % {"code": customer.code, "name": customer.name}, blocking=False))
    return problems


def _unit_levels(invoices):
    """(office, level) of every economic unit on the invoices' lines."""
    units = facts.economic_units(invoices).select_related("office")
    return {(unit.office, unit.level) for unit in units}
