"""Netvisor as the portal knows it: Opter's "Exporting invoices to Netvisor (API)" (seed 001)."""
from django.utils.translation import gettext_lazy as _

from accounting.validators import validate_finnish_business_id

from ..start_text import WordSchema
from ..target import BLOCKING, UTF8, DemoExport, Filled, LocalChecks, SendPolicy, Target
from .messages import CATALOGUE
from .operators import edi_code_problems
from .vat_codes import code_rule

#: The API user and software partner the sandbox's Netvisor company accepts. Practice values.
DEMO_KEY = {"customer_id": "demo-netvisor-user", "customer_key": "demo-netvisor-key",
            "partner_id": "demo-partner", "partner_key": "demo-partner-key"}

START_TEXT = WordSchema(key="status", choices=("open", "unsent"), default="open", target="Netvisor",
                        meaning=_("invoice status"))

TARGET = Target(
    type="netvisor",
    label="Netvisor API",
    article="Exporting invoices to Netvisor (API), step 2",
    catalogue=CATALOGUE,
    rules=(
        UTF8,
        Filled("user_id", _("the username of the API user account created in Netvisor")),
        Filled("password", _("the API key of the API user account created in Netvisor")),
        Filled("office_code", _("your corporate ID number (Finnish business ID, e.g. 1234567-8)"),
               validator=validate_finnish_business_id),
    ),
    help={
        # The partner id and key are the portal's (settings NETVISOR_PARTNER_ID / NETVISOR_PARTNER_KEY);
        # an export may use its own instead.
        "client_identity": _("Optional: the software partner id Netvisor issued. Blank = the portal's own partner "
                           "id, set up on the server"),
        "client_key": _("Optional: the software partner key Netvisor issued. Blank = the portal's own partner key, "
                      "set up on the server"),
    },
    uses=("start_text", "include_pdf_copy", "reduce_pdf_file_size", "use_customer_number"),
    start_text=START_TEXT,
    checks=LocalChecks(eur_currency=BLOCKING, finnish_ocr=BLOCKING, required_codes=("tax_rate",),
                       customer_rule=edi_code_problems, customer_rule_level=BLOCKING),
    connector="exports.connectors.netvisor.connector.NetvisorConnector",
    simulator="exports.sandbox.netvisor.create_simulator",
    sandbox_prefix="/netvisor",
    demo=DemoExport(
        name="Netvisor (API)", office="HEL", group="Finland (Netvisor)",
        fields={"include_pdf_copy": True, "user_id": DEMO_KEY["customer_id"], "start_text": "open",
                "office_code": lambda office: office.corporate_id,
                # The sandbox's partner: a real portal's partner id and key come from its settings.
                "client_identity": DEMO_KEY["partner_id"]},
        secrets={"password": DEMO_KEY["customer_key"], "client_key": DEMO_KEY["partner_key"]},
        codes={("tax_rate", "FI25.5"): "KOMY", ("tax_rate", "FI0EU"): "EUMY"}),
    # Netvisor allows one request at a time per company.
    policy=SendPolicy(parallel_calls=1),
    markets=("FI",),
    code_rule=code_rule,
)
