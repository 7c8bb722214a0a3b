"""Domain events of the accounting app, so other apps can react without accounting importing them."""
from django.dispatch import Signal

# Sent after an invoice period has been closed and its transaction committed.
# Arguments: period (InvoicePeriod), user (the user who closed it, or None).
period_closed = Signal()
