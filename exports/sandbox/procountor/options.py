"""The points Procountor's documentation leaves open (spec section 16), as simulator options: set them at
start (``--knob procountor.NAME=VALUE``) or over ``/_control/procountor/knobs``. Defaults are the spec's
best reading; the SIM_* error codes are the sandbox's own."""
from __future__ import annotations

from dataclasses import dataclass

DEFAULT_VAT_STATUSES = "1=Domestic,3=Outside of the EU,5=EU community sales (product),12=No VAT handling"


@dataclass
class ProcountorOptions:
    # -- tokens (spec 2.2, 2.3): 3600 s; shorten it to see a run renew its token
    token_lifetime_seconds: int = 3600
    #: what the token answer says; None = the real lifetime. Larger: tokens die before the client thinks.
    reported_expires_in: int | None = None
    #: moves the sandbox's clock (tokens expire as if this much time had passed)
    clock_offset_seconds: float = 0.0
    token_type: str = "bearer"  # blank: the answer has only access_token and expires_in
    require_redirect_uri: bool = False
    # -- request rate (spec 3): Procountor allows 20 a second per client; the sandbox checks it when this is
    # set (20 = Procountor's figure). Off by default: the test suite sends without the portal's own rate
    # limit. Status, body and Retry-After of a refusal are our choice.
    requests_per_second: float = 0.0
    throttle_status: int = 429
    # -- invoices (spec 11.1): a supplied unique invoiceNumber is honoured, else numbered here
    honour_invoice_number: bool = True
    #: HTTP status of a date in a closed fiscal year or period (CLOSED_FISCAL_PERIOD); 403 in some readings
    closed_period_status: int = 400
    #: tracking periods that are closed, "YYYY-MM" separated by commas
    closed_periods: str = ""
    #: status of a stale ``version`` on PUT/PATCH (SIM_VERSION_MISMATCH)
    version_mismatch_status: int = 400
    #: sign of a sales invoice's ENTRY rows in its ledger receipt (the receivable row has the other sign)
    sales_entries_negative: bool = True
    # -- VAT (spec 9): "status=description" pairs enabled for sales, and the percentages in use
    vat_statuses: str = DEFAULT_VAT_STATUSES
    vat_percents: str = "0,10,13.5,14,24,25.5"
    # -- partners (spec 5): accepted identifierType values, comma separated; blank = any
    identifier_types: str = ""
    # -- attachments (spec 13)
    max_attachment_bytes: int = 10_000_000
    # -- lists (spec 3): the largest page a list answers
    max_page_size: int = 200
