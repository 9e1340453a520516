"""The exceptions of the SDK. Every one is a :class:`SmilepayzError`; the native module
raises them with the fields the Rust core gives each kind. None carries a secret."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Optional

from .callbacks import VerifiedCallback
from .models import Status, StatusResult, _status

__all__ = [
    "ApiError",
    "CallbackMismatchError",
    "ConfigError",
    "InternalError",
    "OutcomeUnknownError",
    "ProtocolError",
    "SignatureError",
    "SmilepayzError",
    "StaleCallbackError",
    "TransportError",
    "ValidationError",
    "Violation",
]


class SmilepayzError(Exception):
    """Base of every error the SDK raises."""

    kind: ClassVar[str] = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Violation:
    """One broken rule of a request: the field (snake_case path), the rule, and why."""

    path: str
    rule: str
    message: str


class ValidationError(SmilepayzError):
    """A request breaks rules; nothing was sent. ``violations`` lists every problem."""

    kind = "validation"

    def __init__(self, message: str, *, violations: list[Violation]) -> None:
        super().__init__(message)
        self.violations = violations


class ConfigError(SmilepayzError):
    """A setting is missing or wrong. ``key_error`` names the key mistake, if any
    (``empty``, ``not_pem_or_base64``, ``wrong_kind``, ``encrypted``, ``not_rsa``,
    ``too_small``)."""

    kind = "config"

    def __init__(self, message: str, *, key_error: Optional[str] = None) -> None:
        super().__init__(message)
        self.key_error = key_error


class ApiError(SmilepayzError):
    """The gateway answered with a ``code`` other than ``00``: ``api_code`` and
    ``api_message`` are the gateway's (Node: ``apiCode``, ``apiMessage``)."""

    kind = "api"

    def __init__(self, message: str, *, api_code: str, api_message: str, http_status: int, raw_body: str) -> None:
        super().__init__(message)
        self.api_code = api_code
        self.api_message = api_message
        self.http_status = http_status
        self.raw_body = raw_body


class OutcomeUnknownError(SmilepayzError):
    """The pay-out may or may not have been accepted. Never send it again: call
    ``reconcile_payout(order_no)``. ``cause`` is ``timeout``, ``connection_lost``,
    ``server_error``, ``unreadable``, ``wrong_order``, ``redirect`` (the gateway answered
    with a redirect, never followed; ``http_status`` is set) or ``internal`` (the SDK
    failed after the pay-out may have left)."""

    kind = "outcome_unknown"

    def __init__(
        self, message: str, *, order_no: str, cause: str, cause_detail: str, http_status: Optional[int] = None
    ) -> None:
        super().__init__(message)
        self.order_no = order_no
        self.cause = cause
        self.cause_detail = cause_detail
        self.http_status = http_status


class TransportError(SmilepayzError):
    """Nothing reached the gateway (connection refused, DNS, TLS): safe to try again."""

    kind = "transport"


class ProtocolError(SmilepayzError):
    """An inquiry's answer was not the documented JSON, even after retries."""

    kind = "protocol"

    def __init__(self, message: str, *, http_status: int, detail: str, body_excerpt: str) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.detail = detail
        self.body_excerpt = body_excerpt


class SignatureError(SmilepayzError):
    """A callback failed verification. ``check`` names the failed check, e.g.
    ``bad_signature``, ``missing_header``, ``too_old``."""

    kind = "signature"

    def __init__(self, message: str, *, check: str) -> None:
        super().__init__(message)
        self.check = check


class CallbackMismatchError(SmilepayzError):
    """A verified callback disagrees with the gateway's answer for its order: forged,
    altered (only ``tradeNo`` is signed) or about another order. Refuse it (e.g. HTTP
    401) and book nothing. ``field`` is ``orderNo`` (missing, or no such order),
    ``tradeNo`` (the order has another trade number), ``status`` or ``money``."""

    kind = "callback_mismatch"

    def __init__(self, message: str, *, field: str, callback_value: str, gateway_value: str) -> None:
        super().__init__(message)
        self.field = field
        self.callback_value = callback_value
        self.gateway_value = gateway_value


class StaleCallbackError(SmilepayzError):
    """A genuine callback whose announced status the gateway has since moved past (e.g.
    PROCESSING announced, SUCCESS by the time it was confirmed). Not forged: its order,
    trade number and money were confirmed, only its status is old. Book
    ``gateway_status`` (from ``inquiry``) for ``order_no`` and acknowledge the callback
    (HTTP 200, ``ACKNOWLEDGEMENT``), or Smilepayz sends it again. Deliberately not a
    :class:`CallbackMismatchError`: a handler that refuses mismatches must not refuse this.

    ``callback`` is the verified callback given to ``confirm_callback`` and ``inquiry``
    the gateway's answer, the authoritative state."""

    kind = "stale_callback"

    def __init__(
        self,
        message: str,
        *,
        announced_status: Optional[Status],
        gateway_status: Optional[Status],
        inquiry: StatusResult,
        callback: VerifiedCallback,
    ) -> None:
        super().__init__(message)
        self.announced_status = announced_status
        self.gateway_status = gateway_status
        self.inquiry = inquiry
        self.callback = callback

    @property
    def order_no(self) -> str:
        """The confirmed order number: book ``gateway_status`` under this one."""
        return self.callback.order_no or ""

    @property
    def trade_no(self) -> str:
        """The confirmed (signed) trade number."""
        return self.callback.trade_no


class InternalError(SmilepayzError):
    """A bug in the SDK (a caught panic), reported instead of crashing or hanging. A
    pay-out that may have left when it happened is an :class:`OutcomeUnknownError` with
    cause ``internal`` instead. Please report it."""

    kind = "internal"


def _from_native(fields: dict[str, Any]) -> SmilepayzError:
    """Builds the exception for the fields of a core error (see ``smilepayz_interop::error_fields``)."""
    message: str = fields["message"]
    kind = fields["kind"]
    if kind == "validation":
        return ValidationError(message, violations=[Violation(**v) for v in fields["violations"]])
    if kind == "config":
        return ConfigError(message, key_error=fields["key_error"])
    if kind == "api":
        return ApiError(
            message,
            api_code=fields["api_code"],
            api_message=fields["api_message"],
            http_status=fields["http_status"],
            raw_body=fields["raw_body"],
        )
    if kind == "outcome_unknown":
        return OutcomeUnknownError(
            message,
            order_no=fields["order_no"],
            cause=fields["cause"],
            cause_detail=fields["cause_detail"],
            http_status=fields["http_status"],
        )
    if kind == "transport":
        return TransportError(message)
    if kind == "protocol":
        return ProtocolError(
            message, http_status=fields["http_status"], detail=fields["detail"], body_excerpt=fields["body_excerpt"]
        )
    if kind == "signature":
        return SignatureError(message, check=fields["check"])
    if kind == "callback_mismatch":
        return CallbackMismatchError(
            message,
            field=fields["field"],
            callback_value=fields["callback_value"],
            gateway_value=fields["gateway_value"],
        )
    if kind == "stale_callback":
        return StaleCallbackError(
            message,
            announced_status=_status(fields["announced_status"]),
            gateway_status=_status(fields["gateway_status"]),
            inquiry=StatusResult._from(fields["inquiry"]),
            callback=VerifiedCallback._detached(fields["callback"]),
        )
    if kind == "internal":
        return InternalError(message)
    return SmilepayzError(message)
