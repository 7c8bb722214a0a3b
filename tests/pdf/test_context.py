"""exports.pdf.context: what the invoice PDF prints, checked without rendering."""
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from accounting import models as acc
from accounting.validators import make_rf_reference
from exports.pdf import context
from exports.pdf.fonts import font_set
from tests.factories import CurrencyFactory, InvoiceFactory, InvoiceLineFactory, PaymentConditionFactory, VatRateFactory
from tests.pdf.conftest import make_invoice

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def region(office, **fields):
    defaults = {"name": "Tartu Külmaveod", "code": "TRT", "corporate_id": "12345678", "vat_number": "",
                "street": "Riia 181a", "postal_code": "51014", "city": "Tartu", "country": "EE",
                "iban": "", "bic": ""}
    return acc.Region.objects.create(office=office, **{**defaults, **fields})


@pytest.mark.parametrize(("ocr_type", "stored", "printed"), [
    (acc.OcrNumberType.FINNISH, "7000011", "70 00011"),
    (acc.OcrNumberType.FINNISH, "1234567890123", "123 45678 90123"),
    (acc.OcrNumberType.RF, make_rf_reference("7000011"), "RF" + make_rf_reference("7000011")[2:4] + " 7000 011"),
    (acc.OcrNumberType.FINNISH, make_rf_reference("7000011").lower(),
     "RF" + make_rf_reference("7000011")[2:4] + " 7000 011"),
    (acc.OcrNumberType.RF, "70 00011", "70 00011"),
    (acc.OcrNumberType.NONE, "7000011", "7000011"),
    (acc.OcrNumberType.SWEDISH, "12345 67", "12345 67"),
    (acc.OcrNumberType.FINNISH, "", ""),
])
def test_payment_reference_is_grouped_as_the_office_ocr_type_asks(ocr_type, stored, printed):
    invoice = InvoiceFactory(reference_number=stored)
    invoice.office.ocr_number_type = ocr_type

    assert context.payment_reference(invoice) == printed


def test_lines_are_grouped_by_order_with_the_references_of_the_order():
    invoice = InvoiceFactory()
    rows = [("261", "Gianna N", "Martin Smith", "Freight"), ("262", "", "", "Cold"),
            ("261", "Gianna N", "Martin Smith", "Road toll"), ("262", "Jüri", "Åsa", "Extension"),
            ("", "", "", "Invoice fee")]
    for position, (order, sender, receiver, item) in enumerate(rows):
        InvoiceLineFactory(invoice=invoice, position=position, order_number=order, sender_reference=sender,
                           receiver_reference=receiver, item_name=item)

    groups = context.order_groups(context.invoice_lines(invoice))

    assert [(g.order_number, g.sender_reference, g.receiver_reference, [r.item_name for r in g.rows])
            for g in groups] == [
        ("261", "Gianna N", "Martin Smith", ["Freight", "Road toll"]),
        ("262", "Jüri", "Åsa", ["Cold", "Extension"]),
        ("", "", "", ["Invoice fee"]),
    ]
    assert [g.has_heading for g in groups] == [True, True, False]


def test_a_line_row_is_printed_with_its_units():
    line = InvoiceLineFactory(quantity=Decimal("1.500"), unit="h", unit_price=Decimal("64.4000"),
                              amount=Decimal("96.60"))

    assert context.line_row(line) == context.LineRow(
        item_name="Freight", quantity="1.5", unit="h", unit_price="64.40", vat=f"24{NBSP}%", amount="96.60")


def test_vat_is_specified_per_rate_on_the_summed_net():
    invoice = InvoiceFactory()
    zero = VatRateFactory(code="0EU", name="EU 0 %", percentage=Decimal("0"), is_eu_vat=True)
    for _ in range(3):  # 3 x 0.05 at 24 %: 0.036 -> 0.04 on the sum, not 3 x 0.01
        InvoiceLineFactory(invoice=invoice, unit_price=Decimal("0.05"), amount=Decimal("0.05"))
    InvoiceLineFactory(invoice=invoice, unit_price=Decimal("350"), amount=Decimal("350.00"), vat_rate=zero)

    rows = context.vat_specification(context.invoice_lines(invoice))

    assert rows == [
        context.VatRow(label=f"24{NBSP}%", net="0.15", vat="0.04", gross="0.19"),
        context.VatRow(label=f"0{NBSP}% (intra-EU supply)", net="350.00", vat="0.00", gross="350.00"),
    ]


def test_the_office_issues_with_its_identity_address_and_grouped_iban():
    invoice = InvoiceFactory()

    issuer = context.issuer_identity(invoice)

    assert issuer.name == invoice.office.name
    assert (issuer.corporate_id, issuer.vat_number) == ("10137025", "EE100247019")
    assert issuer.address_lines == ("Pärnu mnt 10", "10148 Tallinn", "EE")
    assert (issuer.iban, issuer.bic) == ("EE38 2200 2210 2014 5685", "HABAEE2X")
    assert issuer.logo is None


def test_a_region_with_its_own_corporate_id_issues_the_invoice():
    invoice = InvoiceFactory()
    invoice.region = region(invoice.office, iban="FI2112345600000785", bic="NDEAFIHH")
    invoice.save()

    issuer = context.issuer_identity(invoice)

    assert (issuer.name, issuer.corporate_id) == ("Tartu Külmaveod", "12345678")
    assert issuer.address_lines == ("Riia 181a", "51014 Tartu", "EE")
    assert (issuer.iban, issuer.bic) == ("FI21 1234 5600 0007 85", "NDEAFIHH")


