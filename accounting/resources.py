"""Spreadsheet columns of the economy setup screens, and of invoices with their lines.

Every row is found again by its natural key (account number, VAT code, office code, ...), so importing
the same file twice updates rows instead of adding them twice. Related rows are named by their key as
well: a VAT rate's sales account is the account number, an invoice's customer is the customer code.

Invoices: one row per invoice line, the invoice's own columns repeated on each of its lines::

    office, invoice_number, invoice_date, due_date, customer, region, period, payment_condition,
    currency, exchange_rate, reference_number, your_reference, credits_invoice,
    line, order_number, sender_reference, receiver_reference, item_name, quantity, unit, unit_price,
    amount, vat_rate, account, economic_units

A line is found by office + invoice_number + line. The rows of one invoice must agree on its columns;
the first row creates or updates the invoice. Blank due_date = from the payment condition, blank
currency = the office's, blank amount = quantity x unit price. Totals are recomputed from the lines.
Invoices of a closed period cannot be changed. economic_units lists "level:code" items: "1:PC1; 2:D7".
credits_invoice: on a credit invoice, the number of the invoice of the same office and customer it credits.
"""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext
from import_export.fields import Field

from customers.models import Customer
from portal.importexport import (
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    KeyWidget,
    NaturalKeyInstanceLoader,
    PortalResource,
    RelatedSetField,
    TextWidget,
    cell_list,
    cell_text,
    one_default_problem,
)

from . import validators
from .models import (
    Account,
    AccountCodingChart,
    AccountCodingChartAccount,
    ChartAccountRole,
    Currency,
    EconomicUnit,
    ExchangeRate,
    Invoice,
    InvoiceLine,
    InvoicePeriod,
    Office,
    PaymentCondition,
    Region,
    VatRate,
)
from .money import to_cents
from .services import validation
from .services.invoices import recompute_totals


def key_field(model, field, column, *, attribute=None, **kwargs):
    """A column naming a related row by its natural key."""
    return Field(attribute=attribute or column, column_name=column, widget=KeyWidget(model, field, **kwargs))


def code_field(attribute, column=None):
    """The natural key of the row itself: plain text that never starts with a formula character."""
    return Field(attribute=attribute, column_name=column or attribute, widget=TextWidget(code=True))


class CurrencyResource(PortalResource):
    code = code_field("code")

    class Meta:
        model = Currency
        fields = ("code", "name")
        import_id_fields = ("code",)
        instance_loader_class = NaturalKeyInstanceLoader


class ExchangeRateResource(PortalResource):
    currency = key_field(Currency, "code", "currency")

    class Meta:
        model = ExchangeRate
        fields = ("currency", "valid_from", "rate")
        import_id_fields = ("currency", "valid_from")

    def get_queryset(self):
        return ExchangeRate.objects.select_related("currency")


class AccountResource(PortalResource):
    number = code_field("number")

    class Meta:
        model = Account
        fields = ("number", "description", "is_active")
        import_id_fields = ("number",)
        instance_loader_class = NaturalKeyInstanceLoader


class VatRateResource(PortalResource):
    code = code_field("code")
    sales_account = key_field(Account, "number", "sales_account", label="account")
    difference_account = key_field(Account, "number", "difference_account", label="account")
    sales_tax_account = key_field(Account, "number", "sales_tax_account", label="account")

    class Meta:
        model = VatRate
        fields = ("code", "name", "percentage", "is_eu_vat", "sales_account", "difference_account",
                  "sales_tax_account", "description")
        import_id_fields = ("code",)
        instance_loader_class = NaturalKeyInstanceLoader

    def get_queryset(self):
        return VatRate.objects.select_related("sales_account", "difference_account", "sales_tax_account")

    def check_row(self, instance, row, errors):
        if "sales_account" not in errors and instance.sales_account_id is None:
            return {"sales_account": "A VAT rate needs a sales account: account coding falls back to it "
                                     "when neither the line nor the customer names one."}
        return {}


class PaymentConditionResource(PortalResource):
    name = code_field("name")

    class Meta:
        model = PaymentCondition
        fields = ("name", "days", "count_from_last_day_of_month")
        import_id_fields = ("name",)
        instance_loader_class = NaturalKeyInstanceLoader


