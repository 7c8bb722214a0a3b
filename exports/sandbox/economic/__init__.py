"""Simulator of the Visma e-conomic REST API."""
from .app import EconomicOptions, EconomicSimulator, grant_url

__all__ = ["EconomicOptions", "EconomicSimulator", "create_simulator", "grant_url"]


def create_simulator(mount: str) -> EconomicSimulator:
    return EconomicSimulator(mount)
