"""Numbers, money and dates on the pages follow the reader's locale: decimal comma in Estonian and Finnish."""
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from accounting.models import Invoice
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice():
    invoice = factories.invoice_with_lines(lines=1, period=factories.InvoicePeriodFactory())
    Invoice.objects.filter(pk=invoice.pk).update(total=Decimal("1234.50"))
    return invoice


@pytest.mark.parametrize(("language", "shown"), [("en", "1234.50"), ("et", "1234,50"), ("fi", "1234,50")])
def test_money_in_the_invoice_list_uses_the_locale_decimal_separator(client, admin_user, invoice, language, shown):
    client.force_login(admin_user)
    page = client.get(reverse("admin:accounting_invoice_changelist"), HTTP_ACCEPT_LANGUAGE=language)
    assert f">{shown}<" in page.content.decode()


def test_rates_and_dates_in_labels_follow_the_locale():
    rate = factories.VatRateFactory(name="FI 25.5", code="FI255", percentage=Decimal("25.50"))
    exchange = factories.ExchangeRateFactory(rate=Decimal("7.4500"))
    with translation.override("fi"):
        assert str(rate) == "FI 25.5 (25,5 %)"
        assert "7,45" in str(exchange) and "alkaen" in str(exchange)
    with translation.override("et"):
        assert f"{exchange.valid_from:%d.%m.%Y}" in str(exchange)
    with translation.override("en"):
        assert str(rate) == "FI 25.5 (25.5 %)" and "7.45" in str(exchange) and " from " in str(exchange)


def test_the_run_page_dates_the_run_the_estonian_way(client, finance_user):
    from exports.models import ExportRun, RunScope

    run = ExportRun.objects.create(created_by=finance_user, scope=RunScope.INVOICES)
    client.force_login(finance_user)
    estonian = client.get(reverse("exports:run", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="et").content.decode()
    english = client.get(reverse("exports:run", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    local = run.created_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Tallinn"))
    assert f"{local:%d.%m.%Y %H:%M}" in estonian and f"{local:%Y-%m-%d %H:%M}" in english
