"""What the connector needs to know about the E-Financials company, fetched once per run.

Accounts are addressed by number, sale articles pair a revenue account with a VAT rate, projects are
matched by name (the API gives them no code), bank accounts by IBAN, buyers by registry code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation


def compact_iban(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


def normalized_name(value: str) -> str:
    return " ".join((value or "").split()).casefold()


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _rate(value) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value))
    except InvalidOperation:
        return None


@dataclass
class SetupData:
    """The company's chart: what check_setup() and every invoice are checked against."""

    accounts: dict[str, dict]  # account number as text -> account
    sale_articles: list[dict]
    projects: list[dict]
    bank_accounts: list[dict]

    @classmethod
    def from_api(cls, accounts, sale_articles, projects, bank_accounts) -> SetupData:
        return cls({str(a.get("id")): a for a in accounts}, sale_articles, projects, bank_accounts)

    # Accounts: "Active" is is_valid and not is_disabled (spec section 9).
    def account_state(self, number: str) -> str:
        account = self.accounts.get(str(number))
        if account is None:
            return "missing"
        return "active" if account.get("is_valid", True) and not account.get("is_disabled") else "inactive"

    def sale_article(self, account_number: str, vat_percent: Decimal, day: date) -> dict | None:
        """A valid sale article of the account at the VAT rate on ``day`` (validity window respected)."""
        for article in self.sale_articles:
            if str(article.get("accounts_id")) != str(account_number):
                continue
            if _rate(article.get("vat_rate")) != vat_percent or not article.get("is_valid", True):
                continue
            start, end = _day(article.get("start_date")), _day(article.get("end_date"))
            if (start is None or start <= day) and (end is None or day <= end):
                return article
        return None

    def project(self, name: str) -> tuple[str, dict | None]:
        """("active" | "inactive" | "missing", project). An active project wins over an inactive namesake."""
        matches = [p for p in self.projects if normalized_name(p.get("name")) == normalized_name(name)]
        active = [p for p in matches if not p.get("is_disabled") and not p.get("is_deleted")]
        if active:
            return "active", active[0]
        return ("inactive", matches[0]) if matches else ("missing", None)

    def bank_account(self, iban: str) -> dict | None:
        wanted = compact_iban(iban)
        for account in self.bank_accounts:
            numbers = (compact_iban(account.get("iban_code")), compact_iban(account.get("account_no")))
            if wanted and wanted in numbers:
                return account
        return None


@dataclass
class RunData:
    """What prepare() adds for the invoices of one run."""

    template_id: int
    product: dict | None  # the product every row names; created on the first send when missing
    clients: dict[str, dict] = field(default_factory=dict)  # registry code -> client
    invoices: dict[str, dict] = field(default_factory=dict)  # invoice number -> sale invoice (list shape)
    covered: tuple[date, date] | None = None  # invoice dates whose sale invoices are in ``invoices``

    def add_clients(self, rows) -> None:
        for client in rows:
            code = (client.get("code") or "").strip()
            if code and not client.get("is_deleted"):
                self.clients[code] = client

    def add_invoices(self, rows) -> None:
        for invoice in rows:
            if not invoice.get("is_deleted") and invoice.get("number"):
                self.invoices[str(invoice["number"])] = invoice

    def covers(self, day: date) -> bool:
        return self.covered is not None and self.covered[0] <= day <= self.covered[1]
