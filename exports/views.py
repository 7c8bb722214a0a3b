"""Export and send: the "Export invoices" page, the run page with its progress, retry, setup check.

Views stay thin: planning, running and checking live in exports.services.
"""
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from accounting.models import InvoicePeriod
from portal import params

from .forms_run import ExportInvoicesForm
from .models import ExportItem, ExportRun, InvoiceExport, ItemState, RunStatus
from .services import actions, plan_preview, planning, run_report
from .services.messages import event_message, item_messages, run_texts
from .services.setup_check import check_export


def _context(request, **extra):
    return {**admin.site.each_context(request), **extra}


def _scope_from(request):
    data = request.POST if request.method == "POST" else request.GET
    period = None
    period_id = params.positive_id(data, "period")
    if period_id is not None:
        period = get_object_or_404(InvoicePeriod.objects.select_related("office"), pk=period_id)
    invoice_ids = sorted(set(params.id_list(data, "invoice")))
    if period is None and not invoice_ids:
        raise Http404(gettext("Choose an invoice or an invoice period to export."))
    return period, invoice_ids


def _scope_key(period, invoice_ids) -> str:
    return f"period:{period.pk}" if period is not None else "invoices:" + ",".join(map(str, invoice_ids))


@login_required
@permission_required("exports.run_export", raise_exception=True)
def plan(request):
    """The plan of an export: per export what it sends, what it skips as already exported, what blocks it.
    A GET with ``export`` shows the plan of that export; the POST starts the run (or the preview)."""
    period, invoice_ids = _scope_from(request)
    invoices = planning.invoices_in_scope(invoices=invoice_ids, period=period)
    offered = planning.exports_offered(invoices, period)
    if request.method == "POST":
        form = ExportInvoicesForm(request.POST, offered=offered)
    else:
        form = ExportInvoicesForm(request.GET if "export" in request.GET else None, offered=offered)
    chosen = form.cleaned_data.get("export") if form.is_bound and form.is_valid() else None
    the_plan = planning.resolve_plan(invoices, chosen)
    preview = plan_preview.preview_plan(the_plan, scope_key=_scope_key(period, invoice_ids),
                                        refresh="recheck" in request.GET)
    if request.method == "POST" and form.is_valid():
        wants_preview = form.cleaned_data["preview"] or "preview" in request.POST
        if not (preview.can_preview if wants_preview else preview.can_send):
            messages.error(request, gettext("The export cannot start until the problems below are fixed."))
        else:
            run = planning.plan_run(invoices=invoice_ids or None, period=period, export=chosen,
                                    preview=wants_preview, user=request.user)
            actions.start_run(run)
            return redirect("exports:run", pk=run.pk)
    scope = {"period": period.pk} if period is not None else {"invoice": invoice_ids}
    return render(request, "exports/plan.html", _context(
        request, title=gettext("Export invoices"), form=form, period=period, invoice_ids=invoice_ids,
        chosen=chosen, plan=preview, invoice_count=preview.invoice_count, blocking=preview.blocking,
        over_quota=[(p.export, p.budget) for p in preview.exports if p.budget and p.budget.exceeds_quota],
        recheck_url=f"{reverse('exports:plan')}?"
                    + urlencode({**scope, **({"export": chosen.pk} if chosen else {}), "recheck": 1}, doseq=True)))


def _run_for(request, pk) -> ExportRun:
    run = get_object_or_404(ExportRun.objects.select_related("period__office", "chosen_export", "created_by"), pk=pk)
    if not request.user.has_perm("exports.view_exportrun"):
        raise PermissionDenied
    return run


#: What the link to an item's payload summary says, by the item's state.
_PAYLOAD_LINK = {ItemState.SENT: _("What was sent"), ItemState.PENDING: _("What was sent"),
                 ItemState.UNKNOWN: _("What was sent"), ItemState.PREVIEWED: _("What would be sent")}


#: Rows of the run page per page: a run of 100 000 invoices is read a page at a time, and so is its polling.
ROWS_PER_PAGE = 200


def _run_items(run, show=""):
    items = run.items.select_related("invoice__customer", "export").order_by("invoice__number", "export__name")
    return items.filter(state__in=run_report.FILTERS[show]) if show else items


def _row(item, shown: dict[int, str]) -> dict:
    return {
        "id": item.pk,
        "invoice": item.invoice.number,
        "customer": item.invoice.customer.name,
        "export": item.export.name,
        "state": item.state,
        "state_label": str(item.get_state_display()),
        "message": shown.get(item.pk, ""),
        "remote_id": item.remote_id,
        "pdf_url": reverse("exports:invoice_pdf", args=[item.invoice_id]) if item.export.include_pdf_copy
        or item.is_preview else "",
        "payload_url": "" if item.state == ItemState.PLANNED else reverse("exports:item", args=[item.pk]),
        "payload_label": str(_PAYLOAD_LINK.get(item.state, _("Details"))),
        "updated_at": item.updated_at.isoformat(),
    }


def _page_of_rows(run, show, page_number):
    page = Paginator(_run_items(run, show), ROWS_PER_PAGE).get_page(page_number)
    return page, _rows(list(page.object_list))


def _rows(items) -> list[dict]:
    """The rows of ``items``, their messages in the reader's language."""
    shown = item_messages(items)
    return [_row(item, shown) for item in items]


