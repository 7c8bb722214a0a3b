"""Each role in headless Chromium at 1400 x 900: the home page, the invoices list's export-status filter,
and the main lists and pages fitting the window without scrolling sideways."""
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories as f
from tests.engine.test_browser import _log_in, browser_page  # noqa: F401  (the shared browser fixture)

WIDTH, HEIGHT = 1400, 900
# Widths measured: the page, and every table that scrolls inside its own box (the admin's lists do).
WIDTHS = """() => ({page: document.documentElement.scrollWidth,
  boxes: [...document.querySelectorAll('.results, .tabular, .portal-home table')]
           .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.className || e.tagName)})"""


@pytest.fixture
def page(browser_page):  # noqa: F811
    browser_page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    return browser_page


def assert_fits(page, url):
    page.goto(url)
    measured = page.evaluate(WIDTHS)
    assert measured["page"] <= WIDTH and measured["boxes"] == [], (url, measured)


def screenshot(page, name):
    folder = Path(settings.BASE_DIR) / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=True)


@pytest.fixture
def people(roles):
    return {role: f.UserFactory(username=role.lower(), role=role) for role in ("Administrator", "Finance", "Support")}


@pytest.fixture
def long_invoice(standings):
    """An invoice of many long lines: the page whose lines table once grew to 3380 px."""
    invoice = f.invoice_with_lines(lines=12, period=standings["period"])
    invoice.lines.update(item_name="Freight Tallinn - Helsinki incl. ferry and waiting time",
                         sender_reference="Laadung 17/2026 kaubaväravas 4", receiver_reference="Kaubavastuvõtt B")
    return invoice


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_finance_lands_on_home_and_filters_the_failed_invoices(live_server, page, standings, people, long_invoice):
    _log_in(page, live_server, "finance")
    assert page.url == f"{live_server.url}/"
    period_row = page.locator(f"#period-{standings['period'].pk}")
    assert "2026-11" in period_row.inner_text() and "Tallinna Veod OÜ" in period_row.inner_text()
    assert period_row.locator(".count-failed").inner_text() == "2"
    assert period_row.locator(".plan-link").count() == 1
    assert page.locator("#needs-attention tbody tr").count() == 3
    screenshot(page, "home-finance.png")

    period_row.locator(".count-failed a").click()
    page.wait_for_selector("#result_list")
    shown = set(page.locator("#result_list tbody th.field-number a").all_inner_texts())
    failed = {str(standings["invoices"][name].number) for name in ("failed", "split")}
    assert shown == failed
    assert "Failed: Netvisor (API)" in page.inner_text("#result_list")

    # The filter's own choices: every invoice E-Financials has.
    page.goto(f"{live_server.url}{reverse('admin:accounting_invoice_changelist')}")
    page.click("#changelist-filter >> text=Exported to E-Financials (API)")
    page.wait_for_selector("#result_list")
    assert page.locator("#result_list tbody tr").count() == 3

    for url in (reverse("admin:accounting_invoice_changelist"),
                reverse("admin:accounting_invoice_change", args=[long_invoice.pk]),
                reverse("admin:accounting_invoiceperiod_changelist"),
                reverse("admin:exports_exportrun_changelist"), reverse("admin:exports_exportitem_changelist"), "/"):
        assert_fits(page, f"{live_server.url}{url}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_support_reads_home_and_the_log_within_the_window(live_server, page, standings, people):
    from exports.models import ExportEvent

    run = standings["runs"][0]
    for number in range(30):
        ExportEvent.objects.create(
            run=run, code="http.call", message=f"GET /heeros/api/v1/offices/02002/customers/{number:032d}"
                                                f"-f042-4d0b-98d3-afebddecdf0d -> 200 after a long wait {number}")
    _log_in(page, live_server, "support")
    assert page.locator("#open-periods").count() == 1 and page.locator(".plan-link").count() == 0
    assert page.locator("#setup-problems").count() == 0
    for url in (reverse("admin:exports_exportevent_changelist"), reverse("admin:exports_exportitem_changelist"),
                reverse("admin:exports_exportrun_changelist"), reverse("admin:accounting_invoice_changelist")):
        assert_fits(page, f"{live_server.url}{url}")
    page.goto(f"{live_server.url}{reverse('admin:exports_exportevent_changelist')}")
    newest = page.locator("#result_list tbody tr").first
    assert newest.locator("td.field-shown_message").inner_text().endswith("wait 29")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_administrators_see_the_setup_problems_and_a_refusal_has_a_way_back(live_server, page, standings, people):
    _log_in(page, live_server, "administrator")
    assert page.locator(f"#setup-{standings['netvisor'].pk} li.blocking").count() >= 1
    assert page.locator(f"#setup-{standings['efinancials'].pk}").count() == 1
    assert_fits(page, f"{live_server.url}/")
    screenshot(page, "home-administrator.png")

    page.context.clear_cookies()
    _log_in(page, live_server, "finance")
    response = page.goto(f"{live_server.url}{reverse('admin:exports_invoiceexport_add')}")
    assert response.status == 403
    page.click("#error-home")
    page.wait_for_selector("#open-periods")
