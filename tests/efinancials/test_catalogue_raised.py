"""Every message of the E-Financials catalogue, raised for real: by the connector talking to the sandbox
over a socket, or by its checks of Opter's data. One scenario per code; a code without a scenario fails."""
import socket
from types import SimpleNamespace

import pytest
from django.conf import settings

from accounting.models import Account, AccountCodingChart, ChartAccountRole
from exports.connectors.base import ExportError
from exports.connectors.efinancials.messages import CATALOGUE
from exports.services.planning import plan_run
from exports.services.runner import execute_run
from tests.efinancials.conftest import Line, chart_with
from tests.fixtures.credits import blocked_credit, credit_invoice

SCENARIOS = {}


def scenario(code):
    def register(function):
        SCENARIOS[code] = function
        return function
    return register


def raised_by(call, *args):
    with pytest.raises(ExportError) as raised:
        call(*args)
    return raised.value


def only_problem(connector):
    (problem,) = connector.check_setup()
    return problem


def prepared(estonia, *invoices):
    connector = estonia.connector()
    connector.prepare(list(invoices))
    return connector


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- transport ------------------------------------------------------------------------------------------

@scenario("cannot_connect")
def _(estonia, monkeypatch):
    monkeypatch.setattr(settings, "EXPORT_READ_BACKOFF_FACTOR", 0, raising=False)  # no waits between reads
    estonia.export.base_url = f"http://127.0.0.1:{free_port()}/efinancials/v1"
    problem = only_problem(estonia.connector())
    assert problem.message.startswith("It was not possible to connect to E-Financials. ")
    assert "refused" in problem.message.lower()
    return problem


@scenario("timed_out")
def _(estonia, monkeypatch):
    invoice = estonia.invoice()
    connector = prepared(estonia, invoice)
    connector.api.http.timeout = (2, 0.2)
    estonia.efin.configure({"script": [{"kind": "slow", "delay_ms": 500, "match": "^POST /v1/clients$"}]})
    error = raised_by(connector.send, invoice, connector.build(invoice, None))
    assert error.message == "The call to E-Financials timed out."
    assert error.may_have_reached_target and error.retryable
    return error


@scenario("credentials")
def _(estonia, monkeypatch):
    estonia.export.password = "not-the-api-key-password"
    problem = only_problem(estonia.connector())
    assert problem.message == "The API call to E-Financials was unsuccessful. Status code 401."
    return problem


@scenario("unsuccessful_status")
def _(estonia, monkeypatch):
    invoice = estonia.invoice()
    connector = prepared(estonia, invoice)
    estonia.efin.configure({"script": [{"kind": "error", "status": 500, "match": "^POST"}]})
    error = raised_by(connector.send, invoice, connector.build(invoice, None))
    assert error.message == "The API call to E-Financials was unsuccessful. Status code 500."
    assert error.may_have_reached_target and error.status == 500
    return error


@scenario("too_many_calls")
def _(estonia, monkeypatch):
    """E-Financials keeps answering 429 for longer than the connector waits: the status-code message."""
    invoice = estonia.invoice()
    connector = prepared(estonia, invoice)
    connector.api.http.throttle_wait_max = 2
    estonia.efin.configure({"retry_after": 1, "script": [{"kind": "throttle", "match": "^POST /v1/clients$",
                                                          "times": 3}]})
    error = raised_by(connector.send, invoice, connector.build(invoice, None))
    assert error.message == "The API call to E-Financials was unsuccessful. Status code 429."
    assert error.throttled and error.retryable and not error.may_have_reached_target
    assert estonia.efin.calls.count("POST", "/v1/clients") == 3
    return error


@scenario("call_unsuccessful")
def _(estonia, monkeypatch):
    estonia.export.base_url = estonia.sandbox.url + "/efinancials/v2"
    problem = only_problem(estonia.connector())
    assert problem.message == "Call to E-Financials GET accounts was unsuccessful. Status code 404."
    return problem


@scenario("unknown_error")
def _(estonia, monkeypatch):
    estonia.efin.configure({"script": [{"kind": "bad_encoding", "match": "accounts"}]})
    problem = only_problem(estonia.connector())
    assert problem.message.startswith("An unknown error occurred in the API call to E-Financials: ")
    assert "decod" in problem.message.lower()
    return problem


@scenario("unparsable")
def _(estonia, monkeypatch):
    estonia.efin.configure({"script": [{"kind": "garbage", "match": "accounts"}]})
    problem = only_problem(estonia.connector())
    assert problem.message.startswith("It was not possible to interpret the response from E-Financials: "
                                      "GET /efinancials/v1/accounts: not JSON: '<html>")
    return problem


# -- cancelling ---------------------------------------------------------------------------------------------

