"""Validators for identifiers, built on python-stdnum. Messages say what to fix."""
import re

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum import iso11649
from stdnum.dk import cvr
from stdnum.ee import registrikood
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fi import ytunnus
from stdnum.iso7064 import mod_97_10

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def validate_currency_code(value: str) -> None:
    if not re.fullmatch(r"[A-Z]{3}", value or ""):
        raise ValidationError(gettext("%(value)s is not an ISO 4217 currency code: use three capital "
                                      "letters, e.g. EUR.") % {"value": repr(value)})


#: Codes people type that ISO 3166 spells otherwise: the EU's VAT prefix for Greece, the UK's common name.
COUNTRY_CODE_SPELT_OTHERWISE = {"EL": "GR", "UK": "GB"}


def normalise_country_code(value: str) -> str:
    """ "ee" and " Ee " are Estonia: country codes are stored upper case without spaces."""
    return (value or "").strip().upper()


def is_iso_country_code(code: str) -> bool:
    return pycountry.countries.get(alpha_2=normalise_country_code(code)) is not None


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=normalise_country_code(code))
    return country.name if country else code


def validate_country_code(value: str) -> None:
    """A two-letter ISO 3166 country code, whatever its case (the fields store it upper case)."""
    if not value:
        return
    code = normalise_country_code(value)
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise ValidationError(
            _("%(value)s is not a country code: use the two-letter ISO 3166 code, e.g. EE, FI, DK."),
            code="country_format", params={"value": value})
    if pycountry.countries.get(alpha_2=code) is None:
        if code in COUNTRY_CODE_SPELT_OTHERWISE:
            raise ValidationError(
                _("%(value)s is not an ISO 3166 country code: use %(iso)s for %(name)s."), code="country_unknown",
                params={"value": value, "iso": COUNTRY_CODE_SPELT_OTHERWISE[code],
                        "name": country_name(COUNTRY_CODE_SPELT_OTHERWISE[code])})
        raise ValidationError(
            _("%(value)s is not an ISO 3166 country code: no country has this code. Use the two-letter code, "
              "e.g. EE for Estonia, FI for Finland, DK for Denmark."), code="country_unknown", params={"value": value})


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


#: What a VAT registration number looks like in the markets the portal's targets serve (for messages).
VAT_NUMBER_FORMATS = {
    "EE": "EE followed by 9 digits, e.g. EE100247019",
    "FI": "FI followed by 8 digits, e.g. FI20774740",
    "DK": "DK followed by 8 digits, e.g. DK13585628",
    "SE": "SE followed by 12 digits, e.g. SE556188840401",
}


def normalise_vat_number(value: str) -> str:
    """ "ee 100 247 019" is EE100247019: upper case, without spaces, dots or dashes."""
    return eu_vat.compact(value) if value else ""


def _vat_format_hint(number: str) -> str:
    prefix = normalise_vat_number(number)[:2]
    hint = VAT_NUMBER_FORMATS.get(prefix)
    if hint:
        return _("VAT registration numbers of %(country)s are %(format)s") % {
            "country": country_name("GR" if prefix == "EL" else prefix), "format": hint}
    return _("check the number on the company's VAT registration")


def vat_number_problem(value: str) -> str | None:
    """Why ``value`` is not a valid EU VAT registration number, naming the rule that failed; None if valid.

    python-stdnum says which rule failed by the exception's type: the country prefix (InvalidComponent),
    the length (InvalidLength), the characters (InvalidFormat) or the check digit (InvalidChecksum).
    """
    if not value:
        return None
    params = {"value": value}
    try:
        eu_vat.validate(value)
    except InvalidChecksum:
        return _("%(value)s is not a valid EU VAT registration number: its check digit is wrong. The format is "
                 "right, so a digit is probably mistyped: compare it with the company's VAT registration.") % params
    except InvalidLength:
        return _("%(value)s is not a valid EU VAT registration number: it has the wrong number of characters "
                 "(%(hint)s).") % {**params, "hint": _vat_format_hint(value)}
    except InvalidComponent:
        return _("%(value)s is not a valid EU VAT registration number: it must start with the code of an EU "
                 "country (e.g. EE, FI, DK; EL for Greece) followed by the number.") % params
    except InvalidFormat:
        return _("%(value)s is not a valid EU VAT registration number: its format is wrong (%(hint)s).") % {
            **params, "hint": _vat_format_hint(value)}
    except StdnumError as exc:
        return _("%(value)s is not a valid EU VAT registration number: %(reason)s") % {
            **params, "reason": exc.message}
    return None


def validate_vat_number(value: str) -> None:
    problem = vat_number_problem(value)
    if problem:
        raise ValidationError(problem, code="vat_number")


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
