"""The invoice PDF in the customer's language: labels, number and date formats, credit invoices, and a
catalogue that covers every label the PDF prints."""
import re
from pathlib import Path

import pytest

from exports.pdf.context import PDF_LANGUAGES, invoice_language
from exports.pdf.render import render_invoice_pdf
from tests.factories import CustomerFactory
from tests.pdf import pdfcheck
from tests.pdf.conftest import PDF_LOCALE_DIR, make_invoice

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

ENGLISH_LABELS = ["Invoice number", "Invoice date", "Due date", "Payment terms", "Reference number",
                  "Your reference", "Customer number", "Currency", "Description", "Quantity", "Unit price",
                  "Amount", "Total excl. VAT", "Total EUR", "VAT rate", "Bill to", "Corporate ID", "VAT no.",
                  "Page 1 / 1", "Please pay", "(intra-EU supply)", "Order: 261", "sender ref."]

LABELS = {
    "et": ["Arve", "Arve number", "Arve kuupäev", "Maksetähtaeg", "Maksetingimus", "Viitenumber 70 00011",
           "Teie viide", "Kliendi number", "Valuuta", "Kirjeldus", "Kogus", "Ühik", "Ühiku hind", "Summa",
           "Summa käibemaksuta", "Kokku EUR", "KM määr", "Maksja", "Registrikood 10137025",
           "KMKR nr EE100247019", "Lehekülg 1 / 1", "Palume tasuda EUR 1 372,81 hiljemalt 04.12.2026",
           "(ühendusesisene käive)", "Tellimus: 261", 'saatja viide "Jüri Kaškel"', 'saaja viide "Åsa Öberg"',
           "Nr "],
    "fi": ["Lasku", "Laskun numero", "Laskun päivämäärä", "Eräpäivä", "Maksuehto", "Viitenumero 70 00011",
           "Viitteenne", "Asiakasnumero", "Valuutta", "Kuvaus", "Määrä", "Yksikkö", "À-hinta", "Summa",
           "Veroton summa", "Yhteensä EUR", "ALV-kanta", "Laskutusosoite", "Y-tunnus 10137025",
           "ALV-numero EE100247019", "Sivu 1 / 1", "Maksakaa EUR 1 372,81 viimeistään 04.12.2026",
           "(yhteisömyynti)", "Tilaus: 261", 'lähettäjän viite "Jüri Kaškel"', "Nro "],
    "sv": ["Faktura", "Fakturanummer", "Fakturadatum", "Förfallodag", "Betalningsvillkor",
           "Referensnummer 70 00011", "Er referens", "Kundnummer", "Valuta", "Beskrivning", "Antal", "Enhet",
           "À-pris", "Belopp", "Summa exkl. moms", "Totalt EUR", "Momssats", "Fakturaadress", "Org.nr 10137025",
           "Momsreg.nr EE100247019", "Sida 1 / 1", "Vänligen betala EUR 1 372,81 senast 04.12.2026",
           "(gemenskapsintern leverans)", "Uppdrag: 261", 'avsändarens ref. "Jüri Kaškel"', "Nr "],
}


