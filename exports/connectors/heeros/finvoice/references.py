"""Payment references on a Finvoice: a Finnish reference number (viitenumero, scheme SPY) or an ISO 11649
creditor reference (RF..., scheme ISO). Both are written without spaces (EpiReference is an NMTOKEN).

Finnish: 3 to 19 digits and a check digit; the base's digits from the right are weighted 7, 3, 1, 7, ...
and the check digit is what brings the sum up to the next multiple of ten. RF: "RF", two check digits,
up to 21 letters or digits; the whole is 1 modulo 97 with letters as numbers (A=10 ... Z=35), like an IBAN.
"""
from __future__ import annotations

import re

from stdnum import iso11649

from accounting import validators
from accounting.models import OcrNumberType

SPY, ISO = "SPY", "ISO"


def compact(reference: str) -> str:
    return re.sub(r"\s", "", reference or "").upper()


def scheme_of(reference: str) -> str | None:
    """SPY for a valid Finnish reference, ISO for a valid RF reference, None for anything else."""
    value = compact(reference)
    if value.startswith("RF"):
        return ISO if iso11649.is_valid(value) else None
    return SPY if validators.is_valid_finnish_reference(value) else None


def problem_of(reference: str) -> str | None:
    """Why the reference is not a valid Finnish or RF reference, in words; None when it is valid (or empty)."""
    value = compact(reference)
    if not value or scheme_of(value):
        return None
    if value.startswith("RF"):
        return (f"The reference {value} is not a valid RF creditor reference (ISO 11649): its check digits "
                f"(after RF) do not match.")
    if value.isdigit() and 4 <= len(value) <= 20:
        expected = validators.finnish_reference_check_digit(value[:-1])
        return (f"The reference {value} is not a valid Finnish reference number: its check digit is "
                f"{value[-1]}, the 7-3-1 rule gives {expected}.")
    return (f"The reference {value} is neither a Finnish reference number (4 to 20 digits) nor an RF creditor "
            f"reference.")


def reference_of(invoice) -> str:
    """The invoice's payment reference as Finvoice writes it: Opter's reference number, or, when the invoice
    has none, one built on the invoice number per the office's OCR number type (as Opter prints it)."""
    if invoice.reference_number.strip():
        return compact(invoice.reference_number)
    ocr = invoice.office.ocr_number_type
    if ocr == OcrNumberType.FINNISH:
        return validators.make_finnish_reference(invoice.number)
    if ocr == OcrNumberType.RF:
        return validators.make_rf_reference(str(invoice.number))
    return ""
