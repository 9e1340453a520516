"""A Flask callback endpoint: verify the signature over the raw body, confirm the claims
with the gateway, then answer SUCCESS (which stops Smilepayz re-sending).

Run: SMILEPAYZ_* variables set, then `flask --app flask_callback run`.
"""

from __future__ import annotations

import os

from flask import Flask, request
from smilepayz import ACKNOWLEDGEMENT, CallbackMismatchError, CallbackVerifier, Client, SignatureError


def create_app(client: Client, verifier: CallbackVerifier) -> Flask:
    app = Flask(__name__)

    @app.post("/smilepayz/callback")
    def smilepayz_callback() -> tuple[str, int]:
        try:
            callback = verifier.verify(request.headers, request.get_data())
        except SignatureError as refused:
            return f"refused: {refused.check}", 401
        try:
            confirmed = client.confirm_callback(callback)  # status and money are not signed
        except CallbackMismatchError as mismatch:
            return f"mismatch: {mismatch.field}", 409
        if confirmed.is_final:
            pass  # mark the order paid or failed in your database, idempotently by order_no
        return ACKNOWLEDGEMENT, 200

    return app


if __name__ != "__main__" and os.environ.get("SMILEPAYZ_MERCHANT_ID"):
    app = create_app(Client.from_env(), CallbackVerifier(os.environ["SMILEPAYZ_PLATFORM_PUBLIC_KEY"]))
