"""The Export invoices page and the run page in headless Chromium at 1400 x 900, as finance and support: a
blocking problem, already exported invoices, the drop-down's plan, a run with a failure and its filter."""
import re
from pathlib import Path

import pytest

from exports.connectors.base import Problem
from exports.models import ItemState
from exports.services.planning import plan_run
from exports.services.runner import execute_run
from tests import factories
from tests.engine.test_browser import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/plan-run-screenshots")
AMBER = "rgb(224, 138, 0)"


@pytest.fixture
def page(browser_page):
    browser_page.set_viewport_size({"width": 1400, "height": 900})
    return browser_page


@pytest.fixture
def people(roles):
    factories.UserFactory(username="finance", role="Finance")
    factories.UserFactory(username="support", role="Support")


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_finance_sees_a_blocking_problem_then_the_plan_of_another_export(live_server, page, setup, fake_target,
                                                                          people):
    fake_target.setup_problems = [Problem("testtarget.not_ready", "The test target is not set up: no journal")]
    other = factories.InvoiceExportFactory(name="Second e-conomic", type="economic", password="s", api_token="t")
    _log_in(page, live_server, "finance")
    page.goto(f"{live_server.url}/exports/plan/?period={setup['period'].pk}")
    assert "The test target is not set up: no journal" in page.inner_text("#setup-problems")
    assert page.is_disabled("#export-and-send") and page.is_disabled("#preview-button")
    assert page.is_hidden("#show-plan")  # the drop-down reloads the plan by itself
    assert fits_the_width(page)
    shot(page, "plan-blocked")

    page.select_option("#id_export", str(other.pk))
    page.wait_for_url(re.compile(rf"export={other.pk}"))
    assert page.locator(f"#plan-export-{other.pk}").count() == 1
    assert page.locator(f"#plan-export-{setup['export'].pk}").count() == 0

    fake_target.setup_problems = []
    page.goto(f"{live_server.url}/exports/plan/?period={setup['period'].pk}&recheck=1")
    assert page.locator("#setup-problems").count() == 0 and page.is_enabled("#export-and-send")


def test_finance_sees_the_already_exported_invoices_with_their_run(live_server, page, setup, fake_target, people):
    first = plan_run(period=setup["period"])
    execute_run(first.pk)
    _log_in(page, live_server, "finance")
    page.goto(f"{live_server.url}/exports/plan/?period={setup['period'].pk}")
    assert page.inner_text("#to-send-count") == "0" and page.inner_text("#already-count") == "3"
    rows = page.locator(f"#already-{setup['export'].pk} tbody tr")
    assert rows.count() == 3
    assert fits_the_width(page)
    shot(page, "plan-already-exported")
    rows.first.locator("a").click()
    page.wait_for_url(re.compile(rf"/exports/runs/{first.pk}/"))
    assert page.inner_text("#status-label") == "Completed"


@pytest.mark.parametrize("role", ["finance", "support"])
def test_a_run_with_a_failure_reads_so_and_its_failed_filter_shows_the_failed_row(live_server, page, setup,
                                                                                  fake_target, people, role):
    fake_target.script.extend(["ok", "invalid", "ok"])
    run = plan_run(period=setup["period"])
    execute_run(run.pk)
    failed = run.items.get(state=ItemState.FAILED)
    _log_in(page, live_server, role)
    page.goto(f"{live_server.url}/exports/runs/{run.pk}/")
    assert page.inner_text("#status-label") == "Completed with 1 failed"
    assert page.eval_on_selector("#progress-bar", "el => getComputedStyle(el).backgroundColor") == AMBER
    assert setup["period"].office.name in page.inner_text("#run-office")
    assert page.locator("#results td.remote-id", has_text="R").count() == 2
    assert fits_the_width(page)
    if role == "finance":
        shot(page, "run-completed-with-failures")
    page.click("#filter-failed")
    page.wait_for_url(re.compile(r"show=failed"))
    page.wait_for_timeout(300)  # the status poll must not add the other rows back
    assert page.locator("#results tbody tr").count() == 1
    assert page.locator(f"#item-{failed.pk}").count() == 1
    assert "VAT rate 24 is not allowed" in page.inner_text(f"#item-{failed.pk}")
    if role == "finance":
        shot(page, "run-failed-filter")
    page.click("#filter-sent")
    page.wait_for_url(re.compile(r"show=sent"))
    page.locator("#results td.payload a").first.click()
    page.wait_for_selector("#item-facts")
    assert "Id in the target system" in page.inner_text("#item-facts")
    if role == "support":
        shot(page, "item-what-was-sent")


def test_finance_sends_from_the_plan_and_watches_the_run_end_amber(live_server, page, setup, fake_target, people,
                                                                   celery_worker_thread):
    fake_target.script.extend(["ok", "invalid", "ok"])
    _log_in(page, live_server, "finance")
    page.goto(f"{live_server.url}/exports/plan/?period={setup['period'].pk}")
    page.click("#export-and-send")
    page.wait_for_selector("#progress-bar")
    page.wait_for_selector(".export-run[data-outcome='completed-with-failures']", timeout=30_000)
    assert page.inner_text("#status-label") == "Completed with 1 failed"
    assert page.eval_on_selector("#progress-bar", "el => getComputedStyle(el).backgroundColor") == AMBER
    assert page.inner_text("#filter-failed .filter-count") == "1"
