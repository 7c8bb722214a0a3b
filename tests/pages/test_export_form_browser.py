"""The Add invoice export page in headless Chromium at 1400 x 900, as an administrator: the tabs General /
File transfer / Codes, the fields and help following the chosen type without a reload, the tab holding an
error opened first, a typed password kept across the error; and without JavaScript every section shown."""
from pathlib import Path

import pytest
from django.conf import settings

from exports.models import InvoiceExport
from tests import factories
from tests.engine.test_browser import _log_in, browser_page  # noqa: F401 - the shared browser fixture

VIEWPORT = {"width": 1400, "height": 900}
TYPED_PASSWORD = "typed-key-password-2718"


def screenshot(page, name):
    folder = Path(settings.BASE_DIR) / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=True)


def visible(page, selector) -> bool:
    return page.locator(selector).is_visible()


def help_of(page, field) -> str:
    return page.inner_text(f"#id_{field}_helptext")


@pytest.fixture
def admin_page(live_server, browser_page, roles):  # noqa: F811 - pytest injects the imported fixture
    factories.UserFactory(username="admin", role="Administrator")
    factories.OfficeFactory()
    browser_page.set_viewport_size(VIEWPORT)
    _log_in(browser_page, live_server, "admin")
    browser_page.goto(f"{live_server.url}/admin/exports/invoiceexport/add/")
    return browser_page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_tabs_switch_sections_and_the_type_switches_fields_and_help(admin_page):
    page = admin_page
    tabs = page.locator("[role=tab]")
    assert tabs.all_inner_texts() == ["General", "File transfer", "Codes"]
    assert page.get_attribute("#export-tab-general", "aria-selected") == "true"
    assert visible(page, "#id_name") and not visible(page, "#id_base_url")
    assert not visible(page, "#fieldset-0-0-heading")  # the tab names the section

    # Before a type is chosen only the fields every type has are shown.
    assert not visible(page, "#id_user_id") and not visible(page, "#id_customer_code")

    page.select_option("#id_type", "netvisor")
    assert visible(page, "#id_user_id") and visible(page, "#id_office_code")
    assert not visible(page, "#id_customer_code") and not visible(page, "#id_api_token")
    assert "Finnish business ID" in help_of(page, "office_code")
    assert "Open or unsent" in help_of(page, "start_text")

    page.select_option("#id_type", "xmlserializer")
    assert visible(page, "#id_customer_code") and not visible(page, "#id_user_id")
    office_code_help = help_of(page, "office_code")
    assert "tt_id" in office_code_help and "business ID" not in office_code_help
    assert "MoveOnlyToLedger" in help_of(page, "start_text") and "Open or unsent" not in help_of(page, "start_text")
    screenshot(page, "export-form-heeros-general.png")

    page.click("#export-tab-file-transfer")
    assert page.get_attribute("#export-tab-file-transfer", "aria-selected") == "true"
    assert visible(page, "#id_transfer_method") and visible(page, "#id_client_key")
    assert "Heeros password" in help_of(page, "client_key")
    assert not visible(page, "#id_name")
    page.click("#export-tab-general")
    page.select_option("#id_type", "netvisor")
    page.click("#export-tab-file-transfer")
    assert not visible(page, "#id_transfer_method")
    assert "software partner key" in help_of(page, "client_key")

    page.click("#export-tab-codes")
    assert visible(page, "#codes-group") and not visible(page, "#id_base_url")
    # The page fits the window: no horizontal scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_tab_with_an_error_opens_first_and_the_typed_password_is_kept(admin_page):
    page = admin_page
    page.select_option("#id_type", "efinancials")
    page.fill("#id_name", "E-Financials (API)")
    page.fill("#id_password", TYPED_PASSWORD)
    page.click("#export-tab-file-transfer")
    page.fill("#id_client_key", "typed-public-key")
    # Client identity (the API Key Id) is left empty.
    page.click("input[name=_save]")
    page.wait_for_selector(".errornote")

    assert page.get_attribute("#export-tab-file-transfer", "aria-selected") == "true"
    assert "has-errors" in page.get_attribute("#export-tab-file-transfer", "class")
    assert "has-errors" not in page.get_attribute("#export-tab-general", "class")
    assert visible(page, "#id_client_identity")
    assert "API Key Id" in page.inner_text(".field-client_identity .errorlist")
    assert TYPED_PASSWORD not in page.content()
    screenshot(page, "export-form-error-tab.png")

    page.click("#export-tab-general")
    assert "The password you typed is kept" in page.inner_text(".field-password")
    page.click("#export-tab-file-transfer")
    page.fill("#id_client_identity", "key-id")
    page.click("input[name=_save]")
    page.wait_for_selector("#result_list")
    export = InvoiceExport.objects.get(name="E-Financials (API)")
    assert (export.password, export.client_key, export.client_identity) == (TYPED_PASSWORD, "typed-public-key",
                                                                           "key-id")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_javascript_every_section_is_shown_under_its_heading(live_server, browser_page, roles):  # noqa: F811
    factories.UserFactory(username="admin", role="Administrator")
    export = factories.InvoiceExportFactory(name="Netvisor", type="netvisor", user_id="api-user",
                                            office_code="2077474-0")
    context = browser_page.context.browser.new_context(java_script_enabled=False, viewport=VIEWPORT)
    page = context.new_page()
    _log_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/admin/exports/invoiceexport/{export.pk}/change/")
    assert not visible(page, "[role=tablist]")
    for heading in ("General", "File transfer"):
        assert page.locator("h2.fieldset-heading", has_text=heading).is_visible()
    assert visible(page, "#codes-group")
    assert visible(page, "#id_user_id") and visible(page, "#id_client_key")
    assert not visible(page, "#id_customer_code") and not visible(page, "#id_transfer_method")
    assert "Finnish business ID" in help_of(page, "office_code")
    context.close()
