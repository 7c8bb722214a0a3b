"""What the invoice PDF shows, as plain data: built here and tested without rendering a PDF.

The template only lays these values out; every decision (which identity issues the invoice, how the
reference is grouped, how lines form orders, the VAT per rate, which language it speaks) is made in
these functions. Texts are translated with the message context "invoice pdf" (exports/locale), so the
PDF's words never depend on how the portal translates the same English word; the functions that
return text are called inside ``translation.override(language)`` (see invoice_context).
"""
from dataclasses import dataclass, field

from django.db.models.fields.files import FieldFile
from django.utils import translation
from django.utils.translation import npgettext, pgettext

from accounting.models import Invoice, InvoiceLine, OcrNumberType, Office, Region, VatRate
from accounting.services.invoices import vat_breakdown
from accounting.services.payment import issuer, payment_bic, payment_iban
from accounting.validators import compact_iban, format_finnish_reference, format_rf_reference
from customers.models import Customer

from . import formats
from .formats import Numbers

# The languages the PDF is printed in; a customer with another language (or none) gets English.
PDF_LANGUAGES = ("en", "et", "fi", "sv")
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class Issuer:
    """The office or region the invoice is issued by, as printed in the header and footer."""

    name: str
    corporate_id: str
    vat_number: str
    address_lines: tuple[str, ...]
    country: str
    email: str
    iban: str
    bic: str
    logo: FieldFile | None = None


@dataclass(frozen=True)
class Recipient:
    name: str
    address_lines: tuple[str, ...]
    customer_code: str
    vat_number: str
    corporate_id: str


@dataclass(frozen=True)
class Fact:
    """One line of the invoice facts beside the address: "Due date  04.12.2026"."""

    label: str
    value: str
    strong: bool = False


@dataclass(frozen=True)
class PartyRow:
    """One row of the flat table that sets the recipient's address beside the invoice facts.

    The address and the facts are zipped into rows rather than set as two nested tables: a flat
    table is laid out in a fraction of the time. ``style`` says which address line this is (caption,
    name, id or "" for a plain line)."""

    recipient: str
    style: str
    fact: Fact | None


@dataclass(frozen=True)
class TotalRow:
    label: str
    amount: str
    grand: bool = False


@dataclass(frozen=True)
class LineRow:
    item_name: str
    quantity: str
    unit: str
    unit_price: str
    vat: str
    amount: str


@dataclass
class OrderGroup:
    """One order: its heading (order number, sender and receiver reference), then one row per price item."""

    order_number: str
    sender_reference: str
    receiver_reference: str
    rows: list[LineRow] = field(default_factory=list)

    @property
    def has_heading(self) -> bool:
        return bool(self.order_number or self.sender_reference or self.receiver_reference)


@dataclass(frozen=True)
class VatRow:
    label: str
    net: str
    vat: str
    gross: str


@dataclass(frozen=True)
class Totals:
    net: str
    vat: str
    total: str
    currency: str


@dataclass(frozen=True)
class Exchange:
    """A foreign-currency invoice: its rate and the total in the office's default currency."""

    currency: str
    rate: str
    default_currency: str
    total_in_default: str


def _address_lines(*lines: str) -> tuple[str, ...]:
    return tuple(line for line in lines if line)


def _postal_line(postal_code: str, city: str) -> str:
    return " ".join(part for part in (postal_code, city) if part)


def _has_address(place: Office | Region) -> bool:
    return bool(place.street or place.postal_code or place.city)


def issuer_identity(invoice: Invoice) -> Issuer:
    """The issuing office or region (accounting.services.payment.issuer) with the account to pay to.

    A region issues with its own name, IDs and logo; where the region leaves its address, e-mail or logo
    blank, the office's is printed, since the region is part of that office."""
    office = invoice.office
    source = issuer(invoice)
    place = source if _has_address(source) else office
    country = getattr(place, "country", "") or office.country
    return Issuer(
        name=source.name,
        corporate_id=source.corporate_id,
        vat_number=source.vat_number,
        address_lines=_address_lines(place.street, _postal_line(place.postal_code, place.city), country),
        country=country,
        email=source.email or office.email,
        iban=_grouped_iban(payment_iban(invoice)),
        bic=payment_bic(invoice),
        logo=(source.logo or office.logo) or None,
    )


def _grouped_iban(value: str) -> str:
    """IBANs are printed in groups of four, as banks print them: EE38 2200 2210 2014 5685."""
    compact = compact_iban(value)
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def invoice_language(customer: Customer) -> str:
    """The customer's language (Invoice information tab) when the PDF is printed in it, else English."""
    language = (customer.language or "").lower()
    return language if language in PDF_LANGUAGES else FALLBACK_LANGUAGE


