"""Country codes and VAT numbers are normalised wherever they are entered: model validation, admin forms,
imports. "ee" becomes "EE", "XX" is refused, a VAT number's message names the rule that failed."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounting.models import Office, Region
from customers.models import Customer
from customers.resources import CustomerResource
from tests.factories import CustomerFactory, OfficeFactory, RegionFactory
from tests.importexport.helpers import import_file, problems


@pytest.fixture
def office(db):
    return OfficeFactory()


def test_a_customers_lower_case_country_is_stored_upper_case(office):
    customer = CustomerFactory.build(office=office, code="C-9", country="ee", invoice_country="fi",
                                     vat_number="ee 100 247 019", corporate_id="10137025")
    customer.full_clean()
    customer.save()
    customer.refresh_from_db()
    assert (customer.country, customer.invoice_country, customer.vat_number) == ("EE", "FI", "EE100247019")


def test_an_unknown_country_is_refused_on_the_customer(office):
    customer = CustomerFactory.build(office=office, code="C-9", country="XX", vat_number="EE100247019")
    with pytest.raises(ValidationError) as excinfo:
        customer.full_clean()
    assert "XX is not an ISO 3166 country code" in excinfo.value.message_dict["country"][0]
    # The country itself is wrong: no second message about the VAT number's prefix.
    assert "vat_number" not in excinfo.value.message_dict


def test_a_customers_vat_number_must_carry_its_countrys_prefix(office):
    customer = CustomerFactory.build(office=office, code="C-9", country="fi", vat_number="EE100247019",
                                     corporate_id="2077474-0")
    with pytest.raises(ValidationError) as excinfo:
        customer.full_clean()
    assert excinfo.value.message_dict["vat_number"] == [
        "The VAT number should start with FI, the prefix of the customer's country (Finland), or change the "
        "country."]


def test_a_customers_vat_number_check_digit_message(office):
    customer = CustomerFactory.build(office=office, code="C-9", country="EE", vat_number="EE100247018")
    with pytest.raises(ValidationError) as excinfo:
        customer.full_clean()
    assert "its check digit is wrong" in excinfo.value.message_dict["vat_number"][0]


def test_offices_and_regions_normalise_country_and_vat_number(office):
    office.country, office.vat_number = "ee", "ee100247019"
    office.full_clean()
    assert (office.country, office.vat_number) == ("EE", "EE100247019")
    region = RegionFactory.build(office=office, code="R-9", country="dk", corporate_id="13585628")
    region.full_clean()
    assert region.country == "DK"
    region.country = "XX"
    with pytest.raises(ValidationError) as excinfo:
        region.full_clean()
    assert "XX is not an ISO 3166 country code" in excinfo.value.message_dict["country"][0]


def test_the_customer_admin_form_upper_cases_the_country(client, admin_user, office):
    client.force_login(admin_user)
    data = {"office": office.pk, "code": "C-10", "name": "Põhja Puit OÜ", "corporate_id": "12905545",
            "country": "ee", "vat_number": "EE107576178", "invoice_country": "fi",
            "sales_accounts-TOTAL_FORMS": "0", "sales_accounts-INITIAL_FORMS": "0"}
    response = client.post(reverse("admin:customers_customer_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    customer = Customer.objects.get(code="C-10")
    assert (customer.country, customer.invoice_country) == ("EE", "FI")


def test_the_office_admin_form_refuses_an_unknown_country(client, admin_user, office):
    client.force_login(admin_user)
    response = client.get(reverse("admin:accounting_office_change", args=[office.pk]))
    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "logo"}
    data.update(country="XX")
    response = client.post(reverse("admin:accounting_office_change", args=[office.pk]), data)
    assert response.status_code == 200
    assert "XX is not an ISO 3166 country code" in " ".join(response.context["adminform"].form.errors["country"])
    assert Office.objects.get(pk=office.pk).country == "EE"


def test_an_import_upper_cases_countries_and_refuses_unknown_ones(office):
    result = import_file(CustomerResource, "code,name,office,corporate_id,country,vat_number,invoice_country\n"
                                           "C-1,Põhja Puit OÜ,TLN,12905545,ee,ee107576178,fi\n")
    assert problems(result) == {}
    customer = Customer.objects.get(code="C-1")
    assert (customer.country, customer.vat_number, customer.invoice_country) == ("EE", "EE107576178", "FI")

    result = import_file(CustomerResource, "code,name,office,country\nC-2,Vigane Maa OÜ,TLN,XX\n")
    [messages] = problems(result).values()
    assert any("XX is not an ISO 3166 country code" in message for message in messages)
    assert not Customer.objects.filter(code="C-2").exists()
    assert Region.objects.count() == 0
