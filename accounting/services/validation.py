"""Invoice validation: the rules an invoice must meet before the books (and the targets) can trust it.

- every line's amount is its quantity x unit price, rounded half up to cents;
- the invoice's totals are the sum of its lines, with VAT computed once per rate (services.invoices);
- the exchange rate is greater than 0;
- the due date is on or after the invoice date;
- negative quantities and amounts only on a credit invoice (one that credits an earlier invoice), and a
  credit invoice credits another invoice of its own office.

One set of rules, two ways in:

- ``check_invoice`` / ``check_header`` / ``check_line`` / ``check_totals`` judge objects already in
  memory (an admin form and its lines before they are saved, the rows of an import);
- ``problems_by_invoice`` judges a set of saved invoices (a QuerySet, whatever its size) with a few
  queries over the whole set, never one per invoice: the setup check and the export engine use it over a
  period of a hundred thousand invoices.

Each problem has a stable ``code`` with its parameters (exports.catalogue carries the same codes) and a
message that says what to fix.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import Abs
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from ..models import Invoice, InvoiceLine
from ..money import to_cents, vat_of

ZERO = Decimal("0.00")
#: A saved line whose amount differs from quantity x unit price by less than this is right (a correctly
#: rounded amount is at most half a cent off); the exact check decides the lines at or above it.
_AMOUNT_TOLERANCE = Decimal("0.0049")

MESSAGES = {
    "line_amount": gettext_noop("the amount {0} is not quantity {1} x unit price {2} = {3} (rounded half up to cents). "
                     "Enter {3} as the amount, or correct the quantity or the unit price."),
    "negative_line": gettext_noop("quantity {0} and amount {1}: only a credit invoice may have negative quantities or "
                       "amounts. Enter positive values, or make this a credit invoice by choosing the "
                       "invoice it credits."),
    "totals": gettext_noop("the totals (net {0}, VAT {1}, total {2}) do not match the lines: net {3}, VAT {4} "
                "(computed per VAT rate), total {5}. Save the invoice again so its totals are recalculated "
                "from the lines."),
    "exchange_rate": gettext_noop("the exchange rate {0} must be greater than 0. Enter the rate of the invoice's "
                       "currency, 1 for the office's own currency."),
    "due_date": gettext_noop("the due date {0} is before the invoice date {1}. Enter a due date on or after the "
                  "invoice date."),
    "credits_itself": gettext_noop("an invoice cannot credit itself. Choose the original invoice this credit invoice "
                        "credits."),
    "credit_other_office": gettext_noop("the credited invoice {0} belongs to office {1}, not {2}. Choose an invoice of "
                             "the same office."),
}


@dataclass(frozen=True)
class InvoiceProblem:
    """One broken rule of one invoice (or of one of its lines)."""

    code: str
    params: tuple
    field: str  # the invoice's or the line's field to correct
    number: int | None = None  # the invoice number, when known
    line: int | None = None  # the line's position, for problems of a line
    index: int | None = None  # for check_invoice: the line's index in the lines it was given

    @property
    def text(self) -> str:
        """What is wrong and what to fix, without saying where (a form shows it beside the field)."""
        return gettext(MESSAGES[self.code]).format(*self.params)

    @property
    def sentence(self) -> str:
        """The text as a sentence of its own (beside a form field)."""
        text = self.text
        return text[:1].upper() + text[1:]

    @property
    def message(self) -> str:
        """The text with the line it concerns, for a list of the invoice's problems."""
        text = self.text
        if self.line is not None:
            return str(_("Line {0}: {1}")).format(self.line, text)
        return self.sentence

    @property
    def invoice_message(self) -> str:
        """The message naming the invoice, for a list of many invoices' problems."""
        return str(_("Invoice {0}: {1}")).format(self.number, self.message)


def summary(problems: Iterable[InvoiceProblem]) -> str:
    """The problems of one invoice as one text."""
    return " ".join(problem.message for problem in problems)


# --- the rules, on values in memory ----------------------------------------------------------------


def plain(value) -> str:
    """A quantity, unit price or rate as a person writes it: 1.000 -> "1", 141.0900 -> "141.09"."""
    return f"{Decimal(value).normalize():f}"


def _number(invoice) -> int | None:
    return getattr(invoice, "number", None)


