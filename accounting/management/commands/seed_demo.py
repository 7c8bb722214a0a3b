from django.core.management.base import BaseCommand, CommandError

from accounting.demo.seed import DemoDataExists, database_is_empty, seed_demo
from accounting.demo.users import demo_users_allowed


class Command(BaseCommand):
    help = ("Fill an empty database with demo offices, customers, invoice exports pointing at the sandbox, "
            "open invoice periods and demo users.")

    def add_arguments(self, parser):
        parser.add_argument("--invoices", type=int, default=50, metavar="N",
                            help="Number of invoices in the Estonian (TLN) period (default 50).")
        parser.add_argument("--port", type=int, default=8000,
                            help="The port the portal is served on, for the login hints (default 8000).")
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when the database already holds an office.")

    def handle(self, *args, invoices, if_empty, port=8000, **options):
        if invoices < 0:
            raise CommandError("--invoices cannot be negative.")
        if if_empty and not database_is_empty():
            self.stdout.write("The database already holds offices; no demo data was added.")
            return
        with_users = demo_users_allowed()
        try:
            summary = seed_demo(invoices=invoices, users=with_users)
        except DemoDataExists as exc:
            raise CommandError(f"{exc} Use --if-empty to skip quietly, or start from an empty database.") \
                from None

        per_office = ", ".join(f"{code} {count}" for code, count in summary.invoices.items())
        self.stdout.write(
            f"Created {summary.customers} customers, {summary.exports} invoice exports and "
            f"{summary.total_invoices} invoices ({per_office}) with {summary.lines} lines "
            f"in {summary.seconds:.1f} s.")
        for login in summary.logins:
            self.stdout.write(login.line(f"http://127.0.0.1:{port}"))
        if not with_users:
            self.stdout.write("Demo users were not created: their passwords are public, so they are only "
                              "made when DEBUG is on (run create_demo_users on a development machine).")
