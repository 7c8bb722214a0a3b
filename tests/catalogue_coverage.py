"""Which catalogue messages the test suite produced: every message of a registered target's catalogue
must be raised by some test. The plugin records each text a catalogue produces; the last test of the
suite (tests/zz_catalogue) lists the messages that no test raised and fails on them."""
from __future__ import annotations

from exports.catalogue import Catalogue

RAISED: set[tuple[str, str]] = set()
_text = Catalogue.text


def _recording_text(self: Catalogue, code: str, *params) -> str:
    RAISED.add((self.target, code))
    return _text(self, code, *params)


Catalogue.text = _recording_text
