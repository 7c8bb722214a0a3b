"""The Codes tab holds a VAT rate's Netvisor code to Netvisor's fixed list (seed 001, step 3) as a form
error; the setup check reports a code that reached the database another way. The customers' EDI codes
must be operator ids Netvisor accepts (a blocking local check)."""
from decimal import Decimal

import pytest
from django.urls import reverse

from exports.connectors.netvisor import operators, vat_codes
from exports.forms import CodeTranslationForm
from exports.models import CodeTranslation
from exports.services.setup_check import check_export
from tests import factories as f
from tests.netvisor.conftest import Line


def code_form(export, vat_rate, code):
    form = CodeTranslationForm(data={"kind": "tax_rate", "vat_rate": vat_rate.pk, "payment_condition": "",
                                     "code": code}, instance=CodeTranslation(export=export))
    return form


@pytest.mark.parametrize("percentage, code, error", [
    ("25.50", "KOMY", None),
    ("24.00", "komy", None),
    ("13.50", "KOMY", None),
    ("0.00", "EUMY", None),
    ("0.00", "100", None),
    ("25.50", "KOMX", "KOMX is not one of Netvisor's VAT codes; enter one of KOMY, EUMY, EUUM, KOOS, EUOS, EUPO, "
                      "EUUO, 100, EUPM312, EUPM309, MUUL, EVTO, EVPO, EVKV, KAVE, RAMY, RAOS, EVRO, MAAL, EVMA "
                      "(Opter's Netvisor article, step 3)."),
    ("25.50", "EUMY", "Netvisor's VAT code EUMY (Sales, EU) takes 0 %, not 25.5 %; choose a code for 25.5 %."),
    ("12.00", "KOMY", "Netvisor's VAT code KOMY (Sales, domestic) takes 0, 10, 13.5, 14, 24, 25.5 %, not 12 %; "
                      "choose a code for 12 %."),
])
def test_the_codes_tab_form_takes_only_netvisors_codes_at_their_percentages(db, percentage, code, error):
    export = f.InvoiceExportFactory(name="Netvisor", type="netvisor")
    rate = f.VatRateFactory(code=f"R{percentage}", percentage=Decimal(percentage))
    form = code_form(export, rate, code)
    assert form.is_valid() is (error is None), form.errors
    if error:
        assert form.errors["code"] == [error]


def test_other_types_codes_are_not_held_to_netvisors_list(db):
    export = f.InvoiceExportFactory(name="E-Financials (API)", type="efinancials")
    assert code_form(export, f.VatRateFactory(), "ANYTHING").is_valid()


def test_the_percentages_in_force_are_a_setting(db, settings):
    settings.NETVISOR_EXTRA_VAT_PERCENTAGES = []
    assert vat_codes.problem(Decimal("25.5"), "KOMY").startswith("Netvisor's VAT code KOMY (Sales, domestic) takes "
                                                                "0, 10, 14, 24 %")


def test_the_invoice_export_page_shows_a_wrong_code_as_the_codes_error(client, admin_user):
    export = f.InvoiceExportFactory(name="Netvisor", type="netvisor", user_id="api-user", password="api-key",
                                    office_code="2077474-0", client_key="", client_identity="")
    rate = f.VatRateFactory(code="FI25.5", percentage=Decimal("25.50"))
    client.force_login(admin_user)
    data = {
        "name": export.name, "type": "netvisor", "report": "", "encoding": "UTF-8", "user_id": "api-user",
        "office_code": "2077474-0", "start_text": "", "transfer_method": "", "request_timeout": "30",
        "is_active": "on", "codes-TOTAL_FORMS": "1", "codes-INITIAL_FORMS": "0", "codes-MIN_NUM_FORMS": "0",
        "codes-MAX_NUM_FORMS": "1000", "codes-0-kind": "tax_rate", "codes-0-vat_rate": rate.pk,
        "codes-0-payment_condition": "", "codes-0-code": "EUMY",
    }
    response = client.post(reverse("admin:exports_invoiceexport_change", args=[export.pk]), data)
    assert response.status_code == 200
    assert "Netvisor&#x27;s VAT code EUMY (Sales, EU) takes 0 %, not 25.5 %" in response.content.decode()
    assert not export.codes.exists()


