"""What the invoice export form shows for each export type, read from the type's Target: the fields of
each tab the type uses, the fields it needs filled in, and each field's help in that type's words.

The same layout is rendered by the server for the type the form holds and handed to the browser as JSON
(``layouts``), so that changing the type switches the fields and their help without a reload.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .connectors import registry
from .connectors.start_text import KeyValueSchema
from .connectors.target import COMMON_FIELDS, FILE_TRANSFER_FIELDS, GENERAL_FIELDS, Equals, Filled, Tab, Target
from .models import InvoiceExport
from .services import configuration

#: Shown whatever the type. Parallel calls is the engine's, not a type's: every export may set it.
ALWAYS_SHOWN = (*COMMON_FIELDS, "parallel_calls")

#: The tabs of Opter's Invoice export window and their fields; the Codes tab holds the codes inline.
TABS = (
    (Tab.GENERAL, "general", gettext_lazy("General"), GENERAL_FIELDS),
    (Tab.FILE_TRANSFER, "file-transfer", gettext_lazy("File transfer"), FILE_TRANSFER_FIELDS),
    (Tab.CODES, "codes", gettext_lazy("Codes"), ()),
)
FORM_FIELDS = GENERAL_FIELDS + FILE_TRANSFER_FIELDS


@dataclass(frozen=True)
class FieldHelp:
    """A field's help: sentences, and for the start text the parameters the type takes."""

    paragraphs: tuple[str, ...] = ()
    #: (parameter, default, what it does)
    parameters: tuple[tuple[str, str, str], ...] = ()

    def without(self, sentences) -> FieldHelp:
        """This help less the sentences already shown (a field's errors)."""
        return FieldHelp(tuple(text for text in self.paragraphs if text not in sentences), self.parameters)

    def as_json(self) -> dict:
        return {"paragraphs": list(self.paragraphs), "parameters": [list(row) for row in self.parameters]}

    def as_html(self) -> SafeString:
        """The same help as the browser builds from ``as_json`` (exports/static/exports/export_form.js)."""
        paragraphs = format_html_join("", "<p>{}</p>", ((text,) for text in self.paragraphs))
        if not self.parameters:
            return paragraphs
        rows = format_html_join(
            "", "<li><code>{}</code>{} {}</li>",
            ((name, format_html(" ({} {})", _("default"), default) if default else "", meaning)
             for name, default, meaning in self.parameters))
        return format_html('{}<ul class="start-text-parameters">{}</ul>', paragraphs, rows)


def sentence(text: str) -> str:
    """Target texts are written as phrases ("the API key ..."): shown alone they start with a capital and end
    with a full stop."""
    text = capfirst(text.strip())
    return text if text.endswith((".", "!", "?")) else f"{text}."


def model_help(name: str) -> str:
    return str(InvoiceExport._meta.get_field(name).help_text or "")


def fields_shown(target: Target | None) -> tuple[str, ...]:
    """The form's fields the type uses, in Opter's order; every field when no type is chosen yet."""
    if target is None:
        return FORM_FIELDS
    used = set(target.fields_used) | set(ALWAYS_SHOWN)
    return tuple(name for name in FORM_FIELDS if name in used)


def fields_required(target: Target | None) -> tuple[str, ...]:
    if target is None:
        return ()
    return tuple(rule.field for rule in target.rules if isinstance(rule, Filled))


def field_help(target: Target | None, name: str) -> FieldHelp:
    """The field's own help, then what the type's article says goes into it."""
    paragraphs = [model_help(name)] if model_help(name) else []
    parameters: tuple[tuple[str, str, str], ...] = ()
    if target is not None:
        meaning = target.meaning_of(name)
        if meaning:
            paragraphs.append(sentence(meaning))
        for rule in target.rules:
            if isinstance(rule, Equals) and rule.field == name:
                paragraphs.append(configuration.mismatch_message(target, rule))
        if name == "parallel_calls":
            paragraphs.append(_("Blank = %(calls)s at a time for %(type)s.")
                              % {"calls": target.policy.parallel_calls, "type": target.label})
        if name == "start_text":
            parameters, described = start_text_parameters(target)
            if described:
                paragraphs.append(described)
    elif name == "type":
        paragraphs.append(_("Choose the type first: the form then shows the fields that type uses, with what "
                            "its Opter article says goes into each."))
    return FieldHelp(tuple(paragraphs), parameters)


def start_text_parameters(target: Target) -> tuple[tuple[tuple[str, str, str], ...], str]:
    """The type's start-text parameters as rows, or (for a one-word start text) a sentence."""
    schema = target.start_text
    if isinstance(schema, KeyValueSchema):
        if not schema.parameters:
            return (), _("This type takes no start-text parameters.")
        rows = tuple((name, _default_text(parameter.default), parameter.help)
                     for name, parameter in schema.parameters.items())
        return rows, _("Parameters of %(type)s, any left out keeps its default:") % {"type": target.label}
    return (), sentence(schema.describe())


def _default_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def layout(target: Target | None) -> dict:
    """What the browser needs to lay the form out for one type (the JSON behind the type switch)."""
    shown = fields_shown(target)
    return {
        "shown": list(shown),
        "required": list(fields_required(target)),
        "help": {name: field_help(target, name).as_json() for name in FORM_FIELDS},
    }


def layouts() -> dict[str, dict]:
    """Every type's layout, keyed by type; "" is the form before a type is chosen, which the browser
    shows with the fields of every type only (the server, for a page without the script, shows all)."""
    before_a_type = {**layout(None), "shown": [name for name in FORM_FIELDS if name in ALWAYS_SHOWN]}
    return {"": before_a_type, **{name: layout(target) for name, target in registry.targets().items()}}


@dataclass(frozen=True)
class TabState:
    """A tab as the page shows it: its heading, its panel id and whether a field on it has an error."""

    slug: str
    title: str
    has_errors: bool


def tab_states(form, formsets=()) -> list[TabState]:
    """The three tabs, each marked when a field on it (or, for Codes, a code row) has an error."""
    states = []
    for _tab, slug, title, names in TABS:
        if slug == "codes":
            has_errors = any(not formset.is_valid() for formset in formsets) if form.is_bound else False
        else:
            has_errors = form.is_bound and any(name in form.errors for name in names)
        states.append(TabState(slug, str(title), has_errors))
    return states
