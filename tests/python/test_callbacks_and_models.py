"""Callback headers from every framework's mapping, body types, rotation and maximum
age; request amounts and the result types."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import smilepayz
from smilepayz import CallbackVerifier, IndonesiaPayout, PayoutRequest, Status, errors, verify_callback
from smilepayz.testing import MockGateway, sign_callback
from starlette.datastructures import Headers as StarletteHeaders
from werkzeug.datastructures import Headers as WerkzeugHeaders

from .conftest import pointer

BODY = b'{"tradeNo":"T0001","orderNo":"ORDER0001","status":"SUCCESS","money":{"currency":"IDR","amount":150000}}'
TIMESTAMP = "2024-04-10T08:45:32+07:00"


@pytest.fixture(scope="module")
def signed(keys: Any) -> tuple[dict[str, str], bytes]:
    return sign_callback(str(pointer(keys, "/platform/private_pkcs8_pem")), BODY, timestamp=TIMESTAMP)


@pytest.fixture(scope="module")
def sandbox_key(keys: Any) -> str:
    return str(pointer(keys, "/platform/public_spki_base64"))


def test_headers_from_every_framework_verify(signed: tuple[dict[str, str], bytes], sandbox_key: str) -> None:
    headers, body = signed
    lower = {k.lower(): v for k, v in headers.items()}
    forms: list[Any] = [
        headers,
        lower,
        list(headers.items()),
        StarletteHeaders(headers=lower),
        WerkzeugHeaders(list(headers.items())),
        {k.upper(): v.encode() for k, v in headers.items()},
    ]
    for form in forms:
        assert verify_callback(form, body, platform_public_key=sandbox_key).trade_no == "T0001", type(form)
    for raw in (bytearray(body), memoryview(body)):
        assert verify_callback(headers, raw, platform_public_key=sandbox_key).order_no == "ORDER0001"


def test_a_header_given_twice_is_refused(signed: tuple[dict[str, str], bytes], sandbox_key: str) -> None:
    headers, body = signed
    twice = WerkzeugHeaders(list(headers.items()))
    twice.add("x-signature", headers["X-SIGNATURE"])
    for form in (twice, {**headers, "X-SIGNATURE": [headers["X-SIGNATURE"]] * 2}):
        with pytest.raises(errors.SignatureError) as caught:
            verify_callback(form, body, platform_public_key=sandbox_key)
        assert caught.value.check == "duplicate_header"


def test_a_text_body_is_refused_with_how_to_get_the_bytes(
    signed: tuple[dict[str, str], bytes], sandbox_key: str
) -> None:
    headers, body = signed
    with pytest.raises(TypeError, match="raw request bytes"):
        verify_callback(headers, body.decode(), platform_public_key=sandbox_key)  # type: ignore[arg-type]


def test_rotation_and_maximum_age(keys: Any, signed: tuple[dict[str, str], bytes], sandbox_key: str) -> None:
    headers, body = signed
    production = str(pointer(keys, "/platform_production/public_spki_base64"))
    with pytest.raises(errors.SignatureError):
        CallbackVerifier(production).verify(headers, body)
    assert CallbackVerifier([production, sandbox_key]).verify(headers, body).trade_no == "T0001"
    sent = 1712713532.0  # TIMESTAMP as seconds since the epoch
    fresh = CallbackVerifier(sandbox_key, max_age_ms=300_000, clock=lambda: sent + 60)
    assert fresh.verify(headers, body).timestamp == TIMESTAMP
    stale = CallbackVerifier(sandbox_key, max_age_ms=300_000, clock=lambda: sent + 301)
    with pytest.raises(errors.SignatureError) as caught:
        stale.verify(headers, body)
    assert caught.value.check == "too_old"
    with pytest.raises(errors.SignatureError) as caught:
        CallbackVerifier(sandbox_key, max_age_ms=300_000).verify(headers, body)  # the system clock: years later
    assert caught.value.check == "too_old"


def test_sign_callback_defaults_to_now_and_accepts_dicts(sandbox_key: str, keys: Any) -> None:
    private = str(pointer(keys, "/platform/private_pkcs8_pem"))
    headers, body = sign_callback(private, {"tradeNo": "T0002", "status": "FAILED"})
    verified = CallbackVerifier(sandbox_key, max_age_ms=60_000).verify(headers, body)
    assert verified.status is Status.FAILED and verified.is_final
    assert verified.timestamp.endswith("+07:00")
    assert verified.to_dict()["trade_no"] == "T0002" and "_native" not in verified.to_dict()
    text_headers, text_body = sign_callback(private, '{"tradeNo":"T0003"}', timestamp=TIMESTAMP)
    assert CallbackVerifier(sandbox_key).verify(text_headers, text_body).trade_no == "T0003"
    with pytest.raises(ValueError, match="platform_private_key"):
        sign_callback("not a key", BODY)


def test_a_verified_callback_cannot_be_forged_from_fields(gateway: MockGateway) -> None:
    class Forged:
        def to_dict(self) -> dict[str, Any]:
            return {"trade_no": "T1", "status": "SUCCESS"}

    forged = smilepayz.VerifiedCallback(Forged())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        gateway.client().confirm_callback(forged)
    with pytest.raises(TypeError):
        smilepayz._native.VerifiedCallback()


def indonesia(amount: Any) -> PayoutRequest:
    return IndonesiaPayout(
        order_no="AMOUNT000001", purpose="Payroll", amount=amount, payment_method="BRI", cash_account="7812001162"
    )


def test_amounts_are_exact_and_floats_are_refused() -> None:
    assert b'"amount":150000' in indonesia(150000).wire_body("m-1")
    assert b'"amount":150000' in indonesia(Decimal("150000")).wire_body("m-1")
    assert b'"amount":150000' in indonesia("150000").wire_body("m-1")
    with pytest.raises(TypeError, match="float is refused"):
        indonesia(150000.0)
    for bad in (Decimal("NaN"), Decimal("1.5"), -5, 10**40):
        with pytest.raises(errors.ValidationError) as caught:
            indonesia(bad)
        assert caught.value.violations[0].path == "amount", bad
    with pytest.raises(TypeError, match="not accepted"):
        indonesia(object())


def test_requests_read_back_as_given() -> None:
    request = indonesia(150000)
    assert request.region == "IDR" and request.order_no == "AMOUNT000001"
    assert request.to_dict()["amount"] == 150000
    assert PayoutRequest.from_dict(request.to_dict()).wire_body("m-1") == request.wire_body("m-1")
    assert "AMOUNT000001" in repr(request)


def test_statuses_keep_unknown_values_and_finality_comes_from_the_core() -> None:
    assert Status("SUCCESS") is Status.SUCCESS and Status.SUCCESS.is_final
    assert not Status.PROCESSING.is_final
    partial = Status("PARTIAL")
    assert partial.name == "UNKNOWN" and partial.value == "PARTIAL" and not partial.is_final
    assert str(partial) == "PARTIAL"
    assert smilepayz._native.status_is_final("CANCELLED")


def test_results_convert_to_plain_dicts(gateway: MockGateway) -> None:
    accepted = gateway.client().payout(indonesia(150000))
    plain = accepted.to_dict()
    assert plain["status"] == "PROCESSING" and plain["money"] == {"currency": "IDR", "amount": Decimal("150000")}
    assert accepted.disbursed_at is not None and accepted.disbursed_at.utcoffset() is not None
    assert "raw" not in repr(accepted) and plain["raw"] == accepted.raw
    status = gateway.client().inquire_status(order_no="AMOUNT000001")
    assert status.transacted_at is None
