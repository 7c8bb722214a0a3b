"""Business rules of the e-Financials sandbox: what the server refuses with 409 and what it computes.

The texts are English like the ones the client libraries observed ("Please choose if it is a natural or
a juridical person.", "Products/services are missing", "Entry must be made to account's dimension.");
where no text was observed the wording is ours.
"""
from __future__ import annotations

import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from ..wsgi import HttpError
from .schemas import parse_date

CENT = Decimal("0.01")
INVOICE_TYPES = ("INVOICE", "CREDIT-INVOICE", "PREPAYMENT-INVOICE", "QUOTATION")
_VAT_NO = re.compile(r"^[A-Z]{2}[0-9A-Z+*]{2,13}$")
_ALPHA3 = re.compile(r"^[A-Z]{3}$")


def conflict(message: str) -> HttpError:
    return HttpError(409, {"code": 409, "messages": [message]})


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# -- clients -----------------------------------------------------------------------------------------

def check_client(client: dict, *, check_registry_code: bool) -> None:
    """Rules for a client as it will be stored (after a create or a patch)."""
    if not client.get("is_physical_entity") and not client.get("is_juridical_entity"):
        raise conflict("Please choose if it is a natural or a juridical person.")
    if client.get("is_physical_entity") and client.get("is_juridical_entity"):
        raise conflict("A client cannot be both a natural and a juridical person.")
    if not (client.get("name") or "").strip():
        raise conflict("The name of the client is required.")
    for field in ("cl_code_country", "cl_invoice_country"):
        if client.get(field) and not _ALPHA3.match(client[field]):
            raise conflict(f"{field}: {client[field]!r} is not an ISO 3166 alpha-3 country code.")
    code = (client.get("code") or "").strip()
    if client.get("is_juridical_entity") and not code:
        raise conflict("The registry code of a juridical person is required.")
    if check_registry_code and client.get("is_juridical_entity") and client.get("cl_code_country") == "EST" \
            and not is_estonian_registry_code(code):
        raise conflict(f"The registry code {code} is not a valid Estonian registry code.")
    vat_no = client.get("invoice_vat_no")
    if vat_no and not _VAT_NO.match(vat_no):
        raise conflict(f"The VAT number {vat_no} is not valid.")


def is_estonian_registry_code(code: str) -> bool:
    """8 digits, first 1/7/8/9, mod-11 check digit with weights 1..7, then 3..9 (spec section 8)."""
    if not re.fullmatch(r"[1789]\d{7}", code or ""):
        return False
    digits = [int(d) for d in code]
    for weights in ((1, 2, 3, 4, 5, 6, 7), (3, 4, 5, 6, 7, 8, 9)):
        remainder = sum(d * w for d, w in zip(digits[:7], weights, strict=True)) % 11
        if remainder != 10:
            return remainder == digits[7]
    return digits[7] == 0


# -- sale invoices -------------------------------------------------------------------------------------

def article_valid_on(article: dict, day) -> bool:
    start, end = parse_date(article.get("start_date") or ""), parse_date(article.get("end_date") or "")
    return article.get("is_valid", True) and (start is None or start <= day) and (end is None or day <= end)


def account_active(account: dict) -> bool:
    return bool(account.get("is_valid")) and not account.get("is_disabled")