@scenario("call_cancelled")
def _(estonia, monkeypatch):
    """A run's cancel arrives while an invoice is half sent: the next call is not made."""
    invoice = estonia.invoice()
    holder = {}

    def recorder(call):
        if call.method == "POST" and call.path.endswith("/sale_invoices"):
            holder["connector"].cancel()

    connector = holder["connector"] = estonia.connector(recorder=recorder)
    connector.prepare([invoice])
    error = raised_by(connector.send, invoice, connector.build(invoice, None))
    assert error.message == "The call to E-Financials was cancelled."
    assert estonia.efin.calls.count("PATCH") == 0
    return error


@scenario("export_cancelled")
def _(estonia, monkeypatch):
    invoice = estonia.invoice()
    connector = prepared(estonia, invoice)
    payload = connector.build(invoice, None)
    calls = estonia.efin.calls.total
    connector.cancel()
    error = raised_by(connector.send, invoice, payload)
    assert error.message == "The invoice export to E-Financials was cancelled."
    assert raised_by(connector.find_existing, invoice, True).code == error.code
    assert estonia.efin.calls.total == calls  # nothing more was asked
    return error


# -- writing ----------------------------------------------------------------------------------------------

@scenario("cannot_create_customer")
def _(estonia, monkeypatch):
    estonia.customer.name = " "
    estonia.customer.save()
    invoice = estonia.invoice()
    connector = prepared(estonia, invoice)
    error = raised_by(connector.send, invoice, connector.build(invoice, None))
    assert error.message == ("It was not possible to create a customer with the customer code TLN-PPUIT in "
                             "E-Financials. The name of the client is required.")
    return error


@scenario("cannot_update_customer")
def _(estonia, monkeypatch):
    store = estonia.efin.store
    store.clients[7] = {**store.clients[1], "id": 7, "code": "12905545", "name": "Põhja Puit"}
    estonia.customer.vat_number = "EE 107576178"
    estonia.customer.save()
    invoice = estonia.invoice()
    connector = prepared(estonia, invoice)
    error = raised_by(connector.send, invoice, connector.build(invoice, None))
    assert error.message == ("It was not possible to update the customer Põhja Puit OÜ in E-Financials. "
                             "The VAT number EE 107576178 is not valid.")
    return error


@scenario("cannot_send_invoice")
def _(estonia, monkeypatch):
    invoice = estonia.invoice()
    connector = prepared(estonia, invoice)
    payload = connector.build(invoice, None)
    estonia.efin.store.sale_articles[1]["is_valid"] = False  # changed in E-Financials meanwhile
    error = raised_by(connector.send, invoice, payload)
    assert error.message == (f"It was not possible to send invoice {invoice.number} to E-Financials. Row 1: "
                             f"sale article 1 is not valid on 2026-11-20.")
    return error


@scenario("already_exists")
def _(estonia, monkeypatch):
    invoice = estonia.invoice()
    estonia.efin.store.sale_invoices[1]["number"] = str(invoice.number)  # made in E-Financials, in October
    connector = prepared(estonia, invoice)
    error = raised_by(connector.send, invoice, connector.build(invoice, None))
    assert error.message == f"The following invoices {invoice.number} already exist in E-Financials."
    return error


# -- what E-Financials must hold ----------------------------------------------------------------------------

@scenario("removed_or_inactivated")
def _(estonia, monkeypatch):
    estonia.invoice()
    estonia.efin.store.accounts[3100]["is_disabled"] = True
    problem = only_problem(estonia.connector())
    assert problem.message == "The following accounts have been removed from or inactivated in E-Financials 3100."
    return problem


@scenario("not_in_efinancials")
def _(estonia, monkeypatch):
    invoice = estonia.invoice(Line(vat="0"))
    del estonia.efin.store.accounts[3520]
    error = raised_by(prepared(estonia, invoice).build, invoice, None)
    assert error.message == "The following account is not in E-Financials 3520."
    return error


@scenario("sale_articles_missing")
def _(estonia, monkeypatch):
    invoice = estonia.invoice(Line(), Line(item="EU leg", vat="0"))
    del estonia.efin.store.sale_articles[2]
    error = raised_by(prepared(estonia, invoice).build, invoice, None)
    assert error.message == "Sales articles missing for the following accounts: 3520-0."
    return error


@scenario("no_bank_account")
def _(estonia, monkeypatch):
    estonia.office.iban = "EE471000001020145685"
    estonia.office.save()
    invoice = estonia.invoice()
    error = raised_by(prepared(estonia, invoice).build, invoice, None)
    assert error.message == "There is no bank account with the IBAN EE471000001020145685 in E-Financials."
    return error


@scenario("invoice_file_not_generated")
def _(estonia, monkeypatch):
    estonia.export.include_pdf_copy = True
    invoice = estonia.invoice()
    error = raised_by(prepared(estonia, invoice).build, invoice, None)
    assert error.message == "The invoice file could not be generated."
    return error


# -- account coding in Opter ---------------------------------------------------------------------------------

