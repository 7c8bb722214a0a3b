"""The portal's own pages: the home page, the login that leads there, the error pages, and the language
switcher's target (Django's set_language, remembered for the user).

The home page reads everything from portal.dashboard; the error pages keep the admin's look and offer a
way back (home, and the login page for someone not logged in).
"""
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounting.admin import export_plan_url

from . import dashboard
from .languages import remember_language


def _admin_context(request, **extra):
    return {**admin.site.each_context(request), **extra}


@login_required
def home(request):
    user = request.user
    can_see_invoices = user.has_perm("accounting.view_invoice")
    can_see_runs = user.has_perm("exports.view_exportrun")
    can_export = user.has_perm("exports.run_export")
    periods = dashboard.open_periods() if can_see_invoices else []
    for progress in periods:
        progress.plan_url = export_plan_url(period=progress.period.pk) if can_export else ""
    context = _admin_context(
        request, title=_("Home"), periods=periods, can_see_invoices=can_see_invoices,
        runs=dashboard.runs_in_progress() if can_see_runs else [],
        attention=dashboard.needing_attention() if can_see_invoices and can_see_runs else None,
        setup_reports=dashboard.setup_problems() if user.has_perm("exports.change_invoiceexport") else None,
        invoices_url=reverse("admin:accounting_invoice_changelist"))
    return render(request, "portal/home.html", context)


def login(request):
    """The admin's login, leading to the home page unless the link asked for another page."""
    if request.method == "GET" and REDIRECT_FIELD_NAME not in request.GET:
        query = {**request.GET.dict(), REDIRECT_FIELD_NAME: reverse("home")}
        return HttpResponseRedirect(f"{request.path}?{urlencode(query)}")
    return admin.site.login(request)


def _error_page(request, template, status, message):
    context = _admin_context(request, title=message, error_status=status, login_url=reverse("admin:login"),
                             home_url=reverse("home"))
    return render(request, template, context, status=status)


def permission_denied(request, exception=None):
    return _error_page(request, "403.html", 403, _("You may not open this page"))


def page_not_found(request, exception=None):
    return _error_page(request, "404.html", 404, _("Page not found"))


@requires_csrf_token
def server_error(request):
    # Nothing that could fail again: no database, no user, no context processors; a page of its own.
    return HttpResponseServerError(loader.get_template("500.html").render({"home_url": "/"}))


@require_POST
def set_language(request):
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if settings.LANGUAGE_COOKIE_NAME in response.cookies:  # Django accepted the language
        remember_language(request.user, language)
    return response
