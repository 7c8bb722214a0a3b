"""The plan and run pages reuse the engine's fixtures: an e-conomic export served by the test connector, a
period of three invoices, and (for the browser suite) the live server's browser and Celery worker."""
import pytest
from django.core.cache import cache

from tests.engine.conftest import fake_target, no_sleep, setup  # noqa: F401
from tests.engine.test_browser import browser_page, celery_worker_thread  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_cache():
    """The plan page keeps the targets' answers briefly; every test starts without them."""
    cache.clear()
    yield
    cache.clear()
