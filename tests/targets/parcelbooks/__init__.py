"""Parcel Books: a small invented accounting API, declared like a real target. Its folder holds all of it:
the Target, the connector, the simulator and its own tests. Nothing outside this folder names it."""
from exports.catalogue import target_catalogue
from exports.connectors.start_text import KeyValueSchema, Parameter, boolean
from exports.connectors.target import BLOCKING, REPORT_NONE, UTF8, DemoExport, Filled, LocalChecks, SendPolicy, Target

DEMO_KEY = {"client_id": "demo-parcelbooks-client", "client_secret": "demo-parcelbooks-secret"}

CATALOGUE = target_catalogue("parcelbooks", "Parcel Books", {
    "cannot_create_customer": "Parcel Books did not accept the customer {0}: {1}",
    "cannot_send_invoice": "Parcel Books did not accept invoice {0}: {1}",
    "refused": "Parcel Books refused the call: {0}",
})

TARGET = Target(
    type="parcelbooks",
    label="Parcel Books API",
    article="Parcel Books: connecting an accounting system",
    catalogue=CATALOGUE,
    rules=(REPORT_NONE, UTF8,
           Filled("client_identity", "the client id of the Parcel Books integration"),
           Filled("client_key", "the client secret of the Parcel Books integration")),
    uses=("start_text", "include_pdf_copy"),
    start_text=KeyValueSchema({"Post": Parameter(boolean, True, help="Post the invoice after creating it.")}),
    checks=LocalChecks(iban=BLOCKING, required_codes=("tax_rate",)),
    connector="tests.targets.parcelbooks.connector.ParcelBooksConnector",
    simulator="tests.targets.parcelbooks.simulator.create_simulator",
    sandbox_prefix="/parcelbooks",
    demo=DemoExport(name="Parcel Books", office="TLN", group="Parcel Books",
                    fields={"include_pdf_copy": True, "client_identity": DEMO_KEY["client_id"]},
                    secrets={"client_key": DEMO_KEY["client_secret"]},
                    codes={("tax_rate", "EE24"): "S24", ("tax_rate", "EE0EU"): "EU0"}),
    policy=SendPolicy(parallel_calls=2),
)