def test_the_setup_check_reports_a_code_netvisor_does_not_take(finland):
    CodeTranslation.objects.filter(vat_rate=finland.vat255).update(code="EUMY")  # e.g. imported
    finland.invoice()
    report = check_export(finland.export, remote=False)
    (problem,) = [p for p in report.blocking if p.code == "code_not_accepted"]
    assert problem.message == ("Netvisor (API), Codes tab (Tax rates), Finland 25.5 % (25.5 %): Netvisor's VAT code "
                               "EUMY (Sales, EU) takes 0 %, not 25.5 %; choose a code for 25.5 %.")


def test_a_wrong_code_that_reached_the_database_stops_the_invoice_at_build(finland):
    CodeTranslation.objects.filter(vat_rate=finland.vat255).update(code="KOMX")
    invoice = finland.invoice()
    connector = finland.connector()
    connector.prepare([invoice])
    with pytest.raises(Exception, match="Codes tab, VAT rate 25.5 %: KOMX is not one of Netvisor's VAT codes"):
        connector.build(invoice, None)


def test_a_vat_rate_without_a_code_is_named(finland):
    CodeTranslation.objects.filter(vat_rate=finland.vat0).delete()
    finland.invoice(Line(vat="0"))
    report = check_export(finland.export, remote=False)
    assert [p.message for p in report.blocking if p.code == "vat_code_translation"] == [
        f"Netvisor (API): the VAT rate {finland.vat0.name} has no code on the Codes tab (Tax rates)."]


# -- EDI codes ---------------------------------------------------------------------------------------------

def test_an_edi_code_that_is_no_operator_id_blocks_the_export(finland):
    finland.customer.edi_code = "12345"
    finland.customer.save()
    finland.invoice()
    report = check_export(finland.export, remote=False)
    (problem,) = [p for p in report.problems if p.code == "netvisor.customer"]
    assert problem.blocking
    assert problem.message == ("Customer HEL-KHOYL Kuopion Höyläämö Oy: the EDI code 12345 is not an e-invoice "
                               "operator id Netvisor accepts (for example HELSFIHH, 003723327487, BAWCFI22); correct "
                               "it or leave it empty.")


@pytest.mark.parametrize("edi_code", ["", "NDEAFIHH", "ndeafihh", "003721291126", "0037 2329 0000"])
def test_a_blank_or_known_edi_code_passes(finland, settings, edi_code):
    settings.NETVISOR_EXTRA_OPERATOR_IDS = ["003723290000"]
    finland.customer.edi_code = edi_code
    finland.customer.save()
    finland.invoice()
    report = check_export(finland.export, remote=False)
    assert not [p for p in report.problems if p.code == "netvisor.customer"]


def test_the_administrator_extends_the_operator_list_with_a_setting(settings):
    assert not operators.is_accepted("003799999999")
    settings.NETVISOR_EXTRA_OPERATOR_IDS = ["003799999999"]
    assert operators.is_accepted("003799999999")


def test_a_new_customer_with_a_refused_edi_code_is_not_created(finland):
    finland.customer.edi_code = "12345"
    finland.customer.save()
    invoice = finland.invoice()
    connector = finland.connector()
    connector.prepare([invoice])
    with pytest.raises(Exception) as raised:
        connector.build(invoice, None)
    assert raised.value.message == (
        "It was not possible to create a customer with the customer code HEL-KHOYL in Netvisor. The EDI code 12345 is "
        "not an e-invoice operator id Netvisor accepts (for example HELSFIHH, 003723327487, BAWCFI22); correct it or "
        "leave it empty.")


def test_eur_and_finnish_ocr_are_blocking_local_checks(finland):
    finland.office.ocr_number_type = "rf"
    finland.office.default_currency = f.CurrencyFactory(code="SEK", name="Swedish krona")
    finland.office.save()
    finland.invoice()
    codes = {p.code for p in check_export(finland.export, remote=False).blocking}
    assert {"ocr_type", "default_currency"} <= codes
