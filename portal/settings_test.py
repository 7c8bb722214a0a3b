"""Settings for the test suite: the same as production settings, with fixed throw-away keys."""
import os

# These keys encrypt nothing but test data. Real keys come from the environment.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault(
    "FIELD_ENCRYPTION_KEYS",
    "dGVzdC1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDA=,dGVzdC1vbmx5LW9sZC1maWVsZC1rZXktMDAwMDAwMDA=",
)

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; tests only
TESTING = True

# A separate worker process started by a test uses the suite's connector for this type (set by that test).
EXPORT_CONNECTOR_OVERRIDES = dict(
    item.split("=", 1) for item in os.environ.get("EXPORT_CONNECTOR_OVERRIDES", "").split(",") if "=" in item)

# Target packages registered by the test suite (its throwaway targets), for the processes a test starts.
EXPORT_EXTRA_TARGETS = [p for p in os.environ.get("EXPORT_EXTRA_TARGETS", "").split(",") if p]

# Tests do not wait for real backoff, nor for the targets' request rates (a test of a rate turns it on).
EXPORT_RETRY_BACKOFF_SECONDS = 0.01
EXPORT_RETRY_BACKOFF_MAX_SECONDS = 0.05
EXPORT_RATE_LIMITS = False

# SQLite: a file (not memory) so a worker process started by a test sees the test database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # One file per test process, so parallel test sessions on one machine never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}  # noqa: F405

# The official Finvoice schema is not part of the project; where the shared copy sits beside the project
# (CI has it), every Finvoice document of the tests is validated against it.
_SHARED_FINVOICE_XSD = BASE_DIR.parent / "shared" / "specs" / "finvoice" / "Finvoice3.0.xsd"  # noqa: F405
if not FINVOICE_XSD and _SHARED_FINVOICE_XSD.is_file():  # noqa: F405
    FINVOICE_XSD = str(_SHARED_FINVOICE_XSD)
