"""What a caller sees when something is wrong: the status, the gateway's reason and a request id."""

import pytest

from maestro import AuthenticationError, MaestroClient, MaestroConnectionError, NotFoundError, PermissionDeniedError, ValidationError
from platform_process import free_port


def test_wrong_key_raises_authentication_error_with_the_gateways_reason(platform):
    with MaestroClient(platform.url, api_key="mk_not-a-real-key") as client:
        with pytest.raises(AuthenticationError) as caught:
            client.predict("fraud-detector", [0.5, 1.2, 3.4])

    error = caught.value
    assert error.status == 401
    assert "X-API-Key" in error.detail
    assert error.request_id
    assert "401" in str(error)


def test_missing_model_raises_not_found_naming_it(admin):
    with pytest.raises(NotFoundError) as caught:
        admin.predict("no-such-model-anywhere", [0.5, 1.2, 3.4])

    assert caught.value.status == 404
    assert "no-such-model-anywhere" in caught.value.detail
    assert caught.value.request_id


def test_malformed_input_raises_validation_error_saying_what_is_expected(admin):
    with pytest.raises(ValidationError) as caught:
        admin.predict("fraud-detector", [0.5, 1.2])

    assert caught.value.status == 400
    assert "3" in caught.value.detail


def test_malformed_v2_input_carries_the_v2_error_text(admin):
    with pytest.raises(ValidationError) as caught:
        admin.infer("fraud-detector", {"no_such_input": [[1.0, 2.0, 3.0]]})

    assert caught.value.status == 400
    assert "no_such_input" in caught.value.detail or "features" in caught.value.detail


def test_key_without_scope_raises_permission_denied_naming_the_scope(platform, admin, unique):
    reader = admin.create_api_key(unique("py-reader"), ["models:read"])
    with MaestroClient(platform.url, api_key=reader.key) as client:
        with pytest.raises(PermissionDeniedError) as caught:
            client.predict("fraud-detector", [0.5, 1.2, 3.4])

    assert caught.value.status == 403
    assert "predict" in caught.value.detail


def test_unreachable_gateway_raises_connection_error_after_retrying_idempotent_calls():
    with MaestroClient(f"http://127.0.0.1:{free_port()}", api_key="k", retries=1, timeout=2) as client:
        with pytest.raises(MaestroConnectionError) as caught:
            client.health("fraud-detector")

    assert caught.value.status is None
