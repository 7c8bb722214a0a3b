"""Country codes as the targets want them, through pycountry (ISO 3166). Opter stores two letters."""
from __future__ import annotations

import pycountry


def alpha3(alpha2: str) -> str | None:
    """The three-letter code, or None for a code ISO 3166 does not know. Greece is "EL" in EU VAT numbers
    but "GR" in ISO 3166; both are accepted. Kosovo (XK) has no ISO code but is used by the EU: XKX."""
    code = (alpha2 or "").strip().upper()
    if code == "EL":
        code = "GR"
    if code == "XK":
        return "XKX"
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    return country.alpha_3 if country else None


def is_country(alpha2: str) -> bool:
    return alpha3(alpha2) is not None
