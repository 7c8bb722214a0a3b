"""What a Heeros export is told: the start text (its seven import options) and the portal's settings for
the transport, which Opter's article does not cover because Heeros does not publish its API.

Portal settings (environment variables, each also as ``<NAME>_FILE``):
    HEEROS_API_BASE_URL  the API's address when the export's Base URL is blank (no default: unknown)
    HEEROS_AUTH          "token" (log in, then a bearer token; default) or "basic" (HTTP Basic per call)
    HEEROS_TRANSPORT     the adapter class (dotted path), for an API that differs from our design
    FINVOICE_XSD         the official Finvoice3.0.xsd; unset = the portal's own checks only
"""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from .target import START_TEXT

DEFAULT_TRANSPORT = "exports.connectors.heeros.transport.HeerosTransport"
AUTH_SCHEMES = ("token", "basic")


@dataclass(frozen=True)
class ImportOptions:
    """The start text, as Heeros' import options; every one is sent, defaults included."""

    values: dict

    @classmethod
    def of(cls, export) -> ImportOptions:
        """Raises StartTextError naming each bad line."""
        return cls(START_TEXT.parse(export.start_text))

    @property
    def account_coding(self) -> bool:
        return bool(self.values["CreateAccountingObjects"])

    def as_query(self) -> dict[str, bool]:
        return {name: bool(self.values[name]) for name in START_TEXT.parameters}

    def describe(self) -> str:
        return ", ".join(f"{name}={'true' if value else 'false'}" for name, value in self.as_query().items())


def base_url_of(export) -> str:
    return (export.base_url or getattr(settings, "HEEROS_API_BASE_URL", "") or "").strip()


def auth_scheme() -> str:
    scheme = (getattr(settings, "HEEROS_AUTH", "") or "token").strip().lower()
    if scheme not in AUTH_SCHEMES:
        raise ValueError(f"HEEROS_AUTH must be one of {', '.join(AUTH_SCHEMES)}, not {scheme!r}.")
    return scheme


def transport_class() -> str:
    return (getattr(settings, "HEEROS_TRANSPORT", "") or DEFAULT_TRANSPORT).strip()
