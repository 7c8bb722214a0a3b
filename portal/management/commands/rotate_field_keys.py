from django.core.management.base import BaseCommand, CommandError

from portal.secrets import rotate_all_secrets


class Command(BaseCommand):
    help = ("Re-encrypt every stored secret with the first key of FIELD_ENCRYPTION_KEYS. Run it after putting "
            "a new key first; then the old keys can be removed.")

    def handle(self, *args, **options):
        try:
            count = rotate_all_secrets()
        except Exception as exc:  # report any failure plainly; nothing was changed (one transaction)
            raise CommandError(f"Rotation failed, nothing was changed: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {count} secret value(s) with the newest key."))
