"""Setup forms explain constraint violations in words instead of naming the database constraint."""
from django.urls import reverse

from accounting.admin import RegionForm, TerminologyTagForm
from exports.forms import CodeTranslationForm
from tests import factories as f


def region_data(office, **changes):
    data = {"office": office.pk, "name": "Tartu", "code": "TRT", "corporate_id": "", "vat_number": "",
            "street": "", "postal_code": "", "city": "", "country": "EE", "email": "",
            "iban": "EE382200221020145685", "bic": "HABAEE2X", "iban_for_all_regions": "on"}
    data.update(changes)
    return data


def test_only_one_region_of_an_office_can_have_iban_for_all_regions(db):
    office = f.OfficeFactory()
    f.RegionFactory(office=office, name="Tallinn", iban_for_all_regions=True)
    form = RegionForm(data=region_data(office))
    assert not form.is_valid()
    assert form.errors["iban_for_all_regions"] == [
        "The region Tallinn already has IBAN for all regions ticked; only one region of an office can. "
        "Untick it there first."]
    assert "__all__" not in form.errors


def test_iban_for_all_regions_needs_an_iban(db):
    form = RegionForm(data=region_data(f.OfficeFactory(), iban=""))
    assert not form.is_valid()
    assert "Enter the IBAN that all regions should use" in form.errors["iban"][0]


def test_a_region_with_an_invalid_iban_or_registry_code_is_refused(db):
    data = region_data(f.OfficeFactory(), iban="EE382200221020145684", corporate_id="10137026")
    form = RegionForm(data=data)
    assert not form.is_valid()
    assert "not a valid IBAN" in form.errors["iban"][0]
    assert "not a valid Estonian registry code" in form.errors["corporate_id"][0]


def test_a_second_text_for_every_office_is_refused_in_words(db):
    f.TerminologyTagFactory(key="IES_NetvisorAPIProductName", text="Freight")
    form = TerminologyTagForm(data={"key": "IES_NetvisorAPIProductName", "language": "", "office": "",
                                    "text": "Transport"})
    assert not form.is_valid()
    assert "already has a text for every office" in form.errors["key"][0]
    office_specific = TerminologyTagForm(data={"key": "IES_NetvisorAPIProductName", "language": "",
                                               "office": f.OfficeFactory().pk, "text": "Transport"})
    assert office_specific.is_valid(), office_specific.errors


def test_a_code_names_an_object_of_its_kind(db):
    vat_rate = f.VatRateFactory()
    condition = f.PaymentConditionFactory()
    form = CodeTranslationForm(data={"kind": "tax_rate", "vat_rate": "", "payment_condition": condition.pk,
                                     "code": "KOMY"})
    assert not form.is_valid()
    assert form.errors["vat_rate"] == ["Choose the VAT rate this code translates (kind Tax rates)."]
    assert form.errors["payment_condition"] == ["Leave the payment condition empty for a Tax rates code."]
    form = CodeTranslationForm(data={"kind": "payment_condition", "vat_rate": vat_rate.pk,
                                     "payment_condition": "", "code": "Net 14"})
    assert not form.is_valid()
    assert set(form.errors) == {"vat_rate", "payment_condition"}


def test_the_codes_tab_saves_a_netvisor_vat_code(client, admin_user):
    export = f.InvoiceExportFactory(name="Netvisor", type="netvisor", user_id="api-user", password="api-key",
                                    office_code="2077474-0", client_key="", client_identity="")
    vat_rate = f.VatRateFactory()
    client.force_login(admin_user)
    data = {
        "name": export.name, "type": "netvisor", "report": "", "encoding": "UTF-8", "user_id": "api-user",
        "office_code": "2077474-0", "start_text": "unsent", "transfer_method": "", "request_timeout": "30",
        "is_active": "on", "codes-TOTAL_FORMS": "1", "codes-INITIAL_FORMS": "0", "codes-MIN_NUM_FORMS": "0",
        "codes-MAX_NUM_FORMS": "1000", "codes-0-kind": "tax_rate", "codes-0-vat_rate": vat_rate.pk,
        "codes-0-payment_condition": "", "codes-0-code": "KOMY",
    }
    response = client.post(reverse("admin:exports_invoiceexport_change", args=[export.pk]), data)
    assert response.status_code == 302
    assert list(export.codes.values_list("vat_rate", "code")) == [(vat_rate.pk, "KOMY")]
    export.refresh_from_db()
    assert export.password == "api-key"
