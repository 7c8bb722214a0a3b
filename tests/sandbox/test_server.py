"""The sandbox server on a real socket: dispatch, control endpoints, faults as a client sees them."""
import http.client

import pytest
import requests


def test_index_lists_every_simulator(sandbox):
    page = requests.get(sandbox.url + "/", timeout=5)
    assert page.status_code == 200
    assert "/efinancials/_received" in page.text


def test_unknown_prefix_is_404(sandbox):
    answer = requests.get(sandbox.url + "/nowhere/v1/x", timeout=5)
    assert answer.status_code == 404
    assert answer.json()["messages"]


def test_knobs_over_the_control_endpoint(sandbox):
    url = sandbox.url + "/_control/efinancials/knobs"
    changed = requests.post(url, json={"latency_ms": 7, "page_size": 3}, timeout=5)
    assert changed.status_code == 200
    assert changed.json()["knobs"]["latency_ms"] == 7
    assert changed.json()["options"]["page_size"] == 3
    assert requests.get(url, timeout=5).json()["options"]["page_size"] == 3
    refused = requests.post(url, json={"latency": 7}, timeout=5)
    assert refused.status_code == 400
    assert "latency" in refused.json()["messages"][0]


def test_reset_and_calls_endpoints(sandbox, api):
    api.get("/v1/accounts")
    api.get("/v1/accounts")
    calls = requests.get(sandbox.url + "/_control/efinancials/calls", timeout=5).json()
    assert calls["by_path"] == {"GET /v1/accounts": 2}
    requests.post(sandbox.url + "/_control/efinancials/knobs", json={"latency_ms": 3}, timeout=5)
    assert requests.post(sandbox.url + "/_control/efinancials/reset", timeout=5).status_code == 200
    assert requests.get(sandbox.url + "/_control/efinancials/calls", timeout=5).json()["total"] == 0
    assert sandbox.simulator("efinancials").knobs.values.latency_ms == 0


def test_control_of_an_unknown_simulator_is_404(sandbox):
    assert requests.get(sandbox.url + "/_control/nosuch/calls", timeout=5).status_code == 404


def test_scripted_5xx_and_429_reach_the_client(sandbox, api):
    sandbox.simulator("efinancials").configure({"script": [
        {"kind": "error", "status": 502, "match": "accounts"}, {"kind": "throttle", "match": "accounts"}],
        "retry_after": 4})
    assert api.get("/v1/accounts").status_code == 502
    throttled = api.get("/v1/accounts")
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "4"
    assert api.get("/v1/accounts").status_code == 200


def test_drop_commits_the_write_then_closes_without_an_answer(sandbox, api):
    from tests.sandbox.conftest import client_body

    efin = sandbox.simulator("efinancials")
    efin.configure({"script": [{"kind": "drop", "match": "POST /v1/clients"}]})
    with pytest.raises(requests.exceptions.ConnectionError):
        api.post("/v1/clients", client_body())
    assert any(c["code"] == "70000349" for c in efin.store.clients.values())


def test_garbage_and_bad_encoding(sandbox, api):
    sandbox.simulator("efinancials").configure({"script": [{"kind": "garbage"}, {"kind": "bad_encoding"}]})
    garbage = api.get("/v1/accounts")
    assert garbage.status_code == 200 and garbage.headers["Content-Type"].startswith("text/html")
    with pytest.raises(requests.exceptions.ContentDecodingError):
        api.get("/v1/accounts")


def test_latency_longer_than_the_client_waits_is_a_read_timeout(sandbox, api):
    sandbox.simulator("efinancials").configure({"latency_ms": 400})
    path = "/efinancials/v1/accounts"
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.session.get(sandbox.url + path, headers=api.headers(path), timeout=(2, 0.1))


def test_connections_are_kept_alive(sandbox, api):
    connection = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=5)
    sockets = []
    for _ in range(2):
        path = "/efinancials/v1/currencies"
        connection.request("GET", path, headers=api.headers(path))
        sockets.append(connection.sock)
        answer = connection.getresponse()
        assert answer.status == 200 and answer.getheader("Connection") != "close"
        answer.read()
    connection.close()
    assert sockets[0] is sockets[1]  # http.client opens a new socket when the server closed the last one


def test_start_up_settings_survive_reset(sandbox_server):
    from exports.sandbox.server import start_in_background

    other = start_in_background(settings={"efinancials": {"page_size": 2, "latency_ms": 1}})
    try:
        efin = other.simulator("efinancials")
        efin.configure({"page_size": 50})
        efin.reset()
        assert efin.options.page_size == 2 and efin.knobs.values.latency_ms == 1
    finally:
        other.stop()


def test_reset_lets_slow_calls_finish_so_they_cannot_land_in_the_fresh_state(sandbox, api):
    from tests.sandbox.conftest import client_body

    efin = sandbox.simulator("efinancials")
    efin.configure({"script": [{"kind": "slow", "delay_ms": 300, "match": "POST /v1/clients"}]})
    path = "/efinancials/v1/clients"
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.session.post(sandbox.url + path, json=client_body(), headers=api.headers(path), timeout=(2, 0.05))
    efin.reset()  # the slow create is still being handled here
    assert not any(c["code"] == "70000349" for c in efin.store.clients.values())
    assert efin.calls.total == 0
