"""The message catalogue: stable codes per target, with the texts of Opter's help articles.

Every error a user or support sees is one of these codes with its ``{0}`` parameters filled in, so the
log can be filtered by code forever, while the wording stays the one the seeds document.
"""
from dataclasses import dataclass, field


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
    },
)
