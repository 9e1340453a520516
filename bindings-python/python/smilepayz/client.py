"""The pay-out clients: :class:`Client` (blocking; the interpreter lock is released
while it waits) and :class:`AsyncClient` (asyncio). Both drive the same Rust client, on a
runtime the package owns and restarts in a forked child."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional, TypedDict, TypeVar

from . import _native
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
    ) -> None:
        """Checks every setting and parses the private key once; a bad setting raises
        :class:`~smilepayz.errors.ConfigError` here, not at the first pay-out.

        ``environment`` is ``sandbox`` or ``production``; ``base_url`` (e.g. a mock
        gateway) replaces it. Durations are milliseconds. ``retry`` bounds retries of
        requests that are safe to repeat (see :class:`RetrySettings`).
        ``order_not_found_codes``: gateway codes that mean "no such order" to
        ``reconcile_payout``. The settings are read (and checked) by the Rust core, as
        Node's options are."""
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
            }
        )

    @classmethod
    def from_env(cls: type[_C], **overrides: Any) -> _C:
        """Reads ``SMILEPAYZ_MERCHANT_ID``, ``SMILEPAYZ_MERCHANT_SECRET``,
        ``SMILEPAYZ_PRIVATE_KEY``, ``SMILEPAYZ_ENVIRONMENT`` and ``SMILEPAYZ_BASE_URL``;
        ``overrides`` (the constructor's keyword arguments) are applied on top."""
        client = cls.__new__(cls)
        client._native = _native.Client.from_env(overrides)
        return client

    @property
    def merchant_id(self) -> str:
        return self._native.merchant_id

    @property
    def base_url(self) -> str:
        return self._native.base_url

    def __repr__(self) -> str:
        return f"{type(self).__name__}(merchant_id={self.merchant_id!r}, base_url={self.base_url!r})"


class Client(_Configured):
    """The blocking client. Thread-safe; share one per process."""

    def payout(self, request: PayoutRequest) -> PayoutResult:
        """Sends a pay-out once. On :class:`~smilepayz.errors.OutcomeUnknownError` do not
        send it again: call :meth:`reconcile_payout`."""
        return PayoutResult._from(self._native.payout(request._native))

    def inquire_status(self, *, order_no: Optional[str] = None, trade_no: Optional[str] = None) -> StatusResult:
        """The gateway's state of one order, by exactly one of its numbers."""
        return StatusResult._from(self._native.inquire_status(order_no=order_no, trade_no=trade_no))

    def inquire_balance(self, account_no: str) -> BalanceResult:
        """The balances of a merchant account."""
        return BalanceResult._from(self._native.inquire_balance(account_no))

    def reconcile_payout(self, order_no: str) -> Reconciliation:
        """What became of a pay-out whose outcome was unknown."""
        return Reconciliation._from(self._native.reconcile_payout(order_no))

    def confirm_callback(self, callback: VerifiedCallback) -> ConfirmedCallback:
        """Asks the gateway for the callback's order: its answer must carry the signed
        trade number, the same money and the same status.

        Raises :class:`~smilepayz.errors.CallbackMismatchError` when anything is missing
        or different (forged, altered or about another order: refuse it, e.g. HTTP 401)
        and :class:`~smilepayz.errors.StaleCallbackError` when the gateway has moved past
        the announced status (genuine but old: book ``gateway_status`` and acknowledge).
        See :class:`~smilepayz.ConfirmedCallback` for what a confirmation vouches for."""
        try:
            return ConfirmedCallback._from(callback, self._native.confirm_callback(callback._native))
        except StaleCallbackError as stale:
            stale.callback = callback
            raise


class AsyncClient(_Configured):
    """The asyncio client: the same methods as :class:`Client`, as coroutines. Many
    calls may run at once. A cancelled pay-out still runs to its end in the background
    (it may already have reached the gateway): reconcile it."""

    async def payout(self, request: PayoutRequest) -> PayoutResult:
        return PayoutResult._from(await self._native.payout_async(request._native))

    async def inquire_status(self, *, order_no: Optional[str] = None, trade_no: Optional[str] = None) -> StatusResult:
        return StatusResult._from(await self._native.inquire_status_async(order_no=order_no, trade_no=trade_no))

    async def inquire_balance(self, account_no: str) -> BalanceResult:
        return BalanceResult._from(await self._native.inquire_balance_async(account_no))

    async def reconcile_payout(self, order_no: str) -> Reconciliation:
        return Reconciliation._from(await self._native.reconcile_payout_async(order_no))

    async def confirm_callback(self, callback: VerifiedCallback) -> ConfirmedCallback:
        try:
            return ConfirmedCallback._from(callback, await self._native.confirm_callback_async(callback._native))
        except StaleCallbackError as stale:
            stale.callback = callback
            raise
