"""Sending invoices to the e-Financials sandbox over a real socket: what arrives, in how many calls,
and exactly once when answers get lost."""
from decimal import Decimal

import pytest

from accounting.models import Currency
from exports.connectors.base import ExportError
from tests.efinancials.conftest import PDF, Line


def amount(value) -> Decimal:
    return Decimal(str(value))


def test_an_invoice_arrives_with_buyer_rows_amounts_project_and_bank_account(estonia):
    invoice = estonia.invoice(Line(), Line(item="Road toll", price="10.00"), Line(item="Cold", price="5.50"),
                              Line(item="Freight", price="80.00", order="262", sender="", receiver="",
                                   project="Long haul"))
    estonia.send(invoice)
    remote = estonia.remote_invoice(invoice.number)
    client = estonia.efin.store.clients[remote["clients_id"]]
    assert (client["code"], client["name"], client["invoice_vat_no"]) == ("12905545", "Põhja Puit OÜ", "EE107576178")
    assert client["cl_code_country"] == "EST" and client["is_juridical_entity"] and not client["is_physical_entity"]
    assert remote["status"] == "CONFIRMED"
    assert (remote["create_date"], remote["journal_date"], remote["term_days"]) == ("2026-11-20", "2026-11-20", 14)
    assert (remote["cl_currencies_id"], amount(remote["currency_rate"])) == ("EUR", 1)
    assert remote["receivable_accounts_id"] == 1210 and remote["bank_accounts_id"] == 1
    assert [(r["custom_title"], r["sale_accounts_id"], amount(r["vat_rate"]), amount(r["total_net_price"]),
             r.get("projects_project_id")) for r in remote["items"]] == [
        ('Order: 261 sender ref. "Gianna N" receiver ref. "Martin Smith"', 3100, 24, Decimal("100.00"), 1),
        ('Order: 261 "Road toll"', 3100, 24, Decimal("10.00"), 1),
        ('Order: 261 "Cold"', 3100, 24, Decimal("5.50"), 1),
        ("Order: 262", 3100, 24, Decimal("80.00"), 2),
    ]
    assert {r["cl_sale_articles_id"] for r in remote["items"]} == {1}
    assert (amount(remote["net_price"]), amount(remote["vat_price"]), amount(remote["gross_price"])) == (
        invoice.net_amount, invoice.vat_amount, invoice.total)


def test_zero_rated_eu_rows_use_the_3520_0_article(estonia):
    customer = estonia.customer
    customer.country, customer.corporate_id, customer.vat_number = "FI", "1572860-0", "FI15728600"
    customer.save()
    invoice = estonia.invoice(Line(vat="0"), Line(item="Road toll", price="10.00", vat="0"))
    estonia.send(invoice)
    remote = estonia.remote_invoice(invoice.number)
    assert {(r["sale_accounts_id"], r["cl_sale_articles_id"], amount(r["vat_rate"])) for r in remote["items"]} == {
        (3520, 2, 0)}
    assert remote["intra_community_supply"] is True and remote["cl_countries_id"] == "FIN"
    assert amount(remote["gross_price"]) == Decimal("110.00")
    assert estonia.efin.store.clients[remote["clients_id"]]["cl_code_country"] == "FIN"


def test_mixed_rates_and_awkward_cents_match_opter_to_the_cent(estonia):
    invoice = estonia.invoice(Line(price="0.03"), Line(item="B", price="0.03"), Line(item="C", price="0.03"),
                              Line(item="D", price="33.3333", quantity="3"), Line(item="EU", price="9.99", vat="0"))
    estonia.send(invoice)
    remote = estonia.remote_invoice(invoice.number)
    assert (amount(remote["net_price"]), amount(remote["vat_price"]), amount(remote["gross_price"])) == (
        invoice.net_amount, invoice.vat_amount, invoice.total)
    assert sum(amount(r["vat_amount"]) for r in remote["items"]) == invoice.vat_amount


def test_the_pdf_copy_is_uploaded_after_register(estonia):
    estonia.export.include_pdf_copy = True
    estonia.export.save()
    invoice = estonia.invoice()
    estonia.send(invoice, pdf=PDF)
    remote = estonia.remote_invoice(invoice.number)
    document = estonia.efin.store.documents[remote["id"]]
    assert document == {**document, "name": f"Invoice-{invoice.number}.pdf", "contents": PDF}
    calls = [c["path"] for c in estonia.efin.calls.as_dict()["recent"] if c["method"] != "GET"]
    assert calls[-2:] == [f"/v1/sale_invoices/{remote['id']}/register",
                          f"/v1/sale_invoices/{remote['id']}/document_user"]


def test_attach_before_register_when_registered_invoices_are_locked(estonia):
    estonia.efin.configure({"accept_pdf_after_register": False})
    estonia.export.include_pdf_copy = True
    estonia.export.start_text = "AttachPdf=before_register"
    estonia.export.save()
    invoice = estonia.invoice()
    estonia.send(invoice, pdf=PDF)
    remote = estonia.remote_invoice(invoice.number)
    assert remote["status"] == "CONFIRMED" and estonia.efin.store.documents[remote["id"]]["contents"] == PDF


def test_register_false_leaves_a_draft_in_one_call(estonia):
    estonia.export.start_text = "Register=false"
    estonia.export.save()
    first, second = estonia.invoice(), estonia.invoice()
    connector = estonia.send(first)
    before = estonia.efin.calls.total
    connector.send(second, connector.build(second, None))
    assert estonia.efin.calls.total - before == 1
    assert estonia.remote_invoice(second.number)["status"] == "PROJECT"


