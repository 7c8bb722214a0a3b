"""Fill an empty database with a realistic demo: three offices, their setup, customers, one invoice
export per target pointing at the sandbox, and open November 2026 invoice periods full of transport
invoices.

The data is deterministic (seeded random), so two developers seeding the demo see the same invoices.
Invoices are written with bulk_create in batches; their lines and economic units, seven times as many
rows, with batched plain inserts (see insert_rows), which is what makes a 100 000-invoice period take
seconds rather than minutes.
"""
from __future__ import annotations

import calendar
import itertools
import random
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection, transaction
from stdnum import luhn

from customers.models import Customer
from exports.connectors import registry
from exports.models import CodeKind, CodeTranslation, InvoiceExport, InvoiceExportSetting

from .. import models as acc
from ..money import to_cents
from ..services.invoices import totals_for
from ..validators import make_finnish_reference, make_rf_reference
from . import data
from .users import DemoLogin, create_demo_users

BATCH_SIZE = 2000
PERIOD_NAME = "2026-11"
PERIOD_YEAR, PERIOD_MONTH = 2026, 11
SMALL_PERIOD_INVOICES = 10
RANDOM_SEED = "opter-demo-2026-11"


class DemoDataExists(Exception):
    """The database already holds offices: the demo only fills an empty database."""


@dataclass
class SeedSummary:
    invoices: dict[str, int] = field(default_factory=dict)  # per office code
    lines: int = 0
    customers: int = 0
    exports: int = 0
    seconds: float = 0.0
    logins: list[DemoLogin] = field(default_factory=list)

    @property
    def total_invoices(self) -> int:
        return sum(self.invoices.values())


def database_is_empty() -> bool:
    return not acc.Office.objects.exists()


def seed_demo(*, invoices: int = 50, small_period_invoices: int = SMALL_PERIOD_INVOICES,
              users: bool = True) -> SeedSummary:
    """Create the whole demo in one transaction. ``invoices`` sizes the Estonian (TLN) period."""
    if invoices < 0 or small_period_invoices < 0:
        raise ValueError("The number of invoices cannot be negative.")
    started = time.perf_counter()
    summary = SeedSummary()
    with transaction.atomic():
        if not database_is_empty():
            raise DemoDataExists("The database already holds offices; the demo fills an empty database only.")
        setup = _create_setup()
        exports = _create_exports(setup)
        groups = _create_export_groups(exports)
        customers = _create_customers(setup, groups)
        summary.exports = len(exports)
        summary.customers = sum(len(c) for c in customers.values())
        for office_code, count in (("TLN", invoices), ("HEL", small_period_invoices),
                                   ("CPH", small_period_invoices)):
            generator = _PeriodGenerator(setup, setup.offices[office_code], customers[office_code])
            summary.lines += generator.create(count)
            summary.invoices[office_code] = count
        if users:
            summary.logins = create_demo_users()
    summary.seconds = time.perf_counter() - started
    return summary


# --- Setup screens -----------------------------------------------------------------------------------


@dataclass
class _Setup:
    currencies: dict[str, acc.Currency]
    conditions: dict[int, acc.PaymentCondition]
    accounts: dict[str, acc.Account]
    vat_rates: dict[str, acc.VatRate]
    offices: dict[str, acc.Office]
    units: dict[str, dict[str, acc.EconomicUnit]]
    specs: dict[str, data.DemoOffice]


