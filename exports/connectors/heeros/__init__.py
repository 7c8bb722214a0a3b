"""Heeros (Finvoice 3.0 over the Heeros API)."""
from .target import TARGET

__all__ = ["TARGET"]
