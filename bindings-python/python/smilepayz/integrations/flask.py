"""Flask: ``app.register_blueprint(callback_blueprint(handler))`` mounts
``POST /smilepayz/callback``; the raw body is read with ``request.get_data()``."""

from __future__ import annotations

from flask import Blueprint, Response, request

from . import CallbackHandler

__all__ = ["callback_blueprint"]


def callback_blueprint(
    handler: CallbackHandler, path: str = "/smilepayz/callback", name: str = "smilepayz_callback"
) -> Blueprint:
    """A blueprint with one ``POST`` route at ``path`` answering as ``handler`` decides."""
    blueprint = Blueprint(name, __name__)

    @blueprint.post(path)
    def smilepayz_callback() -> Response:
        answer = handler.handle(request.headers, request.get_data())
        return Response(answer.body, status=answer.status, content_type=answer.content_type)

    return blueprint
