"""System checks that refuse dangerous production settings."""
from urllib.parse import urlparse

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", "testserver"}


def _is_testing() -> bool:
    return bool(getattr(settings, "TESTING", False))


@register(Tags.security, deploy=False)
def check_encryption_keys(app_configs, **kwargs):
    keys = [k for k in getattr(settings, "FIELD_ENCRYPTION_KEYS", []) if k.strip()]
    if keys:
        return []
    message = "FIELD_ENCRYPTION_KEYS is empty: vendor passwords and API keys cannot be stored."
    hint = "Set FIELD_ENCRYPTION_KEYS to one or more Fernet keys (comma separated, newest first)."
    if settings.DEBUG:
        return [Warning(message, hint=hint, id="portal.W001")]
    return [Error(message, hint=hint, id="portal.E001")]


@register(Tags.security)
def check_debug_with_public_host(app_configs, **kwargs):
    if not settings.DEBUG:
        return []
    public = [h for h in settings.ALLOWED_HOSTS if h not in LOCAL_HOSTS]
    if public:
        return [
            Error(
                f"DEBUG is on while ALLOWED_HOSTS admits public hosts: {', '.join(public)}.",
                hint="Turn DEBUG off, or limit ALLOWED_HOSTS to localhost.",
                id="portal.E002",
            )
        ]
    return []


@register()
def check_celery_eager(app_configs, **kwargs):
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) and not _is_testing():
        return [
            Error(
                "CELERY_TASK_ALWAYS_EAGER is on outside the test suite: exports would run inside web requests.",
                hint="Unset CELERY_TASK_ALWAYS_EAGER and run a Celery worker.",
                id="portal.E003",
            )
        ]
    return []


KNOWN_CELERY_SETTINGS = {
    "CELERY_BROKER_URL", "CELERY_BROKER_TRANSPORT_OPTIONS", "CELERY_TASK_ALWAYS_EAGER",
    "CELERY_TASK_EAGER_PROPAGATES", "CELERY_TASK_SERIALIZER", "CELERY_ACCEPT_CONTENT",
    "CELERY_RESULT_BACKEND", "CELERY_TASK_IGNORE_RESULT", "CELERY_TASK_ACKS_LATE",
    "CELERY_TASK_REJECT_ON_WORKER_LOST", "CELERY_WORKER_PREFETCH_MULTIPLIER", "CELERY_TASK_TIME_LIMIT",
    "CELERY_TASK_SOFT_TIME_LIMIT", "CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP", "CELERY_WORKER_HIJACK_ROOT_LOGGER",
    "CELERY_BEAT_SCHEDULE", "CELERY_TASK_DEFAULT_QUEUE",
}


@register()
def check_celery_setting_names(app_configs, **kwargs):
    """A misspelt CELERY_ setting is silently ignored by Celery; refuse it instead."""
    unknown = sorted(name for name in dir(settings) if name.startswith("CELERY_") and name not in KNOWN_CELERY_SETTINGS)
    return [
        Error(f"Unknown Celery setting {name}.", hint="Check the spelling against Celery's settings.", id="portal.E004")
        for name in unknown
    ]


@register(Tags.security)
def check_broker_is_shared_in_production(app_configs, **kwargs):
    broker = urlparse(settings.CELERY_BROKER_URL).scheme
    if not settings.DEBUG and broker == "filesystem" and not _is_testing():
        return [
            Warning(
                "The Celery broker is the local filesystem: workers on other machines cannot see its tasks.",
                hint="Point CELERY_BROKER_URL at Redis or RabbitMQ in production.",
                id="portal.W002",
            )
        ]
    return []
