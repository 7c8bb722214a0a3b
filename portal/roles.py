"""Roles as code: the groups Administrator, Finance and Support and exactly the permissions they hold.

Applied after every migrate and by ``manage.py sync_roles``. Idempotent: running it again changes
nothing, and permissions removed from this map are taken away from the groups.
"""
from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction

CONFIG_MODELS = {
    "accounting": ["currency", "exchangerate", "account", "vatrate", "paymentcondition", "office", "region",
                   "economicunit", "accountcodingchart", "terminologytag", "invoice"],
    "customers": ["customer"],
    "exports": ["invoiceexport", "codetranslation", "invoiceexportsetting"],
}
PLAIN_MODELS = {
    "accounting": ["accountcodingchartaccount", "invoiceperiod", "invoiceline", "accountcodingentry"],
    "customers": ["customersalesaccount"],
}
LOG_MODELS = {"exports": ["exportrun", "exportitem", "exportevent"]}


def _perms(models: dict[str, list[str]], actions: tuple[str, ...]) -> set[str]:
    return {f"{app}.{action}_{model}" for app, names in models.items() for model in names for action in actions}


ADMINISTRATOR = (
    _perms(CONFIG_MODELS, ("add", "change", "delete", "view", "import", "export"))
    | _perms(PLAIN_MODELS, ("add", "change", "delete", "view"))
    | _perms(LOG_MODELS, ("view",))
    | {"exports.check_setup", "accounting.close_invoiceperiod",
       "exports.run_export", "exports.retry_export", "exports.cancel_export"}
    # Sign-in lockouts (django-axes): see them, and unlock by deleting the attempts.
    | {"axes.view_accessattempt", "axes.delete_accessattempt", "axes.view_accessfailurelog", "axes.view_accesslog"}
)

FINANCE = (
    _perms({"accounting": ["invoice", "invoiceperiod", "invoiceline", "accountcodingentry", "office",
                           "vatrate", "account", "currency", "paymentcondition"],
            "customers": ["customer"],
            "exports": ["invoiceexport", "invoiceexportsetting"]}, ("view",))
    | {"exports.view_exportrun", "exports.view_exportitem", "exports.run_export", "exports.retry_export",
       "exports.cancel_export", "accounting.close_invoiceperiod"}
)

SUPPORT = (
    _perms(CONFIG_MODELS, ("view", "export"))
    | _perms(PLAIN_MODELS, ("view",))
    | _perms(LOG_MODELS, ("view",))
    | {"exports.check_setup"}
)

ROLES: dict[str, set[str]] = {"Administrator": ADMINISTRATOR, "Finance": FINANCE, "Support": SUPPORT}


def sync_roles() -> dict[str, int]:
    """Create the groups and set their permissions to exactly the map above. Returns counts."""
    counts = {}
    with transaction.atomic():
        for role, codenames in ROLES.items():
            group, _ = Group.objects.get_or_create(name=role)
            wanted = []
            for dotted in sorted(codenames):
                app_label, codename = dotted.split(".", 1)
                try:
                    wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
                except Permission.DoesNotExist as exc:
                    raise LookupError(f"Role {role} names a permission that does not exist: {dotted}") from exc
            group.permissions.set(wanted)
            counts[role] = len(wanted)
    return counts


def sync_roles_after_migrate(sender, app_config=None, using="default", apps=global_apps, **kwargs):
    # post_migrate fires once per app; the permissions of every app exist only after the last one.
    if app_config is None or app_config.name != "portal":
        return
    sync_roles()
