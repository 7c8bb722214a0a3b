"""The demo period exported through the engine into the e-Financials sandbox, then read back from the
sandbox: every invoice, row, amount, buyer and PDF is there exactly once, also when answers get lost,
requests are throttled, the server fails or is too slow."""
from collections import Counter
from decimal import Decimal
from types import SimpleNamespace

import pytest
import requests
from django.conf import settings

from accounting.demo.seed import seed_demo
from accounting.models import InvoiceLine, InvoicePeriod
from exports.models import ExportItem, InvoiceExport, ItemState, RunStatus
from exports.services.planning import plan_run
from exports.services.runner import execute_run, reset_failed_items

pytestmark = pytest.mark.django_db


def fast_pdf(invoice, reduced=False) -> bytes:
    """Stands in for the PDF renderer where the faults, not the PDF, are under test."""
    return b"%PDF-1.4\n% invoice " + str(invoice.number).encode() + b"\n%%EOF\n"


@pytest.fixture
def demo(sandbox, monkeypatch):
    monkeypatch.setattr(settings, "EXPORT_READ_BACKOFF_FACTOR", 0, raising=False)  # no waits between reads
    seed_demo(invoices=50, users=False)
    export = InvoiceExport.objects.get(type="efinancials")
    export.base_url = sandbox.base_url("efinancials")
    export.save()
    period = InvoicePeriod.objects.get(office__code="TLN", name="2026-11")
    invoices = list(period.invoices.select_related("customer").order_by("number"))
    return SimpleNamespace(export=export, period=period, invoices=invoices, sandbox=sandbox,
                           efin=sandbox.simulator("efinancials"))


def export_period(demo, *, retries=0):
    """Export and send the period; "Retry failed" up to ``retries`` times. Returns the last run."""
    run = plan_run(period=demo.period, export=demo.export)
    execute_run(run.pk)
    for _ in range(retries):
        run.refresh_from_db()
        if run.status == RunStatus.COMPLETED:
            break
        reset_failed_items(run)
        execute_run(run.pk)
    run.refresh_from_db()
    return run


def received(demo) -> dict:
    return requests.get(demo.sandbox.url + "/efinancials/_received", timeout=10).json()


def expected_title(line, first_of_order: bool) -> str:
    if first_of_order:
        title = f"Order: {line.order_number}"
        if line.sender_reference:
            title += f' sender ref. "{line.sender_reference}"'
        if line.receiver_reference:
            title += f' receiver ref. "{line.receiver_reference}"'
        return title
    return f'Order: {line.order_number} "{line.item_name}"'


def assert_exactly_once_and_complete(demo, *, pdf_check):
    data = received(demo)
    live = [i for i in data["sale_invoices"] if not i.get("is_deleted")]
    counts = Counter(i["number"] for i in live)
    assert counts == Counter(str(invoice.number) for invoice in demo.invoices)  # each exactly once
    by_number = {i["number"]: i for i in live}
    clients = {c["id"]: c for c in data["clients"]}
    for invoice in demo.invoices:
        remote = by_number[str(invoice.number)]
        assert remote["status"] == "CONFIRMED"
        assert (Decimal(str(remote["net_price"])), Decimal(str(remote["vat_price"])),
                Decimal(str(remote["gross_price"]))) == (invoice.net_amount, invoice.vat_amount, invoice.total)
        assert remote["create_date"] == invoice.invoice_date.isoformat()
        assert remote["term_days"] == (invoice.due_date - invoice.invoice_date).days
        client = clients[remote["clients_id"]]
        assert (client["code"], client["name"]) == (invoice.customer.corporate_id, invoice.customer.name)
        lines = list(InvoiceLine.objects.filter(invoice=invoice).select_related("vat_rate")
                     .order_by("position", "id"))
        seen_orders = set()
        assert len(remote["items"]) == len(lines)
        for item, line in zip(remote["items"], lines, strict=True):
            first = line.order_number not in seen_orders
            seen_orders.add(line.order_number)
            assert item["custom_title"] == expected_title(line, first)
            assert Decimal(str(item["total_net_price"])) == line.amount
            assert Decimal(str(item["vat_rate"])) == line.vat_rate.percentage
        pdf_check(invoice, remote)
    # One buyer per customer, however often the buyer was needed.
    codes = Counter(c["code"] for c in data["clients"])
    assert set(codes.values()) == {1}
    assert set(codes) == {invoice.customer.corporate_id for invoice in demo.invoices}


def test_the_demo_period_arrives_complete_and_a_second_run_skips_it(demo):
    run = export_period(demo)
    assert (run.status, run.exported, run.skipped, run.failed) == (RunStatus.COMPLETED, 50, 0, 0)

    def real_pdf(invoice, remote):
        assert remote["document"]["name"] == f"Invoice-{invoice.number}.pdf"
        pdf = requests.get(f"{demo.sandbox.url}/efinancials/_received/documents/{remote['id']}", timeout=10)
        assert pdf.content.startswith(b"%PDF-") and len(pdf.content) == remote["document"]["size"]

    assert_exactly_once_and_complete(demo, pdf_check=real_pdf)
    creates = demo.efin.calls.count("POST", "/v1/sale_invoices")

    second = export_period(demo)
    assert (second.status, second.exported, second.skipped, second.failed) == (RunStatus.COMPLETED, 0, 50, 0)
    item = second.items.first()
    assert item.last_error_message.startswith(
        f"The following invoices {item.invoice.number} already exist in E-Financials. It was exported by run "
        f"#{item.run_id - 1} on ")
    assert demo.efin.calls.count("POST", "/v1/sale_invoices") == creates


