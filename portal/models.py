"""The portal's own tables: what each user chose for themselves (the interface language), and imports
too large for one web request, run as background jobs."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserPreference(models.Model):
    """A user's language, chosen with the switcher in the header and applied at every request and login,
    so the choice follows the user to another browser."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                                related_name="preference")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True,
                                help_text=_("Blank = the browser's language."))

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")
        default_permissions = ()

    def __str__(self):
        return f"{self.user}: {self.language or '-'}"


class ImportJob(models.Model):
    """One uploaded file of a setup screen, previewed and then imported by Celery tasks.

    The upload waits in the shared import storage (``stored_name``) from the upload to the end of the
    import. Progress while a task runs is kept beside it (``portal.import_jobs``), because the import's
    own transaction would hide, or roll back, any progress written to this table.
    """

    class Status(models.TextChoices):
        PREVIEWING = "previewing", _("Checking the file")
        PREVIEWED = "previewed", _("Ready to import")
        INVALID = "invalid", _("Errors in the file: nothing imported")
        IMPORTING = "importing", _("Importing")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Import failed: nothing imported")

    RUNNING = (Status.PREVIEWING, Status.IMPORTING)

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs",
                              verbose_name=_("owner"))
    model = models.CharField(_("model"), max_length=100, help_text=_("app_label.model_name of the setup screen"))
    resource = models.PositiveSmallIntegerField(_("resource"), default=0)
    file_format = models.PositiveSmallIntegerField(_("file format"))
    file_name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(_("stored file"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PREVIEWING)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    totals = models.JSONField(_("totals"), default=dict, blank=True)
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    failed_rows_name = models.CharField(_("failed rows file"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "model", "-created_at"], name="importjob_owner_model")]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING
