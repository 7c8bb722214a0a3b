"""Who the connector is towards Netvisor: the export's API user (User id = its username, Password = its
API key, Office code = the company's business ID) and the software partner, which is the portal.

The partner id and partner key come from the portal's settings NETVISOR_PARTNER_ID and
NETVISOR_PARTNER_KEY (environment, or NETVISOR_PARTNER_KEY_FILE for a key kept in a file); an export may
override them on its File transfer tab (Client identity = partner id, Client key = partner key), e.g. the
demo export, whose partner the sandbox knows.
"""
from __future__ import annotations

from django.conf import settings

from .auth import Identity


def partner(export) -> tuple[str, str]:
    """(partner id, partner key): the export's override, else the portal's settings; blank when unset."""
    partner_id = (export.client_identity or "").strip() or getattr(settings, "NETVISOR_PARTNER_ID", "")
    partner_key = (export.client_key or "").strip() or getattr(settings, "NETVISOR_PARTNER_KEY", "")
    return partner_id.strip(), partner_key.strip()


def identity(export) -> Identity | None:
    """The signing identity of ``export``; None when the partner id or key is missing."""
    partner_id, partner_key = partner(export)
    if not (partner_id and partner_key):
        return None
    return Identity(customer_id=(export.user_id or "").strip(), customer_key=(export.password or "").strip(),
                    partner_id=partner_id, partner_key=partner_key,
                    organisation_id=(export.office_code or "").strip(),
                    use_http_status_codes=bool(getattr(settings, "NETVISOR_USE_HTTP_STATUS_CODES", False)))
