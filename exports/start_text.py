"""The Start text field: stored as typed, parsed per export type into a validated dict.

Most types take one ``parameter=value`` per line. Netvisor takes a single word, the status of the new
invoice ("open" or "unsent"), as its help article says. Any parameter left out keeps its default.
"""
from collections.abc import Callable
from dataclasses import dataclass


class StartTextError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _boolean(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    raise ValueError("use true or false")


def _positive_int(value: str) -> int:
    if not value.strip().isdigit() or int(value) < 1:
        raise ValueError("use a whole number of 1 or more")
    return int(value)


def _choice(*choices: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        for choice in choices:
            if value.strip().lower() == choice.lower():
                return choice
        raise ValueError(f"use one of {', '.join(choices)}")

    return parse


def _text(max_length: int) -> Callable[[str], str]:
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


HEEROS = {
    "MoveOnlyToLedger": Parameter(_boolean, False, aliases=("MoveOnlyToLedge",),
                                  help="true: the invoice stays in the ledger and is not sent on via Opentext."),
    "SendToCustomer": Parameter(_boolean, False, help="true: Heeros sends the invoice to the customer."),
    "CreateCustomer": Parameter(_boolean, True, help="Create missing customers in Heeros."),
    "UpdateCustomer": Parameter(_boolean, True, help="Update customer information in Heeros."),
    "CreateProduct": Parameter(_boolean, True, help="Create missing products in Heeros."),
    "UpdateProduct": Parameter(_boolean, True, help="Update products in Heeros."),
    "CreateAccountingObjects": Parameter(_boolean, True, help="Create the account coding in Heeros."),
}

ECONOMIC = {
    "exportMethod": Parameter(_choice("invoice", "voucher"), "invoice", help="invoice (default) or voucher."),
    "journalNumber": Parameter(_positive_int, 1, help="Voucher method: the journal (usually 1, Daily)."),
}

EFINANCIALS = {
    # The API requires an invoice template id and a catalogue product on every row; neither is
    # named by Opter's article, so both are settable here.
    "TemplateId": Parameter(_positive_int, None,
                            help="E-Financials invoice template id; blank = the default."),
    "ProductCode": Parameter(_text(20), "OPTER",
                             help="Product code used on invoice rows (created if missing)."),
    "Register": Parameter(_boolean, True, help="Register (confirm) the invoice after creating it."),
    # Points the API documentation leaves open (specs/efinancials-api.md, UNCONFIRMED): settable
    # here instead of guessed once and for all.
    "ProjectLevel": Parameter(_choice("1", "2", "3", "4", "5"), "1",
                              help="Economic unit level sent as the E-Financials project (matched by name)."),
    "SendBankAccount": Parameter(_boolean, True,
                                 help="Name the bank account with the office's or region's IBAN on the "
                                      "invoice (bank_accounts_id); false if E-Financials refuses the field."),
    "CurrencyRate": Parameter(_choice("units_per_eur", "eur_per_unit"), "units_per_eur",
                              help="How the exchange rate is sent: units of the invoice currency per euro "
                                   "(ECB style, default) or euros per unit (Opter's own rate)."),
    "AttachPdf": Parameter(_choice("after_register", "before_register"), "after_register",
                           help="Upload the PDF copy after registering the invoice (default) or while it is "
                                "still a draft, if E-Financials refuses changes to registered invoices."),
}

PROCOUNTOR: dict[str, Parameter] = {}

KEY_VALUE_SCHEMAS = {
    "xmlserializer": HEEROS,
    "economic": ECONOMIC,
    "efinancials": EFINANCIALS,
    "procountor": PROCOUNTOR,
}

NETVISOR_STATUSES = ("open", "unsent")


def _contradictions(export_type: str, values: dict, explicit: dict[str, int]) -> list[str]:
    problems = []
    if export_type == "xmlserializer" and values["MoveOnlyToLedger"] and values["SendToCustomer"]:
        problems.append(f"Line {explicit.get('SendToCustomer', explicit.get('MoveOnlyToLedger'))}: only one of "
                        f"MoveOnlyToLedger and SendToCustomer can be true.")
    if export_type == "economic" and values["exportMethod"] == "invoice" and "journalNumber" in explicit:
        problems.append(f"Line {explicit['journalNumber']}: journalNumber applies only with exportMethod=voucher.")
    return problems


def _parse_netvisor(text: str) -> dict:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return {"status": "open"}
    if len(lines) > 1:
        raise StartTextError(["Line 2: Netvisor takes only the invoice status on one line (open or unsent)."])
    if lines[0] not in NETVISOR_STATUSES:
        raise StartTextError([f"Line 1: {lines[0]!r} is not a Netvisor invoice status; enter open or unsent in "
                              f"lower-case letters without any other characters."])
    return {"status": lines[0]}


def parse_start_text(export_type: str, text: str) -> dict:
    """Return the parameters with defaults filled in, or raise StartTextError naming each bad line."""
    if export_type == "netvisor":
        return _parse_netvisor(text or "")
    schema = KEY_VALUE_SCHEMAS.get(export_type, {})
    lookup = {name.lower(): name for name in schema}
    for name, parameter in schema.items():
        for alias in parameter.aliases:
            lookup[alias.lower()] = name
    values = {name: parameter.default for name, parameter in schema.items()}
    explicit: dict[str, int] = {}
    problems = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            problems.append(f"Line {number}: {line!r} is not of the form parameter=value.")
            continue
        key, value = (part.strip() for part in line.split("=", 1))
        name = lookup.get(key.lower())
        if name is None:
            known = ", ".join(schema) or "none for this type"
            problems.append(f"Line {number}: unknown parameter {key!r}. Known parameters: {known}.")
            continue
        if name in explicit:
            problems.append(f"Line {number}: {name} is already set on line {explicit[name]}.")
            continue
        try:
            values[name] = schema[name].parse(value)
        except ValueError as exc:
            problems.append(f"Line {number}: {value!r} is not a valid value for {name}: {exc}.")
            continue
        explicit[name] = number
    if not problems:
        problems = _contradictions(export_type, values, explicit)
    if problems:
        raise StartTextError(problems)
    return values


def describe_parameters(export_type: str) -> str:
    """Help text listing the parameters a type accepts."""
    if export_type == "netvisor":
        return "Netvisor: open or unsent (the status of the new invoice); blank = open."
    schema = KEY_VALUE_SCHEMAS.get(export_type, {})
    if not schema:
        return "This type takes no start-text parameters."
    return "; ".join(f"{name}={parameter.default!s}: {parameter.help}" for name, parameter in schema.items())