def check_header(invoice) -> list[InvoiceProblem]:
    """The invoice's own fields: exchange rate, due date, the credited invoice."""
    problems = []
    number = _number(invoice)
    rate = invoice.exchange_rate
    if rate is not None and rate <= 0:
        problems.append(InvoiceProblem("exchange_rate", (plain(rate),), "exchange_rate", number))
    if invoice.due_date and invoice.invoice_date and invoice.due_date < invoice.invoice_date:
        problems.append(InvoiceProblem("due_date", (invoice.due_date.isoformat(), invoice.invoice_date.isoformat()),
                                       "due_date", number))
    credited_id = getattr(invoice, "credited_invoice_id", None)
    if credited_id is not None:
        if invoice.pk is not None and credited_id == invoice.pk:
            problems.append(InvoiceProblem("credits_itself", (), "credited_invoice", number))
        else:
            credited = invoice.credited_invoice
            if invoice.office_id and credited.office_id != invoice.office_id:
                problems.append(InvoiceProblem("credit_other_office",
                                               (credited.number, credited.office.code, invoice.office.code),
                                               "credited_invoice", number))
    return problems


def check_line(line, *, credit: bool, number: int | None = None, index: int | None = None) -> list[InvoiceProblem]:
    """One line: its amount is quantity x unit price, and it is negative only on a credit invoice."""
    quantity, unit_price, amount = line.quantity, line.unit_price, line.amount
    if quantity is None or unit_price is None or amount is None:
        return []  # the form or the import reports the missing value itself
    position = getattr(line, "position", None)
    problems = []
    if not credit and (quantity < 0 or amount < 0):
        problems.append(InvoiceProblem("negative_line", (plain(quantity), to_cents(amount)), "quantity" if quantity < 0
                                       else "amount", number, position, index))
    expected = to_cents(Decimal(quantity) * Decimal(unit_price))
    if to_cents(amount) != expected or Decimal(amount) != to_cents(amount):
        params = (amount, plain(quantity), plain(unit_price), expected)
        problems.append(InvoiceProblem("line_amount", params, "amount", number, position, index))
    return problems


