"""Simulator of the RIK e-Financials (e-arveldaja) REST API."""
from .app import EFinancialsOptions, EFinancialsSimulator
from .auth import expected_signature

__all__ = ["EFinancialsOptions", "EFinancialsSimulator", "create_simulator", "expected_signature"]


def create_simulator(mount: str) -> EFinancialsSimulator:
    return EFinancialsSimulator(mount)
