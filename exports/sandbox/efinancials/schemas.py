"""Request bodies checked against the API schema (spec sections 8-13), before any business rule.

The server validates "format, required and allowed fields" against its OpenAPI document; these
tables are that document's writable fields as the client libraries copied them, turned into JSON
Schemas and checked with jsonschema (exports.sandbox.validation). Read-only fields (id, number, status,
totals ...) are not writable and are refused like unknown ones.
"""
from __future__ import annotations

import re
from datetime import date

from ..validation import BOOL, DATE, INT, LIST, NUM, OBJ, STR, object_schema
from ..validation import problems_in as schema_problems

CLIENT_FIELDS = {
    "is_client": BOOL, "is_supplier": BOOL, "is_staff": BOOL, "name": STR, "alt_name": STR, "code": STR,
    "invoice_vat_no": STR, "cl_code_country": STR, "cl_invoice_country": STR, "is_physical_entity": BOOL,
    "is_juridical_entity": BOOL, "is_member": BOOL, "send_invoice_to_email": BOOL,
    "send_invoice_to_accounting_email": BOOL, "email": STR, "accounting_email": STR, "telephone": STR,
    "contact_person": STR, "address_text": STR, "postal_address_text": STR, "address_ads_oid": STR,
    "address_adr_id": STR, "bank_account_no": STR, "bank_account_custom_name": STR, "invoice_days": INT,
    "invoice_overdue_charge": NUM, "invoice_electronic_opts": OBJ, "cl_purchase_articles_id": INT,
    "purchase_accounts_id": INT, "purchase_accounts_dimensions_id": INT, "bank_ref_number_sales": STR,
    "bank_ref_number_purchases": STR, "notes": STR,
}
CLIENT_REQUIRED = frozenset({"is_client", "is_supplier", "name", "cl_code_country", "is_member",
                             "send_invoice_to_email", "send_invoice_to_accounting_email"})

PRODUCT_FIELDS = {
    "name": STR, "code": STR, "foreign_names": OBJ, "cl_sale_articles_id": INT, "sale_accounts_id": INT,
    "sale_accounts_dimensions_id": INT, "cl_purchase_articles_id": INT, "purchase_accounts_id": INT,
    "unit": STR, "sales_price": NUM, "notes": STR,
}
PRODUCT_REQUIRED = frozenset({"name", "code", "cl_sale_articles_id"})

SALE_INVOICE_FIELDS = {
    "sale_invoice_type": STR, "credit_sale_invoices_id": INT, "cl_templates_id": INT, "clients_id": INT,
    "cl_countries_id": STR, "number_prefix": STR, "number_suffix": STR, "create_date": DATE,
    "journal_date": DATE,
    "term_days": INT, "overdue_charge": NUM, "cl_currencies_id": STR, "currency_rate": NUM,
    "show_client_balance": BOOL, "receivable_accounts_id": INT, "receivable_accounts_dimensions_id": INT,
    "notes": STR, "invoice_info": STR, "payment_description": STR, "additional_info_content": STR,
    "contract_number": STR, "paid_in_cash": BOOL, "cash_accounts_id": INT, "cash_accounts_dimensions_id": INT,
    "cash_payment_date": DATE, "intra_community_supply": BOOL, "triangulation": BOOL,
    "assembled_in_member_state": BOOL, "client_vat_no": STR, "period_start_date": DATE,
    "period_end_date": DATE,
    "use_per_item_rounding": BOOL, "trade_secret": BOOL, "is_doubtful": BOOL, "is_hopeless": BOOL,
    "subclients_id": INT, "recipient_clients_id": INT, "recipient_subclients_id": INT,
    "base_document_files_id": INT, "files_id": INT, "bank_payment_orders_id": INT, "bank_accounts_id": INT,
    "items": LIST,
}
SALE_INVOICE_REQUIRED = frozenset({"sale_invoice_type", "cl_templates_id", "clients_id", "cl_countries_id",
                                   "number_suffix", "create_date", "journal_date", "term_days",
                                   "cl_currencies_id", "show_client_balance"})

ITEM_FIELDS = {
    "products_id": INT, "cl_sale_articles_id": INT, "sale_accounts_id": INT,
    "sale_accounts_dimensions_id": INT, "custom_title": STR, "amount": NUM, "unit": STR,
    "unit_net_price": NUM, "total_net_price": NUM, "vat_rate": NUM, "vat_amount": NUM,
    "vat_accounts_id": INT, "discount_percent": NUM, "discount_amount": NUM,
    "projects_project_id": INT, "projects_location_id": INT, "projects_person_id": INT,
}
ITEM_REQUIRED = frozenset({"products_id", "amount", "custom_title"})
ITEM_SCHEMA = object_schema(ITEM_FIELDS, ITEM_REQUIRED)

FILE_FIELDS = {"name": STR, "contents": STR}
FILE_REQUIRED = frozenset({"name", "contents"})

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def problems_in(body, fields: dict[str, str], required: frozenset, *, where: str = "",
                partial: bool = False, items: dict | None = None) -> list[str]:
    """Every schema problem of ``body``; empty when it conforms. ``partial``: PATCH, nothing required."""
    if not isinstance(body, dict):
        return [f"{where or 'body'}: a JSON object is expected."]
    return schema_problems(body, object_schema(fields, required, partial=partial, items=items),
                           where=where.rstrip("."))


def parse_date(value: str) -> date | None:
    if not isinstance(value, str) or not _DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
