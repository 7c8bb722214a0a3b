"""The portal's own table: what each user chose for themselves (the interface language)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserPreference(models.Model):
    """A user's language, chosen with the switcher in the header and applied at every request and login,
    so the choice follows the user to another browser."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                                related_name="preference")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True,
                                help_text=_("Blank = the browser's language."))

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")
        default_permissions = ()

    def __str__(self):
        return f"{self.user}: {self.language or '-'}"
