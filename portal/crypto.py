"""Encryption of vendor secrets at rest with MultiFernet.

Keys come from settings.FIELD_ENCRYPTION_KEYS (never from SECRET_KEY). The first key encrypts; every
key decrypts, which is what makes rotation possible. A value that no key can decrypt raises
SecretDecryptionError: the ciphertext is never handed back as if it were the secret.
"""
import base64
import binascii
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SecretDecryptionError(Exception):
    """Stored ciphertext could not be decrypted with any configured key."""


def _fernet_for(raw_key: str) -> Fernet:
    key = raw_key.strip()
    try:
        return Fernet(key.encode())
    except (ValueError, binascii.Error):
        # Accept any 32-byte base64 value (standard or url-safe alphabet).
        try:
            decoded = base64.b64decode(key + "=" * (-len(key) % 4), altchars=b"-_")
        except binascii.Error as exc:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a value that is not base64.") from exc
        if len(decoded) != 32:
            raise ImproperlyConfigured("Each FIELD_ENCRYPTION_KEYS entry must decode to 32 bytes.") from None
        return Fernet(base64.urlsafe_b64encode(decoded))


@lru_cache(maxsize=8)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is empty: secrets cannot be stored. "
            "Generate a key with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        )
    return MultiFernet([_fernet_for(k) for k in keys])


def current_keys() -> tuple[str, ...]:
    return tuple(k for k in settings.FIELD_ENCRYPTION_KEYS if k.strip())


def encrypt(plaintext: str) -> str:
    return _multi_fernet(current_keys()).encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _multi_fernet(current_keys()).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as exc:
        raise SecretDecryptionError(
            "A stored secret could not be decrypted with FIELD_ENCRYPTION_KEYS. "
            "Was a key removed before running rotate_field_keys?"
        ) from exc


def rotate(token: str) -> str:
    """Re-encrypt a token under the first (newest) key."""
    try:
        return _multi_fernet(current_keys()).rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise SecretDecryptionError("A stored secret could not be decrypted for rotation.") from exc
