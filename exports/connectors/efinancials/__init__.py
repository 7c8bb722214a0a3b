"""RIK e-Financials (e-arveldaja): the connector registers itself for the export type "efinancials"."""
from .connector import EFinancialsConnector
from .messages import CATALOGUE

__all__ = ["CATALOGUE", "EFinancialsConnector"]
