"""Netvisor as the portal knows it: Opter's "Exporting invoices to Netvisor (API)" (seed 001)."""
from accounting.validators import validate_finnish_business_id

from ...catalogue import target_catalogue
from ..start_text import WordSchema
from ..target import BLOCKING, UTF8, DemoExport, Filled, LocalChecks, SendPolicy, Target

#: The API user the sandbox's Netvisor company accepts. Practice values.
DEMO_KEY = {"customer_id": "demo-netvisor-user", "customer_key": "demo-netvisor-key",
            "partner_id": "demo-partner", "partner_key": "demo-partner-key"}

CATALOGUE = target_catalogue("netvisor", "Netvisor", {})

TARGET = Target(
    type="netvisor",
    label="Netvisor API",
    article="Exporting invoices to Netvisor (API), step 2",
    catalogue=CATALOGUE,
    rules=(
        UTF8,
        Filled("user_id", "the username of the API user account created in Netvisor"),
        Filled("password", "the API key of the API user account created in Netvisor"),
        Filled("office_code", "your corporate ID number (Finnish business ID, e.g. 1234567-8)",
               validator=validate_finnish_business_id),
    ),
    uses=("start_text", "include_pdf_copy", "reduce_pdf_file_size", "use_customer_number"),
    start_text=WordSchema(key="status", choices=("open", "unsent"), default="open", target="Netvisor",
                          meaning="invoice status"),
    checks=LocalChecks(eur_currency=BLOCKING, finnish_ocr=BLOCKING, required_codes=("tax_rate",)),
    sandbox_prefix="/netvisor",
    demo=DemoExport(
        name="Netvisor (API)", office="HEL", group="Finland (Netvisor)",
        fields={"include_pdf_copy": True, "user_id": DEMO_KEY["customer_id"], "start_text": "open",
                "office_code": lambda office: office.corporate_id},
        secrets={"password": DEMO_KEY["customer_key"]},
        codes={("tax_rate", "FI25.5"): "KOMY", ("tax_rate", "FI0EU"): "EUMY"}),
    # Netvisor allows one request at a time per company.
    policy=SendPolicy(parallel_calls=1),
    markets=("FI",),
)
