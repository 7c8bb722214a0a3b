"""Invoice exports (General / File transfer / Codes tabs), export setting groups, and the export log
(runs, items, events)."""
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounting.models import CONFIG_PERMISSIONS, Invoice, InvoicePeriod, Office, PaymentCondition, VatRate
from portal.fields import EncryptedTextField

from .connectors import registry


class TransferMethod(models.TextChoices):
    NONE = "", _("None (API type)")
    HEEROS_API = "heeros_api", _("Heeros API")


class Encoding(models.TextChoices):
    UTF8 = "UTF-8", "UTF-8"
    LATIN1 = "ISO-8859-1", "ISO-8859-1"


class Report(models.TextChoices):
    NONE = "", _("None")
    INVOICE = "invoice", _("Invoice")


SECRET_FIELDS = ("password", "client_key", "api_token")
#: A run not picked up this long after it expected to be is stalled (shown so, and re-queued by the sweeper).
STALL_GRACE_SECONDS = 60


class InvoiceExport(models.Model):
    """An invoice export ("Arve eksport"): one target system and its credentials."""

    # General ("Üldine")
    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_('For example "E-Financials (API)".'))
    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, null=True, blank=True,
                               related_name="exports")
    report = models.CharField(_("report"), max_length=20, choices=Report.choices, blank=True, default=Report.NONE,
                              help_text=_("None for every API export."))
    # The registered targets (exports.connectors.registry); a callable, so a new target needs no migration.
    type = models.CharField(_("type"), max_length=20, choices=registry.choices)
    encoding = models.CharField(_("encoding"), max_length=20, choices=Encoding.choices, default=Encoding.UTF8)
    user_id = models.CharField(_("user id"), max_length=200, blank=True)
    password = EncryptedTextField(_("password"))
    password_set_at = models.DateTimeField(_("password set at"), null=True, blank=True, editable=False)
    customer_code = models.CharField(_("customer code"), max_length=100, blank=True)
    office_code = models.CharField(_("office code"), max_length=100, blank=True)
    start_text = models.TextField(_("start text"), blank=True, help_text=_("One parameter=value per line."))
    include_pdf_copy = models.BooleanField(_("include PDF copy"), default=False,
                                           help_text=_("Attach the Opter invoice as a PDF file."))
    reduce_pdf_file_size = models.BooleanField(
        _("reduce PDF file size"), default=False,
        help_text=_("Removes bold, italic and underline and uses a font that takes less space."))
    use_customer_number = models.BooleanField(
        _("use customer number instead of customer code"), default=False,
        help_text=_("Match customers on the sales ledger number instead of the customer code."))
    one_file_per_invoice = models.BooleanField(_("one file per invoice"), default=False)

    # File transfer ("Faili edastus")
    transfer_method = models.CharField(_("method"), max_length=20, choices=TransferMethod.choices, blank=True,
                                       default=TransferMethod.NONE)
    base_url = models.URLField(_("base URL"), max_length=300, blank=True,
                               help_text=_("Blank = the vendor's production endpoint. Point it at the sandbox to "
                                         "practise."))
    client_identity = models.CharField(_("client identity"), max_length=200, blank=True)
    client_key = EncryptedTextField(_("client key"))
    client_key_set_at = models.DateTimeField(_("client key set at"), null=True, blank=True, editable=False)
    api_token = EncryptedTextField(_("API token"))
    api_token_set_at = models.DateTimeField(_("API token set at"), null=True, blank=True, editable=False)
    request_timeout = models.PositiveSmallIntegerField(
        _("request timeout (seconds)"), default=30, help_text=_("How long to wait for the target system per call."))
    parallel_calls = models.PositiveSmallIntegerField(
        _("parallel calls"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(16)],
        help_text=_("How many invoices are sent at the same time. Blank = what the target system allows "
                  "(Netvisor: 1)."))

    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name_plural = _("invoice exports")
        verbose_name = _("invoice export")
        ordering = ["name"]
        default_permissions = CONFIG_PERMISSIONS
        permissions = [("check_setup", "Can run the setup check of an invoice export")]

    def __str__(self):
        return self.name

    @property
    def target(self):
        """The export type's declaration (exports.connectors.target.Target)."""
        return registry.target(self.type)

    def get_type_display(self) -> str:
        return registry.label(self.type)

    def secret_values(self) -> tuple[str, ...]:
        """Every secret of this export, for masking in logs and excerpts."""
        return tuple(v for v in (self.password, self.client_key, self.api_token) if v)

    def set_secret(self, field: str, value: str) -> None:
        if field not in SECRET_FIELDS:
            raise ValueError(f"{field} is not a secret field")
        setattr(self, field, value)
        setattr(self, f"{field}_set_at", timezone.now() if value else None)

    @property
    def parsed_start_text(self) -> dict:
        from .start_text import parse_start_text

        return parse_start_text(self.type, self.start_text)


