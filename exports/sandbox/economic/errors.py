"""e-conomic's error object (spec section 4): the generic body of every error, and the annotated
validation errors of a 400 that mirror the request document.

    {"message": "Validation error.", "developerHint": "...", "logId": "...", "httpStatusCode": 400,
     "logTime": "2026-11-30T10:00:00",
     "errors": {"currency": {"errors": [{"errorCode": "E06000", "message": "...", "value": "XYZ"}]},
                "lines": [{"arrayIndex": 0, "product": {"errors": [...]}}]}}
"""
from __future__ import annotations

import secrets
from datetime import datetime

from ..simulator import ApiError

NOT_FOUND_HINT = ("The API tries to provide all the resource urls you need. If you have hard coded urls yourself, "
                  "then try to look at the enclosing collection for hypermedia information on where the resource "
                  "you are looking for could be.")
VALIDATION_MESSAGE = "Validation error."
VALIDATION_HINT = "Inspect validation errors and correct your request."
# Codes the documentation names (spec 4.2); E06010 is seen in client code only.
DOES_NOT_EXIST = "E06000"
NO_IDENTIFIERS = "E04500"
QUANTITY_REQUIRED = "E04730"
TOO_MANY_DECIMALS = "E04740"
KEY_EXISTS = "E06010"
SCHEMA = "E00500"  # a property of the wrong type, unknown or missing (ours: the documentation names none)


def log_id() -> str:
    """A log id as e-conomic shows them in 2024: 16 hex digits and the data centre."""
    return f"{secrets.token_hex(8)}-CPH"


def error_body(status: int, message: str, *, hint: str = "", code: str = "", errors=None) -> dict:
    body = {"message": message, "developerHint": hint or _hint(status), "logId": log_id(),
            "httpStatusCode": status, "logTime": datetime.now().strftime("%Y-%m-%dT%H:%M:%S")}
    if code:
        body["errorCode"] = code
    if errors:
        body["errors"] = errors
    return body


def _hint(status: int) -> str:
    return {404: NOT_FOUND_HINT}.get(status, "")


class Problems:
    """Validation problems of one request document, collected at their paths and answered as one 400."""

    def __init__(self):
        self._problems: list[tuple[tuple, dict]] = []

    def add(self, path, code: str, message: str, value=None, hint: str = "") -> None:
        entry = {"errorCode": code, "message": message}
        if value is not None:
            entry["value"] = value
        if hint:
            entry["developerHint"] = hint
        self._problems.append((tuple(path), entry))

    def __bool__(self) -> bool:
        return bool(self._problems)

    def tree(self) -> dict:
        """The problems nested like the document: arrays as lists of {"arrayIndex", ...}."""
        root: dict = {}
        for path, entry in self._problems:
            _insert(root, path, entry)
        return root

    def messages(self) -> list[str]:
        return [entry["message"] for _, entry in self._problems]

    def raise_if_any(self) -> None:
        if self._problems:
            raise ApiError(400, VALIDATION_MESSAGE, errors=self.tree(), hint=VALIDATION_HINT)


def _insert(node: dict, path: tuple, entry: dict) -> None:
    if not path:
        node.setdefault("errors", []).append(entry)
        return
    head, rest = path[0], path[1:]
    if rest and isinstance(rest[0], int):
        items = node.setdefault(head, [])
        element = next((item for item in items if item["arrayIndex"] == rest[0]), None)
        if element is None:
            element = {"arrayIndex": rest[0]}
            items.append(element)
        _insert(element, rest[1:], entry)
    else:
        _insert(node.setdefault(head, {}), rest, entry)


def refused(message: str, code: str = "", status: int = 400) -> ApiError:
    """A business rule's refusal: the error object without per-field errors."""
    return ApiError(status, message, code=code)


def not_found(what: str) -> ApiError:
    return ApiError(404, "Resource not found.", detail=what)
