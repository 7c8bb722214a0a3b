"""Simulator of the Heeros sales-invoice API as this project designs it (Heeros publishes none): login,
Finvoice upload, import status, look-ups. See exports/connectors/heeros/README.md."""
from .app import HeerosOptions, HeerosSimulator

__all__ = ["HeerosOptions", "HeerosSimulator", "create_simulator"]


def create_simulator(mount: str) -> HeerosSimulator:
    return HeerosSimulator(mount)