def _changed_rows(run, since, show, after_id=None):
    """The rows that changed since the last poll, oldest change first and at most a page of them: the page
    asks again from the last change it got (its time and id, as rows written together share a time), so a
    burst of changes is read a page at a time too."""
    newer = Q(updated_at__gt=since)
    if after_id is not None:
        newer |= Q(updated_at=since, pk__gt=after_id)
    changed = _run_items(run, show).filter(newer).order_by("updated_at", "pk")[:ROWS_PER_PAGE]
    return _rows(list(changed))


def run_summary(run: ExportRun) -> dict:
    stalled = run.is_stalled
    told = run_report.outcome(run)
    texts = run_texts(run)
    return {"id": run.pk, "status": "stalled" if stalled else run.status,
            "outcome": told.key, "status_label": told.label, "reason": _reason_shown(run, told.reason, texts),
            "note": texts["note"], "can_resume": stalled or run.status == RunStatus.STOPPED,
            "can_cancel": not run.is_finished and not run.cancel_requested_at,
            "to_export": run.to_export, "exported": run.exported, "previewed": run.previewed,
            "skipped": run.skipped, "failed": run.failed,
            "done": run.done, "percent": run.percent, "finished": run.is_finished,
            "failure_message": _reason_shown(run, told.reason, texts), "preview": run.is_preview}


def _reason_shown(run, reason: str, texts: dict[str, str]) -> str:
    """The outcome's reason in the reader's language: the run's own failure, or its most common item message."""
    if not reason or reason == run.failure_message:
        return texts["failure_message"] if reason else ""
    item = run.items.filter(last_error_message=reason).first()
    return item_messages([item]).get(item.pk, reason) if item else reason


@login_required
@require_GET
def run_detail(request, pk):
    run = _run_for(request, pk)
    show = run_report.chosen_filter(request.GET.get("show"))
    counts = run_report.filter_counts(run)
    filters = [{"key": key, "label": label, "count": counts[key], "active": key == show}
               for key, label in run_report.FILTER_LABELS.items()]
    page, rows = _page_of_rows(run, show, request.GET.get("page"))
    events = list(run.events.select_related("item__invoice").order_by("-created_at", "-id")[:50])
    for event in events:
        event.shown_message = event_message(event)
    return render(request, "exports/run.html", _context(
        request, title=gettext("Invoice export #%(number)s") % {"number": run.pk}, run=run,
        summary=run_summary(run), rows=rows, page=page, page_query=urlencode({"show": show} if show else {}),
        rendered_at=timezone.now().isoformat(), show=show, filters=filters,
        show_states=" ".join(run_report.FILTERS.get(show, ())),
        can_retry=request.user.has_perm("exports.retry_export") and run.is_finished and run.failed > 0,
        can_control=request.user.has_perm("exports.cancel_export"), events=events))


@login_required
@require_GET
def run_status(request, pk):
    """Polled by the run page: counters, and the rows that changed since the last poll (of one filter with
    ``show``)."""
    run = _run_for(request, pk)
    since = params.aware_datetime(request.GET, "since")
    show = run_report.chosen_filter(request.GET.get("show"))
    if since:
        items = _changed_rows(run, since, show, params.positive_id(request.GET, "after"))
    else:
        items = _page_of_rows(run, show, request.GET.get("page"))[1]
    return JsonResponse({**run_summary(run), "filters": run_report.filter_counts(run), "items": items})


@login_required
@require_GET
@permission_required("exports.view_exportitem", raise_exception=True)
def item_detail(request, pk):
    """What was sent for one invoice of a run: its key facts, the target's ids, the writing calls' bodies as
    the log holds them (secrets masked). Finance and support read it; nobody changes anything here."""
    item = get_object_or_404(ExportItem.objects.select_related(
        "run", "export", "invoice__customer", "invoice__office", "invoice__currency"), pk=pk)
    return render(request, "exports/item.html", _context(
        request, title=gettext("Invoice %(number)s to %(export)s") % {"number": item.invoice.number,
                                                                       "export": item.export.name},
        item=item, run=item.run, summary=run_report.summarise(item)))


@login_required
@require_POST
@permission_required("exports.retry_export", raise_exception=True)
def retry_failed(request, pk):
    run = _run_for(request, pk)
    count = actions.retry_failed(run, user=request.user)
    if count:
        messages.success(request, ngettext("Retrying %(count)s invoice.", "Retrying %(count)s invoices.", count)
                         % {"count": count})
    else:
        messages.info(request, gettext("There is nothing to retry in this export."))
    return redirect("exports:run", pk=run.pk)


@login_required
@require_POST
@permission_required("exports.cancel_export", raise_exception=True)
def resume_run(request, pk):
    run = _run_for(request, pk)
    if actions.resume(run, user=request.user):
        messages.success(request, gettext("The export goes on where it stopped."))
    else:
        messages.info(request, gettext("This export is not stopped or stalled: there is nothing to resume."))
    return redirect("exports:run", pk=run.pk)


@login_required
@require_POST
@permission_required("exports.cancel_export", raise_exception=True)
def cancel_run(request, pk):
    run = _run_for(request, pk)
    if actions.cancel(run, user=request.user):
        messages.warning(request, gettext("The export stops after the calls in flight; the invoices not sent yet "
                                          "are marked as cancelled and can be sent later with Retry failed."))
    else:
        messages.info(request, gettext("This export has already ended."))
    return redirect("exports:run", pk=run.pk)


@login_required
@permission_required("exports.check_setup", raise_exception=True)
def check_setup(request, pk):
    export = get_object_or_404(InvoiceExport, pk=pk)
    report = check_export(export)
    return render(request, "exports/check_setup.html", _context(
        request, title=gettext("Check setup: %(export)s") % {"export": export.name}, export=export, report=report))
