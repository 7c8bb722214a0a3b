"""What an e-conomic export is configured with: its start text, typed, and the portal's own app tokens.

The app secret token identifies the portal as an e-conomic app and never comes from the user: it is the
setting ECONOMIC_APP_SECRET_TOKEN (environment, or a file with the _FILE variant). An export whose base
URL points at the sandbox uses the sandbox app's practice token instead, so the real one never goes
there, and the demo needs no configuration.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings as django_settings

from .target import DEMO_TOKENS, START_TEXT

INVOICE, VOUCHER = "invoice", "voucher"


@dataclass(frozen=True)
class Settings:
    method: str = INVOICE
    journal: int = 1
    customer_group: int | None = None
    amount_sign: int = 1  # a customer invoice's amount on a voucher: +1 debits the customer

    @classmethod
    def of(cls, export) -> Settings:
        """Raises StartTextError naming each bad line."""
        values = START_TEXT.parse(export.start_text)
        return cls(method=values["exportMethod"], journal=values["journalNumber"],
                   customer_group=values["customerGroup"],
                   amount_sign=1 if values["voucherAmountSign"] == "positive" else -1)

    @property
    def vouchers(self) -> bool:
        return self.method == VOUCHER


def points_at_sandbox(base_url: str) -> bool:
    sandbox = (getattr(django_settings, "SANDBOX_URL", "") or "").rstrip("/")
    url = (base_url or "").rstrip("/")
    return bool(sandbox and url) and (url == sandbox or url.startswith(sandbox + "/"))


def app_secret_token(export) -> str:
    if points_at_sandbox(export.base_url):
        return django_settings.ECONOMIC_SANDBOX_APP_SECRET_TOKEN or DEMO_TOKENS["app_secret_token"]
    return django_settings.ECONOMIC_APP_SECRET_TOKEN


def app_public_token(export) -> str:
    if points_at_sandbox(export.base_url):
        return django_settings.ECONOMIC_SANDBOX_APP_PUBLIC_TOKEN or DEMO_TOKENS["app_public_token"]
    return django_settings.ECONOMIC_APP_PUBLIC_TOKEN
