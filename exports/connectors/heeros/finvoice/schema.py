"""The official Finvoice 3.0 schema, when the portal is given it.

The XSD is Finanssiala's (the Finnish banks' association), published with the Finvoice implementation
guidelines; operators download ``Finvoice3.0.xsd`` there and point the setting ``FINVOICE_XSD`` at the
file. The project does not ship it. Without it, documents are still checked by the portal's own rules
(exports.connectors.heeros.finvoice.checks), which cover what the schema cannot see.
"""
from __future__ import annotations

import threading
from pathlib import Path

from lxml import etree

_lock = threading.Lock()
_cache: dict[tuple[str, float], etree.XMLSchema] = {}


class SchemaUnavailable(Exception):
    """FINVOICE_XSD is set but the file cannot be read or is not an XML schema."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def configured_path() -> str:
    from django.conf import settings

    return (getattr(settings, "FINVOICE_XSD", "") or "").strip()


def load(path: str | None = None) -> etree.XMLSchema | None:
    """The schema at ``path`` (default: the setting), parsed once per file version; None when unset."""
    path = configured_path() if path is None else path.strip()
    if not path:
        return None
    file = Path(path)
    try:
        key = (str(file.resolve()), file.stat().st_mtime)
    except OSError as exc:
        raise SchemaUnavailable(path, exc.strerror or str(exc)) from None
    with _lock:
        if key not in _cache:
            parser = etree.XMLParser(resolve_entities=False, no_network=True)
            try:
                _cache[key] = etree.XMLSchema(etree.parse(str(file), parser))
            except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as exc:
                raise SchemaUnavailable(path, f"not an XML schema ({exc})") from None
        return _cache[key]


def schema_errors(schema: etree.XMLSchema, root: etree._Element) -> list[str]:
    """What the schema finds wrong, one line per error, with the element's path."""
    if schema.validate(root):
        return []
    problems = []
    for entry in schema.error_log:
        where = entry.path or ""
        if not where and entry.line:
            where = f"line {entry.line}"
        problems.append(f"Schema: {where}: {entry.message}" if where else f"Schema: {entry.message}")
    return problems