def fast_pdfs(monkeypatch):
    monkeypatch.setattr("exports.pdf.render.render_invoice_pdf", fast_pdf)

    def check(invoice, remote):
        assert remote["document"]["size"] == len(fast_pdf(invoice))

    return check


FAULTS = {
    "dropped answers": {"drop_rate": 0.15, "seed": 7},
    "429 bursts": {"throttle_rate": 0.05, "throttle_burst": 3, "retry_after": 0, "seed": 7},
    "5xx": {"error_rate": 0.1, "error_status": 503, "seed": 7},
    "mixed": {"drop_rate": 0.05, "error_rate": 0.05, "throttle_rate": 0.03, "retry_after": 0, "seed": 11},
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_faults_still_give_exactly_one_invoice_each(demo, monkeypatch, fault):
    check_pdf = fast_pdfs(monkeypatch)
    demo.efin.configure(FAULTS[fault])
    run = export_period(demo, retries=3)
    assert run.status == RunStatus.COMPLETED, run.failure_message
    assert run.exported == 50
    demo.efin.configure({"drop_rate": 0, "error_rate": 0, "throttle_rate": 0})
    assert_exactly_once_and_complete(demo, pdf_check=check_pdf)
    assert sum(f != [] for f in (c["faults"] for c in demo.efin.calls.as_dict()["recent"])) > 0


def test_timeouts_still_give_exactly_one_invoice_each(demo, monkeypatch):
    check_pdf = fast_pdfs(monkeypatch)
    demo.export.request_timeout = 1
    demo.export.save()
    demo.efin.configure({"script": [
        {"kind": "slow", "delay_ms": 1300, "match": "^POST /v1/sale_invoices$", "skip": 3},
        {"kind": "slow", "delay_ms": 1300, "match": "register$", "skip": 10},
        {"kind": "slow", "delay_ms": 1300, "match": "document_user$", "skip": 20},
    ]})
    run = export_period(demo, retries=2)
    assert run.status == RunStatus.COMPLETED, run.failure_message
    assert_exactly_once_and_complete(demo, pdf_check=check_pdf)


def test_items_left_unknown_are_reconciled_by_the_next_attempt(demo, monkeypatch, settings):
    """One attempt only: lost answers leave items unknown; "Retry failed" finishes them without resending."""
    check_pdf = fast_pdfs(monkeypatch)
    settings.EXPORT_MAX_ATTEMPTS = 1
    demo.efin.configure({"script": [{"kind": "drop", "match": "^POST /v1/sale_invoices$", "times": 2},
                                    {"kind": "drop", "match": "register$", "skip": 5, "times": 2}]})
    run = export_period(demo)
    assert run.status == RunStatus.FAILED
    assert ExportItem.objects.filter(run=run, state=ItemState.UNKNOWN).count() == 4
    reset_failed_items(run)
    execute_run(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED and run.exported == 50
    assert demo.efin.calls.count("POST", "/v1/sale_invoices") == 50
    assert_exactly_once_and_complete(demo, pdf_check=check_pdf)


def test_no_secret_reaches_an_event_an_excerpt_or_a_log_line(demo, monkeypatch, caplog):
    from exports.models import ExportEvent

    fast_pdfs(monkeypatch)
    demo.efin.configure({"script": [{"kind": "drop", "match": "^POST /v1/sale_invoices$", "skip": 2},
                                    {"kind": "error", "status": 503, "match": "register$", "skip": 4}]})
    secrets = demo.export.secret_values()
    assert len(secrets) == 2  # the API key password and the public API key
    with caplog.at_level("DEBUG"):
        run = export_period(demo)
        demo.export.password = "a-wrong-api-key-password"
        demo.export.save()
        refused = export_period(demo)
    assert run.status == RunStatus.COMPLETED and refused.status == RunStatus.FAILED
    secrets += ("a-wrong-api-key-password",)
    events = list(ExportEvent.objects.all())
    assert any("X-AUTH-KEY: ***" in event.excerpt for event in events)
    texts = [t for e in events for t in (e.message, e.excerpt, *map(str, e.params))]
    texts += [record.getMessage() for record in caplog.records]
    texts += [run.failure_message, refused.failure_message]
    leaks = [(secret, text) for secret in secrets for text in texts if secret in text]
    assert leaks == []


def test_an_invoice_whose_pdf_cannot_be_made_fails_alone_with_the_seed_message(demo, monkeypatch):
    from exports.pdf.render import InvoicePdfError

    broken = demo.invoices[3].number

    def render(invoice, reduced=False):
        if invoice.number == broken:
            raise InvoicePdfError("TemplateSyntaxError: the report template is broken")
        return fast_pdf(invoice)

    monkeypatch.setattr("exports.pdf.render.render_invoice_pdf", render)
    run = export_period(demo)
    assert (run.exported, run.failed) == (49, 1)
    item = run.items.get(invoice__number=broken)
    assert (item.state, item.last_error_code, item.last_error_message) == (
        ItemState.FAILED, "efinancials.invoice_file_not_generated", "The invoice file could not be generated.")
    assert str(broken) not in Counter(i["number"] for i in received(demo)["sale_invoices"])


def test_preview_builds_every_invoice_and_writes_nothing(demo, monkeypatch):
    fast_pdfs(monkeypatch)
    run = plan_run(period=demo.period, export=demo.export, preview=True)
    execute_run(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED and run.failed == 0
    writes = [c for c in demo.efin.calls.as_dict()["recent"] if c["method"] != "GET"]
    assert writes == []
    item = run.items.order_by("invoice__number").first()
    assert item.preview_payload.startswith(f"Invoice {item.invoice.number} to E-Financials")
    assert "Then: register, attach" in item.preview_payload
