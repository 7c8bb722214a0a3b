"""How long and how much memory a 20 000-row customer file takes through preview and confirm.

Run with ``pytest -m bench tests/bench/test_import_bench.py -s``. Prints the figures; asserts only
that every row was imported, never a time (machines differ).
"""
import time
import tracemalloc

import pytest
from stdnum.ee import registrikood

from customers.models import Customer
from customers.resources import CustomerResource
from portal.importexport import CSV
from tests.factories import CurrencyFactory, InvoiceExportSettingFactory, OfficeFactory, PaymentConditionFactory

ROWS = 20_000
NAMES = ["Põhja Puit", "Lõuna-Eesti Külmhoone", "Järvamaa Piimatööstus", "Saaremaa Šokolaaditehas",
         "Haapsalu Žalusiid", "Ærø Fisk", "Østerbro Kaffe", "Åbo Skaldjur"]


def registry_code(n: int) -> str:
    base = f"1{n:06d}"
    return next(base + d for d in "0123456789" if registrikood.is_valid(base + d))


def customer_csv(rows: int) -> bytes:
    lines = ["code;name;office;sales_ledger_number;corporate_id;country;invoice_address;invoice_postal_code;"
             "invoice_city;invoice_country;invoice_email;export_setting;payment_condition;currency;language"]
    for n in range(rows):
        lines.append(f"C{n:06d};{NAMES[n % len(NAMES)]} {n} OÜ;TLN;{10000 + n};{registry_code(n)};EE;"
                     f"Tööstuse {n % 200 + 1};1{n % 9000:04d};Tallinn;EE;arved{n}@example.com;Default;"
                     f"14 days;EUR;et")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def preview_and_confirm(data: bytes):
    """What the admin does with an upload: a dry run for the preview, then the import on confirm."""
    started = time.perf_counter()
    preview = CustomerResource().import_data(CSV(encoding="utf-8-sig").create_dataset(data), dry_run=True)
    assert not preview.has_errors() and not preview.has_validation_errors()
    del preview
    previewed = time.perf_counter()
    confirmed = CustomerResource().import_data(CSV(encoding="utf-8-sig").create_dataset(data), dry_run=False)
    assert not confirmed.has_errors() and not confirmed.has_validation_errors()
    assert confirmed.totals["new"] == ROWS == Customer.objects.count()
    return previewed - started, time.perf_counter() - previewed


@pytest.mark.bench
def test_20000_customers_preview_and_confirm(db):
    OfficeFactory()
    CurrencyFactory()
    PaymentConditionFactory()
    InvoiceExportSettingFactory()
    data = customer_csv(ROWS)

    # Timed without tracing (tracemalloc slows every allocation several times over) ...
    preview_seconds, confirm_seconds = preview_and_confirm(data)
    Customer.objects.all().delete()
    # ... and the peak memory of the same work measured in a second, traced pass.
    tracemalloc.start()
    traced_seconds = sum(preview_and_confirm(data))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(f"\n{ROWS} customer rows ({len(data) / 1e6:.1f} MB CSV): preview {preview_seconds:.1f} s, "
          f"confirm {confirm_seconds:.1f} s, total {preview_seconds + confirm_seconds:.1f} s; "
          f"peak memory {peak / 1e6:.0f} MB (tracemalloc; that pass took {traced_seconds:.0f} s)")
