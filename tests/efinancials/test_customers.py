"""Buyers: matched on the corporate ID number (registry code), created when missing, updated when the
name or VAT number changed in Opter (seed 000, "Customer information is exported and updated")."""
import pytest

from exports.connectors.base import ExportError


def existing_client(estonia, **fields) -> dict:
    store = estonia.efin.store
    client = {**store.clients[1], "id": store.new_id("clients"), "code": "12905545", "name": "Põhja Puit OÜ",
              "invoice_vat_no": "EE107576178", **fields}
    store.clients[client["id"]] = client
    return client


def clients_with_code(estonia, code="12905545"):
    return [c for c in estonia.efin.store.clients.values() if c.get("code") == code]


def test_a_missing_customer_is_created_as_a_juridical_person(estonia):
    estonia.send(estonia.invoice())
    (client,) = clients_with_code(estonia)
    assert client["name"] == "Põhja Puit OÜ" and client["invoice_vat_no"] == "EE107576178"
    assert (client["cl_code_country"], client["cl_invoice_country"]) == ("EST", "EST")
    assert client["is_client"] and not client["is_supplier"] and client["is_juridical_entity"]
    assert client["address_text"] == "Tartu mnt 2, 10145 Tallinn"


def test_a_person_with_an_estonian_personal_code_is_a_natural_person(estonia):
    estonia.customer.corporate_id, estonia.customer.vat_number = "37605030299", ""
    estonia.customer.save()
    estonia.send(estonia.invoice())
    (client,) = clients_with_code(estonia, "37605030299")
    assert client["is_physical_entity"] and not client["is_juridical_entity"]
    assert client["invoice_vat_no"] is None


def test_an_existing_customer_is_used_as_it_is(estonia):
    client = existing_client(estonia)
    invoice = estonia.invoice()
    estonia.send(invoice)
    assert estonia.remote_invoice(invoice.number)["clients_id"] == client["id"]
    assert estonia.efin.calls.count("POST", "/v1/clients") == 0
    assert estonia.efin.calls.count("PATCH", "/v1/clients/{id}") == 0


def test_customers_are_found_on_any_page(estonia):
    estonia.efin.configure({"page_size": 1})
    client = existing_client(estonia)
    invoice = estonia.invoice()
    estonia.send(invoice)
    assert estonia.remote_invoice(invoice.number)["clients_id"] == client["id"]


def test_a_changed_name_and_vat_number_are_updated_keeping_the_supplier_flag(estonia):
    client = existing_client(estonia, name="Põhja Puit", invoice_vat_no=None, is_supplier=True)
    invoice = estonia.invoice()
    connector = estonia.connector()
    connector.prepare([invoice])
    assert "name and invoice_vat_no will be updated" in connector.build(invoice, None).summary
    connector.send(invoice, connector.build(invoice, None))
    updated = estonia.efin.store.clients[client["id"]]
    assert (updated["name"], updated["invoice_vat_no"], updated["is_supplier"]) == (
        "Põhja Puit OÜ", "EE107576178", True)
    assert estonia.efin.calls.count("PATCH", "/v1/clients/{id}") == 1
    assert len(clients_with_code(estonia)) == 1
    # The next invoice of the run sees the update: no second PATCH.
    second = estonia.invoice()
    connector.send(second, connector.build(second, None))
    assert estonia.efin.calls.count("PATCH", "/v1/clients/{id}") == 1


def test_a_deleted_client_with_the_same_code_does_not_match(estonia):
    deleted = existing_client(estonia, is_deleted=True)
    invoice = estonia.invoice()
    estonia.send(invoice)
    assert estonia.remote_invoice(invoice.number)["clients_id"] != deleted["id"]


def test_two_invoices_of_a_new_customer_create_it_once(estonia):
    estonia.send(estonia.invoice(), estonia.invoice())
    assert len(clients_with_code(estonia)) == 1


def test_an_invalid_estonian_code_is_caught_before_sending(estonia):
    estonia.customer.corporate_id = "12905546"
    estonia.customer.save()
    invoice = estonia.invoice()
    connector = estonia.connector()
    connector.prepare([invoice])
    with pytest.raises(ExportError) as raised:
        connector.build(invoice, None)
    assert raised.value.code == "efinancials.cannot_create_customer"
    assert raised.value.message.startswith("It was not possible to create a customer with the customer code "
                                           "TLN-PPUIT in E-Financials. 12905546 is not a valid Estonian registry "
                                           "code")
    assert estonia.efin.calls.count("POST") == 0


def test_an_invalid_code_already_in_e_financials_is_matched_not_refused(estonia):
    client = existing_client(estonia, code="12905546")
    estonia.customer.corporate_id = "12905546"
    estonia.customer.save()
    invoice = estonia.invoice()
    estonia.send(invoice)
    assert estonia.remote_invoice(invoice.number)["clients_id"] == client["id"]
