"""The message catalogue: stable codes per target, with the texts of Opter's help articles.

Every error a user or support sees is one of these codes with its ``{0}`` parameters filled in, so the
log can be filtered by code forever, while the wording stays the one the seeds document.
"""
from dataclasses import dataclass, field

from accounting.services.coding import MESSAGES as CODING_MESSAGES
from accounting.services.validation import MESSAGES as INVOICE_MESSAGES


@dataclass(frozen=True)
class Catalogue:
    target: str  # e.g. "efinancials"; codes are stored as "<target>.<code>"
    display_name: str
    messages: dict[str, str] = field(default_factory=dict)

    def text(self, code: str, *params) -> str:
        template = self.messages.get(code)
        if template is None:
            raise KeyError(f"{self.target} has no message {code!r}")
        return template.format(*[_param_text(p) for p in params])

    def qualified(self, code: str) -> str:
        return f"{self.target}.{code}"

    def has(self, code: str) -> bool:
        return code in self.messages


def _param_text(value) -> str:
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(v) for v in value)
    return str(value)


# What every connector's transport can raise, in the wording of E-Financials' article (seed 000), the one
# Opter article that lists them. ``target_catalogue`` writes them in each target's name; a target whose
# article words one differently (Procountor's "Too many calls") overrides it.
TRANSPORT_MESSAGES = {
    "cannot_connect": "It was not possible to connect to {target}. {{0}}.",
    "timed_out": "The call to {target} timed out.",
    "unsuccessful_status": "The API call to {target} was unsuccessful. Status code {{0}}.",
    "credentials": "The user credentials were not accepted by {target}. Status code {{0}}.",
    "too_many_calls": "The API call to {target} was unsuccessful. Status code {{0}}.",
    "unknown_error": "An unknown error occurred in the API call to {target}: {{0}}.",
    "unparsable": "It was not possible to interpret the response from {target}: {{0}}.",
    "call_unsuccessful": "Call to {target} {{0}} was unsuccessful. Status code {{1}}.",
    "call_cancelled": "The call to {target} was cancelled.",
    "export_cancelled": "The invoice export to {target} was cancelled.",
    "already_exists": "The following invoices {{0}} already exist in {target}.",
    "invoice_file_not_generated": "The invoice file could not be generated.",
}

#: The codes the shared transport raises; every target's catalogue has them.
TRANSPORT_CODES = tuple(TRANSPORT_MESSAGES)
#: The account-coding codes (accounting.services.coding); every target's catalogue has them too.
CODING_CODES = tuple(CODING_MESSAGES)


def target_catalogue(target: str, display_name: str, messages: dict[str, str], *,
                     transport: dict[str, str] | None = None) -> Catalogue:
    """A target's catalogue: the shared transport messages in its name (``transport`` overrides some),
    the account-coding messages, then the target's own ``messages``."""
    texts = {code: template.format(target=display_name) for code, template in TRANSPORT_MESSAGES.items()}
    texts.update(transport or {})
    texts.update(CODING_MESSAGES)
    texts.update(messages)
    return Catalogue(target=target, display_name=display_name, messages=texts)


# Codes the engine itself raises, whatever the target.
ENGINE = Catalogue(
    target="engine",
    display_name="Export engine",
    messages={
        "setup_blocked": "The export {0} cannot start: {1}",
        "no_exports": "No invoice export applies to invoice {0}: its customer has no invoice export setting and "
                      "there is no default invoice export setting.",
        "in_flight_elsewhere": "Invoice {0} is being sent to {1} by another run; it was not sent again.",
        "attempts_exhausted": "Invoice {0} was not sent to {1} after {2} attempts: {3}",
        "run_crashed": "The export stopped unexpectedly: {0}",
        "preview_built": "Preview of invoice {0} for {1}: nothing was sent.",
        "sent": "Invoice {0} was sent to {1}.",
        "reconciled": "Invoice {0} was found in {1} after an unanswered call; it was not sent again.",
        "retrying": "Attempt {0} for invoice {1} failed ({2}); trying again in {3} s.",
        "pdf_failed": "The invoice file could not be generated.",
        "pdf_attach_warning": "The Opter invoice in PDF format could not be attached to invoice {0}: {1}",
        "cancelled": "The invoice export was cancelled.",
        "run_started": "Export started: {0} invoice(s), {1} item(s).",
        "run_finished": "Export finished: {0} exported, {1} skipped, {2} failed.",
        "exported_by_run": "It was exported by run #{0} on {1}.",
        "sent_again": "Invoice {0} was exported by run #{1}, but {2} no longer holds it; it is sent again.",
        "handed_over": "Invoice {0} was left unfinished here; run #{1} finishes it.",
        "waiting_for_export": "Waiting for run {0} to finish sending to the same export.",
        "waiting_for_confirmation": "Waiting for the target system to confirm invoices.",
        "waiting_in_flight": "Waiting for invoices another run is sending.",
        "stopped": "The export was stopped before it finished; resume it to send the rest.",
        "cancelled_by": "The export was cancelled by {0}.",
        "requeued": "Nobody was working on this export any more (its worker stopped); it was queued again.",
        "resumed": "Resumed by {0}.",
        "cancel_requested": "{0} asked to cancel the export; it stops after the calls in flight.",
        "pending": "Invoice {0} was sent to {1}; waiting for {1} to confirm it.",
        "confirmed": "Invoice {0} was confirmed by {1}.",
        # An invoice that breaks a rule of accounting.services.validation is never sent; {1} lists what
        # to fix (each rule is also a code of its own below, "invoice_<rule>", with its parameters).
        "invalid_invoice": "Invoice {0} is not valid and was not sent: {1}",
        **{f"invoice_{code}": text for code, text in INVOICE_MESSAGES.items()},
    },
)
