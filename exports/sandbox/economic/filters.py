"""e-conomic's collection filter (spec section 3.2), parsed and applied to rows.

    filter=name$eq:Joe$and:(city$like:*port$or:age$lt:40)

Predicates are ``property`` + operator + value; ``$and:`` binds tighter than ``$or:``; parentheses group.
Values run to the next unescaped ``$and:``, ``$or:`` or ``)``; ``$`` escapes ``$ ( ) * , [ ]``; ``$null:``
is "absent". ``$in:``/``$nin:`` take ``[v1,v2]`` (numeric properties, at most 200 values). Strings compare
case-insensitively; ``$like:`` takes ``*`` wildcards and without one means "contains". Only the
collection's filterable properties may be used; anything else is a FilterError (400).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

OPERATORS = ("$eq:", "$ne:", "$gte:", "$gt:", "$lte:", "$lt:", "$like:", "$in:", "$nin:")
ESCAPED = "$()*,[]"
NULL = "$null:"
MAX_IN_VALUES = 200
_STAR = "\0"  # an unescaped * in a $like: value, kept apart from an escaped (literal) one


class FilterError(ValueError):
    pass


@dataclass(frozen=True)
class Predicate:
    prop: str
    operator: str
    value: object  # str, None ($null:) or a list for $in:/$nin:

    def matches(self, row: dict) -> bool:
        actual = value_at(row, self.prop)
        if self.operator in ("$in:", "$nin:"):
            found = any(_equal(actual, wanted) for wanted in self.value)
            return found if self.operator == "$in:" else not found
        if self.value is None:
            absent = actual is None or actual == ""
            return absent if self.operator == "$eq:" else not absent
        if self.operator == "$eq:":
            return _equal(actual, self.value)
        if self.operator == "$ne:":
            return not _equal(actual, self.value)
        if actual is None:
            return False
        if self.operator == "$like:":
            return _like(str(actual), self.value)
        left, right = _comparable(actual, self.value)
        return {"$gt:": left > right, "$gte:": left >= right, "$lt:": left < right,
                "$lte:": left <= right}[self.operator]


@dataclass(frozen=True)
class Both:
    parts: tuple

    def matches(self, row: dict) -> bool:
        return all(part.matches(row) for part in self.parts)


@dataclass(frozen=True)
class Either:
    parts: tuple

    def matches(self, row: dict) -> bool:
        return any(part.matches(row) for part in self.parts)


def value_at(row: dict, dotted: str):
    value = row
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def parse(text: str, filterable: frozenset[str]):
    """The filter as a tree with ``matches(row)``; raises FilterError."""
    parser = _Parser(text, filterable)
    tree = parser.expression()
    if parser.pos != len(text):
        raise FilterError(f"Unexpected {text[parser.pos:]!r} in the filter.")
    return tree


class _Parser:
    def __init__(self, text: str, filterable: frozenset[str]):
        self.text = text
        self.pos = 0
        self.filterable = filterable

    def expression(self):
        alternatives = [self.conjunction()]
        while self._take("$or:"):
            alternatives.append(self.conjunction())
        return alternatives[0] if len(alternatives) == 1 else Either(tuple(alternatives))

    def conjunction(self):
        parts = [self.term()]
        while self._take("$and:"):
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else Both(tuple(parts))

    def term(self):
        if self._take("("):
            inner = self.expression()
            if not self._take(")"):
                raise FilterError("A parenthesis in the filter is not closed.")
            return inner
        return self.predicate()

    def predicate(self) -> Predicate:
        found = re.compile(r"[A-Za-z][A-Za-z0-9_.]*").match(self.text, self.pos)
        if not found:
            raise FilterError(f"A property name was expected at {self.text[self.pos:]!r}.")
        prop = found.group(0)
        self.pos = found.end()
        operator = next((op for op in OPERATORS if self.text.startswith(op, self.pos)), None)
        if operator is None:
            raise FilterError(f"Unknown or missing operator after {prop!r}.")
        self.pos += len(operator)
        if prop.lower() not in {name.lower() for name in self.filterable}:
            raise FilterError(f"The property {prop!r} is not filterable.")
        prop = next(name for name in self.filterable if name.lower() == prop.lower())
        if operator in ("$in:", "$nin:"):
            return Predicate(prop, operator, self._list())
        return Predicate(prop, operator, self._value(like=operator == "$like:"))

    def _list(self) -> list:
        if not self._take("["):
            raise FilterError("$in: and $nin: take a list such as [1,2,3].")
        values, current = [], ""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "$" and self.text.startswith(NULL, self.pos):
                self.pos += len(NULL)
                values.append(None)
                current = None
                continue
            if char == "$" and self.pos + 1 < len(self.text) and self.text[self.pos + 1] in ESCAPED:
                current = (current or "") + self.text[self.pos + 1]
                self.pos += 2
                continue
            self.pos += 1
            if char in ",]":
                if current is not None:
                    values.append(_number(current.strip()))
                current = ""
                if char == "]":
                    if len(values) > MAX_IN_VALUES:
                        raise FilterError(f"$in: and $nin: take at most {MAX_IN_VALUES} values.")
                    return values
                continue
            current = (current or "") + char
        raise FilterError("A list in the filter is not closed with ].")

    def _value(self, *, like: bool):
        if self.text.startswith(NULL, self.pos):
            self.pos += len(NULL)
            return None
        value = ""
        while self.pos < len(self.text):
            if self.text.startswith("$and:", self.pos) or self.text.startswith("$or:", self.pos):
                break
            char = self.text[self.pos]
            if char == ")":
                break
            if char == "$":
                following = self.text[self.pos + 1: self.pos + 2]
                if following not in ESCAPED or not following:
                    raise FilterError(f"An unescaped $ in the value {value!r}.")
                value += following
                self.pos += 2
                continue
            value += _STAR if (char == "*" and like) else char
            self.pos += 1
        return value

    def _take(self, token: str) -> bool:
        if self.text.startswith(token, self.pos):
            self.pos += len(token)
            return True
        return False


def _number(text: str):
    try:
        return Decimal(text)
    except InvalidOperation:
        raise FilterError(f"$in: and $nin: take numbers only, not {text!r}.") from None


def _equal(actual, wanted) -> bool:
    if actual is None or wanted is None:
        return actual is wanted or (wanted is None and actual == "")
    left, right = _comparable(actual, wanted)
    return left == right


def _comparable(actual, wanted):
    if isinstance(actual, bool):
        return str(actual).lower(), str(wanted).lower()
    if isinstance(actual, (int, float, Decimal)):
        try:
            return Decimal(str(actual)), Decimal(str(wanted))
        except InvalidOperation:
            raise FilterError(f"{wanted!r} is not a number.") from None
    return str(actual).casefold(), str(wanted).casefold()


def _like(actual: str, pattern: str) -> bool:
    if _STAR not in pattern:
        return pattern.casefold() in actual.casefold()
    regex = ".*".join(re.escape(part) for part in pattern.split(_STAR))
    return re.fullmatch(regex, actual, flags=re.IGNORECASE | re.DOTALL) is not None
