"""Every message of the e-conomic catalogue that is its own (not the shared transport's or account
coding's, which the contract suite raises), raised for real: by the connector talking to the sandbox over a
socket, or by its checks of Opter's data. One scenario per code, with the message verbatim; a code of the
catalogue without a scenario fails."""
from types import SimpleNamespace

import pytest

from accounting.models import Account, PaymentCondition, VatRate
from exports.catalogue import CODING_CODES, TRANSPORT_CODES
from exports.connectors.base import ExportError
from exports.connectors.economic.connector import EconomicConnector
from exports.connectors.economic.messages import CATALOGUE
from exports.models import CodeKind, CodeTranslation, ItemState
from tests.economic.conftest import by_hand, use_vouchers
from tests.fixtures.credits import blocked_credit, credit_invoice

SCENARIOS = {}


def scenario(code):
    def register(function):
        SCENARIOS[code] = function
        return function
    return register


def raised_by(call, *args) -> ExportError:
    with pytest.raises(ExportError) as raised:
        call(*args)
    return raised.value


def problems_of(world) -> list:
    connector = EconomicConnector(world.export)
    try:
        return connector.check_setup(world.invoices)
    finally:
        connector.close()


def only(problems, code):
    found = [p for p in problems if p.code == CATALOGUE.qualified(code)]
    assert len(found) == 1, problems
    return found[0]


@scenario("credentials")
def _(world, settings):
    world.export.set_secret("api_token", "a-revoked-grant")
    problem = only(problems_of(world), "credentials")
    assert problem.message == ("The tokens were not accepted by Visma e-conomic. Status code 401. Check the "
                               "export's API token (the app token from step 2) or grant the portal access to the "
                               "agreement again.")
    return problem


@scenario("app_not_configured")
def _(world, settings):
    """An export pointing elsewhere than the sandbox needs the portal's own app secret token."""
    settings.SANDBOX_URL = "http://sandbox.invalid:8765"
    settings.ECONOMIC_APP_SECRET_TOKEN = ""
    problems = problems_of(world)
    problem = only(problems, "app_not_configured")
    assert problem.message == ("The portal is not set up as a Visma e-conomic app: its app secret token is missing "
                               "(setting ECONOMIC_APP_SECRET_TOKEN or ECONOMIC_APP_SECRET_TOKEN_FILE).")
    assert CATALOGUE.qualified("credentials") in [p.code for p in problems]  # and e-conomic says no too
    error = raised_by(EconomicConnector(world.export).prepare, world.invoices)
    assert error.message == problem.message
    return problem


@scenario("product_groups_missing")
def _(world, settings):
    account = Account.objects.create(number="1099", description="Salg, ny konto")
    VatRate.objects.filter(code="DK25").update(sales_account=account)
    problem = only(problems_of(world), "product_groups_missing")
    assert problem.message == ("The following product groups are missing in Visma e-conomic: 1099. The sales "
                               "accounts used in this export are: 1099.")
    run = world.run()
    assert set(run.items.values_list("last_error_message", flat=True)) == {
        f"The export {world.export.name} cannot start: {problem.message}"}
    assert world.writes() == 0
    return problem


@scenario("cannot_create_customer")
def _(world, settings):
    world.sim.configure({"accept_vat_number": False})
    invoice = world.invoices[0]
    hand = by_hand(world, [invoice])
    error = raised_by(hand.send, invoice)
    assert error.message == (f"It was not possible to create the customer {invoice.customer.code} in Visma "
                             f"e-conomic. Validation error: vatNumber: vatNumber is not used by this agreement's "
                             f"country (E00500).")
    return error


@scenario("payment_terms")
def _(world, settings):
    ten_days = PaymentCondition.objects.get(days=10)
    invoice = world.invoices[0]
    invoice.payment_condition = ten_days
    invoice.save()
    problem = only(problems_of(world), "payment_terms")
    assert problem.message == ("No payment terms in Visma e-conomic match the payment condition 10 days: e-conomic "
                               "has no payment terms of net 10 days; add them in e-conomic or name the payment terms "
                               "on the Codes tab (Payment condition).")
    CodeTranslation.objects.create(export=world.export, kind=CodeKind.PAYMENT_CONDITION, payment_condition=ten_days,
                                   code="Netto 10 dage")
    problem = only(problems_of(world), "payment_terms")
    assert problem.message == ("No payment terms in Visma e-conomic match the payment condition 10 days: the Codes "
                               "tab names the payment terms 'Netto 10 dage', which e-conomic does not have.")
    return problem


@scenario("cannot_send_invoice")
def _(world, settings):
    invoice = world.invoices[0]
    hand = by_hand(world, [invoice])
    world.sim.store.layouts.pop(19)  # deleted in e-conomic after the run read its layouts
    error = raised_by(hand.send, invoice)
    assert error.message == (f"It was not possible to send invoice {invoice.number} to Visma e-conomic. Validation "
                             f"error: layout: Layout 19 does not exist (E06000).")
    return error


