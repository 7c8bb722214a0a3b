"""Where a customer is, as e-conomic books it: the VAT zone (spec 6.4, mapped by number, since the names
are in the agreement's language) and the country as free text."""
from __future__ import annotations

import pycountry

DOMESTIC, EU, ABROAD = 1, 2, 3
#: Member states of the European Union (ISO 3166 alpha-2; Greece also as "EL", as in VAT numbers).
EU_COUNTRIES = frozenset({"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "EL", "HU", "IE",
                          "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"})


def vat_zone(customer_country: str, home_country: str) -> int:
    """Domestic when the customer is in the office's country, EU within the EU, else abroad."""
    customer, home = (customer_country or "").upper(), (home_country or "").upper()
    if customer == home or not customer:
        return DOMESTIC
    return EU if customer in EU_COUNTRIES and home in EU_COUNTRIES else ABROAD


def country_name(alpha2: str) -> str:
    """e-conomic keeps the country as text: its English name (ISO 3166), else the code itself."""
    code = (alpha2 or "").strip().upper()
    found = pycountry.countries.get(alpha_2="GR" if code == "EL" else code) if len(code) == 2 else None
    return getattr(found, "common_name", None) or getattr(found, "name", None) or code