def recipient(customer: Customer, home_country: str) -> Recipient:
    """The customer as addressed on the invoice: its Invoice information tab ("Arveteave").

    The country is printed only when it is not the issuer's own, as on a postal address."""
    country = customer.invoice_country or customer.country
    return Recipient(
        name=customer.display_invoice_name,
        address_lines=_address_lines(customer.invoice_address, customer.invoice_address2,
                                     _postal_line(customer.invoice_postal_code, customer.invoice_city),
                                     country if country != home_country else ""),
        customer_code=customer.code,
        vat_number=customer.vat_number,
        corporate_id=customer.corporate_id,
    )


def payment_reference(invoice: Invoice) -> str:
    """The reference number grouped as the office's OCR number type prints it.

    Finnish references in groups of five from the right (12 34561), RF creditor references in groups of
    four (RF71 1234 5600). A stored value of the other kind is grouped by what it is, and any other OCR
    type prints the reference as stored."""
    value = invoice.reference_number.strip()
    if not value or invoice.office.ocr_number_type not in (OcrNumberType.FINNISH, OcrNumberType.RF):
        return value
    compact = "".join(value.split()).upper()
    if compact.startswith("RF"):
        return format_rf_reference(compact)
    if compact.isdigit():
        return format_finnish_reference(compact)
    return value


def payment_terms(invoice: Invoice) -> str:
    """The payment condition's name as the office wrote it; without one, the days between invoice date
    and due date, in the PDF's language."""
    if invoice.payment_condition_id:
        return invoice.payment_condition.name
    days = (invoice.due_date - invoice.invoice_date).days
    if not days:
        return pgettext("invoice pdf", "Due on receipt")
    return npgettext("invoice pdf", "%(days)s day net", "%(days)s days net", days) % {"days": days}


def line_row(line: InvoiceLine, numbers: Numbers = formats.ENGLISH) -> LineRow:
    return LineRow(
        item_name=line.item_name,
        quantity=numbers.quantity(line.quantity),
        unit=line.unit,
        unit_price=numbers.unit_price(line.unit_price),
        vat=numbers.percentage(line.vat_rate.percentage),
        amount=numbers.money(line.amount),
    )


def order_groups(lines, numbers: Numbers = formats.ENGLISH) -> list[OrderGroup]:
    """Lines grouped by order number, orders in the order their first line appears.

    The heading takes the sender and receiver reference of the order's first line that has them: Opter
    repeats them on each line of the order. Lines without an order number form one group without a
    heading number."""
    groups: dict[str, OrderGroup] = {}
    for line in lines:
        group = groups.get(line.order_number)
        if group is None:
            group = groups[line.order_number] = OrderGroup(line.order_number, "", "")
        if not group.sender_reference and line.sender_reference:
            group.sender_reference = line.sender_reference
        if not group.receiver_reference and line.receiver_reference:
            group.receiver_reference = line.receiver_reference
        group.rows.append(line_row(line, numbers))
    return list(groups.values())


def vat_specification(lines, numbers: Numbers = formats.ENGLISH) -> list[VatRow]:
    """One row per VAT rate, VAT computed once on the rate's summed net (accounting.services.invoices)."""
    return [
        VatRow(label=vat_label(rate, numbers), net=numbers.money(net), vat=numbers.money(vat),
               gross=numbers.money(net + vat))
        for rate, net, vat in vat_breakdown(lines)
    ]


def vat_label(rate: VatRate, numbers: Numbers = formats.ENGLISH) -> str:
    # A 0 % rate ticked "EU VAT" is an intra-EU supply; the invoice has to say why no VAT is charged.
    label = numbers.percentage(rate.percentage)
    if not rate.is_eu_vat:
        return label
    return f"{label} " + pgettext("invoice pdf", "(intra-EU supply)")


def totals(invoice: Invoice, numbers: Numbers = formats.ENGLISH) -> Totals:
    """The invoice's stored totals: the amounts exported to the accounting system."""
    return Totals(net=numbers.money(invoice.net_amount), vat=numbers.money(invoice.vat_amount),
                  total=numbers.money(invoice.total), currency=invoice.currency.code)


def exchange(invoice: Invoice, numbers: Numbers = formats.ENGLISH) -> Exchange | None:
    """Only for an invoice in another currency than the office's default, where the rate is meaningful.

    The rate is in units of the default currency per unit of the invoice currency (as ExchangeRate)."""
    default = invoice.office.default_currency
    if invoice.currency_id == default.pk:
        return None
    return Exchange(
        currency=invoice.currency.code,
        rate=numbers.rate(invoice.exchange_rate),
        default_currency=default.code,
        total_in_default=numbers.money(invoice.total * invoice.exchange_rate),
    )


def title(invoice: Invoice) -> str:
    return pgettext("invoice pdf", "Credit invoice") if invoice.is_credit else pgettext("invoice pdf", "Invoice")


