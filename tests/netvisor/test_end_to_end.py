"""The Helsinki demo period exported to the Netvisor export through the engine, as `make run` does it:
every invoice once in the sandbox with one row per VAT rate, the PDF attached; a second run skips all."""
from accounting.demo.seed import seed_demo
from accounting.models import InvoiceLine, InvoicePeriod
from exports.models import InvoiceExport, RunStatus
from exports.services.planning import plan_run
from exports.services.runner import execute_run
from tests.fixtures.contract import PDF_TEMPLATE


def run_of(period, export):
    run = plan_run(period=period, export=export)
    execute_run(run.pk)
    run.refresh_from_db()
    return run


def test_the_helsinki_demo_period_into_the_sandbox(db, sandbox, settings, monkeypatch):
    settings.SANDBOX_URL = sandbox.url
    monkeypatch.setattr("exports.pdf.render.render_invoice_pdf", lambda invoice, reduced=False: PDF_TEMPLATE)
    seed_demo(invoices=3, users=False)
    export = InvoiceExport.objects.get(type="netvisor")
    period = InvoicePeriod.objects.get(office__code="HEL")
    netvisor = sandbox.simulator("netvisor")

    run = run_of(period, export)
    assert run.status == RunStatus.COMPLETED, run.failure_message
    assert run.exported == run.items.count() > 0
    numbers = [str(n) for n in run.items.values_list("invoice__number", flat=True)]
    booked = [i for i in netvisor.store.invoices.values() if i["number"] in numbers]
    assert sorted(i["number"] for i in booked) == sorted(numbers)
    for remote in booked:
        rates = set(InvoiceLine.objects.filter(invoice__number=remote["number"]).values_list("vat_rate", flat=True))
        assert len(remote["lines"]) == len(rates)
        assert [a["type"] for a in remote["attachments"]] == ["pdf"]

    second = run_of(period, export)
    assert (second.status, second.exported, second.skipped) == (RunStatus.COMPLETED, 0, run.exported)
    assert set(second.items.values_list("last_error_code", flat=True)) == {"netvisor.already_exists"}


def test_the_received_page_lists_what_the_sandbox_holds(db, sandbox):
    import requests

    received = requests.get(sandbox.url + "/netvisor/_received", timeout=5).json()
    assert received["invoices"][0]["date"] == "2026-10-15"
    assert received["dimensions"]["1033062-8"]["Kustannuspaikka"] == ["Helsinki", "Vantaa"]
    page = requests.get(sandbox.url + "/netvisor/_received?format=html", timeout=5)
    assert page.status_code == 200 and "Visma Netvisor: what the sandbox received" in page.text
