"""Request bodies as Netvisor reads them (spec section 2): <root> (any case) holding one resource element;
element names matched case-insensitively; UTF-8 or ISO-8859-15 (charset parameter or XML declaration);
children in the DTD's order, required ones present, nothing unknown. Every problem is Netvisor's
INVALID_DATA with a text that names the element.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=True)
_CHARSET = re.compile(r"charset=([\w-]+)", re.IGNORECASE)


class Invalid(Exception):
    """INVALID_DATA :: <text>"""


@dataclass(frozen=True)
class E:
    """One element of a DTD content model: name, required, repeatable, and its own children (None = text)."""

    name: str
    required: bool = False
    many: bool = False
    children: tuple[E, ...] | None = None


def opt(*names: str) -> tuple[E, ...]:
    return tuple(E(name) for name in names)


def name_of(element) -> str:
    return etree.QName(element).localname.lower() if isinstance(element.tag, str) else ""


def parse(raw: bytes, content_type: str, resource: str):
    """The resource element (e.g. <salesinvoice>) of a request body."""
    if not raw.strip():
        raise Invalid(f"Data form incorrect:. The request has no XML body; {resource} needs one.")
    match = _CHARSET.search(content_type or "")
    data = raw
    if match and not raw.lstrip().startswith(b"<?xml"):
        try:
            data = raw.decode(match.group(1)).encode("utf-8")
        except (LookupError, UnicodeDecodeError):
            raise Invalid(f"Data form incorrect:. The body is not in the charset {match.group(1)}.") from None
    try:
        root = etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as exc:
        raise Invalid(f"Data form incorrect:. The body is not well-formed XML: {exc}") from None
    if name_of(root) != "root" or len(root) != 1 or name_of(root[0]) != resource:
        raise Invalid(f"Data form incorrect:. The body must be <root><{resource}>...</{resource}></root>.")
    return root[0]


def check(element, model: tuple[E, ...], where: str = "") -> None:
    """Order, presence and repetition of ``element``'s children against ``model``, recursively."""
    where = where or name_of(element)
    position = {spec.name: index for index, spec in enumerate(model)}
    seen: dict[str, int] = {}
    last = -1
    for child in element:
        name = name_of(child)
        if name not in position:
            raise Invalid(f"Data form incorrect:. Unknown element <{name}> in <{where}>.")
        index = position[name]
        if index < last:
            expected = " ".join(spec.name for spec in model)
            raise Invalid(f"Data form incorrect:. <{name}> is out of order in <{where}>; the order is: {expected}.")
        last = index
        seen[name] = seen.get(name, 0) + 1
        spec = model[index]
        if seen[name] > 1 and not spec.many:
            raise Invalid(f"Data form incorrect:. <{name}> may appear only once in <{where}>.")
        if spec.children is not None:
            check(child, spec.children, f"{where}/{name}")
        elif len(child):
            raise Invalid(f"Data form incorrect:. <{name}> in <{where}> takes text, not elements.")
    for spec in model:
        if spec.required and spec.name not in seen:
            raise Invalid(f"Data form incorrect:. <{where}> lacks the mandatory element <{spec.name}>.")


# -- reading values ------------------------------------------------------------------------------------------

def find(element, name: str):
    name = name.lower()
    return next((c for c in element if name_of(c) == name), None)


def find_all(element, name: str) -> list:
    name = name.lower()
    return [c for c in element if name_of(c) == name]


def value(element, name: str, default: str = "") -> str:
    found = find(element, name) if element is not None else None
    return (found.text or "").strip() if found is not None else default


def attribute(element, name: str, default: str = "") -> str:
    if element is None:
        return default
    for key, found in element.attrib.items():
        if key.lower() == name.lower():
            return found.strip()
    return default


def decimal(text: str, what: str, *, accept_point: bool = True) -> Decimal:
    """Netvisor's decimal comma; a point too unless the sandbox is told otherwise (UNCONFIRMED)."""
    cleaned = (text or "").strip().replace(" ", "")
    if "." in cleaned and not accept_point:
        raise Invalid(f"Data form incorrect:. {what} must use a decimal comma: {text!r}.")
    try:
        return Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        raise Invalid(f"Data form incorrect:. {what} is not a number: {text!r}.") from None


def ansi_date(text: str, what: str) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise Invalid(f"Data form incorrect:. {what} is not a date YYYY-MM-DD: {text!r}.") from None
