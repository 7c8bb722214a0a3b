"""Benchmarks are slow and print figures: they run only when asked for with ``-m bench`` (make bench)."""
import pytest


def _bench_selected(config) -> bool:
    expression = config.getoption("markexpr") or ""
    return "bench" in expression and "not bench" not in expression


def pytest_collection_modifyitems(config, items):
    if _bench_selected(config):
        return
    skip = pytest.mark.skip(reason="benchmark: run it with `make bench` (pytest -m bench)")
    for item in items:
        if item.get_closest_marker("bench"):
            item.add_marker(skip)
