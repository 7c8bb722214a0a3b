"""The remote pre-flight check: what E-Financials must hold for the invoices about to be exported."""
from django.utils import timezone

from tests.efinancials.conftest import Line


def messages(problems):
    return sorted(p.message for p in problems)


def test_a_correct_setup_has_no_problems(estonia):
    estonia.invoice(Line(), Line(item="EU leg", vat="0", project="Long haul"))
    assert estonia.connector().check_setup() == []


def test_every_remote_problem_is_reported_once(estonia):
    estonia.invoice(Line(), Line(item="EU leg", vat="0", project="Long haul"))
    estonia.invoice(Line(item="EU leg", vat="0"))
    store = estonia.efin.store
    store.accounts[1210]["is_valid"] = False
    del store.sale_articles[2]
    store.projects[2]["is_deleted"] = True
    store.bank_accounts[1]["iban_code"] = store.bank_accounts[1]["account_no"] = "EE471000001020145685"
    problems = estonia.connector().check_setup()
    assert messages(problems) == sorted([
        "The following accounts have been removed from or inactivated in E-Financials 1210.",
        "Sales articles missing for the following accounts: 3520-0.",
        "The following projects have been removed from or inactivated in E-Financials Long haul.",
        "There is no bank account with the IBAN EE382200221020145685 in E-Financials.",
    ])
    assert all(p.blocking and p.code.startswith("efinancials.") for p in problems)


def test_only_open_periods_sent_by_this_export_are_checked(estonia):
    estonia.invoice(Line(vat="0"))
    estonia.period.closed_at = timezone.now()
    estonia.period.save()
    del estonia.efin.store.sale_articles[2]
    assert estonia.connector().check_setup() == []


def test_given_invoices_are_checked_instead(estonia):
    invoice = estonia.invoice(Line(vat="0"))
    estonia.period.closed_at = timezone.now()
    estonia.period.save()
    del estonia.efin.store.sale_articles[2]
    assert messages(estonia.connector().check_setup([invoice])) == [
        "Sales articles missing for the following accounts: 3520-0."]


def test_account_coding_problems_are_left_to_the_local_check(estonia):
    estonia.vat24.sales_account = None
    estonia.vat24.save()
    estonia.invoice()
    assert estonia.connector().check_setup() == []


def test_wrong_credentials_are_one_problem(estonia):
    estonia.invoice()
    estonia.export.client_identity = "someone-else"
    problems = estonia.connector().check_setup()
    assert messages(problems) == ["The API call to E-Financials was unsuccessful. Status code 401."]


def test_a_run_reads_the_chart_once_for_check_and_prepare(estonia):
    invoice = estonia.invoice()
    connector = estonia.connector()
    connector.check_setup()
    connector.prepare([invoice])
    assert estonia.efin.calls.count("GET", "/v1/accounts") == 1
    assert estonia.efin.calls.count("GET", "/v1/sale_articles") == 1


def test_the_check_costs_the_same_for_many_invoices(estonia):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_of_a_check():
        with CaptureQueriesContext(connection) as captured:
            assert estonia.connector().check_setup() == []
        return len(captured)

    estonia.invoice(Line(), Line(item="EU leg", vat="0", project="Long haul"))
    few = queries_of_a_check()
    for _ in range(20):
        estonia.invoice(Line(), Line(item="EU leg", vat="0", project="Long haul"))
    assert queries_of_a_check() == few
