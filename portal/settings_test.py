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