class OfficeResource(PortalResource):
    code = code_field("code")
    default_currency = key_field(Currency, "code", "default_currency", label="currency")
    default_payment_condition = key_field(PaymentCondition, "name", "default_payment_condition",
                                          label="payment condition")

    class Meta:
        model = Office
        # The logo is a file: it is uploaded in the admin, not carried in a spreadsheet.
        fields = ("code", "name", "corporate_id", "vat_number", "street", "postal_code", "city", "country",
                  "email", "ocr_number_type", "separate_invoice_numbers_for_regions", "iban", "bic",
                  "default_currency", "default_payment_condition", "economic_unit_name_1",
                  "economic_unit_name_2", "economic_unit_name_3", "economic_unit_name_4",
                  "economic_unit_name_5")
        import_id_fields = ("code",)
        instance_loader_class = NaturalKeyInstanceLoader

    def get_queryset(self):
        return Office.objects.select_related("default_currency", "default_payment_condition")


class RegionResource(PortalResource):
    office = key_field(Office, "code", "office")
    code = code_field("code")

    class Meta:
        model = Region
        fields = ("office", "code", "name", "corporate_id", "vat_number", "street", "postal_code", "city",
                  "country", "email", "iban", "bic", "iban_for_all_regions")
        import_id_fields = ("office", "code")

    def get_queryset(self):
        return Region.objects.select_related("office")


class EconomicUnitResource(PortalResource):
    """A unit's parent is named by two columns, parent_level and parent_code, in the same office."""

    office = key_field(Office, "code", "office")
    code = code_field("code")
    parent_level = Field(attribute="parent__level", column_name="parent_level", widget=IntegerWidget(),
                         readonly=True)
    parent_code = key_field(EconomicUnit, "code", "parent_code", attribute="parent", label="parent unit",
                            scope={"office__code": "office", "level": "parent_level"}, preload=False)

    class Meta:
        model = EconomicUnit
        fields = ("office", "level", "code", "name", "parent_level", "parent_code")
        import_id_fields = ("office", "level", "code")

    def get_queryset(self):
        return EconomicUnit.objects.select_related("office", "parent")

    def iter_queryset(self, queryset):
        # Parents before their children, so the exported file imports from top to bottom.
        units = list(queryset.select_related("office", "parent"))
        by_id = {unit.pk: unit for unit in units}

        def depth(unit, seen=()):
            parent = by_id.get(unit.parent_id)
            return 0 if parent is None or parent.pk in seen else 1 + depth(parent, (*seen, unit.pk))

        yield from sorted(units, key=lambda u: (depth(u), u.office.code, u.level, u.code))

    def check_row(self, instance, row, errors):
        if cell_text(row.get("parent_code")) and not cell_text(row.get("parent_level")):
            return {"parent_level": "Enter the level of the parent unit (1-5)."}
        if "parent" not in errors and instance.parent_id and instance.parent_id == instance.pk:
            return {"parent_code": "A unit cannot be its own parent."}
        return {}


class ChartRoleAccounts(RelatedSetField):
    """The accounts of one role in a chart, e.g. receivable_accounts = "1210; 1211"."""

    def __init__(self, role):
        super().__init__(column_name=f"{role}_accounts")
        self.role = role

    def read(self, instance):
        return frozenset(AccountCodingChartAccount.objects.filter(chart=instance, role=self.role)
                         .values_list("account__number", flat=True))

    def parse(self, value, row, instance):
        numbers = cell_list(value, quoted_text_allowed=False)
        known = set(Account.objects.filter(number__in=numbers).values_list("number", flat=True))
        unknown = [n for n in numbers if n not in known]
        if unknown:
            raise ValueError(f"Unknown account {', '.join(unknown)}: add it under Accounts first, or "
                             f"import the accounts file before this one.")
        return frozenset(numbers)

    def write(self, instance, value):
        rows = AccountCodingChartAccount.objects.filter(chart=instance, role=self.role)
        rows.exclude(account__number__in=value).delete()
        present = set(rows.values_list("account__number", flat=True))
        AccountCodingChartAccount.objects.bulk_create(
            AccountCodingChartAccount(chart=instance, role=self.role, account=account)
            for account in Account.objects.filter(number__in=value - present))


