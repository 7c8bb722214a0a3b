"""The Target declaration: everything the portal knows about one export type, kept in the target's own
package and listed once in the registry (exports.connectors.registry).

Forms, the setup check, planning, the sandbox and the demo data read the Target; none of them names a
type. A Target says
- what Opter's article calls it and which fields of each tab it needs, with the article's wording;
- its start-text schema;
- which of the portal's local checks apply, and whether they block;
- its message catalogue;
- where its connector and its simulator live (dotted paths, imported only when used);
- its demo export (credentials accepted by its simulator) and its send policy.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from ..catalogue import Catalogue
from .start_text import KeyValueSchema, StartTextError, WordSchema

BLOCKING = "blocking"
WARNING = "warning"


@dataclass(frozen=True)
class Filled:
    """The field must hold a value; ``meaning`` is what the article says goes into it."""

    field: str
    meaning: str
    validator: Callable[[str], None] | None = None


@dataclass(frozen=True)
class Equals:
    """The field must have exactly this value."""

    field: str
    value: object
    shown_as: str


UTF8 = Equals("encoding", "UTF-8", _("UTF-8"))
REPORT_NONE = Equals("report", "", _("None"))


class Tab(StrEnum):
    GENERAL = "General"
    FILE_TRANSFER = "File transfer"
    CODES = "Codes"


#: Every field of the invoice export screens, by tab, in Opter's order.
GENERAL_FIELDS = ("name", "office", "report", "type", "encoding", "user_id", "password", "api_token",
                  "customer_code", "office_code", "start_text", "include_pdf_copy", "reduce_pdf_file_size",
                  "use_customer_number", "one_file_per_invoice", "is_active")
FILE_TRANSFER_FIELDS = ("transfer_method", "base_url", "client_identity", "client_key", "request_timeout",
                        "parallel_calls")
#: Shown whatever the type.
COMMON_FIELDS = ("name", "office", "type", "is_active", "base_url", "request_timeout")


@dataclass(frozen=True)
class LocalChecks:
    """Which of the portal's local checks apply to a target, each BLOCKING, WARNING or None (not checked).

    eur_currency:        the office's default currency must be EUR
    finnish_ocr:         the office's OCR number type must be Finnish
    vat_number_at_zero:  a customer invoiced at 0 % VAT must have a VAT registration number
    corporate_id:        every customer must have a valid corporate ID (the matching key of some targets)
    iban:                the office or region must have an IBAN
    sales_ledger_number: every customer must have a customer number (sales ledger number)
    required_codes:      the Codes tab kinds every object in use must have a code for; a callable gets the
                         parsed start text (e-conomic needs tax codes only for the voucher method)
    customer_rule:       the target's own check of the customers in use: customers -> one problem text per
                         customer at fault (Netvisor: the EDI code must be an operator id it accepts),
                         reported at ``customer_rule_level``
    credit_originals:    a credit invoice's original must have been exported by this export already
                         (exports.connectors.credits), every target books a credit against it
    """

    eur_currency: str | None = None
    finnish_ocr: str | None = None
    vat_number_at_zero: str | None = BLOCKING
    corporate_id: str | None = WARNING
    iban: str | None = None
    sales_ledger_number: str | None = None
    required_codes: tuple[str, ...] | Callable[[dict], tuple[str, ...]] = ()
    customer_rule: Callable[[Iterable], list[str]] | None = None
    customer_rule_level: str = BLOCKING
    credit_originals: str | None = BLOCKING

    def codes_required(self, start_text: dict) -> tuple[str, ...]:
        return self.required_codes(start_text) if callable(self.required_codes) else self.required_codes


@dataclass(frozen=True)
class SendPolicy:
    """How hard the engine may push the target.

    parallel_calls:          invoices in flight at once per export (an export may override it)
    requests_per_second:     shared by every worker of an export; None = no limit
    confirm_after_seconds:   a pending send (upload, then confirm) is first confirmed after this long,
    confirm_backoff_max:     then at growing intervals up to this,
    confirm_timeout_seconds: and given up (in doubt, never resent) after this long.
    daily_call_quota:        calls the target allows per day (per agreement or key); None = no such limit.
                             The plan page warns when a run's estimate (Target.call_estimate) exceeds it.
    """

    parallel_calls: int = 4
    requests_per_second: float | None = None
    confirm_after_seconds: float = 2.0
    confirm_backoff_max: float = 60.0
    confirm_timeout_seconds: float = 600.0
    daily_call_quota: int | None = None


@dataclass(frozen=True)
class RunSize:
    """What a call estimate knows of a run before it starts: its invoices, their distinct customers, and the
    export's parsed start text."""

    invoices: int
    customers: int
    start_text: dict


