"""A Flask callback endpoint in one line: ``smilepayz.integrations.flask`` verifies the
signature over the raw body, confirms the claims with the gateway, calls ``book`` once
and answers SUCCESS only after it returned (401 for a forged or misdirected callback, 503
when the gateway cannot confirm it now or ``book`` raised: Smilepayz sends it again).

Only ``tradeNo`` is signed. A delivery vouches for its trade number, its order number,
its status and its money; nothing else in the body. Book ``delivery.status`` under
``delivery.order_no``, idempotently by ``delivery.idempotency_key``.

Run: SMILEPAYZ_* variables set, then `flask --app flask_callback run`.
"""

from __future__ import annotations

import os
from typing import Callable

from flask import Flask
from smilepayz import CallbackVerifier, Client, Status
from smilepayz.integrations import CallbackHandler, Delivery
from smilepayz.integrations.flask import callback_blueprint

Book = Callable[[str, Status], None]
"""Records an order's status in your database, idempotently."""


def create_app(client: Client, verifier: CallbackVerifier, book: Book = lambda order_no, status: None) -> Flask:
    def on_callback(delivery: Delivery) -> None:
        book(delivery.order_no, delivery.status)  # for a stale callback, the gateway's newer status

    app = Flask(__name__)
    app.register_blueprint(callback_blueprint(CallbackHandler(client, verifier, on_callback)))
    return app


if __name__ != "__main__" and os.environ.get("SMILEPAYZ_MERCHANT_ID"):
    app = create_app(Client.from_env(), CallbackVerifier(os.environ["SMILEPAYZ_PLATFORM_PUBLIC_KEY"]))
