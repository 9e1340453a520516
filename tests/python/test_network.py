"""Network and call controls: a real forward proxy on loopback sees the SDK's traffic
(and only when asked for), the local address requests leave from, IPv4 only, extra CA
certificates, and a per-call timeout on every call of both clients."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from smilepayz import errors
from smilepayz.testing import MockGateway

from .conftest import VECTORS
from .proxy import ForwardProxy
from .regions import golden


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    forward = ForwardProxy()
    yield forward
    forward.close()


def test_requests_go_through_the_proxy_with_its_credentials(gateway: MockGateway, proxy: ForwardProxy) -> None:
    with_user = proxy.url.replace("http://", "http://payroll:pr0xy-s3cret@")
    client = gateway.client(proxy=with_user, timeout_ms=5000)
    result = client.payout(golden("idr-minimal", "PROXIED001"))
    status = client.inquire_status(order_no="PROXIED001")
    assert status.trade_no == result.trade_no
    assert proxy.forwarded == [
        f"{gateway.base_url}/v2.0/disbursement/pay-out",
        f"{gateway.base_url}/v2.0/inquiry-status",
    ]
    assert proxy.authorizations[0].startswith("Basic ")
    assert gateway.payout_requests_for("PROXIED001") == 1
    assert "pr0xy-s3cret" not in repr(client)


def test_environment_proxies_are_ignored_unless_asked_for(
    gateway: MockGateway, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ["NO_PROXY", "no_proxy"]:
        monkeypatch.delenv(name, raising=False)
    for name in ["HTTP_PROXY", "http_proxy", "ALL_PROXY"]:
        monkeypatch.setenv(name, proxy.url)
    gateway.client(timeout_ms=5000).payout(golden("idr-minimal", "NOENVPROXY1"))
    assert proxy.forwarded == []
    gateway.client(proxy_from_environment=True, timeout_ms=5000).payout(golden("idr-minimal", "ENVPROXY01"))
    assert proxy.forwarded == [f"{gateway.base_url}/v2.0/disbursement/pay-out"]
    with pytest.raises(errors.ConfigError, match="not both"):
        gateway.client(proxy=proxy.url, proxy_from_environment=True)


def test_requests_leave_from_the_local_address(gateway: MockGateway, proxy: ForwardProxy) -> None:
    client = gateway.client(proxy=proxy.url, local_address="127.0.0.2", ipv4_only=True, timeout_ms=5000)
    client.payout(golden("idr-minimal", "LOCALADDR01"))
    assert proxy.peers == ["127.0.0.2"]
    with pytest.raises(errors.ConfigError, match="local_address"):
        gateway.client(local_address="localhost")


def test_extra_ca_certificates_are_read_and_a_bad_one_is_refused(gateway: MockGateway) -> None:
    ca = (VECTORS / "tls" / "ca.pem").read_text(encoding="utf-8")
    assert gateway.client(extra_ca_certificates=[ca]).merchant_id == gateway.merchant_id
    with pytest.raises(errors.ConfigError):
        gateway.client(extra_ca_certificates=["-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"])


def test_a_per_call_timeout_bounds_that_call_only(gateway: MockGateway) -> None:
    client = gateway.client(timeout_ms=5000)
    gateway.inject("payout", "delay", delay_ms=800)
    started = time.monotonic()
    with pytest.raises(errors.OutcomeUnknownError) as caught:
        client.payout(golden("idr-minimal", "CALLTIME01"), timeout_ms=200)
    assert caught.value.reason == "timeout"
    assert time.monotonic() - started < 0.7
    gateway.inject("payout", "delay", delay_ms=300)
    trade_no = client.payout(golden("idr-minimal", "CALLTIME02")).trade_no
    # Every call takes it, and it is checked like the client's.
    assert client.inquire_status(order_no="CALLTIME02", timeout_ms=2000).trade_no == trade_no
    assert client.reconcile_payout("CALLTIME02", timeout_ms=2000).outcome in ("settled", "pending")
    with pytest.raises(errors.ConfigError, match="timeout_ms"):
        client.inquire_balance("ACC1", timeout_ms=-1)
    with pytest.raises(errors.ConfigError, match="longer than zero"):
        client.inquire_balance("ACC1", timeout_ms=0)


def test_the_async_client_takes_a_per_call_timeout(gateway: MockGateway) -> None:
    async def scenario() -> None:
        client = gateway.async_client(timeout_ms=5000)
        accepted = await client.payout(golden("idr-minimal", "CALLTIME03"), timeout_ms=2000)
        gateway.inject("payout", "delay", delay_ms=800)
        started = time.monotonic()
        with pytest.raises(errors.OutcomeUnknownError) as caught:
            await client.payout(golden("idr-minimal", "CALLTIME04"), timeout_ms=150)
        assert caught.value.reason == "timeout"
        assert time.monotonic() - started < 0.7
        status = await client.inquire_status(order_no="CALLTIME03", timeout_ms=2000)
        assert status.trade_no == accepted.trade_no
        with pytest.raises(errors.ConfigError, match="timeout_ms"):
            await client.inquire_balance("ACC1", timeout_ms=float("nan"))

    asyncio.run(scenario())
