"""Callback verification. Smilepayz signs only ``tradeNo`` and ``X-TIMESTAMP``: a
verified callback's trade number is authentic; its order number, status and money are
claims until ``client.confirm_callback`` asks the gateway for that order and checks them
against its answer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable, Optional, Union

from . import _events, _native
from ._answers import _Answer, parse_time
from ._native import VerifiedCallback as _NativeVerifiedCallback
from .models import Money, Status, StatusResult, _CallbackFields

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
    return body if type(body) is bytes else bytes(body)


class VerifiedCallback(_CallbackFields):
    """A callback whose signature verified. Confirm it before moving money.

    Its order number, status and money are claims (not signed): ``confirm_callback`` asks
    the gateway for that order and checks them. Only verification makes one: it holds the
    native verified callback that ``confirm_callback`` reads. Fields are read from it on
    access, so verifying stays as cheap as the signature check itself."""

    __slots__ = ("_cache", "_native")

    def __init__(self, native: _NativeVerifiedCallback) -> None:
        self._native = native
        self._cache: Optional[dict[str, Any]] = None

    @property
    def _fields(self) -> dict[str, Any]:
        # Read from the native object on first use: a handler that only needs the
        # trade number pays for the signature check alone.
        if self._cache is None:
            self._cache = self._native.to_dict()
        return self._cache

    @classmethod
    def _detached(cls, fields: dict[str, Any]) -> VerifiedCallback:
        # The callback fields of an error, before the client puts back the verified
        # callback it was given; holds no native handle, so it cannot be confirmed.
        callback = cls.__new__(cls)
        callback._native = None  # type: ignore[assignment]
        callback._cache = {"timestamp": "", **fields}
        return callback

    def __reduce__(self) -> tuple[Any, ...]:
        # A pickled or copied callback keeps its fields but not the native handle: it
        # cannot be confirmed again (only verification makes a confirmable one).
        return (VerifiedCallback._detached, (dict(self._fields),))

    @property
    def trade_no(self) -> str:  # type: ignore[override]  # the native handle's, without reading the body
        """The signed trade number (the only field the signature covers)."""
        if self._native is None:
            return str(self._fields["trade_no"])
        return self._native.trade_no

    @property
    def timestamp(self) -> str:
        """``X-TIMESTAMP`` as received."""
        return str(self._fields["timestamp"])

    @property
    def is_final(self) -> bool:
        status = self.status
        return status is not None and status.is_final

    @property
    def transacted_at(self) -> Optional[datetime]:
        return parse_time(self.transaction_time)

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain Python values; the amount as a ``Decimal``."""
        plain = dict(self._fields)
        if plain["money"] is not None:
            plain["money"] = {"currency": plain["money"]["currency"], "amount": Decimal(plain["money"]["amount"])}
        return plain

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VerifiedCallback) and self._fields == other._fields

    def __hash__(self) -> int:
        return hash((self._fields["trade_no"], self._fields["timestamp"], self._fields["raw"]))

    def __repr__(self) -> str:
        return (
            f"VerifiedCallback(trade_no={self.trade_no!r}, order_no={self.order_no!r}, "
            f"status={self._fields['status']!r}, money={self._fields['money']!r}, timestamp={self.timestamp!r})"
        )


@dataclass(frozen=True)
class ConfirmedCallback(_Answer):
    """A callback the gateway confirmed through a status inquiry by its order number;
    ``inquiry`` is the authoritative state of the order.

    It vouches for exactly four fields: ``trade_no`` (tradeNo (signed) by Smilepayz),
    ``order_no`` (orderNo: asked for, and the gateway answered with the same tradeNo),
    ``status`` and ``money`` (equal to the gateway's answer). Nothing else in the body
    (merchant, payment method, transaction time, ...) is vouched for. Book by
    ``order_no`` and ``status`` of this object, never by fields read from the raw body."""

    order_no: str
    """The confirmed order number: book the callback under this one."""
    trade_no: str
    """The confirmed (signed) trade number."""
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
    def _from(cls, callback: VerifiedCallback, d: dict[str, Any]) -> ConfirmedCallback:  # type: ignore[override]
        return cls(
            order_no=d["order_no"], trade_no=d["trade_no"], callback=callback, inquiry=StatusResult._from(d["inquiry"])
        )


class CallbackVerifier:
    """Verifies callbacks; build it once (the keys are parsed here) and reuse it.

    ``platform_public_key``: the Smilepayz platform public key (PEM or bare base64), or
    several during a key rotation. ``max_age_ms``: refuse callbacks whose ``X-TIMESTAMP``
    is older, in milliseconds (off by default: Smilepayz documents none). ``clock``: seconds
    since the epoch, like :func:`time.time` (for tests)."""

    def __init__(
        self,
        platform_public_key: Union[str, Sequence[str]],
        *,
        max_age_ms: Optional[float] = None,
        max_body_bytes: Optional[int] = None,
        clock: Optional[Callable[[], float]] = None,
    ) -> None:
        keys = [platform_public_key] if isinstance(platform_public_key, str) else list(platform_public_key)
        settings = {"platform_public_keys": keys, "max_age_ms": max_age_ms, "max_body_bytes": max_body_bytes}
        self._native = _native.CallbackVerifier(settings, clock=clock, on_event=_events.emit)

    @classmethod
    def from_env(
        cls,
        *,
        max_age_ms: Optional[float] = None,
        max_body_bytes: Optional[int] = None,
        clock: Optional[Callable[[], float]] = None,
    ) -> CallbackVerifier:
        """A verifier of the key in ``SMILEPAYZ_PLATFORM_PUBLIC_KEY`` (PEM or bare
        base64); unset or not a key is a :class:`~smilepayz.errors.ConfigError`."""
        verifier = cls.__new__(cls)
        settings = {"max_age_ms": max_age_ms, "max_body_bytes": max_body_bytes}
        verifier._native = _native.CallbackVerifier(settings, clock=clock, on_event=_events.emit, from_env=True)
        return verifier

    def verify(self, headers: Headers, body: Union[bytes, bytearray, memoryview]) -> VerifiedCallback:
        """Checks the signature over the raw ``body``; raises
        :class:`~smilepayz.errors.SignatureError` naming the failed check."""
        return VerifiedCallback(self._native.verify(_pairs(headers), _raw(body)))

    def __repr__(self) -> str:
        return repr(self._native)


def verify_callback(
    headers: Headers,
    body: Union[bytes, bytearray, memoryview],
    *,
    platform_public_key: Union[str, Sequence[str]],
    max_age_ms: Optional[float] = None,
) -> VerifiedCallback:
    """One-off verification; prefer a :class:`CallbackVerifier` built once per process."""
    return CallbackVerifier(platform_public_key, max_age_ms=max_age_ms).verify(headers, body)
