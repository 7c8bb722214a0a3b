"""Procountor as the portal knows it: Opter's "Invoice export to Procountor (API)" (seed 002)."""
from ...catalogue import target_catalogue
from ..target import BLOCKING, REPORT_NONE, UTF8, DemoExport, Filled, LocalChecks, SendPolicy, Target

#: The integration and API key the sandbox's Procountor company accepts. Practice values.
DEMO_KEY = {"client_id": "demo-procountor-client", "client_secret": "demo-procountor-secret",
            "api_key": "demo-procountor-api-key"}

CATALOGUE = target_catalogue("procountor", "Procountor", {})

TARGET = Target(
    type="procountor",
    label="Procountor API",
    article="Invoice export to Procountor (API), step 2",
    catalogue=CATALOGUE,
    rules=(
        REPORT_NONE,
        UTF8,
        Filled("password", "the API key created in Procountor for the m2m user"),
        Filled("client_identity", "the client ID (client_id) of the integration registered with Procountor"),
        Filled("client_key", "the client secret (client_secret) of the integration registered with Procountor"),
    ),
    uses=("include_pdf_copy", "reduce_pdf_file_size"),
    checks=LocalChecks(sales_ledger_number=BLOCKING, required_codes=("tax_rate",)),
    sandbox_prefix="/procountor",
    demo=DemoExport(
        name="Procountor (API)", office="HEL", group="Finland (Procountor)",
        fields={"include_pdf_copy": True, "client_identity": DEMO_KEY["client_id"]},
        secrets={"password": DEMO_KEY["api_key"], "client_key": DEMO_KEY["client_secret"]},
        codes={("tax_rate", "FI25.5"): "vat_1", ("tax_rate", "FI0EU"): "vat_5"}),
    policy=SendPolicy(parallel_calls=4, requests_per_second=10),
    markets=("FI",),
)
