"""Customers ("Kliendid") with the General, Details and Invoice information ("Arveteave") tabs."""
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounting import validators
from accounting.fields import CountryCodeField, VatNumberField
from accounting.models import CONFIG_PERMISSIONS, Account, Currency, Language, Office, PaymentCondition, Region, VatRate


class Customer(models.Model):
    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="customers")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True,
                               related_name="customers")

    # General ("Üldine")
    code = models.CharField(_("customer code"), max_length=40, unique=True,
                            validators=[RegexValidator(r"^[0-9A-Za-z_-]+$",
                                                       _("Use letters, digits, - and _ only in the customer code."))])
    name = models.CharField(_("name"), max_length=200)
    sales_ledger_number = models.PositiveIntegerField(_("sales ledger number"),
        null=True, blank=True,
        help_text=_("Digits only. Procountor needs it; Netvisor matches on it when the export says so."))
    corporate_id = models.CharField(
        _("corporate ID number"), max_length=40, blank=True,
        help_text=_("E-Financials matches customers on it; Estonian codes are checked."))
    country = CountryCodeField(_("country"), max_length=2, default="EE", validators=[validators.validate_country_code],
                               help_text=_("ISO 3166 two-letter code of the customer's registration."))

    # Details ("Detailid")
    vat_number = VatNumberField(
        _("VAT registration number"), max_length=20, blank=True, validators=[validators.validate_vat_number],
        help_text=_("Required when the customer is invoiced at 0 % VAT."))
    edi_code = models.CharField(_("EDI code"), max_length=40, blank=True,
                                help_text=_("Netvisor: the operator ID. Procountor: the code of the customer's bank."))
    ovt_number = models.CharField(_("OVT number"), max_length=40, blank=True)

    # Invoice information ("Arveteave")
    invoice_name = models.CharField(_("invoice name"), max_length=200, blank=True, help_text=_("Blank = the name."))
    invoice_address = models.CharField(_("invoice address"), max_length=200, blank=True)
    invoice_address2 = models.CharField(_("invoice address line 2"), max_length=200, blank=True)
    invoice_postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    invoice_city = models.CharField(_("city"), max_length=100, blank=True)
    invoice_country = CountryCodeField(_("invoice country"), max_length=2, blank=True,
                                       validators=[validators.validate_country_code])
    invoice_email = models.EmailField(_("email invoice export"), blank=True)
    export_setting = models.ForeignKey(
        "exports.InvoiceExportSetting", verbose_name=_("invoice export setting"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="customers",
        help_text=_("The group of exports for this customer's invoices. Blank = the default group."))
    payment_condition = models.ForeignKey(PaymentCondition, verbose_name=_("payment condition"),
                                          on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+")
    currency = models.ForeignKey(Currency, verbose_name=_("currency"), on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, blank=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]
        default_permissions = CONFIG_PERMISSIONS
        constraints = [
            models.UniqueConstraint(fields=["office", "sales_ledger_number"], name="unique_sales_ledger_number"),
        ]
        indexes = [models.Index(fields=["corporate_id"])]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        validators.validate_corporate_id_for_country(self.corporate_id, self.country)
        country = validators.normalise_country_code(self.country)
        if not self.vat_number or not validators.is_iso_country_code(country):
            return  # no VAT number, or a country that is itself refused: nothing to compare
        # The EU's VAT prefix for Greece is EL, not its ISO code GR.
        vat_prefix = "EL" if country == "GR" else country
        if not validators.normalise_vat_number(self.vat_number).startswith(vat_prefix):
            raise ValidationError({"vat_number": gettext(
                "The VAT number should start with %(prefix)s, the prefix of the customer's country (%(country)s), "
                "or change the country.") % {"prefix": vat_prefix, "country": validators.country_name(country)}})

    @property
    def display_invoice_name(self) -> str:
        return self.invoice_name or self.name


class CustomerSalesAccount(models.Model):
    """The customer's Account coding tab: a sales account per VAT rate."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="sales_accounts")
    vat_rate = models.ForeignKey(VatRate, verbose_name=_("VAT rate"), on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(Account, verbose_name=_("account sales"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("customer sales account")
        verbose_name_plural = _("customer sales accounts")
        constraints = [models.UniqueConstraint(fields=["customer", "vat_rate"], name="one_sales_account_per_vat")]

    def __str__(self):
        return f"{self.vat_rate.code}: {self.account.number}"
