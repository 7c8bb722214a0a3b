from django.urls import include, path

app_name = "exports"
urlpatterns = [
    path("pdf/", include("exports.pdf.urls")),
]
