"""Is an invoice export configured the way its Target (and so Opter's article) says?

One set of rules for the admin form, the setup check and imports: the fields the type needs, the
transfer method, the start text. Messages name the field and quote the article.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext

from ..connectors.start_text import StartTextError
from ..connectors.target import Equals, Filled, Target
from ..models import InvoiceExport, TransferMethod


@dataclass(frozen=True)
class FieldProblem:
    field: str | None  # the form field to show it on; None = the whole form
    message: str


def field_label(name: str) -> str:
    return capfirst(InvoiceExport._meta.get_field(name).verbose_name)


def missing_message(target: Target, rule: Filled) -> str:
    return gettext("%(target)s needs %(field)s: %(meaning)s (%(article)s).") % {
        "target": target.label, "field": field_label(rule.field), "meaning": rule.meaning, "article": target.article}


def mismatch_message(target: Target, rule: Equals) -> str:
    return gettext("%(target)s needs %(field)s %(shown_as)s (%(article)s).") % {
        "target": target.label, "field": field_label(rule.field), "shown_as": rule.shown_as, "article": target.article}


def rule_problems(target: Target, value_of: Callable[[str], object], *, skip=frozenset()) -> list[FieldProblem]:
    """The Target's field rules against the values ``value_of(field)`` gives."""
    problems = []
    for rule in target.rules:
        if rule.field in skip:
            continue
        value = value_of(rule.field)
        if isinstance(rule, Equals):
            if value != rule.value:
                problems.append(FieldProblem(rule.field, mismatch_message(target, rule)))
        elif not str(value or "").strip():
            problems.append(FieldProblem(rule.field, missing_message(target, rule)))
        elif rule.validator is not None:
            try:
                rule.validator(str(value).strip())
            except ValidationError as exc:
                problems.extend(FieldProblem(rule.field, f"{field_label(rule.field)}: {message}")
                                for message in exc.messages)
    return problems


def transfer_method_problem(target: Target, method: str) -> FieldProblem | None:
    if (method or "") in target.transfer_methods:
        return None
    chosen = TransferMethod(method or "").label
    allowed = gettext(" or ").join(str(TransferMethod(m).label) for m in target.transfer_methods)
    return FieldProblem("transfer_method", gettext("Method %(chosen)s is not used by the type %(target)s: choose "
                                                   "%(allowed)s.")
                        % {"chosen": chosen, "target": target.label, "allowed": allowed})


def start_text_problems(target: Target, text: str) -> list[str]:
    try:
        target.start_text.parse(text or "")
    except StartTextError as exc:
        return exc.problems
    return []


def export_problems(export: InvoiceExport) -> list[FieldProblem]:
    """Everything wrong with a saved export's configuration (it may come from an import or the demo)."""
    target = export.target
    problems = rule_problems(target, lambda name: getattr(export, name))
    method = transfer_method_problem(target, export.transfer_method)
    if method and not any(p.field == "transfer_method" for p in problems):
        problems.append(method)
    problems += [FieldProblem("start_text", f"Start text: {problem}")
                 for problem in start_text_problems(target, export.start_text)]
    return problems
