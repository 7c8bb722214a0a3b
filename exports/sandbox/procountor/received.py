"""What the Procountor sandbox holds, for the _received page: each invoice once, with its customer, its
rows on the accounting products of the product group, its ledger receipt's coding and its attachments."""
from __future__ import annotations

import html


def received_data(store) -> dict:
    return {
        "partners": list(store.partners.values()),
        "product_groups": list(store.product_groups.values()),
        "products": [{k: v for k, v in p.items() if k != "defaultDimensions"} | {
            "defaultDimensions": list(p["defaultDimensions"].values())} for p in store.products.values()],
        "dimensions": list(store.dimensions.values()),
        "invoices": list(store.invoices.values()),
        "ledger_receipts": [{k: v for k, v in r.items()} for r in store.receipts.values()],
        "attachments": [{k: v for k, v in a.items() if k != "content"} | {"bytes": len(a["content"])}
                        for a in store.attachments.values()],
        "writes": store.writes,
    }


def received_html(store, title: str) -> str:
    e = html.escape
    groups = {g["id"]: g["name"] for g in store.product_groups.values()}
    products = store.products
    parts = [f"<!doctype html><meta charset='utf-8'><title>{e(title)}: received</title>",
             "<style>body{font-family:sans-serif}table{border-collapse:collapse;margin:.3em 0 1.2em}"
             "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}.ok{color:#070}.no{color:#a00}</style>",
             f"<h1>{e(title)}: what the sandbox received</h1>",
             f"<p>{len(store.invoices)} invoices, {len(store.partners)} business partners, {len(products)} products, "
             f"{len(store.writes)} writes.</p>"]
    for invoice in store.invoices.values():
        receipt = store.receipts.get(invoice["ledgerReceiptId"], {})
        partner = store.partners.get(invoice.get("partnerId"), {})
        coded = "<span class=ok>coded</span>" if receipt.get("coded") else "<span class=no>not coded</span>"
        total = invoice["invoiceSumInfo"]["invoiceSumTotal"]
        parts.append(f"<h2>Invoice {e(str(invoice.get('originalInvoiceNumber')))} (no. {invoice['invoiceNumber']}, "
                     f"id {invoice['id']}) {e(invoice['status'])}</h2><p>{e(partner.get('name', '-'))}, customer no. "
                     f"{e(str((partner.get('invoicingInfo') or {}).get('customerNumber')))}; {e(invoice['date'])}; "
                     f"total {total} {e(invoice['paymentInfo']['currency'])}; ledger receipt {receipt.get('id')} "
                     f"{coded}; attachments: {e(', '.join(a['name'] for a in invoice['attachments']) or 'none')}</p>")
        parts.append("<table><tr><th>Row</th><th>Product (group)</th><th>Qty</th><th>Unit price</th><th>VAT</th></tr>")
        for row in invoice["invoiceRows"]:
            product = products.get(row.get("productId"), {})
            group = groups.get(product.get("productGroupId"), "-")
            parts.append(f"<tr><td>{e(row['product'])}</td><td>{e(product.get('code') or '-')} ({e(group)})</td>"
                         f"<td>{row['quantity']} {e(row['unit'])}</td><td>{row['unitPrice']}</td>"
                         f"<td>{row['vatPercent']} % (status {row.get('vatStatus')})</td></tr>")
        parts.append("</table><table><tr><th>Entry</th><th>Account</th><th>Value</th><th>VAT</th>"
                     "<th>Dimensions</th></tr>")
        for transaction in receipt.get("transactions", []):
            dims = ", ".join(f"{d['dimensionId']}/{d['itemId']}: {d['value']}"
                             for d in transaction.get("dimensionItemValues") or [])
            parts.append(f"<tr><td>{e(transaction['transactionType'])}</td><td>{e(transaction['account'])}</td>"
                         f"<td>{transaction['accountingValue']}</td><td>{transaction['vatPercent']}</td>"
                         f"<td>{e(dims)}</td></tr>")
        parts.append("</table>")
    return "".join(parts)
