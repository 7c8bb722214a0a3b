"""Every document is validated before it leaves: against the official XSD when FINVOICE_XSD names it, and
always by the portal's own checks. A document with any problem is not sent."""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from . import schema
from .checks import own_problems


@dataclass(frozen=True)
class Validation:
    problems: list[str] = field(default_factory=list)
    schema_checked: bool = False  # False: FINVOICE_XSD is not set, the portal's own checks only

    @property
    def valid(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        """The result in one line, for the preview."""
        against = "the Finvoice 3.0 XSD and the portal's checks" if self.schema_checked else (
            "the portal's checks (FINVOICE_XSD is not set: no schema validation)")
        if self.valid:
            return f"valid against {against}"
        return f"NOT VALID against {against}: {len(self.problems)} error(s)"


def validate(root: etree._Element, xsd: etree.XMLSchema | None) -> Validation:
    """``xsd``: the loaded schema (schema.load()), or None to check without it."""
    problems = schema.schema_errors(xsd, root) if xsd is not None else []
    problems += own_problems(root)
    return Validation(problems, schema_checked=xsd is not None)
