"""Every message of the Netvisor catalogue, raised for real: by the connector talking to the sandbox over
a socket, or by its checks of Opter's data. One scenario per code; a code without a scenario fails."""
import socket
import threading
import time
import uuid
from types import SimpleNamespace

import pytest

from accounting.models import Account, AccountCodingChart, ChartAccountRole
from exports.connectors.base import ExportError
from exports.connectors.netvisor.messages import CATALOGUE
from exports.models import ExportEvent, ItemState
from exports.services.planning import plan_run
from exports.services.runner import execute_run
from tests.factories import AccountCodingChartFactory
from tests.fixtures.credits import blocked_credit, credit_invoice
from tests.netvisor.conftest import PDF, Line

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


def only_problem(connector, invoices=None):
    (problem,) = connector.check_setup(invoices)
    return problem


def prepared(finland, *invoices):
    connector = finland.connector()
    connector.prepare(list(invoices))
    return connector


def sent(finland, invoice, connector=None):
    connector = connector or prepared(finland, invoice)
    return raised_by(connector.send, invoice, connector.build(invoice, PDF))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- transport ------------------------------------------------------------------------------------------

@scenario("cannot_connect")
def _(finland, settings):
    settings.EXPORT_READ_BACKOFF_FACTOR = 0
    finland.export.base_url = f"http://127.0.0.1:{free_port()}/netvisor"
    problem = only_problem(finland.connector())
    assert problem.message.startswith("It was not possible to connect to Netvisor. ")
    assert "refused" in problem.message.lower()
    return problem


@scenario("timed_out")
def _(finland, settings):
    invoice = finland.invoice()
    connector = prepared(finland, invoice)
    connector.api.http.timeout = (2, 0.2)
    finland.sim.configure({"script": [{"kind": "slow", "delay_ms": 500, "match": "customer.nv"}]})
    error = sent(finland, invoice, connector)
    assert error.message == "The call to Netvisor timed out."
    assert error.may_have_reached_target and error.retryable
    return error


@scenario("credentials")
def _(finland, settings):
    finland.export.password = "not-the-api-key"
    problem = only_problem(finland.connector())
    assert problem.message.startswith("The user credentials were not accepted by Netvisor. AUTHENTICATION_FAILED :: "
                                      "The MAC is not valid. Compute it over the string: http://")
    assert problem.message.endswith("&<customer key>&<partner key>.")
    return problem


@scenario("unsuccessful_status")
def _(finland, settings):
    invoice = finland.invoice()
    connector = prepared(finland, invoice)
    finland.sim.configure({"script": [{"kind": "error", "status": 500, "match": "^POST"}]})
    error = sent(finland, invoice, connector)
    assert error.message == "The API call to Netvisor was unsuccessful. Status code 500."
    assert error.may_have_reached_target and error.status == 500
    return error


@scenario("too_many_calls")
def _(finland, settings):
    invoice = finland.invoice()
    connector = prepared(finland, invoice)
    connector.api.http.throttle_wait_max = 2
    finland.sim.configure({"retry_after": 1, "script": [{"kind": "throttle", "match": "^POST /product.nv$",
                                                         "times": 3}]})
    error = sent(finland, invoice, connector)
    assert error.message == "The API call to Netvisor was unsuccessful. Status code 429."
    assert error.throttled and error.retryable and not error.may_have_reached_target
    return error


@scenario("call_unsuccessful")
def _(finland, settings):
    finland.export.base_url = finland.sandbox.url + "/netvisor/v2"
    problem = only_problem(finland.connector())
    assert problem.message == "Call to Netvisor GET accountlist.nv was unsuccessful. Status code 404."
    return problem


@scenario("unknown_error")
def _(finland, settings):
    finland.sim.configure({"script": [{"kind": "bad_encoding", "match": "accountlist", "times": 4}]})
    problem = only_problem(finland.connector())
    assert problem.message.startswith("An unknown error occurred in the API call to Netvisor: ")
    assert "decod" in problem.message.lower()
    return problem


