"""A key with a small rate limit: the client waits out Retry-After and succeeds, or reports the 429."""

import time

import requests

import pytest

from maestro import MaestroClient, RateLimitError


def test_quota_exhausted_client_waits_for_retry_after_and_succeeds(platform, admin, unique):
    # One request in the bucket, refilled every 5 s: the second call is refused however slow the machine is.
    key = admin.create_api_key(unique("py-quota"), ["predict"], rate_limit={"requests_per_minute": 12, "burst": 1})
    statuses = []
    session = requests.Session()
    session.hooks["response"].append(lambda r, *a, **k: statuses.append((r.status_code, r.headers.get("Retry-After"))))

    with MaestroClient(platform.url, api_key=key.key, retries=5, session=session) as client:
        started = time.monotonic()
        results = [client.predict("fraud-detector", [0.5, 1.2, 3.4]) for _ in range(2)]
        elapsed = time.monotonic() - started

    assert len(results) == 2
    refused = [retry for status, retry in statuses if status == 429]
    assert refused, f"no request was refused: {statuses}"
    assert all(retry and int(retry) >= 1 for retry in refused)
    assert elapsed >= sum(int(retry) for retry in refused) - 0.1  # it waited as told
    assert [s for s, _ in statuses].count(200) == 2


def test_quota_exhausted_without_retries_raises_rate_limit_error_with_retry_after(platform, admin, unique):
    key = admin.create_api_key(unique("py-quota0"), ["predict"], rate_limit={"requests_per_minute": 1, "burst": 1})

    with MaestroClient(platform.url, api_key=key.key, retries=0) as client:
        client.predict("fraud-detector", [0.5, 1.2, 3.4])
        with pytest.raises(RateLimitError) as caught:
            client.predict("fraud-detector", [0.5, 1.2, 3.4])

    assert caught.value.status == 429
    assert caught.value.retry_after and caught.value.retry_after > 1
    assert caught.value.detail
