"""python manage.py sandbox: serve every accounting-system simulator on one port.

    python manage.py sandbox --port 8765 --knob efinancials.latency_ms=25 --knob page_size=10

A knob without a simulator name applies to every simulator that knows it.
"""
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from exports.sandbox.knobs import KnobError
from exports.sandbox.server import make_server


class Command(BaseCommand):
    help = "Serve the sandbox simulators of the accounting systems (e-Financials, ...) on a real socket."

    def add_arguments(self, parser):
        default = urlsplit(settings.SANDBOX_URL)
        parser.add_argument("--host", default=default.hostname or "127.0.0.1")
        parser.add_argument("--port", type=int, default=default.port or 8765)
        parser.add_argument("--knob", action="append", default=[], metavar="[SIMULATOR.]NAME=VALUE",
                            help="A fault knob or protocol option at start, e.g. efinancials.latency_ms=25.")

    def handle(self, *args, **options):
        try:
            sandbox = make_server(options["host"], options["port"])
        except OSError as exc:
            raise CommandError(f"Cannot listen on {options['host']}:{options['port']}: {exc}") from exc
        try:
            self._apply_knobs(sandbox.simulators, options["knob"])
        except KnobError as exc:
            sandbox.server.server_close()
            raise CommandError(str(exc)) from exc
        for name, simulator in sandbox.simulators.items():
            self.stdout.write(f"{simulator.title:<20} {sandbox.url}{simulator.mount}  "
                              f"(received: {sandbox.url}{simulator.mount}/_received, "
                              f"knobs: {sandbox.url}/_control/{name}/knobs)")
        self.stdout.write(self.style.SUCCESS(f"Sandbox listening on {sandbox.url}; Ctrl-C stops it."))
        try:
            sandbox.server.serve_forever(poll_interval=0.5)
        except KeyboardInterrupt:
            pass
        finally:
            sandbox.server.server_close()

    @staticmethod
    def _apply_knobs(simulators, knobs: list[str]) -> None:
        for knob in knobs:
            name, sep, value = knob.partition("=")
            if not sep:
                raise KnobError(f"{knob!r}: use NAME=VALUE or SIMULATOR.NAME=VALUE.")
            target, dot, key = name.rpartition(".")
            if dot:
                if target not in simulators:
                    raise KnobError(f"No simulator {target!r}; running: {', '.join(simulators)}.")
                simulators[target].configure({key: value}, initial=True)
                continue
            applied = False
            for simulator in simulators.values():
                try:
                    simulator.configure({key: value}, initial=True)
                    applied = True
                except KnobError:
                    continue
            if not applied:
                raise KnobError(f"No simulator knows the knob {key!r}.")