class CodeKind(models.TextChoices):
    TAX_RATE = "tax_rate", _("Tax rates")
    PAYMENT_CONDITION = "payment_condition", _("Payment condition")


class CodeTranslation(models.Model):
    """The Codes tab: an Opter object (Name column) and the target's code for it (Code column)."""

    export = models.ForeignKey(InvoiceExport, verbose_name=_("export"), on_delete=models.CASCADE, related_name="codes")
    kind = models.CharField(_("kind"), max_length=30, choices=CodeKind.choices, default=CodeKind.TAX_RATE)
    vat_rate = models.ForeignKey(VatRate, verbose_name=_("VAT rate"), on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="+")
    payment_condition = models.ForeignKey(PaymentCondition, verbose_name=_("payment condition"),
                                          on_delete=models.CASCADE, null=True, blank=True,
                                          related_name="+")
    code = models.CharField(_("code"), max_length=100)

    class Meta:
        verbose_name_plural = _("codes")
        verbose_name = _("code")
        ordering = ["export", "kind", "id"]
        default_permissions = CONFIG_PERMISSIONS
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="tax_rate", vat_rate__isnull=False, payment_condition__isnull=True)
                           | Q(kind="payment_condition", payment_condition__isnull=False, vat_rate__isnull=True)),
                name="code_names_one_object_of_its_kind"),
            models.UniqueConstraint(fields=["export", "vat_rate"], name="one_code_per_vat_rate"),
            models.UniqueConstraint(fields=["export", "payment_condition"], name="one_code_per_payment_condition"),
        ]

    def __str__(self):
        return f"{self.opter_object} -> {self.code}"

    @property
    def opter_object(self):
        return self.vat_rate if self.kind == CodeKind.TAX_RATE else self.payment_condition


