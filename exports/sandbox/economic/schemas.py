"""The writable documents of the endpoints an export uses (spec section 6), as JSON Schemas checked with
jsonschema, and their problems as e-conomic's annotated validation errors (errors.Problems).

A reference object satisfies "required" with its key or its ``self`` link; one with neither is E04500.
Properties the documentation does not list as writable are refused, so a client's typo never passes
silently.
"""
from __future__ import annotations

from jsonschema import Draft202012Validator, FormatChecker

from .errors import NO_IDENTIFIERS, SCHEMA, Problems

STR, INT, NUM, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}
DATE = {"type": "string", "format": "date"}


def text(max_length: int, min_length: int = 0) -> dict:
    return {"type": "string", "maxLength": max_length, "minLength": min_length}


def ref(key: str, kind: dict, what: str) -> dict:
    """A reference: {key} or {"self"}; other properties of the referenced object are echoes and ignored."""
    return {"type": "object", "properties": {key: kind, "self": STR},
            "anyOf": [{"required": [key]}, {"required": ["self"]}], "x-reference": what}


def document(properties: dict, required=(), *, open_: bool = False) -> dict:
    schema = {"type": "object", "properties": properties, "required": sorted(required)}
    if not open_:
        schema["additionalProperties"] = False
    return schema


PAYMENT_TERMS = ref("paymentTermsNumber", INT, "paymentTerms")
VAT_ZONE = ref("vatZoneNumber", INT, "vatZone")
LAYOUT = ref("layoutNumber", INT, "layout")
CUSTOMER_REF = ref("customerNumber", INT, "customer")
PRODUCT_REF = ref("productNumber", text(25, 1), "product")

CUSTOMER = document({
    "customerNumber": {"type": "integer", "minimum": 1, "maximum": 999999999}, "name": text(255, 1),
    "currency": text(3, 3), "customerGroup": ref("customerGroupNumber", INT, "customerGroup"),
    "paymentTerms": PAYMENT_TERMS, "vatZone": VAT_ZONE, "layout": LAYOUT, "address": text(510), "zip": text(30),
    "city": text(50), "country": text(50), "corporateIdentificationNumber": text(40), "vatNumber": text(50),
    "pNumber": text(10), "ean": text(40), "publicEntryNumber": text(50), "email": text(255),
    "telephoneAndFaxNumber": text(255), "mobilePhone": text(50), "website": text(255), "creditLimit": NUM,
    "barred": BOOL, "salesPerson": ref("employeeNumber", INT, "salesPerson"),
}, {"currency", "customerGroup", "name", "paymentTerms", "vatZone"})

PRODUCT = document({
    "productNumber": text(25, 1), "name": text(300, 1), "productGroup": ref("productGroupNumber", INT, "productGroup"),
    "description": text(500), "salesPrice": NUM, "costPrice": NUM, "recommendedPrice": NUM, "barCode": text(50),
    "barred": BOOL, "unit": ref("unitNumber", INT, "unit"),
}, {"productNumber", "name", "productGroup"})

LINE = document({
    "lineNumber": {"type": "integer", "minimum": 1}, "sortKey": {"type": "integer", "minimum": 1},
    "product": PRODUCT_REF, "description": text(2500), "quantity": NUM, "unitNetPrice": NUM,
    "discountPercentage": NUM, "unitCostPrice": NUM, "unit": ref("unitNumber", INT, "unit"),
    "departmentalDistribution": ref("departmentalDistributionNumber", INT, "departmentalDistribution"),
})

