"""The Export invoices page (plan), the run page with its outcome, filters and payload summaries, the runs
list, the close message, the demo's ports and transport messages in plain words."""
import re
import socket
from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse

from accounting.demo.users import create_demo_users
from accounting.models import VatRate
from exports.connectors import registry
from exports.connectors.base import Problem
from exports.connectors.efinancials.messages import CATALOGUE as EFINANCIALS
from exports.connectors.errors import ExportError
from exports.connectors.http import HttpClient
from exports.models import ExportEvent, ExportItem, ExportRun, InvoiceExport, ItemState, RunStatus
from exports.services import plan_preview
from exports.services.planning import plan_run
from exports.services.runner import execute_run
from tests import factories

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def plan_page(client, **query):
    response = client.get(reverse("exports:plan"), query)
    assert response.status_code == 200
    return response.content.decode()


def button(page, element_id):
    return re.search(rf'<input[^>]*id="{element_id}"[^>]*>', page, re.S).group(0)


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr("exports.tasks.run_export.delay", lambda run_id: calls.append(run_id))
    return calls


# -- the plan page ---------------------------------------------------------------------------------------

def test_the_drop_down_offers_the_exports_of_the_periods_office_and_those_of_no_office(
        client, finance_user, setup, fake_target):
    period = setup["period"]
    own = factories.InvoiceExportFactory(name="Own office", type="economic", office=period.office)
    other = factories.InvoiceExportFactory(name="Other office", type="economic",
                                         office=factories.OfficeFactory(code="HEL", name="Helsingin Kuljetus Oy"))
    client.force_login(finance_user)
    page = plan_page(client, period=period.pk)
    select = re.search(r'<select name="export".*?</select>', page, re.S).group(0)
    assert own.name in select and setup["export"].name in select
    assert other.name not in select
    # An export of another office is refused even when asked for by hand.
    page = plan_page(client, period=period.pk, export=other.pk)
    assert "Select a valid choice" in page


def test_choosing_an_export_shows_its_plan(client, finance_user, setup, fake_target):
    chosen = factories.InvoiceExportFactory(name="Chosen e-conomic", type="economic", password="s", api_token="t")
    client.force_login(finance_user)
    page = plan_page(client, period=setup["period"].pk)
    assert f'id="plan-export-{setup["export"].pk}"' in page and f'id="plan-export-{chosen.pk}"' not in page
    page = plan_page(client, period=setup["period"].pk, export=chosen.pk)
    assert f'id="plan-export-{chosen.pk}"' in page and f'id="plan-export-{setup["export"].pk}"' not in page
    # The POST form sends what the page shows: the chosen export goes with it.
    assert f'<input type="hidden" name="export" value="{chosen.pk}">' in page


def test_already_exported_invoices_are_counted_named_and_linked_to_their_run(client, finance_user, setup,
                                                                             fake_target):
    first = plan_run(period=setup["period"], user=finance_user)
    execute_run(first.pk)
    client.force_login(finance_user)
    page = plan_page(client, period=setup["period"].pk)
    assert 'id="invoice-count">3<' in page
    assert 'id="to-send-count">0<' in page and 'id="already-count">3<' in page
    table = re.search(r'<table class="already-exported".*?</table>', page, re.S).group(0)
    for invoice in setup["invoices"]:
        assert str(invoice.number) in table
    assert reverse("exports:run", args=[first.pk]) in table
    # A preview run exports nothing: it does not count.
    preview = plan_run(period=setup["period"], user=finance_user, preview=True)
    execute_run(preview.pk)
    assert 'id="already-count">3<' in plan_page(client, period=setup["period"].pk)


def test_a_type_without_a_connector_blocks_sending_and_preview(client, finance_user, setup, monkeypatch, enqueued):
    real = registry.connector_class

    def without_economic(export_type):
        if export_type == "economic":
            raise registry.NoConnector("No connector is available for the export type Visma e-conomic yet.")
        return real(export_type)

    monkeypatch.setattr(registry, "connector_class", without_economic)
    monkeypatch.setattr(plan_preview, "connector_class", without_economic)
    client.force_login(finance_user)
    page = plan_page(client, period=setup["period"].pk)
    problems = re.search(r'id="setup-problems">.*?</ul>', page, re.S).group(0)
    assert "No connector is available for the export type Visma e-conomic yet." in problems
    assert "disabled" in button(page, "export-and-send") and "disabled" in button(page, "preview-button")
    response = client.post(reverse("exports:plan"), {"period": setup["period"].pk, "send": "1"})
    assert response.status_code == 200 and not ExportRun.objects.exists() and enqueued == []


