"""factory_boy factories shared by the whole suite. IDs are real and checksum-valid."""
import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounting import models as acc
from accounting.money import to_cents
from customers.models import Customer, CustomerSalesAccount
from exports import models as exp


class CurrencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = acc.Currency
        django_get_or_create = ("code",)

    code = "EUR"
    name = "Euro"


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = acc.Account
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: str(3000 + n))
    description = factory.LazyAttribute(lambda o: f"Account {o.number}")


class VatRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = acc.VatRate
        django_get_or_create = ("code",)

    name = "VAT 24 %"
    code = "24"
    percentage = Decimal("24.00")
    sales_account = factory.SubFactory(AccountFactory, number="3100", description="Sales of goods in Estonia")


class PaymentConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = acc.PaymentCondition
        django_get_or_create = ("name",)

    name = "14 days"
    days = 14


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = acc.Office
        django_get_or_create = ("code",)

    name = "Tallinna Veod OÜ"
    code = "TLN"
    corporate_id = "10137025"
    vat_number = "EE100247019"
    street = "Pärnu mnt 10"
    postal_code = "10148"
    city = "Tallinn"
    country = "EE"
    iban = "EE382200221020145685"
    bic = "HABAEE2X"
    ocr_number_type = acc.OcrNumberType.FINNISH
    default_currency = factory.SubFactory(CurrencyFactory)
    default_payment_condition = factory.SubFactory(PaymentConditionFactory)


class AccountCodingChartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = acc.AccountCodingChart
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Chart {n}")
    is_default = True

    @factory.post_generation
    def receivable(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        account = extracted or AccountFactory(number="1210", description="Accounts receivable")
        acc.AccountCodingChartAccount.objects.create(
            chart=self, role=acc.ChartAccountRole.ACCOUNTS_RECEIVABLE, account=account)


class InvoiceExportSettingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = exp.InvoiceExportSetting
        django_get_or_create = ("name",)

    name = "Default"
    is_default = True


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    office = factory.SubFactory(OfficeFactory)
    code = factory.Sequence(lambda n: f"C{n:04d}")
    name = factory.Sequence(lambda n: f"Kliendi Kaubandus {n} OÜ")
    sales_ledger_number = factory.Sequence(lambda n: 1000 + n)
    corporate_id = "10137025"
    country = "EE"
    vat_number = "EE100247019"
    invoice_address = "Tartu mnt 2"
    invoice_postal_code = "10145"
    invoice_city = "Tallinn"
    invoice_country = "EE"
    invoice_email = factory.LazyAttribute(lambda o: f"{o.code.lower()}@example.com")


class CustomerSalesAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerSalesAccount

    customer = factory.SubFactory(CustomerFactory)
    vat_rate = factory.SubFactory(VatRateFactory)
    account = factory.SubFactory(AccountFactory)


class InvoicePeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = acc.InvoicePeriod

    office = factory.SubFactory(OfficeFactory)
    name = factory.Sequence(lambda n: f"2026-11 #{n}")
    until_date = datetime.date(2026, 11, 20)


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = acc.Invoice

    period = factory.SubFactory(InvoicePeriodFactory)
    office = factory.LazyAttribute(lambda o: o.period.office if o.period else OfficeFactory())
    customer = factory.SubFactory(CustomerFactory, office=factory.SelfAttribute("..office"))
    number = factory.Sequence(lambda n: 700001 + n)
    invoice_date = datetime.date(2026, 11, 20)
    due_date = datetime.date(2026, 12, 4)
    currency = factory.SubFactory(CurrencyFactory)
    payment_condition = factory.SubFactory(PaymentConditionFactory)


class InvoiceLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = acc.InvoiceLine
        skip_postgeneration_save = True

    invoice = factory.SubFactory(InvoiceFactory)
    position = factory.Sequence(lambda n: n)
    order_number = "261"
    sender_reference = "Gianna N"
    receiver_reference = "Martin Smith"
    item_name = "Freight"
    quantity = Decimal("1.000")
    unit_price = Decimal("100.00")
    amount = factory.LazyAttribute(lambda o: to_cents(o.quantity * o.unit_price))
    vat_rate = factory.SubFactory(VatRateFactory)

    @factory.post_generation
    def totals(self, create, extracted, **kwargs):
        """The invoice's totals follow its lines, as the admin and the import keep them: a valid invoice.
        ``totals=False`` leaves the stored totals as they were (a test of wrong totals)."""
        if create and extracted is not False:
            from accounting.services.invoices import recompute_totals

            recompute_totals(self.invoice)


class InvoiceExportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = exp.InvoiceExport
        django_get_or_create = ("name",)

    name = "E-Financials (API)"
    type = "efinancials"
    password = "api-key-password"
    client_identity = "api-key-id"
    client_key = "public-api-key"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    is_staff = True
    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "correct horse battery staple")
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


def invoice_with_lines(lines=2, **kwargs) -> acc.Invoice:
    """An invoice whose totals match its lines (computed by the accounting service)."""
    from accounting.services.invoices import recompute_totals

    invoice = InvoiceFactory(**kwargs)
    for _ in range(lines):
        InvoiceLineFactory(invoice=invoice)
    recompute_totals(invoice)
    return invoice


# --- Added for the admin tests ---------------------------------------------------------------------


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = acc.ExchangeRate

    currency = factory.SubFactory(CurrencyFactory, code="USD", name="US dollar")
    valid_from = datetime.date(2026, 11, 1)
    rate = Decimal("0.920000")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = acc.Region

    office = factory.SubFactory(OfficeFactory)
    name = factory.Sequence(lambda n: f"Region {n}")
    code = factory.Sequence(lambda n: f"R{n}")
    corporate_id = "12345678"
    country = "EE"
    iban = "EE382200221020145685"
    bic = "HABAEE2X"


class EconomicUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = acc.EconomicUnit

    office = factory.SubFactory(OfficeFactory)
    level = 1
    code = factory.Sequence(lambda n: f"P{n}")
    name = factory.Sequence(lambda n: f"Profit centre {n}")


class TerminologyTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = acc.TerminologyTag

    key = "IES_NetvisorAPIProductName"
    text = "Freight"


class CodeTranslationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = exp.CodeTranslation

    export = factory.SubFactory(InvoiceExportFactory)
    kind = exp.CodeKind.TAX_RATE
    vat_rate = factory.SubFactory(VatRateFactory)
    code = "KOMY"


class AccountCodingEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = acc.AccountCodingEntry

    invoice = factory.SubFactory(InvoiceFactory)
    period = factory.LazyAttribute(lambda o: o.invoice.period)
    account = factory.SubFactory(AccountFactory, number="1210", description="Accounts receivable")
    amount = Decimal("124.00")
    text = "Accounts receivable"