def expected_totals(net_by_percentage: dict[Decimal, Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """(net, VAT, total) from the net amount per VAT percentage: VAT once per rate on its summed net."""
    net = sum(net_by_percentage.values(), ZERO)
    vat = sum((vat_of(amount, percentage) for percentage, amount in net_by_percentage.items()), ZERO)
    return to_cents(net), to_cents(vat), to_cents(net + vat)


def _totals_problem(invoice, net_by_percentage, number=None) -> InvoiceProblem | None:
    expected = expected_totals(net_by_percentage)
    stored = (invoice.net_amount, invoice.vat_amount, invoice.total)
    if tuple(to_cents(value or 0) for value in stored) == expected:
        return None
    return InvoiceProblem("totals", (*(to_cents(value or 0) for value in stored), *expected), "total",
                          number if number is not None else _number(invoice))


def check_totals(invoice, lines: Iterable) -> InvoiceProblem | None:
    """The invoice's stored totals against its lines (each line with ``amount`` and ``vat_rate``)."""
    net_by_percentage: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        if line.amount is not None:
            net_by_percentage[line.vat_rate.percentage] += to_cents(line.amount)
    return _totals_problem(invoice, net_by_percentage)


def check_invoice(invoice, lines: Sequence, *, totals: bool = True) -> list[InvoiceProblem]:
    """Every rule over an invoice and its lines in memory. ``totals=False`` where the totals are about to
    be recomputed from the lines (the admin form, an import)."""
    number = _number(invoice)
    problems = check_header(invoice)
    credit = getattr(invoice, "credited_invoice_id", None) is not None
    for index, line in enumerate(lines):
        problems += check_line(line, credit=credit, number=number, index=index)
    if totals:
        problem = check_totals(invoice, lines)
        if problem is not None:
            problems.append(problem)
    return problems


# --- the rules over a set of saved invoices, a few queries whatever its size --------------------------


@dataclass
class _Line:
    """The columns of a saved line the rules read."""

    position: int
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


@dataclass
class _Stored:
    """An invoice's stored totals, as the totals rule reads them."""

    number: int
    net_amount: Decimal
    vat_amount: Decimal
    total: Decimal


def _ids(invoices):
    if isinstance(invoices, QuerySet):
        return invoices.order_by().values("pk")
    return [getattr(invoice, "pk", invoice) for invoice in invoices]


def problems_by_invoice(invoices) -> dict[int, list[InvoiceProblem]]:
    """{invoice id: its problems} for the invalid invoices among ``invoices`` (a QuerySet preferred, or a
    list of invoices or ids). Four queries for any number of invoices: the invoices whose own fields break
    a rule, the lines whose amount or sign may, the net per VAT rate of every invoice against its stored
    totals (streamed), and invoices without lines whose totals are not zero."""
    ids = _ids(invoices)
    found: dict[int, list[InvoiceProblem]] = defaultdict(list)
    columns = ("pk", "number", "office_id", "invoice_date", "due_date", "exchange_rate", "credited_invoice_id")

    header_rules = (Q(exchange_rate__lte=0) | Q(due_date__lt=F("invoice_date"))
                    | Q(credited_invoice__isnull=False) & (Q(credited_invoice=F("pk"))
                                                           | ~Q(credited_invoice__office=F("office"))))
    headers = Invoice.objects.filter(pk__in=ids).filter(header_rules).select_related(
        "office", "credited_invoice__office").only(*columns, "office__code", "credited_invoice__number",
                                                   "credited_invoice__office__code")
    for invoice in headers:
        found[invoice.pk] += check_header(invoice)

    difference = ExpressionWrapper(F("amount") - F("quantity") * F("unit_price"),
                                   output_field=DecimalField(max_digits=30, decimal_places=8))
    suspect = (Q(off__gte=_AMOUNT_TOLERANCE)
               | Q(invoice__credited_invoice__isnull=True) & (Q(quantity__lt=0) | Q(amount__lt=0)))
    lines = (InvoiceLine.objects.filter(invoice__in=ids).annotate(off=Abs(difference)).filter(suspect)
             .order_by("invoice_id", "position", "pk")
             .values_list("invoice_id", "invoice__number", "invoice__credited_invoice_id", "position", "quantity",
                          "unit_price", "amount"))
    for invoice_id, number, credited_id, position, quantity, unit_price, amount in lines:
        found[invoice_id] += check_line(_Line(position, quantity, unit_price, amount),
                                        credit=credited_id is not None, number=number)

    # The net of each (invoice, VAT percentage), with the invoice's stored totals: one grouped query,
    # read as a stream in invoice order.
    sums = (InvoiceLine.objects.filter(invoice__in=ids)
            .values("invoice_id", "invoice__number", "invoice__net_amount", "invoice__vat_amount",
                    "invoice__total", "vat_rate__percentage")
            .annotate(net=Sum("amount")).order_by("invoice_id"))
    current, stored, net_by_percentage = None, None, {}
    for row in sums.iterator(chunk_size=5000):
        if row["invoice_id"] != current:
            _add_totals_problem(found, current, stored, net_by_percentage)
            current, net_by_percentage = row["invoice_id"], {}
            stored = _Stored(row["invoice__number"], row["invoice__net_amount"], row["invoice__vat_amount"],
                             row["invoice__total"])
        percentage = row["vat_rate__percentage"]
        net_by_percentage[percentage] = net_by_percentage.get(percentage, ZERO) + to_cents(row["net"] or 0)
    _add_totals_problem(found, current, stored, net_by_percentage)

    no_lines = (Invoice.objects.filter(pk__in=ids, lines__isnull=True)
                .exclude(net_amount=0, vat_amount=0, total=0).values_list("pk", "number", "net_amount",
                                                                           "vat_amount", "total"))
    for pk, number, net, vat, total in no_lines:
        _add_totals_problem(found, pk, _Stored(number, net, vat, total), {})
    return {pk: problems for pk, problems in found.items() if problems}


def _add_totals_problem(found, invoice_id, stored: _Stored | None, net_by_percentage) -> None:
    if invoice_id is None:
        return
    problem = _totals_problem(stored, net_by_percentage, stored.number)
    if problem is not None:
        found[invoice_id].append(problem)


def invalid_invoice_ids(invoices) -> set[int]:
    return set(problems_by_invoice(invoices))
