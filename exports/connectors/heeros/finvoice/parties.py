"""Who is on the invoice, as Finvoice names them: the seller (the office, or its region when the region has
an identity of its own), the buyer (the Opter customer with its Invoice information tab), and the payee's
bank account (the office's or region's IBAN and BIC)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.fi import ytunnus

from accounting.services.payment import issuer


@dataclass(frozen=True)
class Party:
    name: str
    business_id: str  # Y-tunnus for a Finnish company, e.g. 1033062-8; the national id otherwise
    vat_id: str  # e.g. FI10330628
    street: str
    street2: str
    postcode: str
    town: str
    country: str  # ISO 3166 alpha-2
    email: str = ""
    code: str = ""  # the buyer's customer code in Opter
    unit_number: str = ""  # e-invoice address (OVT), e.g. 003710330628

    @property
    def has_address(self) -> bool:
        return bool(self.street and self.postcode and self.town)


@dataclass(frozen=True)
class Payee:
    iban: str
    bic: str


def seller_of(invoice) -> Party:
    """The office, or the region when it has a corporate ID of its own; a region's blank address fields are
    the office's."""
    office = invoice.office
    who = issuer(invoice)

    def field(name: str) -> str:
        return (getattr(who, name, "") or getattr(office, name, "") or "").strip()

    country = field("country") or "FI"
    business_id = field("corporate_id")
    return Party(name=who.name if who is office else f"{office.name}, {who.name}", business_id=business_id,
                 vat_id=field("vat_number"), street=field("street"), street2="", postcode=field("postal_code"),
                 town=field("city"), country=country, email=field("email"),
                 unit_number=ovt_of(business_id) if country == "FI" else "")


def buyer_of(customer) -> Party:
    """The customer as the invoice is addressed: its invoice name and address (Invoice information tab)."""
    country = (customer.invoice_country or customer.country or "").strip()
    return Party(name=customer.display_invoice_name.strip(), business_id=(customer.corporate_id or "").strip(),
                 vat_id=(customer.vat_number or "").strip(), street=customer.invoice_address.strip(),
                 street2=customer.invoice_address2.strip(), postcode=customer.invoice_postal_code.strip(),
                 town=customer.invoice_city.strip(), country=country, email=customer.invoice_email.strip(),
                 code=customer.code, unit_number=(customer.ovt_number or "").strip())


def ovt_of(business_id: str) -> str:
    """The OVT e-invoice address Finnish companies use by default: 0037 and the Y-tunnus' eight digits."""
    if not ytunnus.is_valid(business_id):
        return ""
    return "0037" + re.sub(r"\D", "", ytunnus.compact(business_id))
