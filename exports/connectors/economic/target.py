"""Visma e-conomic as the portal knows it: Opter's "Exporting invoices to Visma e-conomic" (seed 003)."""
from django.utils.translation import gettext_lazy as _

from ..start_text import KeyValueSchema, OnlyWith, Parameter, choice, positive_int
from ..target import UTF8, DemoExport, Filled, LocalChecks, SendPolicy, Target
from .estimate import estimate_calls
from .messages import CATALOGUE

#: The tokens of the sandbox's e-conomic app and agreement, which the demo export uses. Practice values:
#: they open the simulator only. The portal's real app secret token comes from its settings.
DEMO_TOKENS = {
    "app_secret_token": "demo-economic-app-secret",
    "app_public_token": "demo-economic-app-public",
    "agreement_grant_token": "demo-economic-grant",
}

START_TEXT = KeyValueSchema(
    {
        "exportMethod": Parameter(choice("invoice", "voucher"), "invoice", help=_("invoice (default) or voucher.")),
        "journalNumber": Parameter(positive_int, 1, help=_("Voucher method: the journal (usually 1, Daily).")),
        "customerGroup": Parameter(positive_int, None,
                                   help=_("e-conomic customer group of the customers the export creates; blank = "
                                        "the lowest-numbered group.")),
        # e-conomic's documentation leaves the sign of a customer invoice's amount on a voucher open.
        "voucherAmountSign": Parameter(choice("positive", "negative"), "positive",
                                       help=_("Voucher method: the sign of an invoice's amount (positive = a debit "
                                            "of the customer, default); credit notes take the other sign.")),
    },
    rules=(OnlyWith("journalNumber", "exportMethod", "voucher"),
           OnlyWith("voucherAmountSign", "exportMethod", "voucher")),
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
        Filled("api_token", _("the app token created in Visma e-conomic in step 2 (the agreement grant token): open "
                            "the grant-access link on this export's page while logged into e-conomic")),
    ),
    help={
        "type": _("Each invoice becomes an e-conomic invoice booked with its Opter number, or with "
                "exportMethod=voucher a customer-invoice voucher in a journal. Economic units are not exported."),
        "include_pdf_copy": _("The PDF is attached to the invoice before it is booked, or to the voucher."),
        "use_customer_number": _("Customers are matched on the e-conomic customer number (the sales ledger number) "
                               "instead of the corporate ID."),
    },
    uses=("start_text", "include_pdf_copy", "reduce_pdf_file_size", "use_customer_number"),
    start_text=START_TEXT,
    checks=LocalChecks(required_codes=required_codes),
    connector="exports.connectors.economic.connector.EconomicConnector",
    simulator="exports.sandbox.economic.create_simulator",
    sandbox_prefix="/economic",
    demo=DemoExport(
        name="Visma e-conomic", office="CPH", group="Denmark (e-conomic)", fields={"include_pdf_copy": True},
        secrets={"api_token": DEMO_TOKENS["agreement_grant_token"]},
        codes={("tax_rate", "DK25"): "U25"}),
    # e-conomic's fair use: 50,000 calls per agreement per 24 hours.
    policy=SendPolicy(parallel_calls=4, daily_call_quota=50_000),
    call_estimate=estimate_calls,
    setup_links="exports.connectors.economic.links.grant_links",
    markets=("DK",),
)
