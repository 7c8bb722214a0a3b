from django.urls import path  # noqa: F401  (routes of the PDF download views are added here)

urlpatterns: list = []
