"""Request bodies checked against a JSON Schema (jsonschema), with the problems worded the way the
simulators answer them: "items[1].colour: unknown or read-only field.", "name: is required."

``object_schema`` builds the schema of an object from a table of writable fields, so a simulator can
keep the vendor's field list as plain data.
"""
from __future__ import annotations

import re

from jsonschema import Draft202012Validator, FormatChecker

STR, INT, NUM, BOOL, DATE, OBJ, LIST = "string", "integer", "number", "boolean", "date", "object", "array"
_TYPES = {DATE: {"type": "string", "format": "date"}}
_REQUIRED = re.compile(r"^'(.+)' is a required property$")
_KIND_WORDS = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "a boolean",
               "object": "an object", "array": "an array"}


def object_schema(fields: dict[str, str], required=(), *, items: dict | None = None, partial: bool = False) -> dict:
    """An object with exactly these fields; ``required`` ones may not be missing or null (unless
    ``partial``, a PATCH). ``items``: the schema of the elements of the field "items"."""
    properties = {}
    for name, kind in fields.items():
        base = dict(_TYPES.get(kind, {"type": kind}))
        if kind == LIST and items is not None and name == "items":
            base["items"] = items
        nullable = partial or name not in required
        properties[name] = {"anyOf": [base, {"type": "null"}]} if nullable else base
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if not partial:
        schema["required"] = sorted(required)
    return schema


def problems_in(body, schema: dict, where: str = "") -> list[str]:
    """Every problem of ``body`` against ``schema``, in the simulators' words; empty when it conforms."""
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    problems = []
    for error in validator.iter_errors(body):
        path = where + _path(error.absolute_path)
        if error.validator == "required":
            name = _REQUIRED.match(error.message).group(1)
            problems.append(f"{path}{'.' if path else ''}{name}: is required.")
        elif error.validator == "additionalProperties":
            known = set(error.schema.get("properties", {}))
            for name in sorted(set(error.instance) - known):
                problems.append(f"{path}{'.' if path else ''}{name}: unknown or read-only field.")
        elif error.validator == "anyOf" and error.instance is not None:
            # A nullable field holding something: what is wrong with it as the non-null kind.
            problems.extend(problems_in(error.instance, _non_null(error.schema), where=path))
        elif error.validator in ("type", "anyOf", "format"):
            if error.instance is None:
                problems.append(f"{path}: is required.")
            else:
                problems.append(f"{path or 'body'}: must be {_expected(error.schema)}.")
        else:
            problems.append(f"{path or 'body'}: {error.message}.")
    return sorted(set(problems), key=problems.index)


def _path(parts) -> str:
    text = ""
    for part in parts:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _non_null(schema: dict) -> dict:
    return next((option for option in schema.get("anyOf", [schema]) if option.get("type") != "null"), schema)


def _expected(schema: dict) -> str:
    base = _non_null(schema)
    if base.get("format") == "date":
        return "a date YYYY-MM-DD"
    kind = base.get("type", "")
    return _KIND_WORDS.get(kind, f"a {kind}")