def _create_setup() -> _Setup:
    currencies = {code: acc.Currency.objects.create(code=code, name=name) for code, name in data.CURRENCIES}
    acc.ExchangeRate.objects.bulk_create([
        acc.ExchangeRate(currency=currencies[code], valid_from=date.fromisoformat(day), rate=rate)
        for code, day, rate in data.EXCHANGE_RATES])
    conditions = {days: acc.PaymentCondition.objects.create(name=name, days=days)
                  for name, days in data.PAYMENT_CONDITIONS}
    accounts = {a.number: acc.Account.objects.create(number=a.number, description=a.description)
                for a in data.ACCOUNTS}
    vat_rates = {}
    for spec in data.VAT_RATES:
        vat_rates[spec.code] = acc.VatRate.objects.create(
            code=spec.code, name=spec.name, percentage=spec.percentage, is_eu_vat=spec.is_eu_vat,
            sales_account=accounts[spec.sales_account], difference_account=accounts[spec.sales_account],
            sales_tax_account=accounts[spec.sales_tax_account] if spec.sales_tax_account else None,
            description=spec.description)

    chart = acc.AccountCodingChart.objects.create(name=data.CHART_NAME, is_default=True)
    acc.AccountCodingChartAccount.objects.create(chart=chart, role=acc.ChartAccountRole.ACCOUNTS_RECEIVABLE,
                                                 account=accounts[data.RECEIVABLE_ACCOUNT])

    offices, units = {}, {}
    for spec in data.OFFICES:
        office = acc.Office(
            name=spec.name, code=spec.code, corporate_id=spec.corporate_id, vat_number=spec.vat_number,
            street=spec.street, postal_code=spec.postal_code, city=spec.city, country=spec.country,
            email=spec.email, ocr_number_type=spec.ocr_number_type, iban=spec.iban, bic=spec.bic,
            default_currency=currencies[spec.currency],
            default_payment_condition=conditions[spec.payment_condition_days],
            economic_unit_name_1=spec.economic_unit_name_1)
        office.full_clean()
        office.save()
        offices[spec.code] = office
        units[spec.code] = {
            code: acc.EconomicUnit.objects.create(office=office, level=1, code=code, name=name)
            for code, name in data.ECONOMIC_UNITS.get(spec.code, ())}
    return _Setup(currencies, conditions, accounts, vat_rates, offices, units,
                  {spec.code: spec for spec in data.OFFICES})


def _sandbox_url(target) -> str:
    return settings.SANDBOX_URL.rstrip("/") + target.sandbox_prefix


def _create_exports(setup: _Setup) -> list[tuple[InvoiceExport, str]]:
    """One export per target that declares a demo (Target.demo), with the credentials its simulator accepts
    in the fields the admin form uses, and its Codes tab. Returns (export, its export setting group)."""
    created = []
    codes = []
    for target in registry.targets().values():
        demo = target.demo
        if demo is None or demo.office not in setup.offices:
            continue
        office = setup.offices[demo.office]
        fields = {name: value(office) if callable(value) else value for name, value in demo.fields.items()}
        export = InvoiceExport(name=demo.name, office=office, type=target.type, report="", encoding="UTF-8",
                               base_url=_sandbox_url(target) if target.sandbox_prefix else "", **fields)
        for name, value in demo.secrets.items():
            export.set_secret(name, value)
        export.save()
        created.append((export, demo.group))
        for (kind, object_code), code in demo.codes.items():
            if kind == CodeKind.TAX_RATE and object_code in setup.vat_rates:
                codes.append(CodeTranslation(export=export, kind=kind, vat_rate=setup.vat_rates[object_code],
                                             code=code))
    CodeTranslation.objects.bulk_create(codes)
    return created


def _create_export_groups(exports: list[tuple[InvoiceExport, str]]) -> dict[str, InvoiceExportSetting]:
    """The demo's export setting groups (offices' and customers' groups), each with the exports that
    joined it; the default group is data.DEFAULT_EXPORT_GROUP."""
    names = [*data.OFFICE_EXPORT_GROUP.values(), *(group for _, group in exports),
             *(spec.export_group for specs in data.CUSTOMERS.values() for spec in specs if spec.export_group)]
    groups = {name: InvoiceExportSetting.objects.create(name=name, is_default=name == data.DEFAULT_EXPORT_GROUP)
              for name in dict.fromkeys(names)}
    for export, group in exports:
        groups[group].exports.add(export)
    return groups


