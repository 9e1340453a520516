"""A FastAPI callback endpoint: verify the signature over the raw body, confirm the
claims with the gateway, then answer SUCCESS (which stops Smilepayz re-sending).

Run: SMILEPAYZ_* variables set, then `uvicorn fastapi_callback:app`.
"""

from __future__ import annotations

import os

from fastapi import FastAPI, Request, Response
from smilepayz import ACKNOWLEDGEMENT, AsyncClient, CallbackMismatchError, CallbackVerifier, SignatureError


def create_app(client: AsyncClient, verifier: CallbackVerifier) -> FastAPI:
    app = FastAPI()

    @app.post("/smilepayz/callback")
    async def smilepayz_callback(request: Request) -> Response:
        try:
            callback = verifier.verify(request.headers, await request.body())
        except SignatureError as refused:
            return Response(f"refused: {refused.check}", status_code=401)
        try:
            confirmed = await client.confirm_callback(callback)  # status and money are not signed
        except CallbackMismatchError as mismatch:
            return Response(f"mismatch: {mismatch.field}", status_code=409)
        if confirmed.is_final:
            pass  # mark the order paid or failed in your database, idempotently by order_no
        return Response(ACKNOWLEDGEMENT, media_type="text/plain")

    return app


if __name__ != "__main__" and os.environ.get("SMILEPAYZ_MERCHANT_ID"):
    app = create_app(AsyncClient.from_env(), CallbackVerifier(os.environ["SMILEPAYZ_PLATFORM_PUBLIC_KEY"]))
