import datetime
import importlib
import re
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from stdnum import bic, iban, iso11649
from stdnum.dk import cvr
from stdnum.ee import registrikood
from stdnum.eu import vat
from stdnum.fi import ytunnus
from stdnum.lv import pvn
from stdnum.pl import nip
from stdnum.se import orgnr

from accounting import models as acc
from accounting.demo.seed import reference_number, seed_demo
from accounting.services.invoices import totals_for
from accounting.services.periods import close_period
from accounting.services.validation import problems_by_invoice
from accounting.validators import is_valid_finnish_reference, make_finnish_reference
from customers.models import Customer
from exports.connectors import registry
from exports.models import CodeTranslation, InvoiceExport, InvoiceExportSetting

CORPORATE_ID = {"EE": registrikood, "FI": ytunnus, "DK": cvr, "LV": pvn, "SE": orgnr, "PL": nip}


def seed(*args, debug=True, settings=None):
    if settings is not None:
        settings.DEBUG = debug
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    return seed()


def test_setup_screens(seeded):
    assert set(acc.Currency.objects.values_list("code", flat=True)) == {"EUR", "DKK"}
    assert acc.ExchangeRate.objects.filter(currency__code="DKK").count() >= 2
    assert sorted(acc.PaymentCondition.objects.values_list("days", flat=True)) == [10, 14, 30]

    tln = acc.Office.objects.get(code="TLN")
    assert tln.name == "Tallinna Veod OÜ"
    assert (tln.iban, tln.bic, tln.default_currency.code) == ("EE382200221020145685", "HABAEE2X", "EUR")
    assert tln.ocr_number_type == acc.OcrNumberType.FINNISH
    assert tln.economic_unit_name_1 == "Project"
    assert list(tln.economic_units.values_list("level", "code", "name")) == [
        (1, "P100", "Distribution"), (1, "P200", "Long haul")]
    hel, cph = acc.Office.objects.get(code="HEL"), acc.Office.objects.get(code="CPH")
    assert hel.default_currency.code == "EUR" and hel.ocr_number_type == acc.OcrNumberType.FINNISH
    assert cph.default_currency.code == "DKK" and cph.country == "DK"

    accounts = dict(acc.Account.objects.values_list("number", "description"))
    assert accounts["1210"] == "Accounts receivable"
    assert {"2410", "3100", "3520"} <= set(accounts)
    ee24 = acc.VatRate.objects.get(percentage=Decimal("24.00"))
    assert (ee24.sales_account.number, ee24.sales_tax_account.number) == ("3100", "2410")
    ee0 = acc.VatRate.objects.get(code="EE0EU")
    assert ee0.percentage == 0 and ee0.is_eu_vat and ee0.sales_account.number == "3520"
    assert acc.VatRate.objects.get(code="FI25.5").percentage == Decimal("25.50")
    assert acc.VatRate.objects.get(code="FI0EU").is_eu_vat
    assert acc.VatRate.objects.get(code="DK25").percentage == Decimal("25.00")
    for rate in acc.VatRate.objects.filter(percentage__gt=0):
        assert rate.sales_tax_account_id, rate

    chart = acc.AccountCodingChart.objects.get(is_default=True)
    assert [(a.role, a.account.number) for a in chart.accounts.all()] == [
        (acc.ChartAccountRole.ACCOUNTS_RECEIVABLE, "1210")]


def test_identifiers_pass_their_checksums(seeded):
    for office in acc.Office.objects.all():
        assert CORPORATE_ID[office.country].is_valid(office.corporate_id), office
        assert vat.is_valid(office.vat_number), office
        assert iban.is_valid(office.iban) and iban.compact(office.iban).startswith(office.country), office
        assert bic.is_valid(office.bic), office
        office.full_clean()
    customers = list(Customer.objects.all())
    assert {c.country for c in customers} >= {"EE", "FI", "DK", "LV", "SE", "PL"}
    for customer in customers:
        assert CORPORATE_ID[customer.country].is_valid(customer.corporate_id), customer
        assert vat.is_valid(customer.vat_number), customer
        assert customer.vat_number.startswith(customer.country)
        customer.full_clean()


def test_customers_look_real(seeded):
    customers = Customer.objects.all()
    names = " ".join(customers.values_list("name", flat=True))
    for letter in "õäöüšžåæø":
        assert letter in names.lower(), letter
    for customer in customers:
        assert customer.invoice_address and customer.invoice_postal_code and customer.invoice_city
        assert customer.invoice_email.endswith(".example")
        assert customer.sales_ledger_number
    assert Counter(customers.values_list("office__code", flat=True)) == {"TLN": 18, "HEL": 8, "CPH": 6}