@dataclass(frozen=True)
class CallBudget:
    """A run's estimated calls against the target's daily quota."""

    calls: int
    quota: int | None = None

    @property
    def exceeds_quota(self) -> bool:
        return self.quota is not None and self.calls > self.quota


@dataclass(frozen=True)
class DemoExport:
    """The export ``seed_demo`` creates for this target, pointing at its simulator.

    office: the demo office's code; group: the export setting group it joins; fields: plain fields of the
    export; secrets: its secret fields; codes: the Codes tab as (kind, Opter object code) -> target code.
    """

    name: str
    office: str
    group: str
    fields: dict = field(default_factory=dict)
    secrets: dict = field(default_factory=dict)
    codes: dict[tuple[str, str], str] = field(default_factory=dict)


@dataclass(frozen=True)
class SetupLink:
    """A link the export's admin page shows (e-conomic: the page where a user grants the portal access)."""

    label: str
    url: str
    help: str = ""


@dataclass(frozen=True)
class Target:
    type: str  # stored on the export, e.g. "efinancials"
    label: str  # the Type drop-down, as Opter names it
    article: str  # the Opter article that describes the setup, for messages
    catalogue: Catalogue
    rules: tuple[Filled | Equals, ...] = ()
    #: field -> what the article says about it for this type, beyond the rules (shown as help)
    help: dict[str, str] = field(default_factory=dict)
    #: fields this type uses besides COMMON_FIELDS and the fields of its rules
    uses: tuple[str, ...] = ()
    start_text: KeyValueSchema | WordSchema = field(default_factory=KeyValueSchema)
    checks: LocalChecks = field(default_factory=LocalChecks)
    transfer_methods: tuple[str, ...] = ("",)
    connector: str | None = None  # dotted path of the Connector class
    simulator: str | None = None  # dotted path of create_simulator(mount)
    sandbox_prefix: str = ""  # the simulator's base path, e.g. "/efinancials/v1"
    demo: DemoExport | None = None
    policy: SendPolicy = field(default_factory=SendPolicy)
    #: Countries the integration was tested for (shown in the help text), e.g. ("FI",)
    markets: tuple[str, ...] = ()
    #: What the target accepts on the Codes tab: (kind, Opter object, code) -> what is wrong, or None. The
    #: Codes tab form shows it as the code's error and the setup check reports it (see check_code).
    code_rule: Callable[[str, object, str], str | None] | None = None
    #: dotted path of a callable(export) -> list[SetupLink], shown on the export's admin page
    setup_links: str | None = None
    #: How many calls a run of this size makes (RunSize -> calls), for the plan page; None = not estimated
    call_estimate: Callable[[RunSize], int] | None = None

    @property
    def display_name(self) -> str:
        return self.catalogue.display_name

    def meaning_of(self, field_name: str) -> str:
        """What goes into ``field_name`` for this type: the rule's meaning, else the help."""
        for rule in self.rules:
            if isinstance(rule, Filled) and rule.field == field_name:
                return rule.meaning
        return self.help.get(field_name, "")

    def check_code(self, kind: str, opter_object, code: str) -> str | None:
        """Why the target does not accept ``code`` for ``opter_object`` (a VAT rate or payment condition) on
        the Codes tab, in words that say what to enter instead; None when it does."""
        return self.code_rule(kind, opter_object, code) if self.code_rule else None
    def call_budget(self, start_text: str, invoices: int, customers: int) -> CallBudget | None:
        """The estimated calls of a run (None: no estimate, or a start text that does not parse)."""
        if self.call_estimate is None:
            return None
        try:
            parsed = self.start_text.parse(start_text)
        except StartTextError:
            return None
        calls = self.call_estimate(RunSize(invoices=invoices, customers=customers, start_text=parsed))
        return CallBudget(calls, self.policy.daily_call_quota)

    @property
    def fields_used(self) -> tuple[str, ...]:
        used = set(COMMON_FIELDS) | {rule.field for rule in self.rules} | set(self.uses) | set(self.help)
        return tuple(name for name in GENERAL_FIELDS + FILE_TRANSFER_FIELDS if name in used)
