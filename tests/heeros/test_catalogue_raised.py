"""Every message of the Heeros catalogue, raised for real: by the connector talking to the sandbox over a
socket, by the engine's run, or by the checks of Opter's data. One scenario per code; a code without a
scenario fails. The five texts of Opter's article are compared with the article itself when it is there."""
import signal
import socket
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings as django_settings

from accounting.models import Account, AccountCodingChart, AccountCodingChartAccount, ChartAccountRole, VatRate
from exports.connectors.base import ExportError
from exports.connectors.heeros.messages import CATALOGUE, LOGIN_FAILED
from exports.connectors.steps import Steps
from exports.models import InvoiceExport
from exports.services.planning import plan_run
from tests.fixtures.credits import blocked_credit, credit_invoice
from tests.heeros.conftest import ByHand, finish

SEED = Path(django_settings.BASE_DIR).parent / "shared" / "seeds" / "004_3862901870f899de.txt"
SEED_CODES = ("credentials", "cannot_send", "incomplete", "not_confirmed", "validation_errors")
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def one(helsinki):
    (invoice,) = helsinki.invoices(1)
    return invoice, ByHand(helsinki.prepared([invoice]))


# -- the seed's five -----------------------------------------------------------------------------------------

@scenario("credentials")
def _(helsinki, **_):
    helsinki.export.client_key = "not-the-heeros-password"
    helsinki.export.save()
    problem = only_problem(helsinki.connector())
    assert problem.message == LOGIN_FAILED
    return problem


@scenario("cannot_send")
def _(helsinki, **_):
    """Heeros refuses the upload: the number is taken by an invoice that is not ours (another total)."""
    invoice, other = helsinki.invoices(2)
    connector = ByHand(helsinki.prepared([invoice, other]))
    theirs = connector.build(other, None).body.document.replace(
        f"<InvoiceNumber>{other.number}</InvoiceNumber>".encode(),
        f"<InvoiceNumber>{invoice.number}</InvoiceNumber>".encode())
    connector.connector.transport.upload(theirs, {})
    error = raised_by(connector.send, invoice)
    (import_id,) = helsinki.sim.store.imports
    assert error.message == (f"It was not possible to send the invoice to Heeros. Error code from Heeros: "
                             f"DuplicateInvoiceNumber. Error message from Heeros: An invoice with the number "
                             f"{invoice.number} already exists (import {import_id}).")
    return error


@scenario("incomplete")
def _(helsinki, run_of, **_):
    helsinki.sim.configure({"outcome": "incomplete"})
    invoice, _ = one(helsinki)
    item = run_of([invoice]).items.get()
    (heeros_id,) = helsinki.sim.store.invoices
    assert item.last_error_message == (f"The invoice has been sent but it could not be processed in Heeros because "
                                       f"it is incomplete. Please check incomplete invoices in Heeros. Invoice ID in "
                                       f"Heeros: {heeros_id}.")
    return item


@scenario("not_confirmed")
def _(helsinki, run_of, quick, **_):
    quick(timeout=0.1)
    helsinki.sim.configure({"processing_polls": -1})
    invoice, _ = one(helsinki)
    item = run_of([invoice]).items.get()
    assert item.last_error_message == (f"The invoice has been sent but it could not be confirmed within the time "
                                       f"limit. Please check incomplete invoices in Heeros to see if it has been "
                                       f"registered and its current status. Invoice ID in Heeros: "
                                       f"{item.steps[0][1]}.")
    return item


@scenario("validation_errors")
def _(helsinki, **_):
    helsinki.invoices(1)[0].office.__class__.objects.filter(code="HEL").update(iban="FI2112345600000786")
    invoice, connector = one(helsinki)  # the IBAN is one digit off: its check fails
    error = raised_by(connector.send, invoice)
    assert error.message == (f"It was not possible to send the invoice {invoice.number} to Heeros due to validation "
                             f"errors. Number of errors: {error.params[2]}. Please contact Opter support.")
    assert "is not a valid IBAN" in error.excerpt
    assert helsinki.sim.received_documents() == []
    return error


# -- ours --------------------------------------------------------------------------------------------------------

@scenario("invalid_start_text")
def _(helsinki, **_):
    InvoiceExport.objects.filter(pk=helsinki.export.pk).update(start_text="MoveOnlyToLedger=true\n"
                                                                          "SendToCustomer=true")
    problem = only_problem(helsinki.connector())
    assert problem.message == ("The start text of the Heeros export is not valid: Line 2: only one of "
                               "MoveOnlyToLedger and SendToCustomer can be true.")
    return problem


