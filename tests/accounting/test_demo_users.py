from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command


def run(*args):
    out = StringIO()
    call_command("create_demo_users", *args, stdout=out)
    return out.getvalue()


def test_refused_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only created when DEBUG is on"):
        run()
    assert not get_user_model().objects.exists()


def test_force_overrides_the_debug_guard(db, settings):
    settings.DEBUG = False
    run("--force")
    assert get_user_model().objects.filter(username="admin", is_superuser=True).exists()


def test_creates_one_user_per_role_and_prints_how_to_log_in(db, settings):
    settings.DEBUG = True
    out = run()
    assert out.splitlines() == [
        "Log in at http://127.0.0.1:8000/admin/ as admin / demo-admin-2026 (Administrator)",
        "Log in at http://127.0.0.1:8000/admin/ as finance / demo-finance-2026 (Finance)",
        "Log in at http://127.0.0.1:8000/admin/ as support / demo-support-2026 (Support)",
    ]
    users = {u.username: u for u in get_user_model().objects.all()}
    assert set(users) == {"admin", "finance", "support"}
    admin = users["admin"]
    assert admin.is_superuser and admin.is_staff and admin.check_password("demo-admin-2026")
    assert list(admin.groups.values_list("name", flat=True)) == ["Administrator"]
    finance = users["finance"]
    assert not finance.is_superuser and finance.is_staff
    assert finance.has_perm("accounting.close_invoiceperiod")
    assert not finance.has_perm("exports.change_invoiceexport")
    assert users["support"].has_perm("exports.view_exportevent")


def test_running_again_changes_nothing(db, settings):
    settings.DEBUG = True
    run()
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("my-own-password")
    admin.save()

    out = run()
    assert get_user_model().objects.count() == 3
    admin.refresh_from_db()
    assert admin.check_password("my-own-password")
    assert "User admin (Administrator) already exists; its password was left as it was" in out
    assert admin.groups.count() == 1


def test_reset_passwords_restores_the_demo_passwords(db, settings):
    settings.DEBUG = True
    run()
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("forgotten")
    admin.save()
    out = run("--reset-passwords")
    admin.refresh_from_db()
    assert admin.check_password("demo-admin-2026")
    assert "as admin / demo-admin-2026" in out
