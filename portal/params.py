"""Query and form parameters of the portal's views, read strictly: a malformed value is a 400 with a
message that says which parameter is wrong and what it takes, never a 500.

Views call these instead of ``int(request.GET[...])`` or ``parse_datetime(...)``; the project's 400
handler (``bad_request``) shows the message, as JSON to a JSON endpoint.
"""
from __future__ import annotations

import datetime

from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

#: Ids are positive and fit a bigint column: a larger number cannot name a row.
MAX_ID = 2**63 - 1
TRUE = ("1", "true", "yes", "on")
FALSE = ("", "0", "false", "no", "off")


class BadParameter(BadRequest):
    """A parameter the user (or a script) got wrong; its message is shown to them."""


def _value(data, name: str) -> str:
    return (data.get(name) or "").strip()


def positive_id(data, name: str, *, required: bool = False) -> int | None:
    """An id such as ``period=3``: None when absent (unless ``required``)."""
    text = _value(data, name)
    if not text:
        if required:
            raise BadParameter(gettext("The parameter %(name)s is missing: give the id of the row, e.g. "
                                       "%(name)s=3.") % {"name": name})
        return None
    return _id(text, name)


def _id(text: str, name: str) -> int:
    if not text.isascii() or not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise BadParameter(gettext("%(name)s=%(value)s is not an id: give a whole number greater than 0, e.g. "
                                   "%(name)s=3.") % {"name": name, "value": text[:40]})
    return int(text)


#: More ids than this in one request are refused: a period or a filter is the way to name many rows.
#: (Django itself refuses a request of more than DATA_UPLOAD_MAX_NUMBER_FIELDS parameters.)
MAX_IDS = 500


def id_list(data, name: str, *, limit: int = MAX_IDS) -> list[int]:
    """Repeated ids such as ``invoice=1&invoice=2``; blank items are left out."""
    texts = [text.strip() for text in data.getlist(name) if text.strip()]
    if len(texts) > limit:
        raise BadParameter(gettext("Too many %(name)s parameters (%(count)d): give at most %(limit)d.")
                           % {"name": name, "count": len(texts), "limit": limit})
    return [_id(text, name) for text in texts]


def aware_datetime(data, name: str) -> datetime.datetime | None:
    """An ISO 8601 date and time such as ``since=2026-11-20T10:15:00Z``; without a zone, local time."""
    text = _value(data, name)
    if not text:
        return None
    try:
        value = parse_datetime(text)
    except ValueError:  # the right shape, an impossible date or time (month 13, hour 99)
        value = None
    if value is None:
        raise BadParameter(gettext("%(name)s=%(value)s is not a date and time: give an ISO 8601 value, e.g. "
                                   "%(name)s=2026-11-20T10:15:00Z.") % {"name": name, "value": text[:40]})
    if timezone.is_naive(value):
        try:
            value = timezone.make_aware(value)
        except (ValueError, OverflowError) as exc:  # a local time that does not exist there
            raise BadParameter(gettext("%(name)s=%(value)s is not a valid local time.")
                               % {"name": name, "value": text[:40]}) from exc
    return value


def flag(data, name: str) -> bool:
    """A yes/no parameter: 1, true, yes, on or 0, false, no, off (blank = no)."""
    text = _value(data, name).lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise BadParameter(gettext("%(name)s=%(value)s is not yes or no: give %(name)s=1 or %(name)s=0.")
                       % {"name": name, "value": text[:40]})


def unstorable(value: str) -> str:
    """Why the database could not compare ``value`` with a column, or "" when it can: a NUL character
    (PostgreSQL text cannot hold one)."""
    if "\x00" in value:
        return gettext("holds a NUL character (\\x00): remove it.")
    return ""


#: A list's date drill-down (the admin's date hierarchy, ``invoice_date__year=2026``) takes these ranges;
#: the last year leaves room for the end of its December, which the admin computes.
DATE_PARTS = {"year": (1, 9998), "month": (1, 12), "day": (1, 31)}


def unusable_filter(name: str, value: str) -> str:
    """Why a query parameter cannot filter a list, or "": a whole number beyond a 64-bit integer (SQLite
    overflows; also as an item of a comma-separated list such as id__in=1,2), or a date drill-down part out
    of its range. The search box (q) is text and may hold any digits."""
    if name == "q":
        return ""
    part = name.rsplit("__", 1)[-1] if "__" in name else ""
    if part in DATE_PARTS and value.strip():
        low, high = DATE_PARTS[part]
        text = value.strip()
        if not (text.isascii() and text.isdigit() and low <= int(text) <= high):
            return gettext("must be a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
    for item in value.split(","):
        item = item.strip().removeprefix("-")
        if item.isascii() and item.isdigit() and int(item) > MAX_ID:
            return gettext("holds a number larger than any id (%(max)d): enter a smaller one.") % {"max": MAX_ID}
    return ""


#: The admin's "pick from the list" parameter: when given, it names the field the popup returns. Empty, the
#: admin reads it as a field named "" and fails (its own check only looks at non-empty values).
ADMIN_FIELD_PARAMETER = "_to_field"


def unusable_admin_parameter(name: str, value: str) -> str:
    """Why an admin parameter cannot be used, or "": an empty ``_to_field``."""
    if name == ADMIN_FIELD_PARAMETER and not value.strip():
        return gettext("must name a field: leave it out to open the page as usual.")
    return ""


class DatabaseSafeParametersMiddleware:
    """A parameter the database could not compare (``unstorable``), or a query parameter that cannot filter
    a list (``unusable_filter``), is a 400 before any view, the admin's lists and filters included, builds
    a query with it. Form fields (POST) may hold long digit strings: reference numbers have up to 25."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, values in request.GET.lists():
            for value in values:
                self._check(name, unstorable(name) or unstorable(value) or unusable_filter(name, value)
                            or unusable_admin_parameter(name, value))
        if request.method == "POST":
            for name, values in request.POST.lists():
                for value in values:
                    self._check(name, unstorable(name) or unstorable(value) or unusable_admin_parameter(name, value))
        return self.get_response(request)

    @staticmethod
    def _check(name: str, why: str) -> None:
        if why:
            shown = name.replace("\x00", "\\x00")[:40]
            raise BadParameter(gettext("The parameter %(name)s %(why)s") % {"name": shown, "why": why})


def bad_request(request, exception=None):
    """The project's 400 page: the message of a BadParameter (other 400s keep a general text), as JSON to
    a JSON endpoint and as a page otherwise."""
    if isinstance(exception, BadParameter):
        message = str(exception)
    else:
        message = gettext("The request could not be understood: check the address and try again.")
    if request.path.endswith(".json") or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"error": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)
