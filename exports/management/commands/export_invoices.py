import sys
import time

from django.core.management.base import BaseCommand, CommandError

from accounting.models import Invoice, InvoicePeriod
from exports.models import InvoiceExport, RunStatus
from exports.services.planning import plan_run, resolve_plan
from exports.services.runner import execute_run
from exports.services.setup_check import check_export


class Command(BaseCommand):
    help = ("Export and send invoices (an invoice period or invoice numbers) in this process, with a progress "
            "bar. Exits non-zero when anything failed.")

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--period", type=int, help="ID of the invoice period to export")
        scope.add_argument("--invoice", nargs="+", type=int, metavar="NUMBER", help="invoice number(s)")
        parser.add_argument("--export", metavar="NAME", help="send to this invoice export only")
        parser.add_argument("--preview", action="store_true", help="Preview (don't send): build and check only")

    def handle(self, *args, **options):
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

        scope = invoices if invoices is not None else list(period.invoices.select_related("customer", "office"))
        the_plan = resolve_plan(scope, export)
        if not options["preview"]:
            for exp in the_plan.exports:
                report = check_export(exp, the_plan.invoices, remote=False)
                if report.blocking:
                    for problem in report.blocking:
                        self.stderr.write(f"{exp.name}: {problem.message}")
                    raise CommandError(f"The export {exp.name} cannot start until these problems are fixed.")

        run = plan_run(invoices=invoices, period=period, export=export, preview=options["preview"])
        total = run.to_export
        done = 0
        tty = sys.stdout.isatty()

        def progress(item):
            nonlocal done
            done += 1
            if tty:
                width = 40
                filled = int(width * done / total) if total else width
                self.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
                self.stdout.flush()

        self.stdout.write(f"{total} invoice(s) to export.")
        while True:
            outcome = execute_run(run.pk, progress=progress)
            if not (outcome.confirm_in or outcome.lease_busy_for):
                break
            # Waiting for the target to confirm sends (or for another worker): this process holds nothing.
            time.sleep(outcome.confirm_in or outcome.lease_busy_for)
        if tty:
            self.stdout.write("")
        run.refresh_from_db()
        verb = "previewed" if run.is_preview else "exported"
        self.stdout.write(f"Run #{run.pk}: {run.exported} {verb}, {run.skipped} skipped, {run.failed} failed.")
        for item in run.items.exclude(last_error_message="").select_related("invoice", "export"):
            self.stdout.write(f"  {item.invoice.number} -> {item.export.name}: {item.get_state_display()}: "
                              f"{item.last_error_message}")
        if run.status != RunStatus.COMPLETED:
            raise CommandError(run.failure_message or "The export failed.")
