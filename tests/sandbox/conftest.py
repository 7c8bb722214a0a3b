"""A signed e-Financials client for talking to the simulator directly, as any API user would."""
from datetime import UTC, datetime, timedelta

import pytest
import requests

from exports.connectors.efinancials.target import DEMO_KEY as DEMO
from exports.sandbox.efinancials import expected_signature


class SignedClient:
    """Plain requests with the spec's headers; ``time_shift`` and ``key`` let tests break them."""

    def __init__(self, sandbox, *, key_id=DEMO["api_key_id"], public=DEMO["api_key_public"],
                 password=DEMO["api_key_password"]):
        self.base = sandbox.url
        self.prefix = "/efinancials"
        self.key_id, self.public, self.password = key_id, public, password
        self.session = requests.Session()

    def headers(self, path, *, time_shift=timedelta(0), signed_path=None):
        query_time = (datetime.now(UTC) + time_shift).strftime("%Y-%m-%dT%H:%M:%S")
        signature = expected_signature(self.key_id, self.password, query_time, signed_path or path)
        return {"X-AUTH-QUERYTIME": query_time, "X-AUTH-KEY": f"{self.public}:{signature}"}

    def call(self, method, api_path, *, json=None, params=None, **header_options):
        path = self.prefix + api_path
        return self.session.request(method, self.base + path, json=json, params=params, timeout=10,
                                    headers=self.headers(path, **header_options))

    def get(self, api_path, **kwargs):
        return self.call("GET", api_path, **kwargs)

    def post(self, api_path, json, **kwargs):
        return self.call("POST", api_path, json=json, **kwargs)


@pytest.fixture
def efin(sandbox):
    return sandbox.simulator("efinancials")


@pytest.fixture
def api(sandbox):
    return SignedClient(sandbox)


def client_body(**changes):
    body = {"name": "Transport OÜ", "code": "70000349", "cl_code_country": "EST", "is_client": True,
            "is_supplier": False, "is_juridical_entity": True, "is_physical_entity": False,
            "is_member": False,
            "send_invoice_to_email": False, "send_invoice_to_accounting_email": False,
            "invoice_vat_no": "EE100000000"}
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def invoice_body(client_id=1, **changes):
    body = {"sale_invoice_type": "INVOICE", "cl_templates_id": 1, "clients_id": client_id,
            "cl_countries_id": "EST",
            "number_prefix": "", "number_suffix": "100234", "create_date": "2026-11-20",
            "journal_date": "2026-11-20", "term_days": 14, "cl_currencies_id": "EUR", "currency_rate": 1,
            "show_client_balance": False, "receivable_accounts_id": 1210,
            "items": [{"products_id": 1, "cl_sale_articles_id": 1, "sale_accounts_id": 3100,
                       "custom_title": "Order: 5521 Freight", "amount": 1, "unit_net_price": 100.0,
                       "total_net_price": 100.0, "vat_rate": 24, "vat_amount": 24.0,
                       "projects_project_id": 1}]}
    body.update(changes)
    return body
