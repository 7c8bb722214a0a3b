"""The export's Start text for E-Financials, typed (target.START_TEXT lists the parameters)."""
from __future__ import annotations

from dataclasses import dataclass

from .target import START_TEXT


@dataclass(frozen=True)
class Settings:
    template_id: int | None = None
    product_code: str = "OPTER"
    register: bool = True
    project_level: int = 1
    send_bank_account: bool = True
    currency_rate: str = "units_per_eur"  # or "eur_per_unit"
    attach_pdf: str = "after_register"  # or "before_register"
    credit_number: str = "own"  # or "original": a credit invoice numbered like the invoice it credits

    @classmethod
    def of(cls, export) -> Settings:
        """Raises StartTextError naming each bad line."""
        values = START_TEXT.parse(export.start_text)
        return cls(template_id=values["TemplateId"], product_code=values["ProductCode"],
                   register=values["Register"], project_level=int(values["ProjectLevel"]),
                   send_bank_account=values["SendBankAccount"], currency_rate=values["CurrencyRate"],
                   attach_pdf=values["AttachPdf"], credit_number=values["CreditNumber"])
