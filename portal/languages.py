"""The interface language of a user: read and stored in UserPreference, checked against LANGUAGES."""
from __future__ import annotations

from django.conf import settings

from .models import UserPreference


def is_supported(code: str | None) -> bool:
    return bool(code) and code in dict(settings.LANGUAGES)


def stored_language(user) -> str:
    """The language the user chose with the switcher, or "" (then the browser decides)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    language = (UserPreference.objects.filter(user=user).values_list("language", flat=True).first() or "")
    return language if is_supported(language) else ""


def remember_language(user, code: str) -> None:
    if getattr(user, "is_authenticated", False) and is_supported(code):
        UserPreference.objects.update_or_create(user=user, defaults={"language": code})
