"""Benchmark of the invoice PDF (make bench): CPU per one-page invoice uncached and cached, in English and
Estonian, the normal and reduced size, and a 300-line invoice. Prints figures, asserts no timings.

CPU time is time.process_time() around one render_invoice_pdf call (the context queries, the template
and the conversion), the median of ROUNDS renders after a warm-up render that registers the fonts (the
worker pays that once per process).
"""
import statistics
import time

import pytest

from exports.pdf.render import render_invoice_pdf
from tests.pdf.conftest import compiled_pdf_messages, make_invoice, make_long_invoice  # noqa: F401 (a fixture)

ROUNDS = 20


def cpu_ms(render) -> tuple[bytes, float]:
    started = time.process_time()
    pdf = render()
    return pdf, (time.process_time() - started) * 1000


def median_cpu_ms(render) -> float:
    return statistics.median(cpu_ms(render)[1] for _ in range(ROUNDS))


@pytest.mark.bench
@pytest.mark.django_db
@pytest.mark.usefixtures("compiled_pdf_messages")
def test_invoice_pdf_speed_and_size():
    english = make_invoice()
    estonian = make_invoice(customer_language="et")
    for invoice in (english, estonian):
        for reduced in (False, True):
            render_invoice_pdf(invoice, reduced=reduced, use_cache=False)  # warm-up: fonts, catalogues

    print(f"\n[bench] one-page invoice (6 lines, 3 orders), CPU ms per invoice, median of {ROUNDS}:")
    sizes = {}
    for label, invoice in (("en", english), ("et", estonian)):
        for reduced in (False, True):
            variant = "reduced" if reduced else "normal"
            uncached = median_cpu_ms(lambda i=invoice, r=reduced: render_invoice_pdf(i, reduced=r, use_cache=False))
            sizes[label, reduced] = len(render_invoice_pdf(invoice, reduced=reduced))  # stores it
            cached = median_cpu_ms(lambda i=invoice, r=reduced: render_invoice_pdf(i, reduced=r))
            print(f"[bench]   {label} {variant:7}: uncached {uncached:5.1f} ms, cached {cached:4.1f} ms, "
                  f"{sizes[label, reduced] / 1024:.1f} KiB")
    normal, reduced = sizes["en", False], sizes["en", True]
    print(f"[bench] one-page invoice size: normal {normal / 1024:.1f} KiB, reduced {reduced / 1024:.1f} KiB "
          f"({100 * (1 - reduced / normal):.0f} % smaller)")

    long_pdf, long_cpu = cpu_ms(lambda: render_invoice_pdf(make_long_invoice(300), use_cache=False))
    long_reduced, _ = cpu_ms(lambda: render_invoice_pdf(make_long_invoice(301), reduced=True, use_cache=False))
    print(f"[bench] 300-line invoice: {long_cpu / 1000:.2f} s CPU, normal {len(long_pdf) / 1024:.1f} KiB, "
          f"reduced (301 lines) {len(long_reduced) / 1024:.1f} KiB")
    assert reduced < normal and len(long_reduced) < len(long_pdf)
