"""Validators for identifiers, built on python-stdnum. Messages say what to fix."""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum import iso11649
from stdnum.dk import cvr
from stdnum.ee import registrikood
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fi import ytunnus
from stdnum.iso7064 import mod_97_10

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def validate_currency_code(value: str) -> None:
    if not re.fullmatch(r"[A-Z]{3}", value or ""):
        raise ValidationError(gettext("%(value)s is not an ISO 4217 currency code: use three capital "
                                      "letters, e.g. EUR.") % {"value": repr(value)})


def validate_country_code(value: str) -> None:
    if value and not re.fullmatch(r"[A-Z]{2}", value):
        raise ValidationError(gettext("%(value)s is not a country code: use two capital letters, e.g. EE, "
                                      "FI, DK.") % {"value": repr(value)})


def validate_account_number(value: str) -> None:
    if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z._-]{0,19}", value or ""):
        raise ValidationError(
            gettext("%(value)s is not an account number: use digits (and letters), e.g. "
                    "1210 or 3100, no spaces.") % {"value": repr(value)})


def validate_estonian_registry_code(value: str) -> None:
    try:
        registrikood.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            gettext("%(value)s is not a valid Estonian registry code (registrikood): it "
                    "must be 8 digits with a correct check digit, e.g. 10137025. "
                    "(%(message)s)") % {"value": value, "message": exc.message}) from None


def validate_finnish_business_id(value: str) -> None:
    try:
        ytunnus.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            gettext("%(value)s is not a valid Finnish business ID (Y-tunnus): use the form "
                    "1234567-8 with a correct check digit. (%(message)s)") % {"value": value,
                                                                              "message": exc.message}) from None


def validate_danish_cvr(value: str) -> None:
    try:
        cvr.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            gettext("%(value)s is not a valid Danish CVR number: it must be 8 digits with "
                    "a correct check digit. (%(message)s)") % {"value": value, "message": exc.message}) from None


CORPORATE_ID_VALIDATORS = {
    "EE": validate_estonian_registry_code,
    "FI": validate_finnish_business_id,
    "DK": validate_danish_cvr,
}


def validate_corporate_id_for_country(value: str, country: str, field: str = "corporate_id") -> None:
    """Check a corporate ID number against its country's checksum, where we know one."""
    validator = CORPORATE_ID_VALIDATORS.get((country or "").upper())
    if value and validator:
        try:
            validator(value)
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from None


def corporate_id_problem(value: str, country: str) -> str | None:
    """The message for an invalid corporate ID, or None when it is valid or cannot be checked."""
    validator = CORPORATE_ID_VALIDATORS.get((country or "").upper())
    if not value or not validator:
        return None
    try:
        validator(value)
    except ValidationError as exc:
        return exc.messages[0]
    return None


def validate_vat_number(value: str) -> None:
    if not value:
        return
    try:
        eu_vat.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            gettext("%(value)s is not a valid EU VAT registration number: start with the "
                    "country code (e.g. EE, FI, DK) followed by the number. (%(message)s)")
            % {"value": value, "message": exc.message}) from None


def validate_iban(value: str) -> None:
    if not value:
        return
    try:
        stdnum_iban.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            gettext("%(value)s is not a valid IBAN: check the country code, the two check "
                    "digits and the account number. (%(message)s)") % {"value": value,
                                                                       "message": exc.message}) from None


def validate_bic(value: str) -> None:
    if not value:
        return
    try:
        stdnum_bic.validate(value)
    except StdnumError as exc:
        raise ValidationError(gettext("%(value)s is not a valid BIC: use 8 or 11 characters, e.g. HABAEE2X. "
                                      "(%(message)s)") % {"value": value, "message": exc.message}) \
            from None


def compact_iban(value: str) -> str:
    return stdnum_iban.compact(value or "")


# Finnish national reference numbers (viitenumero). python-stdnum has no module for these, so the
# 7-3-1 weighted check digit of the Finnish banks' standard is computed here.
_FI_WEIGHTS = (7, 3, 1)


def finnish_reference_check_digit(base: str) -> str:
    total = sum(int(d) * _FI_WEIGHTS[i % 3] for i, d in enumerate(reversed(base)))
    return str((10 - total % 10) % 10)


def make_finnish_reference(base: str | int) -> str:
    base = str(base)
    if not base.isdigit():
        raise ValueError(gettext("A Finnish reference number is built from digits only."))
    base = base.lstrip("0") or "0"
    if len(base) < 3:
        base = base.rjust(3, "1")  # the standard requires at least 4 digits including the check digit
    return base + finnish_reference_check_digit(base)


def is_valid_finnish_reference(value: str) -> bool:
    digits = re.sub(r"\s", "", value or "")
    return bool(re.fullmatch(r"\d{4,20}", digits)) and finnish_reference_check_digit(digits[:-1]) == digits[-1]


def make_rf_reference(national: str) -> str:
    """ISO 11649 creditor reference (RF) around a national reference, check digits by stdnum."""
    body = re.sub(r"\s", "", national).upper()
    check = mod_97_10.calc_check_digits(body + "RF")
    return iso11649.validate("RF" + check + body)


def validate_reference_number(value: str) -> None:
    if not value:
        return
    compacted = re.sub(r"\s", "", value).upper()
    if compacted.startswith("RF"):
        if not iso11649.is_valid(compacted):
            raise ValidationError(gettext("%(value)s is not a valid RF creditor reference (ISO 11649): check the "
                                          "two digits after RF.") % {"value": value})
    elif not is_valid_finnish_reference(compacted):
        raise ValidationError(gettext("%(value)s is not a valid Finnish reference number: 4-20 digits ending "
                                      "in the 7-3-1 check digit.") % {"value": value})


def format_finnish_reference(value: str) -> str:
    """Finnish references are printed in groups of five from the right: 12 34561."""
    digits = re.sub(r"\s", "", value)
    groups = []
    while digits:
        groups.insert(0, digits[-5:])
        digits = digits[:-5]
    return " ".join(groups)


def format_rf_reference(value: str) -> str:
    return iso11649.format(value)


def refuse_formula(value: str) -> None:
    """Text that a spreadsheet would run as a formula is refused, not stored."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        raise ValidationError(gettext("%(value)s looks like a spreadsheet formula; remove the leading "
                                      "%(value2)s.") % {"value": repr(value), "value2": repr(value[0])})
