"""Benchmark of the invoice PDF (make bench): one-page invoices, a 300-line invoice, normal vs reduced size.
Prints figures, asserts no timings."""
import statistics
import time

import pytest

from exports.pdf.render import render_invoice_pdf
from tests.pdf.conftest import make_invoice, make_long_invoice

ROUNDS = 20


def timed(render) -> tuple[bytes, float, float]:
    started, cpu_started = time.perf_counter(), time.process_time()
    pdf = render()
    return pdf, (time.perf_counter() - started) * 1000, (time.process_time() - cpu_started) * 1000


@pytest.mark.bench
@pytest.mark.django_db
def test_invoice_pdf_speed_and_size():
    invoice = make_invoice()
    render_invoice_pdf(invoice)  # the first render registers the fonts; the worker pays that once

    figures = {}
    for reduced in (False, True):
        runs = [timed(lambda r=reduced: render_invoice_pdf(invoice, reduced=r)) for _ in range(ROUNDS)]
        figures[reduced] = (len(runs[0][0]), statistics.mean(r[1] for r in runs), statistics.mean(r[2] for r in runs))
    long_pdf, long_ms, long_cpu_ms = timed(lambda: render_invoice_pdf(make_long_invoice(300)))
    long_reduced, _, _ = timed(lambda: render_invoice_pdf(make_long_invoice(301), reduced=True))

    normal, reduced = figures[False], figures[True]
    print(f"\n[bench] one-page invoice (6 lines, 3 orders), mean of {ROUNDS}: "
          f"normal {normal[1]:.0f} ms ({normal[2]:.0f} ms CPU), reduced {reduced[1]:.0f} ms ({reduced[2]:.0f} ms CPU)")
    print(f"[bench] one-page invoice size: normal {normal[0] / 1024:.1f} KiB, reduced {reduced[0] / 1024:.1f} KiB "
          f"({100 * (1 - reduced[0] / normal[0]):.0f} % smaller)")
    print(f"[bench] 300-line invoice: {long_ms / 1000:.2f} s ({long_cpu_ms / 1000:.2f} s CPU), "
          f"normal {len(long_pdf) / 1024:.1f} KiB, reduced (301 lines) {len(long_reduced) / 1024:.1f} KiB")
    assert reduced[0] < normal[0] and len(long_reduced) < len(long_pdf)
