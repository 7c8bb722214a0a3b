"""How many calls a run makes (the plan page compares it with e-conomic's 50,000 calls a day per
agreement). Counted from the connector's own pattern, at the upper end: every customer new, the PDF
attached."""
from __future__ import annotations

from math import ceil

from ..target import RunSize

IN_LIMIT = 200  # values of one $in: filter (spec 3.2): invoice numbers per look-up of existing ones

#: /self, VAT zones, payment terms, product groups, layouts, customer groups, accounting years; the invoice
#: method adds the products of (at least) one group and creating that product once, the voucher method the
#: journal and the VAT accounts.
REFERENCE_CALLS = {"invoice": 9, "voucher": 9}
#: per invoice: draft, attachment, booking / voucher, attachment
PER_INVOICE = {"invoice": 3, "voucher": 2}
CUSTOMERS_PER_LOOKUP = 40  # corporate IDs per filtered look-up (joined with $or:, kept well inside a URL)


def estimate_calls(size: RunSize) -> int:
    method = size.start_text.get("exportMethod", "invoice")
    # booked invoice numbers; for vouchers also the journal's entries and the accounting year's
    existing = ceil(size.invoices / IN_LIMIT) * (2 if method == "voucher" else 1) + (1 if method == "voucher" else 0)
    customers = ceil(size.customers / CUSTOMERS_PER_LOOKUP) + size.customers
    return REFERENCE_CALLS[method] + existing + customers + PER_INVOICE[method] * size.invoices
