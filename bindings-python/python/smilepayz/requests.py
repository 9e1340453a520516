"""Pay-out requests, one class per region. Each is checked by the Rust core when it is
built: a :class:`~smilepayz.errors.ValidationError` lists every problem at once, with
snake_case field paths. Amounts are ``int`` or :class:`decimal.Decimal`; a ``float`` is
refused."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Optional, Union

from . import _native

__all__ = [
    "Amount",
    "BrazilPayout",
    "BrazilReceiver",
    "ColombiaPayout",
    "ColombiaReceiver",
    "IndonesiaPayout",
    "IndonesiaReceiver",
    "Merchant",
    "PayoutRequest",
    "PeruPayout",
    "PeruReceiver",
    "UsdtPayout",
]

Amount = Union[int, Decimal, str]
"""Money: an ``int``, a :class:`decimal.Decimal` or decimal text; never a ``float``."""


@dataclass(frozen=True)
class Merchant:
    """Optional merchant details; the merchant id always comes from the client."""

    merchant_name: Optional[str] = None
    sub_merchant_id: Optional[str] = None
    sub_merchant_name: Optional[str] = None


@dataclass(frozen=True)
class IndonesiaReceiver:
    """The beneficiary of an IDR pay-out (optional)."""

    name: Optional[str] = None
    account_no: Optional[str] = None


@dataclass(frozen=True)
class PeruReceiver:
    """The beneficiary of a PEN pay-out. ``id_type``: NID, FID, PP or TIN."""

    name: str
    email: str
    phone: str
    id_type: str
    id_number: str


@dataclass(frozen=True)
class ColombiaReceiver:
    """The beneficiary of a COP pay-out. ``id_type``: CC or CE."""

    name: str
    email: str
    phone: str
    id_type: str
    identity: str


@dataclass(frozen=True)
class BrazilReceiver:
    """The PIX beneficiary of a BRL pay-out. ``pix_type``: CPF, CNPJ, PHONE, EMAIL, EVP."""

    tax_number: Optional[str] = None
    pix_type: Optional[str] = None
    pix_account: Optional[str] = None


def _fields(value: Any) -> Any:
    # Receiver and merchant classes travel as the dicts they stand for.
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: v for k, v in dataclasses.asdict(value).items() if v is not None}
    return value


class PayoutRequest:
    """A validated pay-out request. Build one of the region classes."""

    _region: ClassVar[str]

    def __init__(self, **fields: Any) -> None:
        given = {k: _fields(v) for k, v in fields.items() if v is not None}
        self._fields = {"region": self._region, **given}
        self._native = _native.PayoutRequest(self._fields)

    @classmethod
    def from_dict(cls, fields: Mapping[str, Any]) -> PayoutRequest:
        """A request from a plain mapping with ``region`` (IDR, PEN, COP, BRL, USDT) and
        the region's snake_case fields, e.g. one read back from a job queue."""
        request = PayoutRequest.__new__(PayoutRequest)
        request._fields = dict(fields)
        request._native = _native.PayoutRequest(request._fields)
        return request

    @property
    def region(self) -> str:
        """IDR, PEN, COP, BRL or USDT."""
        return self._native.region

    @property
    def order_no(self) -> str:
        return self._native.order_no

    def to_dict(self) -> dict[str, Any]:
        """The request as given (snake_case), with its ``region``."""
        return dict(self._fields)

    def wire_body(self, merchant_id: str) -> bytes:
        """The exact bytes sent (and signed) for ``merchant_id``."""
        return self._native.wire_body(merchant_id)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(order_no={self.order_no!r}, amount={self._fields.get('amount')!r})"


