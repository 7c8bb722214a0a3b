"""Every message in every connector's catalogue is raised by some test (collected while the suite ran).

This runs last (its folder sorts last). On a partial run (a path, -k, -m, a deselection) it cannot know,
so it says so and skips; `make test` runs the whole suite.
"""
import pytest

from exports.connectors import registry
from tests.catalogue_coverage import RAISED


def test_every_catalogue_message_is_raised_by_some_test(request):
    session = request.session
    config = request.config
    whole = (not config.option.keyword and not config.option.markexpr and not config.option.deselect
             and session.testscollected == len(session.items))
    targets = [t for t in registry.targets().values() if t.connector]
    if not whole:
        pytest.skip("only the whole suite raises every message; this run was partial")
    missing = sorted(f"{t.catalogue.qualified(code)}: {text}" for t in targets
                     for code, text in t.catalogue.messages.items() if (t.catalogue.target, code) not in RAISED)
    assert not missing, "Messages no test raised:\n" + "\n".join(missing)
