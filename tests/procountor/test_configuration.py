"""Configuration as seed 002 step 2 sets it: only the Password (the m2m API key) on the export; the
integration's client id, secret and redirect URI from the settings, overridable per export, and secret."""
import pytest

from exports.connectors.procountor.settings import Integration
from exports.forms import InvoiceExportForm
from exports.models import ExportEvent, InvoiceExport
from exports.services.planning import plan_run
from exports.services.runner import execute_run
from tests.procountor.conftest import PDF

ARTICLE = {"name": "Procountor (API)", "type": "procountor", "report": "", "encoding": "UTF-8",
           "transfer_method": "", "request_timeout": "30", "is_active": "on", "password": "the-m2m-api-key",
           "include_pdf_copy": "on"}


def test_an_administrator_who_follows_the_article_can_save_the_export(db):
    form = InvoiceExportForm(data=ARTICLE)
    assert form.is_valid(), form.errors
    export = form.save()
    stored = InvoiceExport.objects.get(pk=export.pk)
    assert (stored.password, stored.client_identity, stored.client_key) == ("the-m2m-api-key", "", "")


def test_the_password_is_still_required_in_the_articles_words(db):
    form = InvoiceExportForm(data={**ARTICLE, "password": ""})
    assert not form.is_valid()
    assert "API key created in Procountor" in " ".join(form.errors["password"])


def test_the_help_says_the_integration_is_tested_for_finland_only(db):
    form = InvoiceExportForm(initial={"type": "procountor"})
    assert "tested for the Finnish market only" in str(form.fields["type"].help_text)
    client_identity_help = str(form.fields["client_identity"].help_text)
    assert "another integration registered with Procountor. Blank = the portal" in client_identity_help
    assert "the client secret of that integration" in str(form.fields["client_key"].help_text)


def test_the_integration_comes_from_the_settings_unless_the_export_overrides_it(db, settings):
    settings.PROCOUNTOR_CLIENT_ID, settings.PROCOUNTOR_CLIENT_SECRET = "portal-client", "portal-secret"
    settings.PROCOUNTOR_REDIRECT_URI = "https://portal.example/cb"
    export = InvoiceExport(type="procountor", password="key")
    assert Integration.of(export) == Integration("portal-client", "portal-secret", "https://portal.example/cb")
    export.client_identity, export.client_key = "own-client", "own-secret"
    assert Integration.of(export) == Integration("own-client", "own-secret", "https://portal.example/cb")


def test_the_settings_read_file_variants(monkeypatch, tmp_path):
    import environ

    secret = tmp_path / "secret"
    secret.write_text("from-a-file")
    monkeypatch.setenv("PROCOUNTOR_CLIENT_SECRET_FILE", str(secret))
    assert environ.FileAwareEnv()("PROCOUNTOR_CLIENT_SECRET", default="") == "from-a-file"


def test_the_integrations_secret_never_reaches_the_log(finland, integration, monkeypatch):
    monkeypatch.setattr("exports.pdf.render.render_invoice_pdf", lambda invoice, reduced=False: PDF)
    invoice = finland.invoice()
    run = plan_run(invoices=[invoice], export=finland.export)
    execute_run(run.pk)
    texts = " ".join(f"{e.message} {e.excerpt} {e.params}" for e in ExportEvent.objects.filter(run=run))
    assert "POST /procountor/api/oauth/token" in texts
    for secret in (integration.PROCOUNTOR_CLIENT_SECRET, finland.export.password, integration.PROCOUNTOR_CLIENT_ID):
        assert secret not in texts


@pytest.mark.parametrize("base_url, expected", [
    ("", "https://api.procountor.com/api/"),
    ("https://pts-api.procountor.com", "https://pts-api.procountor.com/api/"),
    ("https://pts-api.procountor.com/v2408/", "https://pts-api.procountor.com/v2408/api/"),
    ("https://api.procountor.com/latest/api", "https://api.procountor.com/latest/api/"),
])
def test_the_base_url_is_the_host_with_or_without_a_version_path(base_url, expected):
    from exports.connectors.procountor.api import api_base

    assert api_base(base_url) == expected
