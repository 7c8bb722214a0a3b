"""Services around encrypted fields: finding them, rotating their keys."""
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
