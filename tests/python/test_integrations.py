"""smilepayz.integrations against the mock gateway: the framework-agnostic handler (sync
and async functions, stale callbacks, a gateway that cannot confirm) and each adapter
served by its real framework (FastAPI, Flask, Django test clients)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any, Callable

import pytest
from smilepayz import Status
from smilepayz.integrations import CallbackHandler, Delivery, HandlerResponse
from smilepayz.testing import MockGateway

from .regions import indonesia

Signed = tuple[dict[str, str], bytes]


def settled(gateway: MockGateway, order_no: str, status: str = "SUCCESS") -> Signed:
    gateway.client().payout(indonesia(order_no))
    gateway.settle(order_no, status)
    signed = gateway.signed_callback(order_no)
    assert signed is not None
    return signed


class Booker:
    """The merchant's function: records deliveries; fails while ``failing`` is set."""

    def __init__(self, failing: bool = False) -> None:
        self.booked: list[Delivery] = []
        self.failing = failing

    def __call__(self, delivery: Delivery) -> None:
        self.booked.append(delivery)
        if self.failing:
            raise RuntimeError("database down")


def handler_for(gateway: MockGateway, book: Callable[[Delivery], Any]) -> CallbackHandler:
    return CallbackHandler(gateway.client(timeout_ms=2000), gateway.callback_verifier(), book)


def test_a_genuine_callback_is_booked_once_and_acknowledged(gateway: MockGateway) -> None:
    headers, body = settled(gateway, "PYHANDLER001")
    booker = Booker()
    answer = handler_for(gateway, booker).handle(headers, body)
    assert answer == HandlerResponse(200, "SUCCESS", "text/plain; charset=utf-8")
    [delivery] = booker.booked
    order = gateway.order("PYHANDLER001")
    assert order is not None
    assert (delivery.order_no, delivery.trade_no) == ("PYHANDLER001", order["trade_no"])
    assert (delivery.status, delivery.announced_status, delivery.stale) == (Status.SUCCESS, Status.SUCCESS, False)
    assert delivery.idempotency_key == f"{order['trade_no']}:SUCCESS"
    assert delivery.money is not None and delivery.money.amount == order["amount"]


def test_a_stale_callback_is_booked_at_the_gateways_status(gateway: MockGateway) -> None:
    gateway.client().payout(indonesia("PYHANDLER002"))
    signed = gateway.signed_callback("PYHANDLER002")
    assert signed is not None
    gateway.settle("PYHANDLER002", "SUCCESS")
    booker = Booker()
    assert handler_for(gateway, booker).handle(*signed).status == 200
    [delivery] = booker.booked
    assert (delivery.status, delivery.announced_status, delivery.stale) == (Status.SUCCESS, Status.PROCESSING, True)


def test_forged_and_misdirected_callbacks_are_refused_unbooked(gateway: MockGateway) -> None:
    headers, body = settled(gateway, "PYHANDLER003")
    settled(gateway, "PYHANDLER004")
    booker = Booker()
    handler = handler_for(gateway, booker)
    assert handler.handle(headers, body.replace(b"SUCCESS", b"FAILED")).status == 401
    assert handler.handle(headers, body.replace(b"PYHANDLER003", b"PYHANDLER004")).status == 401
    assert handler.handle({**headers, "X-SIGNATURE": "AAAA"}, body).status == 401
    assert handler.handle({}, body).status == 401
    assert booker.booked == []


def test_a_failing_function_or_an_unreachable_gateway_asks_for_the_callback_again(gateway: MockGateway) -> None:
    signed = settled(gateway, "PYHANDLER005")
    booker = Booker(failing=True)
    handler = handler_for(gateway, booker)
    assert handler.handle(*signed).status == 503
    booker.failing = False
    assert handler.handle(*signed).status == 200
    assert booker.booked[0].idempotency_key == booker.booked[1].idempotency_key
    gateway.refuse_connections_for(5000)
    answer = handler.handle(*signed)
    assert (answer.status, answer.body) == (503, "callback not processed, send it again")
    assert len(booker.booked) == 2


def test_async_functions_and_the_async_path(gateway: MockGateway) -> None:
    signed = settled(gateway, "PYHANDLER006")
    booked: list[str] = []

    async def book(delivery: Delivery) -> None:
        await asyncio.sleep(0)
        booked.append(delivery.idempotency_key)

    async def failing(delivery: Delivery) -> None:
        raise RuntimeError("queue down")

    assert handler_for(gateway, book).handle(*signed).status == 200
    assert asyncio.run(handler_for(gateway, book).handle_async(*signed)).status == 200
    booker = Booker()
    assert asyncio.run(handler_for(gateway, booker).handle_async(*signed)).status == 200
    assert asyncio.run(handler_for(gateway, failing).handle_async(*signed)).status == 503
    assert len(booked) == 2 and len(booker.booked) == 1
    assert asyncio.run(handler_for(gateway, book).handle_async(signed[0], b"{}")).status == 401
    with pytest.raises(TypeError, match="raw request bytes"):
        handler_for(gateway, book).handle(signed[0], signed[1].decode())  # type: ignore[arg-type]


# --- the adapters, each served by its real framework ---------------------------------

Post = Callable[[dict[str, str], bytes], tuple[int, bytes, str]]


def fastapi_post(handler: CallbackHandler) -> Post:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient
    from smilepayz.integrations.fastapi import callback_router

    app = FastAPI()
    app.include_router(callback_router(handler))
    web = TestClient(app)

    def post(headers: dict[str, str], body: bytes) -> tuple[int, bytes, str]:
        r = web.post("/smilepayz/callback", headers=headers, content=body)
        return r.status_code, r.content, r.headers["content-type"]

    return post


