"""The company a fresh e-Financials sandbox holds: a small Estonian haulier's books.

Ids and shapes follow the API (spec sections 8-13): accounts are addressed by their number, sale
articles pair a revenue account with a VAT rate, projects are identified by name only.
"""
from __future__ import annotations

from decimal import Decimal

from exports.connectors.efinancials.target import DEMO_KEY

from .auth import ApiKey

COMPANY = {"name": "Tallinna Veod OÜ", "vat_number": "EE105848701", "tax_refnumber": "15064046"}
API_KEYS = [ApiKey(DEMO_KEY["api_key_id"], DEMO_KEY["api_key_public"], DEMO_KEY["api_key_password"])]


def _account(number, name_est, name_eng, balance_type, groups=(), *, dimensions=False, vat=False,
             disabled=False, valid=True):
    return {
        "id": number, "balance_type": balance_type, "account_type_est": "", "account_type_eng": "",
        "name_est": name_est, "name_eng": name_eng, "is_valid": valid, "is_disabled": disabled,
        "default_disabled": False, "allows_deactivation": True, "allows_dimensions": dimensions,
        "is_vat_account": vat, "is_fixed_asset": False, "is_product_account": False, "requires_client": False,
        "requires_positive_balance": False, "priority": 0, "cl_account_groups": list(groups),
        "transaction_in_bindable": True, "transaction_out_bindable": True,
        "transaction_in_user_bindable": True, "transaction_out_user_bindable": True,
        "expenditure_accounts_id": None, "amortization_accounts_id": None,
    }


def accounts() -> list[dict]:
    return [
        _account(1000, "Kassa", "Cash", "D", ["MTY"]),
        _account(1020, "Arvelduskontod", "Bank accounts", "D", ["MTY"], dimensions=True),
        _account(1210, "Ostjatelt laekumata arved", "Accounts receivable", "D", ["AR"]),
        _account(2110, "Võlad tarnijatele", "Accounts payable", "C", ["AP"]),
        _account(2410, "Käibemaks", "Value added tax", "C", ["VAT"], vat=True),
        _account(3000, "Müügitulu (vana)", "Sales revenue (old)", "C", ["SA"], disabled=True),
        _account(3100, "Kaupade müük Eestis", "Sales of goods in Estonia", "C", ["SA"]),
        _account(3510, "Teenuste müük Eestis", "Sales of services in Estonia", "C", ["SA"]),
        _account(3520, "Teenuste müük EL-i", "Sales of services in the EU", "C", ["SA"]),
        _account(4000, "Kütus", "Fuel", "D", ["EX"]),
    ]


def account_dimensions() -> list[dict]:
    return [{"id": 1, "accounts_id": 1020, "title_est": "Swedbank", "title_eng": "Swedbank",
             "cl_currencies_id": "EUR", "is_deleted": False, "expenditure_accounts_dimensions_id": None,
             "amortization_accounts_dimensions_id": None}]


def _article(id_, account, rate, description_est, description_eng, *, vat_account=2410, start=None, end=None,
             valid=True):
    """Named after the row code E-Financials shows (account-VAT rate, e.g. 3100-24)."""
    code = f"{account}-{rate}"
    return {"id": id_, "group_est": "Müük", "group_eng": "Sales", "name_est": code, "name_eng": code,
            "accounts_id": account, "vat_accounts_id": vat_account,
            "vat_rate": None if rate is None else Decimal(rate), "vat_type": 1, "is_valid": valid,
            "start_date": start, "end_date": end, "priority": 0, "cl_account_groups": ["SA"],
            "description_est": description_est, "description_eng": description_eng}


def sale_articles() -> list[dict]:
    return [
        _article(1, 3100, 24, "Kaupade müük Eestis 24%", "Sales of goods in Estonia 24%", start="2025-07-01"),
        _article(2, 3520, 0, "Teenuste müük EL-i 0%", "Sales of services in the EU 0%", vat_account=None),
        _article(3, 3100, 22, "Kaupade müük Eestis 22%", "Sales of goods in Estonia 22%", start="2024-01-01",
                 end="2025-06-30"),
        _article(4, 3510, 24, "Teenuste müük Eestis 24%", "Sales of services in Estonia 24%", start="2025-07-01"),
    ]


def projects() -> list[dict]:
    def project(id_, name, *, disabled=False):
        return {"id": id_, "parent_id": None, "name": name, "notes": "", "cl_projects_type": "PROJECT",
                "is_disabled": disabled, "is_deleted": False, "create_date": "2025-01-02",
                "deprecated_parent_id": None}

    return [project(1, "Distribution"), project(2, "Long haul"), project(3, "Warehouse", disabled=True)]


