"""The m2m token: kept in the kit's token store, renewed before it expires, and once after a 401."""
from datetime import timedelta

from django.utils import timezone

from exports.connectors.tokens import RENEW_BEFORE, renew_at
from exports.models import AccessToken, RunStatus
from exports.services.planning import plan_run
from exports.services.runner import execute_run
from tests.procountor.conftest import PDF


def statuses(sim) -> list:
    return [call["status"] for call in sim.calls.as_dict()["recent"]]


def test_a_run_longer_than_a_tokens_lifetime_renews_the_token_before_it_expires(finland):
    invoices = [finland.invoice() for _ in range(4)]
    finland.sim.configure({"token_lifetime_seconds": 1, "latency_ms": 60})
    run = plan_run(invoices=invoices, export=finland.export)
    execute_run(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED and run.exported == 4, run.failure_message
    assert finland.sim.tokens.logins >= 2  # the run took longer than a second
    assert 401 not in statuses(finland.sim)  # renewed before it died, never refused
    assert finland.sim.calls.count("POST", "/api/oauth/token") == finland.sim.tokens.logins


def test_a_token_that_dies_early_is_renewed_once_after_the_401(finland):
    """Procountor's clock has moved an hour on (a revoked or expired token): the next call gets 401, the
    connector logs in again and repeats that call once."""
    invoice = finland.invoice()
    connector = finland.prepared(invoice)
    payload = connector.build(invoice, PDF)
    logins = finland.sim.tokens.logins
    finland.sim.configure({"clock_offset_seconds": 3601})
    connector.send(invoice, payload)
    assert finland.sim.tokens.logins == logins + 1
    assert statuses(finland.sim).count(401) == 1
    assert finland.receipt_of(invoice.number)["coded"]


def test_the_token_is_stored_encrypted_and_shared_by_the_next_connector(finland):
    invoice = finland.invoice()
    finland.send(invoice)
    stored = AccessToken.objects.get(export=finland.export)
    assert stored.expires_at > timezone.now() + timedelta(minutes=50)
    second = finland.invoice()
    finland.send(second)  # a new connector: the stored token, no new login
    assert finland.sim.tokens.logins == 1


def test_a_short_lived_token_is_kept_for_most_of_its_life():
    issued = timezone.now()
    assert renew_at(issued + timedelta(hours=1), issued) == issued + timedelta(hours=1) - RENEW_BEFORE
    assert renew_at(issued + timedelta(seconds=10), issued) == issued + timedelta(seconds=9)
