"""An invoice in Netvisor as seed 001 describes it: one row per VAT rate linked to the product, the VAT
code of the Codes tab, the account coding's account suggestion and dimensions, the status of the start
text, the PDF as an attachment; customers, the product and dimension items created when missing."""
from decimal import Decimal

from lxml import etree

from accounting.models import TerminologyTag
from tests.netvisor.conftest import PDF, Line


def test_one_row_per_vat_rate_with_product_code_account_and_dimension(finland):
    invoice = finland.invoice(Line(), Line(item="Road toll", price="10.00"),
                              Line(item="EU leg", vat="0", price="50.00"))
    finland.send(invoice)
    remote = finland.remote_invoice(invoice.number)
    assert [(r["vat_code"], r["vat_percent"], r["net"], r["account"], r["dimensions"], r["product"], r["quantity"])
            for r in remote["lines"]] == [
        ("KOMY", Decimal("25.5"), Decimal("110.00"), "3000", [("Kustannuspaikka", "Helsinki")], "Opter", 1),
        ("EUMY", Decimal("0"), Decimal("50.00"), "3380", [("Kustannuspaikka", "Helsinki")], "Opter", 1)]
    assert remote["amount"] == invoice.total == remote["lines_total"] == Decimal("188.05")
    assert (remote["status"], remote["receivables_account"], remote["reference"]) == ("open", "1210", "80000013")
    assert remote["due_date"] == invoice.due_date
    assert remote["attachments"] == [{"filename": f"{invoice.number}.pdf", "mimetype": "application/pdf",
                                      "description": f"Invoice {invoice.number}", "type": "pdf", "bytes": len(PDF)}]


def test_the_product_and_the_customer_are_created_once_when_missing(finland):
    first, second = finland.invoice(), finland.invoice()
    finland.send(first, second)
    products = [p for p in finland.sim.store.products.values() if p["code"] == "Opter"]
    assert [(p["name"], p["group"], p["sales"]) for p in products] == [("Opter", "OpterGroup", True)]
    (customer,) = finland.remote_customers("HEL-KHOYL")
    assert (customer["name"], customer["business_id"], customer["street"], customer["postcode"], customer["city"],
            customer["country"]) == ("Kuopion Höyläämö Oy", "1769598-8", "Sahakatu 6", "70620", "Kuopio", "FI")
    assert finland.sim.calls.count("POST", "/customer.nv") == finland.sim.calls.count("POST", "/product.nv") == 1


def test_the_terminology_tags_name_the_product_and_its_group(finland):
    TerminologyTag.objects.create(key="IES_NetvisorAPIProductName", text="Kuljetus")
    TerminologyTag.objects.create(key="IES_NetvisorAPIProductGroup", text="Kuljetuspalvelut", office=finland.office)
    invoice = finland.invoice()
    finland.send(invoice)
    assert {(p["code"], p["group"]) for p in finland.sim.store.products.values()} >= {("Kuljetus", "Kuljetuspalvelut")}
    assert {row["product"] for row in finland.remote_invoice(invoice.number)["lines"]} == {"Kuljetus"}


def test_a_missing_dimension_item_is_created_during_the_export(finland):
    first, second = finland.invoice(Line(unit="Tampere")), finland.invoice(Line(unit="Tampere"))
    connector = finland.connector()
    connector.prepare([first, second])
    assert "Dimension items to create: Kustannuspaikka: Tampere" in connector.build(first, PDF).summary
    finland.send(first, second, connector=connector)
    assert "Tampere" in finland.company.dimensions["Kustannuspaikka"]["items"]
    assert finland.sim.calls.count("POST", "/dimensionitem.nv") == 1
    assert finland.remote_invoice(second.number)["lines"][0]["dimensions"] == [("Kustannuspaikka", "Tampere")]


def test_lines_of_one_rate_on_different_accounts_or_units_are_rows_of_their_own(finland):
    invoice = finland.invoice(Line(), Line(item="Storage", account="3010"), Line(item="Cold", unit="Tampere"),
                              Line(item="Toll", price="5.00"))
    finland.company.accounts["3010"] = {**finland.company.accounts["3000"], "number": "3010", "key": 3010}
    finland.send(invoice)
    rows = finland.remote_invoice(invoice.number)["lines"]
    assert [(r["account"], r["net"], r["dimensions"][0][1]) for r in rows] == [
        ("3000", Decimal("105.00"), "Helsinki"), ("3010", Decimal("100.00"), "Helsinki"),
        ("3000", Decimal("100.00"), "Tampere")]


def test_the_start_text_sets_the_status(finland):
    finland.export.start_text = "unsent"
    invoice = finland.invoice()
    finland.send(invoice)
    assert finland.remote_invoice(invoice.number)["status"] == "unsent"


def test_customers_are_matched_on_the_customer_number_when_the_export_says_so(finland):
    finland.export.use_customer_number = True
    finland.customer.sales_ledger_number = 1001  # the sandbox company's customer 1001
    finland.customer.save()
    invoice = finland.invoice()
    finland.send(invoice)
    assert finland.remote_invoice(invoice.number)["customer_name"] == "Oulun Satamapalvelu Oy"
    assert finland.sim.calls.count("POST", "/customer.nv") == 0
    assert finland.remote_customers("HEL-KHOYL") == []


