"""FastAPI (Starlette): ``app.include_router(callback_router(handler))`` mounts
``POST /smilepayz/callback``. The raw body is read unparsed (the signature check needs
the exact bytes) and the endpoint stays out of the OpenAPI schema."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from . import CallbackHandler

__all__ = ["callback_router"]


def callback_router(handler: CallbackHandler, path: str = "/smilepayz/callback") -> APIRouter:
    """A router with one ``POST`` route at ``path`` answering as ``handler`` decides."""
    router = APIRouter()

    @router.post(path, include_in_schema=False)
    async def smilepayz_callback(request: Request) -> Response:
        answer = await handler.handle_async(request.headers, await request.body())
        return Response(answer.body, status_code=answer.status, headers={"content-type": answer.content_type})

    return router