DRAFT_INVOICE = document({
    "date": DATE, "currency": text(3, 3), "exchangeRate": NUM, "dueDate": DATE, "paymentTerms": PAYMENT_TERMS,
    "customer": CUSTOMER_REF,
    "recipient": document({"name": text(250, 1), "address": text(250), "zip": text(50), "city": text(250),
                           "country": text(50), "ean": text(13), "publicEntryNumber": text(40),
                           "nemHandelType": {"enum": ["ean", "corporateIdentificationNumber", "pNumber"]},
                           "mobilePhone": text(50), "vatZone": VAT_ZONE,
                           "attention": ref("customerContactNumber", INT, "attention")}, {"name", "vatZone"}),
    "delivery": document({"address": text(255), "zip": text(30), "city": text(50), "country": text(50),
                          "deliveryDate": DATE, "deliveryTerms": text(100)}),
    "references": document({"other": text(250), "customerContact": ref("customerContactNumber", INT, "customerContact"),
                            "salesPerson": ref("employeeNumber", INT, "salesPerson"),
                            "vendorReference": ref("employeeNumber", INT, "vendorReference")}),
    "notes": document({"heading": text(250), "textLine1": text(1000), "textLine2": text(1000)}),
    "layout": LAYOUT, "project": ref("projectNumber", INT, "project"),
    "lines": {"type": "array", "items": LINE},
}, {"currency", "customer", "date", "layout", "paymentTerms", "recipient"})

BOOKING = document({
    "draftInvoice": ref("draftInvoiceNumber", INT, "draftInvoice"), "bookWithNumber": {"type": "integer", "minimum": 1},
    "sendBy": {"enum": ["none", "ean", "EAN"]},
}, {"draftInvoice"})

_ACCOUNT = ref("accountNumber", INT, "account")
_VAT_CODE = ref("vatCode", text(5, 1), "vatAccount")
_ENTRY_COMMON = {"amount": NUM, "amountBaseCurrency": NUM, "currency": document({"code": text(3, 3)}, {"code"}),
                 "exchangeRate": NUM, "date": DATE, "text": text(250),
                 "departmentalDistribution": ref("departmentalDistributionNumber", INT, "departmentalDistribution"),
                 "employee": ref("employeeNumber", INT, "employee"), "project": ref("projectNumber", INT, "project"),
                 "voucher": document({"voucherNumber": INT}, open_=True)}
MANUAL_CUSTOMER_INVOICE = document({
    **_ENTRY_COMMON, "customer": CUSTOMER_REF, "customerInvoice": {"type": "integer", "minimum": 1},
    "dueDate": DATE, "contraAccount": _ACCOUNT, "contraVatAccount": _VAT_CODE, "contraVatAmount": NUM,
}, {"amount", "date"})
FINANCE_VOUCHER = document({
    **_ENTRY_COMMON, "account": _ACCOUNT, "contraAccount": _ACCOUNT, "vatAccount": _VAT_CODE, "vatAmount": NUM,
    "contraVatAccount": _VAT_CODE, "contraVatAmount": NUM,
}, {"amount", "date"})
VOUCHER = document({
    "accountingYear": document({"year": text(10, 4)}, {"year"}, open_=True),
    "journal": ref("journalNumber", INT, "journal"),
    "voucherNumber": {"type": "integer", "minimum": 1, "maximum": 999999999},
    "entries": document({"manualCustomerInvoices": {"type": "array", "items": MANUAL_CUSTOMER_INVOICE},
                         "financeVouchers": {"type": "array", "items": FINANCE_VOUCHER},
                         "customerPayments": {"type": "array"}, "supplierInvoices": {"type": "array"},
                         "supplierPayments": {"type": "array"}}),
}, {"accountingYear", "entries"})


def check(body, schema: dict, problems: Problems | None = None) -> Problems:
    """Every problem of ``body`` against ``schema``, at its path."""
    problems = problems if problems is not None else Problems()
    if not isinstance(body, dict):
        problems.add((), SCHEMA, "The request body must be a JSON object.")
        return problems
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    for error in sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path))):
        path = tuple(error.absolute_path)
        if error.validator == "required":
            name = error.message.split("'")[1]
            problems.add((*path, name), SCHEMA, f"{name} is required.")
        elif error.validator == "additionalProperties":
            for name in sorted(set(error.instance) - set(error.schema.get("properties", {}))):
                problems.add((*path, name), SCHEMA, f"{name} is not a writable property.")
        elif error.validator == "anyOf" and "x-reference" in error.schema:
            what = error.schema["x-reference"]
            problems.add(path, NO_IDENTIFIERS, f"No identifiers present on {what}. Please specify a key or a self "
                                               f"reference.")
        else:
            where = ".".join(str(part) for part in path) or "body"
            problems.add(path, SCHEMA, f"{where}: {error.message}.", value=_shown(error.instance))
    return problems


def _shown(value):
    return value if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None
