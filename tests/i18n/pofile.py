"""A small reader of gettext .po files: the entries with their msgid, plural, msgstr(s) and flags."""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def untranslated(self) -> bool:
        return not self.msgstr or any(not text for text in self.msgstr.values())

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def read_po(path: Path) -> list[Entry]:
    """Every entry except the header (msgid "")."""
    entries: list[Entry] = []
    entry = Entry()
    target = None  # ("msgid" | "msgid_plural" | "msgctxt" | ("msgstr", n))
    started = False

    def finish():
        nonlocal entry, started
        if started:
            entries.append(entry)
        entry, started = Entry(), False

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            continue
        if line.startswith("#,"):
            if started:
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = _unquote(line)
            if target == "msgid":
                entry.msgid += value
            elif target == "msgid_plural":
                entry.msgid_plural += value
            elif target == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + value
            elif target is not None:
                entry.msgstr[target[1]] += value
            continue
        if keyword in ("msgctxt", "msgid") and started and target is not None and target != "msgctxt":
            finish()
        started = True
        if keyword == "msgctxt":
            entry.msgctxt, target = _unquote(rest), "msgctxt"
        elif keyword == "msgid":
            entry.msgid, target = _unquote(rest), "msgid"
        elif keyword == "msgid_plural":
            entry.msgid_plural, target = _unquote(rest), "msgid_plural"
        elif keyword == "msgstr":
            entry.msgstr[0], target = _unquote(rest), ("msgstr", 0)
        elif keyword.startswith("msgstr["):
            index = int(keyword[7:-1])
            entry.msgstr[index], target = _unquote(rest), ("msgstr", index)
    finish()
    return [e for e in entries if e.msgid and not e.obsolete]
