"""Resources as e-conomic renders them: every resource and every reference to one carries its absolute
``self`` link (spec section 1), built for the base URL the client used."""
from __future__ import annotations

import copy

#: key of a reference -> collection path of what it references
COLLECTION_OF = {
    "draftInvoiceNumber": "invoices/drafts", "bookedInvoiceNumber": "invoices/booked",
    "customerNumber": "customers", "paymentTermsNumber": "payment-terms", "vatZoneNumber": "vat-zones",
    "layoutNumber": "layouts", "customerGroupNumber": "customer-groups", "productNumber": "products",
    "productGroupNumber": "product-groups", "accountNumber": "accounts", "vatCode": "vat-accounts",
    "journalNumber": "journals", "employeeNumber": "employees", "unitNumber": "units",
}


def encode_id(value) -> str:
    """e-conomic's encoding of string ids in paths (spec 1.1); "_" first so the markers survive."""
    text = str(value).replace("_", "_8_")
    for char, marker in (("<", "_0_"), (">", "_1_"), ("*", "_2_"), ("%", "_3_"), (":", "_4_"), ("&", "_5_"),
                         ("/", "_6_"), ("\\", "_7_"), (" ", "_9_"), ("?", "_10_"), (".", "_11_"), ("#", "_12_"),
                         ("+", "_13_")):
        text = text.replace(char, marker)
    return text


def linked(base: str, value):
    """A deep copy of ``value`` with ``self`` on every resource and reference it holds."""
    result = copy.deepcopy(value)
    _add_links(base, result)
    return result


def _add_links(base: str, value) -> None:
    if isinstance(value, list):
        for item in value:
            _add_links(base, item)
        return
    if not isinstance(value, dict):
        return
    for item in value.values():
        _add_links(base, item)
    if "self" not in value:
        key = next((k for k in COLLECTION_OF if k in value), None)
        if key is not None:
            value["self"] = f"{base}/{COLLECTION_OF[key]}/{encode_id(value[key])}"