def test_an_unreachable_target_blocks_sending_in_plain_words_and_the_answer_is_kept_briefly(
        client, finance_user, setup, monkeypatch, enqueued):
    export = factories.InvoiceExportFactory(name="E-Financials (API)", type="efinancials",
                                            base_url=f"http://127.0.0.1:{free_port()}/efinancials/v1")
    setup["group"].exports.set([export])
    asked = []
    real = plan_preview.connector_for
    monkeypatch.setattr(plan_preview, "connector_for", lambda e: asked.append(e.pk) or real(e))
    client.force_login(finance_user)
    page = plan_page(client, period=setup["period"].pk)
    assert "It was not possible to connect to E-Financials. The connection was refused" in page
    assert "Errno" not in page and "NewConnectionError" not in page
    assert "disabled" in button(page, "export-and-send") and "disabled" in button(page, "preview-button")
    plan_page(client, period=setup["period"].pk)
    assert asked == [export.pk]  # the second look used the kept answer
    plan_page(client, period=setup["period"].pk, recheck=1)
    assert asked == [export.pk, export.pk]  # "Check again" asks the target again
    response = client.post(reverse("exports:plan"), {"period": setup["period"].pk, "send": "1"})
    assert response.status_code == 200 and not ExportRun.objects.exists()


def test_a_target_that_answers_leaves_sending_open_and_a_local_problem_still_allows_preview(
        client, finance_user, setup, fake_target):
    client.force_login(finance_user)
    page = plan_page(client, period=setup["period"].pk)
    assert "disabled" not in button(page, "export-and-send")
    fake_target.setup_problems = [Problem("testtarget.not_ready", "The test target is not set up: no journal",
                                          blocking=False)]
    plan_page(client, period=setup["period"].pk, recheck=1)
    customer = setup["invoices"][0].customer
    type(customer).objects.filter(pk=customer.pk).update(vat_number="")
    zero = factories.VatRateFactory(code="0EU", name="EU 0 %", percentage=0, is_eu_vat=True,
                                    sales_account=factories.AccountFactory(number="3520"))
    factories.InvoiceLineFactory(invoice=setup["invoices"][0], vat_rate=zero)
    page = plan_page(client, period=setup["period"].pk, recheck=1)
    assert "The test target is not set up: no journal" in page  # a warning of the target
    assert "disabled" in button(page, "export-and-send")
    assert "disabled" not in button(page, "preview-button")


def test_bad_scope_is_a_clear_400(client, finance_user, setup):
    client.force_login(finance_user)
    assert client.get(reverse("exports:plan"), {"period": "abc"}).status_code == 400
    run = plan_run(period=setup["period"])
    status = reverse("exports:run_status", args=[run.pk])
    assert client.get(status, {"since": "2026-13-45T99:99"}).status_code == 400
    assert client.get(status, {"since": "2026-11-30T12:00:00+02:00"}).status_code == 200


def test_selected_invoices_of_two_offices_offer_the_exports_of_both(client, finance_user, setup, fake_target):
    helsinki = factories.OfficeFactory(code="HEL", name="Helsingin Kuljetus Oy")
    hel_invoice = factories.invoice_with_lines(lines=1, period=factories.InvoicePeriodFactory(office=helsinki))
    tln_export = factories.InvoiceExportFactory(name="Tallinn only", type="economic", office=setup["period"].office)
    hel_export = factories.InvoiceExportFactory(name="Helsinki only", type="economic", office=helsinki)
    client.force_login(finance_user)
    page = plan_page(client, invoice=[setup["invoices"][0].pk, hel_invoice.pk])
    select = re.search(r'<select name="export".*?</select>', page, re.S).group(0)
    assert tln_export.name in select and hel_export.name in select
    # The Helsinki export sends the Helsinki invoice only; the other is one no export applies to.
    page = plan_page(client, invoice=[setup["invoices"][0].pk, hel_invoice.pk], export=hel_export.pk)
    row = re.search(rf'<tr id="plan-export-{hel_export.pk}".*?</tr>', page, re.S).group(0)
    assert '<td class="invoices">1</td>' in row
    assert str(setup["invoices"][0].number) in re.search(r'id="unassigned">.*?</p>', page, re.S).group(0)


# -- the run page ----------------------------------------------------------------------------------------

