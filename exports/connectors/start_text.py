"""Start-text schemas: what a target accepts in the export's Start text field, and how it is parsed.

Each Target declares one schema. Most take one ``parameter=value`` per line (``KeyValueSchema``);
Netvisor takes a single word (``WordSchema``). Parsing returns every parameter with its default filled
in, or raises StartTextError naming each bad line, so a bad value is a form error, never a surprise
at send time.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


class StartTextError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# -- value parsers ------------------------------------------------------------------------------------

def boolean(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    raise ValueError("use true or false")


def positive_int(value: str) -> int:
    if not value.strip().isdigit() or int(value) < 1:
        raise ValueError("use a whole number of 1 or more")
    return int(value)


def choice(*choices: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        for option in choices:
            if value.strip().lower() == option.lower():
                return option
        raise ValueError(f"use one of {', '.join(choices)}")

    return parse


def text(max_length: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = value.strip()
        if not value or len(value) > max_length:
            raise ValueError(f"use 1 to {max_length} characters")
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
        return [f"Line {line}: only one of {' and '.join(self.names)} can be true."]


@dataclass(frozen=True)
class OnlyWith:
    """``name`` may only be given when ``other`` has the value ``value``."""

    name: str
    other: str
    value: object

    def problems(self, values: dict, explicit: dict[str, int]) -> list[str]:
        if self.name in explicit and values[self.other] != self.value:
            return [f"Line {explicit[self.name]}: {self.name} applies only with {self.other}={self.value}."]
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
                problems.append(f"Line {number}: {line!r} is not of the form parameter=value.")
                continue
            key, value = (part.strip() for part in line.split("=", 1))
            name = lookup.get(key.lower())
            if name is None:
                known = ", ".join(self.parameters) or "none for this type"
                problems.append(f"Line {number}: unknown parameter {key!r}. Known parameters: {known}.")
                continue
            if name in explicit:
                problems.append(f"Line {number}: {name} is already set on line {explicit[name]}.")
                continue
            try:
                values[name] = self.parameters[name].parse(value)
            except ValueError as exc:
                problems.append(f"Line {number}: {value!r} is not a valid value for {name}: {exc}.")
                continue
            explicit[name] = number
        if not problems:
            problems = [problem for rule in self.rules for problem in rule.problems(values, explicit)]
        if problems:
            raise StartTextError(problems)
        return values

    def describe(self) -> str:
        if not self.parameters:
            return "This type takes no start-text parameters."
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
            raise StartTextError([f"Line 2: {self.target} takes only the {self.meaning} on one line ({options})."])
        if lines[0] not in self.choices:
            raise StartTextError([f"Line 1: {lines[0]!r} is not a {self.target} {self.meaning}; enter {options} in "
                                  f"lower-case letters without any other characters."])
        return {self.key: lines[0]}

    def describe(self) -> str:
        return f"{' or '.join(self.choices)} (the {self.meaning}); blank = {self.default}."
