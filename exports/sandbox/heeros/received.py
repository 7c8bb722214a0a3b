"""What the Heeros sandbox received through its API: every document uploaded, accepted or refused, with its
validation result (the official XSD when the sandbox has it, and Heeros' rules), the imports, invoices and
registers it keeps. JSON for tests, HTML for people."""
from __future__ import annotations

import html


def _validation(record: dict) -> str:
    schema = record.get("schema")
    if schema is None:
        return "not read (not a Finvoice 3.0 document)"
    if not schema["checked"]:
        against = "XSD not configured"
    elif schema["errors"]:
        against = f"XSD: {len(schema['errors'])} error(s)"
    else:
        against = "valid against the XSD"
    return against


def received_data(simulator) -> dict:
    store = simulator.store
    documents = []
    for index, record in enumerate(store.received, start=1):
        imported = store.imports.get(record.get("importId") or "")
        documents.append({
            "index": index, "receivedAt": record["receivedAt"], "number": record.get("number", ""),
            "accepted": record.get("accepted", False), "importId": record.get("importId"),
            "status": simulator._import_view(imported)["status"] if imported else "Refused",
            "validation": _validation(record), "schema": record.get("schema"), "errors": record.get("errors", []),
            "options": record["options"], "size": record["size"], "userAgent": record["userAgent"]})
    return {"documents": documents, "imports": list(store.imports.values()), "invoices": list(store.invoices.values()),
            "customers": list(store.customers.values()), "products": list(store.products.values()),
            "accountingObjects": list(store.accounting_objects.values()), "writes": store.writes}


def received_html(simulator) -> str:
    data = received_data(simulator)
    e = html.escape
    mount = simulator.mount
    rows = []
    for document in data["documents"]:
        errors = "".join(f"<li>{e(err['code'])}: {e(err['message'])}</li>" for err in document["errors"])
        rows.append(
            f"<tr><td>{document['index']}</td><td>{e(document['receivedAt'])}</td><td>{e(document['number'])}</td>"
            f"<td>{e(document['status'])}</td><td>{e(document['validation'])}</td>"
            f"<td>{'<ul>' + errors + '</ul>' if errors else 'none'}</td>"
            f"<td><a href='{mount}/_received/documents/{document['index']}'>Finvoice XML</a> "
            f"({document['size']} bytes)</td></tr>")
    invoices = "".join(
        f"<tr><td>{e(i['invoiceId'])}</td><td>{e(i['invoiceNumber'])}</td><td>{e(i['invoiceDate'])}</td>"
        f"<td>{e(i['customer'])}</td><td class=n>{i['totalAmount']} {e(i['currency'])}</td>"
        f"<td>{e(i['heerosState'])}</td></tr>" for i in data["invoices"])
    customers = "".join(f"<tr><td>{e(c['key'])}</td><td>{e(c['name'])}</td><td>{e(c.get('vatId') or '')}</td></tr>"
                        for c in data["customers"])
    return (
        "<!doctype html><meta charset=utf-8><title>Heeros sandbox: received</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top}.n{text-align:right}</style>"
        f"<h1>Heeros sandbox: {e(simulator.title)}</h1>"
        f"<p>{len(data['documents'])} Finvoice document(s) received, {len(data['invoices'])} invoice(s) in "
        f"Heeros. <a href='?format=json'>JSON</a></p>"
        "<h2>Documents received</h2><table><tr><th>#</th><th>Received</th><th>Invoice</th><th>Import status</th>"
        f"<th>Validation</th><th>Errors</th><th>Document</th></tr>{''.join(rows)}</table>"
        "<h2>Sales invoices</h2><table><tr><th>Id</th><th>Number</th><th>Date</th><th>Customer</th><th>Total</th>"
        f"<th>State</th></tr>{invoices}</table>"
        f"<h2>Customer register</h2><table><tr><th>Key</th><th>Name</th><th>VAT number</th></tr>{customers}</table>")
