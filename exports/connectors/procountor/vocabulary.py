"""Opter's values in Procountor's words: countries (an upper-case English enum), languages, units."""
from __future__ import annotations

import re

import pycountry

LANGUAGES = {"fi": "FINNISH", "sv": "SWEDISH", "en": "ENGLISH", "et": "ESTONIAN", "da": "DANISH", "no": "NORWEGIAN",
             "nb": "NORWEGIAN"}
#: Opter's unit texts -> Procountor's unit enum; anything else is NO_UNIT (the row text says what it is)
UNITS = {"pcs": "PIECE", "pc": "PIECE", "st": "PIECE", "kpl": "PIECE", "h": "HOUR", "hour": "HOUR", "t": "TON",
         "tn": "TON", "kg": "KILOGRAM", "km": "KILOMETER", "m": "METER", "m3": "CUBIC_METER", "l": "LITER",
         "d": "DAY", "day": "DAY", "pll": "PALLET", "pallet": "PALLET", "parcel": "PARCEL", "box": "BOX",
         "min": "MINUTE", "month": "MONTH", "week": "WEEK"}
_SPECIAL = {"GB": "UNITED_KINGDOM_OF_GREAT_BRITAIN_AND_NORTHERN_IRELAND", "EL": "GREECE"}


def country(alpha2: str) -> str | None:
    """FI -> FINLAND, SE -> SWEDEN; None for a code ISO 3166 does not know."""
    code = (alpha2 or "").strip().upper()
    if code in _SPECIAL:
        return _SPECIAL[code]
    found = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    return re.sub(r"[^A-Z0-9]+", "_", found.name.upper()).strip("_") if found else None


def language(code: str, country_code: str) -> str:
    """The customer's language; blank = Finnish for a Finnish customer, else English."""
    return LANGUAGES.get((code or "").lower()) or ("FINNISH" if country_code == "FI" else "ENGLISH")


def unit(text: str) -> str:
    return UNITS.get((text or "").strip().lower(), "NO_UNIT")
