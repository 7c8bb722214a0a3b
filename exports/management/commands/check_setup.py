from django.core.management.base import BaseCommand, CommandError

from exports.models import InvoiceExport
from exports.services.setup_check import check_export


class Command(BaseCommand):
    help = ("Run the setup checks of Opter's articles (accounts, VAT rates, customers, IBAN, OCR type, currency) "
            "and each connector's remote checks. Exits non-zero when a blocking problem stands.")

    def add_arguments(self, parser):
        parser.add_argument("--export", metavar="NAME", help="check only this invoice export")
        parser.add_argument("--local", action="store_true", help="skip the remote checks")

    def handle(self, *args, **options):
        exports = InvoiceExport.objects.filter(is_active=True)
        if options["export"]:
            exports = exports.filter(name=options["export"])
            if not exports.exists():
                raise CommandError(f"There is no active invoice export named {options['export']!r}.")
        blocked = []
        for export in exports:
            report = check_export(export, remote=not options["local"])
            status = "OK" if not report.problems else ("BLOCKED" if report.blocking else "WARNINGS")
            self.stdout.write(f"{export.name} ({export.get_type_display()}): {status}")
            for problem in report.problems:
                self.stdout.write(f"  [{'blocking' if problem.blocking else 'warning'}] {problem.message}")
            if report.blocking:
                blocked.append(export.name)
        if blocked:
            raise CommandError(f"Blocking problems in: {', '.join(blocked)}.")