@scenario("no_sales_account")
def _(estonia, monkeypatch):
    estonia.vat0.sales_account = None
    estonia.vat0.save()
    invoice = estonia.invoice(Line(vat="0"))
    error = raised_by(prepared(estonia, invoice).build, invoice, None)
    assert error.message == "For the period 2026-11, there is no account for sales or the account is incorrect."
    return error


@scenario("no_accounts_for_period")
def _(estonia, monkeypatch):
    AccountCodingChart.objects.all().delete()
    invoice = estonia.invoice()
    error = raised_by(prepared(estonia, invoice).build, invoice, None)
    assert error.message == ("There are no accounts for the period 2026-11. Make sure that there is an account "
                             "for accounts receivable in the account coding charts.")
    return error


@scenario("no_receivable_account")
def _(estonia, monkeypatch):
    chart_with()
    invoice = estonia.invoice()
    error = raised_by(prepared(estonia, invoice).build, invoice, None)
    assert error.message == ("For the period 2026-11, there is no account for accounts receivable or the account "
                             "is incorrect.")
    return error


@scenario("incorrect_receivable_account")
def _(estonia, monkeypatch):
    Account.objects.filter(number="1210").update(is_active=False)
    invoice = estonia.invoice()
    error = raised_by(prepared(estonia, invoice).build, invoice, None)
    assert error.message == "The account for accounts receivable (1210) is incorrect for the period 2026-11."
    return error


@scenario("multiple_receivable_accounts")
def _(estonia, monkeypatch):
    chart = AccountCodingChart.objects.get()
    chart.accounts.create(role=ChartAccountRole.ACCOUNTS_RECEIVABLE,
                          account=Account.objects.create(number="1220", description="Other receivables"))
    invoice = estonia.invoice()
    error = raised_by(prepared(estonia, invoice).build, invoice, None)
    assert error.message == ("There are multiple accounts for accounts receivable (1210, 1220) for the "
                             "period 2026-11.")
    return error


@scenario("invalid_start_text")
def _(estonia, monkeypatch):
    estonia.export.start_text = "Colour=blue"
    problem = only_problem(estonia.connector())
    assert problem.message.startswith("The start text of the E-Financials export is not valid: Line 1: unknown "
                                      "parameter 'Colour'.")
    return problem


@scenario("credit_original_not_exported")
def _(estonia, monkeypatch):
    return blocked_credit(estonia.export, estonia.invoice())


@scenario("credit_refused")
def _(estonia, monkeypatch):
    """Crediting more than the original: E-Financials answers 409 and the item keeps the worded refusal."""
    original = estonia.invoice()
    for invoices in ([original], [credit_invoice(original)], [credit_invoice(original, original.number + 600000)]):
        run = plan_run(invoices=invoices, export=estonia.export)
        execute_run(run.pk)
    item = run.items.get()
    assert item.last_error_message.startswith("E-Financials did not accept credit invoice")
    return SimpleNamespace(code=item.last_error_code)


def test_every_catalogue_code_has_a_scenario():
    assert sorted(SCENARIOS) == sorted(CATALOGUE.messages)


@pytest.mark.parametrize("code", sorted(SCENARIOS))
def test_catalogue_message_is_raised(code, estonia, monkeypatch):
    raised = SCENARIOS[code](estonia, monkeypatch)
    assert raised.code == f"efinancials.{code}"


# -- more ways to the same messages --------------------------------------------------------------------------

def test_inactive_and_missing_projects(estonia):
    invoice = estonia.invoice(Line(project="Long haul"))
    estonia.efin.store.projects[2]["is_disabled"] = True
    connector = prepared(estonia, invoice)
    assert raised_by(connector.build, invoice, None).message == (
        "The following projects have been removed from or inactivated in E-Financials Long haul.")
    del estonia.efin.store.projects[2]
    connector = prepared(estonia, invoice)
    assert raised_by(connector.build, invoice, None).message == (
        "The following project is not in E-Financials Long haul.")


def test_a_missing_corporate_id_cannot_create_the_customer(estonia):
    estonia.customer.corporate_id = ""
    estonia.customer.save()
    invoice = estonia.invoice()
    assert raised_by(prepared(estonia, invoice).build, invoice, None).message == (
        "It was not possible to create a customer with the customer code TLN-PPUIT in E-Financials. The customer "
        "has no corporate ID number in Opter.")


def test_a_reading_call_that_keeps_timing_out_is_a_time_out(estonia, monkeypatch):
    monkeypatch.setattr(settings, "EXPORT_READ_BACKOFF_FACTOR", 0, raising=False)  # no waits between reads
    estonia.export.request_timeout = 1
    estonia.efin.configure({"script": [{"kind": "slow", "delay_ms": 1200, "match": "accounts", "times": 4}]})
    problem = only_problem(estonia.connector())
    assert problem.message == "The call to E-Financials timed out."
