"""Test support: a Smilepayz gateway on 127.0.0.1 (the Rust mock gateway) that checks
signatures and fields as the real one does, settles orders, sends signed callbacks and
injects faults; and :func:`sign_callback` for testing your own callback handler."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from types import TracebackType
from typing import Any, Literal, Optional, Union

from . import _native
from ._native import _panic_for_tests as _panic_for_tests  # panic-safety tests (private)
from ._native import _panic_for_tests_async as _panic_for_tests_async
from .callbacks import CallbackVerifier
from .client import AsyncClient, Client
from .errors import SmilepayzError

__all__ = ["MockGateway", "MockGatewayError", "sign_callback"]


class MockGatewayError(SmilepayzError, RuntimeError):
    """The mock gateway could not do what a test asked (it is closed, or has no such
    order). A :class:`~smilepayz.errors.SmilepayzError` like every error of the SDK."""

    kind = "mock_gateway"


Endpoint = Literal["payout", "status", "balance"]
Fault = Literal[
    "delay",
    "server_error_after_accept",
    "drop_after_accept",
    "malformed_after_accept",
    "redirect_before_accept",
    "redirect_after_accept",
    "reset_during_upload",
    "truncated_after_accept",
    "oversized_after_accept",
    "close_idle_keep_alive",
]
"""The fault names (Node's, in snake_case); the testkit reads them."""


class MockGateway:
    """A running mock gateway; use it as a context manager or call :meth:`close`.

    Most faults spoil the answer to the next request on an endpoint *after* the gateway
    handled it (a pay-out is accepted and counted): ``delay`` (with ``delay_ms``),
    ``server_error_after_accept`` (HTTP 500), ``drop_after_accept`` (connection closed),
    ``malformed_after_accept`` (not JSON), ``redirect_after_accept`` (a 307, or
    ``http_status``, to a port where nothing listens), ``truncated_after_accept`` (fewer
    body bytes than ``Content-Length``, then closed), ``oversized_after_accept`` (a body
    past the client's 1 MiB limit). Two leave the request
    unhandled — no order, not counted: ``redirect_before_accept`` and
    ``reset_during_upload`` (TCP reset once the head is read). ``close_idle_keep_alive``
    answers normally, then resets that kept-alive connection under the client's next
    request, which is never read (see :meth:`closed_keep_alive_connections`)."""

    def __init__(
        self,
        *,
        merchant_id: Optional[str] = None,
        merchant_secret: Optional[str] = None,
        merchant_private_key: Optional[str] = None,
        platform_private_key: Optional[str] = None,
    ) -> None:
        """Starts a gateway on a free port; unset settings (the keys too) are generated."""
        self._native = _native.MockGateway(
            {
                "merchant_id": merchant_id,
                "merchant_secret": merchant_secret,
                "merchant_private_key": merchant_private_key,
                "platform_private_key": platform_private_key,
            }
        )

    def __enter__(self) -> MockGateway:
        return self

    def __exit__(
        self, kind: Optional[type[BaseException]], error: Optional[BaseException], trace: Optional[TracebackType]
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stops the server (idempotent); later calls raise :class:`MockGatewayError`."""
        self._native.close()

    @property
    def base_url(self) -> str:
        return self._native.base_url

    @property
    def merchant_id(self) -> str:
        return self._native.merchant_id

    @property
    def merchant_secret(self) -> str:
        return self._native.merchant_secret

    @property
    def merchant_private_key_pem(self) -> str:
        return self._native.merchant_private_key_pem

    @property
    def platform_public_key(self) -> str:
        """The key callbacks verify with (bare base64, as Smilepayz hands it out)."""
        return self._native.platform_public_key

    @property
    def platform_private_key_pem(self) -> str:
        """The key callbacks are signed with, for :func:`sign_callback`."""
        return self._native.platform_private_key_pem

    def client(self, **settings: Any) -> Client:
        """A :class:`Client` configured for this gateway (extra settings passed on)."""
        return Client(**{**self._settings(), **settings})

    def async_client(self, **settings: Any) -> AsyncClient:
        """An :class:`AsyncClient` configured for this gateway."""
        return AsyncClient(**{**self._settings(), **settings})

    def callback_verifier(self, **settings: Any) -> CallbackVerifier:
        """A :class:`CallbackVerifier` for this gateway's callbacks."""
        return CallbackVerifier(self.platform_public_key, **settings)

    def _settings(self) -> dict[str, Any]:
        return {
            "merchant_id": self.merchant_id,
            "merchant_secret": self.merchant_secret,
            "private_key": self.merchant_private_key_pem,
            "base_url": self.base_url,
            "order_not_found_codes": [self._native.order_not_found_code],
        }

    def settle(self, order_no: str, status: str) -> Optional[dict[str, Any]]:
        """Sets an order's status; when it has a ``callback_url``, delivers the signed
        callback and returns the answer (``http_status``, ``body``, ``acknowledged``)."""
        return self._native.settle(order_no, status)

    async def settle_async(self, order_no: str, status: str) -> Optional[dict[str, Any]]:
        """:meth:`settle` for asyncio code: the event loop keeps running (and can answer
        the callback, e.g. an ASGI app in the same loop) while the callback is delivered."""
        return await asyncio.to_thread(self._native.settle, order_no, status)

    def signed_callback(self, order_no: str) -> Optional[tuple[dict[str, str], bytes]]:
        """The signed callback (headers, body) the gateway would send for an order now."""
        return self._native.signed_callback(order_no)

    def inject(
        self, endpoint: Endpoint, fault: Fault, *, delay_ms: Optional[float] = None, http_status: Optional[int] = None
    ) -> None:
        """Spoils the next request to ``endpoint`` with ``fault``; ``delay_ms`` for ``delay``,
        ``http_status`` (307 by default, or 308) for the redirects. A bad name or setting
        is a :class:`~smilepayz.errors.ConfigError`."""
        self._native.inject(endpoint, {"fault": fault, "delay_ms": delay_ms, "http_status": http_status})

    def closed_keep_alive_connections(self) -> int:
        """How many kept-alive connections ``close_idle_keep_alive`` reset under the
        client's next request: each one is a request written onto a dead connection."""
        return self._native.closed_keep_alive_connections()

    def refuse_connections_for(self, duration_ms: float) -> None:
        """Closes the port for ``duration_ms`` (nothing can be sent); returns once refused."""
        self._native.refuse_connections_for(duration_ms)

    def order(self, order_no: str) -> Optional[dict[str, Any]]:
        """An order as the gateway holds it (snake_case keys, ``amount`` a ``Decimal``)."""
        order = self._native.order(order_no)
        return None if order is None else _with_decimal_amount(order)

    def orders(self) -> list[dict[str, Any]]:
        return [_with_decimal_amount(order) for order in self._native.orders()]

    def received(self) -> list[dict[str, Any]]:
        """Every HTTP request received, oldest first: ``method``, ``path``, ``headers``
        (``[name, value]`` pairs), ``body`` (text), ``http_status``, ``code``, ``fault``,
        ``handled``."""
        return self._native.received()

    def payout_requests_for(self, order_no: str) -> int:
        """How many authenticated pay-out requests named ``order_no``."""
        return self._native.payout_requests_for(order_no)

    def set_balance(self, account_no: str, currency: str, balance: Decimal, available: Decimal) -> None:
        self._native.set_balance(account_no, currency, balance, available)

    def set_remark(self, order_no: str, remark: str) -> bool:
        return self._native.set_remark(order_no, remark)

    def __repr__(self) -> str:
        return repr(self._native)


def _with_decimal_amount(order: dict[str, Any]) -> dict[str, Any]:
    return {**order, "amount": Decimal(order["amount"])}


def sign_callback(
    platform_private_key: str, body: Union[bytes, str, dict[str, Any]], *, timestamp: Optional[str] = None
) -> tuple[dict[str, str], bytes]:
    """Signs a callback body as Smilepayz does: returns (headers, body bytes).
    ``timestamp`` defaults to now in the gateway's zone, ``yyyy-MM-ddTHH:mm:ss+07:00``
    (as Node's ``signCallback``)."""
    return _native.sign_callback(platform_private_key, body, timestamp=timestamp)
