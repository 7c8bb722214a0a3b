"""No page of the portal shows a string of ours untranslated, in Estonian or in Finnish.

How it is checked, and why this way:

1. The catalogues themselves (locale/et, locale/fi): every entry has a msgstr (each plural form), none is
   fuzzy, both languages have the same msgids, and a translation keeps its msgid's placeholders. This is
   what stops a string that makemessages collected but nobody translated.
2. The pages: every admin page (the index, the changelist, add and change page of every registered model,
   the export log's pages, Export invoices, the run page, Check setup, the login page) is rendered in
   English, and the project's msgids found in its visible text (text nodes and shown attributes, compared
   without letter case or a label's colon, a msgid with placeholders as a pattern) are the strings that
   page needs. Each must be translated in the et and fi catalogues. And in the Estonian and Finnish
   renderings, none of them may still appear in English as often as in the English page (a data value
   such as a row named "Default" is counted on both sides, so it does not count as untranslated). This
   second half catches a string translated in the catalogue but rendered in English anyway (evaluated
   at import time, or a label built from something that is not marked).

A string that was never marked for translation has no msgid, so the page check cannot know it; marking
is enforced by review and by test_catalogue_messages below for the catalogues' messages. The failure
message names every missing string, per locale and page, so `make messages` plus translating those is
the whole fix.
"""
import contextlib
import functools
import importlib
import re
from collections import Counter

import pytest
from django.apps import apps
from django.contrib import admin
from django.db.models import CharField, TextField
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from exports.catalogue import ENGINE
from exports.connectors import registry
from exports.services.setup_check import check_export
from tests.admin.conftest import setup_rows  # noqa: F401  (the fixture: one row of every model)
from tests.factories import UserFactory
from tests.i18n.pofile import read_po
from tests.i18n.run_rows import failed_run
from tests.i18n.visible import normalized, visible_texts

LOCALES = ("et", "fi")
PLACEHOLDER = re.compile(r"%\(\w+\)s|%s|%d|\{\{?\w*\}?\}")


@pytest.fixture(scope="module")
def catalogues(compiled_catalogues):
    found = {path.parent.parent.name: {entry.msgid: entry for entry in read_po(path)} for path in compiled_catalogues}
    assert set(LOCALES) <= set(found), f"missing catalogues: {set(LOCALES) - set(found)}"
    return found


def test_catalogues_are_complete_and_not_fuzzy(catalogues):
    problems = []
    for locale in LOCALES:
        for msgid, entry in catalogues[locale].items():
            if entry.untranslated:
                problems.append(f"{locale}: untranslated {msgid!r}")
            if entry.fuzzy:
                problems.append(f"{locale}: fuzzy {msgid!r}")
            for text in entry.msgstr.values():
                if text and sorted(set(PLACEHOLDER.findall(text))) != sorted(set(PLACEHOLDER.findall(msgid))):
                    problems.append(f"{locale}: placeholders of {msgid!r} differ in {text!r}")
    assert sorted(catalogues["et"]) == sorted(catalogues["fi"]), "et and fi must have the same msgids (make messages)"
    assert not problems, "\n".join(problems)


def test_catalogue_messages_are_marked_for_translation(catalogues):
    """Every message of every catalogue (the engine's and each shipped target's) is a msgid, so it is translated."""
    msgids = set(catalogues["et"])
    missing = []
    shipped = [importlib.import_module(package).TARGET.catalogue for package in registry.TARGET_PACKAGES]
    for catalogue in [ENGINE, *shipped]:
        for code, text in catalogue.messages.items():
            source = catalogue.shared.get(code, text)
            if source not in msgids:
                missing.append(f"{catalogue.qualified(code)}: {source!r}")
    assert not missing, "not marked with gettext_noop, or make messages not run:\n" + "\n".join(missing)


def _pattern(msgid: str):
    """A msgid with placeholders as a pattern over a normalized text node (None: it never is one node)."""
    if "<" in msgid or "\n" in msgid:
        return None
    literal = PLACEHOLDER.sub("\0", normalized(msgid))
    if len(re.sub(r"[^a-z]", "", literal)) < 3:
        return None
    return re.compile(".+?".join(re.escape(part) for part in literal.split("\0")))


