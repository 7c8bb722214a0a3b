"""Heeros as the portal knows it: Opter's "Exporting invoices to Heeros (API)" (seed 004).

The type is stored as "xmlserializer", the name Opter gives it (Type must be XmlSerializer); what goes to
Heeros is a Finvoice 3.0 document per invoice (the transform Opter sells separately is built in here).
"""
from django.utils.translation import gettext_lazy as _

from ..start_text import KeyValueSchema, OnlyOneTrue, Parameter, boolean
from ..target import BLOCKING, REPORT_NONE, UTF8, WARNING, DemoExport, Equals, Filled, LocalChecks, SendPolicy, Target
from .messages import CATALOGUE

#: The Heeros user and company ids the sandbox accepts. Practice values; Heeros ids are five-digit strings
#: whose leading zeros count, so the demo's have some.
DEMO_KEY = {"username": "demo-heeros-user", "password": "demo-heeros-password", "la_id": "00101",
            "tt_id": "02002"}

START_TEXT = KeyValueSchema(
    {
        "MoveOnlyToLedger": Parameter(boolean, False, aliases=("MoveOnlyToLedge",),
                                      help=_("true: the invoice stays in the ledger and is not sent on via Opentext.")),
        "SendToCustomer": Parameter(boolean, False, help=_("true: Heeros sends the invoice to the customer.")),
        "CreateCustomer": Parameter(boolean, True, help=_("Create missing customers in Heeros.")),
        "UpdateCustomer": Parameter(boolean, True, help=_("Update customer information in Heeros.")),
        "CreateProduct": Parameter(boolean, True, help=_("Create missing products in Heeros.")),
        "UpdateProduct": Parameter(boolean, True, help=_("Update products in Heeros.")),
        "CreateAccountingObjects": Parameter(boolean, True,
                                             help=_("Send the account coding (sales account, economic unit) on each "
                                                  "row and have Heeros create missing accounting objects.")),
    },
    rules=(OnlyOneTrue(("MoveOnlyToLedger", "SendToCustomer")),),
)

TARGET = Target(
    type="xmlserializer",
    label="XmlSerializer (Heeros)",
    article="Exporting invoices to Heeros (API), step 1",
    catalogue=CATALOGUE,
    rules=(
        REPORT_NONE,
        UTF8,
        Filled("customer_code", _('the customer code from Heeros, "la_id" or "end customer id" (loppuasiakastunnus)')),
        Filled("office_code", _('the office code from Heeros, "tt_id" or "accounting customer id" '
                              "(tilitoimistotunnus)")),
        Equals("one_file_per_invoice", True, _("ticked")),
        Equals("transfer_method", "heeros_api", _("Heeros API")),
        Filled("client_identity", _('the Heeros API user identity ("Heeros user name")')),
        Filled("client_key", _('the Heeros API key ("Heeros password")')),
    ),
    uses=("start_text",),
    start_text=START_TEXT,
    # Finvoice needs the payee's IBAN (EpiAccountID); Finnish and RF references are both fine.
    checks=LocalChecks(eur_currency=WARNING, iban=BLOCKING),
    transfer_methods=("heeros_api",),
    connector="exports.connectors.heeros.connector.HeerosConnector",
    simulator="exports.sandbox.heeros.create_simulator",
    sandbox_prefix="/heeros",
    demo=DemoExport(
        name="Heeros (API)", office="HEL", group="Finland (Heeros)",
        fields={"one_file_per_invoice": True, "customer_code": DEMO_KEY["la_id"], "office_code": DEMO_KEY["tt_id"],
                "transfer_method": "heeros_api", "client_identity": DEMO_KEY["username"],
                "start_text": "SendToCustomer=false"},
        secrets={"client_key": DEMO_KEY["password"]}),
    # An upload is confirmed by asking for its import status: first after a second, then at growing
    # intervals, and given up after five minutes ("could not be confirmed within the time limit").
    policy=SendPolicy(parallel_calls=2, confirm_after_seconds=1, confirm_backoff_max=30,
                      confirm_timeout_seconds=300),
    markets=("FI",),
)
