"""The partner id and key belong to the portal: settings NETVISOR_PARTNER_ID / NETVISOR_PARTNER_KEY (the
environment, or a _FILE), overridden per export by the File transfer tab's Client identity and Client
key; the key is masked like the export's own secrets."""
import os
import subprocess
import sys

from django.utils.html import escape

from exports.connectors.netvisor.target import DEMO_KEY
from exports.forms import InvoiceExportForm
from tests.netvisor.conftest import PDF


def test_the_portals_partner_signs_when_the_export_has_none(finland, settings):
    settings.NETVISOR_PARTNER_ID, settings.NETVISOR_PARTNER_KEY = DEMO_KEY["partner_id"], DEMO_KEY["partner_key"]
    finland.export.client_identity = finland.export.client_key = ""
    finland.invoice()
    assert finland.connector().check_setup() == []
    # An export's own partner wins over the portal's.
    finland.export.client_key = "another-partners-key"
    (problem,) = finland.connector().check_setup()
    assert problem.code == "netvisor.credentials"


def test_the_partner_key_is_read_from_a_file(tmp_path):
    key_file = tmp_path / "partner-key"
    key_file.write_text("key-from-a-file")
    environment = {**os.environ, "NETVISOR_PARTNER_KEY_FILE": str(key_file), "NETVISOR_PARTNER_ID": "portal-partner",
                   "DJANGO_SETTINGS_MODULE": "portal.settings_test"}
    environment.pop("NETVISOR_PARTNER_KEY", None)
    shown = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; "
                               "print(settings.NETVISOR_PARTNER_ID, settings.NETVISOR_PARTNER_KEY)"],
        env=environment, capture_output=True, text=True, check=True, timeout=60)
    assert shown.stdout.split() == ["portal-partner", "key-from-a-file"]


def test_the_portals_partner_key_is_masked_in_every_excerpt(finland, settings):
    secret = "portal-partner-key-7f3a9"
    settings.NETVISOR_PARTNER_ID, settings.NETVISOR_PARTNER_KEY = DEMO_KEY["partner_id"], secret
    finland.export.client_identity = finland.export.client_key = ""
    from exports.sandbox.netvisor import company

    company.PARTNERS[DEMO_KEY["partner_id"]] = secret
    try:
        finland.customer.name = f"Kuopion Höyläämö Oy {secret}"  # the secret travels in a request body
        finland.customer.save()
        records = []
        connector = finland.connector(recorder=records.append)
        invoice = finland.invoice()
        connector.prepare([invoice])
        connector.send(invoice, connector.build(invoice, PDF))
    finally:
        company.PARTNERS[DEMO_KEY["partner_id"]] = DEMO_KEY["partner_key"]
    assert any("customer.nv" in record.path for record in records)
    assert all(secret not in record.excerpt for record in records)
    assert secret in connector.api.secrets


def test_the_file_transfer_fields_say_they_are_the_partners_for_netvisor(db):
    form = InvoiceExportForm(initial={"type": "netvisor"})
    assert escape(
        "Optional: the software partner id Netvisor issued. Blank = the portal's own partner id, set up on the "
        "server."
    ) in str(form.fields["client_identity"].help_text)
    assert escape(
        "Optional: the software partner key Netvisor issued. Blank = the portal's own partner key, set up on the "
        "server."
    ) in str(form.fields["client_key"].help_text)
