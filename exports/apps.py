from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = "Invoice export"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the period_closed receiver)
