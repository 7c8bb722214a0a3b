"""python manage.py sandbox: serves every simulator, with knobs given on the command line."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_command_serves_the_simulators_with_start_knobs():
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings_test"}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "sandbox", "--port", str(port), "--knob", "efinancials.latency_ms=5",
         "--knob", "page_size=7"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                knobs = requests.get(f"http://127.0.0.1:{port}/_control/efinancials/knobs", timeout=1).json()
                break
            except requests.exceptions.ConnectionError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "the sandbox did not start"
                time.sleep(0.1)
        assert knobs["knobs"]["latency_ms"] == 5 and knobs["options"]["page_size"] == 7
        # Start-up knobs are what a reset returns to.
        requests.post(f"http://127.0.0.1:{port}/_control/efinancials/knobs", json={"page_size": 1}, timeout=5)
        requests.post(f"http://127.0.0.1:{port}/_control/efinancials/reset", timeout=5)
        knobs = requests.get(f"http://127.0.0.1:{port}/_control/efinancials/knobs", timeout=5).json()
        assert knobs["options"]["page_size"] == 7
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert f"http://127.0.0.1:{port}/efinancials" in process.stdout.read()


@pytest.mark.parametrize("knob", ["nonsense", "efinancials.colour=blue", "nosuch.latency_ms=5", "colour=blue"])
def test_bad_knobs_stop_the_command(knob):
    with pytest.raises(CommandError):
        call_command("sandbox", "--port", str(free_port()), "--knob", knob)