@scenario("no_api_address")
def _(helsinki, settings, **_):
    settings.HEEROS_API_BASE_URL = ""
    helsinki.export.base_url = ""
    helsinki.export.save()
    problem = only_problem(helsinki.connector())
    assert problem.message == CATALOGUE.text("no_api_address")
    return problem


@scenario("schema_unreadable")
def _(helsinki, settings, tmp_path, **_):
    settings.FINVOICE_XSD = str(tmp_path / "Finvoice3.0.xsd")
    problem = only_problem(helsinki.connector())
    assert problem.message.startswith(f"The Finvoice 3.0 schema set in FINVOICE_XSD cannot be used "
                                      f"({tmp_path / 'Finvoice3.0.xsd'}): ")
    return problem


# -- the shared transport, in Heeros' name ------------------------------------------------------------------------

@scenario("cannot_connect")
def _(helsinki, **_):
    helsinki.export.base_url = f"http://127.0.0.1:{free_port()}/heeros"
    helsinki.export.save()
    problem = only_problem(helsinki.connector())
    assert problem.message.startswith("It was not possible to connect to Heeros. ")
    assert "refused" in problem.message
    return problem


@scenario("timed_out")
def _(helsinki, **_):
    invoice, connector = one(helsinki)
    connector.transport.company()  # logged in
    connector.transport.http.timeout = (2, 0.2)
    helsinki.sim.configure({"script": [{"kind": "slow", "delay_ms": 500, "match": "salesinvoices$"}]})
    error = raised_by(connector.send, invoice)
    assert error.message == "The call to Heeros timed out."
    assert error.may_have_reached_target and error.retryable
    return error


@scenario("unsuccessful_status")
def _(helsinki, **_):
    invoice, connector = one(helsinki)
    helsinki.sim.configure({"script": [{"kind": "error", "status": 500, "match": "^POST .*salesinvoices$"}]})
    error = raised_by(connector.send, invoice)
    assert error.message == "The API call to Heeros was unsuccessful. Status code 500."
    assert error.may_have_reached_target
    return error


@scenario("too_many_calls")
def _(helsinki, **_):
    invoice, connector = one(helsinki)
    connector.transport.http.throttle_wait_max = 1
    helsinki.sim.configure({"retry_after": 1, "script": [{"kind": "throttle", "match": "salesinvoices$",
                                                          "times": 2}]})
    error = raised_by(connector.send, invoice)
    assert error.message == "The API call to Heeros was unsuccessful. Status code 429."
    assert error.throttled and not error.may_have_reached_target
    return error


@scenario("unknown_error")
def _(helsinki, **_):
    helsinki.sim.configure({"script": [{"kind": "bad_encoding", "match": "^GET"}]})
    problem = only_problem(helsinki.connector())
    assert problem.message.startswith("An unknown error occurred in the API call to Heeros: ")
    return problem


@scenario("unparsable")
def _(helsinki, **_):
    invoice, connector = one(helsinki)
    helsinki.sim.configure({"script": [{"kind": "garbage", "match": "^POST .*salesinvoices$"}]})
    error = raised_by(connector.send, invoice)
    assert error.message.startswith("It was not possible to interpret the response from Heeros: POST ")
    assert "not JSON" in error.message and error.may_have_reached_target
    return error


@scenario("call_unsuccessful")
def _(helsinki, **_):
    helsinki.export.base_url = helsinki.sandbox.url + "/heeros/v9"
    helsinki.export.save()
    problem = only_problem(helsinki.connector())
    assert problem.message == "Call to Heeros POST login was unsuccessful. Status code 404."
    return problem


@scenario("call_cancelled")
def _(helsinki, **_):
    """The worker is stopped (Celery's soft time limit) while the upload is under way."""
    invoice, connector = one(helsinki)
    connector.transport.company()
    helsinki.sim.configure({"latency_ms": 1000})
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: (_ for _ in ()).throw(SoftTimeLimitExceeded()))
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    try:
        error = raised_by(connector.send, invoice)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert error.message == "The call to Heeros was cancelled."
    return error


@scenario("export_cancelled")
def _(helsinki, **_):
    invoice, connector = one(helsinki)
    connector.cancel()
    error = raised_by(connector.send, invoice)
    assert error.message == "The invoice export to Heeros was cancelled."
    return error


@scenario("already_exists")
def _(helsinki, run_of, **_):
    invoice, _ = one(helsinki)
    first = run_of([invoice])
    item = run_of([invoice]).items.get()
    assert item.last_error_message.startswith(f"The following invoices {invoice.number} already exist in Heeros. "
                                              f"It was exported by run #{first.pk}")
    return item


