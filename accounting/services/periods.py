"""Closing an invoice period: the account coding of every invoice, then the period_closed signal.

Each invoice is coded as one balanced journal:
  debit   accounts receivable                          invoice total
  credit  sales account per (account, VAT rate, unit)  net of the lines
  credit  sales tax account per VAT rate               VAT of the rate
Amounts follow AccountCodingEntry's sign convention (debit positive, credit negative) and are in the
invoice's currency, the currency in which the invoice totals were computed.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from ..models import AccountCodingEntry, Invoice, InvoiceLine, InvoicePeriod
from ..money import to_cents, vat_of
from ..signals import period_closed
from .coding import AccountCodingError, SalesAccountResolver, receivable_account

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")
BATCH_SIZE = 2000
# How many unbalanced invoices a refusal names before it says "and N more".
NAMED_INVOICES = 10


class PeriodCloseError(Exception):
    """The period cannot be closed; ``str()`` is the message for the user, ``code`` is stable."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


def close_period(period: InvoicePeriod, *, user=None) -> list[AccountCodingEntry]:
    """Create the account coding of every invoice of ``period`` and mark it closed, all or nothing.

    Raises PeriodCloseError when the period is already closed or its coding cannot be created.
    """
    with transaction.atomic():
        # Lock the row so two users closing the same period cannot both code it.
        locked = InvoicePeriod.objects.select_for_update().get(pk=period.pk)
        if locked.is_closed:
            raise PeriodCloseError(
                "already_closed",
                gettext("The invoice period %(period)s was already closed on %(when)s; its account coding exists. "
                        "Correct its invoices with correction invoices instead.")
                % {"period": locked.name, "when": f"{timezone.localtime(locked.closed_at):%Y-%m-%d %H:%M}"})
        try:
            entries = _code_invoices(locked)
        except AccountCodingError as exc:
            raise PeriodCloseError(exc.code, exc.localized()) from exc
        AccountCodingEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)

        locked.closed_at = timezone.now()
        locked.closed_by = user if user is not None and user.is_authenticated else None
        locked.save(update_fields=["closed_at", "closed_by"])
        period.closed_at, period.closed_by = locked.closed_at, locked.closed_by

        closed_by = locked.closed_by
        transaction.on_commit(lambda: _announce(locked, closed_by))
    return entries


def period_label(period: InvoicePeriod) -> str:
    """A period named with its office: several offices have a period "2026-11"."""
    return f"{period.name} ({period.office.name})"


def run_started_by_close(period: InvoicePeriod):
    """The export run that closing ``period`` started (the exports app's period_closed receiver makes it
    once the close is committed), or None when none started."""
    if period.closed_at is None:
        return None
    return period.runs.filter(created_at__gte=period.closed_at).order_by("pk").first()


def _announce(period: InvoicePeriod, user) -> None:
    # The period is committed whatever a receiver does; a failing receiver (say, one that starts the
    # export) is logged rather than turned into an error for a close that already happened.
    for _receiver, result in period_closed.send_robust(sender=InvoicePeriod, period=period, user=user):
        if isinstance(result, Exception):
            logger.error("A period_closed receiver failed for period %s: %r", period.pk, result,
                         exc_info=(type(result), result, result.__traceback__))