class IndonesiaPayout(PayoutRequest):
    """A pay-out in IDR to an Indonesian bank account or e-wallet (whole rupiah)."""

    _region = "IDR"

    def __init__(
        self,
        *,
        order_no: str,
        purpose: str,
        amount: Amount,
        payment_method: str,
        cash_account: str,
        receiver: Union[IndonesiaReceiver, Mapping[str, Any], None] = None,
        merchant: Union[Merchant, Mapping[str, Any], None] = None,
        callback_url: Optional[str] = None,
        extra: Optional[Mapping[str, Any]] = None,
    ) -> None:
        super().__init__(
            order_no=order_no,
            purpose=purpose,
            amount=amount,
            payment_method=payment_method,
            cash_account=cash_account,
            receiver=receiver,
            merchant=merchant,
            callback_url=callback_url,
            extra=extra,
        )


class PeruPayout(PayoutRequest):
    """A pay-out in PEN to a Peruvian bank account (amount in céntimos).
    ``cash_account_type``: CHECKING or SAVINGS."""

    _region = "PEN"

    def __init__(
        self,
        *,
        order_no: str,
        purpose: str,
        amount: Amount,
        payment_method: str,
        cash_account: str,
        cash_account_type: str,
        cci: str,
        receiver: Union[PeruReceiver, Mapping[str, Any]],
        merchant: Union[Merchant, Mapping[str, Any], None] = None,
        callback_url: Optional[str] = None,
        extra: Optional[Mapping[str, Any]] = None,
    ) -> None:
        super().__init__(
            order_no=order_no,
            purpose=purpose,
            amount=amount,
            payment_method=payment_method,
            cash_account=cash_account,
            cash_account_type=cash_account_type,
            cci=cci,
            receiver=receiver,
            merchant=merchant,
            callback_url=callback_url,
            extra=extra,
        )


class ColombiaPayout(PayoutRequest):
    """A pay-out in COP to a Colombian bank account (whole pesos).
    ``cash_account_type``: CORRIENTE or AHORROS."""

    _region = "COP"

    def __init__(
        self,
        *,
        order_no: str,
        purpose: str,
        amount: Amount,
        payment_method: str,
        cash_account: str,
        cash_account_type: str,
        receiver: Union[ColombiaReceiver, Mapping[str, Any]],
        merchant: Union[Merchant, Mapping[str, Any], None] = None,
        callback_url: Optional[str] = None,
        extra: Optional[Mapping[str, Any]] = None,
    ) -> None:
        super().__init__(
            order_no=order_no,
            purpose=purpose,
            amount=amount,
            payment_method=payment_method,
            cash_account=cash_account,
            cash_account_type=cash_account_type,
            receiver=receiver,
            merchant=merchant,
            callback_url=callback_url,
            extra=extra,
        )


class BrazilPayout(PayoutRequest):
    """A PIX pay-out in BRL (amount in centavos). ``payment_method`` is the PIX key
    type (CPF, CNPJ, PHONE, EMAIL, EVP) and ``cash_account`` the PIX key."""

    _region = "BRL"

    def __init__(
        self,
        *,
        order_no: str,
        purpose: str,
        amount: Amount,
        payment_method: str,
        cash_account: str,
        receiver: Union[BrazilReceiver, Mapping[str, Any]],
        merchant: Union[Merchant, Mapping[str, Any], None] = None,
        callback_url: Optional[str] = None,
        extra: Optional[Mapping[str, Any]] = None,
    ) -> None:
        super().__init__(
            order_no=order_no,
            purpose=purpose,
            amount=amount,
            payment_method=payment_method,
            cash_account=cash_account,
            receiver=receiver,
            merchant=merchant,
            callback_url=callback_url,
            extra=extra,
        )


class UsdtPayout(PayoutRequest):
    """A USDT transfer to a wallet. ``network``: TRC20 or BEP20; at most 4 decimals."""

    _region = "USDT"

    def __init__(
        self,
        *,
        order_no: str,
        purpose: str,
        amount: Amount,
        network: str,
        cash_account: str,
        merchant: Union[Merchant, Mapping[str, Any], None] = None,
        callback_url: Optional[str] = None,
        extra: Optional[Mapping[str, Any]] = None,
    ) -> None:
        super().__init__(
            order_no=order_no,
            purpose=purpose,
            amount=amount,
            network=network,
            cash_account=cash_account,
            merchant=merchant,
            callback_url=callback_url,
            extra=extra,
        )
