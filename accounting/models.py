"""Economy setup that mirrors Opter's windows: offices, regions, currencies, accounts, VAT rates,
account coding charts, payment conditions, economic units, invoice periods and invoices."""
import calendar
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import validators
from .fields import CountryCodeField, VatNumberField
from .money import MoneyField

CONFIG_PERMISSIONS = ("add", "change", "delete", "view", "import", "export")


class OcrNumberType(models.TextChoices):
    NONE = "none", _("None")
    FINNISH = "finnish", _("Finnish")
    RF = "rf", _("International (RF)")
    SWEDISH = "swedish", _("Swedish")
    NORWEGIAN = "norwegian", _("Norwegian")


class Language(models.TextChoices):
    ESTONIAN = "et", _("Estonian")
    ENGLISH = "en", _("English")
    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")
    DANISH = "da", _("Danish")


class Currency(models.Model):
    code = models.CharField(_("code"), max_length=3, unique=True, validators=[validators.validate_currency_code],
                            help_text=_("ISO 4217 code, e.g. EUR. E-Financials and Opter use the same codes."))
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")
        ordering = ["code"]
        default_permissions = CONFIG_PERMISSIONS

    def __str__(self):
        return self.code


class ExchangeRate(models.Model):
    currency = models.ForeignKey(Currency, verbose_name=_("currency"), on_delete=models.CASCADE, related_name="rates")
    valid_from = models.DateField(_("valid from"))
    rate = models.DecimalField(_("rate"), max_digits=18, decimal_places=6,
                               validators=[MinValueValidator(Decimal("0.000001"))],
                               help_text=_("Units of the office's default currency for one unit of this currency."))

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["currency", "valid_from"], name="unique_rate_per_day")]
        default_permissions = CONFIG_PERMISSIONS

    def __str__(self):
        return gettext("%(currency)s %(rate)s from %(date)s") % {
            "currency": self.currency, "rate": formats.localize(self.rate),
            "date": formats.date_format(self.valid_from, "SHORT_DATE_FORMAT")}


class Account(models.Model):
    """The shared chart of accounts ("Kontod"). Opter calls the account number its Name."""

    number = models.CharField(_("name (account number)"), max_length=20, unique=True,
                              validators=[validators.validate_account_number])
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["number"]
        default_permissions = CONFIG_PERMISSIONS

    def __str__(self):
        return f"{self.number} - {self.description}" if self.description else self.number


class VatRate(models.Model):
    """VAT rates ("KM määrad"): the final fallback of account coding."""

    name = models.CharField(_("name"), max_length=80)
    code = models.CharField(_("code"), max_length=20, unique=True)
    percentage = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=2,
                                     validators=[MinValueValidator(0), MaxValueValidator(100)])
    is_eu_vat = models.BooleanField(_("EU VAT"), default=False,
                                    # xgettext:no-python-format
                                    help_text=_("Tick for 0 % rates used on sales within the EU."))
    sales_account = models.ForeignKey(Account, verbose_name=_("account sales"), on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+",
                                      help_text=_("E-Financials: account 3100 for 24 %, e.g. 3520 for 0 % EU sales."))
    difference_account = models.ForeignKey(Account, verbose_name=_("account diff"), on_delete=models.PROTECT,
                                           null=True, blank=True, related_name="+")
    sales_tax_account = models.ForeignKey(Account, verbose_name=_("account sales tax"), on_delete=models.PROTECT,
                                          null=True, blank=True, related_name="+")
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name_plural = _("VAT rates")
        verbose_name = _("VAT rate")
        ordering = ["-percentage", "code"]
        default_permissions = CONFIG_PERMISSIONS

    def __str__(self):
        return f"{self.name} ({formats.localize(self.percentage.normalize())} %)"

    @property
    def percentage_label(self) -> str:
        """24.00 -> "24", 25.50 -> "25.5": how the rate appears in codes such as 3100-24."""
        return f"{self.percentage.normalize():f}"


