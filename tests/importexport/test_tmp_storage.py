"""The upload waits between preview and confirm where every web process can read it."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.utils.module_loading import import_string
from import_export.tmp_storages import MediaStorage

from portal.importexport import SharedTempStorage

DATA = "code,name\nEUR,Euro\nDKK,Dansk krone – æøå\n".encode()


def test_the_setting_names_a_media_storage_in_the_shared_folder():
    storage_class = import_string(settings.IMPORT_EXPORT_TMP_STORAGE_CLASS)
    assert issubclass(storage_class, MediaStorage) and storage_class is SharedTempStorage


def test_a_fresh_storage_instance_reads_what_another_one_wrote(import_tmp_root):
    writer = SharedTempStorage(read_mode="rb")
    writer.save(DATA)

    reader = SharedTempStorage(name=writer.name, read_mode="rb")

    assert reader.read() == DATA
    assert Path(import_tmp_root, writer.name).is_file()
    assert os.stat(Path(import_tmp_root, writer.name)).st_mode & 0o077 == 0  # private to the server
    reader.remove()
    assert not Path(import_tmp_root, writer.name).exists()


def test_another_process_reads_the_file(import_tmp_root):
    writer = SharedTempStorage(read_mode="rb")
    writer.save(DATA)
    script = ("import django, sys; django.setup(); from portal.importexport import SharedTempStorage; "
              "sys.stdout.buffer.write(SharedTempStorage(name=sys.argv[1], read_mode='rb').read())")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings_test", "IMPORT_TMP_ROOT": import_tmp_root}

    completed = subprocess.run([sys.executable, "-c", script, writer.name], env=env, capture_output=True,
                               check=True, cwd=settings.BASE_DIR, timeout=120)

    assert completed.stdout == DATA


@pytest.mark.parametrize("name", ["../portal/settings.py", "/etc/passwd", "x" * 32, "failed-abc.csv"])
def test_names_that_are_not_ours_are_refused(name):
    with pytest.raises(SuspiciousFileOperation):
        SharedTempStorage(name=name, read_mode="rb")


def test_uploads_nobody_confirmed_are_purged_after_a_day(import_tmp_root):
    old, recent = SharedTempStorage(read_mode="rb"), SharedTempStorage(read_mode="rb")
    old.save(DATA)
    recent.save(DATA)
    day_ago = time.time() - SharedTempStorage.MAX_AGE_SECONDS - 60
    os.utime(Path(import_tmp_root, old.name), (day_ago, day_ago))

    SharedTempStorage(read_mode="rb").save(DATA)

    assert not Path(import_tmp_root, old.name).exists()
    assert Path(import_tmp_root, recent.name).exists()
