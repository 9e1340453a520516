"""Events on the standard logging logger ``smilepayz``: every kind occurs in one scenario
against the mock gateway, each record carries the event's fields as attributes, and no
record (message or attribute) carries the merchant secret, key material or a full
account number."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from smilepayz import Client, SmilepayzError, _native, errors
from smilepayz._events import EVENT_LEVELS
from smilepayz.testing import MockGateway, sign_callback

from .regions import GOLDEN, golden


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    logger = logging.getLogger("smilepayz")
    handler, level = Recorder(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def everything_in(record: logging.LogRecord) -> str:
    return record.getMessage() + " " + " ".join(f"{k}={v!r}" for k, v in vars(record).items())


def test_every_event_kind_is_logged_with_its_fields_and_no_secret(gateway: MockGateway, recorder: Recorder) -> None:
    client = gateway.client(timeout_ms=2000, retry={"max_attempts": 10, "initial_backoff_ms": 100})
    verifier = gateway.callback_verifier()
    # request, response, retry: the first connections are refused (nothing was sent).
    gateway.refuse_connections_for(120)
    accepted = client.payout(golden("idr-minimal", "PYEVENTS01"))
    # outcome_unknown
    gateway.inject("payout", "drop_after_accept")
    with pytest.raises(errors.OutcomeUnknownError):
        client.payout(golden("idr-minimal", "PYEVENTS02"))
    # callback_verified, callback_confirmed
    gateway.settle("PYEVENTS01", "SUCCESS")
    signed = gateway.signed_callback("PYEVENTS01")
    assert signed is not None
    headers, body = signed
    client.confirm_callback(verifier.verify(headers, body))
    # callback_refused: one character of the signature changed
    signature = headers["X-SIGNATURE"]
    tampered = {**headers, "X-SIGNATURE": ("B" if signature.startswith("A") else "A") + signature[1:]}
    with pytest.raises(errors.SignatureError):
        verifier.verify(tampered, body)
    # callback_mismatch: a genuine trade number with a status the gateway contradicts
    lie = {
        "orderNo": "PYEVENTS01",
        "tradeNo": accepted.trade_no,
        "status": "FAILED",
        "money": {"currency": "IDR", "amount": 150000},
    }
    lie_headers, lie_body = sign_callback(gateway.platform_private_key_pem, lie)
    with pytest.raises(errors.CallbackMismatchError):
        client.confirm_callback(verifier.verify(lie_headers, lie_body))

    # Typed Any: the event fields are attributes logging adds from ``extra``.
    records: list[Any] = recorder.records
    names = [getattr(r, "event", None) for r in records]
    # Every event the core can emit (a new kind fails here until the scenario makes one).
    assert set(EVENT_LEVELS) == set(_native.EVENT_NAMES)
    for name in _native.EVENT_NAMES:
        assert name in names, f"no {name} record in {names}"
    assert {r.name for r in records} == {"smilepayz.http", "smilepayz.callback"}

    def first(name: str) -> Any:
        return next(r for r in records if getattr(r, "event", None) == name)

    retry = first("retry")
    assert (retry.order_no, retry.attempt, retry.endpoint) == ("PYEVENTS01", 1, "payout")
    assert retry.levelno == logging.WARNING
    assert retry.delay_ms >= 0 and retry.reason
    response = next(r for r in records if getattr(r, "event", None) == "response" and r.order_no == "PYEVENTS01")
    assert (response.http_status, response.gateway_code, response.endpoint) == (200, "00", "payout")
    assert isinstance(response.elapsed_ms, int)
    unknown = first("outcome_unknown")
    assert (unknown.order_no, unknown.cause, unknown.levelno) == ("PYEVENTS02", "connection_lost", logging.ERROR)
    assert first("callback_refused").check == "bad_signature"
    mismatch = first("callback_mismatch")
    assert (mismatch.field, mismatch.stale) == ("status", False)
    confirmed = first("callback_confirmed")
    assert (confirmed.order_no, confirmed.trade_no, confirmed.status) == ("PYEVENTS01", accepted.trade_no, "SUCCESS")
    assert "order_no=PYEVENTS02" in unknown.getMessage()

    account = GOLDEN["idr-minimal"]["cashAccount"]
    key_body = "".join(line for line in gateway.merchant_private_key_pem.splitlines() if not line.startswith("-----"))
    masked = [r.account for r in records if getattr(r, "event", None) == "request" and hasattr(r, "account")]
    assert masked and set(masked) == {"****" + account[-4:]}
    for record in records:
        text = everything_in(record)
        assert gateway.merchant_secret not in text, text
        assert account not in text, text
        assert key_body[:40] not in text, text
        assert gateway.platform_public_key[:40] not in text, text


def test_logging_is_silent_by_default_and_a_failing_handler_never_changes_a_call(gateway: MockGateway) -> None:
    logger = logging.getLogger("smilepayz")
    assert any(isinstance(h, logging.NullHandler) for h in logger.handlers)

    class Broken(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            raise RuntimeError("handler bug")

        def handleError(self, record: logging.LogRecord) -> None:
            raise RuntimeError("handler bug, even in handleError")

    broken, level = Broken(), logger.level
    logger.addHandler(broken)
    logger.setLevel(logging.DEBUG)
    try:
        client: Client = gateway.client(timeout_ms=2000)
        result = client.payout(golden("idr-minimal", "PYEVENTS03"))
        assert result.trade_no
    finally:
        logger.removeHandler(broken)
        logger.setLevel(level)


def test_events_reach_logging_from_async_calls(gateway: MockGateway, recorder: Recorder) -> None:
    import asyncio

    async def scenario() -> None:
        client = gateway.async_client(timeout_ms=2000)
        await client.payout(golden("idr-minimal", "PYEVENTS04"))
        with pytest.raises(SmilepayzError):
            await client.inquire_status(order_no="NOSUCHORDER1")

    asyncio.run(scenario())
    # Events of asyncio calls reach logging through the package's events thread (tokio's
    # workers never wait for the interpreter lock): give it a moment.
    records: list[Any] = recorder.records
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and ("request", "NOSUCHORDER1") not in [
        (r.event, getattr(r, "order_no", None)) for r in records
    ]:
        time.sleep(0.01)
    seen = [(r.event, getattr(r, "order_no", None)) for r in records]
    assert ("request", "PYEVENTS04") in seen and ("response", "PYEVENTS04") in seen
    assert ("request", "NOSUCHORDER1") in seen
