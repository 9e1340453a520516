"""Quick start: one pay-out per region against the loopback mock gateway; callbacks
received on a local HTTP endpoint, verified over the raw body, and confirmed by inquiry.

Run: python examples/python/quickstart.py
"""

from __future__ import annotations

import queue
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from smilepayz import (
    ACKNOWLEDGEMENT,
    BrazilPayout,
    BrazilReceiver,
    CallbackVerifier,
    ColombiaPayout,
    ColombiaReceiver,
    IndonesiaPayout,
    PayoutRequest,
    PeruPayout,
    PeruReceiver,
    SignatureError,
    StaleCallbackError,
    UsdtPayout,
    VerifiedCallback,
)
from smilepayz.testing import MockGateway


def start_callback_endpoint(
    verifier: CallbackVerifier,
) -> tuple[str, queue.Queue[VerifiedCallback], ThreadingHTTPServer]:
    """A merchant's callback endpoint: verify the raw body, hand the callback on, answer SUCCESS."""
    received: queue.Queue[VerifiedCallback] = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                received.put(verifier.verify(self.headers.items(), body))
                status, answer = 200, ACKNOWLEDGEMENT
            except SignatureError as refused:
                status, answer = 401, str(refused)
            self.send_response(status)
            self.end_headers()
            self.wfile.write(answer.encode())

        def log_message(self, format: str, *args: object) -> None:  # keep the table readable
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/smilepayz/callback", received, server


def payouts(callback_url: str) -> list[PayoutRequest]:
    return [
        IndonesiaPayout(
            order_no="QSIDR000001",
            purpose="Payroll",
            amount=150000,
            payment_method="BRI",
            cash_account="78120011629261665",
            callback_url=callback_url,
        ),
        PeruPayout(
            order_no="QSPEN000001",
            purpose="Pago a proveedor",
            amount=1050,
            payment_method="BCP",
            cash_account="19312345678012",
            cash_account_type="SAVINGS",
            cci="00219300123456780123",
            receiver=PeruReceiver(
                name="José Pérez", email="jose@example.pe", phone="987654321", id_type="NID", id_number="45678912"
            ),
            callback_url=callback_url,
        ),
        ColombiaPayout(
            order_no="QSCOP000001",
            purpose="Pago de nómina",
            amount=10000,
            payment_method="BANCOLOMBIA",
            cash_account="12345678901",
            cash_account_type="AHORROS",
            receiver=ColombiaReceiver(
                name="Maria Rodriguez",
                email="maria@example.co",
                phone="3001234567",
                id_type="CC",
                identity="1234567890",
            ),
            callback_url=callback_url,
        ),
        BrazilPayout(
            order_no="QSBRL000001",
            purpose="Reembolso",
            amount=5000,
            payment_method="CPF",
            cash_account="52998224725",
            receiver=BrazilReceiver(tax_number="52998224725"),
            callback_url=callback_url,
        ),
        UsdtPayout(
            order_no="QSUSDT00001",
            purpose="Treasury transfer",
            amount=Decimal("100.5"),
            network="TRC20",
            cash_account="TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ",
            callback_url=callback_url,
        ),
    ]


def main() -> int:
    with MockGateway() as gateway:
        client = gateway.client()
        url, received, server = start_callback_endpoint(gateway.callback_verifier(max_age_ms=300_000))
        print(f"{'region':6} {'orderNo':12} {'amount':>8} {'tradeNo':24} {'accepted':11} {'callback':9} confirmed")
        confirmed_count = 0
        for request in payouts(url):
            accepted = client.payout(request)
            outcome = "FAILED" if request.region == "PEN" else "SUCCESS"
            delivery = gateway.settle(request.order_no, outcome)
            assert delivery is not None and delivery["acknowledged"], delivery
            callback = received.get(timeout=5)
            try:
                confirmed = client.confirm_callback(callback)
                booked = confirmed.status  # book it under confirmed.order_no, never a field of the body
            except StaleCallbackError as stale:  # the gateway moved past the announced status
                booked = stale.gateway_status
            confirmed_count += 1
            money = accepted.money
            print(
                f"{request.region:6} {request.order_no:12} {money.amount if money else '':>8} "
                f"{accepted.trade_no or '':24} {accepted.status or '':11} {callback.status or '':9} {booked}"
            )
        server.shutdown()
        server.server_close()
        print(f"{confirmed_count} pay-outs sent, {confirmed_count} callbacks verified and confirmed by inquiry.")
        return 0 if confirmed_count == 5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
