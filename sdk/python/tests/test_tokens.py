"""Bearer tokens renewed through refresh tokens without the caller noticing."""

import threading
import time

import requests

import pytest

from maestro import AuthenticationError, MaestroClient


def refresh_status(platform, refresh_token):
    return requests.post(platform.url + "/auth/refresh", json={"refresh_token": refresh_token}, timeout=10).status_code


def test_use_tokens_exchanges_the_key_and_calls_with_a_bearer_token(platform):
    sent = []
    session = requests.Session()
    session.hooks["response"].append(lambda r, *a, **k: sent.append(r.request.headers))
    with MaestroClient(platform.url, api_key=platform.api_key, use_tokens=True, session=session) as client:
        client.predict("fraud-detector", [0.5, 1.2, 3.4])
        tokens = client.tokens

    assert tokens.refresh_token.startswith("mr_")
    assert tokens.expires_at > time.time() + 600
    assert "X-API-Key" in sent[0] and "Authorization" not in sent[0]  # POST /auth/token
    assert sent[1]["Authorization"] == "Bearer " + tokens.access_token and "X-API-Key" not in sent[1]


def test_expiring_token_is_refreshed_before_the_call_and_the_old_refresh_token_is_spent(platform):
    seen = []
    with MaestroClient(platform.url, api_key=platform.api_key, use_tokens=True, on_tokens=seen.append) as client:
        client.predict("fraud-detector", [0.5, 1.2, 3.4])
        first = client.tokens
        first.expires_at = time.time() + 5  # within the refresh margin, as 15 minutes later

        client.predict("fraud-detector", [0.5, 1.2, 3.4])
        second = client.tokens

    assert len(seen) == 2
    assert second.access_token != first.access_token
    assert second.refresh_token != first.refresh_token
    assert refresh_status(platform, first.refresh_token) == 401  # single use: already exchanged by the client


def test_token_refused_with_401_is_refreshed_once_and_the_call_succeeds(platform):
    raw = requests.post(platform.url + "/auth/token", headers={"X-API-Key": platform.api_key}, timeout=10).json()
    seen = []
    with MaestroClient(platform.url, token="not-a-valid-jwt", refresh_token=raw["refresh_token"], on_tokens=seen.append) as client:
        result = client.predict("fraud-detector", [0.5, 1.2, 3.4])

    assert result.probability > 0
    assert len(seen) == 1 and seen[0].refresh_token != raw["refresh_token"]


def test_refresh_token_only_client_without_a_key_fails_clearly_once_the_token_is_spent(platform):
    raw = requests.post(platform.url + "/auth/token", headers={"X-API-Key": platform.api_key}, timeout=10).json()
    assert refresh_status(platform, raw["refresh_token"]) == 200  # someone else spent it

    with MaestroClient(platform.url, token="not-a-valid-jwt", refresh_token=raw["refresh_token"]) as client:
        with pytest.raises(AuthenticationError) as caught:
            client.predict("fraud-detector", [0.5, 1.2, 3.4])

    assert "already used" in caught.value.detail


def test_spent_refresh_token_with_a_key_falls_back_to_exchanging_the_key(platform):
    with MaestroClient(platform.url, api_key=platform.api_key, use_tokens=True) as client:
        client.health("fraud-detector")
        spent = client.tokens.refresh_token
        assert refresh_status(platform, spent) == 200  # spent elsewhere: the client's refresh will be refused
        client.tokens.expires_at = 0

        client.health("fraud-detector")

        assert client.tokens.refresh_token not in (None, spent)


def test_many_threads_with_an_expired_token_refresh_it_once(platform):
    seen = []
    errors = []
    with MaestroClient(platform.url, api_key=platform.api_key, use_tokens=True, on_tokens=seen.append) as client:
        client.health("fraud-detector")
        client.tokens.expires_at = 0

        def call():
            try:
                client.predict("fraud-detector", [0.5, 1.2, 3.4])
            except Exception as e:  # noqa: BLE001 - collected for the assertion
                errors.append(e)

        threads = [threading.Thread(target=call) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    assert errors == []
    assert len(seen) == 2  # the exchange, then exactly one refresh