def finished_run(setup, fake_target, user, script):
    fake_target.script.extend(script)
    run = plan_run(period=setup["period"], user=user)
    execute_run(run.pk)
    run.refresh_from_db()
    return run


def test_a_run_with_a_failed_invoice_reads_completed_with_1_failed(client, finance_user, setup, fake_target):
    run = finished_run(setup, fake_target, finance_user, ["ok", "invalid", "ok"])
    assert run.status == RunStatus.FAILED and run.exported == 2 and run.failed == 1
    client.force_login(finance_user)
    data = client.get(reverse("exports:run_status", args=[run.pk])).json()
    assert data["outcome"] == "completed-with-failures" and data["status_label"] == "Completed with 1 failed"
    assert data["filters"] == {"failed": 1, "skipped": 0, "sent": 2}
    page = client.get(reverse("exports:run", args=[run.pk])).content.decode()
    assert 'data-outcome="completed-with-failures"' in page and "status-completed-with-failures" in page
    assert "Completed with 1 failed" in page and "?show=failed" in page
    assert setup["period"].office.name in page  # the period with its office
    remote_ids = re.findall(r'<td class="remote-id">(R\d+)</td>', page)
    assert len(remote_ids) == 2


def test_the_filters_show_only_failed_skipped_or_sent_rows(client, support_user, setup, fake_target):
    run = finished_run(setup, fake_target, None, ["ok", "invalid", "ok"])
    failed = run.items.get(state=ItemState.FAILED)
    client.force_login(support_user)
    page = client.get(reverse("exports:run", args=[run.pk]), {"show": "failed"}).content.decode()
    assert re.findall(r'<tr id="item-(\d+)"', page) == [str(failed.pk)]
    assert 'data-show-states="failed unknown"' in page
    assert "VAT rate 24 is not allowed" in page
    page = client.get(reverse("exports:run", args=[run.pk]), {"show": "sent"}).content.decode()
    assert sorted(re.findall(r'<tr id="item-(\d+)"', page)) == sorted(
        str(pk) for pk in run.items.filter(state=ItemState.SENT).values_list("pk", flat=True))
    page = client.get(reverse("exports:run", args=[run.pk]), {"show": "skipped"}).content.decode()
    assert re.findall(r'<tr id="item-(\d+)"', page) == [] and "No invoice of this run is in this list." in page
    page = client.get(reverse("exports:run", args=[run.pk]), {"show": "nonsense"}).content.decode()
    assert len(re.findall(r'<tr id="item-(\d+)"', page)) == 3
    data = client.get(reverse("exports:run_status", args=[run.pk]), {"show": "failed"}).json()
    assert [item["id"] for item in data["items"]] == [failed.pk]


def test_a_run_that_could_not_go_on_reads_failed_with_its_reason(client, finance_user, setup, fake_target):
    fake_target.setup_problems = [Problem("testtarget.not_ready", "The test target is not set up: no journal")]
    run = finished_run(setup, fake_target, finance_user, [])
    client.force_login(finance_user)
    data = client.get(reverse("exports:run_status", args=[run.pk])).json()
    assert data["outcome"] == "failed" and data["status_label"] == "Failed"
    assert data["reason"] == "The export Visma e-conomic cannot start: The test target is not set up: no journal"
    page = client.get(reverse("exports:run", args=[run.pk])).content.decode()
    assert 'data-outcome="failed"' in page and "Completed with" not in page


def test_a_run_that_stopped_on_an_unforeseen_error_says_so_in_plain_words(client, finance_user, setup, fake_target,
                                                                          monkeypatch):
    from tests.engine.fake_connector import FakeConnector

    def broken(self, invoices):
        raise RuntimeError("KeyError('cl_templates_id') in PayloadBuilder")

    monkeypatch.setattr(FakeConnector, "prepare", broken)
    run = finished_run(setup, fake_target, finance_user, [])
    client.force_login(finance_user)
    data = client.get(reverse("exports:run_status", args=[run.pk])).json()
    assert data["outcome"] == "failed"
    assert data["reason"].startswith("The export stopped unexpectedly: an error inside the portal")
    page = client.get(reverse("exports:run", args=[run.pk])).content.decode()
    assert "RuntimeError" not in page and "PayloadBuilder" not in page.split('class="events"')[0]
    event = run.events.get(code="engine.run_crashed")
    assert "RuntimeError" in event.excerpt and "PayloadBuilder" in event.excerpt


