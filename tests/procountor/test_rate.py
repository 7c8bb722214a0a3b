"""The send policy keeps within Procountor's request rate: 10 calls a second with bursts of 10, so never
more than the 20 a second Procountor allows (the sandbox counts what it would have refused)."""
from exports.services.planning import plan_run
from exports.services.ratelimit import RateLimit, for_export
from exports.services.runner import execute_run


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_the_bucket_lets_a_burst_through_then_the_rate(monkeypatch):
    clock = Clock()
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        clock.now += seconds

    monkeypatch.setattr("exports.services.ratelimit.time.sleep", sleep)
    limit = RateLimit(10, clock=clock)
    for _ in range(10):
        limit.acquire()
    assert waits == []
    for _ in range(5):
        limit.acquire()
    assert round(sum(waits), 6) == 0.5 and clock.now == sum(waits)


def test_the_export_shares_one_bucket_and_none_when_rates_are_off(finland, settings):
    settings.EXPORT_RATE_LIMITS = True
    first, second = for_export(finland.export), for_export(finland.export)
    assert first is second and first.per_second == 10
    settings.EXPORT_RATE_LIMITS = False
    assert for_export(finland.export) is None


def test_a_run_stays_within_procountors_rate(finland, settings, monkeypatch):
    settings.EXPORT_RATE_LIMITS = True
    monkeypatch.setattr("exports.pdf.render.render_invoice_pdf", lambda invoice, reduced=False: b"%PDF-1.4 x")
    finland.sim.configure({"requests_per_second": 20})
    invoices = [finland.invoice() for _ in range(6)]  # about 40 calls: more than two bursts
    run = plan_run(invoices=invoices, export=finland.export)
    execute_run(run.pk)
    run.refresh_from_db()
    assert run.exported == 6, run.failure_message
    assert finland.sim.calls.total > 30
    assert finland.sim.tokens.throttled == 0
    assert for_export(finland.export).waited > 0  # the portal slowed itself down, Procountor never had to
