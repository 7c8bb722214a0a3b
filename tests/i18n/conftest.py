import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real


def project_catalogues() -> list[Path]:
    """The portal's .po files (LOCALE_PATHS); the invoice PDF's catalogue is tested with the PDF."""
    return sorted(path for base in settings.LOCALE_PATHS for path in Path(base).glob("*/LC_MESSAGES/django.po"))


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """The .mo files are not in git: compile any that is missing or older than its .po (what `make test`
    does with compilemessages), then make Django read the fresh ones."""
    stale = [po for po in project_catalogues()
             if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime]
    if stale:
        if shutil.which("msgfmt") is None:
            pytest.fail("msgfmt is missing: install gettext (apt-get install gettext) to compile the catalogues.")
        for po in stale:
            subprocess.run(["msgfmt", "--check-format", "-o", str(po.with_suffix(".mo")), str(po)], check=True)
        trans_real._translations = {}
        trans_real._default = None
    return project_catalogues()


@pytest.fixture(autouse=True)
def default_language_afterwards():
    """A request activates its reader's language in the thread and nothing resets it: the tests after these
    run in the default language again."""
    yield
    translation.deactivate()
