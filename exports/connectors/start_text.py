"""Start-text schemas: what a target accepts in the export's Start text field, and how it is parsed.

Each Target declares one schema. Most take one ``parameter=value`` per line (``KeyValueSchema``);
Netvisor takes a single word (``WordSchema``). Parsing returns every parameter with its default filled
in, or raises StartTextError naming each bad line, so a bad value is a form error, never a surprise
at send time.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext


class StartTextError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# -- value parsers ------------------------------------------------------------------------------------

def boolean(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    raise ValueError(gettext("use true or false"))


def positive_int(value: str) -> int:
    if not value.strip().isdigit() or int(value) < 1:
        raise ValueError(gettext("use a whole number of 1 or more"))
    return int(value)


def choice(*choices: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        for option in choices:
            if value.strip().lower() == option.lower():
                return option
        raise ValueError(gettext("use one of %(value)s") % {"value": ', '.join(choices)})

    return parse


def text(max_length: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = value.strip()
        if not value or len(value) > max_length:
            raise ValueError(gettext("use 1 to %(max_length)s characters") % {"max_length": max_length})
        return value

    return parse


@dataclass(frozen=True)
class Parameter:
    parse: Callable[[str], object]
    default: object
    aliases: tuple[str, ...] = ()
    help: str = ""


# -- rules between parameters -------------------------------------------------------------------------

@dataclass(frozen=True)
class OnlyOneTrue:
    """At most one of these boolean parameters may be true (Heeros: MoveOnlyToLedger / SendToCustomer)."""

    names: tuple[str, ...]

    def problems(self, values: dict, explicit: dict[str, int]) -> list[str]:
        if sum(bool(values[name]) for name in self.names) <= 1:
            return []
        line = max(explicit.get(name, 0) for name in self.names)
        return [gettext("Line %(line)s: only one of %(value)s can be true.") % {"line": line,
                "value": ' and '.join(self.names)}]


@dataclass(frozen=True)
class OnlyWith:
    """``name`` may only be given when ``other`` has the value ``value``."""

    name: str
    other: str
    value: object

    def problems(self, values: dict, explicit: dict[str, int]) -> list[str]:
        if self.name in explicit and values[self.other] != self.value:
            return [gettext("Line %(line)s: %(name)s applies only with %(other)s=%(value)s.")
                    % {"line": explicit[self.name], "name": self.name, "other": self.other, "value": self.value}]
        return []


# -- schemas --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class KeyValueSchema:
    parameters: dict[str, Parameter] = field(default_factory=dict)
    rules: tuple = ()

    def defaults(self) -> dict:
        return {name: parameter.default for name, parameter in self.parameters.items()}

    def parse(self, start_text: str) -> dict:
        lookup = {name.lower(): name for name in self.parameters}
        for name, parameter in self.parameters.items():
            for alias in parameter.aliases:
                lookup[alias.lower()] = name
        values = self.defaults()
        explicit: dict[str, int] = {}
        problems = []
        for number, raw in enumerate((start_text or "").splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if "=" not in line:
                problems.append(gettext("Line %(number)s: %(line)s is not of the form parameter=value.")
                                % {"number": number, "line": repr(line)})
                continue
            key, value = (part.strip() for part in line.split("=", 1))
            name = lookup.get(key.lower())
            if name is None:
                known = ", ".join(self.parameters) or gettext("none for this type")
                problems.append(gettext("Line %(number)s: unknown parameter %(key)s. Known parameters: "
                                        "%(known)s.") % {"number": number, "key": repr(key), "known": known})
                continue
            if name in explicit:
                problems.append(gettext("Line %(number)s: %(name)s is already set on line %(line)s.")
                                % {"number": number, "name": name, "line": explicit[name]})
                continue
            try:
                values[name] = self.parameters[name].parse(value)
            except ValueError as exc:
                problems.append(gettext("Line %(number)s: %(value)s is not a valid value for %(name)s: %(exc)s.")
                                % {"number": number, "value": repr(value), "name": name, "exc": exc})
                continue
            explicit[name] = number
        if not problems:
            problems = [problem for rule in self.rules for problem in rule.problems(values, explicit)]
        if problems:
            raise StartTextError(problems)
        return values

    def describe(self) -> str:
        if not self.parameters:
            return gettext("This type takes no start-text parameters.")
        return "; ".join(f"{name}={parameter.default if parameter.default is not None else ''}: {parameter.help}"
                         for name, parameter in self.parameters.items())


@dataclass(frozen=True)
class WordSchema:
    """The whole start text is one word out of ``choices`` (blank = ``default``), stored under ``key``."""

    key: str
    choices: tuple[str, ...]
    default: str
    target: str  # how the messages name the target
    meaning: str  # what the word is, e.g. "invoice status"

    def defaults(self) -> dict:
        return {self.key: self.default}

    def parse(self, start_text: str) -> dict:
        lines = [line.strip() for line in (start_text or "").splitlines() if line.strip()]
        if not lines:
            return self.defaults()
        options = " or ".join(self.choices)
        if len(lines) > 1:
            raise StartTextError([gettext("Line 2: %(target)s takes only the %(meaning)s on one line "
                                          "(%(options)s).") % {"target": self.target, "meaning": self.meaning,
                                                               "options": options}])
        if lines[0] not in self.choices:
            raise StartTextError([gettext("Line 1: %(value)s is not a %(target)s %(meaning)s; enter %(options)s "
                                          "in lower-case letters without any other characters.")
                                  % {"value": repr(lines[0]), "target": self.target, "meaning": self.meaning,
                                     "options": options}])
        return {self.key: lines[0]}

    def describe(self) -> str:
        return (gettext("%(value)s (the %(meaning)s); blank = %(default)s.")
                % {"value": " or ".join(self.choices), "meaning": self.meaning, "default": self.default})
