"""Headless Chromium under the Content Security Policy: the pages load and work without one violation."""
import pytest

from exports.models import ExportRun, RunStatus
from portal.models import ImportJob
from tests import factories
from tests.engine.test_browser import PASSWORD, browser_page, celery_worker_thread  # noqa: F401 (fixtures)

VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " " +
                              (event.sourceFile || "") + ":" + event.lineNumber);
});
"""


def _log_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_pages_run_without_a_csp_violation(live_server, browser_page, celery_worker_thread,  # noqa: F811
                                              setup, fake_target, roles):
    page = browser_page
    page.add_init_script(VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    factories.UserFactory(username="finance", role="Finance")
    admin = factories.UserFactory(username="administrator", role="Administrator")
    period = setup["period"]

    def visit(path, ready):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_selector(ready)
        assert page.evaluate("window.__cspViolations") == [], path

    _log_in(page, live_server, "finance")
    visit("/admin/", "#user-tools")
    visit(f"/admin/accounting/invoiceperiod/{period.pk}/change/", "text=Export invoices")
    page.click("text=Export invoices")
    page.wait_for_selector("#invoice-count")
    page.click("#export-and-send")
    page.wait_for_selector("#progress-bar.status-completed")
    run = ExportRun.objects.get()
    assert run.status == RunStatus.COMPLETED
    # The bar's width is set by run.js (no style attribute): full at the end.
    width = page.eval_on_selector("#progress-bar", "el => el.style.width")
    assert width == "100%"
    assert page.evaluate("window.__cspViolations") == []

    page.context.clear_cookies()
    _log_in(page, live_server, "administrator")
    visit("/admin/accounting/account/import/", "input[type=file]")
    job = ImportJob.objects.create(owner=admin, model="accounting.account", file_format=0,
                                   file_name="accounts.csv", rows_total=3000)
    visit(f"/admin/accounting/account/import/jobs/{job.pk}/", "#import-job-progress")
    page.wait_for_timeout(1500)  # import_job.js polls its status at least once
    visit(f"/admin/exports/invoiceexport/{setup['export'].pk}/change/", "#content-main")
    assert not [text for text in console if "Content Security Policy" in text], console

    # django-import-export's export page has three inline attributes of its own, which the policy blocks;
    # its "Select all" box still works (portal/export_form.js binds it).
    page.goto(f"{live_server.url}/admin/accounting/account/export/")
    page.wait_for_selector("input.select-toggle")
    page.uncheck("input.select-toggle")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    assert fields.count() > 1
    assert not any(fields.nth(n).is_checked() for n in range(fields.count()))
    page.check("input.select-toggle")
    assert all(fields.nth(n).is_checked() for n in range(fields.count()))
    blocked = {entry.split()[0] for entry in page.evaluate("window.__cspViolations")}
    assert blocked <= {"style-src-attr", "script-src-attr"}, blocked
