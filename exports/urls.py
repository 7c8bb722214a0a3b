from django.urls import include, path

from . import views

app_name = "exports"
urlpatterns = [
    path("plan/", views.plan, name="plan"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/status.json", views.run_status, name="run_status"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("runs/<int:pk>/retry/", views.retry_failed, name="retry"),
    path("runs/<int:pk>/resume/", views.resume_run, name="resume"),
    path("runs/<int:pk>/cancel/", views.cancel_run, name="cancel"),
    path("exports/<int:pk>/check-setup/", views.check_setup, name="check_setup"),
    path("pdf/", include("exports.pdf.urls")),
]
