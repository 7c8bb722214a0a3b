"""The export log's messages in the reader's language, at display time.

The log stores each message in English with its catalogue code and parameters (an event has all three;
an item keeps the code and text of its last error, and its events the parameters). The pages ask here for
the text in the active language: ``localized_message`` translates a stored text only
when it is exactly what its code and parameters make, so anything else shows as stored.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from ..catalogue import ENGINE, Catalogue, registered_catalogue
from ..connectors import registry
from ..models import ExportEvent, ExportItem, ExportRun


def catalogue_for(target: str) -> Catalogue | None:
    """The catalogue whose codes start with ``target.`` (every registered target's is loaded first)."""
    if registered_catalogue(target) is None:
        registry.targets()
    return registered_catalogue(target)


def localized_message(code: str, params, stored: str) -> str:
    """A stored message in the reader's language: the code's text translated and filled with ``params``.

    Only when the stored text is exactly what the code and parameters make in English: a message the engine
    extended (or one of a code this portal no longer knows) is shown as stored, so nothing is ever lost.
    """
    target, _, short = (code or "").partition(".")
    catalogue = catalogue_for(target) if short else None
    if catalogue is None or not catalogue.has(short):
        return stored
    params = list(params or ())
    try:
        if catalogue.text(short, *params) != stored:
            return stored
        return catalogue.localized(short, *params)
    except (IndexError, KeyError, ValueError):
        return stored


def event_message(event: ExportEvent) -> str:
    return localized_text(event.code, event.params, event.message)


def localized_text(code: str, params, stored: str) -> str:
    """``stored`` in the reader's language. A text logged without its parameters is read back against its
    code's English text; one the engine extended with a sentence of its own ("... It was exported by run
    #4 on ...") is translated in its two parts."""
    shown = localized_message(code, params, stored)
    if shown != stored:
        return shown
    target, _, short = (code or "").partition(".")
    catalogue = catalogue_for(target) if short else None
    if catalogue is None or not catalogue.has(short):
        return _engine_text(stored)
    template = catalogue.messages[short]
    read = _read_back(template, stored)
    if read is not None:
        return localized_message(code, read, stored)
    for cut in (m.end() for m in re.finditer(r"\. ", stored)):
        head, tail = stored[:cut - 1], stored[cut:]
        read = _read_back(template, head)
        if read is not None:
            translated_tail = _engine_text(tail)
            if translated_tail != tail:
                return f"{localized_message(code, read, head)} {translated_tail}"
    return stored


def item_messages(items: Iterable[ExportItem]) -> dict[int, str]:
    """Each item's message (its last error, else its warnings), translated: {item id: text}. One query
    for the parameters, read from the events that recorded the same texts."""
    items = [item for item in items if item.last_error_message or item.warning_message]
    if not items:
        return {}
    texts = {item.pk: (item.last_error_message.splitlines() if item.last_error_message
                       else item.warning_message.splitlines()) for item in items}
    wanted = {line for lines in texts.values() for line in lines}
    logged: dict[tuple[int, str], tuple[str, list]] = {}
    for item_id, code, message, params in (ExportEvent.objects.filter(item_id__in=list(texts), message__in=wanted)
                                           .order_by("id").values_list("item_id", "code", "message", "params")):
        logged[(item_id, message)] = (code, params)
    codes = {item.pk: item.last_error_code for item in items}
    result = {}
    for item_id, lines in texts.items():
        shown = []
        for line in lines:
            code, params = logged.get((item_id, line), (codes[item_id], []))
            shown.append(localized_text(code, params, line))
        result[item_id] = "\n".join(shown)
    return result


def run_texts(run: ExportRun) -> dict[str, str]:
    """The run's note and failure message, translated by the events that logged the same texts."""
    stored = {"note": run.note, "failure_message": run.failure_message}
    wanted = [text for text in stored.values() if text]
    if not wanted:
        return stored
    logged = {message: (code, params) for code, message, params in
              run.events.filter(message__in=wanted).order_by("id").values_list("code", "message", "params")}
    return {key: localized_text(*logged[text], text) if text in logged else _engine_text(text)
            for key, text in stored.items()}


def _engine_text(text: str) -> str:
    """A text no event logged (a note such as "Waiting for run #4 to finish ..."): read back as the engine
    message it is, with its parameters, if it is one."""
    for code, template in ENGINE.messages.items():
        params = _read_back(template, text)
        if params is not None:
            return localized_message(ENGINE.qualified(code), params, text)
    return text


def _read_back(template: str, text: str) -> list[str] | None:
    """The parameters that make ``template`` into ``text``, or None when it does not."""
    pattern, seen = "", set()
    for literal, index in re.findall(r"([^{]*)(?:\{(\d+)\})?", template):
        pattern += re.escape(literal)
        if index:
            pattern += f"(?P=p{index})" if index in seen else f"(?P<p{index}>.+?)"
            seen.add(index)
    found = re.fullmatch(pattern, text, flags=re.S)
    if found is None:
        return None
    return [found.group(f"p{i}") for i in range(len(seen))] if all(str(i) in seen for i in range(len(seen))) else None