class AccountCodingChartResource(PortalResource):
    """A chart with one column per role listing its account numbers, e.g. receivable_accounts "1210"."""

    name = code_field("name")
    receivable_accounts = ChartRoleAccounts(ChartAccountRole.ACCOUNTS_RECEIVABLE)
    rounding_accounts = ChartRoleAccounts(ChartAccountRole.ROUNDING)
    currency_difference_accounts = ChartRoleAccounts(ChartAccountRole.CURRENCY_DIFFERENCE)
    payable_accounts = ChartRoleAccounts(ChartAccountRole.ACCOUNTS_PAYABLE)
    input_vat_accounts = ChartRoleAccounts(ChartAccountRole.INPUT_VAT)

    class Meta:
        model = AccountCodingChart
        fields = ("name", "valid_from", "valid_to", "is_default", "receivable_accounts", "rounding_accounts",
                  "currency_difference_accounts", "payable_accounts", "input_vat_accounts")
        import_id_fields = ("name",)
        instance_loader_class = NaturalKeyInstanceLoader

    def check_row(self, instance, row, errors):
        return one_default_problem(instance)


# --- Invoices with their lines --------------------------------------------------------------------


class LineEconomicUnits(RelatedSetField):
    """The economic units of a line as "level:code" items of the invoice's office: "1:PC1; 2:D7"."""

    def read(self, instance):
        units = instance.economic_units.all()  # uses the export's prefetch; a fresh query on import
        return frozenset((unit.level, unit.code) for unit in units)

    def render_item(self, item):
        level, code = item
        return f"{level}:{code}"

    def parse(self, value, row, instance):
        office = cell_text(row.get("office"), quoted_text_allowed=False)
        wanted = set()
        for item in cell_list(value, quoted_text_allowed=False):
            level, _, code = item.partition(":")
            if not level.strip().isdigit() or not code.strip():
                raise ValueError(f"{item!r} is not level:code, e.g. 1:PC1.")
            wanted.add((int(level), code.strip()))
        found = {(u.level, u.code) for u in EconomicUnit.objects.filter(
            office__code=office, level__in={level for level, _ in wanted}, code__in={c for _, c in wanted})}
        missing = sorted(wanted - found)
        if missing:
            raise ValueError(f"Unknown economic unit {', '.join(f'{lv}:{c}' for lv, c in missing)} in office "
                             f"{office!r}.")
        return frozenset(wanted)

    def write(self, instance, value):
        if self.read(instance) == value:
            return
        units = [u for u in EconomicUnit.objects.filter(office=instance.invoice.office)
                 if (u.level, u.code) in value]
        instance.economic_units.set(units)


def invoice_column(attribute, column, widget):
    """An invoice's own column, repeated on each of its lines; the resource applies it to the invoice."""
    return Field(attribute=f"invoice__{attribute}", column_name=column, widget=widget, readonly=True)


# Invoice column -> attribute of the invoice.
INVOICE_COLUMNS = {
    "office": "office", "invoice_number": "number", "invoice_date": "invoice_date", "due_date": "due_date",
    "customer": "customer", "region": "region", "period": "period", "payment_condition": "payment_condition",
    "currency": "currency", "exchange_rate": "exchange_rate", "reference_number": "reference_number",
    "your_reference": "your_reference", "credits_invoice": "credited_invoice",
}


