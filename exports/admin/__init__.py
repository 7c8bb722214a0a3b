"""Admin screens of the exports app, one module per area."""
from . import (
    config,  # noqa: F401  (registers the invoice export setup screens)
    log,  # noqa: F401  (registers the export log: runs, items, events)
)