def test_steady_state_is_two_calls_per_invoice_and_three_with_the_pdf(estonia):
    invoices = [estonia.invoice() for _ in range(6)]
    connector = estonia.connector()
    connector.prepare(invoices)
    calls = []
    for invoice in invoices:
        before = estonia.efin.calls.total
        assert connector.find_existing(invoice) is None
        connector.send(invoice, connector.build(invoice, None))
        calls.append(estonia.efin.calls.total - before)
    # The first invoice also creates the buyer and the product.
    assert calls == [4, 2, 2, 2, 2, 2]
    estonia.export.include_pdf_copy = True
    estonia.export.save()
    more = [estonia.invoice() for _ in range(2)]
    connector = estonia.connector()
    connector.prepare(more)
    before = estonia.efin.calls.total
    for invoice in more:
        connector.find_existing(invoice)
        connector.send(invoice, connector.build(invoice, PDF))
    assert estonia.efin.calls.total - before == 6


def test_prepare_reads_reference_data_once_per_run_on_every_page(estonia):
    estonia.efin.configure({"page_size": 1})
    invoices = [estonia.invoice() for _ in range(3)]
    connector = estonia.connector()
    assert connector.check_setup() == []
    connector.prepare(invoices)
    by_path = estonia.efin.calls.as_dict()["by_path"]
    assert by_path == {"GET /v1/accounts": 1, "GET /v1/sale_articles": 1, "GET /v1/projects": 3,
                       "GET /v1/bank_accounts": 1, "GET /v1/templates": 1, "GET /v1/products": 1,
                       "GET /v1/clients": 2, "GET /v1/sale_invoices": 1}


def test_an_existing_invoice_is_found_and_not_sent_again(estonia):
    invoice = estonia.invoice()
    estonia.send(invoice)
    connector = estonia.connector()
    connector.prepare([invoice])
    ref = connector.find_existing(invoice)
    assert ref is not None and ref.number == str(invoice.number)
    assert connector.already_exists_message([invoice.number]) == (
        f"The following invoices {invoice.number} already exist in E-Financials.")


def test_a_number_taken_on_another_date_is_reported_as_existing(estonia):
    invoice = estonia.invoice()
    estonia.efin.store.sale_invoices[1]["number"] = str(invoice.number)  # E-Financials' own invoice, October
    connector = estonia.connector()
    connector.prepare([invoice])
    assert connector.find_existing(invoice) is None  # not among the run's dates
    with pytest.raises(ExportError) as raised:
        connector.send(invoice, connector.build(invoice, None))
    assert raised.value.code == "efinancials.already_exists"
    assert len([i for i in estonia.efin.store.sale_invoices.values() if i["number"] == str(invoice.number)]) == 1


def test_a_foreign_currency_is_sent_with_its_rate_per_euro(estonia):
    usd = Currency.objects.create(code="USD", name="US dollar")
    invoice = estonia.invoice(currency=usd, exchange_rate=Decimal("0.920000"))
    estonia.send(invoice)
    remote = estonia.remote_invoice(invoice.number)
    assert remote["cl_currencies_id"] == "USD" and amount(remote["currency_rate"]) == Decimal("1.086957")


def test_the_rate_direction_is_a_start_text_choice(estonia):
    usd = Currency.objects.create(code="USD", name="US dollar")
    estonia.export.start_text = "CurrencyRate=eur_per_unit"
    estonia.export.save()
    invoice = estonia.invoice(currency=usd, exchange_rate=Decimal("0.920000"))
    connector = estonia.connector()
    connector.prepare([invoice])
    assert connector.build(invoice, None).body["sale_invoice"]["currency_rate"] == Decimal("0.920000")


def test_template_and_product_code_from_the_start_text(estonia):
    estonia.export.start_text = "TemplateId=2\nProductCode=TRANSPORT"
    estonia.export.save()
    invoice = estonia.invoice()
    estonia.send(invoice)
    remote = estonia.remote_invoice(invoice.number)
    assert remote["cl_templates_id"] == 2 and {r["products_id"] for r in remote["items"]} == {1}
    assert "GET /v1/templates" not in estonia.efin.calls.as_dict()["by_path"]
    assert len(estonia.efin.store.products) == 1  # the existing TRANSPORT product, none created


def test_without_bank_account_field_when_the_start_text_says_so(estonia):
    estonia.efin.configure({"accept_bank_accounts_id": False})
    estonia.export.start_text = "SendBankAccount=false"
    estonia.export.save()
    invoice = estonia.invoice()
    estonia.send(invoice)
    assert "bank_accounts_id" not in estonia.remote_invoice(invoice.number)


def test_preview_summary_reads_like_the_invoice(estonia):
    estonia.export.include_pdf_copy = True
    estonia.export.save()
    invoice = estonia.invoice()
    connector = estonia.connector()
    connector.prepare([invoice])
    summary = connector.build(invoice, PDF).summary
    assert "Buyer: Põhja Puit OÜ, registry code 12905545 (new buyer, will be created)" in summary
    assert 'Order: 261 sender ref. "Gianna N" receiver ref. "Martin Smith"' in summary
    assert "Net 110.00, VAT 26.40, total 136.40" in summary
    assert f"Then: register, attach Invoice-{invoice.number}.pdf ({len(PDF)} bytes)." in summary
    assert estonia.efin.calls.count("POST") == 0  # building never writes
