"""Collections as e-conomic answers them (spec section 3.1): ``skippages`` / ``pagesize`` (default 20, at
most 1000), ``filter`` and ``sort``, and the envelope

    {"collection": [...], "pagination": {"maxPageSizeAllowed", "skipPages", "pageSize", "results",
     "resultsWithoutFilter", "firstPage", "previousPage"?, "nextPage"?, "lastPage"}, "self": ...}

with absolute links that echo the filter and sort.
"""
from __future__ import annotations

import copy
from decimal import Decimal
from urllib.parse import quote, urlencode

from ..simulator import ApiError
from ..wsgi import Request
from . import filters

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 1000


def base_url(request: Request) -> str:
    """Where the simulator is reached, as the client reached it: its absolute links start here."""
    scheme = request.environ.get("wsgi.url_scheme", "http")
    host = request.header("Host") or f"{request.environ.get('SERVER_NAME')}:{request.environ.get('SERVER_PORT')}"
    return f"{scheme}://{host}{request.environ.get('SCRIPT_NAME', '')}"


def query_value(request: Request, name: str, *, any_case: bool):
    if name in request.query:
        return request.query[name]
    if any_case:
        for key, value in request.query.items():
            if key.lower() == name:
                return value
    return None


def paging(request: Request, options) -> tuple[int, int]:
    any_case = options.case_insensitive_paging
    raw_skip = query_value(request, "skippages", any_case=any_case) or "0"
    raw_size = query_value(request, "pagesize", any_case=any_case) or str(DEFAULT_PAGE_SIZE)
    if not raw_skip.isdigit() or not raw_size.isdigit() or int(raw_size) < 1:
        raise ApiError(400, "skippages must be 0 or more and pagesize 1 or more.")
    size = int(raw_size)
    if size > MAX_PAGE_SIZE:
        if options.oversize_page == "refuse":
            raise ApiError(400, f"pagesize may be at most {MAX_PAGE_SIZE}.")
        size = MAX_PAGE_SIZE
    return int(raw_skip), size


def respond_rows(request: Request, rows: list[dict], options, *, filterable=frozenset(), sortable=frozenset(),
                 default_sort: str | None = None) -> dict:
    """The envelope of one page of ``rows`` after the request's filter and sort."""
    skip, size = paging(request, options)
    selected = rows
    text = request.query.get("filter")
    if text:
        try:
            tree = filters.parse(text, filterable)
        except filters.FilterError as exc:
            raise ApiError(400, str(exc), hint="Only the properties listed as filterable may be used.") from None
        selected = [row for row in rows if tree.matches(row)]
    order = request.query.get("sort") or default_sort
    if order:
        selected = sort_rows(selected, order, sortable | filterable)
    page = selected[skip * size:(skip + 1) * size]
    last = max(0, -(-len(selected) // size) - 1)
    link = _linker(request, size)
    pagination = {"maxPageSizeAllowed": MAX_PAGE_SIZE, "skipPages": skip, "pageSize": size,
                  "results": len(selected), "resultsWithoutFilter": len(rows), "firstPage": link(0)}
    if skip > 0:
        pagination["previousPage"] = link(skip - 1)
    if skip < last:
        pagination["nextPage"] = link(skip + 1)
    pagination["lastPage"] = link(last)
    return {"collection": copy.deepcopy(page), "pagination": pagination, "self": link(skip)}


def sort_rows(rows: list[dict], order: str, sortable) -> list[dict]:
    result = list(rows)
    for key in reversed([part.strip() for part in order.split(",") if part.strip()]):
        descending = key.startswith("-")
        name = key.lstrip("-~")
        if name.lower() not in {s.lower() for s in sortable}:
            raise ApiError(400, f"The property {name!r} is not sortable.")
        result.sort(key=lambda row, n=name: _sort_key(filters.value_at(row, n)), reverse=descending)
    return result


def _sort_key(value):
    if value is None:
        return (0, "")
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return (1, Decimal(str(value)))
    return (2, str(value).casefold())


def _linker(request: Request, size: int):
    base = base_url(request) + request.path
    extra = {name: request.query[name] for name in ("filter", "sort") if request.query.get(name)}

    def link(skip: int) -> str:
        query = urlencode({"skippages": skip, "pagesize": size, **extra}, quote_via=quote, safe="")
        return f"{base}?{query}"

    return link
