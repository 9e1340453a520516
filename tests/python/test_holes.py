"""Issue 10, through the Python package: callbacks confirmed by their orderNo (a genuine
callback re-sent under another order is refused, a stale one is booked at the gateway's
status), the new error classes, panics that reach Python as SDK errors, hostile nesting
that cannot crash the interpreter, and client settings that cannot overflow."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
from typing import Any, Optional

import pytest
import smilepayz
from smilepayz import Client, Status, errors
from smilepayz.testing import MockGateway, sign_callback

from .regions import indonesia


class Handler:
    """A merchant's callback handler as the README writes it: refuse what is forged or
    about another order (401), book the gateway's status of a stale callback and
    acknowledge it, book a confirmed callback by its CONFIRMED order number."""

    def __init__(self, gateway: MockGateway) -> None:
        self.client = gateway.client(timeout_ms=5000)
        self.verifier = gateway.callback_verifier()
        self.booked: dict[str, Optional[Status]] = {}

    def __call__(self, headers: dict[str, str], body: bytes) -> int:
        try:
            callback = self.verifier.verify(headers, body)
            confirmed = self.client.confirm_callback(callback)
        except errors.StaleCallbackError as stale:
            self.booked[stale.order_no] = stale.gateway_status
            return 200
        except (errors.SignatureError, errors.CallbackMismatchError):
            return 401
        self.booked[confirmed.order_no] = confirmed.status
        return 200


def with_order_no(body: bytes, order_no: Optional[str]) -> bytes:
    """The same callback body with another orderNo (or none): only tradeNo is signed."""
    fields = json.loads(body)
    if order_no is None:
        del fields["orderNo"]
    else:
        fields["orderNo"] = order_no
    return json.dumps(fields).encode()


def test_a_genuine_callback_re_sent_under_another_order_is_refused(gateway: MockGateway) -> None:
    # Hole 1 of issue 10: A's signed FAILED callback, its orderNo edited to B (also FAILED,
    # same amount). The signature still verifies; confirmation must refuse it.
    client = gateway.client()
    accepted_a = client.payout(indonesia("HOLEA0000001"))
    accepted_b = client.payout(indonesia("HOLEB0000001"))
    assert accepted_a.trade_no != accepted_b.trade_no
    gateway.settle("HOLEA0000001", "FAILED")
    gateway.settle("HOLEB0000001", "FAILED")
    signed = gateway.signed_callback("HOLEA0000001")
    assert signed is not None
    headers, body = signed
    moved = with_order_no(body, "HOLEB0000001")
    callback = gateway.callback_verifier().verify(headers, moved)
    assert (callback.order_no, callback.trade_no) == ("HOLEB0000001", accepted_a.trade_no)
    with pytest.raises(errors.CallbackMismatchError) as caught:
        client.confirm_callback(callback)
    assert caught.value.field == "tradeNo"
    assert (caught.value.callback_value, caught.value.gateway_value) == (accepted_a.trade_no, accepted_b.trade_no)

    handler = Handler(gateway)
    assert handler(headers, moved) == 401
    assert "HOLEB0000001" not in handler.booked
    assert handler(headers, body) == 200
    assert handler.booked == {"HOLEA0000001": Status.FAILED}


def test_a_confirmed_callback_names_the_confirmed_order_and_trade(gateway: MockGateway, client: Client) -> None:
    accepted = client.payout(indonesia("HOLEC0000001"))
    gateway.settle("HOLEC0000001", "SUCCESS")
    signed = gateway.signed_callback("HOLEC0000001")
    assert signed is not None
    confirmed = client.confirm_callback(gateway.callback_verifier().verify(*signed))
    assert (confirmed.order_no, confirmed.trade_no) == ("HOLEC0000001", accepted.trade_no)
    assert confirmed.to_dict()["order_no"] == "HOLEC0000001"
    assert "tradeNo (signed)" in (smilepayz.ConfirmedCallback.__doc__ or "")


def test_a_callback_the_gateway_moved_past_is_stale_not_a_mismatch(gateway: MockGateway, client: Client) -> None:
    accepted = client.payout(indonesia("STALE0000001"))
    signed = gateway.signed_callback("STALE0000001")  # announces PROCESSING
    assert signed is not None
    gateway.settle("STALE0000001", "SUCCESS")
    callback = gateway.callback_verifier().verify(*signed)
    with pytest.raises(errors.StaleCallbackError) as caught:
        client.confirm_callback(callback)
    stale = caught.value
    assert not isinstance(stale, errors.CallbackMismatchError)
    assert isinstance(stale, errors.SmilepayzError) and stale.kind == "stale_callback"
    assert (stale.announced_status, stale.gateway_status) == (Status.PROCESSING, Status.SUCCESS)
    assert isinstance(stale.inquiry, smilepayz.StatusResult) and stale.inquiry.status is Status.SUCCESS
    assert stale.inquiry.trade_no == accepted.trade_no
    assert stale.callback is callback
    assert (stale.order_no, stale.trade_no) == ("STALE0000001", accepted.trade_no)

    handler = Handler(gateway)
    assert handler(*signed) == 200
    assert handler.booked == {"STALE0000001": Status.SUCCESS}


def test_the_async_client_gives_the_same_stale_error(gateway: MockGateway) -> None:
    async def run() -> errors.StaleCallbackError:
        client = gateway.async_client()
        await client.payout(indonesia("ASTALE000001"))
        signed = gateway.signed_callback("ASTALE000001")
        assert signed is not None
        gateway.settle("ASTALE000001", "FAILED")
        callback = gateway.callback_verifier().verify(*signed)
        with pytest.raises(errors.StaleCallbackError) as caught:
            await client.confirm_callback(callback)
        assert caught.value.callback is callback
        return caught.value

    assert asyncio.run(run()).gateway_status is Status.FAILED


def test_a_callback_without_an_order_number_is_a_mismatch(gateway: MockGateway, client: Client) -> None:
    client.payout(indonesia("NOORDER00001"))
    gateway.settle("NOORDER00001", "SUCCESS")
    signed = gateway.signed_callback("NOORDER00001")
    assert signed is not None
    body = with_order_no(signed[1], None)
    headers, body = sign_callback(gateway.platform_private_key_pem, body)
    callback = gateway.callback_verifier().verify(headers, body)
    assert callback.order_no is None
    with pytest.raises(errors.CallbackMismatchError) as caught:
        client.confirm_callback(callback)
    assert caught.value.field == "orderNo"
    handler = Handler(gateway)
    assert handler(headers, body) == 401 and handler.booked == {}


def test_the_new_error_classes_and_causes() -> None:
    assert issubclass(errors.StaleCallbackError, errors.SmilepayzError)
    assert not issubclass(errors.StaleCallbackError, errors.CallbackMismatchError)
    assert issubclass(errors.InternalError, errors.SmilepayzError)
    assert smilepayz.StaleCallbackError is errors.StaleCallbackError
    assert smilepayz.InternalError is errors.InternalError
    internal = errors._from_native({"kind": "internal", "code": "SMILEPAYZ_INTERNAL", "message": "boom"})
    assert type(internal) is errors.InternalError and str(internal) == "boom"
    doc = errors.OutcomeUnknownError.__doc__ or ""
    assert "redirect" in doc and "internal" in doc
    assert "tradeNo" in (errors.CallbackMismatchError.__doc__ or "")


# A panic in the native module: an SDK error, never pyo3's PanicException (a
# BaseException that `except Exception` misses) and never a future that waits forever.


def test_a_panic_in_a_sync_call_is_an_internal_error() -> None:
    from smilepayz.testing import _panic_for_tests

    with pytest.raises(errors.InternalError) as caught:
        _panic_for_tests()
    assert "deliberate panic" in str(caught.value)
    with pytest.raises(errors.OutcomeUnknownError) as unknown:
        _panic_for_tests(order_no="PANIC0000001")
    assert (unknown.value.reason, unknown.value.order_no) == ("internal", "PANIC0000001")


def test_a_panic_in_an_async_call_settles_the_future() -> None:
    from smilepayz.testing import _panic_for_tests_async

    async def run() -> tuple[errors.InternalError, errors.OutcomeUnknownError]:
        # A future that is never settled fails here by the timeout, not by hanging.
        with pytest.raises(errors.InternalError) as internal:
            await asyncio.wait_for(_panic_for_tests_async(), 10)
        with pytest.raises(errors.OutcomeUnknownError) as unknown:
            await asyncio.wait_for(_panic_for_tests_async(order_no="PANIC0000002"), 10)
        return internal.value, unknown.value

    internal, unknown = asyncio.run(run())
    assert "deliberate panic" in str(internal)
    assert (unknown.reason, unknown.order_no) == ("internal", "PANIC0000002")


# Hostile nesting runs in a child interpreter: a regression is a crash of the child
# (SIGSEGV) reported by an assertion, not a dead test run.

NESTING = """
import sys
from smilepayz import IndonesiaPayout, PayoutRequest, errors