@scenario("unparsable")
def _(finland, settings):
    finland.sim.configure({"script": [{"kind": "garbage", "match": "accountlist"}]})
    problem = only_problem(finland.connector())
    assert problem.message.startswith("It was not possible to interpret the response from Netvisor: GET "
                                      "/netvisor/accountlist.nv: not a Netvisor answer (no Root/ResponseStatus/"
                                      "Status): '<html>")
    return problem


# -- cancelling ---------------------------------------------------------------------------------------------

@scenario("call_cancelled")
def _(finland, settings):
    invoice = finland.invoice()
    holder = {}

    def recorder(call):
        if call.method == "POST" and call.path.endswith("/customer.nv"):
            holder["connector"].cancel()

    connector = holder["connector"] = finland.connector(recorder=recorder)
    connector.prepare([invoice])
    error = sent(finland, invoice, connector)
    assert error.message == "The call to Netvisor was cancelled."
    assert finland.sim.calls.count("POST", "/salesinvoice.nv") == 0
    return error


@scenario("export_cancelled")
def _(finland, settings):
    invoice = finland.invoice()
    connector = prepared(finland, invoice)
    payload = connector.build(invoice, PDF)
    calls = finland.sim.calls.total
    connector.cancel()
    error = raised_by(connector.send, invoice, payload)
    assert error.message == "The invoice export to Netvisor was cancelled."
    assert raised_by(connector.find_existing, invoice, True).code == error.code
    assert finland.sim.calls.total == calls
    return error


# -- writing ----------------------------------------------------------------------------------------------

@scenario("cannot_create_customer")
def _(finland, settings):
    finland.customer.edi_code = "PSPBFIHH"  # a bank that is no e-invoice operator
    finland.customer.save()
    settings.NETVISOR_EXTRA_OPERATOR_IDS = ["PSPBFIHH"]  # accepted here, but not by the sandbox's Netvisor
    invoice = finland.invoice()
    error = sent(finland, invoice)
    assert error.message == ("It was not possible to create a customer with the customer code HEL-KHOYL in Netvisor. "
                             "INVALID_DATA :: Data form incorrect:. Unknown e-invoice operator (finvoiceroutercode) "
                             "PSPBFIHH.")
    return error


@scenario("cannot_create_product")
def _(finland, settings):
    finland.sim.configure({"create_product_groups": False})
    error = sent(finland, finland.invoice())
    assert error.message == ("It was not possible to create the product Opter in the product group OpterGroup in "
                             "Netvisor. INVALID_DATA :: Data form incorrect:. Product group not found: OpterGroup.")
    return error


@scenario("cannot_create_dimension")
def _(finland, settings):
    finland.office.economic_unit_name_1 = "Projekti"
    finland.office.save()
    finland.sim.configure({"create_dimension_names": False})
    error = sent(finland, finland.invoice())
    assert error.message == ("It was not possible to create the item Helsinki of the dimension Projekti in Netvisor. "
                             "INVALID_DATA :: Data form incorrect:. Dimension not found: Projekti.")
    return error


@scenario("cannot_send_invoice")
def _(finland, settings):
    finland.sim.configure({"period_lock_before": "2026-12-01"})
    invoice = finland.invoice()
    error = sent(finland, invoice)
    assert error.message == (f"It was not possible to send invoice {invoice.number} to Netvisor. PERIOD_LOCK :: The "
                             f"accounting period of 2026-11-20 is locked.")
    return error


@scenario("already_exists")
def _(finland, settings):
    invoice = finland.invoice()
    finland.sim.store.invoices[1]["number"] = str(invoice.number)  # made in Netvisor, in October
    error = sent(finland, invoice)
    assert error.message == f"The following invoices {invoice.number} already exist in Netvisor."
    return error


# -- what Netvisor must hold ---------------------------------------------------------------------------------

@scenario("accounts_missing")
def _(finland, settings):
    invoice = finland.invoice(Line(vat="0"))
    del finland.company.accounts["3380"]
    problem = only_problem(finland.connector(), [invoice])
    assert problem.message == ("The account coding for the invoice period 2026-11 uses accounts that are missing in "
                               "Netvisor: 3380.")
    error = raised_by(prepared(finland, invoice).build, invoice, PDF)
    assert error.message == problem.message
    return error