def flask_post(handler: CallbackHandler) -> Post:
    from flask import Flask
    from smilepayz.integrations.flask import callback_blueprint

    app = Flask("test")
    app.register_blueprint(callback_blueprint(handler))
    web = app.test_client()

    def post(headers: dict[str, str], body: bytes) -> tuple[int, bytes, str]:
        r = web.post("/smilepayz/callback", headers=headers, data=body)
        return r.status_code, r.data, r.headers["content-type"]

    return post


urlpatterns: list[Any] = []  # the URLconf of the Django tests is this module


def django_settings() -> None:
    """Configures Django once per process, CSRF enforced as in production."""
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            ALLOWED_HOSTS=["testserver"],
            MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],
            SECRET_KEY="test-only",
        )
        django.setup()


def django_client(urlconf: str, asynchronous: bool = False) -> Callable[[str, dict[str, str], bytes], Any]:
    """Posts through Django's test client (``AsyncClient`` when ``asynchronous``: the
    request goes through Django's ASGI handler) with `urlconf` as ROOT_URLCONF."""
    django_settings()
    from django.test import AsyncClient as DjangoAsyncClient
    from django.test import Client as DjangoClient
    from django.test.utils import override_settings

    # CSRF enforced: the view must be exempt.
    web = (DjangoAsyncClient if asynchronous else DjangoClient)(enforce_csrf_checks=True)

    def post(url: str, headers: dict[str, str], body: bytes) -> Any:
        with override_settings(ROOT_URLCONF=urlconf):
            answer = web.post(
                url,
                data=body,
                content_type=headers.get("Content-Type", "application/json"),
                headers={k: v for k, v in headers.items() if k.lower() != "content-type"},
            )
            return asyncio.run(answer) if asynchronous else answer

    return post


def django_post(handler: CallbackHandler, asynchronous: bool = False) -> Post:
    django_settings()
    from django.urls import path
    from smilepayz.integrations.django import async_callback_view, callback_view

    view = async_callback_view(handler) if asynchronous else callback_view(handler)
    urlpatterns[:] = [path("smilepayz/callback", view)]
    send = django_client(__name__, asynchronous)

    def post(headers: dict[str, str], body: bytes) -> tuple[int, bytes, str]:
        r = send("/smilepayz/callback", headers, body)
        return r.status_code, r.content, r["Content-Type"]

    return post


def django_async_post(handler: CallbackHandler) -> Post:
    return django_post(handler, asynchronous=True)


ADAPTERS: dict[str, Callable[[CallbackHandler], Post]] = {
    "fastapi": fastapi_post,
    "flask": flask_post,
    "django": django_post,
    "django-async": django_async_post,
}


@pytest.fixture(params=sorted(ADAPTERS))
def post_to(request: pytest.FixtureRequest) -> Callable[[CallbackHandler], Post]:
    return ADAPTERS[request.param]


def test_each_adapter_answers_as_the_handler_decides(
    gateway: MockGateway, post_to: Callable[[CallbackHandler], Post]
) -> None:
    headers, body = settled(gateway, "PYADAPTER001")
    booker = Booker()
    post = post_to(handler_for(gateway, booker))
    status, answer, content_type = post(headers, body)
    assert (status, answer) == (200, b"SUCCESS")
    assert content_type.startswith("text/plain")
    assert [d.order_no for d in booker.booked] == ["PYADAPTER001"]
    assert post(headers, body.replace(b"SUCCESS", b"FAILED"))[:2] == (401, b"callback refused")
    booker.failing = True
    assert post(headers, body)[0] == 503
    assert len(booker.booked) == 2


def test_the_django_async_view_runs_in_the_event_loop_and_takes_post_only(gateway: MockGateway) -> None:
    django_settings()
    from django.test import AsyncClient as DjangoAsyncClient
    from django.test.utils import override_settings
    from smilepayz.integrations.django import async_callback_view

    headers, body = settled(gateway, "PYADAPTER002")
    loops: list[asyncio.AbstractEventLoop] = []

    async def book(delivery: Delivery) -> None:
        loops.append(asyncio.get_running_loop())

    view = async_callback_view(handler_for(gateway, book))
    # Django serves a coroutine function as an async view, in the server's event loop.
    assert asyncio.iscoroutinefunction(view)

    async def requests() -> tuple[Any, Any, asyncio.AbstractEventLoop]:
        from django.urls import path

        urlpatterns[:] = [path("smilepayz/callback", view)]
        web = DjangoAsyncClient(enforce_csrf_checks=True)
        with override_settings(ROOT_URLCONF=__name__):
            get = await web.get("/smilepayz/callback")
            signed = {k: v for k, v in headers.items() if k.lower() != "content-type"}
            posted = await web.post("/smilepayz/callback", data=body, content_type="application/json", headers=signed)
        return get, posted, asyncio.get_running_loop()

    get, posted, loop = asyncio.run(requests())
    assert (get.status_code, get["Allow"]) == (405, "POST")
    assert (posted.status_code, posted.content) == (200, b"SUCCESS")
    assert loops == [loop]


def test_the_package_loads_no_framework() -> None:
    code = (
        "import sys, smilepayz, smilepayz.integrations; "
        "print(sorted(m for m in ('fastapi', 'starlette', 'flask', 'django') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"
