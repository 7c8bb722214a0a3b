"""The language follows the reader: a run's messages in each reader's language, the switcher's choice kept
per user across logins, and an Estonian browser served in Estonian from the login page to the run page."""
import pytest
from django.conf import settings
from django.urls import reverse

from exports.catalogue import ENGINE
from portal.models import UserPreference
from tests import factories
from tests.i18n.run_rows import REFUSAL, failed_run

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture
def run(finance_user):
    export = factories.InvoiceExportFactory()
    invoice = factories.invoice_with_lines(lines=1, period=factories.InvoicePeriodFactory())
    return failed_run(finance_user, export, invoice)


def _page(client, run, **headers):
    response = client.get(reverse("exports:run", args=[run.pk]), **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_the_same_run_page_speaks_english_to_one_user_and_estonian_to_another(client, run, roles):
    failed = run.items.get(state="failed")
    english_reader = factories.UserFactory(username="reader-en", role="Support")
    estonian_reader = factories.UserFactory(username="reader-et", role="Support")
    UserPreference.objects.create(user=estonian_reader, language="et")

    client.force_login(english_reader)
    english = _page(client, run, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(estonian_reader)
    estonian = _page(client, run, HTTP_ACCEPT_LANGUAGE="en")  # the stored choice wins over the browser

    number = failed.invoice.number
    assert f"It was not possible to send invoice {number} to E-Financials. {REFUSAL}." in english
    assert f"Arvet {number} ei õnnestunud E-Financialsisse saata. {REFUSAL}." in estonian
    assert "It was not possible to send invoice" not in estonian
    assert "Export finished: 1 exported, 0 skipped, 1 failed." in english
    assert "Eksport lõppes: 1 eksporditud, 0 vahele jäetud, 1 ebaõnnestunud." in estonian
    assert "Latest log entries" in english and "Viimased logikirjed" in estonian
    # The log keeps the English text, code and parameters it was written with.
    event = run.events.get(code=failed.last_error_code)
    assert event.message == failed.last_error_message and event.params == [str(number), REFUSAL]

    client.force_login(estonian_reader)
    status = client.get(reverse("exports:run_status", args=[run.pk])).json()
    shown = {item["invoice"]: item["message"] for item in status["items"]}
    assert shown[number].startswith(f"Arvet {number} ei õnnestunud") and status["status_label"] == "Lõpetatud"


def test_a_message_the_engine_extended_is_shown_as_stored(run):
    from django.utils import translation

    from exports.services.messages import localized_message

    stored = ENGINE.text("sent", 1, "X") + " And more."
    with translation.override("et"):
        assert localized_message(ENGINE.qualified("sent"), ["1", "X"], stored) == stored
        assert localized_message("nobody.knows", [], "As stored.") == "As stored."
        assert localized_message(ENGINE.qualified("sent"), ["1", "X"], ENGINE.text("sent", 1, "X")) \
            == "Arve 1 saadeti sihtsüsteemi X."


def _login(client, user, **headers):
    response = client.post(reverse("admin:login"), {"username": user.username, "password": PASSWORD,
                                                    "next": reverse("admin:index")}, **headers)
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def test_the_switcher_remembers_the_choice_per_user_across_logins(client, roles):
    chooser = factories.UserFactory(username="chooser", role="Finance")
    other = factories.UserFactory(username="other", role="Finance")
    _login(client, chooser, HTTP_ACCEPT_LANGUAGE="en")
    index = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="language-form"' in index and 'action="/i18n/setlang/"' in index

    response = client.post(reverse("set_language"), {"language": "fi", "next": reverse("admin:index")})
    assert response.status_code == 302
    assert UserPreference.objects.get(user=chooser).language == "fi"
    client.post(reverse("admin:logout"))

    # Another browser (no cookie), an English one: the login gives back the user's own choice.
    elsewhere = client.__class__()
    login = _login(elsewhere, chooser, HTTP_ACCEPT_LANGUAGE="en")
    assert login.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fi"
    index = elsewhere.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Laskujen vientiportaali" in index and "Opterin laskujen viennit" in index
    assert '<option value="fi" lang="fi" selected>' in index

    # The other user, in a fresh browser, still gets what the browser asks for.
    third = client.__class__()
    _login(third, other, HTTP_ACCEPT_LANGUAGE="en")
    assert "Invoice export portal" in third.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert not UserPreference.objects.filter(user=other).exists()


def test_an_unknown_language_is_refused_and_not_stored(client, roles):
    user = factories.UserFactory(username="tinkerer", role="Finance")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "xx", "next": "/admin/"})
    assert not UserPreference.objects.filter(user=user).exists()


def test_an_estonian_browser_sees_estonian_from_the_login_page_to_the_run_page(client, run, finance_user):
    estonian = {"HTTP_ACCEPT_LANGUAGE": "et-EE,et;q=0.9,en;q=0.5"}
    login_page = client.get(reverse("admin:login"), follow=True, **estonian).content.decode()
    assert "Arvete ekspordi portaal" in login_page and "Kasutajatunnus" in login_page and "Sisene" in login_page

    _login(client, finance_user, **estonian)
    index = client.get(reverse("admin:index"), **estonian).content.decode()
    assert "Opteri arvete ekspordid" in index and "Arveperioodid" in index

    periods = client.get(reverse("admin:accounting_invoiceperiod_changelist"), **estonian).content.decode()
    assert "Ekspordi arved" in periods and "Sulge periood" in periods

    plan = client.get(reverse("exports:plan"), {"period": run.period_id}, **estonian).content.decode()
    assert "Ekspordi ja saada" in plan and "Käivituvad ekspordid" in plan and "Export and send" not in plan

    page = _page(client, run, **estonian)
    assert "Ekspordi käivitused" in page and "Tulemus" in page and "Proovi ebaõnnestunuid uuesti" in page
    assert "Saadetud" in page and "Ebaõnnestus" in page and "ei õnnestunud E-Financialsisse saata" in page


def test_a_text_logged_without_parameters_or_extended_by_the_engine_is_translated_in_its_parts(run):
    from django.utils import translation

    from exports.services.messages import localized_text

    catalogue = run.items.first().export.target.catalogue
    code = catalogue.qualified("already_exists")
    stored = catalogue.text("already_exists", 700001) + " " + ENGINE.text("exported_by_run", 4, "2026-12-01 10:00")
    with translation.override("fi"):
        assert localized_text(code, [], stored) == ("Seuraavat laskut 700001 ovat jo kohteessa E-Financials. "
                                                    "Sen vei ajo #4 2026-12-01 10:00.")
        assert localized_text(code, [], stored + " And then") == stored + " And then"  # no text of ours: as stored
