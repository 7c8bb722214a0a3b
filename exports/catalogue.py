"""The message catalogue: stable codes per target, with the texts of Opter's help articles.

Every error a user or support sees is one of these codes with its ``{0}`` parameters filled in, so the
log can be filtered by code forever, while the wording stays the one the seeds document.

The English texts are what the log stores and what the translations are keyed on (they are marked with
gettext_noop, so makemessages collects them). A page shows a stored message in its reader's language with
``localized_message``: the code's text, translated, filled with the stored parameters.
"""
from dataclasses import dataclass, field

from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounting.services.coding import MESSAGES as CODING_MESSAGES
from accounting.services.validation import MESSAGES as INVOICE_MESSAGES

#: Every catalogue by its target name (the prefix of its qualified codes), filled as catalogues are made.
_CATALOGUES: dict[str, "Catalogue"] = {}


@dataclass(frozen=True)
class Catalogue:
    target: str  # e.g. "efinancials"; codes are stored as "<target>.<code>"
    display_name: str
    messages: dict[str, str] = field(default_factory=dict)
    #: Codes whose English text was made from a shared template naming the target ({target}): the template
    #: is the translation's key, and the translation is filled with the target's name in the same way.
    shared: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        _CATALOGUES[self.target] = self

    def text(self, code: str, *params) -> str:
        """The message in English: what the log stores."""
        template = self.messages.get(code)
        if template is None:
            raise KeyError(f"{self.target} has no message {code!r}")
        return template.format(*[_param_text(p) for p in params])

    def localized(self, code: str, *params) -> str:
        """The message in the active language (English where no translation exists)."""
        if code in self.shared:
            template = gettext(self.shared[code]).format(target=self.display_name)
        else:
            template = gettext(self.messages[code])
        return template.format(*[_param_text(p) for p in params])

    def qualified(self, code: str) -> str:
        return f"{self.target}.{code}"

    def has(self, code: str) -> bool:
        return code in self.messages


def _param_text(value) -> str:
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(v) for v in value)
    return str(value)


def param_text(value) -> str:
    """A parameter as it appears in a message (a list as "a, b"): how the log stores parameters."""
    return _param_text(value)


def registered_catalogue(target: str) -> "Catalogue | None":
    """The catalogue already made for ``target`` (exports.services.messages loads every target's first)."""
    return _CATALOGUES.get(target)


# What every connector's transport can raise, in the wording of E-Financials' article (seed 000), the one
# Opter article that lists them. ``target_catalogue`` writes them in each target's name; a target whose
# article words one differently (Procountor's "Too many calls") overrides it.
TRANSPORT_MESSAGES = {
    "cannot_connect": gettext_noop("It was not possible to connect to {target}. {{0}}."),
    "timed_out": gettext_noop("The call to {target} timed out."),
    "unsuccessful_status": gettext_noop("The API call to {target} was unsuccessful. Status code {{0}}."),
    "credentials": gettext_noop("The user credentials were not accepted by {target}. Status code {{0}}."),
    "too_many_calls": gettext_noop("The API call to {target} was unsuccessful. Status code {{0}}."),
    "unknown_error": gettext_noop("An unknown error occurred in the API call to {target}: {{0}}."),
    "unparsable": gettext_noop("It was not possible to interpret the response from {target}: {{0}}."),
    "call_unsuccessful": gettext_noop("Call to {target} {{0}} was unsuccessful. Status code {{1}}."),
    "call_cancelled": gettext_noop("The call to {target} was cancelled."),
    "export_cancelled": gettext_noop("The invoice export to {target} was cancelled."),
    "already_exists": gettext_noop("The following invoices {{0}} already exist in {target}."),
    "invoice_file_not_generated": gettext_noop("The invoice file could not be generated."),
}

# Why a connection failed, in plain words: the {0} of "It was not possible to connect to ... {0}." and of
# "An unknown error occurred in the API call to ...: {0}.". The exception text itself (Python's, urllib3's)
# never reaches a user; it stays in the event's excerpt, for support. Keys are what http.transport_reason
# recognises in a transport exception.
TRANSPORT_REASONS = {
    "refused": _("The connection was refused: the service is not running at that address, or the Base URL "
                 "(File transfer tab) has a wrong host or port"),
    "closed": _("The server closed the connection without answering"),
    "reset": _("The connection was reset by the server or the network"),
    "unknown_host": _("The host name of the Base URL (File transfer tab) is not known"),
    "connect_timeout": _("The server did not accept the connection in time"),
    "certificate": _("The server's certificate could not be verified (secure connection refused)"),
    "tls": _("A secure (HTTPS) connection could not be set up with the server; check that the Base URL "
             "uses the right scheme (http or https)"),
    "not_http": _("The server did not answer in HTTP: check the Base URL on the File transfer tab"),
    "undecodable": _("The server's answer could not be decoded (damaged on the way, or compressed wrongly)"),
    "bad_url": _("The Base URL on the File transfer tab is not a valid address"),
    "network": _("The network connection failed"),
}

