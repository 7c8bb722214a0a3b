import signal
import sys
import threading

from django.core.management.base import BaseCommand, CommandError

from accounting.models import Invoice, InvoicePeriod
from exports.models import ExportRun, InvoiceExport, RunStatus
from exports.services.planning import plan_run, resolve_plan
from exports.services.runner import execute_run
from exports.services.setup_check import check_export


class Command(BaseCommand):
    help = ("Export and send invoices (an invoice period or invoice numbers) in this process, with a progress "
            "bar. Exits non-zero when anything failed. SIGTERM or Ctrl+C stops after the calls in flight; "
            "--resume RUN goes on.")

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--period", type=int, help="ID of the invoice period to export")
        scope.add_argument("--invoice", nargs="+", type=int, metavar="NUMBER", help="invoice number(s)")
        scope.add_argument("--resume", type=int, metavar="RUN", help="go on with a stopped or stalled run")
        parser.add_argument("--export", metavar="NAME", help="send to this invoice export only")
        parser.add_argument("--preview", action="store_true", help="Preview (don't send): build and check only")

    def handle(self, *args, **options):
        if options["resume"]:
            run = ExportRun.objects.filter(pk=options["resume"]).first()
            if run is None:
                raise CommandError(f"There is no export run #{options['resume']}.")
            if not (run.status == RunStatus.STOPPED or run.is_stalled):
                raise CommandError(f"Run #{run.pk} is {run.get_status_display().lower()}: there is nothing to resume.")
            ExportRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED, note="")
        else:
            run = self.plan(options)
        return self.send(run)

    def plan(self, options) -> ExportRun:
        period = invoices = export = None
        if options["period"]:
            period = InvoicePeriod.objects.filter(pk=options["period"]).first()
            if period is None:
                raise CommandError(f"There is no invoice period with ID {options['period']}.")
        else:
            numbers = options["invoice"]
            invoices = list(Invoice.objects.filter(number__in=numbers))
            missing = sorted(set(numbers) - {i.number for i in invoices})
            if missing:
                raise CommandError(f"No invoice with number {', '.join(map(str, missing))}.")
        if options["export"]:
            export = InvoiceExport.objects.filter(name=options["export"]).first()
            if export is None:
                names = ", ".join(InvoiceExport.objects.values_list("name", flat=True))
                raise CommandError(f"There is no invoice export named {options['export']!r}. Known: {names}.")
        scope = invoices if invoices is not None else period.invoices.all()
        the_plan = resolve_plan(scope, export)
        if not options["preview"]:
            for exp, exp_invoices in the_plan.invoices_by_export():
                report = check_export(exp, exp_invoices, remote=False)
                if report.blocking:
                    for problem in report.blocking:
                        self.stderr.write(f"{exp.name}: {problem.message}")
                    raise CommandError(f"The export {exp.name} cannot start until these problems are fixed.")
        return plan_run(invoices=invoices, period=period, export=export, preview=options["preview"])

    def send(self, run: ExportRun):
        total = run.to_export
        done = run.done
        tty = sys.stdout.isatty()
        stop = threading.Event()

        def progress(item):
            nonlocal done
            done += 1
            if tty:
                width = 40
                filled = int(width * done / total) if total else width
                self.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
                self.stdout.flush()

        def stop_after_the_calls_in_flight(signum, frame):
            self.stderr.write(f"\nStopping after the calls in flight ({signal.Signals(signum).name})...")
            stop.set()

        previous = {sig: signal.signal(sig, stop_after_the_calls_in_flight) for sig in (signal.SIGTERM, signal.SIGINT)}
        self.stdout.write(f"{total} invoice(s) to export.")
        try:
            while not stop.is_set():
                outcome = execute_run(run.pk, progress=progress, stop=stop)
                wait = outcome.confirm_in or outcome.lease_busy_for
                if not wait:
                    break
                # Waiting for the target to confirm sends (or for another run's export): holding nothing.
                stop.wait(wait)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if tty:
            self.stdout.write("")
        run.refresh_from_db()
        if stop.is_set() and not run.is_finished:
            if run.status != RunStatus.STOPPED:
                ExportRun.objects.filter(pk=run.pk, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).update(
                    status=RunStatus.STOPPED)
            self.stdout.write(f"Run #{run.pk} stopped: {run.exported} exported so far. Resume it with: "
                              f"python manage.py export_invoices --resume {run.pk}")
            raise CommandError("The export was stopped before it finished.")
        verb = "previewed" if run.is_preview else "exported"
        count = run.previewed if run.is_preview else run.exported
        self.stdout.write(f"Run #{run.pk}: {count} {verb}, {run.skipped} skipped, {run.failed} failed.")
        for item in run.items.exclude(last_error_message="").select_related("invoice", "export")[:200]:
            self.stdout.write(f"  {item.invoice.number} -> {item.export.name}: {item.get_state_display()}: "
                              f"{item.last_error_message}")
        if run.status != RunStatus.COMPLETED:
            raise CommandError(run.failure_message or "The export failed.")
        return None
