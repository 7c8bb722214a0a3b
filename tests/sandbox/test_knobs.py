"""The fault knobs on their own: what each knob does to which call."""
import pytest

from exports.sandbox.knobs import CallLog, KnobError, Knobs


def test_no_knobs_no_faults():
    decision = Knobs().decide("POST", "/v1/sale_invoices")
    assert decision.answer_status is None and not decision.drop_after_handling and decision.delay_s == 0


def test_latency_applies_to_every_call():
    knobs = Knobs(latency_ms=25)
    assert knobs.decide("GET", "/v1/accounts").delay_s == pytest.approx(0.025)


def test_script_skips_then_hits_exactly_times_matching_calls():
    knobs = Knobs(script=[{"kind": "error", "match": "^POST /v1/sale_invoices$", "skip": 1, "times": 2,
                           "status": 502}])
    assert knobs.decide("GET", "/v1/sale_invoices").answer_status is None  # not matching
    statuses = [knobs.decide("POST", "/v1/sale_invoices").answer_status for _ in range(4)]
    assert statuses == [None, 502, 502, None]


def test_drop_only_hits_writing_calls():
    knobs = Knobs(script=[{"kind": "drop"}])
    assert not knobs.decide("GET", "/v1/clients").drop_after_handling
    assert knobs.decide("PATCH", "/v1/sale_invoices/3/register").drop_after_handling
    assert not knobs.decide("POST", "/v1/clients").drop_after_handling  # used up


def test_throttle_burst_answers_429_for_the_whole_burst_with_retry_after():
    knobs = Knobs(throttle_rate=1.0, throttle_burst=3, retry_after=2, seed=1)
    decisions = [knobs.decide("GET", "/v1/accounts") for _ in range(3)]
    assert [d.answer_status for d in decisions] == [429, 429, 429]
    assert {d.retry_after for d in decisions} == {2}


def test_rates_are_reproducible_with_a_seed():
    def pattern():
        knobs = Knobs(error_rate=0.5, seed=42)
        return [knobs.decide("GET", "/v1/x").answer_status for _ in range(20)]

    first = pattern()
    assert first == pattern()
    assert 503 in first and None in first


def test_match_limits_random_faults():
    knobs = Knobs(error_rate=1.0, match="sale_invoices")
    assert knobs.decide("GET", "/v1/accounts").answer_status is None
    assert knobs.decide("POST", "/v1/sale_invoices").answer_status == 503


def test_reset_returns_to_the_start_values():
    knobs = Knobs(latency_ms=5)
    knobs.update({"latency_ms": 100, "error_rate": 1})
    knobs.reset()
    assert knobs.values.latency_ms == 5 and knobs.values.error_rate == 0


@pytest.mark.parametrize("changes", [{"nope": 1}, {"error_rate": 2}, {"latency_ms": -1},
                                     {"script": [{"kind": "explode"}]}, {"match": "("},
                                     {"script": [{"kind": "error", "colour": "red"}]}])
def test_bad_knobs_are_refused(changes):
    with pytest.raises(KnobError):
        Knobs().update(changes)


def test_call_log_folds_ids():
    log = CallLog()
    log.add("PATCH", "/v1/sale_invoices/12/register", 200, [])
    log.add("PATCH", "/v1/sale_invoices/13/register", 200, [])
    assert log.count("PATCH", "/v1/sale_invoices/{id}/register") == 2
    assert log.as_dict()["by_path"] == {"PATCH /v1/sale_invoices/{id}/register": 2}
