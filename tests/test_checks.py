"""System checks that refuse dangerous production settings."""
import pytest
from django.core.checks import Error, Warning
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from portal import checks

KEY = "dGVzdC1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDA="


def ids(messages):
    return [message.id for message in messages]


@override_settings(FIELD_ENCRYPTION_KEYS=[], DEBUG=False)
def test_no_encryption_keys_is_an_error_when_not_debug():
    [message] = checks.check_encryption_keys(None)
    assert isinstance(message, Error)
    assert message.id == "portal.E001"


@override_settings(FIELD_ENCRYPTION_KEYS=["  "], DEBUG=False)
def test_blank_encryption_keys_count_as_none():
    assert ids(checks.check_encryption_keys(None)) == ["portal.E001"]


@override_settings(FIELD_ENCRYPTION_KEYS=[], DEBUG=True, ALLOWED_HOSTS=["localhost"])
def test_no_encryption_keys_is_only_a_warning_in_debug():
    [message] = checks.check_encryption_keys(None)
    assert isinstance(message, Warning)
    assert message.id == "portal.W001"


@override_settings(FIELD_ENCRYPTION_KEYS=[KEY], DEBUG=False)
def test_encryption_keys_present_pass():
    assert checks.check_encryption_keys(None) == []


@override_settings(DEBUG=True, ALLOWED_HOSTS=["localhost", "portal.example.com"])
def test_debug_with_a_public_host_is_an_error():
    [message] = checks.check_debug_with_public_host(None)
    assert message.id == "portal.E002"
    assert "portal.example.com" in message.msg


@override_settings(DEBUG=True, ALLOWED_HOSTS=["localhost", "127.0.0.1", "[::1]"])
def test_debug_on_localhost_only_passes():
    assert checks.check_debug_with_public_host(None) == []


@override_settings(DEBUG=False, ALLOWED_HOSTS=["portal.example.com"])
def test_a_public_host_without_debug_passes():
    assert checks.check_debug_with_public_host(None) == []


@override_settings(CELERY_TASK_ALWAYS_EAGER=True, TESTING=False)
def test_eager_celery_outside_tests_is_an_error():
    assert ids(checks.check_celery_eager(None)) == ["portal.E003"]


@override_settings(CELERY_TASK_ALWAYS_EAGER=True, TESTING=True)
def test_eager_celery_inside_tests_passes():
    assert checks.check_celery_eager(None) == []


@override_settings(CELERY_TASK_ALWAYS_EAGER=False, TESTING=False)
def test_a_real_worker_passes():
    assert checks.check_celery_eager(None) == []


@override_settings(CELERY_TASK_ALWAYS_EAGR=True)
def test_a_misspelt_celery_setting_is_an_error():
    [message] = checks.check_celery_setting_names(None)
    assert message.id == "portal.E004"
    assert "CELERY_TASK_ALWAYS_EAGR" in message.msg


@override_settings(FIELD_ENCRYPTION_KEYS=[], DEBUG=False)
def test_manage_py_check_refuses_to_pass_without_keys():
    with pytest.raises(SystemCheckError, match="portal.E001"):
        call_command("check")
