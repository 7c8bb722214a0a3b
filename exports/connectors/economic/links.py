"""The "grant access" link on an e-conomic export's page (spec section 2): opened by a user logged into
the e-conomic agreement, it lets the agreement grant the portal's app access and shows the app token
(agreement grant token) to enter as the export's API token. It is built from the portal's own app public
token; an export pointing at the sandbox gets the sandbox's stand-in page."""
from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings as django_settings
from django.utils.translation import gettext_lazy as _

from ..target import SetupLink
from .settings import app_public_token, points_at_sandbox

GRANT_URL = "https://secure.e-conomic.com/secure/api1/requestaccess.aspx"
HELP = _("Step 2: log into Visma e-conomic with the user the integration will use, then open this link in the "
         "same browser, follow the instructions and enter the app token it shows as the API token below.")


def grant_url(export) -> str | None:
    token = app_public_token(export)
    if not token:
        return None
    if points_at_sandbox(export.base_url):
        base = django_settings.SANDBOX_URL.rstrip("/") + export.target.sandbox_prefix + "/_requestaccess"
    else:
        base = GRANT_URL
    return f"{base}?{urlencode({'appPublicToken': token})}"


def grant_links(export) -> list[SetupLink]:
    url = grant_url(export)
    if url is None:
        return [SetupLink("", "", _("The portal's e-conomic app public token is not set (setting "
                                    "ECONOMIC_APP_PUBLIC_TOKEN), so there is no link for granting access yet."))]
    return [SetupLink(_("Grant the portal access to your e-conomic agreement"), url, HELP)]
