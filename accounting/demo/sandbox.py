"""The demo exports follow the sandbox: when it listens on another port, their Base URLs move with it.

Only an export whose Base URL is a sandbox address of its own type (a loopback host and exactly the
target's sandbox path) is moved; an export pointing at a real service, or anywhere else, is never touched.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from exports.connectors import registry
from exports.models import InvoiceExport

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def sandbox_url(port: int, host: str = "127.0.0.1") -> str:
    return f"http://{host}:{port}"


def points_at_a_sandbox(export: InvoiceExport) -> bool:
    """The export's Base URL is the sandbox simulator of its type, on whatever local port."""
    declared = registry.find(export.type)
    if declared is None or not declared.sandbox_prefix or not export.base_url:
        return False
    parts = urlsplit(export.base_url)
    return (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
            and parts.path.rstrip("/") == declared.sandbox_prefix.rstrip("/"))


def point_demo_exports_at(url: str) -> list[InvoiceExport]:
    """Move every export that points at a sandbox to the sandbox at ``url``. Returns the exports moved."""
    moved = []
    for export in InvoiceExport.objects.exclude(base_url="").order_by("name"):
        if not points_at_a_sandbox(export):
            continue
        wanted = url.rstrip("/") + export.target.sandbox_prefix
        if export.base_url.rstrip("/") != wanted:
            export.base_url = wanted
            export.save(update_fields=["base_url", "updated_at"])
            moved.append(export)
    return moved
