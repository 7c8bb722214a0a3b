"""A signed-in user's stored language wins over the cookie and Accept-Language (LocaleMiddleware's guess),
and the cookie is set to it, so the login page of the next visit speaks the same language."""
from django.conf import settings
from django.utils import translation

from .languages import stored_language

#: Set on the request by apply_language_at_login, so the login's own response carries the cookie.
LOGIN_LANGUAGE_ATTRIBUTE = "portal_login_language"


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = stored_language(request.user) if hasattr(request, "user") else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        language = getattr(request, LOGIN_LANGUAGE_ATTRIBUTE, "") or language
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language \
                and settings.LANGUAGE_COOKIE_NAME not in response.cookies:
            set_language_cookie(response, language)
        return response


def apply_language_at_login(sender, request, user, **kwargs):
    """user_logged_in: from the login on, the user's stored language (if any) is the request's."""
    language = stored_language(user)
    if language and request is not None:
        translation.activate(language)
        request.LANGUAGE_CODE = language
        setattr(request, LOGIN_LANGUAGE_ATTRIBUTE, language)


def set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE)
