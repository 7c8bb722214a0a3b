"""Netvisor's XML as the connector writes and reads it (spec sections 2 and 4).

Writing: elements in the order the DTD gives (the builders append them in that order), decimals with a
comma (Netvisor's own notation), dates YYYY-MM-DD with format="ansi".
Reading: element names matched case-insensitively (Netvisor's answers and clients mix the cases), the
envelope's two Status elements on failure split into category and text.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

CENTS = Decimal("0.01")


def amount(value: Decimal) -> str:
    """186.00 -> "186,00"."""
    return str(Decimal(value).quantize(CENTS, rounding=ROUND_HALF_UP)).replace(".", ",")


def percentage(value: Decimal) -> str:
    """25.50 -> "25,5", 24.00 -> "24"."""
    return format(Decimal(value).normalize(), "f").replace(".", ",")


def ansi(day: date) -> str:
    return day.isoformat()


def add(parent: etree._Element, tag: str, text=None, **attributes) -> etree._Element:
    """Append <tag attributes>text</tag>; ``None`` text makes an element without text."""
    element = etree.SubElement(parent, tag, {k: str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = str(text)
    return element


def add_if(parent: etree._Element, tag: str, text, **attributes) -> None:
    """Omitted when empty: an empty element would set the field to empty (spec section 2)."""
    if text not in (None, ""):
        add(parent, tag, text, **attributes)


def document(root: etree._Element) -> bytes:
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True)


# -- reading ---------------------------------------------------------------------------------------------

def local(element) -> str:
    return etree.QName(element).localname.lower() if isinstance(element.tag, str) else ""


def child(element, name: str):
    name = name.lower()
    return next((c for c in element if local(c) == name), None)


def children(element, name: str) -> list:
    name = name.lower()
    return [c for c in element if local(c) == name]


def text(element, name: str, default: str = "") -> str:
    found = child(element, name) if element is not None else None
    return (found.text or "").strip() if found is not None else default


def decimal_of(value: str) -> Decimal | None:
    try:
        return Decimal((value or "").strip().replace(" ", "").replace(",", "."))
    except ArithmeticError:
        return None


@dataclass(frozen=True)
class Status:
    ok: bool
    category: str = ""
    text: str = ""  # Netvisor's own words: "INVALID_DATA :: Data form incorrect ..."


def status_of(root) -> Status | None:
    """The answer's ResponseStatus, or None when the answer is not a Netvisor envelope."""
    if root is None or local(root) != "root":
        return None
    response_status = child(root, "ResponseStatus")
    if response_status is None:
        return None
    statuses = [(s.text or "").strip() for s in children(response_status, "Status")]
    if not statuses:
        return None
    if statuses[0].upper() == "OK":
        return Status(True)
    detail = next((s for s in statuses[1:] if s), statuses[0])
    category = detail.split(" :: ", 1)[0].strip() if " :: " in detail else statuses[0]
    return Status(False, category.upper(), detail)