def test_a_new_customer_gets_its_e_invoice_address_and_operator(finland):
    finland.customer.edi_code = "003721291126"
    finland.customer.ovt_number = "003717695988"
    finland.customer.save()
    finland.send(finland.invoice())
    (customer,) = finland.remote_customers("HEL-KHOYL")
    assert (customer["operator"], customer["e_invoice_address"]) == ("003721291126", "003717695988")


def test_without_the_pdf_copy_there_is_no_attachment(finland):
    finland.export.include_pdf_copy = False
    invoice = finland.invoice()
    finland.send(invoice, pdf=None)
    assert finland.remote_invoice(invoice.number)["attachments"] == []


def test_the_xml_follows_the_dtd_order_and_netvisors_notation(finland):
    invoice = finland.invoice(your_reference="Aino Virtanen")
    connector = finland.connector()
    connector.prepare([invoice])
    root = etree.fromstring(connector.build(invoice, PDF).body.invoice_xml)
    assert [child.tag for child in root[0]] == [
        "salesinvoicenumber", "salesinvoicedate", "salesinvoicereferencenumber", "salesinvoiceamount",
        "salesinvoicestatus", "salesinvoiceyourreference", "invoicingcustomeridentifier", "paymenttermnetdays",
        "overridevouchersalesreceivablesaccountnumber", "invoicelines", "salesinvoiceattachments"]
    assert root.findtext("salesinvoice/salesinvoiceamount") == "138,05"
    assert root.find("salesinvoice/salesinvoicedate").get("format") == "ansi"
    line = root.find("salesinvoice/invoicelines/invoiceline/salesinvoiceproductline")
    assert line.find("productvatpercentage").attrib == {"vatcode": "KOMY"}
    assert line.findtext("productvatpercentage") == "25,5"


def test_the_simulator_refuses_elements_out_of_the_dtd_order(finland):
    invoice = finland.invoice()
    connector = finland.connector()
    connector.prepare([invoice])
    payload = connector.build(invoice, PDF)
    root = etree.fromstring(payload.body.invoice_xml)
    sales_invoice = root[0]
    sales_invoice.insert(0, sales_invoice.find("salesinvoicestatus"))
    payload.body.invoice_xml = etree.tostring(root)
    try:
        connector.send(invoice, payload)
    except Exception as exc:  # noqa: BLE001 - the message is what is checked
        message = str(exc)
    assert message.startswith(f"It was not possible to send invoice {invoice.number} to Netvisor. INVALID_DATA :: "
                              "Data form incorrect:. <salesinvoicenumber> is out of order in <salesinvoice>")


def test_a_lost_answer_to_the_invoice_is_reconciled_not_sent_twice(finland):
    invoice = finland.invoice()
    connector = finland.connector()
    connector.prepare([invoice])
    payload = connector.build(invoice, PDF)
    finland.sim.configure({"script": [{"kind": "drop", "match": "salesinvoice.nv"}]})
    try:
        connector.send(invoice, payload)
    except Exception as exc:  # noqa: BLE001
        assert exc.may_have_reached_target
    ref = connector.find_existing(invoice, refresh=True)
    assert ref.complete and connector.steps_of(invoice).remote_id("invoice") == ref.remote_id
    connector.send(invoice, payload)  # the engine would not; even so nothing is sent again
    assert [i["number"] for i in finland.sim.store.invoices.values()].count(str(invoice.number)) == 1


def test_our_own_invoice_refused_as_a_duplicate_is_adopted(finland):
    """A slow add lands after the connector gave up on it and sent again: Netvisor refuses the second."""
    invoice = finland.invoice()
    finland.send(invoice)
    connector = finland.connector()
    connector.prepare([])  # knows nothing of the invoice dates
    steps = connector.steps_of(invoice)
    result = connector.send(invoice, connector.build(invoice, PDF))
    assert result.ref.remote_id == steps.remote_id("invoice") == str(finland.remote_invoice(invoice.number)["id"])


def test_with_http_status_codes_netvisors_failures_are_read_the_same_way(finland, settings):
    settings.NETVISOR_USE_HTTP_STATUS_CODES = True
    finland.sim.configure({"period_lock_before": "2027-01-01"})
    invoice = finland.invoice()
    connector = finland.connector()
    connector.prepare([invoice])
    try:
        connector.send(invoice, connector.build(invoice, PDF))
    except Exception as exc:  # noqa: BLE001
        error = exc
    assert error.message == (f"It was not possible to send invoice {invoice.number} to Netvisor. PERIOD_LOCK :: The "
                             f"accounting period of 2026-11-20 is locked.")
    assert error.status == 400
    finland.export.password = "wrong"
    (problem,) = finland.connector().check_setup([invoice])
    assert problem.message.startswith("The user credentials were not accepted by Netvisor. AUTHENTICATION_FAILED :: "
                                      "The MAC is not valid.")


def test_with_http_status_codes_a_missing_right_is_still_named(finland, settings):
    settings.NETVISOR_USE_HTTP_STATUS_CODES = True
    finland.sim.configure({"missing_rights": "productlist.nv"})
    (problem,) = finland.connector().check_setup([finland.invoice()])
    assert problem.message == ("The Netvisor API user has no right to productlist.nv. SERVICE_ACCESS_ERROR :: The "
                               "API user has no right to the interface productlist.nv.")
    assert problem.code == "netvisor.missing_right"
