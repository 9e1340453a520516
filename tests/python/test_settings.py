"""Settings are read once, by the Rust core (``smilepayz-interop``), for Python and Node
alike: unknown keys and wrong types are a ConfigError naming the setting, durations are
milliseconds, the User-Agent names the binding, and the mock's settings and faults are
the testkit's."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest
from smilepayz import AsyncClient, CallbackVerifier, Client, RetrySettings, errors
from smilepayz.testing import MockGateway, MockGatewayError, sign_callback

from .conftest import pointer
from .regions import indonesia


def test_the_user_agent_names_the_python_binding_and_the_suffix(gateway: MockGateway) -> None:
    retry: RetrySettings = {"max_attempts": 2, "initial_backoff_ms": 10, "max_backoff_ms": 20}
    client = gateway.client(timeout_ms=5000, connect_timeout_ms=1000, retry=retry, user_agent_suffix="shop/2")
    client.payout(indonesia("AGENT0000001"))
    sent = [r for r in gateway.received() if "AGENT0000001" in r["body"]]
    agent = dict(sent[0]["headers"])["user-agent"]
    assert agent.startswith("smilepayz-rust/") and " python/" in agent and agent.endswith(" shop/2"), agent
    assert sent[0]["http_status"] == 200 and sent[0]["handled"] is True


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        ({"timeout_ms": "5000"}, "timeout_ms"),
        ({"timeout_ms": float("inf")}, "timeout_ms must be a finite, non-negative number of milliseconds"),
        ({"connect_timeout_ms": -1}, "connect_timeout_ms must be a finite"),
        ({"retry": {"max_attempts": 2, "backoff_ms": 5}}, "`backoff_ms`"),
        ({"retry": [3]}, "retry"),
        ({"order_not_found_codes": "4040001"}, "order_not_found_codes"),
    ],
)
def test_wrong_types_and_unknown_keys_are_config_errors_naming_the_setting(
    gateway: MockGateway, settings: dict[str, Any], says: str
) -> None:
    with pytest.raises(errors.ConfigError) as caught:
        gateway.client(**settings)
    assert says in str(caught.value), str(caught.value)


def test_from_env_takes_overrides_in_either_case(gateway: MockGateway, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMILEPAYZ_MERCHANT_ID", gateway.merchant_id)
    monkeypatch.setenv("SMILEPAYZ_MERCHANT_SECRET", gateway.merchant_secret)
    monkeypatch.setenv("SMILEPAYZ_PRIVATE_KEY", gateway.merchant_private_key_pem)
    monkeypatch.setenv("SMILEPAYZ_ENVIRONMENT", "sandbox")
    assert Client.from_env().base_url == "https://sandbox-gateway.smilepayz.com"
    assert Client.from_env(base_url=gateway.base_url).base_url == gateway.base_url
    assert AsyncClient.from_env(baseUrl=gateway.base_url).base_url == gateway.base_url
    with pytest.raises(errors.ConfigError, match="`timeout`"):
        Client.from_env(timeout=5)
    assert "SMILEPAYZ_MERCHANT_ID" in os.environ


def test_max_age_is_milliseconds_and_wrong_limits_are_config_errors(keys: Any) -> None:
    private = str(pointer(keys, "/platform/private_pkcs8_pem"))
    public = str(pointer(keys, "/platform/public_spki_base64"))
    headers, body = sign_callback(private, {"tradeNo": "T0004"})
    assert CallbackVerifier(public, max_age_ms=1500).verify(headers, body).trade_no == "T0004"
    assert headers["X-TIMESTAMP"].endswith("+07:00")
    with pytest.raises(errors.ConfigError, match="max_age_ms must be a finite"):
        CallbackVerifier(public, max_age_ms=float("nan"))
    with pytest.raises(errors.ConfigError, match="max_body_bytes must be a non-negative whole number"):
        CallbackVerifier(public, max_body_bytes=-1)
    with pytest.raises(errors.ConfigError, match="at least one platform public key"):
        CallbackVerifier([])


def test_the_mock_takes_given_keys_and_refuses_bad_ones(keys: Any) -> None:
    merchant = str(pointer(keys, "/merchant/pkcs8_pem"))
    platform = str(pointer(keys, "/platform/private_pkcs8_pem"))
    with MockGateway(merchant_id="M-GIVEN", merchant_private_key=merchant, platform_private_key=platform) as given:
        assert given.merchant_id == "M-GIVEN"
        assert given.platform_public_key == str(pointer(keys, "/platform/public_spki_base64"))
        assert given.client().payout(indonesia("GIVENKEY0001")).order_no == "GIVENKEY0001"
    with pytest.raises(errors.ConfigError, match="platform_private_key"):
        MockGateway(platform_private_key="not a key")


def test_settle_async_lets_the_event_loop_run(gateway: MockGateway, client: Client) -> None:
    client.payout(indonesia("SETTLEASYNC1"))

    async def run() -> Any:
        return await gateway.settle_async("SETTLEASYNC1", "SUCCESS")

    assert asyncio.run(run()) is None  # no callbackUrl: nothing delivered
    assert client.inquire_status(order_no="SETTLEASYNC1").status is not None
    with pytest.raises(MockGatewayError, match="NOSUCHORDER1"):
        asyncio.run(gateway.settle_async("NOSUCHORDER1", "SUCCESS"))