@scenario("cannot_book")
def _(world, settings):
    invoice = world.invoices[0]
    hand = by_hand(world, [invoice])
    world.sim.store.accounting_years["2026"]["closed"] = True  # closed in e-conomic meanwhile
    error = raised_by(hand.send, invoice)
    assert error.message == (f"It was not possible to book invoice {invoice.number} in Visma e-conomic. The "
                             f"accounting year of {invoice.invoice_date} is not open.")
    assert world.sim.store.drafts == {}  # the draft was deleted: no orphan stays
    assert "invoice" not in hand.steps_of(invoice)
    return error


@scenario("cannot_create_voucher")
def _(world, settings):
    use_vouchers(world)
    invoice = world.invoices[0]
    hand = by_hand(world, [invoice])
    world.sim.store.accounts.pop(1010)
    error = raised_by(hand.send, invoice)
    assert error.message == (f"It was not possible to create a voucher for invoice {invoice.number} in journal 1 in "
                             f"Visma e-conomic. Validation error: entries.manualCustomerInvoices[1].contraAccount: "
                             f"Account 1010 does not exist (E06000).")
    return error


@scenario("cannot_attach_pdf")
def _(world, settings):
    use_vouchers(world)
    world.sim.configure({"max_attachment_bytes": 100})
    invoice = world.invoices[0]
    hand = by_hand(world, [invoice])
    error = raised_by(hand.send, invoice)
    assert error.message == (f"It was not possible to attach the PDF of invoice {invoice.number} in Visma "
                             f"e-conomic. The file is larger than 100 bytes.")
    assert [step for step, _ in hand.steps_of(invoice)][-1] == "invoice"  # the voucher is there, kept
    return error


@scenario("journal")
def _(world, settings):
    world.export.start_text = "exportMethod=voucher\njournalNumber=2"
    world.export.save()
    problem = only(problems_of(world), "journal")
    assert problem.message == ("Journal 2 cannot take the invoices in Visma e-conomic: it takes only entries of the "
                               "type customerPayment.")
    world.export.start_text = "exportMethod=voucher\njournalNumber=7"
    world.export.save()
    assert only(problems_of(world), "journal").message == (
        "Journal 7 cannot take the invoices in Visma e-conomic: e-conomic has no such journal (start text "
        "journalNumber).")
    return problem


@scenario("accounting_year")
def _(world, settings):
    world.sim.store.accounting_years["2026"]["closed"] = True
    first = min(invoice.invoice_date for invoice in world.invoices)
    assert only(problems_of(world), "accounting_year").message == (
        f"There is no open accounting year in Visma e-conomic for {first}.")  # an invoice is booked in it
    use_vouchers(world)
    problem = only(problems_of(world), "accounting_year")  # a voucher is dated in it
    assert problem.message == f"There is no open accounting year in Visma e-conomic for {first}."
    return problem


@scenario("vat_code")
def _(world, settings):
    use_vouchers(world)
    CodeTranslation.objects.filter(export=world.export, vat_rate__code="DK25").update(code="U99")
    problem = only(problems_of(world), "vat_code")
    assert problem.message == "The VAT code U99 on the Codes tab (Tax rates) is not a VAT code in Visma e-conomic."
    return problem


@scenario("invalid_start_text")
def _(world, settings):
    world.export.start_text = "exportMethod=maybe"  # saved by an import, not through the form
    world.export.save()
    (problem,) = problems_of(world)
    assert problem.message == ("The start text of the Visma e-conomic export is not valid: Line 1: 'maybe' is not a "
                               "valid value for exportMethod: use one of invoice, voucher.")
    return problem


@scenario("credit_original_not_exported")
def _(world, settings):
    return blocked_credit(world.export, world.invoices[0])


@scenario("credit_refused")
def _(world, settings):
    """Crediting more than the original: the sandbox refuses booking the second credit note."""
    original = world.invoices[0]
    world.run(invoices=[original])
    world.run(invoices=[credit_invoice(original)])
    second = credit_invoice(original, original.number + 600000)
    item = world.run(invoices=[second]).items.get()
    assert item.state == ItemState.FAILED
    assert item.last_error_message.startswith(
        f"Visma e-conomic did not accept credit invoice {second.number} for invoice {original.number}: ")
    return SimpleNamespace(code=item.last_error_code)


def test_every_message_of_its_own_has_a_scenario():
    shared = set(TRANSPORT_CODES) | set(CODING_CODES)
    own = {code for code in CATALOGUE.messages if code not in shared}
    assert own <= set(SCENARIOS), sorted(own - set(SCENARIOS))


@pytest.mark.parametrize("code", sorted(SCENARIOS))
def test_catalogue_message_is_raised(code, world, settings):
    raised = SCENARIOS[code](world, settings)
    assert raised.code == CATALOGUE.qualified(code)
