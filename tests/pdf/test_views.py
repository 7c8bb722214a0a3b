"""The single-invoice preview download."""
import pytest
from django.urls import reverse

from exports.pdf import views
from exports.pdf.render import InvoicePdfError
from tests.factories import UserFactory
from tests.pdf import pdfcheck

pytestmark = pytest.mark.django_db


def url(invoice, **query):
    path = reverse("exports:invoice_pdf", args=[invoice.pk])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize("role_user", ["finance_user", "admin_user", "support_user"])
def test_a_user_who_may_view_invoices_downloads_the_pdf(client, demo_invoice, role_user, request):
    client.force_login(request.getfixturevalue(role_user))

    response = client.get(url(demo_invoice))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="Invoice-{demo_invoice.number}.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert str(demo_invoice.number) in pdfcheck.full_text(response.content)


def test_reduced_1_downloads_the_reduced_variant(client, demo_invoice, finance_user):
    client.force_login(finance_user)

    normal = client.get(url(demo_invoice))
    reduced = client.get(url(demo_invoice, reduced=1))

    assert reduced.status_code == 200
    assert reduced["Content-Disposition"] == f'attachment; filename="Invoice-{demo_invoice.number}-reduced.pdf"'
    assert len(reduced.content) < len(normal.content)
    faces = {str(f["/BaseFont"]).split("+")[-1] for f in pdfcheck.embedded_truetype_fonts(reduced.content)}
    assert faces == {"OpenSans-Regular"}


def test_a_user_without_the_view_invoice_permission_is_refused(client, demo_invoice, roles):
    client.force_login(UserFactory(username="no-role"))

    assert client.get(url(demo_invoice)).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login(client, demo_invoice):
    response = client.get(url(demo_invoice))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_an_unknown_invoice_is_404(client, finance_user):
    client.force_login(finance_user)

    assert client.get(reverse("exports:invoice_pdf", args=[999999])).status_code == 404


def test_only_get_is_allowed(client, demo_invoice, finance_user):
    client.force_login(finance_user)

    assert client.post(url(demo_invoice)).status_code == 405


def test_a_render_failure_answers_with_the_catalogue_message(client, demo_invoice, finance_user, monkeypatch,
                                                             caplog):
    def fail(invoice, *, reduced=False, language=None):
        raise InvoicePdfError("template invoices/invoice_pdf.html: TemplateSyntaxError: boom")

    monkeypatch.setattr(views, "render_invoice_pdf", fail)
    client.force_login(finance_user)

    response = client.get(url(demo_invoice))

    assert response.status_code == 500
    assert response.content.decode() == "The invoice file could not be generated."
    assert "TemplateSyntaxError: boom" in caplog.text


def test_language_asks_for_the_pdf_in_another_language(client, demo_invoice, finance_user):
    client.force_login(finance_user)

    finnish = client.get(url(demo_invoice), {"language": "fi"})
    customers = client.get(url(demo_invoice))

    assert finnish.status_code == 200
    assert "Eräpäivä" in pdfcheck.full_text(finnish.content)
    assert "Due date" in pdfcheck.full_text(customers.content)  # the demo customer has no language: English


def test_a_language_the_pdf_is_not_printed_in_is_refused_with_the_choices(client, demo_invoice, finance_user):
    client.force_login(finance_user)

    response = client.get(url(demo_invoice), {"language": "xx"})

    assert response.status_code == 400
    assert response.content.decode() == "The invoice PDF is printed in en, et, fi, sv; xx is not one of them."
