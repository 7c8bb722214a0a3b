"""What an export run would do, before it starts: the Export invoices page.

Per export of the plan: the invoices it will send, those this portal already exported to it (when, by which
run: the run skips them when the target still holds them), and every problem that blocks it: the local
setup check, "no connector" for a type without one, and a quick check of the target itself (reachable, the
credentials accepted, its reference data in place), cached briefly so the page stays fast.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import gettext

from ..connectors import registry
from ..connectors.base import ExportError, Problem
from ..connectors.http import quick_calls
from ..connectors.registry import NoConnector, connector_class, connector_for
from ..models import ExportItem, InvoiceExport, ItemState
from .planning import Plan
from .setup_check import check_export

#: How long the target's answer is reused by the page (seconds): long enough for a reload or a change of
#: the drop-down, short enough that a fixed setup shows at once after "Check again".
REMOTE_CHECK_SECONDS = 30
#: A person waits for the target's answer: a call that takes longer than this counts as no answer.
REMOTE_CHECK_TIMEOUT = 5.0
#: How many of the already exported invoices the page names (it counts all of them).
ALREADY_EXPORTED_SHOWN = 20


@dataclass(frozen=True)
class ExportedBefore:
    invoice_id: int
    number: int
    run_id: int
    when: datetime


@dataclass
class ExportPlan:
    """One export of the plan."""

    export: InvoiceExport
    invoice_count: int
    already_count: int = 0
    already: list[ExportedBefore] = field(default_factory=list)
    local_problems: list[Problem] = field(default_factory=list)
    #: the target's own answer: no connector, not reachable, credentials refused, reference data missing
    remote_problems: list[Problem] = field(default_factory=list)
    budget: object | None = None  # Target.call_budget(...) for targets with a daily quota

    @property
    def to_send(self) -> int:
        return max(0, self.invoice_count - self.already_count)

    @property
    def problems(self) -> list[Problem]:
        return [*self.remote_problems, *self.local_problems]

    @property
    def blocking(self) -> list[Problem]:
        return [p for p in self.problems if p.blocking]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.blocking]

    @property
    def can_preview(self) -> bool:
        """A preview builds every payload with the target's reference data: it needs the target, not a
        complete local setup (it shows what the local problems would do to the payloads)."""
        return not any(p.blocking for p in self.remote_problems)


@dataclass
class PlanPreview:
    exports: list[ExportPlan]
    invoice_count: int
    unassigned_count: int
    unassigned: list[int]  # the first invoice numbers no export applies to

    @property
    def blocking(self) -> list[tuple[InvoiceExport, Problem]]:
        return [(plan.export, problem) for plan in self.exports for problem in plan.blocking]

    @property
    def to_send(self) -> int:
        return sum(plan.to_send for plan in self.exports)

    @property
    def already_count(self) -> int:
        return sum(plan.already_count for plan in self.exports)

    @property
    def can_send(self) -> bool:
        return bool(self.exports) and not self.blocking

    @property
    def can_preview(self) -> bool:
        return bool(self.exports) and all(plan.can_preview for plan in self.exports)


def preview_plan(plan: Plan, *, scope_key: str, remote: bool = True, refresh: bool = False) -> PlanPreview:
    """The page's view of ``plan``. ``scope_key`` names the invoices (the cache key of the remote check);
    ``refresh`` asks the targets again instead of reusing a recent answer."""
    exports = []
    for export, invoices in plan.invoices_by_export():
        count = invoices.count()
        if not count:
            continue  # its groups reach none of these invoices (another office's export): it does not run
        already_count, already = exported_before(export, invoices)
        report = check_export(export, invoices, remote=False)
        exports.append(ExportPlan(
            export=export, invoice_count=count, already_count=already_count, already=already,
            local_problems=report.problems,
            remote_problems=target_problems(export, invoices, scope_key=scope_key, refresh=refresh) if remote
            else [],
            budget=_call_budget(export, invoices)))
    return PlanPreview(exports=exports, invoice_count=plan.invoices.count(),
                       unassigned_count=plan.unassigned.count(),
                       unassigned=list(plan.unassigned.values_list("number", flat=True)[:10]))


def exported_before(export: InvoiceExport, invoices: QuerySet) -> tuple[int, list[ExportedBefore]]:
    """How many of ``invoices`` this portal already sent to ``export`` (a real run, not a preview), and the
    first of them with the run that sent each (its latest)."""
    sent = ExportItem.objects.filter(export=export, state=ItemState.SENT, is_preview=False,
                                     invoice__in=invoices.order_by().values("pk"))
    count = sent.order_by().values("invoice_id").distinct().count()
    if not count:
        return 0, []
    rows = (sent.order_by("invoice__number", "-updated_at")
            .values_list("invoice_id", "invoice__number", "run_id", "updated_at")[:ALREADY_EXPORTED_SHOWN * 4])
    latest: dict[int, ExportedBefore] = {}
    for invoice_id, number, run_id, when in rows:
        latest.setdefault(invoice_id, ExportedBefore(invoice_id, number, run_id, when))
    return count, list(latest.values())[:ALREADY_EXPORTED_SHOWN]


def target_problems(export: InvoiceExport, invoices: QuerySet, *, scope_key: str,
                    refresh: bool = False) -> list[Problem]:
    """"No connector", or what the target says when asked quickly (a short timeout, nothing repeated):
    whether it answers, accepts the credentials and holds what these invoices need. Cached briefly per
    export, its configuration and the scope."""
    try:
        connector_class(export.type)
    except (NoConnector, ImportError) as exc:
        return [Problem("no_connector", str(exc) if isinstance(exc, NoConnector) else gettext(
            "No connector is available for the export type %(type)s.") % {"type": export.get_type_display()})]
    key = _cache_key(export, scope_key)
    if not refresh:
        cached = cache.get(key)
        if cached is not None:
            return cached
    with quick_calls(REMOTE_CHECK_TIMEOUT):
        connector = connector_for(export)
        try:
            problems = connector.check_setup(invoices)
        except ExportError as exc:
            problems = [Problem(exc.code, exc.message)]
        finally:
            connector.close()
    cache.set(key, problems, REMOTE_CHECK_SECONDS)
    return problems


def _cache_key(export: InvoiceExport, scope_key: str) -> str:
    stamp = export.updated_at.timestamp() if export.updated_at else 0
    digest = hashlib.sha256(scope_key.encode()).hexdigest()[:24]
    return f"exports:plan-target-check:{export.pk}:{stamp}:{digest}"


def _call_budget(export: InvoiceExport, invoices: QuerySet):
    """The export's estimated calls for its share of the plan (targets with a daily quota declare one)."""
    declared = registry.find(export.type)
    if declared is None or declared.call_estimate is None:
        return None
    return declared.call_budget(export.start_text, invoices.count(),
                                     invoices.values("customer_id").distinct().count())