def test_a_region_without_an_address_prints_the_offices_and_pays_to_the_shared_iban():
    invoice = InvoiceFactory()
    invoice.region = region(invoice.office, street="", postal_code="", city="", country="")
    invoice.save()
    region(invoice.office, name="Head office", code="HQ", corporate_id="", iban="FI2112345600000785",
           bic="NDEAFIHH", iban_for_all_regions=True)

    issuer = context.issuer_identity(invoice)

    assert issuer.name == "Tartu Külmaveod"
    assert issuer.address_lines == ("Pärnu mnt 10", "10148 Tallinn", "EE")
    assert issuer.iban == "FI21 1234 5600 0007 85"


def test_a_region_without_a_corporate_id_leaves_the_office_as_issuer():
    invoice = InvoiceFactory()
    invoice.region = region(invoice.office, corporate_id="")
    invoice.save()

    assert context.issuer_identity(invoice).name == invoice.office.name


def test_the_recipient_prints_the_country_only_when_foreign():
    invoice = InvoiceFactory(customer__invoice_name="Kylmä Oy", customer__invoice_country="FI",
                             customer__invoice_address2="PL 12")
    domestic = InvoiceFactory(customer__invoice_country="EE", office=invoice.office)

    foreign = context.recipient(invoice.customer, "EE")

    assert foreign.name == "Kylmä Oy"
    assert foreign.address_lines == ("Tartu mnt 2", "PL 12", "10145 Tallinn", "FI")
    assert context.recipient(domestic.customer, "EE").address_lines == ("Tartu mnt 2", "10145 Tallinn")


def test_payment_terms_from_the_condition_or_the_dates():
    with_condition = InvoiceFactory(payment_condition=PaymentConditionFactory(name="21 päeva", days=21))
    without = InvoiceFactory(payment_condition=None)
    immediate = InvoiceFactory(payment_condition=None, due_date=without.invoice_date)

    assert context.payment_terms(with_condition) == "21 päeva"
    assert context.payment_terms(without) == "14 days net"
    assert context.payment_terms(immediate) == "Due on receipt"


def test_the_exchange_rate_is_shown_for_a_foreign_currency_only():
    domestic = InvoiceFactory(total=Decimal("100.00"))
    foreign = InvoiceFactory(office=domestic.office, currency=CurrencyFactory(code="USD", name="US dollar"),
                             exchange_rate=Decimal("0.921500"), total=Decimal("1000.00"))

    assert context.exchange(domestic) is None
    assert context.exchange(foreign) == context.Exchange(
        currency="USD", rate="0.9215", default_currency="EUR", total_in_default="921.50")


def test_the_template_renders_from_the_context_without_queries(django_assert_num_queries):
    invoice = make_invoice()
    data = context.invoice_context(invoice)
    fonts = font_set(reduced=False)

    with django_assert_num_queries(0):
        html = render_to_string("invoices/invoice_pdf.html", {
            **data, "reduced": False, "font_family": fonts.family, "font_faces": fonts.faces, "has_logo": False,
            "page_count": 1})

    assert "Jääkülma Õunad &amp; Šampanja Žiletid OÜ" in html  # escaped by Django
    assert data["line_count"] == 6 and len(data["orders"]) == 3


def test_invoice_fields_are_escaped_in_the_template():
    invoice = make_invoice(your_reference='<img src="/etc/passwd">')
    invoice.customer.name = "<b>Evil</b> & Co"
    invoice.customer.save()
    data = context.invoice_context(invoice)
    fonts = font_set(reduced=True)

    html = render_to_string("invoices/invoice_pdf.html", {
        **data, "reduced": True, "font_family": fonts.family, "font_faces": fonts.faces, "has_logo": False,
        "page_count": 1})

    assert '<img src="/etc/passwd">' not in html and "&lt;img src=&quot;/etc/passwd&quot;&gt;" in html
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in html


def test_the_address_is_set_beside_the_facts_row_by_row():
    invoice = make_invoice(credited_invoice=make_invoice(number=123456), your_reference="")

    rows = context.invoice_context(invoice)["party_rows"]

    assert [(row.recipient, row.style) for row in rows][:6] == [
        ("Bill to", "caption"), ("Jääkülma Õunad & Šampanja Žiletid OÜ", "name"), ("Õismäe tee 4", ""),
        ("Kontor 12", ""), ("13511 Tallinn", ""), ("VAT no. EE100247019", "id")]
    assert [row.recipient for row in rows[6:]] == ["", ""]  # the facts are longer: blank address cells
    facts = [(row.fact.label, row.fact.value, row.fact.strong) for row in rows]
    assert facts == [
        ("Invoice number", str(invoice.number), True), ("Credited invoice", "123456", False),
        ("Invoice date", "20.11.2026", False), ("Due date", "04.12.2026", True), ("Payment terms", "14 days", False),
        ("Reference number", "70 00011", False), ("Customer number", invoice.customer.code, False),
        ("Currency", "EUR", False)]  # no "Your reference": it is blank


def test_the_context_speaks_the_customers_language_or_the_one_asked_for():
    invoice = make_invoice(customer_language="et")

    estonian = context.invoice_context(invoice)
    finnish = context.invoice_context(invoice, "fi")
    unknown = context.invoice_context(invoice, "de")

    assert (estonian["language"], estonian["title"], estonian["totals"].total) == ("et", "Arve", f"1{NBSP}372,81")
    assert estonian["total_rows"][-1] == context.TotalRow("Kokku EUR", f"1{NBSP}372,81", grand=True)
    assert (finnish["language"], finnish["title"]) == ("fi", "Lasku")
    assert unknown["language"] == "et"
