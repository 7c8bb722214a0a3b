from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("Invoice export portal")
admin.site.site_title = _("Invoice export portal")
admin.site.index_title = _("Opter invoice exports")

# Malformed parameters answer 400 with what to fix (portal.params), never 500.
handler400 = "portal.params.bad_request"

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("exports/", include("exports.urls")),
    # Before the admin's own: a login leads to the home page.
    path("admin/login/", views.login, name="login"),
    path("admin/", admin.site.urls),
]

handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
