"""What the gateway answers, as typed objects. Amounts are :class:`decimal.Decimal`,
times are kept as the gateway wrote them (with a parsed ``datetime`` where one parses),
and every answer keeps its raw JSON body in ``raw``."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, Optional

from . import _native

__all__ = [
    "AccountBalance",
    "BalanceResult",
    "BalanceValue",
    "Channel",
    "MerchantEcho",
    "Money",
    "PayoutResult",
    "Reconciliation",
    "Status",
    "StatusResult",
]


class Status(str, enum.Enum):
    """An order's status. A value this SDK does not know yet is kept: its name is
    ``UNKNOWN`` and its value the string as the gateway wrote it."""

    PROCESSING = "PROCESSING"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"
    EXPIRED = "EXPIRED"
    REVIEW = "REVIEW"
    INIT = "INIT"
    CANCELLED = "CANCELLED"

    @classmethod
    def _missing_(cls, value: object) -> Optional[Status]:
        if not isinstance(value, str):
            return None
        unknown = str.__new__(cls, value)
        unknown._name_ = "UNKNOWN"
        unknown._value_ = value
        return unknown

    @property
    def is_final(self) -> bool:
        """True when the order will not change any more (decided by the core)."""
        return _native.status_is_final(self.value)

    def __str__(self) -> str:
        return str(self.value)


def _status(value: Optional[str]) -> Optional[Status]:
    return None if value is None else Status(value)


def parse_time(value: Optional[str]) -> Optional[datetime]:
    """The gateway's time text as a ``datetime`` (aware when it carries an offset)."""
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


class _Answer:
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain Python values (statuses as their strings)."""
        plain: dict[str, Any] = _plain(self)
        return plain


def _plain(value: Any) -> Any:
    if isinstance(value, Status):
        return value.value
    if not dataclasses.is_dataclass(value) and callable(getattr(value, "to_dict", None)):
        return value.to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # Private fields (the native handle of a verified callback) are not data.
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if not f.name.startswith("_")}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Money(_Answer):
    """An exact amount with its currency."""

    currency: str
    amount: Decimal

    @classmethod
    def _from(cls, d: Optional[dict[str, Any]]) -> Optional[Money]:
        return None if d is None else cls(currency=d["currency"], amount=Decimal(d["amount"]))


@dataclass(frozen=True)
class MerchantEcho(_Answer):
    """The merchant as the gateway echoes it."""

    merchant_id: Optional[str]
    merchant_name: Optional[str]
    sub_merchant_id: Optional[str]
    sub_merchant_name: Optional[str]
    account_no: Optional[str]

    @classmethod
    def _from(cls, d: Optional[dict[str, Any]]) -> Optional[MerchantEcho]:
        return None if d is None else cls(**d)


@dataclass(frozen=True)
class Channel(_Answer):
    """How the money travels, as the gateway echoes it."""

    payment_method: Optional[str]
    cash_account: Optional[str]
    account_name: Optional[str]

    @classmethod
    def _from(cls, d: Optional[dict[str, Any]]) -> Optional[Channel]:
        return None if d is None else cls(**d)


@dataclass(frozen=True)
class PayoutResult(_Answer):
    """The gateway's answer to an accepted pay-out."""

    code: str
    message: str
    order_no: Optional[str]
    trade_no: Optional[str]
    status: Optional[Status]
    disbursement_time: Optional[str]
    merchant: Optional[MerchantEcho]
    money: Optional[Money]
    channel: Optional[Channel]
    raw: str = dataclasses.field(repr=False)

    @property
    def is_final(self) -> bool:
        return self.status is not None and self.status.is_final

    @property
    def disbursed_at(self) -> Optional[datetime]:
        return parse_time(self.disbursement_time)

    @classmethod
    def _from(cls, d: dict[str, Any]) -> PayoutResult:
        return cls(
            code=d["code"],
            message=d["message"],
            order_no=d["order_no"],
            trade_no=d["trade_no"],
            status=_status(d["status"]),
            disbursement_time=d["disbursement_time"],
            merchant=MerchantEcho._from(d["merchant"]),
            money=Money._from(d["money"]),
            channel=Channel._from(d["channel"]),
            raw=d["raw"],
        )


@dataclass(frozen=True)
class StatusResult(_Answer):
    """The gateway's answer to a status inquiry: the authoritative state of an order."""

    code: str
    message: str
    order_no: Optional[str]
    trade_no: Optional[str]
    trade_type: Optional[str]
    payment_method: Optional[str]
    money: Optional[Money]
    status: Optional[Status]
    remark: Optional[str]
    transaction_time: Optional[str]
    raw: str = dataclasses.field(repr=False)

    @property
    def is_final(self) -> bool:
        return self.status is not None and self.status.is_final

    @property
    def transacted_at(self) -> Optional[datetime]:
        return parse_time(self.transaction_time)

    @classmethod
    def _from(cls, d: dict[str, Any]) -> StatusResult:
        return cls(
            code=d["code"],
            message=d["message"],
            order_no=d["order_no"],
            trade_no=d["trade_no"],
            trade_type=d["trade_type"],
            payment_method=d["payment_method"],
            money=Money._from(d["money"]),
            status=_status(d["status"]),
            remark=d["remark"],
            transaction_time=d["transaction_time"],
            raw=d["raw"],
        )


@dataclass(frozen=True)
class BalanceValue(_Answer):
    """One exact balance value."""

    currency: Optional[str]
    value: Decimal

    @classmethod
    def _from(cls, d: Optional[dict[str, Any]]) -> Optional[BalanceValue]:
        return None if d is None else cls(currency=d["currency"], value=Decimal(d["value"]))


@dataclass(frozen=True)
class AccountBalance(_Answer):
    """One balance of an account (e.g. ``BALANCE``): total and available."""

    balance_type: Optional[str]
    amount: Optional[BalanceValue]
    available_balance: Optional[BalanceValue]

    @classmethod
    def _from(cls, d: dict[str, Any]) -> AccountBalance:
        return cls(
            balance_type=d["balance_type"],
            amount=BalanceValue._from(d["amount"]),
            available_balance=BalanceValue._from(d["available_balance"]),
        )


@dataclass(frozen=True)
class BalanceResult(_Answer):
    """The gateway's answer to a balance inquiry."""

    code: str
    message: str
    account_no: Optional[str]
    name: Optional[str]
    balance_types: list[str]
    account_infos: list[AccountBalance]
    raw: str = dataclasses.field(repr=False)

    @classmethod
    def _from(cls, d: dict[str, Any]) -> BalanceResult:
        return cls(
            code=d["code"],
            message=d["message"],
            account_no=d["account_no"],
            name=d["name"],
            balance_types=list(d["balance_types"]),
            account_infos=[AccountBalance._from(a) for a in d["account_infos"]],
            raw=d["raw"],
        )


@dataclass(frozen=True)
class Reconciliation(_Answer):
    """What reconciling an unknown pay-out found: ``settled`` (final status),
    ``pending`` (the gateway has it and works on it: never resend) or ``not_found`` (one
    of the configured "no such order" codes)."""

    outcome: Literal["settled", "pending", "not_found"]
    status: Optional[StatusResult]
    code: Optional[str] = None
    message: Optional[str] = None

    @property
    def is_settled(self) -> bool:
        return self.outcome == "settled"

    @classmethod
    def _from(cls, d: dict[str, Any]) -> Reconciliation:
        status = d.get("status")
        return cls(
            outcome=d["outcome"],
            status=None if status is None else StatusResult._from(status),
            code=d.get("code"),
            message=d.get("message"),
        )
