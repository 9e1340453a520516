"""Python fit: errors and requests survive pickle, copy and a process pool;
``PayoutRequest.from_dict`` returns the region's class; ``Client.from_env`` and
``CallbackVerifier.from_env`` read the environment; ``MockGatewayError`` is a
``SmilepayzError``."""

from __future__ import annotations

import copy
import pickle
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest
from smilepayz import (
    AsyncClient,
    CallbackVerifier,
    Client,
    IndonesiaPayout,
    PayoutRequest,
    SmilepayzError,
    errors,
    requests,
)
from smilepayz.testing import MockGateway, MockGatewayError

from .regions import FIRST_OF_REGION, GOLDEN, golden, snake_keys


def round_trip(value: Any) -> Any:
    # Runs in a worker process: the value arrives pickled and goes back pickled.
    return value


def outcome_unknown(gateway: MockGateway, client: Client) -> errors.OutcomeUnknownError:
    gateway.inject("payout", "drop_after_accept")
    with pytest.raises(errors.OutcomeUnknownError) as caught:
        client.payout(golden("idr-minimal", "PICKLED001"))
    return caught.value


def test_errors_and_requests_cross_a_process_pool(gateway: MockGateway, client: Client) -> None:
    lost = outcome_unknown(gateway, client)
    with pytest.raises(errors.ValidationError) as invalid:
        PayoutRequest.from_dict({"region": "IDR", "order_no": "x"})
    request = golden("idr-minimal", "PICKLED002")
    with ProcessPoolExecutor(max_workers=1) as pool:
        back_lost, back_invalid, back_request = pool.map(round_trip, [lost, invalid.value, request])
    assert type(back_lost) is errors.OutcomeUnknownError
    assert (back_lost.order_no, back_lost.reason, str(back_lost)) == ("PICKLED001", lost.reason, str(lost))
    assert back_invalid.violations == invalid.value.violations and back_invalid.violations
    assert type(back_request) is IndonesiaPayout
    assert back_request.wire_body("m-1") == request.wire_body("m-1")
    # The request read back is sent like the original.
    assert client.payout(back_request).trade_no


def test_copies_and_pickles_keep_every_field(gateway: MockGateway, client: Client) -> None:
    lost = outcome_unknown(gateway, client)
    for copied in [copy.copy(lost), copy.deepcopy(lost), pickle.loads(pickle.dumps(lost))]:
        assert type(copied) is errors.OutcomeUnknownError
        assert vars(copied) == vars(lost) and copied.args == lost.args
    request = golden("idr-minimal", "PICKLED003")
    for copied_request in [copy.copy(request), copy.deepcopy(request), pickle.loads(pickle.dumps(request))]:
        assert type(copied_request) is IndonesiaPayout
        assert copied_request.to_dict() == request.to_dict()
        assert copied_request.order_no == "PICKLED003"


def test_a_pickled_verified_callback_keeps_its_fields_but_cannot_be_confirmed(
    gateway: MockGateway, client: Client
) -> None:
    client.payout(golden("idr-minimal", "PICKLED004"))
    signed = gateway.signed_callback("PICKLED004")
    assert signed is not None
    callback = gateway.callback_verifier().verify(*signed)
    copied = pickle.loads(pickle.dumps(callback))
    assert copied == callback and copied.trade_no == callback.trade_no and copied.order_no == "PICKLED004"
    assert copy.deepcopy(callback) == callback
    with pytest.raises((TypeError, SmilepayzError)):
        client.confirm_callback(copied)


def test_from_dict_returns_the_regions_class_with_its_fields() -> None:
    for region, name in FIRST_OF_REGION.items():
        fields = snake_keys({**GOLDEN[name], "orderNo": "FROMDICT01"})
        request = PayoutRequest.from_dict(fields)
        expected = next(c for c in PayoutRequest.__subclasses__() if c._region == region)
        assert type(request) is expected and request.region == region
        assert request.order_no == "FROMDICT01"
        assert request.cash_account == fields["cash_account"]  # type: ignore[attr-defined]
        assert request.amount == fields["amount"]  # type: ignore[attr-defined]
    assert set(requests.__all__) >= {"IndonesiaPayout", "UsdtPayout"}


def test_from_env_reads_the_environment(gateway: MockGateway, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMILEPAYZ_MERCHANT_ID", gateway.merchant_id)
    monkeypatch.setenv("SMILEPAYZ_MERCHANT_SECRET", gateway.merchant_secret)
    monkeypatch.setenv("SMILEPAYZ_PRIVATE_KEY", gateway.merchant_private_key_pem)
    monkeypatch.setenv("SMILEPAYZ_BASE_URL", gateway.base_url)
    client = Client.from_env(timeout_ms=2000, retry={"max_attempts": 2})
    assert client.merchant_id == gateway.merchant_id
    assert client.payout(golden("idr-minimal", "FROMENV001")).trade_no
    assert isinstance(AsyncClient.from_env(), AsyncClient)
    with pytest.raises(errors.ConfigError, match="retry"):
        Client.from_env(retry={"max_attempts": 0})

    monkeypatch.delenv("SMILEPAYZ_PLATFORM_PUBLIC_KEY", raising=False)
    with pytest.raises(errors.ConfigError, match="SMILEPAYZ_PLATFORM_PUBLIC_KEY"):
        CallbackVerifier.from_env()
    monkeypatch.setenv("SMILEPAYZ_PLATFORM_PUBLIC_KEY", gateway.platform_public_key)
    verifier = CallbackVerifier.from_env(max_body_bytes=65536)
    signed = gateway.signed_callback("FROMENV001")
    assert signed is not None
    assert verifier.verify(*signed).order_no == "FROMENV001"
    monkeypatch.setenv("SMILEPAYZ_PLATFORM_PUBLIC_KEY", "not a key!")
    with pytest.raises(errors.ConfigError):
        CallbackVerifier.from_env()


def test_mock_gateway_errors_are_smilepayz_errors() -> None:
    gateway = MockGateway()
    gateway.close()
    with pytest.raises(SmilepayzError) as caught:
        gateway.settle("CLOSED0001", "SUCCESS")
    assert isinstance(caught.value, MockGatewayError) and isinstance(caught.value, RuntimeError)
