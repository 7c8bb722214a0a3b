"""What the e-Financials sandbox received through its API: for the demo page and for tests that read
an export back (every invoice, row, amount, buyer and PDF)."""
from __future__ import annotations

import hashlib
import html
from decimal import Decimal


def received_data(store) -> dict:
    sent_ids = {w["id"] for w in store.writes if w["method"] == "POST" and w["path"] == "/v1/sale_invoices"}
    client_ids = {w["id"] for w in store.writes if w["path"].startswith("/v1/clients")}
    invoices = []
    for invoice_id in sorted(sent_ids):
        invoice = store.sale_invoices[invoice_id]
        document = store.documents.get(invoice_id)
        summary = None if document is None else {
            "name": document["name"], "size": len(document["contents"]),
            "sha256": hashlib.sha256(document["contents"]).hexdigest(),
            "uploaded_at": document["uploaded_at"]}
        invoices.append({**invoice, "document": summary})
    return {
        "company": store.company,
        "clients": [store.clients[i] for i in sorted(client_ids)],
        "products": [store.products[w["id"]] for w in store.writes
                     if w["method"] == "POST" and w["path"] == "/v1/products"],
        "sale_invoices": invoices,
        "writes": store.writes,
    }


def received_html(store, mount: str) -> str:
    data = received_data(store)
    e = html.escape
    clients = {c["id"]: c for c in store.clients.values()}
    invoice_rows = []
    for invoice in data["sale_invoices"]:
        client = clients.get(invoice["clients_id"], {})
        document = invoice["document"]
        link = (f"<a href='{mount}/_received/documents/{invoice['id']}'>{e(document['name'])}</a> "
                f"({document['size']} bytes)") if document else "—"
        rows = "".join(
            f"<tr><td>{e(str(item['sale_accounts_id']))}-{_rate(item['vat_rate'])}</td><td>{e(item['custom_title'])}</td>"
            f"<td class=n>{item['total_net_price']}</td><td class=n>{item.get('vat_amount', '')}</td></tr>"
            for item in invoice["items"])
        invoice_rows.append(
            f"<h3>{e(invoice['number'])} · {e(client.get('name', '?'))} ({e(client.get('code') or '')}) · "
            f"{e(invoice['status'])}</h3><p>Invoice date {e(invoice['create_date'])}, "
            f"{invoice['term_days']} days, "
            f"{e(invoice['cl_currencies_id'])}: net {invoice['net_price']}, VAT {invoice['vat_price']}, "
            f"total {invoice['gross_price']}. Invoice file: {link}</p>"
            f"<table><tr><th>Code</th><th>Product/Service</th><th>Net</th><th>VAT</th></tr>{rows}</table>")
    client_rows = "".join(
        f"<tr><td>{e(c.get('code') or '')}</td><td>{e(c['name'])}</td>"
        f"<td>{e(c.get('invoice_vat_no') or '')}</td>"
        f"<td>{e(c.get('cl_code_country') or '')}</td></tr>" for c in data["clients"])
    return (
        "<!doctype html><meta charset=utf-8><title>e-Financials sandbox: received</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 6px}.n{text-align:right}</style>"
        f"<h1>e-Financials sandbox: {e(data['company']['name'])}</h1>"
        f"<p>{len(data['sale_invoices'])} sale invoice(s) and {len(data['clients'])} buyer(s) received "
        f"through the API. <a href='?format=json'>JSON</a></p>"
        f"<h2>Buyers created or updated</h2><table><tr><th>Registry code</th><th>Name</th><th>VAT number</th>"
        f"<th>Country</th></tr>{client_rows}</table><h2>Sale invoices</h2>{''.join(invoice_rows)}")


def _rate(value) -> str:
    return f"{Decimal(value).normalize():f}"
