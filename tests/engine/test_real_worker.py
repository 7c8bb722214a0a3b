"""A real Celery worker process, fed through Redis, executes an export run."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from exports.models import ExportRun, ItemState, RunStatus
from exports.services.planning import plan_run

ROOT = Path(settings.BASE_DIR)


def _redis_url() -> str:
    configured = os.environ.get("CELERY_BROKER_URL", "")
    return configured if configured.startswith("redis://") else "redis://127.0.0.1:6379/15"


def _redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.exceptions.RedisError:
        return False


def _database_url() -> str:
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    user = params.get("USER") or "postgres"
    return f"postgres://{user}@{host}:{port}/{params['NAME']}"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_celery_worker_runs_the_export_through_redis(setup):
    broker = _redis_url()
    if not _redis_reachable(broker):
        pytest.skip(f"No Redis reachable at {broker}: the real-worker test needs a Redis broker (CI has one).")
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("The test database is in memory; a worker process cannot open it.")
    queue = f"portal-test-{os.getpid()}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings_test", "DATABASE_URL": _database_url(),
           "CELERY_BROKER_URL": broker,
           "EXPORT_CONNECTOR_OVERRIDES": "economic=tests.engine.fake_connector.FakeConnector"}
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--loglevel=WARNING",
         "-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        run = plan_run(period=setup["period"])
        sender = Celery(broker=broker)
        sender.send_task("exports.tasks.run_export", args=[run.pk], queue=queue)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and worker.poll() is None:
            run.refresh_from_db()
            if run.is_finished:
                break
            time.sleep(0.3)
        assert worker.poll() is None, f"the worker died:\n{worker.stdout.read()}"
        run.refresh_from_db()
        assert run.status == RunStatus.COMPLETED, run.failure_message
        assert run.exported == 3
        assert set(run.items.values_list("state", flat=True)) == {ItemState.SENT}
        assert ExportRun.objects.get(pk=run.pk).lease_owner == ""
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