def _create_customers(setup: _Setup, groups) -> dict[str, list[tuple[Customer, data.DemoCustomer]]]:
    result = {}
    for office_code, specs in data.CUSTOMERS.items():
        office = setup.offices[office_code]
        created = []
        for ledger_number, spec in enumerate(specs, start=1001):
            customer = Customer(
                office=office, code=spec.code, name=spec.name, sales_ledger_number=ledger_number,
                corporate_id=spec.corporate_id, country=spec.country, vat_number=spec.vat_number,
                invoice_address=spec.street, invoice_postal_code=spec.postal_code, invoice_city=spec.city,
                invoice_country=spec.country, invoice_email=spec.email, language=spec.language,
                export_setting=groups[spec.export_group or data.OFFICE_EXPORT_GROUP[office_code]],
                payment_condition=(setup.conditions[spec.payment_condition_days]
                                   if spec.payment_condition_days else None))
            customer.full_clean()
            customer.save()
            created.append((customer, spec))
        result[office_code] = created
    return result


# --- Invoices --------------------------------------------------------------------------------------


def reference_number(ocr_number_type: str, invoice_number: int) -> str:
    """The payment reference of an invoice per the office's OCR number type, built on the invoice number."""
    base = str(invoice_number)
    if ocr_number_type == acc.OcrNumberType.FINNISH:
        return make_finnish_reference(base)
    if ocr_number_type == acc.OcrNumberType.RF:
        return make_rf_reference(base)
    if ocr_number_type in (acc.OcrNumberType.SWEDISH, acc.OcrNumberType.NORWEGIAN):
        # Swedish OCR and Norwegian KID both end in a Luhn (mod 10) check digit.
        return base + luhn.calc_check_digit(base)
    return ""


def _november_weekdays() -> list[date]:
    last = calendar.monthrange(PERIOD_YEAR, PERIOD_MONTH)[1]
    days = (date(PERIOD_YEAR, PERIOD_MONTH, d) for d in range(1, last + 1))
    return [d for d in days if d.weekday() < 5]


def _cents(rng: random.Random, low: int, high: int) -> Decimal:
    """A random amount between low and high cents, as an exact Decimal (never a float)."""
    return Decimal(rng.randint(low, high)) / 100


def _unit_price(value: Decimal) -> Decimal:
    """Unit prices carry four decimals; round before the amount is computed from them."""
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


WAITING_HOURS = [Decimal(hours) for hours in ("0.5", "1.0", "1.5", "2.0", "2.5", "3.0")]
FUEL_SURCHARGE_PERCENT = [Decimal("6.5"), Decimal("8.5"), Decimal("11.0")]


class _Line:
    """An invoice line being generated: just the values, so that generating half a million of them does
    not cost half a million model instances. ``accounting.services.invoices.totals_for`` reads
    ``amount``, ``vat_rate_id`` and ``vat_rate`` from it exactly as from an InvoiceLine."""

    __slots__ = ("position", "order_number", "sender_reference", "receiver_reference", "item_name",
                 "quantity", "unit", "unit_price", "amount", "vat_rate", "vat_rate_id", "economic_unit_id")

    def __init__(self, position, order_number, sender_reference, receiver_reference, item_name, quantity,
                 unit, unit_price, vat_rate, vat_rate_id, economic_unit_id):
        self.position = position
        self.order_number = order_number
        self.sender_reference = sender_reference
        self.receiver_reference = receiver_reference
        self.item_name = item_name
        self.quantity = quantity
        self.unit = unit
        self.unit_price = unit_price
        self.amount = to_cents(quantity * unit_price)
        self.vat_rate = vat_rate
        self.vat_rate_id = vat_rate_id
        self.economic_unit_id = economic_unit_id


