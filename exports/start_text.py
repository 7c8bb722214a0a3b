"""The Start text field: stored as typed, parsed by the export type's own schema (its Target's).

Most types take one ``parameter=value`` per line; Netvisor takes a single word, the status of the new
invoice. Any parameter left out keeps its default. The schemas live with their targets; this module
is the one place the rest of the portal asks.
"""
from django.utils.translation import gettext

from .connectors import registry
from .connectors.start_text import StartTextError

__all__ = ["StartTextError", "describe_parameters", "parse_start_text"]


def parse_start_text(export_type: str, text: str) -> dict:
    """Return the parameters with defaults filled in, or raise StartTextError naming each bad line."""
    declared = registry.find(export_type)
    if declared is None:
        return {}
    return declared.start_text.parse(text or "")


def describe_parameters(export_type: str) -> str:
    """Help text listing the parameters a type accepts."""
    declared = registry.find(export_type)
    if declared is None:
        return gettext("This type takes no start-text parameters.")
    return declared.start_text.describe()
