"""The import and export of a setup screen's admin: the library's mixin with the portal's formats, a preview
of every row, all rows or none, and files above a few thousand rows handed to a background job."""
import contextlib
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import (
    PermissionDenied,
)
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.forms import SelectableFieldsExportForm
from import_export.results import RowResult

from . import import_jobs, tasks
from .admin_mixins import StorableAutocompleteMixin
from .importexport import FORMATS, IMPORT_FILE_NAME, PREVIEW_ROWS, XLSX, failed_rows_dataset, preview_rows
from .models import ImportJob


class PortalExportForm(SelectableFieldsExportForm):
    """The library's export form, with its "Select all" box bound from a static script (no inline handler)."""

    class Media:
        js = ["portal/export_form.js"]
        css = {"all": ["portal/export_form.css"]}


class PortalImportExportMixin(StorableAutocompleteMixin, ImportExportMixin):
    """Import and export for a setup screen's admin: CSV and XLSX, previewed, all rows or none."""

    formats = FORMATS
    import_formats = FORMATS
    export_formats = FORMATS
    from_encoding = "utf-8-sig"
    to_encoding = "utf-8-sig"  # with the BOM, Excel opens õ ä ö ü š ž å æ ø as UTF-8
    import_template_name = "admin/import_export/portal_import.html"
    export_form_class = PortalExportForm
    preview_limit = PREVIEW_ROWS

    def _has_perms(self, request, *actions) -> bool:
        opts = self.opts
        return all(request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
                   for action in actions)

    def has_import_permission(self, request):
        # Explicit rather than IMPORT_EXPORT_IMPORT_PERMISSION_CODE alone: unset, it lets every staff
        # user import. An import adds and changes rows, so it needs those permissions as well.
        return self._has_perms(request, "import", "add", "change")

    def has_export_permission(self, request):
        return self._has_perms(request, "export", "view")

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("import/failed/<str:name>/", self.admin_site.admin_view(self.failed_rows_view),
                 name="{}_{}_import_failed".format(*info)),
            path("import/jobs/<int:job_id>/", self.admin_site.admin_view(self.import_job_view),
                 name="{}_{}_import_job".format(*info)),
            path("import/jobs/<int:job_id>/status.json", self.admin_site.admin_view(self.import_job_status_view),
                 name="{}_{}_import_job_status".format(*info)),
            path("import/jobs/<int:job_id>/confirm/", self.admin_site.admin_view(self.import_job_confirm_view),
                 name="{}_{}_import_job_confirm".format(*info)),
            *super().get_urls(),
        ]

    def import_action(self, request, **kwargs):
        if request.method == "POST" and self.has_import_permission(request):
            job = self._start_background_import(request)
            if job is not None:
                return HttpResponseRedirect(self._job_url(job))
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context is not None:
            context["import_jobs"] = self._recent_jobs(request)
            context["background_rows"] = settings.IMPORT_BACKGROUND_ROWS
        result = context.get("result") if context else None
        if result is None:
            return response
        context["preview_rows"], context["preview_hidden"] = preview_rows(result, self.preview_limit)
        context["totals"] = result.totals
        if result.has_errors() or result.has_validation_errors():
            form = context["form"]
            input_format = self.get_import_formats()[int(form.cleaned_data["format"])]()
            failed = failed_rows_dataset(result)
            if failed is not None:
                context["failed_rows_url"] = self._store_failed_rows(failed, input_format)
            self._discard_upload(form, input_format)
        return response

    # --- Large files: background jobs (portal.import_jobs) ---------------------------------------------

    def _start_background_import(self, request):
        """A job for an upload above IMPORT_BACKGROUND_ROWS rows; None to keep the immediate preview."""

        form = self.create_import_form(request)
        if not form.is_valid():
            return None
        format_index = int(form.cleaned_data["format"])
        input_format = self.get_import_formats()[format_index]()
        if not input_format.is_binary():
            input_format.encoding = self.from_encoding
        import_file = form.cleaned_data["import_file"]
        data = b"".join(import_file.chunks())
        try:
            row_count = input_format.count_rows(data)
        except Exception:  # noqa: BLE001 - an unreadable file gets the immediate preview's own message
            return None
        if not import_jobs.is_large(row_count):
            return None
        return import_jobs.start(owner=request.user, model_admin=self, resource_index=self.get_resource_index(form),
                     format_index=format_index, file_name=import_file.name, data=data, row_count=row_count,
                     queue=tasks.preview_import_job.delay)

    def _job_url(self, job, view="import_job") -> str:
        return reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}", args=[job.pk])

    def _recent_jobs(self, request) -> list:

        jobs = ImportJob.objects.filter(owner=request.user, model=f"{self.opts.app_label}.{self.opts.model_name}")
        return [{"job": job, "url": self._job_url(job)} for job in jobs[:5]]

    def _own_job(self, request, job_id):
        """The job of this screen, for its owner (or a superuser), who may still import here."""

        if not self.has_import_permission(request):
            raise PermissionDenied
        job = ImportJob.objects.filter(pk=job_id, model=f"{self.opts.app_label}.{self.opts.model_name}").first()
        if job is None or (job.owner_id != request.user.pk and not request.user.is_superuser):
            raise Http404
        return job

    def import_job_view(self, request, job_id):

        job = self._own_job(request, job_id)
        context = {**self.admin_site.each_context(request), "title": gettext("Import"), "opts": self.opts,
                   "job": job, "summary": import_jobs.summary(job),
                   "status_url": self._job_url(job, "import_job_status"),
                   "confirm_url": self._job_url(job, "import_job_confirm"),
                   "import_url": reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_import"),
                   "changelist_url": reverse(
                       f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist")}
        if job.status in (job.Status.PREVIEWED, job.Status.INVALID) and job.preview:
            context.update(import_jobs.preview_context(job))
            if job.failed_rows_name:
                context["failed_rows_url"] = reverse(
                    f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_import_failed",
                    args=[job.failed_rows_name])
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/import_export/portal_import_job.html", context)

    def import_job_status_view(self, request, job_id):

        return JsonResponse(import_jobs.summary(self._own_job(request, job_id)))

    def import_job_confirm_view(self, request, job_id):

        if request.method != "POST":
            return HttpResponseRedirect(self._job_url(self._own_job(request, job_id)))
        job = self._own_job(request, job_id)
        if not import_jobs.confirm(job, tasks.run_import_job.delay):
            messages.warning(request, gettext("This import is not waiting for a confirm any more."))
        return HttpResponseRedirect(self._job_url(job))

    def _store_failed_rows(self, dataset, file_format) -> str:
        data = file_format.export_data(dataset)
        if isinstance(data, str):
            data = data.encode(self.to_encoding)
        name = f"failed-{uuid.uuid4().hex}.{file_format.get_extension()}"
        self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs()).save(data)
        return reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_import_failed",
                       args=[name])

    def _discard_upload(self, form, file_format) -> None:
        # No confirm follows a preview with errors, so nothing else would ever remove the upload.
        name = getattr(form.cleaned_data.get("import_file"), "tmp_storage_name", None)
        if name:
            storage = self.get_tmp_storage_class()(name=name, read_mode=file_format.get_read_mode(),
                                                   **self.get_tmp_storage_class_kwargs())
            with contextlib.suppress(FileNotFoundError):
                storage.remove()

    def failed_rows_view(self, request, name):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if not name.startswith("failed-") or not IMPORT_FILE_NAME.fullmatch(name):
            raise Http404
        storage_class = self.get_tmp_storage_class()
        storage = storage_class(name=name, read_mode="rb", **self.get_tmp_storage_class_kwargs())
        try:
            data = storage.read()
        except FileNotFoundError:
            raise Http404 from None
        extension = name.rsplit(".", 1)[1]
        content_type = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX.CONTENT_TYPE}[extension]
        response = HttpResponse(data, content_type=content_type)
        filename = f"{self.opts.model_name}-failed-rows.{extension}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # Rows changed between preview and confirm; the import was rolled back as a whole.
            failed = [gettext("row %(number)s: %(problems)s") % {"number": r.number, "problems": "; ".join(r.problems)}
                      for r in result.rows
                      if getattr(r, "problems", None)][:5]
            failed += [str(error.error) for error in result.base_errors][:5]
            messages.error(request, gettext("Nothing was imported: %(rows)s") % {"rows": " | ".join(failed)})
            return HttpResponseRedirect(reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_import"))
        return super().process_result(result, request)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, UnicodeDecodeError):
            form.add_error("import_file", _("The file is not UTF-8 text. In Excel use Save as > "
                                          "CSV UTF-8 (comma delimited), or upload the .xlsx file."))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def add_success_message(self, result, request):
        instances = [r.instance for r in result.rows if getattr(r, "instance", None) is not None]
        what = (instances[0]._meta if instances else self.opts).verbose_name_plural
        totals = result.totals
        messages.success(request, gettext("Import finished: %(new)s new, %(updated)s updated and %(unchanged)s "
                                          "unchanged %(what)s.")
                         % {"new": totals[RowResult.IMPORT_TYPE_NEW], "updated": totals[RowResult.IMPORT_TYPE_UPDATE],
                            "unchanged": totals[RowResult.IMPORT_TYPE_SKIP], "what": what})