class _PeriodGenerator:
    """Creates one office's open November period and its invoices, batch by batch."""

    def __init__(self, setup: _Setup, office: acc.Office,
                 customers: list[tuple[Customer, data.DemoCustomer]]):
        self.setup = setup
        self.office = office
        self.spec = setup.specs[office.code]
        self.customers = customers
        self.rng = random.Random(f"{RANDOM_SEED}-{office.code}")
        # A few customers send most of the freight, as in real life.
        self.cum_weights = list(itertools.accumulate(self.rng.choice((1, 2, 3, 5, 8)) for _ in customers))
        self.days = _november_weekdays()
        self.unit_ids = {code: unit.pk for code, unit in setup.units.get(office.code, {}).items()}
        self.contacts = data.CONTACTS
        self.order_number = self.spec.first_order_number
        self.factor = self.spec.price_factor
        self.office_id = office.pk
        self.currency_id = setup.currencies[self.spec.currency].pk
        self.default_condition = setup.conditions[self.spec.payment_condition_days]
        domestic = setup.vat_rates[self.spec.domestic_vat]
        eu = setup.vat_rates[self.spec.eu_vat] if self.spec.eu_vat else domestic
        self.vat_rates = {False: domestic, True: eu}

    def create(self, count: int) -> int:
        """Create the period with ``count`` invoices; returns the number of lines."""
        self.period = acc.InvoicePeriod.objects.create(
            office=self.office, name=PERIOD_NAME,
            until_date=date(PERIOD_YEAR, PERIOD_MONTH, calendar.monthrange(PERIOD_YEAR, PERIOD_MONTH)[1]))
        self.period_id = self.period.pk
        lines_created = 0
        for start in range(0, count, BATCH_SIZE):
            batch = [self._invoice(index, count) for index in range(start, min(count, start + BATCH_SIZE))]
            lines_created += self._write(batch)
        return lines_created

    def _write(self, batch: list[tuple[acc.Invoice, list[_Line]]]) -> int:
        invoices = [invoice for invoice, _ in batch]
        acc.Invoice.objects.bulk_create(invoices, batch_size=BATCH_SIZE)
        line_rows = [
            (invoice.pk, line.position, line.order_number, line.sender_reference, line.receiver_reference,
             line.item_name, line.quantity, line.unit, line.unit_price, line.amount, line.vat_rate_id)
            for invoice, lines in batch for line in lines]
        insert_rows(acc.InvoiceLine, LINE_COLUMNS, line_rows)
        units = {(invoice.pk, line.position): line.economic_unit_id
                 for invoice, lines in batch for line in lines if line.economic_unit_id}
        if units:
            # The lines' ids are only known after the insert: read them back by (invoice, position).
            created = acc.InvoiceLine.objects.filter(
                invoice_id__gte=min(i.pk for i in invoices), invoice_id__lte=max(i.pk for i in invoices),
            ).values_list("pk", "invoice_id", "position")
            insert_rows(acc.InvoiceLine.economic_units.through, ("invoiceline_id", "economicunit_id"),
                        [(pk, units[invoice_id, position]) for pk, invoice_id, position in created
                         if (invoice_id, position) in units])
        return len(line_rows)

    def _invoice(self, index: int, count: int) -> tuple[acc.Invoice, list[_Line]]:
        rng = self.rng
        customer, spec = rng.choices(self.customers, cum_weights=self.cum_weights)[0]
        number = self.spec.first_invoice_number + index
        # Numbers grow with the date, spread evenly over the month's working days.
        invoice_date = self.days[index * len(self.days) // max(count, 1)]
        condition = customer.payment_condition or self.default_condition
        vat_rate = self.vat_rates[spec.eu_vat]
        lines: list[_Line] = []
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            self._order(vat_rate, vat_rate.pk, lines)
        net, vat, total = totals_for(lines)
        # Ids rather than instances: assigning related objects costs more than the rest of the invoice.
        invoice = acc.Invoice(
            period_id=self.period_id, office_id=self.office_id, customer_id=customer.pk, number=number,
            invoice_date=invoice_date, due_date=condition.due_date(invoice_date),
            payment_condition_id=condition.pk, currency_id=self.currency_id, exchange_rate=Decimal(1),
            reference_number=reference_number(self.office.ocr_number_type, number),
            your_reference=rng.choice(self.contacts[spec.language]),
            net_amount=net, vat_amount=vat, total=total)
        return invoice, lines

    def _order(self, vat_rate, vat_rate_id: int, lines: list[_Line]) -> None:
        rng, factor = self.rng, self.factor
        order_number = str(self.order_number)
        self.order_number += 1
        # Mostly distribution within a few hundred kilometres, some long haul across the Baltics.
        long_haul = rng.random() < 0.3
        km = rng.randint(301, 1450) if long_haul else rng.randint(12, 300)
        freight = to_cents((_cents(rng, 18000, 185000) if long_haul else _cents(rng, 6500, 42000)) * factor)
        items = [("Freight", Decimal(1), "pcs", freight)]
        if long_haul or rng.random() < 0.2:
            items.append(("Road toll", Decimal(km), "km", _unit_price(Decimal("0.1180") * factor)))
        if rng.random() < 0.2:
            items.append(("Cold", Decimal(1), "pcs", to_cents(_cents(rng, 3500, 12000) * factor)))
        if rng.random() < 0.08:
            items.append(("Extension", Decimal(1), "pcs", to_cents(Decimal("45.00") * factor)))
        if rng.random() < 0.15:
            hours = rng.choice(WAITING_HOURS)
            items.append(("Waiting time", hours, "h", to_cents(Decimal("42.50") * factor)))
        if rng.random() < 0.5:
            # A percentage of the freight: quantity is the percentage, the unit price a hundredth of it.
            items.append(("Fuel surcharge", rng.choice(FUEL_SURCHARGE_PERCENT), "%", freight / 100))

        unit_id = None
        if self.unit_ids and rng.random() < 0.75:
            unit_id = self.unit_ids["P200" if long_haul else "P100"]
        sender, receiver = rng.choice(data.SENDER_REFERENCES), rng.choice(data.RECEIVER_REFERENCES)
        for item_name, quantity, unit_name, unit_price in items:
            lines.append(_Line(len(lines) + 1, order_number, sender, receiver, item_name, quantity, unit_name,
                               unit_price, vat_rate, vat_rate_id, unit_id))


LINE_COLUMNS = ("invoice_id", "position", "order_number", "sender_reference", "receiver_reference",
                "item_name", "quantity", "unit", "unit_price", "amount", "vat_rate_id")


def insert_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert plain rows into ``model``'s table in batches.

    Used for invoice lines and their economic units, the bulk of a large demo: the ORM's bulk_create
    spends ten times longer preparing each value than the database spends storing it, which turns a
    100 000-invoice period into minutes. Values must already be what the columns store (Decimals
    rounded as the fields round them, ids for foreign keys).

    SQLite reuses one prepared statement across executemany, its fastest path. Over the network
    (PostgreSQL) every executed statement is a round trip, so there many rows go in one statement.
    """
    if not rows:
        return
    qn = connection.ops.quote_name
    row_placeholder = f"({', '.join(['%s'] * len(columns))})"
    # Only quoted identifiers from the model's metadata go into the text; every value is a parameter.
    head = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) VALUES "  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for start in range(0, len(rows), BATCH_SIZE * 5):
                cursor.executemany(head + row_placeholder, rows[start:start + BATCH_SIZE * 5])
            return
        per_statement = max(1, min(1000, (connection.features.max_query_params or 65535) // len(columns)))
        for start in range(0, len(rows), per_statement):
            chunk = rows[start:start + per_statement]
            cursor.execute(head + ", ".join([row_placeholder] * len(chunk)),
                           [value for row in chunk for value in row])
