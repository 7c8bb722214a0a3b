"""The language switcher in a real browser: an Estonian browser gets Estonian, picking Finnish in the header
switches at once (the static script submits the form; no inline script), and the header fits 1400 px."""
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from portal.models import UserPreference
from tests import factories
from tests.engine.test_browser import PASSWORD, browser_page  # noqa: F401  (the browser fixture)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_estonian_browser_switches_to_finnish_in_the_header(live_server, browser_page, roles):  # noqa: F811
    factories.UserFactory(username="kasutaja", role="Finance")
    context = browser_page.context.browser.new_context(locale="et-EE", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}{reverse('admin:login')}")
    assert page.inner_text("#site-name") == "Arvete ekspordi portaal"
    page.fill("#id_username", "kasutaja")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")
    assert "Arvete ekspordid ülevaatlikult" in page.inner_text("#content")  # the home page
    assert page.eval_on_selector("#language-select", "el => el.value") == "et"

    page.select_option("#language-select", "fi")  # no button press: the switcher's script submits
    page.wait_for_function("document.documentElement.lang === 'fi'")
    assert "Laskujen viennit yhdellä silmäyksellä" in page.inner_text("#content")
    assert UserPreference.objects.get(user__username="kasutaja").language == "fi"
    screenshots = Path(settings.BASE_DIR) / "var" / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshots / "language-switcher-fi.png"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1400, f"the header makes the page {width} px wide"
    context.close()
