"""What the invoice PDF shows, as plain data: built here and tested without rendering a PDF.

The template only lays these values out; every decision (which identity issues the invoice, how the
reference is grouped, how lines form orders, the VAT per rate) is made in these functions.
"""
from dataclasses import dataclass, field

from django.db.models.fields.files import FieldFile

from accounting.models import Invoice, InvoiceLine, OcrNumberType, Office, Region, VatRate
from accounting.services.invoices import vat_breakdown
from accounting.services.payment import issuer, payment_bic, payment_iban
from accounting.validators import compact_iban, format_finnish_reference, format_rf_reference
from customers.models import Customer

from . import formats


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
    """The payment condition's name; without one, the days between invoice date and due date."""
    if invoice.payment_condition_id:
        return invoice.payment_condition.name
    days = (invoice.due_date - invoice.invoice_date).days
    return f"{days} days net" if days else "Due on receipt"


def line_row(line: InvoiceLine) -> LineRow:
    return LineRow(
        item_name=line.item_name,
        quantity=formats.quantity(line.quantity),
        unit=line.unit,
        unit_price=formats.unit_price(line.unit_price),
        vat=formats.percentage(line.vat_rate.percentage),
        amount=formats.money(line.amount),
    )


def order_groups(lines) -> list[OrderGroup]:
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
        group.rows.append(line_row(line))
    return list(groups.values())


def vat_specification(lines) -> list[VatRow]:
    """One row per VAT rate, VAT computed once on the rate's summed net (accounting.services.invoices)."""
    return [
        VatRow(label=vat_label(rate), net=formats.money(net), vat=formats.money(vat),
               gross=formats.money(net + vat))
        for rate, net, vat in vat_breakdown(lines)
    ]


def vat_label(rate: VatRate) -> str:
    # A 0 % rate ticked "EU VAT" is an intra-EU supply; the invoice has to say why no VAT is charged.
    label = formats.percentage(rate.percentage)
    return f"{label} (intra-EU supply)" if rate.is_eu_vat else label


def totals(invoice: Invoice) -> Totals:
    """The invoice's stored totals: the amounts exported to the accounting system."""
    return Totals(net=formats.money(invoice.net_amount), vat=formats.money(invoice.vat_amount),
                  total=formats.money(invoice.total), currency=invoice.currency.code)


def exchange(invoice: Invoice) -> Exchange | None:
    """Only for an invoice in another currency than the office's default, where the rate is meaningful.

    The rate is in units of the default currency per unit of the invoice currency (as ExchangeRate)."""
    default = invoice.office.default_currency
    if invoice.currency_id == default.pk:
        return None
    return Exchange(
        currency=invoice.currency.code,
        rate=formats.rate(invoice.exchange_rate),
        default_currency=default.code,
        total_in_default=formats.money(invoice.total * invoice.exchange_rate),
    )


def invoice_lines(invoice: Invoice) -> list[InvoiceLine]:
    return list(invoice.lines.select_related("vat_rate").order_by("position", "id"))


def invoice_context(invoice: Invoice) -> dict:
    """Everything the template prints, computed up front so rendering runs no queries."""
    related = ("office__default_currency", "region", "customer", "currency", "payment_condition")
    invoice = Invoice.objects.select_related(*related).get(pk=invoice.pk)
    lines = invoice_lines(invoice)
    identity = issuer_identity(invoice)
    return {
        "invoice": invoice,
        "issuer": identity,
        "recipient": recipient(invoice.customer, identity.country),
        "number": str(invoice.number),
        "invoice_date": formats.day(invoice.invoice_date),
        "due_date": formats.day(invoice.due_date),
        "payment_terms": payment_terms(invoice),
        "reference": payment_reference(invoice),
        "your_reference": invoice.your_reference,
        "orders": order_groups(lines),
        "vat_rows": vat_specification(lines),
        "totals": totals(invoice),
        "exchange": exchange(invoice),
        "line_count": len(lines),
    }

