"""Heeros as the portal knows it: Opter's "Exporting invoices to Heeros (API)" (seed 004)."""
from ...catalogue import target_catalogue
from ..start_text import KeyValueSchema, OnlyOneTrue, Parameter, boolean
from ..target import REPORT_NONE, UTF8, DemoExport, Equals, Filled, SendPolicy, Target

#: The Heeros user and company ids the sandbox accepts. Practice values.
DEMO_KEY = {"username": "demo-heeros-user", "password": "demo-heeros-password", "la_id": "1001", "tt_id": "2002"}

CATALOGUE = target_catalogue("xmlserializer", "Heeros", {})

START_TEXT = KeyValueSchema(
    {
        "MoveOnlyToLedger": Parameter(boolean, False, aliases=("MoveOnlyToLedge",),
                                      help="true: the invoice stays in the ledger and is not sent on via Opentext."),
        "SendToCustomer": Parameter(boolean, False, help="true: Heeros sends the invoice to the customer."),
        "CreateCustomer": Parameter(boolean, True, help="Create missing customers in Heeros."),
        "UpdateCustomer": Parameter(boolean, True, help="Update customer information in Heeros."),
        "CreateProduct": Parameter(boolean, True, help="Create missing products in Heeros."),
        "UpdateProduct": Parameter(boolean, True, help="Update products in Heeros."),
        "CreateAccountingObjects": Parameter(boolean, True, help="Create the account coding in Heeros."),
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
        Filled("customer_code", 'the customer code from Heeros, "la_id" or "end customer id" (loppuasiakastunnus)'),
        Filled("office_code", 'the office code from Heeros, "tt_id" or "accounting customer id" '
                              "(tilitoimistotunnus)"),
        Equals("one_file_per_invoice", True, "ticked"),
        Equals("transfer_method", "heeros_api", "Heeros API"),
        Filled("client_identity", 'the Heeros API user identity ("Heeros user name")'),
        Filled("client_key", 'the Heeros API key ("Heeros password")'),
    ),
    uses=("start_text",),
    start_text=START_TEXT,
    transfer_methods=("heeros_api",),
    sandbox_prefix="/heeros",
    demo=DemoExport(
        name="Heeros (API)", office="HEL", group="Finland (Heeros)",
        fields={"one_file_per_invoice": True, "customer_code": DEMO_KEY["la_id"], "office_code": DEMO_KEY["tt_id"],
                "transfer_method": "heeros_api", "client_identity": DEMO_KEY["username"],
                "start_text": "SendToCustomer=false"},
        secrets={"client_key": DEMO_KEY["password"]}),
    policy=SendPolicy(parallel_calls=2, confirm_after_seconds=2, confirm_timeout_seconds=300),
    markets=("FI",),
)
