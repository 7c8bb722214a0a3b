"""No internal note reaches a user: what the Targets, the message catalogues, the models' help and the
invoice export pages say is free of working notes ("UNCONFIRMED", "our design", "spec section 9", ...).
Such notes belong in code comments and the connectors' READMEs."""
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from exports import catalogue as catalogue_module
from exports.catalogue import Catalogue
from exports.connectors import registry
from exports.connectors.start_text import KeyValueSchema
from tests.factories import InvoiceExportFactory, OfficeFactory

INTERNAL_WORDING = re.compile(
    r"UNCONF|\bTODO\b|\bFIXME\b|\bXXX\b|\bHACK\b|our design|\bspec(?:ification)?\b(?:\s+(?:section|§|\d))?"
    r"|\bseeds?\s*\d|\bthe brief\b|\bguess(?:ed|ing)?\b|\binferred\b|\bREADME\b|\bhelper\b",
    re.IGNORECASE)


def internal_wording(text: str) -> list[str]:
    return [match.group(0) for match in INTERNAL_WORDING.finditer(str(text))]


@pytest.mark.parametrize("text", [
    "UNCONFIRMED: the path is a guess", "Our design of the API", "as spec section 9 says", "see the README",
    "(seed 004)", "TODO: ask Heeros",
])
def test_the_scan_finds_internal_notes(text):
    assert internal_wording(text)


@pytest.mark.parametrize("text", ["The API key password (\"API Key Password\") from the key file of E-Financials.",
                                  "It was not possible to connect to Netvisor. {0}.", "Specify the journal"])
def test_the_scan_leaves_user_wording_alone(text):
    assert internal_wording(text) == []


def target_texts(target) -> list[str]:
    texts = [target.label, target.article, target.display_name]
    for rule in target.rules:
        texts.append(getattr(rule, "meaning", "") or str(getattr(rule, "shown_as", "")))
    texts += list(target.help.values())
    schema = target.start_text
    texts.append(schema.describe())
    if isinstance(schema, KeyValueSchema):
        texts += [parameter.help for parameter in schema.parameters.values()]
    return texts


@pytest.mark.parametrize("export_type", list(registry.targets()))
def test_no_target_says_anything_internal(export_type):
    target = registry.target(export_type)
    found = {text: internal_wording(text) for text in target_texts(target) if internal_wording(text)}
    assert found == {}


def every_catalogue() -> list[Catalogue]:
    catalogues = [target.catalogue for target in registry.targets().values()]
    catalogues += [value for value in vars(catalogue_module).values() if isinstance(value, Catalogue)]
    return catalogues


def test_no_catalogue_message_says_anything_internal():
    found = {f"{catalogue.target}.{code}": text for catalogue in every_catalogue()
             for code, text in catalogue.messages.items() if internal_wording(text)}
    assert found == {}


def test_no_model_help_or_label_says_anything_internal():
    found = {}
    for model in apps.get_models():
        if model._meta.app_label not in ("accounting", "customers", "exports"):
            continue
        for field in model._meta.get_fields():
            for text in (getattr(field, "help_text", ""), getattr(field, "verbose_name", "")):
                if internal_wording(text):
                    found[f"{model._meta.label}.{field.name}"] = str(text)
    assert found == {}


def test_no_translation_catalogue_says_anything_internal():
    found = {}
    for po_file in Path(settings.BASE_DIR).glob("locale/*/LC_MESSAGES/*.po"):
        for number, line in enumerate(po_file.read_text(encoding="utf-8").splitlines(), start=1):
            if line.startswith(("msgid", "msgstr")) and internal_wording(line):
                found[f"{po_file.name}:{number}"] = line
    assert found == {}


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


def test_the_export_pages_say_nothing_internal(as_admin, db):
    """The Add page (with every type's help in its data), each type's Change page and a page with errors."""
    OfficeFactory()
    pages = [as_admin.get(reverse("admin:exports_invoiceexport_add"))]
    for export_type in registry.targets():
        export = InvoiceExportFactory(name=f"Export {export_type}", type=export_type)
        pages.append(as_admin.get(reverse("admin:exports_invoiceexport_change", args=[export.pk])))
    pages.append(as_admin.post(reverse("admin:exports_invoiceexport_add"), {
        "name": "", "type": "xmlserializer", "encoding": "ISO-8859-1", "request_timeout": "30",
        "codes-TOTAL_FORMS": "0", "codes-INITIAL_FORMS": "0"}))
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        assert internal_wording(html) == [], response.request["PATH_INFO"]
