"""Every message of the Procountor catalogue, raised for real: by the connector talking to the sandbox over a
socket, by the engine, or by the checks of Opter's data. One scenario per code, verbatim with its
placeholders filled; a code without a scenario fails."""
import socket
from types import SimpleNamespace

import pytest
from django.conf import settings

from accounting.models import Account, AccountCodingChart, ChartAccountRole, EconomicUnit, Invoice
from exports.catalogue import TRANSPORT_REASONS
from exports.connectors.base import ExportError
from exports.connectors.procountor.messages import CATALOGUE
from exports.models import CodeTranslation, ExportEvent
from exports.services.planning import plan_run
from exports.services.runner import execute_run
from tests.fixtures.credits import blocked_credit, credit_invoice
from tests.procountor.conftest import PDF, Line

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
    problems = [p for p in connector.check_setup(invoices) if p.blocking]
    assert len(problems) == 1, problems
    return problems[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def send_error(finland, invoice, pdf=None):
    connector = finland.prepared(invoice)
    return raised_by(connector.send, invoice, connector.build(invoice, pdf))


# -- transport, in the article's words where it has them -------------------------------------------------------

@scenario("cannot_connect")
def _(finland, monkeypatch):
    monkeypatch.setattr(settings, "EXPORT_READ_BACKOFF_FACTOR", 0, raising=False)  # no waits between reads
    finland.export.base_url = f"http://127.0.0.1:{free_port()}/procountor"
    problem = only_problem(finland.connector())
    assert problem.message == f"It was not possible to connect to Procountor. {TRANSPORT_REASONS['refused']}."
    return problem


@scenario("timed_out")
def _(finland, monkeypatch):
    invoice = finland.invoice()
    connector = finland.prepared(invoice)
    connector.api.http.timeout = (2, 0.2)
    finland.sim.configure({"script": [{"kind": "slow", "delay_ms": 500, "match": "^POST /api/invoices$"}]})
    error = raised_by(connector.send, invoice, connector.build(invoice, None))
    assert error.message == "The call to Procountor timed out."
    assert error.may_have_reached_target and error.retryable
    return error


@scenario("credentials")
def _(finland, monkeypatch):
    finland.export.password = "not-the-api-key"
    problem = only_problem(finland.connector())
    assert problem.message == "The user credentials were not accepted by Procountor"
    return problem


@scenario("unsuccessful_status")
def _(finland, monkeypatch):
    finland.sim.configure({"script": [{"kind": "error", "status": 500, "match": "^POST /api/invoices$"}]})
    error = send_error(finland, finland.invoice())
    assert error.message == "Error during API call: status code 500"
    assert error.may_have_reached_target and error.retryable
    return error


@scenario("too_many_calls")
def _(finland, monkeypatch):
    invoice = finland.invoice()
    connector = finland.prepared(invoice)
    connector.api.http.throttle_wait_max = 2
    finland.sim.configure({"retry_after": 1, "script": [{"kind": "throttle", "match": "^POST /api/invoices$",
                                                         "times": 3}]})
    error = raised_by(connector.send, invoice, connector.build(invoice, None))
    assert error.message == "Too many calls"
    assert error.throttled and error.retryable and not error.may_have_reached_target
    return error


@scenario("call_unsuccessful")
def _(finland, monkeypatch):
    """Procountor refuses the invoice (the period was closed after the run read the fiscal years): its words
    follow."""
    invoice = finland.invoice()
    connector = finland.prepared(invoice)
    payload = connector.build(invoice, None)
    finland.sim.configure({"closed_periods": "2026-11"})
    error = raised_by(connector.send, invoice, payload)
    assert error.message == "Error during API call POST invoices: status code 400. date: CLOSED_FISCAL_PERIOD"
    return error


@scenario("unknown_error")
def _(finland, monkeypatch):
    finland.sim.configure({"script": [{"kind": "bad_encoding", "match": "^GET /api/fiscalyears$"}]})
    problem = only_problem(finland.connector())
    assert problem.message.startswith("An unknown error occurred in the API call to Procountor: ")
    assert "decod" in problem.message.lower()
    return problem


@scenario("unparsable")
def _(finland, monkeypatch):
    finland.sim.configure({"script": [{"kind": "garbage", "match": "^GET /api/fiscalyears$"}]})
    problem = only_problem(finland.connector())
    assert problem.message.startswith("It was not possible to interpret the response from Procountor: "
                                      "GET /procountor/api/fiscalyears: not JSON: '<html>")
    return problem


@scenario("call_cancelled")
def _(finland, monkeypatch):
    invoice = finland.invoice()
    holder = {}

    def recorder(call):
        if call.method == "POST" and call.path.endswith("/api/invoices"):
            holder["connector"].cancel()

    connector = holder["connector"] = finland.prepared(invoice, recorder=recorder)
    error = raised_by(connector.send, invoice, connector.build(invoice, None))
    assert error.message == "The call to Procountor was cancelled."
    assert finland.sim.calls.count("PUT") == 0
    return error


@scenario("export_cancelled")
def _(finland, monkeypatch):
    invoice = finland.invoice()
    connector = finland.prepared(invoice)
    payload = connector.build(invoice, None)
    calls = finland.sim.calls.total
    connector.cancel()
    error = raised_by(connector.send, invoice, payload)
    assert error.message == "The invoice export to Procountor was cancelled."
    assert raised_by(connector.find_existing, invoice, True).code == error.code
    assert finland.sim.calls.total == calls
    return error


@scenario("already_exists")
def _(finland, monkeypatch):
    """Procountor made an invoice with this number itself (no original number): the POST is refused."""
    invoice = finland.invoice()
    other = finland.invoice(number=invoice.number + 500)
    finland.send(other)
    finland.remote_invoice(other.number).update(invoiceNumber=invoice.number, originalInvoiceNumber=None)
    error = send_error(finland, invoice)
    assert error.message == f"The invoices {invoice.number} already exist in Procountor."
    return error


@scenario("invoice_file_not_generated")
def _(finland, monkeypatch):
    """The PDF cannot be made: the invoice goes to Procountor all the same, with the warning (seed 002)."""
    from exports.pdf.render import InvoicePdfError

    def broken(invoice, reduced=False):
        raise InvoicePdfError("The invoice file could not be generated.")

    monkeypatch.setattr("exports.pdf.render.render_invoice_pdf", broken)
    invoice = finland.invoice()
    run = plan_run(invoices=[invoice], export=finland.export)
    execute_run(run.pk)
    item = run.items.get()
    assert item.state == "sent" and not finland.remote_invoice(invoice.number)["attachments"]
    event = ExportEvent.objects.get(run=run, code="procountor.invoice_file_not_generated")
    assert event.message == (f"The Opter invoice in PDF format could not be attached to invoice {invoice.number}: "
                             f"The invoice file could not be generated.")
    return event


# -- the article's table --------------------------------------------------------------------------------------

@scenario("product_group")
def _(finland, monkeypatch):
    finland.export.start_text = "ProductGroup=OpterGroup ✓"  # not in Procountor's character set
    error = send_error(finland, finland.invoice())
    assert error.message == "The product group OpterGroup ✓ does not exist/could not be created in Procountor"
    return error


@scenario("incorrect_account")
def _(finland, monkeypatch):
    Account.objects.filter(number="3000").update(number="3000-A")
    invoice = finland.invoice()
    error = raised_by(finland.prepared(invoice).build, invoice, None)
    assert error.message == "Incorrectly stated account number: 3000-A"
    return error


@scenario("no_account")
def _(finland, monkeypatch):
    del finland.sim.store.accounts["3000"]
    invoice = finland.invoice()
    error = raised_by(finland.prepared(invoice).build, invoice, None)
    assert error.message == "No 3000 account in Procountor. Check the accounts available in Procountor."
    return error


@scenario("accounts_not_retrieved")
def _(finland, monkeypatch):
    finland.sim.configure({"script": [{"kind": "error", "status": 404, "match": "^GET /api/coa$"}]})
    problem = only_problem(finland.connector())
    assert problem.message == "Could not retrieve accounts from Procountor"
    return problem


@scenario("dimensions_missing")
def _(finland, monkeypatch):
    finland.office.economic_unit_name_2 = "Projektiryhmä"
    finland.office.save()
    EconomicUnit.objects.create(office=finland.office, level=2, code="P1", name="Satama")
    invoice = finland.invoice()
    InvoiceLineUnits = invoice.lines.model.economic_units.through
    InvoiceLineUnits.objects.create(invoiceline=invoice.lines.first(),
                                    economicunit=EconomicUnit.objects.get(code="P1"))
    error = raised_by(finland.prepared(invoice).build, invoice, None)
    assert error.message == "The dimensions Projektiryhmä do not exist in Procountor"
    return error


@scenario("coding_not_retrieved")
def _(finland, monkeypatch):
    finland.sim.configure({"script": [{"kind": "error", "status": 404, "match": r"^GET /api/ledgerreceipts/\d+$"}]})
    invoice = finland.invoice()
    error = send_error(finland, invoice)
    assert error.message == f"Could not retrieve account coding for invoice {invoice.number} from Procountor"
    return error


@scenario("coding_not_updated")
def _(finland, monkeypatch):
    invoice = finland.invoice()
    connector = finland.prepared(invoice)
    payload = connector.build(invoice, None)
    finland.sim.store.accounts["1210"]["active"] = False  # closed in Procountor meanwhile
    error = raised_by(connector.send, invoice, payload)
    assert error.message == f"Could not update account coding for invoice {invoice.number} in Procountor"
    assert "SIM_INACTIVE_ACCOUNT" in error.excerpt
    return error


@scenario("period_closed")
def _(finland, monkeypatch):
    finland.sim.configure({"closed_periods": "2026-11"})
    invoice = finland.invoice()
    error = raised_by(finland.prepared(invoice).build, invoice, None)
    assert error.message == "The period for date 2026-11-20 does not exist or is closed in Procountor"
    return error


@scenario("customer_not_created")
def _(finland, monkeypatch):
    finland.customer.name = "Tampereen Sähkötukku " + "ja Sähköasennus " * 4 + "Oy"  # over Procountor's 80
    finland.customer.save()
    error = send_error(finland, finland.invoice())
    assert error.message == (f"The customer {finland.customer.name} could not be created in Procountor (customer "
                             f"code: HEL-TSAHK, customer no.: 2001)")
    assert "name: SIM_LENGTH_1_80" in error.excerpt
    return error


@scenario("customer_not_updated")
def _(finland, monkeypatch):
    """Customer no. 1001 is in Procountor already; the name it has in Opter now is too long for Procountor."""
    finland.customer.sales_ledger_number = 1001
    finland.customer.name = "Kuopion Höyläämö " + "ja Sahatavara " * 5 + "Oy"
    finland.customer.save()
    error = send_error(finland, finland.invoice())
    assert error.message == (f"The customer {finland.customer.name} could not be updated in Procountor (customer "
                             f"code: HEL-TSAHK, customer no.: 1001)")
    return error


@scenario("customer_number_missing")
def _(finland, monkeypatch):
    finland.customer.sales_ledger_number = None
    finland.customer.save()
    invoice = finland.invoice()
    error = raised_by(finland.prepared(invoice).build, invoice, None)
    assert error.message == (f"Customer number missing in Opter for customer: Tampereen Sähkötukku Oy (customer "
                             f"code: HEL-TSAHK, customer no: {finland.customer.pk})")
    return error


@scenario("pdf_not_attached")
def _(finland, monkeypatch):
    finland.sim.configure({"max_attachment_bytes": 40})
    invoice = finland.invoice()
    connector = finland.prepared(invoice)
    result = connector.send(invoice, connector.build(invoice, PDF))
    (warning,) = result.warnings
    assert finland.remote_invoice(invoice.number)["status"] == "UNFINISHED"  # the invoice stands
    assert warning[1] == (f"The Opter invoice in PDF format could not be attached to the invoice in Procountor. "
                          f"Invoice {invoice.number}: POST attachments: status code 400. file: File size too big")
    assert connector.find_existing(invoice).complete
    return SimpleNamespace(code=warning[0], message=warning[1])


@scenario("vat_status_missing")
def _(finland, monkeypatch):
    CodeTranslation.objects.filter(vat_rate=finland.vat0).delete()
    invoice = finland.invoice(Line(vat="0"))
    error = raised_by(finland.prepared(invoice).build, invoice, None)
    assert error.message == ("The VAT rate EU sales 0 % has no VAT status code on the Codes tab (Tax rates) of the "
                             "Procountor export")
    return error


@scenario("vat_status_invalid")
def _(finland, monkeypatch):
    CodeTranslation.objects.filter(vat_rate=finland.vat0).update(code="vat_99")
    invoice = finland.invoice(Line(vat="0"))
    error = raised_by(finland.prepared(invoice).build, invoice, None)
    assert error.message == ("The VAT status code vat_99 of the VAT rate EU sales 0 % is not a VAT status of "
                             "Procountor for sales; check VAT defaults in Procountor")
    return error


@scenario("vat_percent_not_in_use")
def _(finland, monkeypatch):
    finland.sim.configure({"vat_percents": "0,10,14,24"})
    invoice = finland.invoice()
    error = raised_by(finland.prepared(invoice).build, invoice, None)
    assert error.message == "The VAT percentage 25.5 is not in use in Procountor; check VAT defaults in Procountor"
    return error


@scenario("integration_not_configured")
def _(finland, monkeypatch):
    from django.conf import settings

    monkeypatch.setattr(settings, "PROCOUNTOR_CLIENT_SECRET", "")
    problem = only_problem(finland.connector())
    assert problem.message == ("The portal is not registered as a Procountor integration: set PROCOUNTOR_CLIENT_ID "
                               "and PROCOUNTOR_CLIENT_SECRET, or Client identity and Client key on the File "
                               "transfer tab")
    return problem


@scenario("invoice_inconsistent")
def _(finland, monkeypatch):
    invoice = finland.invoice()
    Invoice.objects.filter(pk=invoice.pk).update(total=invoice.total + 1)
    invoice.refresh_from_db()
    error = raised_by(finland.prepared(invoice).build, invoice, None)
    assert error.message == (f"Invoice {invoice.number} cannot be sent to Procountor: Its lines add up to net "
                             f"{invoice.net_amount}, VAT {invoice.vat_amount}, total {invoice.total - 1}, but the "
                             f"invoice says net {invoice.net_amount}, VAT {invoice.vat_amount}, total {invoice.total}")
    return error


@scenario("invalid_start_text")
def _(finland, monkeypatch):
    finland.export.start_text = "Colour=blue"
    problem = only_problem(finland.connector())
    assert problem.message.startswith("The start text of the Procountor export is not valid: Line 1: unknown "
                                      "parameter 'Colour'.")
    return problem


# -- account coding in Opter ------------------------------------------------------------------------------

@scenario("no_sales_account")
def _(finland, monkeypatch):
    finland.vat0.sales_account = None
    finland.vat0.save()
    invoice = finland.invoice(Line(vat="0"))
    error = raised_by(finland.prepared(invoice).build, invoice, None)
    assert error.message == "For the period 2026-11, there is no account for sales or the account is incorrect."
    return error


@scenario("no_accounts_for_period")
def _(finland, monkeypatch):
    AccountCodingChart.objects.all().delete()
    invoice = finland.invoice()
    error = raised_by(finland.prepared(invoice).build, invoice, None)
    assert error.message == ("There are no accounts for the period 2026-11. Make sure that there is an account "
                             "for accounts receivable in the account coding charts.")
    return error


@scenario("no_receivable_account")
def _(finland, monkeypatch):
    AccountCodingChart.objects.get().accounts.filter(role=ChartAccountRole.ACCOUNTS_RECEIVABLE).delete()
    invoice = finland.invoice()
    error = raised_by(finland.prepared(invoice).build, invoice, None)
    assert error.message == ("For the period 2026-11, there is no account for accounts receivable or the account "
                             "is incorrect.")
    return error


@scenario("incorrect_receivable_account")
def _(finland, monkeypatch):
    Account.objects.filter(number="1210").update(is_active=False)
    invoice = finland.invoice()
    error = raised_by(finland.prepared(invoice).build, invoice, None)
    assert error.message == "The account for accounts receivable (1210) is incorrect for the period 2026-11."
    return error


@scenario("multiple_receivable_accounts")
def _(finland, monkeypatch):
    AccountCodingChart.objects.get().accounts.create(
        role=ChartAccountRole.ACCOUNTS_RECEIVABLE, account=Account.objects.create(number="1701", description="x"))
    invoice = finland.invoice()
    error = raised_by(finland.prepared(invoice).build, invoice, None)
    assert error.message == ("There are multiple accounts for accounts receivable (1210, 1701) for the "
                             "period 2026-11.")
    return error


# -- credit invoices ---------------------------------------------------------------------------------------

@scenario("credit_original_not_exported")
def _(finland, monkeypatch):
    return blocked_credit(finland.export, finland.invoice())


@scenario("credit_refused")
def _(finland, monkeypatch):
    """Crediting more than the original: the sandbox refuses the second credit invoice's link."""
    original = finland.invoice()
    for invoices in ([original], [credit_invoice(original)], [credit_invoice(original, original.number + 600000)]):
        run = plan_run(invoices=invoices, export=finland.export)
        execute_run(run.pk)
    item = run.items.get()
    assert item.last_error_message.startswith(
        f"Procountor did not accept credit invoice {original.number + 600000} for invoice {original.number}: ")
    return SimpleNamespace(code=item.last_error_code)


def test_every_catalogue_code_has_a_scenario():
    assert sorted(SCENARIOS) == sorted(CATALOGUE.messages)


@pytest.mark.parametrize("code", sorted(SCENARIOS))
def test_catalogue_message_is_raised(code, finland, monkeypatch):
    raised = SCENARIOS[code](finland, monkeypatch)
    assert raised.code == f"procountor.{code}"
