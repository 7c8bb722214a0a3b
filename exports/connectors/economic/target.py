"""Visma e-conomic as the portal knows it: Opter's "Exporting invoices to Visma e-conomic" (seed 003)."""
from ...catalogue import target_catalogue
from ..start_text import KeyValueSchema, OnlyWith, Parameter, choice, positive_int
from ..target import UTF8, DemoExport, Filled, LocalChecks, SendPolicy, Target

#: The tokens the sandbox's e-conomic agreement accepts. Practice values.
DEMO_KEY = {"app_secret_token": "demo-economic-app-secret", "agreement_grant_token": "demo-economic-grant"}

CATALOGUE = target_catalogue("economic", "Visma e-conomic", {})

START_TEXT = KeyValueSchema(
    {
        "exportMethod": Parameter(choice("invoice", "voucher"), "invoice", help="invoice (default) or voucher."),
        "journalNumber": Parameter(positive_int, 1, help="Voucher method: the journal (usually 1, Daily)."),
    },
    rules=(OnlyWith("journalNumber", "exportMethod", "voucher"),),
)


def required_codes(start_text: dict) -> tuple[str, ...]:
    """Vouchers carry a VAT code per line; invoices take VAT from the product group."""
    return ("tax_rate",) if start_text.get("exportMethod") == "voucher" else ()


TARGET = Target(
    type="economic",
    label="Visma e-conomic",
    article="Exporting invoices to Visma e-conomic, steps 2-3",
    catalogue=CATALOGUE,
    rules=(
        UTF8,
        Filled("api_token", "the app token created in Visma e-conomic in step 2 (the agreement grant token, sent "
                            "as X-AgreementGrantToken)"),
        Filled("password", "the app secret token of the integrating app (sent as X-AppSecretToken)"),
    ),
    uses=("start_text", "include_pdf_copy", "reduce_pdf_file_size", "use_customer_number"),
    start_text=START_TEXT,
    checks=LocalChecks(required_codes=required_codes),
    sandbox_prefix="/economic",
    demo=DemoExport(
        name="Visma e-conomic", office="CPH", group="Denmark (e-conomic)",
        secrets={"password": DEMO_KEY["app_secret_token"], "api_token": DEMO_KEY["agreement_grant_token"]},
        codes={("tax_rate", "DK25"): "U25"}),
    policy=SendPolicy(parallel_calls=4),
    markets=("DK",),
)
