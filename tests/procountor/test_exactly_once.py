"""Exactly once across lost answers, for the steps the demo export does not take (dimension items, approve,
send): the engine reconciles with find_existing and finishes the invoice without a second copy."""
from collections import Counter

import pytest

from exports.models import RunStatus
from exports.services.planning import plan_run
from exports.services.runner import execute_run, reset_failed_items
from tests.procountor.conftest import Line


def finished(run):
    execute_run(run.pk)
    run.refresh_from_db()
    if run.status != RunStatus.COMPLETED:
        reset_failed_items(run)
        execute_run(run.pk)
        run.refresh_from_db()
    return run


@pytest.mark.parametrize("step", ["dimension_item", "product", "customer", "invoice", "account_coding",
                                  "attachment", "approve", "send"])
def test_an_answer_lost_after_each_step_leaves_one_invoice_finished(finland, monkeypatch, step):
    monkeypatch.setattr("exports.pdf.render.render_invoice_pdf", lambda invoice, reduced=False: b"%PDF-1.4 x")
    finland.export.start_text = "AfterCreate=send"
    finland.export.save()
    sim = finland.sim
    invoices = [finland.invoice(Line(centre="Vantaa")), finland.invoice(Line(centre="Vantaa"))]
    sim.configure({"script": [{"kind": "drop", "match": sim.write_steps[step]}]})
    run = finished(plan_run(invoices=invoices, export=finland.export))
    assert any("script:drop" in call["faults"] for call in sim.calls.as_dict()["recent"])
    assert run.status == RunStatus.COMPLETED and run.exported == 2, run.failure_message
    booked = Counter(b["number"] for b in sim.booked_invoices())
    assert booked == Counter({str(i.number): 1 for i in invoices})
    assert all(b["complete"] and b["has_pdf"] for b in sim.booked_invoices())
    assert {i["status"] for i in sim.store.invoices.values()} == {"SENT"}
    assert all(len(i["attachments"]) == 1 for i in sim.store.invoices.values())
    (centre,) = [d for d in sim.store.dimensions.values() if d["name"] == "Kustannuspaikka"]
    assert [item["codeName"] for item in centre["items"]].count("Vantaa") == 1
    assert Counter(p["code"] for p in sim.store.products.values()) == Counter(
        {code: 1 for code in {p["code"] for p in sim.store.products.values()}})
    assert all(n == 1 for n in Counter(sim.customer_keys()).values())
