"""Template filters for durations shown to users."""
import math
from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def minutes(value) -> int | str:
    """A timedelta as whole minutes, rounded up (a lockout of 14 min 10 s is "15 minutes")."""
    if not isinstance(value, timedelta):
        return ""
    return max(1, math.ceil(value.total_seconds() / 60))
