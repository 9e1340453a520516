"""A Django callback endpoint in one line: ``smilepayz.integrations.django.callback_view``
is CSRF-exempt, accepts POST only, reads the raw ``request.body``, verifies, confirms
with the gateway, calls ``book`` once and answers SUCCESS only after it returned (401
for a forged or misdirected callback, 503 when the gateway cannot confirm it now or
``book`` raised: Smilepayz sends it again). Book idempotently by
``delivery.idempotency_key``: a callback can come twice.

In a project, the one line goes into ``urls.py``::

    urlpatterns = [path("smilepayz/callback", callback_view(handler)), ...]

This file is also a runnable single-file project: SMILEPAYZ_* variables set, then
`python django_callback.py runserver`.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable

from django.conf import settings
from django.urls import path
from smilepayz import CallbackVerifier, Client, Status
from smilepayz.integrations import CallbackHandler, Delivery
from smilepayz.integrations.django import callback_view

Book = Callable[[str, Status], None]
"""Records an order's status in your database, idempotently."""


def create_urls(client: Client, verifier: CallbackVerifier, book: Book = lambda order_no, status: None) -> list[Any]:
    def on_callback(delivery: Delivery) -> None:
        book(delivery.order_no, delivery.status)  # for a stale callback, the gateway's newer status

    return [path("smilepayz/callback", callback_view(CallbackHandler(client, verifier, on_callback)))]


urlpatterns: list[Any] = []

if __name__ == "__main__":
    settings.configure(
        ROOT_URLCONF=__name__,
        DEBUG=False,
        ALLOWED_HOSTS=["*"],
        SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "change-me"),
        MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],
    )
    urlpatterns = create_urls(Client.from_env(), CallbackVerifier(os.environ["SMILEPAYZ_PLATFORM_PUBLIC_KEY"]))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