def check_invoice(store, body: dict, options) -> list[dict]:
    """Every business rule of a new sale invoice; returns the rows as they will be stored."""
    if not body.get("items"):
        raise conflict("Products/services are missing")
    if body["sale_invoice_type"] not in INVOICE_TYPES:
        raise conflict(f"Unknown invoice type {body['sale_invoice_type']!r}.")
    client = store.clients.get(body["clients_id"])
    if client is None or client.get("is_deleted"):
        raise conflict(f"Buyer {body['clients_id']} does not exist.")
    if body["cl_templates_id"] not in store.templates:
        raise conflict(f"Invoice template {body['cl_templates_id']} does not exist.")
    if body["cl_currencies_id"] not in store.currencies:
        raise conflict(f"Currency {body['cl_currencies_id']} is not in use.")
    if not _ALPHA3.match(body["cl_countries_id"]):
        raise conflict(f"cl_countries_id: {body['cl_countries_id']!r} is not an ISO 3166 alpha-3 code.")
    suffix = body["number_suffix"]
    if len(suffix) > 30 or (options.numeric_number_suffix and suffix and not suffix.isdigit()):
        raise conflict("The invoice number may contain only digits (at most 30).")
    if body.get("bank_accounts_id") is not None and body["bank_accounts_id"] not in store.bank_accounts:
        raise conflict(f"Bank account {body['bank_accounts_id']} does not exist.")
    receivable = body.get("receivable_accounts_id")
    if receivable is not None:
        account = store.accounts.get(receivable)
        if account is None or not account_active(account):
            raise conflict(f"The receivables account {receivable} does not exist or is not active.")
    day = parse_date(body["journal_date"])
    rows = [_check_row(store, index, row, day) for index, row in enumerate(body["items"], start=1)]
    if body["sale_invoice_type"] == "CREDIT-INVOICE":
        check_credit(store, body, rows)
    return rows


def credited_invoice(store, body: dict) -> dict | None:
    """The original a sale invoice credits. Spec 12.4: a credit id on any other type than CREDIT-INVOICE
    is answered with HTTP 500 (what the PHP client's test saw)."""
    original_id = body.get("credit_sale_invoices_id")
    if original_id is None:
        return None
    if body["sale_invoice_type"] != "CREDIT-INVOICE":
        raise HttpError(500, {"code": 500, "messages": ["Internal server error."]})
    return store.sale_invoices.get(original_id)


def check_credit(store, body: dict, rows: list[dict]) -> None:
    """Spec 12.4: a credit invoice names a CONFIRMED original invoice of the same buyer; its rows carry a
    negative amount (quantity) and a positive unit price, and it credits no more than the original holds."""
    original_id = body.get("credit_sale_invoices_id")
    if original_id is None:
        raise conflict("Credit invoice: credit_sale_invoices_id (the invoice credited) is required.")
    original = store.sale_invoices.get(original_id)
    if original is None or original.get("is_deleted"):
        raise conflict(f"Credit invoice: the credited invoice {original_id} does not exist.")
    if original["sale_invoice_type"] != "INVOICE" or original["status"] != "CONFIRMED":
        raise conflict(f"Credit invoice: the credited invoice {original['number']} is not a confirmed invoice.")
    if original["clients_id"] != body["clients_id"]:
        raise conflict(f"Credit invoice: the credited invoice {original['number']} has another buyer.")
    for index, row in enumerate(rows, start=1):
        if Decimal(row["amount"]) >= 0 or Decimal(row.get("unit_net_price") or 0) < 0:
            raise conflict(f"Credit invoice: row {index} needs a negative amount and a positive unit price.")
    credited = -sum((row["total_net_price"] for row in rows), Decimal("0.00"))
    earlier_credits = [store.sale_invoices[credit["id"]] for credit in original.get("credit_invoices", [])]
    earlier = -sum((Decimal(credit["net_price"]) for credit in earlier_credits if not credit.get("is_deleted")),
                   Decimal("0.00"))
    if credited + earlier > Decimal(original["net_price"]):
        raise conflict(f"Credit invoice: credits {credited + earlier} of invoice {original['number']}, which "
                       f"is {original['net_price']} net.")