SHAPE = sys.argv[1]
if SHAPE == "cyclic dict":
    extra = {"note": "x"}
    extra["self"] = extra
    build = lambda: IndonesiaPayout(order_no="DEEP00000001", purpose="Payroll", amount=1,
                                    payment_method="BRI", cash_account="78120011629261665", extra=extra)
elif SHAPE == "deep list":
    deep = []
    for _ in range(10_000):
        deep = [deep]
    build = lambda: IndonesiaPayout(order_no="DEEP00000001", purpose="Payroll", amount=1,
                                    payment_method="BRI", cash_account="78120011629261665", extra={"deep": deep})
else:
    fields = {"region": "IDR", "order_no": "DEEP00000001", "purpose": "Payroll", "amount": 1,
              "payment_method": "BRI", "cash_account": "78120011629261665"}
    receiver = {}
    receiver["name"] = receiver
    fields["receiver"] = receiver
    build = lambda: PayoutRequest.from_dict(fields)
try:
    build()
except errors.ValidationError as e:
    v = e.violations[0]
    print(len(e.violations), v.path, v.rule, sep="|")
    sys.exit(0)
except BaseException as e:
    print("wrong exception:", type(e).__name__, e)
    sys.exit(3)
print("accepted")
sys.exit(4)
"""


@pytest.mark.parametrize(
    ("shape", "path_start"),
    [("cyclic dict", "extra.self.self"), ("deep list", "extra.deep[0][0]"), ("cyclic receiver", "receiver.name.name")],
)
def test_hostile_nesting_is_a_validation_error_not_a_crash(shape: str, path_start: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(NESTING), shape], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, f"{shape}: exit {done.returncode} (-11 is SIGSEGV): {done.stdout}{done.stderr[-2000:]}"
    count, path, rule = done.stdout.strip().split("|")
    assert (count, rule) == ("1", "type") and path.startswith(path_start), done.stdout


def test_nesting_up_to_the_limit_is_accepted() -> None:
    nested: Any = "leaf"
    for _ in range(20):
        nested = {"n": nested}
    request = smilepayz.IndonesiaPayout(
        order_no="DEEP00000002",
        purpose="Payroll",
        amount=1,
        payment_method="BRI",
        cash_account="78120011629261665",
        extra={"nested": nested},
    )
    assert b'"leaf"' in request.wire_body("m-1")


@pytest.mark.parametrize("bad", [10**30, -1, 0, 11, True, False, 2.5, "3"])
def test_max_attempts_out_of_range_is_a_config_error(gateway: MockGateway, bad: Any) -> None:
    with pytest.raises(errors.ConfigError) as caught:
        gateway.client(retry={"max_attempts": bad})
    assert "max_attempts must be between 1 and 10" in str(caught.value), str(caught.value)


def test_max_attempts_in_range_is_accepted(gateway: MockGateway) -> None:
    for good in (1, 10):
        assert gateway.client(retry={"max_attempts": good}).payout(indonesia(f"ATTEMPTS{good:04d}")).order_no


def test_a_lone_surrogate_is_a_validation_error_naming_the_field() -> None:
    for field, path in (("purpose", "purpose"), ("extra", "extra.note"), ("receiver", "receiver.name")):
        value: Any = {
            "purpose": "Pay\ud800",
            "extra": {"note": "x\udc00"},
            "receiver": {"name": "Budi\ud800"},
        }[field]
        fields: dict[str, Any] = {
            "region": "IDR",
            "order_no": "SURROGATE001",
            "purpose": "Payroll",
            "amount": 1,
            "payment_method": "BRI",
            "cash_account": "78120011629261665",
            field: value,
        }
        with pytest.raises(errors.ValidationError) as caught:
            smilepayz.PayoutRequest.from_dict(fields)
        assert [(v.path, v.rule) for v in caught.value.violations] == [(path, "format")], field
