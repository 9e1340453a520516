"""Callback endpoints in one line: :class:`CallbackHandler` verifies a callback, confirms
it with the gateway, calls your function once and answers ``200 SUCCESS`` only after
your function returned; the framework adapters (``smilepayz.integrations.fastapi``,
``.flask``, ``.django``) only read the raw request and write the answer back.

Answers: ``200 SUCCESS`` once your function returned; ``401`` for a callback that is
not genuine or not about the order it names (your function is not called); ``503`` when
the gateway could not confirm it now or your function raised, so Smilepayz sends it again.

The handler keeps no state: a callback Smilepayz sends twice reaches your function
twice. Make the booking idempotent on :attr:`Delivery.idempotency_key` (``tradeNo`` and
the booked status), e.g. with a unique index in your database."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from typing import Any, Callable, Optional, Union

from .. import _native
from ..callbacks import CallbackVerifier, Headers, _pairs, _raw
from ..client import AsyncClient, Client
from ..models import Money, Status, StatusResult

__all__ = ["CallbackHandler", "Delivery", "HandlerResponse", "OnCallback"]

_log = logging.getLogger("smilepayz.integrations")
_log.addHandler(logging.NullHandler())


@dataclass(frozen=True)
class HandlerResponse:
    """What the endpoint writes back."""

    status: int
    body: str
    content_type: str

    @classmethod
    def _from(cls, d: Mapping[str, Any]) -> HandlerResponse:
        return cls(status=d["status"], body=d["body"], content_type=d["content_type"])


@dataclass(frozen=True)
class Delivery:
    """A confirmed callback, as your function receives it.

    ``status`` is the status to book: the gateway's. For an ordinary callback it equals
    the announced one. For a stale callback (``stale`` is true: the gateway had moved past
    the announced non-final status, e.g. PROCESSING announced and SUCCESS by the time it
    was confirmed) it is the gateway's newer status, and ``announced_status`` the old one."""

    order_no: str
    """The confirmed order number."""
    trade_no: str
    """The signed trade number."""
    status: Status
    """The status to book (the gateway's current one)."""
    announced_status: Status
    """The status the callback announced."""
    stale: bool
    """True when the gateway had moved past the announced status."""
    idempotency_key: str
    """``tradeNo:status``: book at most once per key."""
    callback: Mapping[str, Any]
    """The callback body's fields (only order, trade, status and money are vouched for)."""
    inquiry: StatusResult
    """The gateway's answer for the order."""

    @property
    def money(self) -> Optional[Money]:
        """The confirmed amount."""
        return self.inquiry.money

    @classmethod
    def _from(cls, d: Mapping[str, Any]) -> Delivery:
        return cls(
            order_no=d["order_no"],
            trade_no=d["trade_no"],
            status=Status(d["status"]),
            announced_status=Status(d["announced_status"]),
            stale=d["stale"],
            idempotency_key=d["idempotency_key"],
            callback=d["callback"],
            inquiry=StatusResult._from(d["inquiry"]),
        )


OnCallback = Callable[[Delivery], Optional[Awaitable[None]]]
"""Your function: books one delivery; sync or async; raise to have it sent again."""


def _header_bytes(headers: Headers) -> list[tuple[str, bytes]]:
    return [(name, value.encode() if isinstance(value, str) else bytes(value)) for name, value in _pairs(headers)]


class CallbackHandler:
    """Build once with the client, the verifier and your function; call :meth:`handle`
    (Flask, Django, any WSGI code) or :meth:`handle_async` (FastAPI, any asyncio code)
    with the request's headers and raw body."""

    def __init__(self, client: Union[Client, AsyncClient], verifier: CallbackVerifier, on_callback: OnCallback) -> None:
        self._native = _native.CallbackHandler(client._native, verifier._native)
        self._on_callback = on_callback

    def handle(self, headers: Headers, body: Union[bytes, bytearray, memoryview]) -> HandlerResponse:
        """Handles one callback request, blocking; an async function runs to completion
        in its own event loop (there must be none running in this thread)."""
        received = self._native.receive(_header_bytes(headers), _raw(body))
        delivery = self._delivery(received)
        if delivery is None:
            return HandlerResponse._from(received["response"])
        try:
            result = self._on_callback(delivery)
            if inspect.isawaitable(result):
                asyncio.run(_awaited(result))
        except Exception:
            return self._failed(delivery)
        return self._after(True)

    async def handle_async(self, headers: Headers, body: Union[bytes, bytearray, memoryview]) -> HandlerResponse:
        """Handles one callback request; a sync function runs in a worker thread so it
        does not block the event loop."""
        received = await self._native.receive_async(_header_bytes(headers), _raw(body))
        delivery = self._delivery(received)
        if delivery is None:
            return HandlerResponse._from(received["response"])
        try:
            if inspect.iscoroutinefunction(self._on_callback):
                await self._on_callback(delivery)
            else:
                result = await asyncio.to_thread(self._on_callback, delivery)
                if inspect.isawaitable(result):
                    await result
        except Exception:
            return self._failed(delivery)
        return self._after(True)

    @staticmethod
    def _delivery(received: Mapping[str, Any]) -> Optional[Delivery]:
        if "delivery" in received:
            return Delivery._from(received["delivery"])
        _log.warning("callback not delivered: %s", received["reason"], extra={"reason": received["reason"]})
        return None

    def _failed(self, delivery: Delivery) -> HandlerResponse:
        _log.exception(
            "callback function failed for %s; answering 503 so Smilepayz sends it again",
            delivery.idempotency_key,
            extra={"idempotency_key": delivery.idempotency_key},
        )
        return self._after(False)

    @staticmethod
    def _after(booked: bool) -> HandlerResponse:
        return HandlerResponse._from(_native.CallbackHandler.after_booking(booked))


async def _awaited(result: Awaitable[None]) -> None:
    await result
