"""A Flask callback endpoint: verify the signature over the raw body, confirm the claims
with the gateway, book, then answer SUCCESS (which stops Smilepayz re-sending).

Only ``tradeNo`` is signed. A confirmed callback vouches for its trade number, its order
number (the gateway was asked for that order and answered with the signed trade number),
its status and its money; nothing else in the body. Book by ``confirmed.order_no``.

Run: SMILEPAYZ_* variables set, then `flask --app flask_callback run`.
"""

from __future__ import annotations

import os
from typing import Callable, Optional

from flask import Flask, request
from smilepayz import (
    ACKNOWLEDGEMENT,
    CallbackMismatchError,
    CallbackVerifier,
    Client,
    SignatureError,
    StaleCallbackError,
    Status,
)

Book = Callable[[str, Optional[Status]], None]
"""Records an order's status in your database, idempotently by order number."""


def create_app(client: Client, verifier: CallbackVerifier, book: Book = lambda order_no, status: None) -> Flask:
    app = Flask(__name__)

    @app.post("/smilepayz/callback")
    def smilepayz_callback() -> tuple[str, int]:
        try:
            callback = verifier.verify(request.headers, request.get_data())
            confirmed = client.confirm_callback(callback)  # asks the gateway for the order
        except SignatureError as refused:
            return f"refused: {refused.check}", 401
        except CallbackMismatchError as mismatch:  # forged, altered or about another order
            return f"refused: {mismatch.field} does not match the gateway", 401
        except StaleCallbackError as stale:  # genuine, but the gateway has moved on: book its status
            book(stale.order_no, stale.gateway_status)
            return ACKNOWLEDGEMENT, 200
        book(confirmed.order_no, confirmed.status)  # the confirmed order, never one read from the body
        return ACKNOWLEDGEMENT, 200

    return app


if __name__ != "__main__" and os.environ.get("SMILEPAYZ_MERCHANT_ID"):
    app = create_app(Client.from_env(), CallbackVerifier(os.environ["SMILEPAYZ_PLATFORM_PUBLIC_KEY"]))
