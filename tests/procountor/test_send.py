"""Sending to the Procountor sandbox: the business partner, the accounting products in the product group,
the invoice, its ledger receipt coded with Opter's accounts and dimensions, the PDF copy."""
from decimal import Decimal

from tests.procountor.conftest import PDF, Line


def test_an_invoice_arrives_with_its_partner_products_coding_and_pdf(finland):
    invoice = finland.invoice(Line(centre="Helsinki"), Line(item="Road toll", price="0.1180", quantity="120",
                                                            unit="km", centre="Vantaa"), Line(item="Cold", vat="0",
                                                                                              price="35.00"))
    finland.send(invoice, pdf=PDF)
    store = finland.sim.store
    remote = finland.remote_invoice(invoice.number)
    assert remote["status"] == "UNFINISHED" and remote["invoiceNumber"] == invoice.number
    assert remote["invoiceSumInfo"]["invoiceSumTotal"] == invoice.total
    (partner,) = [p for p in store.partners.values() if p["invoicingInfo"]["customerNumber"] == "2001"]
    assert remote["partnerId"] == partner["id"]
    assert partner["address"] == {"name": "Tampereen Sähkötukku Oy", "street": "Hatanpään valtatie 30",
                                  "zip": "33100", "city": "Tampere", "country": "FINLAND"}
    assert partner["invoicingInfo"]["identifier"] == "2782342-9"
    # One accounting product per account, VAT status, VAT percentage and dimension item, in OpterGroup
    (group,) = [g for g in store.product_groups.values() if g["name"] == "OpterGroup"]
    products = {store.products[row["productId"]]["code"]: store.products[row["productId"]]
                for row in remote["invoiceRows"]}
    assert len(products) == 3 and all(p["productGroupId"] == group["id"] for p in products.values())
    assert {(p["defaultAccount"], p["vatStatus"], p["vat"]) for p in products.values()} == {
        ("3000", 1, Decimal("25.5")), ("3380", 5, Decimal("0"))}
    assert "3380-5-0" in products
    # "Vantaa" was not an item of Kustannuspaikka: it is now
    (centre,) = [d for d in store.dimensions.values() if d["name"] == "Kustannuspaikka"]
    vantaa = next(item for item in centre["items"] if item["codeName"] == "Vantaa")
    receipt = finland.receipt_of(invoice.number)
    assert receipt["coded"]
    kinds = [(t["transactionType"], t["account"]) for t in receipt["transactions"]]
    assert kinds == [("REVERSING_ENTRY", "1210"), ("ENTRY", "3000"), ("ENTRY", "3000"), ("ENTRY", "3380")]
    entries = receipt["transactions"][1:]
    assert entries[0]["dimensionItemValues"] == [{"dimensionId": centre["id"], "itemId": 11,
                                                  "value": entries[0]["accountingValue"]}]
    assert entries[1]["dimensionItemValues"][0]["itemId"] == vantaa["id"]
    assert entries[2]["dimensionItemValues"] == []
    (attachment,) = remote["attachments"]
    assert attachment["name"] == f"Invoice_{invoice.number}.pdf" and attachment["mimeType"] == "application/pdf"


def test_accounting_products_are_reused_by_later_invoices_and_runs(finland):
    first = finland.invoice()
    finland.send(first)
    products = dict(finland.sim.store.products)
    second = finland.invoice(Line(price="55.00"))
    finland.send(second)  # a new run: the products are found in the product group
    assert finland.sim.store.products == products
    assert finland.sim.calls.count("POST", "/api/products") == 1
    assert finland.sim.calls.count("POST", "/api/products/groups") == 1


def test_a_customer_with_a_bank_code_gets_e_invoices(finland):
    finland.customer.edi_code = "NDEAFIHH"
    finland.customer.save()
    invoice = finland.invoice()
    finland.send(invoice)
    remote = finland.remote_invoice(invoice.number)
    assert remote["invoiceChannel"] == "ELECTRONIC_INVOICE"
    # The OVT number derived from the Finnish business ID 2782342-9
    assert remote["counterParty"]["einvoiceAddress"] == {"operator": "NDEAFIHH", "address": "003727823429"}
    (partner,) = [p for p in finland.sim.store.partners.values() if p["invoicingInfo"]["customerNumber"] == "2001"]
    assert partner["invoicingInfo"]["einvoiceOperator"] == "NDEAFIHH"


def test_the_start_text_settles_what_procountor_leaves_open(finland):
    finland.customer.edi_code = "NDEAFIHH"
    finland.customer.save()
    finland.export.start_text = ("EdiCodeAs=bic\nSendInvoiceNumber=false\nInvoiceChannel=NO_SENDING\n"
                                 "IdentifierType=YTUNNUS\nAfterCreate=approve\nProductGroup=Opter kuljetukset")
    invoice = finland.invoice()
    finland.send(invoice)
    remote = finland.remote_invoice(invoice.number)
    assert remote["invoiceNumber"] != invoice.number and remote["originalInvoiceNumber"] == str(invoice.number)
    assert (remote["invoiceChannel"], remote["status"]) == ("NO_SENDING", "NOT_SENT")
    (partner,) = [p for p in finland.sim.store.partners.values() if p["invoicingInfo"]["customerNumber"] == "2001"]
    assert partner["paymentInfo"]["bic"] == "NDEAFIHH" and "einvoiceOperator" not in partner["invoicingInfo"]
    assert partner["invoicingInfo"]["identifierType"] == "YTUNNUS"
    assert [g["name"] for g in finland.sim.store.product_groups.values()][-1] == "Opter kuljetukset"


def test_the_preview_says_what_would_be_sent(finland):
    invoice = finland.invoice()
    connector = finland.prepared(invoice)
    summary = connector.build(invoice, PDF).summary
    assert summary == (f"Invoice {invoice.number} to Procountor for Tampereen Sähkötukku Oy (customer no. 2001), "
                       f"EMAIL: 2 rows on the accounting products 3000-1-25.5 of the product group OpterGroup; net "
                       f"{invoice.net_amount}, VAT {invoice.vat_amount}, total {invoice.total} EUR; ledger receipt "
                       f"coded to 3000 and receivable 1210; with the PDF copy")
