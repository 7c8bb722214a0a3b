"""Visma e-conomic (REST API), invoice or voucher method."""
from .target import TARGET

__all__ = ["TARGET"]
