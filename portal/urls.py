from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from . import views

admin.site.site_header = _("Invoice export portal")
admin.site.site_title = _("Invoice export portal")
admin.site.index_title = _("Opter invoice exports")

# Malformed parameters answer 400 with what to fix (portal.params), never 500.
handler400 = "portal.params.bad_request"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("exports/", include("exports.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
