"""Django: ``path("smilepayz/callback", callback_view(handler))`` in ``urlpatterns``, or
``async_callback_view(handler)`` under ASGI. Both views are CSRF-exempt (Smilepayz cannot
send a CSRF token; the signature and the gateway's confirmation authenticate the
callback), accept ``POST`` only and read the raw ``request.body``."""

from __future__ import annotations

from typing import Awaitable, Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import CallbackHandler, HandlerResponse

__all__ = ["async_callback_view", "callback_view"]


def callback_view(handler: CallbackHandler) -> Callable[[HttpRequest], HttpResponse]:
    """A sync view answering as ``handler`` decides."""

    @csrf_exempt  # type: ignore[untyped-decorator]
    @require_POST  # type: ignore[untyped-decorator]
    def smilepayz_callback(request: HttpRequest) -> HttpResponse:
        return _response(handler.handle(request.headers, request.body))

    return smilepayz_callback  # type: ignore[no-any-return]


def async_callback_view(handler: CallbackHandler) -> Callable[[HttpRequest], Awaitable[HttpResponse]]:
    """An async view (ASGI) answering as ``handler`` decides: the gateway is asked without
    blocking the event loop, and an async function of yours is awaited in it."""

    async def smilepayz_callback(request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return _response(await handler.handle_async(request.headers, request.body))

    # What @csrf_exempt and @require_POST do, by hand: before Django 5.0 (4.2 is the LTS
    # for Python 3.9) they wrap a view in a sync function, which Django then runs as a
    # sync view that returns an unawaited coroutine.
    smilepayz_callback.csrf_exempt = True  # type: ignore[attr-defined]
    return smilepayz_callback


def _response(answer: HandlerResponse) -> HttpResponse:
    return HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)
