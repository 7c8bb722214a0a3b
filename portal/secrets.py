"""Services around encrypted fields: finding them, rotating their keys, keeping a typed secret for a form."""
import secrets

from django.apps import apps
from django.db import connection, transaction

from . import crypto
from .fields import EncryptedTextField


def encrypted_fields():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, EncryptedTextField):
                yield model, field


def rotate_all_secrets() -> int:
    """Re-encrypt every non-empty secret under the newest key, all in one transaction.

    Works on the stored tokens directly (the ORM would decrypt them on load), verifying each new
    token decrypts before it is written.
    """
    count = 0
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model, field in encrypted_fields():
            table, column, pk = quote(model._meta.db_table), quote(field.column), quote(model._meta.pk.column)
            cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {column} <> ''")  # noqa: S608 - quoted names
            for row_pk, token in cursor.fetchall():
                rotated = crypto.rotate(token)
                crypto.decrypt(rotated)
                cursor.execute(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", [rotated, row_pk])  # noqa: S608
                count += 1
    return count


class KeptSecrets:
    """Secrets typed into a form that could not be saved yet, kept encrypted in the session until it is.

    A form that fails validation because of another field must not make the user type the password again,
    and must not echo it into the page either. The page carries only a random key naming the form
    (``new_key``); the session holds, under that key, the object the form edits and each typed secret as
    ciphertext (portal.crypto). A key posted for another object finds nothing. Only the newest few forms
    are kept, so abandoned forms do not grow the session.
    """

    SESSION_KEY = "portal.kept_secrets"
    MAX_FORMS = 10

    def __init__(self, session, form_key: str, object_key: str):
        self.session = session
        self.form_key = form_key
        self.object_key = object_key

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(16)

    @staticmethod
    def is_valid_key(value) -> bool:
        return isinstance(value, str) and 16 <= len(value) <= 64 and value.replace("-", "").replace("_", "").isalnum()

    def _forms(self) -> dict:
        return self.session.get(self.SESSION_KEY, {})

    def _entry(self) -> dict:
        entry = self._forms().get(self.form_key)
        if not entry or entry.get("object") != self.object_key:
            return {}
        return entry.get("secrets", {})

    def _store(self, kept: dict) -> None:
        forms = dict(self._forms())
        forms.pop(self.form_key, None)
        if kept:
            forms[self.form_key] = {"object": self.object_key, "secrets": kept}
            while len(forms) > self.MAX_FORMS:
                forms.pop(next(iter(forms)))
        self.session[self.SESSION_KEY] = forms

    def keep(self, field: str, value: str) -> None:
        self._store({**self._entry(), field: crypto.encrypt(value)})

    def get(self, field: str) -> str:
        """The kept value of ``field``, or "" (none kept, or it cannot be decrypted any more)."""
        token = self._entry().get(field)
        if not token:
            return ""
        try:
            return crypto.decrypt(token)
        except crypto.SecretDecryptionError:
            return ""

    def discard(self, field: str) -> None:
        kept = dict(self._entry())
        if kept.pop(field, None) is not None:
            self._store(kept)

    def forget(self) -> None:
        """The form was saved: nothing of it stays in the session."""
        if self.form_key in self._forms():
            self._store({})
