"""Procountor (REST API, m2m login)."""
from .target import TARGET

__all__ = ["TARGET"]