@scenario("accounts_inactive")
def _(finland, settings):
    invoice = finland.invoice()
    finland.company.accounts["3000"]["active"] = False
    problem = only_problem(finland.connector(), [invoice])
    assert problem.message == ("The account coding for the invoice period 2026-11 uses accounts that are not active "
                               "in Netvisor: 3000.")
    return problem


@scenario("missing_right")
def _(finland, settings):
    invoice = finland.invoice()
    finland.sim.configure({"missing_rights": "customerlist.nv,dimensionlist.nv"})
    problems = finland.connector().check_setup([invoice])
    assert [p.message for p in problems] == [
        "The Netvisor API user has no right to customerlist.nv. SERVICE_ACCESS_ERROR :: The API user has no right "
        "to the interface customerlist.nv.",
        "The Netvisor API user has no right to dimensionlist.nv. SERVICE_ACCESS_ERROR :: The API user has no right "
        "to the interface dimensionlist.nv."]
    assert all(p.blocking for p in problems)
    return problems[0]


@scenario("call_refused")
def _(finland, monkeypatch):
    """A transaction id used twice (here: a broken id generator) is refused; a read tries a fresh one once."""
    fixed = uuid.UUID("0f8fad5bd9cb469fa16570867728950e")
    monkeypatch.setattr("exports.connectors.netvisor.auth.uuid.uuid4", lambda: fixed)
    problem = only_problem(finland.connector())
    assert problem.message == ("Netvisor refused the call GET customerlist.nv. REQUEST_NOT_UNIQUE :: Transaction id "
                               "0f8fad5bd9cb469fa16570867728950e has already been used.")
    return problem


@scenario("netvisor_unavailable")
def _(finland, settings):
    """Netvisor takes one call at a time per company: a second one while the first runs is refused."""
    finland.sim.configure({"refuse_concurrent_calls": True,
                           "script": [{"kind": "slow", "delay_ms": 600, "match": "accountlist"}]})
    slow = threading.Thread(target=finland.connector().check_setup, args=([],))
    slow.start()
    time.sleep(0.2)
    connector = finland.connector()
    error = raised_by(connector.reader.customers, ["HEL-KHOYL"])
    slow.join()
    assert error.message == ("Netvisor could not handle the call GET customerlist.nv at the moment. TECHNICAL_ERROR "
                             ":: Another request for this company is being processed; send one request at a time.")
    assert error.retryable
    return error


@scenario("invoice_file_not_generated")
def _(finland, settings):
    invoice = finland.invoice()
    error = raised_by(prepared(finland, invoice).build, invoice, None)
    assert error.message == "The invoice file could not be generated."
    return error


# -- Opter's side ----------------------------------------------------------------------------------------------

@scenario("customer_number_missing")
def _(finland, settings):
    finland.export.use_customer_number = True
    finland.customer.sales_ledger_number = None
    finland.customer.save()
    invoice = finland.invoice()
    problem = only_problem(finland.connector(), [invoice])
    assert problem.message == ("The customer HEL-KHOYL Kuopion Höyläämö Oy has no customer number (sales ledger "
                               "number) in Opter, and the Netvisor export matches customers on the customer number.")
    error = raised_by(prepared(finland, invoice).build, invoice, PDF)
    assert error.message == problem.message
    return error


@scenario("no_partner_credentials")
def _(finland, settings):
    settings.NETVISOR_PARTNER_ID = settings.NETVISOR_PARTNER_KEY = ""
    finland.export.client_identity = finland.export.client_key = ""
    problem = only_problem(finland.connector())
    assert problem.message == ("The partner id and partner key of this portal for Netvisor are not set: set "
                               "NETVISOR_PARTNER_ID and NETVISOR_PARTNER_KEY, or the export's Client identity and "
                               "Client key (File transfer tab).")
    return problem


@scenario("invalid_start_text")
def _(finland, settings):
    finland.export.start_text = "paid"
    problem = only_problem(finland.connector())
    assert problem.message == ("The start text of the Netvisor export is not valid: Line 1: 'paid' is not a Netvisor "
                               "invoice status; enter open or unsent in lower-case letters without any other "
                               "characters.")
    return problem


