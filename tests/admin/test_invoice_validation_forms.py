"""The invoice change form and its lines refuse what the invoice validation refuses, beside the field."""
from decimal import Decimal

import pytest
from django.urls import reverse

from accounting.models import Invoice
from tests import factories as f

pytestmark = pytest.mark.django_db


def change_data(client, invoice, **line_values):
    """The change form as the browser would post it, with the first line's values replaced."""
    url = reverse("admin:accounting_invoice_change", args=[invoice.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.pop("id", None)
    line = invoice.lines.get()
    data.update({
        "customer": invoice.customer_id, "office": invoice.office_id, "period": invoice.period_id,
        "currency": invoice.currency_id, "payment_condition": invoice.payment_condition_id, "region": "",
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "1", "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000", "lines-0-id": line.pk, "lines-0-invoice": invoice.pk,
        "lines-0-position": line.position, "lines-0-item_name": line.item_name, "lines-0-quantity": "1",
        "lines-0-unit_price": "141.09", "lines-0-amount": "141.09", "lines-0-vat_rate": line.vat_rate_id,
    })
    data.update({f"lines-0-{name}": value for name, value in line_values.items()})
    return url, data


@pytest.fixture
def invoice(admin_user, client):
    client.force_login(admin_user)
    return f.invoice_with_lines(lines=1)


def post(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 200, "the form was accepted"
    return response


def line_errors(response):
    (formset,) = [inline.formset for inline in response.context["inline_admin_formsets"]]
    return formset.forms[0].errors


def test_the_valid_form_is_saved(client, invoice):
    url, data = change_data(client, invoice)
    assert client.post(url, data).status_code == 302
    invoice.refresh_from_db()
    assert invoice.total == Decimal("174.95")


def test_an_amount_of_5_for_1_x_141_09_is_refused_beside_the_amount(client, invoice):
    url, data = change_data(client, invoice, amount="5.00")
    errors = line_errors(post(client, url, data))
    assert errors["amount"] == ["The amount 5.00 is not quantity 1 x unit price 141.09 = 141.09 (rounded half up "
                                "to cents). Enter 141.09 as the amount, or correct the quantity or the unit price."]
    invoice.refresh_from_db()
    assert invoice.lines.get().amount == Decimal("100.00")


def test_quantity_minus_five_is_refused_on_an_ordinary_invoice(client, invoice):
    url, data = change_data(client, invoice, quantity="-5", unit_price="10.00", amount="-50.00")
    errors = line_errors(post(client, url, data))
    assert "only a credit invoice may have negative quantities or amounts" in errors["quantity"][0]
    assert invoice.lines.get().quantity == 1


def test_a_credit_invoice_may_have_quantity_minus_five(client, invoice):
    original = f.invoice_with_lines(lines=1, period=invoice.period, customer=invoice.customer)
    Invoice.objects.filter(pk=invoice.pk).update(credited_invoice=original)
    invoice.refresh_from_db()
    url, data = change_data(client, invoice, quantity="-5", unit_price="10.00", amount="-50.00")
    data["credited_invoice"] = original.pk
    response = client.post(url, data)
    assert response.status_code == 302, line_errors(response)
    invoice.refresh_from_db()
    assert invoice.total == Decimal("-62.00")


@pytest.mark.parametrize("rate", ["0", "-1"])
def test_an_exchange_rate_of_zero_or_below_is_refused_beside_the_rate(client, invoice, rate):
    url, data = change_data(client, invoice)
    data["exchange_rate"] = rate
    response = post(client, url, data)
    errors = response.context["adminform"].form.errors
    assert errors["exchange_rate"] == [f"The exchange rate {rate} must be greater than 0. Enter the rate of the "
                                       f"invoice's currency, 1 for the office's own currency."]
    invoice.refresh_from_db()
    assert invoice.exchange_rate == 1


def test_a_due_date_before_the_invoice_date_is_refused_beside_the_due_date(client, invoice):
    url, data = change_data(client, invoice)
    data["invoice_date"], data["due_date"] = "2026-11-20", "2026-11-19"
    errors = post(client, url, data).context["adminform"].form.errors
    assert errors["due_date"] == ["The due date 2026-11-19 is before the invoice date 2026-11-20. Enter a due date "
                                  "on or after the invoice date."]