class InvoiceLineResource(PortalResource):
    """Invoices as one row per line; see the module docstring for the columns."""

    office = invoice_column("office", "office", KeyWidget(Office, "code"))
    invoice_number = invoice_column("number", "invoice_number", IntegerWidget())
    invoice_date = invoice_column("invoice_date", "invoice_date", DateWidget())
    due_date = invoice_column("due_date", "due_date", DateWidget())
    customer = invoice_column("customer", "customer", KeyWidget(Customer, "code", preload=False))
    region = invoice_column("region", "region", KeyWidget(Region, "code", scope={"office__code": "office"}))
    period = invoice_column("period", "period", KeyWidget(InvoicePeriod, "name", label="invoice period",
                                                          scope={"office__code": "office"}, preload=False))
    payment_condition = invoice_column("payment_condition", "payment_condition",
                                       KeyWidget(PaymentCondition, "name"))
    currency = invoice_column("currency", "currency", KeyWidget(Currency, "code"))
    exchange_rate = invoice_column("exchange_rate", "exchange_rate", DecimalWidget())
    reference_number = invoice_column("reference_number", "reference_number", TextWidget())
    your_reference = invoice_column("your_reference", "your_reference", TextWidget())
    credits_invoice = invoice_column("credited_invoice", "credits_invoice",
                                     KeyWidget(Invoice, "number", label="invoice", scope={"office__code": "office"},
                                               preload=False))
    line = Field(attribute="position", column_name="line", widget=IntegerWidget())
    vat_rate = key_field(VatRate, "code", "vat_rate", label="VAT rate")
    account = key_field(Account, "number", "account")
    economic_units = LineEconomicUnits(column_name="economic_units")

    class Meta:
        model = InvoiceLine
        name = "Invoices (one row per line)"
        fields = (*INVOICE_COLUMNS, "line", "order_number", "sender_reference", "receiver_reference",
                  "item_name", "quantity", "unit", "unit_price", "amount", "vat_rate", "account",
                  "economic_units")
        import_id_fields = ("office", "invoice_number", "line")

    saved_with_the_row = ("invoice",)
    RELATED = ("invoice__office", "invoice__customer__office", "invoice__region", "invoice__period",
               "invoice__payment_condition", "invoice__currency", "vat_rate", "account")

    def get_queryset(self):
        return (InvoiceLine.objects.select_related(*self.RELATED)
                .prefetch_related(Prefetch("economic_units", queryset=EconomicUnit.objects.order_by()))
                .order_by("invoice__office__code", "invoice__number", "position", "id"))

    def export(self, queryset=None, **kwargs):
        # The invoice admin hands over invoices; the file has their lines.
        if queryset is not None and queryset.model is Invoice:
            queryset = self.get_queryset().filter(invoice__in=queryset.order_by().values("pk"))
        return super().export(queryset, **kwargs)

    # Import: the invoice columns are applied once per invoice, by its first row in the file.
    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._invoices = {}  # (office pk, number) -> the Invoice as its first row left it
        self._first_rows = {}  # (office pk, number) -> (row number, {column: value})
        self._unsaved = set()

    def get_instance(self, instance_loader, row):
        try:
            office = self.fields["office"].widget.clean(row.get("office"), row)
            number = self.fields["invoice_number"].widget.clean(row.get("invoice_number"), row)
            position = self.fields["line"].widget.clean(row.get("line"), row)
        except ValueError:
            return None  # the row's own check names the column
        if office is None or number is None or position is None:
            return None
        lines = list(InvoiceLine.objects.select_related(*self.RELATED)
                     .filter(invoice__office=office, invoice__number=number, position=position)[:2])
        if len(lines) > 1:
            raise ValidationError({"line": f"Invoice {number} has more than one line {position}: number its "
                                           f"lines 1, 2, 3... in the admin first."})
        return lines[0] if lines else None

    def check_row(self, instance, row, errors):
        problems = self._apply_invoice_columns(instance, row)
        if instance.position is None and "line" not in errors:
            problems["line"] = "Enter the line number (1, 2, 3...)."
        if (instance.amount is None and "amount" not in errors and instance.quantity is not None
                and instance.unit_price is not None):
            instance.amount = to_cents(instance.quantity * instance.unit_price)
        if not problems and getattr(instance, "invoice", None) is not None:
            for problem in validation.check_line(instance, credit=instance.invoice.is_credit):
                if problem.field not in errors:
                    problems.setdefault(problem.field, problem.sentence)
        return problems

    def _apply_invoice_columns(self, line, row) -> dict[str, str]:
        problems, values = {}, {}
        for column in INVOICE_COLUMNS:
            if column in row:
                try:
                    values[column] = self.fields[column].widget.clean(row[column], row)
                except ValueError as exc:
                    problems[column] = str(exc)
        for column in ("office", "invoice_number"):
            if values.get(column) is None and column not in problems:
                problems[column] = f"Enter the {column.replace('_', ' ')}."
        if problems:
            return problems
        key = (values["office"].pk, values["invoice_number"])
        if key in self._first_rows:
            return self._compare_with_first_row(key, values, row, line)
        invoice = (Invoice.objects.select_related("period", "office")
                   .filter(office=values["office"], number=values["invoice_number"]).first())
        if invoice is not None and invoice.period_id and invoice.period.is_closed:
            return {"invoice_number": f"Invoice {key[1]} is in the closed period {invoice.period}: it cannot "
                                      f"be changed by an import."}
        invoice = invoice or Invoice(office=values["office"], number=values["invoice_number"])
        for column, value in values.items():
            if column == "exchange_rate" and value is None:
                value = Decimal(1)
            setattr(invoice, INVOICE_COLUMNS[column], value)
        problems = self._check_invoice(invoice)
        self._first_rows[key] = (self._row_number, values)
        self._invoices[key] = invoice
        self._unsaved.add(key)
        line.invoice = invoice
        return problems

    def _compare_with_first_row(self, key, values, row, line) -> dict[str, str]:
        # Later rows of an invoice may leave its columns blank; filled in, they must agree.
        first_number, first_values = self._first_rows[key]
        problems = {}
        for column, value in values.items():
            if value not in (None, "") and first_values.get(column) != value:
                problems[column] = (f"{cell_text(row[column])!r} differs from row {first_number} of invoice "
                                    f"{key[1]}: the rows of one invoice share its invoice columns.")
        line.invoice = self._invoices[key]
        return problems

    def _check_invoice(self, invoice) -> dict[str, str]:
        problems = {}
        office = invoice.office
        if invoice.currency_id is None:
            invoice.currency = office.default_currency
        if invoice.payment_condition_id is None and invoice.pk is None:
            invoice.payment_condition = office.default_payment_condition
        if invoice.invoice_date is None:
            problems["invoice_date"] = "Enter the invoice date."
        elif invoice.due_date is None:
            if invoice.payment_condition is None:
                problems["due_date"] = "Enter the due date, or a payment condition to count it from."
            else:
                invoice.due_date = invoice.payment_condition.due_date(invoice.invoice_date)
        if invoice.customer_id is None:
            problems["customer"] = "Enter the customer code."
        elif invoice.customer.office_id != office.pk:
            problems["customer"] = (f"Customer {invoice.customer.code} belongs to office "
                                    f"{invoice.customer.office.code}, not {office.code}.")
        if invoice.region_id and invoice.region.office_id != office.pk:
            problems["region"] = f"Region {invoice.region.code} is not a region of office {office.code}."
        if invoice.period_id and invoice.period.is_closed:
            problems["period"] = f"The invoice period {invoice.period} is closed."
        problems.update(self._check_credit(invoice))
        try:
            validators.validate_reference_number(invoice.reference_number)
        except ValidationError as exc:
            problems["reference_number"] = exc.messages[0]
        columns = {attribute: column for column, attribute in INVOICE_COLUMNS.items()}
        relations = {f.name for f in Invoice._meta.fields if f.is_relation}
        try:
            invoice.clean_fields(exclude=relations | {INVOICE_COLUMNS.get(c, c) for c in problems})
        except ValidationError as exc:
            for attribute, messages in exc.message_dict.items():
                problems.setdefault(columns.get(attribute, attribute), messages[0])
        if not problems:
            for problem in validation.check_header(invoice):
                problems.setdefault(columns.get(problem.field, problem.field), problem.sentence)
        return problems

    @staticmethod
    def _check_credit(invoice) -> dict[str, str]:
        """A credit invoice credits another invoice of its customer, itself no credit invoice."""
        original = invoice.credited_invoice if invoice.credited_invoice_id else None
        if original is None:
            return {}
        if original.number == invoice.number:
            return {"credits_invoice": gettext("Invoice %(number)s cannot credit itself.") % {"number": invoice.number}}
        if original.credited_invoice_id:
            return {"credits_invoice": gettext("Invoice %(number)s is itself a credit invoice: credit the invoice it "
                                               "credits.") % {"number": original.number}}
        if invoice.customer_id and original.customer_id != invoice.customer_id:
            return {"credits_invoice": gettext("Invoice %(number)s is of customer %(its)s, not %(this)s.") % {
                "number": original.number, "its": original.customer.code, "this": invoice.customer.code}}
        return {}

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        invoice = instance.invoice
        key = (invoice.office_id, invoice.number)
        if key in self._unsaved:
            invoice.save()
            self._unsaved.discard(key)
        instance.invoice = invoice  # sets invoice_id now that a new invoice has its primary key

    def after_import(self, dataset, result, **kwargs):
        if not result.has_errors() and not result.has_validation_errors():
            for invoice in self._invoices.values():
                if invoice.pk is not None:
                    recompute_totals(invoice)
        super().after_import(dataset, result, **kwargs)
