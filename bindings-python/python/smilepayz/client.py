"""The pay-out clients: :class:`Client` (blocking; the interpreter lock is released
while it waits) and :class:`AsyncClient` (asyncio). Both drive the same Rust client, on a
runtime the package owns and restarts in a forked child."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional, TypedDict, TypeVar

from . import _events, _native
from .callbacks import ConfirmedCallback, VerifiedCallback
from .errors import StaleCallbackError
from .models import BalanceResult, PayoutResult, Reconciliation, StatusResult
from .requests import PayoutRequest

__all__ = ["AsyncClient", "Client", "RetrySettings"]

_C = TypeVar("_C", bound="_Configured")


class RetrySettings(TypedDict, total=False):
    """Retries of requests that are safe to repeat (a pay-out is retried only when it
    never left); unset keys keep the defaults (3 attempts, 100 ms doubling to 2 s)."""

    max_attempts: int
    """Attempts in total, the first included: an ``int`` from 1 to 10."""
    initial_backoff_ms: float
    """Wait before the first retry, in milliseconds."""
    max_backoff_ms: float
    """Longest wait between attempts, in milliseconds."""


class _Configured:
    def __init__(
        self,
        *,
        merchant_id: Optional[str] = None,
        merchant_secret: Optional[str] = None,
        private_key: Optional[str] = None,
        environment: Optional[str] = None,
        base_url: Optional[str] = None,
        connect_timeout_ms: Optional[float] = None,
        timeout_ms: Optional[float] = None,
        retry: Optional[RetrySettings] = None,
        user_agent_suffix: Optional[str] = None,
        order_not_found_codes: Optional[Sequence[str]] = None,
        proxy: Optional[str] = None,
        proxy_from_environment: Optional[bool] = None,
        local_address: Optional[str] = None,
        ipv4_only: Optional[bool] = None,
        extra_ca_certificates: Optional[Sequence[str]] = None,
    ) -> None:
        """Checks every setting and parses the private key once; a bad setting raises
        :class:`~smilepayz.errors.ConfigError` here, not at the first pay-out.

        ``environment`` is ``sandbox`` or ``production``; ``base_url`` (e.g. a mock
        gateway) replaces it. Durations are milliseconds. ``retry`` bounds retries of
        requests that are safe to repeat (see :class:`RetrySettings`).
        ``order_not_found_codes``: gateway codes that mean "no such order" to
        ``reconcile_payout``.

        Network: ``proxy`` is an ``http://`` or ``https://`` proxy URL (user info kept
        secret); without it no proxy is used, and ``HTTPS_PROXY`` and friends are honoured
        only with ``proxy_from_environment=True``. ``local_address`` is the IP address to
        connect from (the one Smilepayz allow-lists; an IPv4 one makes the client
        IPv4-only), ``ipv4_only`` connects over IPv4 only, ``extra_ca_certificates`` are
        PEM texts of CAs to trust besides the system's. Every call also takes
        ``timeout_ms``, that call's limit instead of the client's.

        The settings are read (and checked) by the Rust core, as Node's options are.
        Events of every call are logged on the ``smilepayz`` logger (see the README)."""
        self._native = _native.Client(
            {
                "merchant_id": merchant_id,
                "merchant_secret": merchant_secret,
                "private_key": private_key,
                "environment": environment,
                "base_url": base_url,
                "connect_timeout_ms": connect_timeout_ms,
                "timeout_ms": timeout_ms,
                "retry": retry,
                "user_agent_suffix": user_agent_suffix,
                "order_not_found_codes": order_not_found_codes,
                "proxy": proxy,
                "proxy_from_environment": proxy_from_environment,
                "local_address": local_address,
                "ipv4_only": ipv4_only,
                "extra_ca_certificates": extra_ca_certificates,
            },
            on_event=_events.emit,
        )

    @classmethod
    def from_env(cls: type[_C], **overrides: Any) -> _C:
        """Reads ``SMILEPAYZ_MERCHANT_ID``, ``SMILEPAYZ_MERCHANT_SECRET``,
        ``SMILEPAYZ_PRIVATE_KEY``, ``SMILEPAYZ_ENVIRONMENT`` and ``SMILEPAYZ_BASE_URL``;
        ``overrides`` (the constructor's keyword arguments) are applied on top."""
        client = cls.__new__(cls)
        client._native = _native.Client.from_env(overrides, on_event=_events.emit)
        return client

    @property
    def merchant_id(self) -> str:
        return self._native.merchant_id

    @property
    def base_url(self) -> str:
        return self._native.base_url

    def __repr__(self) -> str:
        return f"{type(self).__name__}(merchant_id={self.merchant_id!r}, base_url={self.base_url!r})"


def _call(timeout_ms: Optional[float]) -> Optional[dict[str, Any]]:
    # One call's settings, read by the core like the client's.
    return None if timeout_ms is None else {"timeout_ms": timeout_ms}


class Client(_Configured):
    """The blocking client. Thread-safe; share one per process. Every method takes
    ``timeout_ms``: that call's whole limit, in milliseconds, instead of the client's."""

    def payout(self, request: PayoutRequest, *, timeout_ms: Optional[float] = None) -> PayoutResult:
        """Sends a pay-out once. On :class:`~smilepayz.errors.OutcomeUnknownError` do not
        send it again: call :meth:`reconcile_payout`."""
        return PayoutResult._from(self._native.payout(request._native, call=_call(timeout_ms)))

    def inquire_status(
        self, *, order_no: Optional[str] = None, trade_no: Optional[str] = None, timeout_ms: Optional[float] = None
    ) -> StatusResult:
        """The gateway's state of one order, by exactly one of its numbers."""
        answer = self._native.inquire_status(order_no=order_no, trade_no=trade_no, call=_call(timeout_ms))
        return StatusResult._from(answer)

    def inquire_balance(self, account_no: str, *, timeout_ms: Optional[float] = None) -> BalanceResult:
        """The balances of a merchant account."""
        return BalanceResult._from(self._native.inquire_balance(account_no, call=_call(timeout_ms)))

    def reconcile_payout(self, order_no: str, *, timeout_ms: Optional[float] = None) -> Reconciliation:
        """What became of a pay-out whose outcome was unknown."""
        return Reconciliation._from(self._native.reconcile_payout(order_no, call=_call(timeout_ms)))

    def confirm_callback(self, callback: VerifiedCallback, *, timeout_ms: Optional[float] = None) -> ConfirmedCallback:
        """Asks the gateway for the callback's order: its answer must carry the signed
        trade number, the same money and the same status.

        Raises :class:`~smilepayz.errors.CallbackMismatchError` when anything is missing
        or different (forged, altered or about another order: refuse it, e.g. HTTP 401)
        and :class:`~smilepayz.errors.StaleCallbackError` when the gateway has moved past
        the announced status (genuine but old: book ``gateway_status`` and acknowledge).
        See :class:`~smilepayz.ConfirmedCallback` for what a confirmation vouches for."""
        try:
            answer = self._native.confirm_callback(callback._native, call=_call(timeout_ms))
            return ConfirmedCallback._from(callback, answer)
        except StaleCallbackError as stale:
            stale.callback = callback
            raise


class AsyncClient(_Configured):
    """The asyncio client: the same methods as :class:`Client`, as coroutines. Many
    calls may run at once. A cancelled pay-out still runs to its end in the background
    (it may already have reached the gateway): reconcile it."""

    async def payout(self, request: PayoutRequest, *, timeout_ms: Optional[float] = None) -> PayoutResult:
        answer = await self._native.payout(request._native, call=_call(timeout_ms), asynchronous=True)
        return PayoutResult._from(answer)

    async def inquire_status(
        self, *, order_no: Optional[str] = None, trade_no: Optional[str] = None, timeout_ms: Optional[float] = None
    ) -> StatusResult:
        answer = await self._native.inquire_status(
            order_no=order_no, trade_no=trade_no, call=_call(timeout_ms), asynchronous=True
        )
        return StatusResult._from(answer)

    async def inquire_balance(self, account_no: str, *, timeout_ms: Optional[float] = None) -> BalanceResult:
        answer = await self._native.inquire_balance(account_no, call=_call(timeout_ms), asynchronous=True)
        return BalanceResult._from(answer)

    async def reconcile_payout(self, order_no: str, *, timeout_ms: Optional[float] = None) -> Reconciliation:
        answer = await self._native.reconcile_payout(order_no, call=_call(timeout_ms), asynchronous=True)
        return Reconciliation._from(answer)

    async def confirm_callback(
        self, callback: VerifiedCallback, *, timeout_ms: Optional[float] = None
    ) -> ConfirmedCallback:
        try:
            answer = await self._native.confirm_callback(callback._native, call=_call(timeout_ms), asynchronous=True)
            return ConfirmedCallback._from(callback, answer)
        except StaleCallbackError as stale:
            stale.callback = callback
            raise