@scenario("invoice_file_not_generated")
def _(helsinki, run_of, monkeypatch, **_):
    """Heeros takes no PDF copy, but an export may still ask for one: a PDF that cannot be made fails the
    invoice in Heeros' catalogue."""
    from exports.pdf.render import InvoicePdfError

    def broken(invoice, reduced=False):
        raise InvoicePdfError("The invoice file could not be generated.")

    monkeypatch.setattr("exports.pdf.render.render_invoice_pdf", broken)
    helsinki.export.include_pdf_copy = True
    helsinki.export.save()
    invoice, _ = one(helsinki)
    item = run_of([invoice], preview=True).items.get()
    assert (item.last_error_code, item.last_error_message) == ("xmlserializer.invoice_file_not_generated",
                                                               "The invoice file could not be generated.")
    return item


# -- Opter's account coding, in Heeros' catalogue -------------------------------------------------------------

def _coding(helsinki, run_of, change, code):
    change()
    invoice, _ = one(helsinki)
    item = run_of([invoice], preview=True).items.get()
    assert item.last_error_code == f"xmlserializer.{code}", item.last_error_message
    return item


@scenario("no_accounts_for_period")
def _(helsinki, run_of, **_):
    return _coding(helsinki, run_of, lambda: AccountCodingChart.objects.all().delete(), "no_accounts_for_period")


@scenario("no_receivable_account")
def _(helsinki, run_of, **_):
    return _coding(helsinki, run_of, lambda: AccountCodingChart.objects.get().accounts.filter(
        role=ChartAccountRole.ACCOUNTS_RECEIVABLE).delete(), "no_receivable_account")


@scenario("incorrect_receivable_account")
def _(helsinki, run_of, **_):
    def inactive():
        receivables = AccountCodingChartAccount.objects.filter(role=ChartAccountRole.ACCOUNTS_RECEIVABLE)
        Account.objects.filter(pk__in=receivables.values("account_id")).update(is_active=False)
    return _coding(helsinki, run_of, inactive, "incorrect_receivable_account")


@scenario("multiple_receivable_accounts")
def _(helsinki, run_of, **_):
    return _coding(helsinki, run_of, lambda: AccountCodingChart.objects.get().accounts.create(
        role=ChartAccountRole.ACCOUNTS_RECEIVABLE, account=Account.objects.create(number="1299")),
        "multiple_receivable_accounts")


@scenario("no_sales_account")
def _(helsinki, run_of, **_):
    return _coding(helsinki, run_of, lambda: Account.objects.filter(
        pk__in=VatRate.objects.values("sales_account_id")).update(is_active=False), "no_sales_account")


# -- credit invoices ----------------------------------------------------------------------------------------

@scenario("credit_original_not_exported")
def _(helsinki, **_):
    return blocked_credit(helsinki.export, helsinki.invoices(1)[0])


@scenario("credit_refused")
def _(helsinki, **_):
    """Heeros no longer holds the original (deleted there meanwhile): the sandbox refuses the credit note."""
    original = helsinki.invoices(1)[0]
    finish(plan_run(invoices=[original], export=helsinki.export))
    with helsinki.sim.store.lock:
        helsinki.sim.store.invoices.clear()
    item = finish(plan_run(invoices=[credit_invoice(original)], export=helsinki.export)).items.get()
    assert item.last_error_code == "xmlserializer.credit_refused", item.last_error_message
    return item


@pytest.mark.parametrize("code", sorted(CATALOGUE.messages))
def test_every_heeros_message_is_raised(code, helsinki, run_of, quick, settings, monkeypatch, tmp_path):
    assert code in SCENARIOS, f"no scenario raises {code}"
    assert SCENARIOS[code](helsinki=helsinki, run_of=run_of, quick=quick, settings=settings,
                           monkeypatch=monkeypatch, tmp_path=tmp_path)


@pytest.mark.parametrize("code", SEED_CODES)
def test_the_articles_messages_are_verbatim(code):
    if not SEED.is_file():
        pytest.skip(f"Opter's article (seed 004) is not at {SEED}")
    assert CATALOGUE.messages[code] in SEED.read_text(encoding="utf-8")


def test_steps_survive_a_cancel_after_the_upload(helsinki):
    """A cancel during the upload stops the send after it, with the upload recorded: a retry confirms it."""
    invoice, connector = one(helsinki)
    steps = Steps()
    connector.connector.recorder = lambda call: call.method == "POST" and "salesinvoices" in call.path and (
        connector.connector.cancel())
    connector.connector.transport.http.recorder = connector.connector.recorder
    error = raised_by(connector.connector.send, invoice, connector.connector.build(invoice, None), steps)
    assert error.short_code == "export_cancelled"
    assert [step for step, _ in steps] == ["upload"]
