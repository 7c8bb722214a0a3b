from django.core.management.base import BaseCommand, CommandError

from accounting.demo.users import create_demo_users, demo_users_allowed


class Command(BaseCommand):
    help = ("Create the demo users admin, finance and support (one per role) with fixed demo passwords, "
            "for a development machine. Running it again changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--reset-passwords", action="store_true",
                            help="Set the demo passwords again on users that already exist.")
        parser.add_argument("--force", action="store_true",
                            help="Create the users even though DEBUG is off (never on a shared server).")

    def handle(self, *args, reset_passwords, force, **options):
        if not (demo_users_allowed() or force):
            raise CommandError("Demo users have public passwords and are only created when DEBUG is on. "
                               "Pass --force if this machine is really only yours.")
        for login in create_demo_users(reset_passwords=reset_passwords):
            self.stdout.write(login.line())
