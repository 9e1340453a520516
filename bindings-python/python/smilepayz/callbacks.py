"""Callback verification. Smilepayz signs only ``tradeNo`` and ``X-TIMESTAMP``: a
verified callback's trade number is authentic, its status and money are claims until
``client.confirm_callback`` checks them against the gateway's own answer."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Optional, Union

from . import _native
from ._native import VerifiedCallback as _NativeVerifiedCallback
from .models import Money, Status, StatusResult, _Answer, _status, parse_time

__all__ = ["ACKNOWLEDGEMENT", "CallbackVerifier", "ConfirmedCallback", "Headers", "VerifiedCallback", "verify_callback"]

ACKNOWLEDGEMENT = "SUCCESS"
"""The body (with HTTP 200) that tells the gateway a callback was processed."""

HeaderValue = Union[str, bytes]
Headers = Union[Mapping[str, Any], Iterable[tuple[str, HeaderValue]]]
"""Any mapping of header names to values (plain dict, Starlette/FastAPI, Flask/Werkzeug,
Django ``request.headers``) or an iterable of (name, value) pairs. Names are matched
case-insensitively; a header given twice is refused."""


def _pairs(headers: Headers) -> list[tuple[str, HeaderValue]]:
    # Multi-value mappings (Starlette, Werkzeug) yield each value through items().
    items: Iterable[tuple[Any, Any]] = headers.items() if isinstance(headers, Mapping) else headers
    pairs: list[tuple[str, HeaderValue]] = []
    for name, value in items:
        key = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        values: Sequence[Any] = value if isinstance(value, (list, tuple)) else [value]
        pairs.extend((key, v) for v in values)
    return pairs


def _raw(body: Union[bytes, bytearray, memoryview]) -> bytes:
    if isinstance(body, str):
        raise TypeError(
            "body must be the raw request bytes (Flask request.get_data(), Starlette await request.body(), "
            "Django request.body), not text: the signature check must see exactly what was sent"
        )
    return bytes(body)


@dataclass(frozen=True)
class VerifiedCallback(_Answer):
    """A callback whose signature verified. Confirm it before moving money."""

    trade_no: str
    order_no: Optional[str]
    merchant_id: Optional[str]
    merchant_name: Optional[str]
    sub_merchant_id: Optional[str]
    sub_merchant_name: Optional[str]
    payment_method: Optional[str]
    transaction_time: Optional[str]
    status: Optional[Status]
    money: Optional[Money]
    timestamp: str
    raw: str = dataclasses.field(repr=False)
    _native: _NativeVerifiedCallback = dataclasses.field(repr=False, compare=False)

    @property
    def is_final(self) -> bool:
        return self.status is not None and self.status.is_final

    @property
    def transacted_at(self) -> Optional[datetime]:
        return parse_time(self.transaction_time)

    @classmethod
    def _from(cls, native: _NativeVerifiedCallback) -> VerifiedCallback:
        d = native.to_dict()
        return cls(
            trade_no=d["trade_no"],
            order_no=d["order_no"],
            merchant_id=d["merchant_id"],
            merchant_name=d["merchant_name"],
            sub_merchant_id=d["sub_merchant_id"],
            sub_merchant_name=d["sub_merchant_name"],
            payment_method=d["payment_method"],
            transaction_time=d["transaction_time"],
            status=_status(d["status"]),
            money=Money._from(d["money"]),
            timestamp=d["timestamp"],
            raw=d["raw"],
            _native=native,
        )


@dataclass(frozen=True)
class ConfirmedCallback(_Answer):
    """A callback whose claims the gateway confirmed: ``inquiry`` is the authoritative
    state (status, money) of the order."""

    callback: VerifiedCallback
    inquiry: StatusResult

    @property
    def status(self) -> Optional[Status]:
        return self.inquiry.status

    @property
    def money(self) -> Optional[Money]:
        return self.inquiry.money

    @property
    def is_final(self) -> bool:
        return self.inquiry.is_final

    @classmethod
    def _from(cls, callback: VerifiedCallback, d: dict[str, Any]) -> ConfirmedCallback:
        return cls(callback=callback, inquiry=StatusResult._from(d["inquiry"]))


class CallbackVerifier:
    """Verifies callbacks; build it once (the keys are parsed here) and reuse it.

    ``platform_public_key``: the Smilepayz platform public key (PEM or bare base64), or
    several during a key rotation. ``max_age``: refuse callbacks whose ``X-TIMESTAMP`` is
    older, in seconds (off by default: Smilepayz documents none). ``clock``: seconds
    since the epoch, like :func:`time.time` (for tests)."""

    def __init__(
        self,
        platform_public_key: Union[str, Sequence[str]],
        *,
        max_age: Optional[float] = None,
        max_body_bytes: Optional[int] = None,
        clock: Optional[Callable[[], float]] = None,
    ) -> None:
        keys = [platform_public_key] if isinstance(platform_public_key, str) else list(platform_public_key)
        self._native = _native.CallbackVerifier(keys, max_age=max_age, max_body_bytes=max_body_bytes, clock=clock)

    def verify(self, headers: Headers, body: Union[bytes, bytearray, memoryview]) -> VerifiedCallback:
        """Checks the signature over the raw ``body``; raises
        :class:`~smilepayz.errors.SignatureError` naming the failed check."""
        return VerifiedCallback._from(self._native.verify(_pairs(headers), _raw(body)))

    def __repr__(self) -> str:
        return repr(self._native)


def verify_callback(
    headers: Headers,
    body: Union[bytes, bytearray, memoryview],
    *,
    platform_public_key: Union[str, Sequence[str]],
    max_age: Optional[float] = None,
) -> VerifiedCallback:
    """One-off verification; prefer a :class:`CallbackVerifier` built once per process."""
    return CallbackVerifier(platform_public_key, max_age=max_age).verify(headers, body)
