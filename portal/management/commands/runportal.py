"""Start everything the embedded default needs: the sandbox, a Celery worker and the web server."""
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from accounting.demo.sandbox import point_demo_exports_at, sandbox_url
from accounting.demo.users import login_hints


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and the sandbox simulators together (make run)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--sandbox-port", type=int, default=8765)
        parser.add_argument("--no-sandbox", action="store_true", help="do not start the sandbox simulators")

    def handle(self, *args, **options):
        python = sys.executable
        portal_url = f"http://127.0.0.1:{options['port']}"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if not options["no_sandbox"]:
            # The worker and the web server know where the sandbox listens (an e-conomic export pointing at
            # it uses the sandbox's practice tokens), and the demo exports follow it to its port.
            env["SANDBOX_URL"] = settings.SANDBOX_URL = sandbox_url(options["sandbox_port"])
            for export in point_demo_exports_at(env["SANDBOX_URL"]):
                self.stdout.write(f"{export.name} now points at the sandbox: {export.base_url}")
        commands = []
        if not options["no_sandbox"]:
            commands.append(("sandbox", [python, "manage.py", "sandbox", "--port", str(options["sandbox_port"])]))
        # -B: the worker also runs Celery beat, whose sweeper queues again any run a dead worker left.
        commands.append(("worker", [python, "-m", "celery", "-A", "portal", "worker", "--loglevel=INFO",
                                    "--pool=solo", "--without-gossip", "--without-mingle", "-B",
                                    "--schedule", str(settings.VAR_DIR / "celerybeat-schedule")]))
        commands.append(("web", [python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{options['port']}"]))
        processes = []
        for name, command in commands:
            self.stdout.write(f"Starting {name}: {' '.join(command[1:])}")
            processes.append((name, subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)))  # noqa: S603
        hints = "".join(f"\n{hint}" for hint in login_hints(portal_url))
        self.stdout.write(self.style.SUCCESS(
            f"\nPortal: {portal_url}/admin/   broker: {settings.CELERY_BROKER_URL.split('://')[0]}"
            + ("" if options["no_sandbox"] else f"   sandbox: {settings.SANDBOX_URL}/")
            + hints + "\nPress Ctrl+C to stop.\n"))

        def stop(*_):
            for _, process in processes:
                if process.poll() is None:
                    process.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(process.poll() is None for _, process in processes):
                time.sleep(0.5)
            for name, process in processes:
                if process.poll() is not None:
                    self.stderr.write(f"{name} stopped with exit code {process.returncode}; stopping the rest.")
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for _, process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
