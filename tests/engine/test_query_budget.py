"""The database work per invoice during a run does not grow with the number of invoices, and stays within
its budget: at most 4 queries and 2 commits per invoice in steady state."""
import pytest

from accounting.demo.seed import seed_demo
from accounting.models import Invoice, InvoicePeriod
from exports.models import InvoiceExport, RunStatus
from exports.services.planning import plan_run
from exports.services.runner import execute_run
from tests import factories
from tests.engine.budget import counted


@pytest.mark.django_db(transaction=True)
def test_queries_per_invoice_are_constant_with_the_test_connector(setup, fake_target):
    def queries_for_run(count):
        period = factories.InvoicePeriodFactory(office=setup["period"].office)
        for _ in range(count):
            factories.invoice_with_lines(lines=2, period=period)
        run = plan_run(period=period)
        with counted() as work:
            execute_run(run.pk)
        return work.queries

    q5, q15, q25 = (queries_for_run(n) for n in (5, 15, 25))
    first, second = (q15 - q5) / 10, (q25 - q15) / 10
    print(f"queries per further invoice: {first:g}, then {second:g} (fixed per run: {q5 - 5 * first:g})")
    # Every further invoice costs about the same (results are written in batches, so not exactly), and the
    # reference data and the plan are loaded once, not per invoice.
    assert first <= 4 and second <= 4


@pytest.mark.django_db(transaction=True)
def test_e_financials_in_steady_state_costs_at_most_4_queries_and_2_commits_per_invoice(sandbox, settings):
    """Committed work, as in production (not inside a test transaction), four invoices in flight at once."""
    settings.SANDBOX_URL = sandbox.url
    seed_demo(invoices=60, small_period_invoices=0, users=False)
    export = InvoiceExport.objects.get(type="efinancials")
    export.include_pdf_copy = False
    export.save()
    period = InvoicePeriod.objects.get(office__code="TLN")
    warm = plan_run(invoices=Invoice.objects.filter(period=period).order_by("number")[:10], export=export)
    execute_run(warm.pk)  # new buyers and the product are created here: what follows is steady state

    def work_for(count):
        invoices = list(Invoice.objects.filter(period=period, export_items__isnull=True).order_by("number")[:count])
        run = plan_run(invoices=invoices, export=export)
        with counted() as work:
            assert execute_run(run.pk).status == RunStatus.COMPLETED
        return work

    small, large = work_for(10), work_for(40)
    queries = (large.queries - small.queries) / 30
    commits = (large.commits - small.commits) / 30
    print(f"E-Financials, steady state: {queries:.2f} queries and {commits:.2f} commits per invoice "
          f"(per run: {small.queries - 10 * queries:.0f} queries, {small.commits - 10 * commits:.0f} commits)")
    assert queries <= 4
    assert commits <= 2
