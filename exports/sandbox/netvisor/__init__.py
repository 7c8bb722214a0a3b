"""The Netvisor sandbox: its XML API at /netvisor/<resource>.nv."""
from .app import NetvisorSimulator


def create_simulator(mount: str) -> NetvisorSimulator:
    return NetvisorSimulator(mount)
