"""Netvisor's answer envelope (spec section 4): Root > ResponseStatus (Status OK, or FAILED followed by
"CATEGORY :: text"), then Replies or the list asked for. Decimals with a comma, Finnish local time."""
from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from lxml import etree

from ..wsgi import Response

HELSINKI = ZoneInfo("Europe/Helsinki")
XML_HEADERS = [("Content-Type", "text/xml; charset=utf-8")]

#: What Netvisor answers with UseHTTPResponseStatusCodes: 1 (the spec's suggested mapping; UNCONFIRMED).
STATUS_OF_CATEGORY = {"AUTHENTICATION_FAILED": 401, "SERVICE_ACCESS_ERROR": 403, "INVALID_DATA": 400,
                      "INVALID_DATA_SIZE": 400, "PERIOD_LOCK": 400, "DUPLICATE_DATA": 409,
                      "REQUEST_NOT_UNIQUE": 409, "SYSTEM_MAINTANANCE": 503, "TECHNICAL_ERROR": 500}
CATEGORY_OF_STATUS = {400: "INVALID_DATA", 401: "AUTHENTICATION_FAILED", 403: "SERVICE_ACCESS_ERROR",
                      404: "INVALID_DATA", 405: "INVALID_DATA", 409: "DUPLICATE_DATA", 429: "TECHNICAL_ERROR",
                      503: "SYSTEM_MAINTANANCE"}


def now_text() -> str:
    """d.M.yyyy H:mm:ss in Finnish time, no zero padding: 7.4.2009 13:46:07."""
    now = datetime.now(HELSINKI)
    return f"{now.day}.{now.month}.{now.year} {now.hour}:{now:%M:%S}"


def comma(value: Decimal) -> str:
    return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)).replace(".", ",")


def sub(parent, tag: str, text=None, **attributes):
    element = etree.SubElement(parent, tag, {k: str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = str(text)
    return element


def _root(*statuses: str):
    root = etree.Element("Root")
    status = sub(root, "ResponseStatus")
    for text in statuses:
        sub(status, "Status", text)
    sub(status, "TimeStamp", now_text())
    return root


def _response(root, status: int = 200, headers=None) -> Response:
    body = etree.tostring(root, encoding="utf-8", xml_declaration=True, standalone=True)
    return Response(status, body, [*XML_HEADERS, *(headers or [])])


def ok(*payload, inserted=None) -> Response:
    """Status OK, then Replies/InsertedDataIdentifier (a write that created something) or the payload."""
    root = _root("OK")
    if inserted is not None:
        sub(sub(root, "Replies"), "InsertedDataIdentifier", inserted)
    for element in payload:
        root.append(element)
    return _response(root)


def failed(category: str, text: str, status: int = 200, headers=None) -> Response:
    return _response(_root("FAILED", f"{category} :: {text}"), status, headers)
