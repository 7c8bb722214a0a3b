"""The setup check for Procountor: the local checks of seed 002 and the connector's remote ones."""
from accounting.models import EconomicUnit
from exports.services.setup_check import check_export
from tests.procountor.conftest import Line


def codes(report):
    return [p.code for p in report.problems]


def test_a_set_up_export_has_no_blocking_problem(finland):
    finland.customer.edi_code = "NDEAFIHH"
    finland.customer.save()
    invoice = finland.invoice(Line(centre="Helsinki"))
    report = check_export(finland.export, [invoice])
    assert report.ok, report.problems
    assert report.problems == []


def test_the_local_checks_of_the_article(finland):
    finland.customer.sales_ledger_number = None
    finland.customer.save()
    invoice = finland.invoice(Line(vat="0"))
    finland.export.codes.filter(vat_rate=finland.vat0).delete()
    report = check_export(finland.export, [invoice], remote=False)
    assert {"customer_sales_ledger_number", "vat_code_translation"} <= {p.code for p in report.blocking}


def test_remote_checks_name_the_period_accounts_dimensions_and_vat_in_use(finland):
    finland.office.economic_unit_name_2 = "Projektiryhmä"
    finland.office.save()
    invoice = finland.invoice(Line(centre="Helsinki"))
    invoice.lines.first().economic_units.add(
        EconomicUnit.objects.create(office=finland.office, level=2, code="P1", name="Satama"))
    store = finland.sim.store
    del store.accounts["3000"]
    finland.sim.configure({"closed_periods": "2026-11", "vat_statuses": "3=Outside of the EU,5=EU"})
    report = check_export(finland.export, [invoice])
    messages = [p.message for p in report.blocking]
    assert "The period for date 2026-11-20 does not exist or is closed in Procountor" in messages
    assert "No 3000 account in Procountor. Check the accounts available in Procountor." in messages
    assert "The dimensions Projektiryhmä do not exist in Procountor" in messages
    assert ("The VAT status code vat_1 of the VAT rate Finland 25.5 % is not a VAT status of Procountor for sales; "
            "check VAT defaults in Procountor") in messages


def test_a_missing_right_is_the_credentials_message_naming_the_right(finland):
    finland.sim.configure({"script": [{"kind": "error", "status": 403, "match": "^GET /api/ledgerreceipts$",
                                       "times": 2}]})
    report = check_export(finland.export, [finland.invoice()])
    (problem,) = report.blocking
    assert problem.message == "The user credentials were not accepted by Procountor"
    assert "journalReceiptSearch" in problem.hint


def test_a_customer_without_a_bank_code_is_a_warning(finland):
    report = check_export(finland.export, [finland.invoice()])
    (problem,) = report.problems
    assert not problem.blocking and problem.code == "customer_edi_code"
    assert "HEL-TSAHK" in problem.message