def _needed_msgids(texts: list[str], msgids) -> set[str]:
    nodes = {normalized(text) for text in texts}
    needed = set()
    for msgid in msgids:
        if PLACEHOLDER.search(msgid):
            pattern = _pattern(msgid)
            if pattern is not None and any(pattern.fullmatch(node) for node in nodes):
                needed.add(msgid)
        elif normalized(msgid) in nodes:
            needed.add(msgid)
    return needed


def admin_pages(rows, run, user) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    pages = [reverse("home"), reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        app_label, model_name = model._meta.app_label, model._meta.model_name
        pages.append(reverse(f"admin:{app_label}_{model_name}_changelist"))
        if model_admin.has_add_permission(request):
            pages.append(reverse(f"admin:{app_label}_{model_name}_add"))
        row = rows.get(f"{app_label}.{model_name}") or model._default_manager.order_by("pk").first()
        if row is not None:
            pages.append(reverse(f"admin:{app_label}_{model_name}_change", args=[row.pk]))
        with contextlib.suppress(NoReverseMatch):
            pages.append(reverse(f"admin:{app_label}_{model_name}_import"))
    pages += [reverse("exports:plan") + f"?period={rows['accounting.invoiceperiod'].pk}",
              reverse("exports:run", args=[run.pk]),
              reverse("exports:check_setup", args=[rows["exports.invoiceexport"].pk])]
    return pages


@pytest.fixture
def pages(setup_rows, roles, monkeypatch):  # noqa: F811
    # Check setup's own checks only: its remote checks would call the target system.
    monkeypatch.setattr("exports.views.check_export", functools.partial(check_export, remote=False))
    user = UserFactory(username="i18n-superuser", is_superuser=True)
    run = failed_run(user, setup_rows["exports.invoiceexport"], setup_rows["accounting.invoice"])
    return user, admin_pages(setup_rows, run, user)


def data_texts() -> set[str]:
    """Every text stored in the test database's rows (names, descriptions ...): a msgid that is also one
    of these ("Default", "Accounts receivable") shows on the pages as data, in every language."""
    texts = set()
    for app_label in ("accounting", "customers", "exports", "auth"):
        for model in apps.get_app_config(app_label).get_models():
            fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, (CharField, TextField))]
            for row in model._default_manager.values_list(*fields):
                texts.update(normalized(str(value)) for value in row if value)
    return texts


def _render(client, url, language):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, (url, language, response.status_code)
    return visible_texts(response.content.decode())


@pytest.mark.django_db
def test_every_page_is_translated_in_estonian_and_finnish(client, pages, catalogues):
    user, urls = pages
    msgids = list(catalogues["et"])
    problems = []
    data = data_texts()
    pages_to_render = [(url, True) for url in urls] + [(f"{reverse('admin:login')}?next={reverse('home')}", False)]
    for url, signed_in in pages_to_render:
        if signed_in:
            client.force_login(user)
        else:
            client.logout()
        english = _render(client, url, "en")
        needed = _needed_msgids(english, msgids)
        english_counts = Counter(normalized(text) for text in english)
        for locale in LOCALES:
            for msgid in sorted(needed):
                entry = catalogues[locale][msgid]
                if entry.untranslated or entry.fuzzy:
                    problems.append(f"{locale} {url}: no translation for {msgid!r}")
            shown = Counter(normalized(text) for text in _render(client, url, locale))
            for msgid in sorted(needed):
                key = normalized(msgid)
                if PLACEHOLDER.search(msgid) or key in data \
                        or normalized(catalogues[locale][msgid].msgstr.get(0, "")) == key:
                    continue
                if shown[key] and shown[key] >= english_counts[key]:
                    problems.append(f"{locale} {url}: {msgid!r} is shown in English")
    assert not problems, f"{len(problems)} untranslated strings:\n" + "\n".join(problems)