# A credit invoice booked against its original (exports.connectors.credits): every target's catalogue
# has the first, in its name; a target that books credits (``target_catalogue(credits=True)``) the second.
# Our wording: no Opter article speaks of credit invoices.
CREDIT_MESSAGES = {
    "credit_original_not_exported": gettext_noop("Credit invoice {{0}} credits invoice {{1}}, which has not been "
                                                 "exported to {target}. Export invoice {{1}} first."),
}
CREDIT_REFUSED = gettext_noop("{target} did not accept credit invoice {{0}} for invoice {{1}}: {{2}}")

#: The codes the shared transport raises; every target's catalogue has them.
TRANSPORT_CODES = tuple(TRANSPORT_MESSAGES)
#: The account-coding codes (accounting.services.coding); every target's catalogue has them too.
CODING_CODES = tuple(CODING_MESSAGES)


def target_catalogue(target: str, display_name: str, messages: dict[str, str], *,
                     transport: dict[str, str] | None = None, credits: bool = False) -> Catalogue:
    """A target's catalogue: the shared transport messages in its name (``transport`` overrides some),
    the credit-invoice messages, the account-coding messages, then the target's own ``messages``."""
    texts = {code: template.format(target=display_name) for code, template in TRANSPORT_MESSAGES.items()}
    shared = {code: template for code, template in TRANSPORT_MESSAGES.items()
              if code not in (transport or {}) and code not in messages}
    texts.update(transport or {})
    credit_templates = {**CREDIT_MESSAGES, **({"credit_refused": CREDIT_REFUSED} if credits else {})}
    texts.update({code: template.format(target=display_name) for code, template in credit_templates.items()})
    shared.update({code: template for code, template in credit_templates.items() if code not in messages})
    texts.update(CODING_MESSAGES)
    texts.update(messages)
    return Catalogue(target=target, display_name=display_name, messages=texts, shared=shared)


# Codes the engine itself raises, whatever the target.
ENGINE = Catalogue(
    target="engine",
    display_name="Export engine",
    messages={
        "setup_blocked": gettext_noop("The export {0} cannot start: {1}"),
        "no_exports": gettext_noop("No invoice export applies to invoice {0}: its customer has no invoice export "
                                   "setting and there is no default invoice export setting."),
        "in_flight_elsewhere": gettext_noop("Invoice {0} is being sent to {1} by another run; it was not sent again."),
        "attempts_exhausted": gettext_noop("Invoice {0} was not sent to {1} after {2} attempts: {3}"),
        "run_crashed": gettext_noop("The export stopped unexpectedly: {0}"),
        "preview_built": gettext_noop("Preview of invoice {0} for {1}: nothing was sent."),
        "sent": gettext_noop("Invoice {0} was sent to {1}."),
        "reconciled": gettext_noop("Invoice {0} was found in {1} after an unanswered call; it was not sent again."),
        "retrying": gettext_noop("Attempt {0} for invoice {1} failed ({2}); trying again in {3} s."),
        "pdf_failed": gettext_noop("The invoice file could not be generated."),
        "pdf_attach_warning": gettext_noop("The Opter invoice in PDF format could not be attached to invoice {0}: {1}"),
        "cancelled": gettext_noop("The invoice export was cancelled."),
        "run_started": gettext_noop("Export started: {0} invoice(s), {1} item(s)."),
        "run_finished": gettext_noop("Export finished: {0} exported, {1} skipped, {2} failed."),
        "exported_by_run": gettext_noop("It was exported by run #{0} on {1}."),
        "sent_again": gettext_noop("Invoice {0} was exported by run #{1}, but {2} no longer holds it; it is sent "
                                   "again."),
        "handed_over": gettext_noop("Invoice {0} was left unfinished here; run #{1} finishes it."),
        "waiting_for_export": gettext_noop("Waiting for run {0} to finish sending to the same export."),
        "waiting_for_confirmation": gettext_noop("Waiting for the target system to confirm invoices."),
        "waiting_in_flight": gettext_noop("Waiting for invoices another run is sending."),
        "stopped": gettext_noop("The export was stopped before it finished; resume it to send the rest."),
        "cancelled_by": gettext_noop("The export was cancelled by {0}."),
        "requeued": gettext_noop("Nobody was working on this export any more (its worker stopped); it was queued "
                                 "again."),
        "resumed": gettext_noop("Resumed by {0}."),
        "cancel_requested": gettext_noop("{0} asked to cancel the export; it stops after the calls in flight."),
        "pending": gettext_noop("Invoice {0} was sent to {1}; waiting for {1} to confirm it."),
        "confirmed": gettext_noop("Invoice {0} was confirmed by {1}."),
        # An invoice that breaks a rule of accounting.services.validation is never sent; {1} lists what
        # to fix (each rule is also a code of its own below, "invoice_<rule>", with its parameters).
        "invalid_invoice": gettext_noop("Invoice {0} is not valid and was not sent: {1}"),
        **{f"invoice_{code}": text for code, text in INVOICE_MESSAGES.items()},
    },
)