def test_exports_point_at_the_sandbox_with_the_demo_credentials(seeded, settings):
    """Every target's demo export, as its Target declares it: the sandbox, its credentials, its fields."""
    exports = {e.type: e for e in InvoiceExport.objects.all()}
    declared = {t.type: t for t in registry.targets().values() if t.demo}
    assert set(exports) == set(declared)
    for export_type, export in exports.items():
        target = declared[export_type]
        assert export.name == target.demo.name and export.office.code == target.demo.office
        assert export.base_url == settings.SANDBOX_URL.rstrip("/") + target.sandbox_prefix
        assert export.encoding == "UTF-8" and export.report == ""
        export.parsed_start_text  # noqa: B018 - raises on a start text the type does not accept
        for field in ("password", "client_key", "api_token"):
            assert bool(getattr(export, field)) == bool(getattr(export, f"{field}_set_at")), (export, field)
        for name, value in target.demo.secrets.items():
            assert getattr(export, name) == value, (export, name)
        for name, value in target.demo.fields.items():
            assert getattr(export, name) == (value(export.office) if callable(value) else value), (export, name)
    assert exports["netvisor"].office_code == acc.Office.objects.get(code="HEL").corporate_id
    heeros = exports["xmlserializer"]
    assert heeros.transfer_method == "heeros_api" and heeros.one_file_per_invoice

    codes = {(c.export.type, c.vat_rate.code): c.code for c in CodeTranslation.objects.select_related(
        "export", "vat_rate")}
    assert codes[("netvisor", "FI25.5")] == "KOMY"
    assert codes[("netvisor", "FI0EU")] == "EUMY"
    assert codes[("procountor", "FI25.5")] == "vat_1"
    assert codes[("economic", "DK25")] == "U25"


def test_export_groups_and_customer_assignment(seeded):
    default = InvoiceExportSetting.objects.get(is_default=True)
    assert default.name == "E-Financials (API)"
    assert list(default.exports.values_list("type", flat=True)) == ["efinancials"]
    by_office = defaultdict(set)
    for customer in Customer.objects.select_related("export_setting", "office"):
        assert customer.export_setting is not None
        by_office[customer.office.code].add(customer.export_setting.name)
    assert by_office["TLN"] == {"E-Financials (API)"}
    assert by_office["CPH"] == {"Denmark (e-conomic)"}
    assert "Finland (Netvisor)" in by_office["HEL"]
    # Every export of the portal's own targets has customers whose invoices it sends.
    own = {importlib.import_module(package).TARGET.type for package in registry.TARGET_PACKAGES}
    used = set(InvoiceExport.objects.filter(settings__customers__isnull=False).values_list("type", flat=True))
    assert used >= own


def test_open_periods_with_realistic_invoices(seeded):
    tln = acc.InvoicePeriod.objects.get(office__code="TLN")
    assert tln.name == "2026-11" and not tln.is_closed
    invoices = list(tln.invoices.select_related("customer", "payment_condition").order_by("number"))
    assert [i.number for i in invoices] == list(range(700001, 700051))
    assert {i.invoice_date.month for i in invoices} == {11}
    assert all(i.invoice_date.year == 2026 and i.invoice_date.weekday() < 5 for i in invoices)
    assert [i.invoice_date for i in invoices] == sorted(i.invoice_date for i in invoices)
    for invoice in invoices:
        assert invoice.due_date == invoice.payment_condition.due_date(invoice.invoice_date)
        condition = invoice.customer.payment_condition or invoice.office.default_payment_condition
        assert invoice.payment_condition == condition
        assert invoice.reference_number == make_finnish_reference(str(invoice.number))
        assert is_valid_finnish_reference(invoice.reference_number)
        assert invoice.your_reference

    lines = list(acc.InvoiceLine.objects.filter(invoice__period=tln).select_related("vat_rate", "invoice__customer")
                 .prefetch_related("economic_units"))
    orders = defaultdict(list)
    for line in lines:
        orders[(line.invoice_id, line.order_number)].append(line)
        assert line.account_id is None
        assert line.amount == (line.quantity * line.unit_price).quantize(Decimal("0.01"))
        assert line.sender_reference and line.receiver_reference
        if line.vat_rate.percentage == 0:
            assert line.vat_rate.is_eu_vat and line.invoice.customer.vat_number
            assert line.invoice.customer.country != "EE"
        else:
            assert line.vat_rate.code == "EE24" and line.invoice.customer.country == "EE"
    per_invoice = Counter(invoice_id for invoice_id, _ in orders)
    assert set(per_invoice.values()) <= {1, 2, 3} and len(per_invoice) == 50
    for order_lines in orders.values():
        assert order_lines[0].item_name == "Freight"
        assert len({(line.sender_reference, line.receiver_reference) for line in order_lines}) == 1
    items = {line.item_name for line in lines}
    assert {"Freight", "Road toll", "Fuel surcharge"} <= items
    assert items <= {"Freight", "Road toll", "Cold", "Extension", "Waiting time", "Fuel surcharge"}
    assert {line.vat_rate.code for line in lines} == {"EE24", "EE0EU"}
    units = Counter(unit.code for line in lines for unit in line.economic_units.all())
    assert set(units) == {"P100", "P200"}
    assert any(not line.economic_units.all() for line in lines)

    assert acc.Invoice.objects.filter(office__code="HEL").count() == 10
    assert acc.Invoice.objects.filter(office__code="CPH").count() == 10
    for invoice in acc.Invoice.objects.filter(office__code="CPH"):
        assert invoice.currency.code == "DKK"
        assert iso11649.is_valid(invoice.reference_number)


