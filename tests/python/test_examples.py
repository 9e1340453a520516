"""The examples run: the quick start end to end, and the FastAPI, Flask and Django callback
endpoints accept a signed callback (answering SUCCESS, booked by its confirmed order),
book a stale one at the gateway's status, and refuse a tampered one or one re-sent under
another order (401, nothing booked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Callable, NamedTuple, TypeVar

import pytest
from fastapi.testclient import TestClient
from smilepayz import CallbackVerifier, Status
from smilepayz.testing import MockGateway

from .regions import indonesia
from .test_integrations import django_client, django_settings

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "python"))

import django_callback
import fastapi_callback
import flask_callback
import quickstart


def test_quickstart_pays_out_every_region(capsys: pytest.CaptureFixture[str]) -> None:
    assert quickstart.main() == 0
    out = capsys.readouterr().out
    assert "5 pay-outs sent, 5 callbacks verified and confirmed by inquiry." in out
    assert all(region in out for region in ("IDR", "PEN", "COP", "BRL", "USDT"))


@pytest.fixture
def settled(gateway: MockGateway) -> tuple[dict[str, str], bytes]:
    gateway.client().payout(indonesia("HOOK00000001"))
    gateway.settle("HOOK00000001", "SUCCESS")
    signed = gateway.signed_callback("HOOK00000001")
    assert signed is not None
    return signed


@pytest.fixture
def stale(gateway: MockGateway) -> tuple[dict[str, str], bytes]:
    """A genuine PROCESSING callback that arrives after the gateway settled SUCCESS."""
    gateway.client().payout(indonesia("STALEHOOK001"))
    signed = gateway.signed_callback("STALEHOOK001")
    assert signed is not None
    gateway.settle("STALEHOOK001", "SUCCESS")
    return signed


@pytest.fixture
def other_order(gateway: MockGateway, settled: tuple[dict[str, str], bytes]) -> bytes:
    """HOOK00000001's signed callback re-sent with the orderNo of another SUCCESS order."""
    gateway.client().payout(indonesia("OTHER0000001"))
    gateway.settle("OTHER0000001", "SUCCESS")
    return settled[1].replace(b"HOOK00000001", b"OTHER0000001")


class Callbacks(NamedTuple):
    """The signed callbacks every endpoint is tried with."""

    settled: tuple[dict[str, str], bytes]
    stale: tuple[dict[str, str], bytes]
    other_order: bytes


@pytest.fixture
def callbacks(
    settled: tuple[dict[str, str], bytes], stale: tuple[dict[str, str], bytes], other_order: bytes
) -> Callbacks:
    return Callbacks(settled, stale, other_order)


Booked = list[tuple[str, Status]]
AnyClient = TypeVar("AnyClient")
Endpoint = TypeVar("Endpoint")


def booking(
    create: Callable[[AnyClient, CallbackVerifier, Callable[[str, Status], None]], Endpoint],
    client: AnyClient,
    gateway: MockGateway,
) -> tuple[Endpoint, Booked]:
    """An example's endpoint built by `create` on `client` and the gateway's verifier, and the
    list it books (order number, status) into."""
    booked: Booked = []
    endpoint = create(client, gateway.callback_verifier(), lambda order_no, status: booked.append((order_no, status)))
    return endpoint, booked


def test_fastapi_endpoint_acknowledges_a_verified_callback(gateway: MockGateway, callbacks: Callbacks) -> None:
    (headers, body), stale, other_order = callbacks
    app, booked = booking(fastapi_callback.create_app, gateway.async_client(), gateway)
    with TestClient(app) as http:
        ok = http.post("/smilepayz/callback", content=body, headers=headers)
        assert (ok.status_code, ok.text) == (200, "SUCCESS")
        forged = http.post(
            "/smilepayz/callback", content=body.replace(b'"tradeNo":"T', b'"tradeNo":"X'), headers=headers
        )
        assert (forged.status_code, forged.text) == (401, "callback refused")
        # orderNo is not signed: the endpoint's confirmation by inquiry catches the lie.
        lied = http.post("/smilepayz/callback", content=body.replace(b"HOOK", b"HACK"), headers=headers)
        assert lied.status_code == 401
        moved = http.post("/smilepayz/callback", content=other_order, headers=headers)
        assert moved.status_code == 401
        old = http.post("/smilepayz/callback", content=stale[1], headers=stale[0])
        assert (old.status_code, old.text) == (200, "SUCCESS")
    assert booked == [("HOOK00000001", Status.SUCCESS), ("STALEHOOK001", Status.SUCCESS)]


def test_flask_endpoint_acknowledges_a_verified_callback(gateway: MockGateway, callbacks: Callbacks) -> None:
    (headers, body), stale, other_order = callbacks
    app, booked = booking(flask_callback.create_app, gateway.client(), gateway)
    http = app.test_client()
    ok = http.post("/smilepayz/callback", data=body, headers=headers)
    assert (ok.status_code, ok.get_data(as_text=True)) == (200, "SUCCESS")
    unsigned = http.post("/smilepayz/callback", data=body, headers={"X-TIMESTAMP": headers["X-TIMESTAMP"]})
    assert unsigned.status_code == 401
    lied = http.post("/smilepayz/callback", data=body.replace(b"SUCCESS", b"FAILED"), headers=headers)
    assert (lied.status_code, lied.get_data(as_text=True)) == (401, "callback refused")
    moved = http.post("/smilepayz/callback", data=other_order, headers=headers)
    assert moved.status_code == 401
    old = http.post("/smilepayz/callback", data=stale[1], headers=stale[0])
    assert (old.status_code, old.get_data(as_text=True)) == (200, "SUCCESS")
    assert booked == [("HOOK00000001", Status.SUCCESS), ("STALEHOOK001", Status.SUCCESS)]


@pytest.mark.usefixtures("settled")
def test_django_endpoint_books_once_and_refuses_lies(
    gateway: MockGateway, stale: tuple[dict[str, str], bytes], other_order: bytes
) -> None:
    signed = gateway.signed_callback("HOOK00000001")
    assert signed is not None
    headers, body = signed
    django_settings()  # before the URLs are built
    urls, booked = booking(django_callback.create_urls, gateway.client(), gateway)
    django_callback.urlpatterns[:] = urls
    post = django_client("django_callback")
    ok = post("/smilepayz/callback", headers, body)
    assert (ok.status_code, ok.content) == (200, b"SUCCESS")
    lied = post("/smilepayz/callback", headers, body.replace(b"SUCCESS", b"FAILED"))
    assert (lied.status_code, lied.content) == (401, b"callback refused")
    assert post("/smilepayz/callback", headers, other_order).status_code == 401
    old = post("/smilepayz/callback", *stale)
    assert (old.status_code, old.content) == (200, b"SUCCESS")
    assert booked == [("HOOK00000001", Status.SUCCESS), ("STALEHOOK001", Status.SUCCESS)]


def test_the_benchmark_runs_and_prints_every_figure() -> None:
    # A smoke run with tiny counts: the numbers are not judged, the program must work.
    bench = Path(__file__).resolve().parents[2] / "benches" / "python" / "bench.py"
    done = subprocess.run([sys.executable, str(bench), "--quick"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "11 figures" in done.stdout
    assert "SDK ÷ cryptography" in done.stdout and "of the sign-bound limit" in done.stdout
