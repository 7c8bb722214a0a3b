"""Export and send: the "Export invoices" page, the run page with its progress, retry, setup check.

Views stay thin: planning, running and checking live in exports.services.
"""
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounting.models import InvoicePeriod
from portal import params

from .forms_run import ExportInvoicesForm
from .models import ExportRun, InvoiceExport, RunStatus
from .services import actions, planning
from .services.setup_check import check_export


def _context(request, **extra):
    return {**admin.site.each_context(request), **extra}


def _scope_from(request):
    data = request.POST if request.method == "POST" else request.GET
    period = None
    period_id = params.positive_id(data, "period")
    if period_id is not None:
        period = get_object_or_404(InvoicePeriod, pk=period_id)
    invoice_ids = params.id_list(data, "invoice")
    if period is None and not invoice_ids:
        raise Http404("Choose an invoice or an invoice period to export.")
    return period, invoice_ids


@login_required
@permission_required("exports.run_export", raise_exception=True)
def plan(request):
    period, invoice_ids = _scope_from(request)
    form = ExportInvoicesForm(request.POST or None)
    invoices = planning.invoices_in_scope(invoices=invoice_ids, period=period)
    chosen = form.cleaned_data.get("export") if form.is_bound and form.is_valid() else None
    the_plan = planning.resolve_plan(invoices, chosen)
    reports = [check_export(export, export_invoices, remote=False)
               for export, export_invoices in the_plan.invoices_by_export()]
    blocking = [(report.export, p) for report in reports for p in report.blocking]
    if request.method == "POST" and form.is_valid():
        preview = form.cleaned_data["preview"] or "preview" in request.POST
        if blocking and not preview:
            messages.error(request, "The export cannot start until the problems below are fixed.")
        else:
            run = planning.plan_run(invoices=invoice_ids or None, period=period, export=chosen, preview=preview,
                                    user=request.user)
            actions.start_run(run)
            return redirect("exports:run", pk=run.pk)
    planned = [(export, export_invoices.count(), _call_budget(export, export_invoices))
               for export, export_invoices in the_plan.invoices_by_export()]
    return render(request, "exports/plan.html", _context(
        request, title="Export invoices", form=form, period=period, invoice_ids=invoice_ids,
        invoice_count=the_plan.invoices.count(), planned=planned,
        over_quota=[(export, budget) for export, _, budget in planned if budget and budget.exceeds_quota],
        unassigned_count=the_plan.unassigned.count(),
        unassigned=list(the_plan.unassigned.values_list("number", flat=True)[:10]),
        reports=reports, blocking=blocking))


def _call_budget(export, invoices):
    """The export's estimated calls for its share of the plan (targets with a daily quota declare one)."""
    if export.target.call_estimate is None:
        return None
    return export.target.call_budget(export.start_text, invoices.count(),
                                     invoices.values("customer_id").distinct().count())


def _run_for(request, pk) -> ExportRun:
    run = get_object_or_404(ExportRun.objects.select_related("period", "chosen_export", "created_by"), pk=pk)
    if not request.user.has_perm("exports.view_exportrun"):
        raise PermissionDenied
    return run


def _item_rows(run, since=None):
    items = run.items.select_related("invoice__customer", "export").order_by("invoice__number", "export__name")
    if since:
        items = items.filter(updated_at__gt=since)
    return [{
        "id": item.pk,
        "invoice": item.invoice.number,
        "customer": item.invoice.customer.name,
        "export": item.export.name,
        "state": item.state,
        "state_label": item.get_state_display(),
        "message": item.last_error_message or item.warning_message,
        "remote_id": item.remote_id,
        "pdf_url": reverse("exports:invoice_pdf", args=[item.invoice_id]) if item.export.include_pdf_copy
        or item.is_preview else "",
    } for item in items]


def run_summary(run: ExportRun) -> dict:
    stalled = run.is_stalled
    return {"id": run.pk, "status": "stalled" if stalled else run.status,
            "status_label": "Stalled: nobody is working on it" if stalled else run.get_status_display(),
            "note": run.note, "can_resume": stalled or run.status == RunStatus.STOPPED,
            "can_cancel": not run.is_finished and not run.cancel_requested_at,
            "to_export": run.to_export, "exported": run.exported, "previewed": run.previewed,
            "skipped": run.skipped, "failed": run.failed,
            "done": run.done, "percent": run.percent, "finished": run.is_finished,
            "failure_message": run.failure_message, "preview": run.is_preview}


@login_required
@require_GET
def run_detail(request, pk):
    run = _run_for(request, pk)
    return render(request, "exports/run.html", _context(
        request, title=f"Invoice export #{run.pk}", run=run, summary=run_summary(run), rows=_item_rows(run),
        can_retry=request.user.has_perm("exports.retry_export") and run.is_finished and run.failed > 0,
        can_control=request.user.has_perm("exports.cancel_export"),
        events=run.events.select_related("item__invoice").order_by("-created_at", "-id")[:50]))


@login_required
@require_GET
def run_status(request, pk):
    """Polled by the run page: counters, and the rows that changed since the last poll."""
    run = _run_for(request, pk)
    since = params.aware_datetime(request.GET, "since")
    return JsonResponse({**run_summary(run), "items": _item_rows(run, since)})


@login_required
@require_POST
@permission_required("exports.retry_export", raise_exception=True)
def retry_failed(request, pk):
    run = _run_for(request, pk)
    count = actions.retry_failed(run, user=request.user)
    if count:
        messages.success(request, f"Retrying {count} invoice(s).")
    else:
        messages.info(request, "There is nothing to retry in this export.")
    return redirect("exports:run", pk=run.pk)


@login_required
@require_POST
@permission_required("exports.cancel_export", raise_exception=True)
def resume_run(request, pk):
    run = _run_for(request, pk)
    if actions.resume(run, user=request.user):
        messages.success(request, "The export goes on where it stopped.")
    else:
        messages.info(request, "This export is not stopped or stalled: there is nothing to resume.")
    return redirect("exports:run", pk=run.pk)


@login_required
@require_POST
@permission_required("exports.cancel_export", raise_exception=True)
def cancel_run(request, pk):
    run = _run_for(request, pk)
    if actions.cancel(run, user=request.user):
        messages.warning(request, "The export stops after the calls in flight; the invoices not sent yet are "
                                  "marked as cancelled and can be sent later with Retry failed.")
    else:
        messages.info(request, "This export has already ended.")
    return redirect("exports:run", pk=run.pk)


@login_required
@permission_required("exports.check_setup", raise_exception=True)
def check_setup(request, pk):
    export = get_object_or_404(InvoiceExport, pk=pk)
    report = check_export(export)
    return render(request, "exports/check_setup.html", _context(
        request, title=f"Check setup: {export.name}", export=export, report=report))