def _check_row(store, index: int, row: dict, day) -> dict:
    where = f"Row {index}: "
    product = store.products.get(row["products_id"])
    if product is None or product.get("is_deleted"):
        raise conflict(f"{where}product {row['products_id']} does not exist.")
    article_id = row.get("cl_sale_articles_id") or product.get("cl_sale_articles_id")
    article = store.sale_articles.get(article_id)
    if article is None or not article_valid_on(article, day):
        raise conflict(f"{where}sale article {article_id} is not valid on {day}.")
    account_number = row.get("sale_accounts_id") or article["accounts_id"]
    if account_number != article["accounts_id"]:
        raise conflict(f"{where}account {account_number} is not the account of sale article {article_id} "
                       f"({article['accounts_id']}).")
    account = store.accounts.get(account_number)
    if account is None:
        raise conflict(f"{where}account {account_number} does not exist.")
    if not account_active(account):
        raise conflict(f"{where}account {account_number} is not active.")
    if account.get("allows_dimensions") and not row.get("sale_accounts_dimensions_id"):
        raise conflict(f"{where}Entry must be made to account's dimension.")
    rate = article.get("vat_rate")
    if row.get("vat_rate") is not None and rate is not None and Decimal(row["vat_rate"]) != Decimal(rate):
        raise conflict(f"{where}VAT rate {row['vat_rate']} % does not match sale article {article_id} "
                       f"({rate} %).")
    for field in ("projects_project_id", "projects_location_id", "projects_person_id"):
        if row.get(field) is not None:
            project = store.projects.get(row[field])
            if project is None or project.get("is_deleted") or project.get("is_disabled"):
                raise conflict(f"{where}project {row[field]} does not exist or is not active.")
    amount = Decimal(row["amount"])
    unit_price = Decimal(row.get("unit_net_price") if row.get("unit_net_price") is not None else 0)
    discount = Decimal(row.get("discount_amount") or 0)
    computed = cents(amount * unit_price - discount)
    total = cents(row["total_net_price"]) if row.get("total_net_price") is not None else computed
    if abs(total - computed) > CENT:
        raise conflict(f"{where}the row total {total} differs from amount x unit price ({computed}).")
    return {**row, "cl_sale_articles_id": article_id, "sale_accounts_id": account_number,
            "vat_rate": Decimal(rate or 0), "total_net_price": total}


def compute_totals(rows: list[dict], *, per_item_rounding: bool, currency_rate: Decimal,
                   rate_direction: str) -> dict:
    """Net, VAT and gross as the server books them: VAT per rate on the summed net, unless the invoice
    asks for rounding per row (then the rows' VAT amounts, as sent or computed per row, add up)."""
    net_by_rate = defaultdict(lambda: Decimal("0.00"))
    for row in rows:
        net_by_rate[row["vat_rate"]] += row["total_net_price"]
        if row.get("vat_amount") is None:
            row["vat_amount"] = cents(row["total_net_price"] * row["vat_rate"] / 100)
        else:
            row["vat_amount"] = cents(row["vat_amount"])
    if per_item_rounding:
        vat_by_rate = defaultdict(lambda: Decimal("0.00"))
        for row in rows:
            vat_by_rate[row["vat_rate"]] += row["vat_amount"]
    else:
        vat_by_rate = {rate: cents(net * rate / 100) for rate, net in net_by_rate.items()}
    net = sum(net_by_rate.values(), Decimal("0.00"))
    vat = sum(vat_by_rate.values(), Decimal("0.00"))
    gross = net + vat
    rate = currency_rate or Decimal(1)
    def to_base(amount):
        return cents(amount / rate) if rate_direction == "units_per_eur" else cents(amount * rate)

    return {
        "net_price": net, "vat_price": vat, "gross_price": gross,
        "vat5_price": _vat_in(vat_by_rate, {5}), "vat9_price": _vat_in(vat_by_rate, {9, 13}),
        "vat20_price": sum((v for r, v in vat_by_rate.items() if r not in (0, 5, 9, 13)), Decimal("0.00")),
        "base_net_price": to_base(net), "base_gross_price": to_base(gross),
    }


def _vat_in(vat_by_rate, rates) -> Decimal:
    return sum((v for r, v in vat_by_rate.items() if r in rates), Decimal("0.00"))


def bank_reference(number: int) -> str:
    """An Estonian reference number (viitenumber): the digits and a 7-3-1 check digit."""
    digits = str(number)
    total = sum(int(d) * (7, 3, 1)[i % 3] for i, d in enumerate(reversed(digits)))
    return digits + str((10 - total % 10) % 10)
