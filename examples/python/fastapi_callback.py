"""A FastAPI callback endpoint in one line: ``smilepayz.integrations.fastapi`` verifies the
signature over the raw body, confirms the claims with the gateway, calls ``book`` once
and answers SUCCESS only after it returned (401 for a forged or misdirected callback, 503
when the gateway cannot confirm it now or ``book`` raised: Smilepayz sends it again).

Only ``tradeNo`` is signed. A delivery vouches for its trade number, its order number
(the gateway was asked for that order and answered with the signed trade number), its
status and its money; nothing else in the body. Book ``delivery.status`` under
``delivery.order_no``, idempotently by ``delivery.idempotency_key``: a callback can come
twice.

Run: SMILEPAYZ_* variables set, then `uvicorn fastapi_callback:app`.
"""

from __future__ import annotations

import os
from typing import Callable

from fastapi import FastAPI
from smilepayz import AsyncClient, CallbackVerifier, Status
from smilepayz.integrations import CallbackHandler, Delivery
from smilepayz.integrations.fastapi import callback_router

Book = Callable[[str, Status], None]
"""Records an order's status in your database, idempotently."""


def create_app(client: AsyncClient, verifier: CallbackVerifier, book: Book = lambda order_no, status: None) -> FastAPI:
    def on_callback(delivery: Delivery) -> None:
        # The confirmed order; for a stale callback, the gateway's newer status.
        book(delivery.order_no, delivery.status)

    app = FastAPI()
    app.include_router(callback_router(CallbackHandler(client, verifier, on_callback)))
    return app


if __name__ != "__main__" and os.environ.get("SMILEPAYZ_MERCHANT_ID"):
    app = create_app(AsyncClient.from_env(), CallbackVerifier(os.environ["SMILEPAYZ_PLATFORM_PUBLIC_KEY"]))
