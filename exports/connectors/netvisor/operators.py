"""The e-invoice operator ids (välittäjätunnukset) Netvisor accepts as a customer's operator, and the
local check Opter's article asks for: "The EDI code field in the customer registry corresponds to the
Operator ID in Netvisor. If you have filled in that field, it must have one of the following values."
(seed 001; the article's own list is cut off).

Source of the ids: the operators' and banks' published intermediator ids as collected in the open list of
the Odoo Community Association's Finnish localisation (github.com/OCA/l10n-finland,
l10n_fi_edicode/data/res_partner_operator_einvoice.xml), cross-checked against the operators' own pages
(e.g. Maventa 003721291126, Apix 003723327487). The authoritative register is the one TIEKE keeps for the
Finnish e-invoicing forum (Verkkolaskufoorumi).

A new operator is added by the administrator with the setting NETVISOR_EXTRA_OPERATOR_IDS (comma
separated, environment or ``_FILE``), see the connector's README.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

#: operator id -> operator. Banks route by their BIC, operators by an OVT-style id.
OPERATORS: dict[str, str] = {
    "HELSFIHH": "Aktia Pankki Oyj",
    "003723327487": "Apix Messaging Oy",
    "BAWCFI22": "Basware Oyj",
    "DABAFIHH": "Danske Bank Oyj",
    "DNBAFIHX": "DNB Bank ASA",
    "HANDFIHH": "Handelsbanken",
    "00885790000000418": "HighJump AS",
    "INEXCHANGE": "InExchange Factorum AB",
    "EXPSYS": "Lexmark Expert Systems AB",
    "003708599126": "Liaison Technologies Oy",
    "003721291126": "Maventa (Visma Solutions Oy)",
    "003726044706": "Netbox Finland Oy",
    "NDEAFIHH": "Nordea Pankki",
    "003717203971": "Notebeat Oy",
    "OKOYFIHH": "OP Ryhmä",
    "003710948874": "OpusCapita Group Oy",
    "003723609900": "Pagero Oy",
    "PALETTE": "Palette Software",
    "POPFFI22": "POP Pankit",
    "003701150617": "PostNord Strålfors Oy",
    "003714377140": "Ropo Capital Oy",
    "SBANFIHH": "S-Pankki Oy",
    "ITELFIHH": "Säästöpankit",
    "003703575029": "Telia Finland Oyj (formerly CGI)",
    "003701011385": "Tieto Oyj",
    "00885060259470028": "Tradeshift",
    "FIYAPSOL": "YAP Solutions Oy",
}


def normalized(operator_id: str) -> str:
    return "".join((operator_id or "").split()).upper()


def accepted_operator_ids() -> frozenset[str]:
    extra = getattr(settings, "NETVISOR_EXTRA_OPERATOR_IDS", ()) or ()
    return frozenset(OPERATORS) | {normalized(value) for value in extra if normalized(value)}


def is_accepted(operator_id: str) -> bool:
    return normalized(operator_id) in accepted_operator_ids()


def edi_code_reason(customer) -> str | None:
    """Why the customer's EDI code cannot be its Netvisor operator id, as a sentence; None when blank or
    accepted."""
    code = (customer.edi_code or "").strip()
    if not code or is_accepted(code):
        return None
    return (f"The EDI code {code} is not an e-invoice operator id Netvisor accepts (for example "
            f"{', '.join(list(OPERATORS)[:3])}); correct it or leave it empty.")


def edi_code_problem(customer) -> str | None:
    reason = edi_code_reason(customer)
    return f"Customer {customer.code} {customer.name}: t{reason[1:]}" if reason else None


def edi_code_problems(customers: Iterable) -> list[str]:
    """LocalChecks.customer_rule: one text per customer whose EDI code Netvisor would refuse."""
    accepted = accepted_operator_ids()
    return [edi_code_problem(customer) for customer in customers
            if (customer.edi_code or "").strip() and normalized(customer.edi_code) not in accepted]
