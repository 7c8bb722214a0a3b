from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = _("Invoice export")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the period_closed receiver)