def test_a_clean_run_reads_completed(client, finance_user, setup, fake_target):
    run = finished_run(setup, fake_target, finance_user, [])
    client.force_login(finance_user)
    data = client.get(reverse("exports:run_status", args=[run.pk])).json()
    assert (data["outcome"], data["status_label"]) == ("completed", "Completed")


def test_the_runs_list_tells_the_outcomes_apart_and_names_the_office(client, support_user, setup, fake_target):
    finished_run(setup, fake_target, None, ["ok", "invalid", "ok"])
    client.force_login(support_user)
    page = client.get(reverse("admin:exports_exportrun_changelist")).content.decode()
    assert "Completed with 1 failed" in page
    assert str(setup["period"]) in page and setup["period"].office.name in str(setup["period"])


# -- what was sent ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["finance_user", "support_user"])
def test_finance_and_support_read_what_was_sent_with_secrets_masked(client, request, role, setup, fake_target):
    run = finished_run(setup, fake_target, None, [])
    item = run.items.order_by("pk").first()
    ExportEvent.objects.create(
        run=run, item=item, code="http.call", message="POST /invoices -> 201",
        excerpt=f'> POST /invoices\n> Authorization: Bearer app-secret\n> {{"number": "{item.invoice.number}", '
                f'"key": "app-secret"}}\n< 201 Created\n< {{"id": 7}}')
    ExportEvent.objects.create(run=run, item=item, code="http.call", message="GET /customers -> 200",
                               excerpt="> GET /customers\n< 200 OK")
    client.force_login(request.getfixturevalue(role))
    run_page = client.get(reverse("exports:run", args=[run.pk])).content.decode()
    assert reverse("exports:item", args=[item.pk]) in run_page and "What was sent" in run_page
    response = client.get(reverse("exports:item", args=[item.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert str(item.invoice.number) in page and item.remote_id in page and str(item.invoice.total) in page
    assert "POST /invoices" in page and "GET /customers" not in page
    assert "app-secret" not in page and "Authorization" not in page


def test_a_user_without_the_log_permission_cannot_read_what_was_sent(client, setup, fake_target, roles):
    run = finished_run(setup, fake_target, None, [])
    client.force_login(factories.UserFactory(username="nobody"))
    item = run.items.first()
    assert client.get(reverse("exports:item", args=[item.pk])).status_code in (302, 403)


# -- the close message -------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_closing_a_period_says_which_export_started_and_links_its_run(client, finance_user, setup, fake_target,
                                                                     enqueued):
    """Committed as in the browser: the export starts when the close commits, before the message is made."""
    period = setup["period"]
    VatRate.objects.update(sales_tax_account=factories.AccountFactory(number="2610"))
    client.force_login(finance_user)
    response = client.post(reverse("admin:accounting_invoiceperiod_changelist"),
                           {"action": "close_periods", "_selected_action": [period.pk]})
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    run = ExportRun.objects.get(period=period)
    assert f"The invoice period {period.name} ({period.office.name}) was closed" in message
    assert "Its export to Visma e-conomic started:" in message
    assert f'<a href="{reverse("exports:run", args=[run.pk])}">run #{run.pk}</a>' in message
    assert enqueued == [run.pk]


# -- plain words for transport failures --------------------------------------------------------------------

def test_a_refused_connection_is_told_in_plain_words_and_the_detail_stays_in_the_excerpt():
    client = HttpClient(f"http://127.0.0.1:{free_port()}/", catalogue=EFINANCIALS, read_retries=0,
                        backoff_factor=0)
    with pytest.raises(ExportError) as caught:
        client.request("POST", "invoices", json_body={})
    assert caught.value.message.startswith("It was not possible to connect to E-Financials. The connection was "
                                           "refused")
    assert "Errno" not in caught.value.message and "NewConnectionError" not in caught.value.message
    assert "ConnectionError" in caught.value.excerpt and "refused" in caught.value.excerpt


def test_a_dropped_connection_is_told_in_plain_words():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    import threading

    def drop():
        # The whole request is read first: closing with unread bytes would reset the connection instead.
        connection, _ = listener.accept()
        received = b""
        while b"\r\n\r\n" not in received:
            received += connection.recv(65536)
        head, _, body = received.partition(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
        while len(body) < length:
            body += connection.recv(65536)
        connection.close()

    threading.Thread(target=drop, daemon=True).start()
    client = HttpClient(f"http://127.0.0.1:{listener.getsockname()[1]}/", catalogue=EFINANCIALS, read_retries=0)
    with pytest.raises(ExportError) as caught:
        client.request("POST", "invoices", json_body={})
    listener.close()
    assert caught.value.message == ("It was not possible to connect to E-Financials. The server closed the "
                                    "connection without answering.")
    assert "RemoteDisconnected" in caught.value.excerpt


# -- make run's ports ------------------------------------------------------------------------------------------

class FinishedProcess:
    returncode = 0

    def __init__(self, command, **kwargs):
        self.command = command
        self.env = kwargs.get("env", {})
        started.append(self)

    def poll(self):
        return 0

    def terminate(self):
        pass

    def wait(self, timeout=None):
        return 0


started: list[FinishedProcess] = []


def test_runportal_moves_the_demo_exports_to_the_sandbox_port_and_names_the_portal_port(settings, monkeypatch,
                                                                                         roles):
    settings.DEBUG = True
    create_demo_users()
    demo = factories.InvoiceExportFactory(name="E-Financials (API)", type="efinancials",
                                          base_url="http://127.0.0.1:8765/efinancials/v1")
    real = factories.InvoiceExportFactory(name="Real Netvisor", type="netvisor",
                                          base_url="https://integration.netvisor.fi")
    elsewhere = factories.InvoiceExportFactory(name="Elsewhere", type="efinancials",
                                               base_url="http://10.0.0.5:8765/efinancials/v1")
    started.clear()
    monkeypatch.setattr("portal.management.commands.runportal.subprocess.Popen", FinishedProcess)
    out = StringIO()
    call_command("runportal", "--port", "8111", "--sandbox-port", "8866", stdout=out, stderr=StringIO())
    demo.refresh_from_db()
    assert demo.base_url == "http://127.0.0.1:8866/efinancials/v1"
    assert InvoiceExport.objects.get(pk=real.pk).base_url == "https://integration.netvisor.fi"
    assert InvoiceExport.objects.get(pk=elsewhere.pk).base_url == "http://10.0.0.5:8765/efinancials/v1"
    text = out.getvalue()
    assert "http://127.0.0.1:8111/admin/" in text and "8000" not in text
    assert "Log in at http://127.0.0.1:8111/admin/ as finance / demo-finance-2026 (Finance)" in text
    sandbox = next(p for p in started if "sandbox" in p.command)
    assert sandbox.command[-1] == "8866"
    assert all(p.env["SANDBOX_URL"] == "http://127.0.0.1:8866" for p in started)


def test_seed_demo_names_the_portal_port_it_was_given(settings, db):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", "--invoices", "2", "--port", "8111", stdout=out)
    assert "Log in at http://127.0.0.1:8111/admin/ as admin" in out.getvalue()
    assert ExportItem.objects.count() == 0


def test_a_large_run_is_shown_and_polled_a_page_of_rows_at_a_time(client, support_user, setup, fake_target,
                                                                  monkeypatch):
    monkeypatch.setattr("exports.views.ROWS_PER_PAGE", 2)
    run = finished_run(setup, fake_target, None, ["ok", "invalid", "ok"])
    client.force_login(support_user)
    url = reverse("exports:run", args=[run.pk])
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    shown = re.findall(r'<tr id="item-(\d+)"', first) + re.findall(r'<tr id="item-(\d+)"', second)
    assert len(re.findall(r'<tr id="item-(\d+)"', first)) == 2 and len(shown) == 3
    assert sorted(shown) == sorted(str(pk) for pk in run.items.values_list("pk", flat=True))
    assert "Page 1 of 2" in first and 'data-last-page="no"' in first and 'data-last-page="yes"' in second
    assert "page=abc" not in first and client.get(url, {"page": "abc"}).status_code == 200
    status = reverse("exports:run_status", args=[run.pk])
    assert len(client.get(status).json()["items"]) == 2
    # Polling reads the changes oldest first, a page at a time, from the last change it was given.
    changed = client.get(status, {"since": "2000-01-01T00:00:00+00:00"}).json()["items"]
    assert len(changed) == 2
    rest = client.get(status, {"since": changed[-1]["updated_at"], "after": changed[-1]["id"]}).json()["items"]
    assert client.get(status, {"since": changed[-1]["updated_at"], "after": "x"}).status_code == 400
    assert {row["id"] for row in changed} | {row["id"] for row in rest} == set(run.items.values_list("pk", flat=True))
