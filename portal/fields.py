"""Model fields for secrets."""
from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """A text field stored as a Fernet token and decrypted on load.

    Empty means "not set" and is stored empty. Lookups on the value are meaningless (every encryption
    of the same text differs), so only isnull/exact-empty checks make sense.
    """

    description = "Text encrypted at rest"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", True)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        if not value:
            return ""
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return ""
        return crypto.encrypt(value)

    def to_python(self, value):
        return "" if value is None else value