def bank_accounts() -> list[dict]:
    return [{"id": 1, "account_name_est": "Swedbank arvelduskonto",
             "account_name_eng": "Swedbank current account", "account_no": "EE382200221020145685",
             "iban_code": "EE382200221020145685", "swift_code": "HABAEE2X", "cl_banks_id": 22,
             "bank_name": "Swedbank AS", "bank_regcode": "10060701", "start_sum": Decimal(0),
             "day_limit": None, "credit_limit": None, "show_in_sale_invoices": True,
             "default_salary_account": False, "beneficiary_name": COMPANY["name"],
             "accounts_dimensions_id": 1, "clients_id": None}]


def currencies() -> list[dict]:
    names = {"EUR": ("Euro", "Euro"), "USD": ("USA dollar", "US dollar"),
             "GBP": ("Inglise nael", "Pound sterling"),
             "SEK": ("Rootsi kroon", "Swedish krona"), "NOK": ("Norra kroon", "Norwegian krone"),
             "DKK": ("Taani kroon", "Danish krone"), "PLN": ("Poola zlott", "Polish zloty"),
             "CHF": ("Šveitsi frank", "Swiss franc")}
    return [{"id": code, "name_est": est, "name_eng": eng} for code, (est, eng) in names.items()]


def templates() -> list[dict]:
    return [{"id": 1, "name": "Arve (eesti keel)", "is_default": True, "cl_languages_id": "est"},
            {"id": 2, "name": "Invoice (English)", "is_default": False, "cl_languages_id": "eng"}]


def invoice_series() -> list[dict]:
    return [{"id": 1, "is_active": True, "is_default": True, "number_prefix": "A",
             "number_start_value": 2026001, "term_days": 14, "overdue_charge": Decimal("0.05")}]


def products() -> list[dict]:
    return [{"id": 1, "name": "Transport service", "code": "TRANSPORT", "cl_sale_articles_id": 1,
             "sale_accounts_id": 3100, "unit": "tk", "sales_price": Decimal("0"), "is_deleted": False,
             "notes": ""}]


def clients() -> list[dict]:
    """Two buyers entered in e-Financials by hand before any export."""
    def client(id_, name, code, vat_no):
        return {"id": id_, "is_client": True, "is_supplier": False, "is_staff": False, "name": name,
                "alt_name": None, "code": code, "invoice_vat_no": vat_no, "cl_code_country": "EST",
                "cl_invoice_country": "EST", "is_physical_entity": False, "is_juridical_entity": True,
                "is_member": False, "send_invoice_to_email": False, "send_invoice_to_accounting_email": False,
                "email": None, "accounting_email": None, "telephone": None, "contact_person": None,
                "address_text": None, "postal_address_text": None, "invoice_days": 14, "notes": None,
                "is_deleted": False, "is_associate_company": False, "is_parent_company_group": False,
                "is_related_party": False}

    return [client(1, "Rakvere Ehitus OÜ", "10987651", None),
            client(2, "Haapsalu Kalatööstus AS", "14321989", None)]


def sale_invoices() -> list[dict]:
    """One invoice made in e-Financials itself, in its own number series (prefix A)."""
    return [{
        "id": 1, "sale_invoice_type": "INVOICE", "cl_templates_id": 1, "clients_id": 1,
        "client_name": "Rakvere Ehitus OÜ", "cl_countries_id": "EST", "number_prefix": "A",
        "number_suffix": "2026001", "number": "A2026001", "create_date": "2026-10-15",
        "journal_date": "2026-10-15",
        "term_days": 14, "cl_currencies_id": "EUR", "currency_rate": Decimal(1), "show_client_balance": False,
        "status": "CONFIRMED", "payment_status": "NOT_PAID", "receivable_accounts_id": 1210,
        "net_price": Decimal("500.00"), "vat_price": Decimal("120.00"), "gross_price": Decimal("620.00"),
        "base_net_price": Decimal("500.00"), "base_gross_price": Decimal("620.00"),
        "bank_ref_number": "20260012",
        "items": [{"id": 1, "products_id": 1, "cl_sale_articles_id": 1, "sale_accounts_id": 3100,
                   "custom_title": "Kallur, 5 tundi", "amount": Decimal(5), "unit": "h",
                   "unit_net_price": Decimal(100), "total_net_price": Decimal("500.00"),
                   "vat_rate": Decimal(24), "vat_amount": Decimal("120.00")}],
    }]
