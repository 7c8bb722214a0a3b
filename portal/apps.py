from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .middleware import apply_language_at_login
        from .roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="portal.sync_roles")
        user_logged_in.connect(apply_language_at_login, dispatch_uid="portal.apply_language_at_login")
