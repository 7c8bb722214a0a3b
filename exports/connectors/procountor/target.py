"""Procountor as the portal knows it: Opter's "Invoice export to Procountor (API)" (seed 002)."""
from django.utils.translation import gettext_lazy as _

from ..start_text import KeyValueSchema, Parameter, boolean, choice, text
from ..target import BLOCKING, REPORT_NONE, UTF8, DemoExport, Filled, LocalChecks, SendPolicy, Target
from .messages import CATALOGUE

#: The integration and API key the sandbox's Procountor company accepts. Practice values.
DEMO_KEY = {"client_id": "demo-procountor-client", "client_secret": "demo-procountor-secret",
            "api_key": "demo-procountor-api-key"}

FINNISH_MARKET = _("The Procountor integration is tested for the Finnish market only; Opter support can "
                   "customise it for other Procountor markets.")

START_TEXT = KeyValueSchema({
    # Opter keeps this name in the terminology tag IES_ProcountorAPIProductGroup; here it is a parameter.
    "ProductGroup": Parameter(text(80), "OpterGroup", aliases=("IES_ProcountorAPIProductGroup",),
                              help=_("Procountor product group of the accounting products (created if missing).")),
    # Points Procountor's documentation leaves open (see the connector's README): settable, not guessed.
    "AfterCreate": Parameter(choice("none", "approve", "send"), "none",
                             help=_("What happens to a new invoice in Procountor: none (left unfinished), approve, "
                                  "or approve and send it through its invoicing channel.")),
    "InvoiceChannel": Parameter(choice("auto", "ELECTRONIC_INVOICE", "EMAIL", "MAIL", "NO_SENDING"), "auto",
                                help=_("auto = e-invoice when the customer has an EDI code and an OVT number, "
                                     "else e-mail when it has an invoice e-mail, else mail.")),
    "SendInvoiceNumber": Parameter(boolean, True,
                                   help=_("Send the Opter invoice number as Procountor's invoice number too (it is "
                                        "always sent as the original invoice number).")),
    "EdiCodeAs": Parameter(choice("einvoice_operator", "bic"), "einvoice_operator",
                           help=_("Where the customer's bank code (EDI code field) goes: the e-invoice operator "
                                "(default) or the bank's BIC in the customer's payment information.")),
    "IdentifierType": Parameter(text(20), None,
                                help=_("Procountor identifier type sent with the customer's business ID; blank = "
                                     "none.")),
    # Procountor's documentation names no field linking a credit invoice to the invoice it credits.
    "CreditNoteLink": Parameter(choice("additionalInformation", "notes"), "additionalInformation",
                                help=_("Where a credit invoice names the invoice it credits (\"Credit note for "
                                     "invoice 700001\"): additionalInformation (printed on it, default) or notes "
                                     "(internal).")),
})

TARGET = Target(
    type="procountor",
    label="Procountor API",
    article="Invoice export to Procountor (API), step 2",
    catalogue=CATALOGUE,
    rules=(
        REPORT_NONE,
        UTF8,
        Filled("password", _("the API key created in Procountor for the m2m user")),
    ),
    help={
        "type": FINNISH_MARKET,
        # Blank = the settings PROCOUNTOR_CLIENT_ID / PROCOUNTOR_CLIENT_SECRET.
        "client_identity": _("Optional: the client ID of another integration registered with Procountor. Blank = "
                           "the portal's own integration, set up on the server."),
        "client_key": _("Optional: the client secret of that integration. Blank = the portal's own, set up on the "
                      "server."),
    },
    uses=("start_text", "include_pdf_copy", "reduce_pdf_file_size"),
    start_text=START_TEXT,
    checks=LocalChecks(sales_ledger_number=BLOCKING, required_codes=("tax_rate",)),
    connector="exports.connectors.procountor.connector.ProcountorConnector",
    simulator="exports.sandbox.procountor.create_simulator",
    sandbox_prefix="/procountor",
    demo=DemoExport(
        # The sandbox is an integration of its own: its client id and secret are the export's override.
        name="Procountor (API)", office="HEL", group="Finland (Procountor)",
        fields={"include_pdf_copy": True, "client_identity": DEMO_KEY["client_id"]},
        secrets={"password": DEMO_KEY["api_key"], "client_key": DEMO_KEY["client_secret"]},
        codes={("tax_rate", "FI25.5"): "vat_1", ("tax_rate", "FI0EU"): "vat_5"}),
    # Procountor allows 20 requests a second per client (an older page says 60) and may suspend a client
    # that goes over: 10 a second with bursts of 10 never makes more than 20 in any second.
    policy=SendPolicy(parallel_calls=4, requests_per_second=10),
    markets=("FI",),
)
