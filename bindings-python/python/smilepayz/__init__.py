"""Pay-outs through the Smilepayz gateway: Indonesia (IDR), Peru (PEN), Colombia (COP),
Brazil (BRL over PIX) and USDT (TRC20, BEP20). Requests are validated, signed and sent by
a Rust core; a pay-out that may have reached the gateway is never sent again."""

from . import errors, requests
from ._native import RequestSigner, __version__, sign_request
from .callbacks import ACKNOWLEDGEMENT, CallbackVerifier, ConfirmedCallback, VerifiedCallback, verify_callback
from .client import AsyncClient, Client, RetrySettings
from .errors import (
    AbortedError,
    ApiError,
    CallbackMismatchError,
    ConfigError,
    InternalError,
    OutcomeUnknownError,
    ProtocolError,
    SignatureError,
    SmilepayzError,
    StaleCallbackError,
    TransportError,
    ValidationError,
)
from .models import (
    AccountBalance,
    BalanceResult,
    BalanceValue,
    Channel,
    MerchantEcho,
    Money,
    PayoutResult,
    Reconciliation,
    Status,
    StatusResult,
)

# Every region's request classes, receivers and choice values (generated from the core).
from .requests import *  # noqa: F403

__all__ = [
    "ACKNOWLEDGEMENT",
    "AbortedError",
    "AccountBalance",
    "ApiError",
    "AsyncClient",
    "BalanceResult",
    "BalanceValue",
    "CallbackMismatchError",
    "CallbackVerifier",
    "Channel",
    "Client",
    "ConfigError",
    "ConfirmedCallback",
    "InternalError",
    "MerchantEcho",
    "Money",
    "OutcomeUnknownError",
    "PayoutResult",
    "ProtocolError",
    "Reconciliation",
    "RequestSigner",
    "RetrySettings",
    "SignatureError",
    "SmilepayzError",
    "StaleCallbackError",
    "Status",
    "StatusResult",
    "TransportError",
    "ValidationError",
    "VerifiedCallback",
    "__version__",
    "errors",
    "sign_request",
    "verify_callback",
]
__all__ += requests.__all__
