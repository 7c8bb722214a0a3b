"""Sign-in throttling (django-axes): repeated wrong passwords lock the account and the address."""
import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

LOGIN = reverse("admin:login")


@pytest.fixture
def finance(django_user_model):
    user = django_user_model.objects.create_user("kaisa", password="right-password-1", is_staff=True)
    user.groups.add(Group.objects.get(name="Finance"))
    return user


def sign_in(client, password, username="kaisa", address="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"},
                       REMOTE_ADDR=address)


def test_thirty_wrong_passwords_lock_the_account_with_a_clear_message(client, finance, settings):
    responses = [sign_in(client, f"wrong-{n}") for n in range(30)]

    assert [r.status_code for r in responses[:4]] == [200] * 4  # the login form again, with its error
    assert all(r.status_code == 429 for r in responses[5:])
    page = responses[-1].content.decode()
    assert "Sign-in locked" in page and "after 5 wrong passwords this account is locked" in page
    assert "Try again in 15 minutes." in page
    assert "<script>" not in page and "style=" not in page
    # The right password is refused too while the lock stands, and nobody is signed in.
    locked = sign_in(client, "right-password-1")
    assert locked.status_code == 429 and "Sign-in locked" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_address_is_locked_for_other_user_names_too(client, finance):
    for n in range(5):
        sign_in(client, "wrong", username=f"guess-{n}")
    assert sign_in(client, "right-password-1").status_code == 429
    # Another address may still sign in as the same user.
    assert sign_in(client, "right-password-1", address="198.51.100.2").status_code == 302


def test_an_administrator_unlocks_in_the_admin(client, finance, admin_user):
    for _ in range(6):
        sign_in(client, "wrong")
    attempt = AccessAttempt.objects.get(username="kaisa")
    assert attempt.failures_since_start >= 5

    client.force_login(admin_user)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert "kaisa" in client.get(changelist).content.decode()
    client.post(changelist, {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"})
    assert not AccessAttempt.objects.exists()
    client.logout()

    assert sign_in(client, "right-password-1").status_code == 302
    assert client.session["_auth_user_id"] == str(finance.pk)


def test_axes_reset_unlocks_from_the_command_line(client, finance):
    for _ in range(5):
        sign_in(client, "wrong")
    assert sign_in(client, "right-password-1").status_code == 429
    call_command("axes_reset")
    assert sign_in(client, "right-password-1").status_code == 302


def test_the_administrator_role_may_unlock(db):
    from portal.roles import ADMINISTRATOR

    group = Group.objects.get(name="Administrator")
    assert {"axes.view_accessattempt", "axes.delete_accessattempt"} <= ADMINISTRATOR
    assert group.permissions.filter(content_type__app_label="axes", codename="delete_accessattempt").exists()