def _code_invoices(period: InvoicePeriod) -> list[AccountCodingEntry]:
    label = period.name
    receivable = receivable_account(label, period.until_date)
    resolver = SalesAccountResolver.for_period(period)

    invoices = list(Invoice.objects.filter(period=period).order_by("number")
                    .values_list("pk", "number", "customer_id", "total"))
    lines_by_invoice: dict[int, list[tuple]] = defaultdict(list)
    line_rows = (InvoiceLine.objects.filter(invoice__period=period).order_by("invoice_id", "position", "pk")
                 .values_list("pk", "invoice_id", "amount", "vat_rate_id", "account_id"))
    for row in line_rows.iterator(chunk_size=BATCH_SIZE):
        lines_by_invoice[row[1]].append(row)
    unit_of_line = _primary_units(period)

    _refuse_rates_without_sales_tax_account(resolver, lines_by_invoice, label)

    entries: list[AccountCodingEntry] = []
    unbalanced: list[str] = []
    for invoice_pk, number, customer_id, total in invoices:
        sales: dict[tuple[int, int, int | None], Decimal] = defaultdict(lambda: ZERO)
        net_by_rate: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for line_pk, _, amount, vat_rate_id, account_id in lines_by_invoice.get(invoice_pk, ()):
            account = resolver.resolve(vat_rate_id=vat_rate_id, customer_id=customer_id,
                                       account_id=account_id)
            amount = to_cents(amount)
            sales[(account.pk, vat_rate_id, unit_of_line.get(line_pk))] += amount
            net_by_rate[vat_rate_id] += amount

        invoice_entries = [AccountCodingEntry(
            period=period, invoice_id=invoice_pk, account=receivable, amount=to_cents(total),
            text=f"{number} Accounts receivable")]
        for (account_pk, vat_rate_id, unit_pk), net in sales.items():
            if net:
                rate = resolver.vat_rate(vat_rate_id)
                invoice_entries.append(AccountCodingEntry(
                    period=period, invoice_id=invoice_pk, account_id=account_pk, vat_rate_id=vat_rate_id,
                    economic_unit_id=unit_pk, amount=-net, text=f"{number} Sales {rate.percentage_label} %"))
        # VAT once per rate on the rate's summed net, exactly as the invoice totals compute it.
        for vat_rate_id, net in net_by_rate.items():
            rate = resolver.vat_rate(vat_rate_id)
            vat = vat_of(net, rate.percentage)
            if vat:
                invoice_entries.append(AccountCodingEntry(
                    period=period, invoice_id=invoice_pk, account_id=rate.sales_tax_account_id,
                    vat_rate_id=vat_rate_id, amount=-vat, text=f"{number} VAT {rate.percentage_label} %"))

        balance = sum((entry.amount for entry in invoice_entries), ZERO)
        if balance != ZERO:
            credits = -sum((e.amount for e in invoice_entries[1:]), ZERO)
            unbalanced.append(gettext("%(number)s (debit %(debit)s, credit %(credit)s)")
                              % {"number": number, "debit": to_cents(total), "credit": credits})
            continue
        entries.extend(invoice_entries)

    if unbalanced:
        named = ", ".join(unbalanced[:NAMED_INVOICES])
        if len(unbalanced) > NAMED_INVOICES:
            named = gettext("%(named)s and %(count)s more") % {"named": named,
                                                               "count": len(unbalanced) - NAMED_INVOICES}
        raise PeriodCloseError(
            "unbalanced",
            gettext("The invoice period %(period)s cannot be closed: the account coding of invoice %(invoices)s "
                    "does not balance. The invoice total differs from the sum of its lines and VAT; recalculate "
                    "the invoice totals and close the period again.") % {"period": label, "invoices": named})
    return entries


def _refuse_rates_without_sales_tax_account(resolver, lines_by_invoice, label: str) -> None:
    used = {row[3] for rows in lines_by_invoice.values() for row in rows}
    missing = []
    for rate in sorted((resolver.vat_rate(pk) for pk in used), key=lambda rate: rate.code):
        account = resolver.accounts.get(rate.sales_tax_account_id)
        if rate.percentage > 0 and (account is None or not account.is_active):
            missing.append(rate)
    if missing:
        names = ", ".join(f"{rate.name} ({rate.percentage_label} %)" for rate in missing)
        if len(missing) == 1:
            text = gettext("The invoice period %(period)s cannot be closed: the VAT rate %(rates)s has no active "
                           "account for sales tax. Choose the Account sales tax under Economy > VAT rates.")
        else:
            text = gettext("The invoice period %(period)s cannot be closed: the VAT rates %(rates)s have no active "
                           "account for sales tax. Choose the Account sales tax under Economy > VAT rates.")
        raise PeriodCloseError("no_sales_tax_account", text % {"period": label, "rates": names})


def _primary_units(period: InvoicePeriod) -> dict[int, int]:
    """The economic unit of each line for the coding: the lowest level it carries (level 1 is the profit
    centre, the project in E-Financials); an entry holds a single unit."""
    through = InvoiceLine.economic_units.through
    chosen: dict[int, tuple[int, int]] = {}
    rows = (through.objects.filter(invoiceline__invoice__period=period)
            .values_list("invoiceline_id", "economicunit_id", "economicunit__level", "economicunit__code"))
    for line_pk, unit_pk, level, code in rows.iterator(chunk_size=BATCH_SIZE):
        key = (level, code)
        if line_pk not in chosen or key < chosen[line_pk][1]:
            chosen[line_pk] = (unit_pk, key)
    return {line_pk: unit_pk for line_pk, (unit_pk, _) in chosen.items()}
