"""Encrypted secrets: round trip, nothing readable at rest, loud failure on a wrong key, key rotation."""
import io

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from exports.models import InvoiceExport
from portal import crypto
from portal.crypto import SecretDecryptionError
from tests.factories import InvoiceExportFactory

PASSWORD = "API-Key-Password-äõ-€"


def raw_column(export, column="password"):
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(column)} FROM {quote(InvoiceExport._meta.db_table)} WHERE id = %s",
                       [export.pk])
        return cursor.fetchone()[0]


@pytest.fixture
def export(db):
    export = InvoiceExportFactory(name="E-Financials (API)")
    export.set_secret("password", PASSWORD)
    export.save()
    return export


def test_a_secret_round_trips(export):
    assert InvoiceExport.objects.get(pk=export.pk).password == PASSWORD


def test_no_plaintext_in_the_database(export):
    stored = raw_column(export)
    assert stored
    assert PASSWORD not in stored
    assert "API-Key" not in stored
    assert crypto.decrypt(stored) == PASSWORD
    assert export.client_key == "public-api-key"
    assert "public-api-key" not in raw_column(export, "client_key")


def test_each_encryption_of_the_same_secret_differs(export):
    other = InvoiceExportFactory(name="Second", password=PASSWORD)
    assert raw_column(export) != raw_column(other)


def test_an_empty_secret_is_stored_empty(db):
    export = InvoiceExportFactory(name="Empty", password="")
    assert raw_column(export) == ""
    assert InvoiceExport.objects.get(pk=export.pk).password == ""


def test_a_wrong_key_fails_loudly_and_never_returns_the_ciphertext(export):
    stored = raw_column(export)
    with override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        with pytest.raises(SecretDecryptionError, match="could not be decrypted"):
            InvoiceExport.objects.get(pk=export.pk)
        with pytest.raises(SecretDecryptionError):
            list(InvoiceExport.objects.filter(pk=export.pk).values_list("password", flat=True))
        with pytest.raises(SecretDecryptionError) as excinfo:
            crypto.decrypt(stored)
        assert stored not in str(excinfo.value)


def test_no_keys_at_all_is_a_configuration_error(db):
    from django.core.exceptions import ImproperlyConfigured

    with override_settings(FIELD_ENCRYPTION_KEYS=[]), pytest.raises(ImproperlyConfigured):
        InvoiceExportFactory(name="No keys", password="x")


def test_key_rotation(export):
    current_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    before = raw_column(export)

    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, current_key]):
        output = io.StringIO()
        call_command("rotate_field_keys", stdout=output)
        assert "Re-encrypted 2 secret value(s)" in output.getvalue()
        rotated = raw_column(export)
        assert rotated != before
        assert InvoiceExport.objects.get(pk=export.pk).password == PASSWORD

    with override_settings(FIELD_ENCRYPTION_KEYS=[current_key]), pytest.raises(SecretDecryptionError):
        InvoiceExport.objects.get(pk=export.pk)
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key]):
        assert InvoiceExport.objects.get(pk=export.pk).password == PASSWORD


def test_rotation_with_a_key_missing_changes_nothing(export):
    before = raw_column(export)
    with (override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]),
          pytest.raises(CommandError, match="nothing was changed")):
        call_command("rotate_field_keys")
    assert raw_column(export) == before
