"""Django: ``path("smilepayz/callback", callback_view(handler))`` in ``urlpatterns``. The
view is CSRF-exempt (Smilepayz cannot send a CSRF token; the signature and the gateway's
confirmation authenticate the callback), accepts ``POST`` only and reads the raw
``request.body``."""

from __future__ import annotations

from typing import Callable

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import CallbackHandler

__all__ = ["callback_view"]


def callback_view(handler: CallbackHandler) -> Callable[[HttpRequest], HttpResponse]:
    """A sync view answering as ``handler`` decides."""

    @csrf_exempt  # type: ignore[untyped-decorator]
    @require_POST  # type: ignore[untyped-decorator]
    def smilepayz_callback(request: HttpRequest) -> HttpResponse:
        answer = handler.handle(request.headers, request.body)
        return HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)

    return smilepayz_callback  # type: ignore[no-any-return]
