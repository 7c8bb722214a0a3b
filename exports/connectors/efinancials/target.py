"""RIK e-Financials as the portal knows it: Opter's "Invoice export to E-Financials (API)" (seed 000)."""
from django.utils.translation import gettext_lazy as _

from ..start_text import KeyValueSchema, Parameter, boolean, choice, positive_int, text
from ..target import BLOCKING, REPORT_NONE, UTF8, WARNING, DemoExport, Filled, LocalChecks, SendPolicy, Target
from .messages import CATALOGUE

#: The API key the sandbox's e-Financials company accepts and the demo export uses. Practice values.
DEMO_KEY = {
    "api_key_id": "demo-efinancials-key-id",
    "api_key_public": "demo-efinancials-public-key",
    "api_key_password": "demo-efinancials-key-password",
}

START_TEXT = KeyValueSchema({
    # The API requires an invoice template id and a catalogue product on every row; neither is
    # named by Opter's article, so both are settable here.
    "TemplateId": Parameter(positive_int, None, help=_("E-Financials invoice template id; blank = the default.")),
    "ProductCode": Parameter(text(20), "OPTER", help=_("Product code used on invoice rows (created if missing).")),
    "Register": Parameter(boolean, True, help=_("Register (confirm) the invoice after creating it.")),
    # Points the API documentation leaves open (see the connector's README): settable here instead of
    # guessed once and for all.
    "ProjectLevel": Parameter(choice("1", "2", "3", "4", "5"), "1",
                              help=_("Economic unit level sent as the E-Financials project (matched by name).")),
    "SendBankAccount": Parameter(boolean, True,
                                 # Sent as bank_accounts_id.
                                 help=_("Name the bank account with the office's or region's IBAN on the "
                                        "invoice; false if E-Financials refuses it.")),
    "CurrencyRate": Parameter(choice("units_per_eur", "eur_per_unit"), "units_per_eur",
                              help=_("How the exchange rate is sent: units of the invoice currency per euro "
                                   "(ECB style, default) or euros per unit (Opter's own rate).")),
    "AttachPdf": Parameter(choice("after_register", "before_register"), "after_register",
                           help=_("Upload the PDF copy after registering the invoice (default) or while it is "
                                "still a draft, if E-Financials refuses changes to registered invoices.")),
    # A credit invoice's number: the one client library that books credits gives it the original's number
    # (E-Financials then shows it with a K, e.g. 700001K); single-source, so settable.
    "CreditNumber": Parameter(choice("own", "original"), "own",
                              help=_("Number a credit invoice with its own Opter number (default) or with the "
                                   "number of the invoice it credits (E-Financials adds a K).")),
})

TARGET = Target(
    type="efinancials",
    label="E-Financials",
    article="Invoice export to E-Financials (API), step 2",
    catalogue=CATALOGUE,
    rules=(
        REPORT_NONE,
        UTF8,
        Filled("password", _('the API key password ("API Key Password") from the key file of E-Financials')),
        Filled("client_identity", _('the API key ("API Key Id") from the key file of E-Financials')),
        Filled("client_key", _('the public API key ("API Public Key") from the key file of E-Financials')),
    ),
    uses=("start_text", "include_pdf_copy", "reduce_pdf_file_size"),
    start_text=START_TEXT,
    checks=LocalChecks(eur_currency=WARNING, finnish_ocr=WARNING, corporate_id=BLOCKING, iban=BLOCKING),
    connector="exports.connectors.efinancials.connector.EFinancialsConnector",
    simulator="exports.sandbox.efinancials.create_simulator",
    sandbox_prefix="/efinancials/v1",
    demo=DemoExport(
        name="E-Financials (API)", office="TLN", group="E-Financials (API)",
        fields={"include_pdf_copy": True, "client_identity": DEMO_KEY["api_key_id"]},
        secrets={"password": DEMO_KEY["api_key_password"], "client_key": DEMO_KEY["api_key_public"]}),
    # RIK publishes no request rate; four invoices in flight keep a run quick without hammering it.
    policy=SendPolicy(parallel_calls=4),
    markets=("EE",),
)
