"""What every handler of the Procountor simulator shares: refusals in Procountor's error body, bodies
checked against their schema and the character set, cursor pagination, versions."""
from __future__ import annotations

from datetime import UTC, datetime

from ..simulator import ApiError
from ..validation import problems_in
from ..wsgi import Request
from .rules import cp1252_problems


def refuse(problems, status: int = 400) -> ApiError:
    """Procountor's {"errors":[{"status","field","message"}]}; ``problems`` are (field, code) pairs."""
    errors = []
    for field, message in problems:
        error = {"status": status, "message": message}
        if field:
            error["field"] = field
        errors.append(error)
    return ApiError(status, *[message for _, message in problems], errors=errors)


def not_found(what: str) -> ApiError:
    return refuse([(None, f"SIM_NOT_FOUND: {what}")], 404)


def body_of(request: Request, schema: dict) -> dict:
    body = request.json(lambda message: refuse([(None, message)]))
    if not isinstance(body, dict):
        raise refuse([(None, "SIM_BODY_MUST_BE_AN_OBJECT")])
    problems = [_field_and_text(text) for text in problems_in(body, schema)]
    problems += cp1252_problems(body)
    if problems:
        raise refuse(problems)
    return body


def _field_and_text(text: str) -> tuple[str | None, str]:
    """"invoiceRows[1].unit: is required." -> ("invoiceRows[1].unit", "is required")."""
    field, _, message = text.partition(": ")
    return (field, message.rstrip(".")) if message else (None, text)


def new_version() -> str:
    """Versions are datetimes; microseconds keep two quick updates apart."""
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def check_version(given, current: str, status: int) -> None:
    if given is None:
        raise refuse([("version", "is required")], status)
    if str(given) != current:
        raise refuse([("version", "SIM_VERSION_MISMATCH")], status)


def integer(request: Request, name: str, default: int | None = None) -> int | None:
    raw = request.query.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise refuse([(name, "SIM_NOT_AN_INTEGER")]) from None


def paged(request: Request, rows: list[dict], *, max_size: int, default_order: str = "ASC") -> dict:
    """Cursor pagination (spec 3): previousId, size (default 50, at most 200), orderById."""
    size = integer(request, "size", 50)
    if not 1 <= size <= max_size:
        raise refuse([("size", f"SIM_SIZE_1_{max_size}")])
    order = (request.query.get("orderById") or default_order).upper()
    if order not in ("ASC", "DESC"):
        raise refuse([("orderById", "SIM_ASC_OR_DESC")])
    ordered = sorted(rows, key=lambda row: row["id"], reverse=order == "DESC")
    previous = integer(request, "previousId")
    if previous:
        ordered = [row for row in ordered if (row["id"] > previous if order == "ASC" else row["id"] < previous)]
    page = ordered[:size]
    return {"results": page, "meta": {"pageNumber": 0, "pageSize": size, "resultCount": len(page),
                                      "totalCount": len(rows)}}