def recipient_id_line(party: Recipient) -> str:
    """The customer's VAT number, or its corporate ID when it has none, with its label."""
    if party.vat_number:
        return pgettext("invoice pdf", "VAT no.") + f" {party.vat_number}"
    if party.corporate_id:
        return pgettext("invoice pdf", "Corporate ID") + f" {party.corporate_id}"
    return ""


def facts(invoice: Invoice, party: Recipient, reference: str, money: Totals,
          rate: Exchange | None) -> list[Fact]:
    """The invoice facts in the order they are printed; the ones without a value are left out."""
    rows = [Fact(pgettext("invoice pdf", "Invoice number"), str(invoice.number), strong=True)]
    if invoice.is_credit:
        rows.append(Fact(pgettext("invoice pdf", "Credited invoice"), str(invoice.credited_invoice.number)))
    rows += [
        Fact(pgettext("invoice pdf", "Invoice date"), formats.day(invoice.invoice_date)),
        Fact(pgettext("invoice pdf", "Due date"), formats.day(invoice.due_date), strong=True),
        Fact(pgettext("invoice pdf", "Payment terms"), payment_terms(invoice)),
        Fact(pgettext("invoice pdf", "Reference number"), reference),
        Fact(pgettext("invoice pdf", "Your reference"), invoice.your_reference),
        Fact(pgettext("invoice pdf", "Customer number"), party.customer_code),
        Fact(pgettext("invoice pdf", "Currency"), money.currency),
    ]
    if rate:
        rows.append(Fact(pgettext("invoice pdf", "Exchange rate"),
                         f"1 {rate.currency} = {rate.rate} {rate.default_currency}"))
    return [row for row in rows if row.value]


def party_rows(party: Recipient, invoice_facts: list[Fact]) -> list[PartyRow]:
    """The address lines (caption, name, address, ID) beside the facts, one row per line of the longer."""
    lines = [(pgettext("invoice pdf", "Bill to"), "caption"), (party.name, "name")]
    lines += [(line, "") for line in party.address_lines]
    id_line = recipient_id_line(party)
    if id_line:
        lines.append((id_line, "id"))
    count = max(len(lines), len(invoice_facts))
    lines += [("", "")] * (count - len(lines))
    padded: list[Fact | None] = [*invoice_facts, *[None] * (count - len(invoice_facts))]
    return [PartyRow(text, style, fact) for (text, style), fact in zip(lines, padded, strict=True)]


def total_rows(money: Totals, rate: Exchange | None) -> list[TotalRow]:
    rows = [
        TotalRow(pgettext("invoice pdf", "Total excl. VAT"), money.net),
        TotalRow(pgettext("invoice pdf", "VAT"), money.vat),
        TotalRow(pgettext("invoice pdf", "Total %(currency)s") % {"currency": money.currency}, money.total,
                 grand=True),
    ]
    if rate:
        label = pgettext("invoice pdf", "Total %(currency)s (rate %(rate)s)") % {
            "currency": rate.default_currency, "rate": rate.rate}
        rows.append(TotalRow(label, rate.total_in_default))
    return rows


def invoice_lines(invoice: Invoice) -> list[InvoiceLine]:
    return list(invoice.lines.select_related("vat_rate").order_by("position", "id"))


def invoice_context(invoice: Invoice, language: str | None = None) -> dict:
    """Everything the template prints, computed up front so rendering runs no queries.

    ``language`` defaults to the customer's (invoice_language); the texts computed here are in it, and
    the caller renders the template in the same language (``context["language"]``)."""
    related = ("office__default_currency", "region", "customer", "currency", "payment_condition",
               "credited_invoice")
    invoice = Invoice.objects.select_related(*related).get(pk=invoice.pk)
    language = language if language in PDF_LANGUAGES else invoice_language(invoice.customer)
    numbers = formats.numbers_for(language)
    lines = invoice_lines(invoice)
    identity = issuer_identity(invoice)
    party = recipient(invoice.customer, identity.country)
    reference = payment_reference(invoice)
    money = totals(invoice, numbers)
    rate = exchange(invoice, numbers)
    with translation.override(language):
        return {
            "language": language,
            "invoice": invoice,
            "title": title(invoice),
            "issuer": identity,
            "recipient": party,
            "number": str(invoice.number),
            "invoice_date": formats.day(invoice.invoice_date),
            "due_date": formats.day(invoice.due_date),
            "reference": reference,
            "credited_number": str(invoice.credited_invoice.number) if invoice.is_credit else "",
            "credited_date": formats.day(invoice.credited_invoice.invoice_date) if invoice.is_credit else "",
            "party_rows": party_rows(party, facts(invoice, party, reference, money, rate)),
            "orders": order_groups(lines, numbers),
            "vat_rows": vat_specification(lines, numbers),
            "totals": money,
            "amount_due": f"{money.currency} {money.total}",
            "total_rows": total_rows(money, rate),
            "exchange": rate,
            "line_count": len(lines),
        }