class PaymentCondition(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    days = models.PositiveSmallIntegerField(_("payment condition (days)"), default=0)
    count_from_last_day_of_month = models.BooleanField(_("count days from last day of month"), default=False)

    class Meta:
        verbose_name = _("payment condition")
        verbose_name_plural = _("payment conditions")
        ordering = ["days", "name"]
        default_permissions = CONFIG_PERMISSIONS

    def __str__(self):
        return self.name

    def due_date(self, invoice_date: date) -> date:
        start = invoice_date
        if self.count_from_last_day_of_month:
            start = invoice_date.replace(day=calendar.monthrange(invoice_date.year, invoice_date.month)[1])
        return start + timedelta(days=self.days)


class Office(models.Model):
    """Office settings ("Kontorid"). Tabs: General, Invoice settings, Payment, Pricing, Economy."""

    # General
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=20, unique=True)
    corporate_id = models.CharField(_("corporate ID number"), max_length=40, blank=True)
    vat_number = VatNumberField(_("VAT registration number"), max_length=20, blank=True,
                                validators=[validators.validate_vat_number])
    street = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryCodeField(_("country"), max_length=2, default="EE", validators=[validators.validate_country_code],
                               help_text=_("ISO 3166 two-letter code."))
    email = models.EmailField(_("email"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    # Invoice settings
    ocr_number_type = models.CharField(_("OCR number type"), max_length=10, choices=OcrNumberType.choices,
                                       default=OcrNumberType.NONE,
                                       help_text=_("Netvisor and E-Financials need Finnish."))
    separate_invoice_numbers_for_regions = models.BooleanField(_("separate invoice numbers for regions"), default=False)
    # Payment
    iban = models.CharField(_("IBAN"), max_length=42, blank=True, validators=[validators.validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True, validators=[validators.validate_bic])
    # Pricing
    default_currency = models.ForeignKey(Currency, verbose_name=_("default currency"), on_delete=models.PROTECT,
                                         related_name="+",
                                         help_text=_("Do not change once in use. Netvisor needs EUR."))
    default_payment_condition = models.ForeignKey(PaymentCondition, verbose_name=_("default payment condition"),
                                                  on_delete=models.PROTECT, null=True,
                                                  blank=True, related_name="+")
    # Economy
    economic_unit_name_1 = models.CharField(_("economic unit 1 name"), max_length=60, blank=True)
    economic_unit_name_2 = models.CharField(_("economic unit 2 name"), max_length=60, blank=True)
    economic_unit_name_3 = models.CharField(_("economic unit 3 name"), max_length=60, blank=True)
    economic_unit_name_4 = models.CharField(_("economic unit 4 name"), max_length=60, blank=True)
    economic_unit_name_5 = models.CharField(_("economic unit 5 name"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["name"]
        default_permissions = CONFIG_PERMISSIONS

    def __str__(self):
        return self.name

    def clean(self):
        validators.validate_corporate_id_for_country(self.corporate_id, self.country, field="corporate_id")

    def economic_unit_name(self, level: int) -> str:
        return getattr(self, f"economic_unit_name_{level}") or gettext("Economic unit %(level)s") % {"level": level}


class Region(models.Model):
    """A region inside an office with its own corporate identity ("Piirkonnad")."""

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="regions")
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=20)
    corporate_id = models.CharField(_("corporate ID number"), max_length=40, blank=True)
    vat_number = VatNumberField(_("VAT registration number"), max_length=20, blank=True,
                                validators=[validators.validate_vat_number])
    street = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryCodeField(_("country"), max_length=2, blank=True, validators=[validators.validate_country_code])
    email = models.EmailField(_("email"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    # Payment information ("Makseinfo") tab
    iban = models.CharField(_("IBAN"), max_length=42, blank=True, validators=[validators.validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True, validators=[validators.validate_bic])
    iban_for_all_regions = models.BooleanField(
        _("IBAN for all regions"), default=False,
        help_text=_("Use this region's IBAN on invoices of every region of the office."))

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["office", "name"]
        default_permissions = CONFIG_PERMISSIONS
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="unique_region_code_per_office"),
            models.UniqueConstraint(fields=["office"], condition=Q(iban_for_all_regions=True),
                                    name="one_iban_for_all_regions_per_office"),
        ]

    def __str__(self):
        return f"{self.office.code} / {self.name}"

    def clean(self):
        validators.validate_corporate_id_for_country(self.corporate_id, self.country or self.office.country,
                                                     field="corporate_id")
        if self.iban_for_all_regions and not self.iban:
            raise ValidationError({"iban": gettext("Enter the IBAN that all regions should use, or untick IBAN "
                                                   "for all regions.")})


ECONOMIC_UNIT_LEVELS = [(1, _("Economic unit 1")), (2, _("Economic unit 2")), (3, _("Economic unit 3")),
                        (4, _("Economic unit 4")), (5, _("Economic unit 5"))]


class EconomicUnit(models.Model):
    """Economic units 1-5 ("Majandusüksused"): profit centres, projects in E-Financials."""

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.CASCADE,
                               related_name="economic_units")
    level = models.PositiveSmallIntegerField(_("level"), choices=ECONOMIC_UNIT_LEVELS)
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey("self", verbose_name=_("parent"), on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children",
                               help_text=_("A department or group under a profit centre."))

    class Meta:
        verbose_name = _("economic unit")
        verbose_name_plural = _("economic units")
        ordering = ["office", "level", "code"]
        default_permissions = CONFIG_PERMISSIONS
        constraints = [models.UniqueConstraint(fields=["office", "level", "code"], name="unique_unit_code")]

    def __str__(self):
        return f"{self.code} {self.name}"


class AccountCodingChart(models.Model):
    """Account coding chart ("Maksearved"): accounts receivable and other accounts, valid per period."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True,
                                  help_text=_("Blank = valid from the beginning."))
    valid_to = models.DateField(_("valid to"), null=True, blank=True,
                                help_text=_("Blank = valid until further notice."))
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("account coding chart")
        verbose_name_plural = _("account coding charts")
        ordering = ["name"]
        default_permissions = CONFIG_PERMISSIONS
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_chart"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True)
                                   | Q(valid_to__gte=models.F("valid_from")), name="chart_validity_ordered"),
        ]

    def __str__(self):
        return self.name

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class ChartAccountRole(models.TextChoices):
    ACCOUNTS_RECEIVABLE = "receivable", _("Accounts receivable")
    ROUNDING = "rounding", _("Rounding")
    CURRENCY_DIFFERENCE = "currency_difference", _("Currency difference")
    ACCOUNTS_PAYABLE = "payable", _("Accounts payable")
    INPUT_VAT = "input_vat", _("Input VAT")


class AccountCodingChartAccount(models.Model):
    chart = models.ForeignKey(AccountCodingChart, verbose_name=_("chart"), on_delete=models.CASCADE,
                              related_name="accounts")
    role = models.CharField(_("role"), max_length=30, choices=ChartAccountRole.choices)
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name_plural = _("accounts of the chart")
        verbose_name = _("account of the chart")
        ordering = ["chart", "role"]
        constraints = [models.UniqueConstraint(fields=["chart", "role", "account"], name="unique_chart_role_account")]

    def __str__(self):
        return f"{self.get_role_display()}: {self.account.number}"


class TerminologyTag(models.Model):
    """Overridable product texts, e.g. IES_NetvisorAPIProductName (default "Opter")."""

    DEFAULTS = {
        "IES_NetvisorAPIProductName": "Opter",
        "IES_NetvisorAPIProductGroup": "OpterGroup",
        "IES_ProcountorAPIProductGroup": "OpterGroup",
    }

    key = models.CharField(_("key"), max_length=100, help_text=_("e.g. IES_NetvisorAPIProductName"))
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, blank=True,
                                help_text=_("Blank = every language."))
    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.CASCADE, null=True, blank=True,
                               help_text=_("Blank = every office."))
    text = models.CharField(_("text"), max_length=500)

    class Meta:
        verbose_name = _("terminology tag")
        verbose_name_plural = _("terminology tags")
        ordering = ["key", "language"]
        default_permissions = CONFIG_PERMISSIONS
        constraints = [
            models.UniqueConstraint(fields=["key", "language", "office"], name="unique_terminology_per_office"),
            models.UniqueConstraint(fields=["key", "language"], condition=Q(office__isnull=True),
                                    name="unique_terminology_global"),
        ]

    def __str__(self):
        return f"{self.key} = {self.text}"

    @classmethod
    def text_for(cls, key: str, office: "Office | None" = None, language: str = "") -> str:
        """Most specific override first: office+language, office, language, global; then the default."""
        tags = {(t.office_id, t.language): t.text for t in cls.objects.filter(key=key)}
        office_id = office.pk if office else None
        for candidate in ((office_id, language), (office_id, ""), (None, language), (None, "")):
            if candidate in tags:
                return tags[candidate]
        return cls.DEFAULTS.get(key, "")


class InvoicePeriodManager(models.Manager):
    # A period is named after its office on every page (several offices share a period name such as
    # "2026-11"), so the office comes along with every period read. Only the office: it is never null, so
    # the join stays inner and select_for_update() keeps working on PostgreSQL.
    def get_queryset(self):
        return super().get_queryset().select_related("office")


class InvoicePeriod(models.Model):
    """A batch of invoices created together; closing it creates account coding and starts the export."""

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="periods")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True,
                               related_name="periods")
    name = models.CharField(_("name"), max_length=60, help_text=_("e.g. 2026-11 week 47"))
    until_date = models.DateField(_("invoiced until"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), on_delete=models.PROTECT,
                                  null=True, blank=True,
                                  related_name="+")

    objects = InvoicePeriodManager()

    class Meta:
        verbose_name = _("invoice period")
        verbose_name_plural = _("invoice periods")
        ordering = ["-until_date", "-id"]
        permissions = [("close_invoiceperiod", "Can close an invoice period")]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name with the office (and region) it belongs to: "2026-11 · Tallinna Veod OÜ"."""
        where = f"{self.office.name} / {self.region.name}" if self.region_id else self.office.name
        return f"{self.name} · {where}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Invoice(models.Model):
    period = models.ForeignKey(InvoicePeriod, verbose_name=_("period"), on_delete=models.PROTECT, null=True, blank=True,
                               related_name="invoices")
    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="invoices")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True,
                               related_name="invoices")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="invoices")
    number = models.PositiveBigIntegerField(_("invoice number"))
    invoice_date = models.DateField(_("invoice date"))
    due_date = models.DateField(_("due date"))
    payment_condition = models.ForeignKey(PaymentCondition, verbose_name=_("payment condition"),
                                          on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+")
    currency = models.ForeignKey(Currency, verbose_name=_("currency"), on_delete=models.PROTECT, related_name="+")
    exchange_rate = models.DecimalField(_("exchange rate"), max_digits=18, decimal_places=6, default=Decimal(1))
    reference_number = models.CharField(_("reference number"), max_length=35, blank=True,
                                        help_text=_("Payment reference (OCR), Finnish or RF per the office setting."))
    your_reference = models.CharField(_("reference"), max_length=200, blank=True)
    net_amount = MoneyField(_("net amount"), default=Decimal("0.00"))
    vat_amount = MoneyField(_("VAT amount"), default=Decimal("0.00"))
    total = MoneyField(_("total amount"), default=Decimal("0.00"))
    # A credit invoice credits (part of) an earlier invoice of the same office; each target books it the way
    # its API does (a credit note linked to the original).
    credited_invoice = models.ForeignKey("self", verbose_name=_("credits invoice"), on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="credit_invoices",
                                         help_text=_("The invoice this credit invoice credits."))

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-invoice_date", "-number"]
        constraints = [models.UniqueConstraint(fields=["office", "number"], name="unique_invoice_number_per_office")]
        default_permissions = CONFIG_PERMISSIONS
        indexes = [models.Index(fields=["number"])]

    def __str__(self):
        return str(self.number)

    @property
    def is_credit(self) -> bool:
        return self.credited_invoice_id is not None


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("position"), default=0)
    order_number = models.CharField(_("order number"), max_length=40, blank=True)
    sender_reference = models.CharField(_("sender reference"), max_length=100, blank=True)
    receiver_reference = models.CharField(_("receiver reference"), max_length=100, blank=True)
    item_name = models.CharField(_("price item"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, default=Decimal(1))
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=4)
    amount = MoneyField(_("amount"), help_text=_("Net amount: quantity x unit price, rounded to cents."))
    vat_rate = models.ForeignKey(VatRate, verbose_name=_("VAT rate"), on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", help_text=_("Sales account from account coding; blank = from the "
                                                              "customer or VAT rate."))
    economic_units = models.ManyToManyField(EconomicUnit, verbose_name=_("economic units"), blank=True,
                                            related_name="+")

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position", "id"]

    def __str__(self):
        return f"{self.invoice.number}: {self.order_number} {self.item_name}"


class AccountCodingEntry(models.Model):
    """Account coding created when a period closes: debit positive, credit negative."""

    period = models.ForeignKey(InvoicePeriod, verbose_name=_("period"), on_delete=models.CASCADE,
                               related_name="coding_entries")
    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE,
                                related_name="coding_entries")
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="+")
    vat_rate = models.ForeignKey(VatRate, verbose_name=_("VAT rate"), on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    amount = MoneyField(_("amount"), help_text=_("Debit positive, credit negative."))
    economic_unit = models.ForeignKey(EconomicUnit, verbose_name=_("economic unit"), on_delete=models.PROTECT,
                                      null=True, blank=True,
                                      related_name="+")
    text = models.CharField(_("text"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("account coding entry")
        verbose_name_plural = _("account coding entries")
        ordering = ["invoice", "id"]

    def __str__(self):
        return f"{self.invoice.number} {self.account.number} {self.amount}"

    @property
    def debit(self) -> Decimal:
        return self.amount if self.amount > 0 else Decimal("0.00")

    @property
    def credit(self) -> Decimal:
        return -self.amount if self.amount < 0 else Decimal("0.00")
