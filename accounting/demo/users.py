"""Demo users with known passwords, one per role, for trying the portal on a developer machine.

Known passwords are only acceptable where nobody else can log in, so the commands refuse to create
these users unless DEBUG is on (``make run`` writes DEBUG=true into the developer's .env).
"""
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from portal.roles import sync_roles


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str
    superuser: bool = False


DEMO_USERS = (
    DemoUser("admin", "demo-admin-2026", "Administrator", superuser=True),
    DemoUser("finance", "demo-finance-2026", "Finance"),
    DemoUser("support", "demo-support-2026", "Support"),
)


@dataclass(frozen=True)
class DemoLogin:
    user: DemoUser
    created: bool
    password_set: bool

    def line(self, base_url: str = "http://127.0.0.1:8000") -> str:
        user = self.user
        if self.password_set:
            return f"Log in at {base_url}/admin/ as {user.username} / {user.password} ({user.role})"
        return (f"User {user.username} ({user.role}) already exists; its password was left as it was "
                f"(demo password: {user.password}; use --reset-passwords to restore it).")


def demo_users_allowed() -> bool:
    return bool(settings.DEBUG)


def login_hints(base_url: str) -> list[str]:
    """"Log in at ... as ..." for each demo user that still has its demo password (none when DEBUG is off)."""
    if not demo_users_allowed():
        return []
    users = {user.username: user for user in get_user_model().objects.filter(
        username__in=[demo.username for demo in DEMO_USERS], is_active=True)}
    return [DemoLogin(demo, created=False, password_set=True).line(base_url) for demo in DEMO_USERS
            if demo.username in users and users[demo.username].check_password(demo.password)]


@transaction.atomic
def create_demo_users(*, reset_passwords: bool = False) -> list[DemoLogin]:
    """Create (or complete) the three demo users. Running it again changes nothing, except that
    ``reset_passwords`` sets the demo passwords back."""
    sync_roles()  # the groups must exist even on a database migrated before a role was added
    user_model = get_user_model()
    logins = []
    for demo in DEMO_USERS:
        user, created = user_model.objects.get_or_create(
            username=demo.username,
            defaults={"email": f"{demo.username}@portal.example", "is_staff": True,
                      "is_superuser": demo.superuser})
        set_password = created or reset_passwords
        if set_password:
            user.set_password(demo.password)
        user.is_staff = True
        user.is_active = True
        if demo.superuser:
            user.is_superuser = True
        user.save()
        user.groups.add(Group.objects.get(name=demo.role))
        logins.append(DemoLogin(demo, created, set_password))
    return logins
