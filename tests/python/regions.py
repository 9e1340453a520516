"""One valid pay-out per region, built with the typed request classes."""

from __future__ import annotations

from decimal import Decimal
from typing import Callable, Optional

from smilepayz import (
    BrazilPayout,
    ColombiaPayout,
    ColombiaReceiver,
    IndonesiaPayout,
    IndonesiaReceiver,
    Merchant,
    PayoutRequest,
    PeruPayout,
    PeruReceiver,
    UsdtPayout,
)

Factory = Callable[[str, Optional[str]], PayoutRequest]


def indonesia(order_no: str, callback_url: Optional[str] = None) -> PayoutRequest:
    return IndonesiaPayout(
        order_no=order_no,
        purpose="Payroll",
        amount=150000,
        payment_method="BRI",
        cash_account="78120011629261665",
        receiver=IndonesiaReceiver(name="Budi Santoso"),
        merchant=Merchant(merchant_name="Toko Demo"),
        callback_url=callback_url,
    )


def peru(order_no: str, callback_url: Optional[str] = None) -> PayoutRequest:
    return PeruPayout(
        order_no=order_no,
        purpose="Pago a proveedor",
        amount=1050,
        payment_method="BCP",
        cash_account="19312345678012",
        cash_account_type="SAVINGS",
        cci="00219300123456780123",
        receiver=PeruReceiver(
            name="José Pérez", email="jose.perez@example.pe", phone="987654321", id_type="NID", id_number="45678912"
        ),
        callback_url=callback_url,
    )


def colombia(order_no: str, callback_url: Optional[str] = None) -> PayoutRequest:
    return ColombiaPayout(
        order_no=order_no,
        purpose="Pago de nómina",
        amount=Decimal("10000"),
        payment_method="BANCOLOMBIA",
        cash_account="12345678901",
        cash_account_type="AHORROS",
        receiver=ColombiaReceiver(
            name="Maria Rodriguez Lopez",
            email="maria@example.co",
            phone="3001234567",
            id_type="CC",
            identity="1234567890",
        ),
        callback_url=callback_url,
    )


def brazil(order_no: str, callback_url: Optional[str] = None) -> PayoutRequest:
    # A plain dict works wherever a receiver class does.
    return BrazilPayout(
        order_no=order_no,
        purpose="Reembolso pedido 42",
        amount=5000,
        payment_method="CPF",
        cash_account="52998224725",
        receiver={"tax_number": "52998224725", "pix_type": "CPF", "pix_account": "52998224725"},
        callback_url=callback_url,
    )


def usdt(order_no: str, callback_url: Optional[str] = None) -> PayoutRequest:
    return UsdtPayout(
        order_no=order_no,
        purpose="Treasury transfer",
        amount=Decimal("100.5"),
        network="TRC20",
        cash_account="TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ",
        callback_url=callback_url,
    )


REGIONS: dict[str, Factory] = {"IDR": indonesia, "PEN": peru, "COP": colombia, "BRL": brazil, "USDT": usdt}