class InvoiceExportSetting(models.Model):
    """An invoice export setting ("Arve ekspordi seaded"): a named group of exports."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_default = models.BooleanField(_("default"), default=False,
                                     help_text=_("Used for customers that have no invoice export setting."))
    exports = models.ManyToManyField(InvoiceExport, verbose_name=_("exports"), blank=True, related_name="settings")

    class Meta:
        verbose_name_plural = _("invoice export settings")
        verbose_name = _("invoice export setting")
        ordering = ["name"]
        default_permissions = CONFIG_PERMISSIONS
        constraints = [models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True),
                                               name="one_default_export_setting")]

    def __str__(self):
        return self.name


# --- The export log -------------------------------------------------------------------------------


class RunScope(models.TextChoices):
    INVOICE = "invoice", _("One invoice")
    INVOICES = "invoices", _("Several invoices")
    PERIOD = "period", _("Invoice period")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    STOPPED = "stopped", _("Stopped (can be resumed)")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


#: The run has ended: nothing more happens unless someone retries its failed invoices.
FINISHED_STATUSES = (RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED)


class ExportRun(models.Model):
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL,
                                   null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    scope = models.CharField(_("scope"), max_length=10, choices=RunScope.choices)
    period = models.ForeignKey(InvoicePeriod, verbose_name=_("period"), on_delete=models.PROTECT, null=True, blank=True,
                               related_name="runs")
    chosen_export = models.ForeignKey(InvoiceExport, verbose_name=_("chosen export"), on_delete=models.PROTECT,
                                      null=True, blank=True,
                                      related_name="+", help_text=_("Blank = the customers' export setting groups."))
    is_preview = models.BooleanField(_("preview (don't send)"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED,
                              db_index=True)
    failure_message = models.TextField(_("failure message"), blank=True)
    to_export = models.PositiveIntegerField(_("to export"), default=0)
    exported = models.PositiveIntegerField(_("exported"), default=0)
    previewed = models.PositiveIntegerField(_("previewed"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    # A worker holds the run while it works on it, renewing this short lease by a heartbeat; a second
    # delivery waits for it, and the sweeper re-queues a run whose lease ran out (its worker died).
    lease_owner = models.CharField(_("lease owner"), max_length=100, blank=True)
    lease_expires = models.DateTimeField(_("lease expires"), null=True, blank=True)
    # When the run expects to be picked up again (waiting for another run's export, for confirmations,
    # or just queued): until then the sweeper leaves it alone.
    resume_at = models.DateTimeField(_("resume at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True, help_text=_("What the run is waiting for."))
    cancel_requested_at = models.DateTimeField(_("cancel requested at"), null=True, blank=True)
    cancel_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cancel requested by"),
                                            on_delete=models.SET_NULL, null=True,
                                            blank=True, related_name="+")

    class Meta:
        verbose_name = _("export run")
        verbose_name_plural = _("export runs")
        ordering = ["-created_at"]
        default_permissions = ("view",)
        permissions = [("run_export", "Can export and send invoices"),
                       ("retry_export", "Can retry failed invoices of a run"),
                       ("cancel_export", "Can cancel or resume a run")]

    def __str__(self):
        template = (gettext("Preview #%(id)s (%(status)s)") if self.is_preview
                    else gettext("Export #%(id)s (%(status)s)"))
        return template % {"id": self.pk, "status": self.get_status_display()}

    @property
    def done(self) -> int:
        return self.exported + self.previewed + self.skipped + self.failed

    @property
    def percent(self) -> int:
        if not self.to_export:
            return 100 if self.status in (RunStatus.COMPLETED, RunStatus.FAILED) else 0
        return min(100, round(100 * self.done / self.to_export))

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def is_stalled(self) -> bool:
        """Unfinished, nobody holds it, and it is past the time it should have been picked up again."""
        if self.is_finished or self.status == RunStatus.STOPPED:
            return False
        now = timezone.now()
        lease_gone = self.lease_expires is None or self.lease_expires < now
        overdue = self.resume_at is None or self.resume_at < now - timedelta(seconds=STALL_GRACE_SECONDS)
        return lease_gone and overdue


class ItemState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    SENDING = "sending", _("Sending")
    PENDING = "pending", _("Sent, waiting for confirmation")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Skipped")
    PREVIEWED = "previewed", _("Previewed")
    FAILED = "failed", _("Failed")
    UNKNOWN = "unknown", _("Unknown (being reconciled)")


#: May be in the target: only one item per (export, invoice) in these, and never sent again blindly.
IN_FLIGHT_STATES = (ItemState.SENDING, ItemState.UNKNOWN, ItemState.PENDING)
FINAL_STATES = (ItemState.SENT, ItemState.SKIPPED, ItemState.PREVIEWED, ItemState.FAILED)


class ExportItem(models.Model):
    """One invoice sent by one export within a run."""

    run = models.ForeignKey(ExportRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="items")
    export = models.ForeignKey(InvoiceExport, verbose_name=_("export"), on_delete=models.PROTECT, related_name="items")
    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT,
                                related_name="export_items")
    state = models.CharField(_("state"), max_length=10, choices=ItemState.choices, default=ItemState.PLANNED,
                             db_index=True)
    is_preview = models.BooleanField(_("preview"), default=False)
    remote_id = models.CharField(_("remote id"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error_code = models.CharField(_("last error code"), max_length=80, blank=True, db_index=True)
    last_error_message = models.TextField(_("last error message"), blank=True)
    warning_message = models.TextField(_("warning message"), blank=True)
    preview_payload = models.TextField(_("preview payload"), blank=True,
                                       help_text=_("What would be sent (preview runs)."))
    # The steps of the send completed so far, [[step, remote id], ...] in order (create customer, create
    # invoice, register, attach PDF ...): a retry resumes after the last one.
    steps = models.JSONField(_("steps"), default=list, blank=True)
    # A pending send (submitted, confirmed later): what the connector needs to confirm it, and when.
    ticket = models.JSONField(_("ticket"), null=True, blank=True)
    confirm_due_at = models.DateTimeField(_("confirm due at"), null=True, blank=True)
    confirm_deadline = models.DateTimeField(_("confirm deadline"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("export item")
        verbose_name_plural = _("export items")
        ordering = ["run", "id"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["run", "export", "invoice"], name="one_item_per_run_export_invoice"),
            # Two runs must never send the same invoice to the same export at once.
            models.UniqueConstraint(fields=["export", "invoice"],
                                    condition=Q(state__in=["sending", "unknown", "pending"]),
                                    name="one_send_in_flight_per_export_invoice"),
        ]
        indexes = [models.Index(fields=["run", "state"]),
                   # "Was this invoice already sent to this export?" is asked before every send.
                   models.Index(fields=["invoice", "export", "state"])]

    def __str__(self):
        return f"{self.invoice.number} -> {self.export.name}: {self.get_state_display()}"


class EventLevel(models.TextChoices):
    INFO = "info", _("Info")
    WARNING = "warning", _("Warning")
    ERROR = "error", _("Error")


EXCERPT_LIMIT = 4000


class ExportEvent(models.Model):
    """Append-only log line: what happened, with the catalogue code and a redacted excerpt."""

    run = models.ForeignKey(ExportRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="events")
    item = models.ForeignKey(ExportItem, verbose_name=_("item"), on_delete=models.CASCADE, null=True, blank=True,
                             related_name="events")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    level = models.CharField(_("level"), max_length=10, choices=EventLevel.choices, default=EventLevel.INFO,
                             db_index=True)
    code = models.CharField(_("code"), max_length=80, db_index=True)
    message = models.TextField(_("message"))
    params = models.JSONField(_("params"), default=list, blank=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=0)
    excerpt = models.TextField(_("excerpt"), blank=True, help_text=_("Redacted request/response excerpt."))
    duration_ms = models.PositiveIntegerField(_("duration ms"), null=True, blank=True)

    class Meta:
        verbose_name = _("export event")
        verbose_name_plural = _("export events")
        ordering = ["created_at", "id"]
        default_permissions = ("view",)

    def __str__(self):
        return f"[{self.level}] {self.code}: {self.message[:80]}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Export events are append-only.")
        self.excerpt = (self.excerpt or "")[:EXCERPT_LIMIT]
        super().save(*args, **kwargs)


class ExportLease(models.Model):
    """One sender per export at a time: the run (and worker) sending to this export now. Customers,
    products and dimensions are created by one run at a time, and an invoice in flight in one run is
    never touched by another. Kept alive by the run's heartbeat; an expired lease may be taken over."""

    export = models.OneToOneField(InvoiceExport, verbose_name=_("export"), on_delete=models.CASCADE, primary_key=True,
                                  related_name="lease")
    run = models.ForeignKey(ExportRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="+")
    owner = models.CharField(_("owner"), max_length=100)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("export lease")
        verbose_name_plural = _("export leases")
        default_permissions = ()

    def __str__(self):
        return f"{self.export} held by run #{self.run_id} until {self.expires_at:%H:%M:%S}"


class AccessToken(models.Model):
    """An access token of a target that logs in with OAuth (Procountor), shared by every worker: stored
    encrypted with its expiry, refreshed by one worker at a time (exports.connectors.tokens)."""

    export = models.ForeignKey(InvoiceExport, verbose_name=_("export"), on_delete=models.CASCADE,
                               related_name="access_tokens")
    key = models.CharField(_("key"), max_length=200,
                           help_text=_("Which login the token belongs to (a digest, never a secret)."))
    token = EncryptedTextField(_("access token"))
    expires_at = models.DateTimeField(_("expires at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["export", "key"], name="one_token_per_export_login")]

    def __str__(self):
        return f"token of {self.export} until {self.expires_at:%Y-%m-%d %H:%M}"


# The invoice PDF cache lives with the PDF code; imported here so Django registers it with this app.
from .pdf.models import RenderedInvoicePdf  # noqa: E402,F401
