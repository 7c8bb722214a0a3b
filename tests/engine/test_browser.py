"""Finance exports a period in headless Chromium and watches the bar reach 100 % and turn green;
support then finds the run's entries in the log."""
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from exports.models import ExportRun, RunStatus
from tests import factories

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def browser_page():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it): the browser test needs it.")
    playwright_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
    # itself are synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page()
        page.set_default_timeout(30_000)
        yield page
        browser.close()


@pytest.fixture
def celery_worker_thread():
    """A real Celery worker in a thread of this process, on an in-memory broker."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connections

    from portal.celery import app

    def close_worker_connections(**kwargs):
        # The worker thread's own database connection, so the test database can be dropped afterwards.
        connections.close_all()

    task_postrun.connect(close_worker_connections, weak=False)

    previous = app.conf.broker_url
    app.conf.broker_url = "memory://"
    app.conf.broker_transport_options = {}
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        task_postrun.disconnect(close_worker_connections)
        app.conf.broker_url = previous


def _log_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_finance_exports_the_period_and_sees_the_bar_turn_green(
        live_server, browser_page, celery_worker_thread, setup, fake_target, roles):
    period = setup["period"]
    for _ in range(9):
        factories.invoice_with_lines(lines=2, period=period)
    fake_target.latency = 0.6  # four at a time (the policy): about two seconds in all
    factories.UserFactory(username="finance", role="Finance")
    factories.UserFactory(username="support", role="Support")
    page = browser_page

    _log_in(page, live_server, "finance")
    page.goto(f"{live_server.url}/admin/accounting/invoiceperiod/{period.pk}/change/")
    page.click("text=Export invoices")
    page.wait_for_selector("#invoice-count")
    assert page.inner_text("#invoice-count") == "12"
    page.click("#export-and-send")
    page.wait_for_selector("#progress-bar")

    seen = set()
    for _ in range(200):
        seen.add(int(page.get_attribute("#progress", "aria-valuenow")))
        if page.get_attribute("#progress", "data-status") in ("completed", "failed"):
            break
        page.wait_for_timeout(150)
    page.wait_for_selector("#progress-bar.status-completed")
    assert page.get_attribute("#progress", "aria-valuenow") == "100"
    assert any(0 < value < 100 for value in seen), f"the bar never showed progress in between: {sorted(seen)}"
    color = page.eval_on_selector("#progress-bar", "el => getComputedStyle(el).backgroundColor")
    assert color == "rgb(46, 157, 70)"  # green
    assert page.inner_text("#count-exported") == "12"
    assert page.locator("#results tbody tr").count() == 12
    screenshots = Path(settings.BASE_DIR) / "var" / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshots / "run-completed.png"), full_page=True)
    run = ExportRun.objects.get()
    assert run.status == RunStatus.COMPLETED and len(fake_target.invoices) == 12

    page.context.clear_cookies()
    _log_in(page, live_server, "support")
    page.goto(f"{live_server.url}/admin/exports/exportevent/?code=engine.sent")
    assert page.locator("#result_list tbody tr").count() == 12
    page.fill("#searchbar", str(setup["invoices"][0].number))
    page.press("#searchbar", "Enter")
    page.wait_for_selector("#result_list")
    assert str(setup["invoices"][0].number) in page.inner_text("#result_list")
