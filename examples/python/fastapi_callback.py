"""A FastAPI callback endpoint: verify the signature over the raw body, confirm the
claims with the gateway, book, then answer SUCCESS (which stops Smilepayz re-sending).

Only ``tradeNo`` is signed. A confirmed callback vouches for its trade number, its order
number (the gateway was asked for that order and answered with the signed trade number),
its status and its money; nothing else in the body. Book by ``confirmed.order_no``.

Run: SMILEPAYZ_* variables set, then `uvicorn fastapi_callback:app`.
"""

from __future__ import annotations

import os
from typing import Callable, Optional

from fastapi import FastAPI, Request, Response
from smilepayz import (
    ACKNOWLEDGEMENT,
    AsyncClient,
    CallbackMismatchError,
    CallbackVerifier,
    SignatureError,
    StaleCallbackError,
    Status,
)

Book = Callable[[str, Optional[Status]], None]
"""Records an order's status in your database, idempotently by order number."""


def create_app(client: AsyncClient, verifier: CallbackVerifier, book: Book = lambda order_no, status: None) -> FastAPI:
    app = FastAPI()

    @app.post("/smilepayz/callback")
    async def smilepayz_callback(request: Request) -> Response:
        try:
            callback = verifier.verify(request.headers, await request.body())
            confirmed = await client.confirm_callback(callback)  # asks the gateway for the order
        except SignatureError as refused:
            return Response(f"refused: {refused.check}", status_code=401)
        except CallbackMismatchError as mismatch:  # forged, altered or about another order
            return Response(f"refused: {mismatch.field} does not match the gateway", status_code=401)
        except StaleCallbackError as stale:  # genuine, but the gateway has moved on: book its status
            book(stale.order_no, stale.gateway_status)
            return Response(ACKNOWLEDGEMENT, media_type="text/plain")
        book(confirmed.order_no, confirmed.status)  # the confirmed order, never one read from the body
        return Response(ACKNOWLEDGEMENT, media_type="text/plain")

    return app


if __name__ != "__main__" and os.environ.get("SMILEPAYZ_MERCHANT_ID"):
    app = create_app(AsyncClient.from_env(), CallbackVerifier(os.environ["SMILEPAYZ_PLATFORM_PUBLIC_KEY"]))
