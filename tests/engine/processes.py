"""Helpers for tests that run the portal in other processes: the test database's URL, a Redis broker,
a real Celery worker (with beat), and export_invoices."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def database_url() -> str:
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    user = params.get("USER") or "postgres"
    return f"postgres://{user}@{host}:{port}/{params['NAME']}"


def redis_url() -> str:
    configured = os.environ.get("CELERY_BROKER_URL", "")
    return configured if configured.startswith("redis://") else "redis://127.0.0.1:6379/15"


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.exceptions.RedisError:
        return False


def environment(**extra: str) -> dict:
    from exports.connectors import registry

    return {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings_test", "DATABASE_URL": database_url(),
            "PYTHONUNBUFFERED": "1", "EXPORT_EXTRA_TARGETS": ",".join(registry.extra_packages()), **extra}


def start_worker(queue: str, env: dict, *, beat: bool = False, name: str = "w") -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--loglevel=WARNING",
               "-Q", queue, "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    if beat:
        command += ["-B", "--schedule", str(ROOT / "var" / f"beat-{queue}-{name}")]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,  # noqa: S603
                            stderr=subprocess.STDOUT, text=True)


def export_invoices(*args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", "export_invoices", *args], cwd=ROOT,  # noqa: S603
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    return process.stdout.read() if process.stdout else ""


def wait_until(condition, seconds: float, what: str, poll: float = 0.2) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {seconds:.0f} s")
        time.sleep(poll)
