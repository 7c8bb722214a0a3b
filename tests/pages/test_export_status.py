"""The export standing of invoices: the latest real item per export decides, previews never count."""
from accounting.models import Invoice
from exports.services.invoice_status import Standing, statuses_of, with_standing


def test_each_standing_filters_the_invoices_it_names(standings):
    name_of = {invoice.pk: name for name, invoice in standings["invoices"].items()}
    invoices = Invoice.objects.filter(period=standings["period"])

    def names(standing, export=None):
        return sorted(name_of[i.pk] for i in with_standing(invoices, standing, export.pk if export else None))

    assert names(Standing.EXPORTED) == ["exported", "retried", "split"]
    assert names(Standing.EXPORTED, standings["netvisor"]) == []
    assert names(Standing.FAILED) == ["failed", "split"]  # "retried" failed first, then was sent
    assert names(Standing.UNKNOWN) == ["unknown"]
    assert names(Standing.NOT_EXPORTED) == ["previewed", "untouched"]
    assert names(Standing.IN_PROGRESS) == []


def test_the_status_of_a_page_is_read_in_one_query(standings, django_assert_num_queries):
    invoices = standings["invoices"]
    with django_assert_num_queries(1):
        statuses = statuses_of(invoice.pk for invoice in invoices.values())
    assert statuses[invoices["split"].pk].standing == Standing.FAILED  # the most urgent of its exports
    assert [o.export_name for o in statuses[invoices["split"].pk].outcomes] == ["E-Financials (API)", "Netvisor (API)"]
    retried = statuses[invoices["retried"].pk].outcomes[0]
    assert (retried.standing, retried.remote_id, retried.run_id) == (Standing.EXPORTED, "EF-1004",
                                                                    standings["runs"][1].pk)
    assert statuses[invoices["previewed"].pk].standing == Standing.NOT_EXPORTED
    assert statuses[invoices["untouched"].pk].outcomes == []
