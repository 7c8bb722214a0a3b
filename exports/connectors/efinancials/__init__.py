"""RIK e-Financials (e-arveldaja). The connector itself is imported only when a run needs it."""
from .target import TARGET

__all__ = ["TARGET"]