def test_totals_are_correct_to_the_cent(seeded):
    lines = defaultdict(list)
    for line in acc.InvoiceLine.objects.select_related("vat_rate"):
        lines[line.invoice_id].append(line)
    invoices = acc.Invoice.objects.all()
    assert invoices.count() == 70
    for invoice in invoices:
        assert (invoice.net_amount, invoice.vat_amount, invoice.total) == totals_for(lines[invoice.pk]), invoice
        assert invoice.total == invoice.net_amount + invoice.vat_amount
        assert invoice.total > 0


def test_every_demo_invoice_is_valid(seeded):
    assert problems_by_invoice(acc.Invoice.objects.all()) == {}


def test_the_seeded_periods_close_cleanly(seeded):
    for period in acc.InvoicePeriod.objects.all():
        entries = close_period(period)
        assert sum(e.amount for e in entries) == 0
        receivable = sum(e.amount for e in entries if e.account.number == "1210")
        assert receivable == sum(period.invoices.values_list("total", flat=True))
    tln_accounts = set(acc.AccountCodingEntry.objects.filter(period__office__code="TLN")
                       .values_list("account__number", flat=True))
    assert tln_accounts == {"1210", "2410", "3100", "3520"}


def test_demo_users_are_created_and_printed(seeded):
    assert "Log in at http://127.0.0.1:8000/admin/ as admin / demo-admin-2026" in seeded
    users = {u.username: u for u in get_user_model().objects.prefetch_related("groups")}
    assert users["admin"].is_superuser
    assert {g.name for g in users["finance"].groups.all()} == {"Finance"}
    assert {g.name for g in users["support"].groups.all()} == {"Support"}
    assert users["support"].check_password("demo-support-2026")
    exports = sum(1 for target in registry.targets().values() if target.demo)
    assert re.search(rf"Created 32 customers, {exports} invoice exports and 70 invoices \(TLN 50, HEL 10, CPH 10\) "
                     r"with \d+ lines in \d+\.\d s\.", seeded)


def test_no_demo_users_without_debug(db, settings):
    out = seed(settings=settings, debug=False)
    assert not get_user_model().objects.exists()
    assert "Demo users were not created" in out
    assert acc.Office.objects.count() == 3


def test_if_empty_is_idempotent(seeded, settings):
    counts = (acc.Office.objects.count(), Customer.objects.count(), acc.Invoice.objects.count(),
              acc.InvoiceLine.objects.count(), InvoiceExport.objects.count(), get_user_model().objects.count())
    out = seed("--if-empty", settings=settings)
    assert "no demo data was added" in out
    assert counts == (acc.Office.objects.count(), Customer.objects.count(), acc.Invoice.objects.count(),
                      acc.InvoiceLine.objects.count(), InvoiceExport.objects.count(),
                      get_user_model().objects.count())


def test_if_empty_seeds_an_empty_database(db, settings):
    seed("--if-empty", settings=settings)
    assert acc.Invoice.objects.count() == 70


def test_refuses_to_seed_a_database_with_offices(seeded, settings):
    with pytest.raises(CommandError, match="already holds offices"):
        seed(settings=settings)


def test_invoices_option_scales_the_estonian_period_across_batches(db, settings):
    out = seed("--invoices", "2100", settings=settings, debug=False)
    assert "TLN 2100" in out
    tln = acc.InvoicePeriod.objects.get(office__code="TLN")
    assert tln.invoices.count() == 2100
    assert set(tln.invoices.values_list("number", flat=True)) == set(range(700001, 702101))
    dates = tln.invoices.values_list("invoice_date", flat=True)
    assert min(dates) == datetime.date(2026, 11, 2) and max(dates) == datetime.date(2026, 11, 30)
    # Every economic unit link belongs to a line of the same office's invoices (also after the first batch).
    through = acc.InvoiceLine.economic_units.through
    links = through.objects.filter(invoiceline__invoice__period=tln)
    assert links.filter(invoiceline__invoice__number__gt=702000).exists()
    assert not links.exclude(economicunit__office__code="TLN").exists()
    assert through.objects.count() == links.count()
    assert problems_by_invoice(tln.invoices.all()) == {}
    assert close_period(tln)


def test_the_demo_is_deterministic(db):
    def fingerprint():
        with transaction.atomic():
            seed_demo(invoices=30, small_period_invoices=3, users=False)
            data = list(acc.InvoiceLine.objects.order_by("invoice__number", "position").values_list(
                "invoice__office__code", "invoice__number", "invoice__customer__code", "order_number",
                "item_name", "quantity", "unit_price", "amount", "vat_rate__code"))
            transaction.set_rollback(True)
        return data

    first = fingerprint()
    assert first and first == fingerprint()


@pytest.mark.parametrize(("ocr_type", "expected"), [
    ("finnish", "7000016"), ("rf", "RF39700001"), ("swedish", "7000011"), ("none", "")])
def test_reference_number_per_ocr_type(ocr_type, expected):
    assert reference_number(ocr_type, 700001) == expected
