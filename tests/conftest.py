import pytest

from portal.roles import sync_roles

pytest_plugins = ["tests.fixtures.sandbox", "tests.fixtures.contract", "tests.catalogue_coverage"]


@pytest.fixture
def roles(db):
    """The three groups with their permissions (post_migrate already ran, this re-asserts it)."""
    sync_roles()


@pytest.fixture
def admin_user(roles):
    from tests.factories import UserFactory

    return UserFactory(username="admin-role", role="Administrator")


@pytest.fixture
def finance_user(roles):
    from tests.factories import UserFactory

    return UserFactory(username="finance-role", role="Finance")


@pytest.fixture
def support_user(roles):
    from tests.factories import UserFactory

    return UserFactory(username="support-role", role="Support")