def plain(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", pdfcheck.full_text(pdf).replace("\u00a0", " "))


@pytest.mark.parametrize("language", ["et", "fi", "sv"])
def test_the_pdf_carries_the_labels_in_the_customers_language(language):
    text = plain(render_invoice_pdf(make_invoice(customer_language=language)))

    missing = [label for label in LABELS[language] if label not in text]
    english = [label for label in ENGLISH_LABELS if label in text]
    assert missing == [] and english == [], (missing, english)


@pytest.mark.parametrize("language", ["", "en", "da"])
def test_a_customer_without_a_pdf_language_gets_english(language):
    text = plain(render_invoice_pdf(make_invoice(customer_language=language)))

    assert [label for label in ENGLISH_LABELS if label not in text] == []
    assert "1 372.81" in text


def test_the_language_is_the_customers_when_the_pdf_speaks_it():
    assert [invoice_language(CustomerFactory.build(language=code)) for code in ("et", "fi", "sv", "en", "da", "")] \
        == ["et", "fi", "sv", "en", "en", "en"]


@pytest.mark.parametrize("language", ["et", "fi", "sv"])
def test_numbers_have_a_decimal_comma_and_dates_stay_day_month_year(language):
    text = plain(render_invoice_pdf(make_invoice(customer_language=language)))

    for printed in ("1 372,81", "1 174,85", "197,96", "824,85", "1 022,81", "0,875", "0,25", "1,5", "64,40",
                    "24 %", "20.11.2026", "04.12.2026"):
        assert printed in text, printed
    assert "1 372.81" not in text and "0.875" not in text


def test_the_invoices_own_texts_are_printed_as_they_are():
    text = plain(render_invoice_pdf(make_invoice(customer_language="fi")))

    # The payment condition's name, the items, the references and the customer's reference are the
    # office's own words: not translated, not reformatted.
    for own in ("14 days", "Ootetasu Põltsamaa, žalusiide laadimine", "Kølevogn Ærø–Næstved",
                "Ostutellimus Nr 55 / Märt", "Jääkülma Õunad & Šampanja Žiletid OÜ", "EE38 2200 2210 2014 5685"):
        assert own in text, own


@pytest.mark.parametrize(("language", "title", "credited_label", "sentence"), [
    ("en", "Credit invoice", "Credited invoice", "This credit invoice credits invoice {number} of 20.11.2026."),
    ("et", "Kreeditarve", "Krediteeritav arve", "See kreeditarve krediteerib arvet nr {number} (20.11.2026)."),
    ("fi", "Hyvityslasku", "Hyvitettävä lasku", "Tämä hyvityslasku hyvittää laskun {number} (20.11.2026)."),
    ("sv", "Kreditfaktura", "Krediterad faktura", "Denna kreditfaktura krediterar faktura {number} av 20.11.2026."),
])
def test_a_credit_invoice_is_titled_so_and_names_the_invoice_it_credits(language, title, credited_label,
                                                                         sentence):
    original = make_invoice(customer_language=language)
    credit = make_invoice(customer_language=language, credited_invoice=original)

    text = plain(render_invoice_pdf(credit))

    assert title in text and f"{credited_label} {original.number}" in text
    assert sentence.format(number=original.number) in text
    assert "Please pay" not in text and "Palume tasuda" not in text and "Maksakaa" not in text


def test_an_ordinary_invoice_is_titled_invoice_in_each_language():
    titles = {lang: plain(render_invoice_pdf(make_invoice(customer_language=lang))) for lang in ("et", "fi", "sv")}

    assert "Arve" in titles["et"] and "Kreeditarve" not in titles["et"]
    assert "Lasku" in titles["fi"] and "Hyvityslasku" not in titles["fi"]
    assert "Faktura" in titles["sv"] and "Kreditfaktura" not in titles["sv"]


# -- the catalogue -----------------------------------------------------------------------------------------------

SOURCES = [ROOT / "exports" / "pdf" / "context.py", ROOT / "templates" / "invoices" / "invoice_pdf.html"]
MSGID_PATTERNS = [
    r'n?pgettext\(\s*"invoice pdf",\s*"((?:[^"\\]|\\.)*)"',
    r'\{% translate "((?:[^"\\]|\\.)*)" context "invoice pdf" %\}',
    r'\{% blocktranslate context "invoice pdf"[^%]*%\}(.*?)\{% endblocktranslate %\}',
]


def source_msgids() -> set[str]:
    found = set()
    for source in SOURCES:
        text = source.read_text(encoding="utf-8")
        for pattern in MSGID_PATTERNS:
            for msgid in re.findall(pattern, text, flags=re.S):
                # Template variables become python-format placeholders in the catalogue.
                found.add(re.sub(r"\{\{ (\w+) \}\}", r"%(\1)s", msgid).replace('\\"', '"'))
    return found


def catalogue(language: str) -> dict[str, str]:
    """msgid -> msgstr (the first form of a plural) of the PDF's catalogue, "invoice pdf" entries only."""
    po = (PDF_LOCALE_DIR / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = {}
    for block in po.split("\n\n"):
        if 'msgctxt "invoice pdf"' not in block:
            continue
        msgid = re.search(r'^msgid "(.*)"$', block, re.M).group(1).replace('\\"', '"')
        msgstr = re.search(r'^msgstr(?:\[0\])? "(.*)"$', block, re.M).group(1)
        entries[msgid] = msgstr
    return entries


@pytest.mark.parametrize("language", [code for code in PDF_LANGUAGES if code != "en"])
def test_the_catalogue_translates_every_label_the_pdf_prints(language):
    entries = catalogue(language)

    assert source_msgids() - set(entries) == set(), "run makemessages for exports/pdf (see exports/locale)"
    assert [msgid for msgid, msgstr in entries.items() if not msgstr] == []


def test_swedish_is_printed_even_where_the_portal_itself_offers_no_swedish(settings):
    settings.LANGUAGES = [("en", "English"), ("et", "Estonian"), ("fi", "Finnish")]

    text = plain(render_invoice_pdf(make_invoice(customer_language="sv")))

    assert "Förfallodag" in text and "Due date" not in text
