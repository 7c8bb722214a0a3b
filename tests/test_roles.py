"""Roles as code: sync_roles creates the three groups with exactly their permissions, idempotently."""
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from portal.roles import ROLES, sync_roles


def permission_sets():
    return {
        group.name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        for group in Group.objects.prefetch_related("permissions__content_type")
    }


def test_sync_twice_gives_identical_permission_sets(db):
    call_command("sync_roles", stdout=io.StringIO())
    first = permission_sets()
    output = io.StringIO()
    call_command("sync_roles", stdout=output)
    assert permission_sets() == first
    assert first == {role: codenames for role, codenames in ROLES.items()}
    assert f"Finance: {len(ROLES['Finance'])} permissions" in output.getvalue()


def test_sync_takes_away_permissions_that_are_not_in_the_map(db):
    sync_roles()
    support = Group.objects.get(name="Support")
    delete_customer = Permission.objects.get(content_type__app_label="customers", codename="delete_customer")
    support.permissions.add(delete_customer)
    sync_roles()
    assert "customers.delete_customer" not in permission_sets()["Support"]


def test_sync_restores_a_deleted_group(db):
    sync_roles()
    Group.objects.filter(name="Finance").delete()
    sync_roles()
    assert permission_sets()["Finance"] == ROLES["Finance"]


def test_an_unknown_permission_in_the_map_is_reported(db, monkeypatch):
    monkeypatch.setitem(ROLES, "Support", ROLES["Support"] | {"exports.fly_to_the_moon"})
    with pytest.raises(LookupError, match="exports.fly_to_the_moon"):
        sync_roles()


def test_support_only_views_and_exports_setup():
    write_actions = ("add_", "change_", "delete_", "import_")
    writes = {p for p in ROLES["Support"] if p.split(".")[1].startswith(write_actions)}
    assert writes == set()
    assert "exports.run_export" not in ROLES["Support"]


def test_finance_may_export_and_close_but_not_edit_setup():
    assert {"exports.run_export", "accounting.close_invoiceperiod"} <= ROLES["Finance"]
    assert not {p for p in ROLES["Finance"] if p.split(".")[1].startswith(("add_", "change_", "delete_"))}


def test_users_get_their_roles_permissions(admin_user, finance_user, support_user):
    assert admin_user.has_perm("exports.change_invoiceexport")
    assert finance_user.has_perm("accounting.close_invoiceperiod")
    assert not finance_user.has_perm("exports.change_invoiceexport")
    assert support_user.has_perm("exports.check_setup")
    assert not support_user.has_perm("exports.run_export")
