"""The language switcher's target: Django's set_language (cookie and redirect), remembered for the user."""
from django.conf import settings
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .languages import remember_language


@require_POST
def set_language(request):
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if settings.LANGUAGE_COOKIE_NAME in response.cookies:  # Django accepted the language
        remember_language(request.user, language)
    return response