@scenario("no_sales_account")
def _(finland, settings):
    finland.vat0.sales_account = None
    finland.vat0.save()
    invoice = finland.invoice(Line(vat="0"))
    error = raised_by(prepared(finland, invoice).build, invoice, PDF)
    assert error.message == "For the period 2026-11, there is no account for sales or the account is incorrect."
    return error


@scenario("no_accounts_for_period")
def _(finland, settings):
    AccountCodingChart.objects.all().delete()
    invoice = finland.invoice()
    error = raised_by(prepared(finland, invoice).build, invoice, PDF)
    assert error.message == ("There are no accounts for the period 2026-11. Make sure that there is an account "
                             "for accounts receivable in the account coding charts.")
    return error


@scenario("no_receivable_account")
def _(finland, settings):
    AccountCodingChart.objects.all().delete()
    AccountCodingChartFactory(name="Finland 2", receivable=False)
    invoice = finland.invoice()
    error = raised_by(prepared(finland, invoice).build, invoice, PDF)
    assert error.message == ("For the period 2026-11, there is no account for accounts receivable or the account "
                             "is incorrect.")
    return error


@scenario("incorrect_receivable_account")
def _(finland, settings):
    Account.objects.filter(number="1210").update(is_active=False)
    invoice = finland.invoice()
    error = raised_by(prepared(finland, invoice).build, invoice, PDF)
    assert error.message == "The account for accounts receivable (1210) is incorrect for the period 2026-11."
    return error


@scenario("multiple_receivable_accounts")
def _(finland, settings):
    AccountCodingChart.objects.get().accounts.create(
        role=ChartAccountRole.ACCOUNTS_RECEIVABLE, account=Account.objects.create(number="1700", description="x"))
    invoice = finland.invoice()
    error = raised_by(prepared(finland, invoice).build, invoice, PDF)
    assert error.message == "There are multiple accounts for accounts receivable (1210, 1700) for the period 2026-11."
    return error


# -- credit invoices -------------------------------------------------------------------------------------

def run_of(finland, *invoices):
    run = plan_run(invoices=list(invoices), export=finland.export)
    execute_run(run.pk)
    return run


@scenario("credit_original_not_exported")
def _(finland, settings):
    return blocked_credit(finland.export, finland.invoice())


@scenario("credit_refused")
def _(finland, settings):
    """The credited invoice was deleted in Netvisor meanwhile: matchcreditnote.nv refuses the match."""
    original = finland.invoice()
    run_of(finland, original)
    with finland.sim.store.lock:
        (key,) = [k for k, i in finland.sim.store.invoices.items() if i["number"] == str(original.number)]
        del finland.sim.store.invoices[key]
    credit = credit_invoice(original)
    item = run_of(finland, credit).items.get()
    assert item.state == ItemState.FAILED
    assert item.last_error_message.startswith(
        f"Netvisor did not accept credit invoice {credit.number} for invoice {original.number}: ")
    return SimpleNamespace(code=item.last_error_code)


@scenario("credit_not_matched")
def _(finland, settings):
    """An export that sends invoices unsent books the credit note, but Netvisor matches only open invoices."""
    finland.export.start_text = "unsent"
    finland.export.save()
    original = finland.invoice()
    run_of(finland, original)
    credit = credit_invoice(original)
    run = run_of(finland, credit)
    item = run.items.get()
    assert item.state == ItemState.SENT
    assert item.warning_message == (f"Credit note {credit.number} is in Netvisor but was not matched to invoice "
                                    f"{original.number}: Netvisor matches only open invoices, and this export "
                                    f"sends them unsent. Match it in Netvisor.")
    return ExportEvent.objects.get(run=run, code="netvisor.credit_not_matched")


def test_every_catalogue_code_has_a_scenario():
    assert sorted(SCENARIOS) == sorted(CATALOGUE.messages)


@pytest.mark.parametrize("code", sorted(SCENARIOS))
def test_catalogue_message_is_raised(code, finland, settings, monkeypatch):
    raised = SCENARIOS[code](finland, monkeypatch if code == "call_refused" else settings)
    assert raised.code == f"netvisor.{code}"
