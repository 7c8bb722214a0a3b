"""Visma Netvisor (XML API)."""
from .target import TARGET

__all__ = ["TARGET"]
