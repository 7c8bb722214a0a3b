"""What the connector needs to know about the e-conomic agreement, read once per run at 1000 a page:
/self, VAT zones, payment terms, product groups and the products of the groups in use, layouts, customer
groups, accounting years (an invoice is booked, and a voucher dated, in an open one); for vouchers also
the journal and the VAT accounts."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


class NotFound(LookupError):
    """A lookup that has no answer in the agreement; the text says why, for the catalogue message."""


def _number(row: dict, key: str) -> int:
    value = row.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclass
class Reference:
    agreement: dict
    vat_zones: dict[int, dict]
    payment_terms: list[dict]
    product_groups: list[dict]
    layouts: list[dict]
    customer_groups: list[dict]
    products: dict[int, list[dict]] = field(default_factory=dict)  # group number -> its products
    journal: dict | None = None
    vat_accounts: dict[str, dict] = field(default_factory=dict)
    accounting_years: list[dict] = field(default_factory=list)

    @classmethod
    def load(cls, api, *, vouchers: bool, journal: int) -> Reference:
        reference = cls(
            agreement=api.get("self"),
            vat_zones={_number(z, "vatZoneNumber"): z for z in api.collection("vat-zones")},
            payment_terms=api.collection("payment-terms"),
            product_groups=api.collection("product-groups"),
            layouts=sorted(api.collection("layouts"), key=lambda row: _number(row, "layoutNumber")),
            customer_groups=sorted(api.collection("customer-groups"),
                                   key=lambda row: _number(row, "customerGroupNumber")),
            accounting_years=api.collection("accounting-years"))
        if vouchers:
            reference.journal = api.find(f"journals/{journal}")
            reference.vat_accounts = {str(v.get("vatCode")): v for v in api.collection("vat-accounts")}
        return reference

    def load_products(self, api, groups: list[dict]) -> None:
        for group in groups:
            number = _number(group, "productGroupNumber")
            if number not in self.products:
                self.products[number] = api.collection(f"product-groups/{number}/products")

    # -- the agreement --------------------------------------------------------------------------------------
    @property
    def base_currency(self) -> str:
        return str((self.agreement.get("settings") or {}).get("baseCurrency") or "")

    # -- product groups (seed 003 step 1: named like the Opter sales accounts) --------------------------------
    def group_named(self, account: str) -> dict | None:
        wanted = str(account).strip().casefold()
        named = [g for g in self.product_groups if str(g.get("name", "")).strip().casefold() == wanted]
        return min(named, key=lambda g: _number(g, "productGroupNumber")) if named else None

    def missing_groups(self, accounts) -> list[str]:
        return sorted((a for a in set(accounts) if self.group_named(a) is None), key=str)

    def product_of(self, group: dict, account: str) -> dict | None:
        """The group's product for the account's lines: the one numbered like the account, else the first."""
        products = [p for p in self.products.get(_number(group, "productGroupNumber"), []) if not p.get("barred")]
        exact = [p for p in products if str(p.get("productNumber")) == str(account)]
        if exact:
            return exact[0]
        return min(products, key=lambda p: str(p.get("productNumber"))) if products else None

    # -- payment terms -----------------------------------------------------------------------------------------
    def terms_for(self, days: int, month_based: bool, mapped: str = "") -> dict:
        """By the name (or number) on the Codes tab, else by the number of days (spec 6.3): net terms of that
        many days (running month when Opter counts from the month's end). Raises NotFound."""
        if mapped:
            wanted = mapped.strip()
            for terms in self.payment_terms:
                if str(terms.get("name", "")).strip().casefold() == wanted.casefold() \
                        or (wanted.isdigit() and _number(terms, "paymentTermsNumber") == int(wanted)):
                    return terms
            raise NotFound(f"the Codes tab names the payment terms {wanted!r}, which e-conomic does not have")
        kind = "invoiceMonth" if month_based else "net"
        candidates = [t for t in self.payment_terms if t.get("paymentTermsType") == kind
                      and (t.get("daysOfCredit") or 0) == days]
        if not candidates:
            described = f"{days} days from the end of the month" if month_based else f"net {days} days"
            raise NotFound(f"e-conomic has no payment terms of {described}; add them in e-conomic or name the "
                           f"payment terms on the Codes tab (Payment condition)")
        return min(candidates, key=lambda t: _number(t, "paymentTermsNumber"))

    # -- customers' defaults ------------------------------------------------------------------------------------
    def customer_group(self, wanted: int | None) -> dict:
        if wanted is not None:
            found = next((g for g in self.customer_groups if _number(g, "customerGroupNumber") == wanted), None)
            if found is None:
                raise NotFound(f"there is no customer group {wanted} (start text customerGroup)")
            return found
        if not self.customer_groups:
            raise NotFound("the agreement has no customer groups")
        return self.customer_groups[0]

    def layout_for(self, group: dict) -> int:
        layout = _number(group.get("layout") or {}, "layoutNumber")
        if layout:
            return layout
        if not self.layouts:
            raise NotFound("the agreement has no invoice layouts")
        return _number(self.layouts[0], "layoutNumber")

    # -- vouchers ---------------------------------------------------------------------------------------------
    def accounting_year(self, day: date) -> dict | None:
        """The open accounting year that holds ``day``."""
        text = day.isoformat()
        for year in self.accounting_years:
            if str(year.get("fromDate", "")) <= text <= str(year.get("toDate", "")) and not year.get("closed"):
                return year
        return None

    def journal_problem(self, journal_number: int, numbers: tuple[int, int] | None = None) -> str | None:
        """Why the journal cannot take customer-invoice vouchers numbered within ``numbers`` (None: it can)."""
        if self.journal is None:
            return "e-conomic has no such journal (start text journalNumber)"
        settings = self.journal.get("settings") or {}
        restricted = settings.get("entryTypeRestrictedTo")
        if restricted and restricted != "manualCustomerInvoice":
            return f"it takes only entries of the type {restricted}"
        if numbers is not None:
            limits = settings.get("voucherNumbers") or {}
            low = limits.get("minimumVoucherNumber") or 1
            high = limits.get("maximumVoucherNumber") or 999999999
            first, last = numbers
            if first < low or last > high:
                shown = f"{first}" if first == last else f"{first}-{last}"
                return f"the invoice numbers {shown} are outside its voucher numbers {low}-{high}"
        return None

    def vat_code_known(self, code: str) -> bool:
        found = self.vat_accounts.get(code)
        return found is not None and not found.get("barred")
