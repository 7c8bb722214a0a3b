from django.urls import path

from . import views

urlpatterns = [
    path("invoices/<int:pk>/", views.invoice_pdf, name="invoice_pdf"),
]
