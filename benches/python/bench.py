"""Python benchmarks (issue 6): the SDK against the libraries a hand-written client would
use, side by side in one run, same key, same machine. Prints medians and ratios; passes
or fails nothing.

Run: ./scripts/bench-python.sh (release build), or python benches/python/bench.py --quick
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import statistics
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import requests
import smilepayz
from Crypto.Hash import SHA256
from Crypto.PublicKey import RSA
from Crypto.Signature import pkcs1_15
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from smilepayz import CallbackVerifier, IndonesiaPayout, RequestSigner
from smilepayz.testing import MockGateway, sign_callback

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"
JAKARTA = timezone(timedelta(hours=7))
PAYOUT_PATH = "/v2.0/disbursement/pay-out"


def median_seconds(operation: Callable[[], object], count: int, rounds: int) -> float:
    """Median over `rounds` of the time per call of `count` calls (after one warm-up)."""
    for _ in range(max(count // 10, 1)):
        operation()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(count):
            operation()
        samples.append((time.perf_counter() - start) / count)
    return statistics.median(samples)


def side_by_side(operations: dict[str, Callable[[], object]], count: int, rounds: int) -> dict[str, list[float]]:
    """Seconds per call of each operation, measured back to back in every round, so a
    ratio can be taken per round (the machine's load drifts between rounds)."""
    for operation in operations.values():
        for _ in range(max(count // 10, 1)):
            operation()
    samples: dict[str, list[float]] = {name: [] for name in operations}
    for _ in range(rounds):
        for name, operation in operations.items():
            start = time.perf_counter()
            for _ in range(count):
                operation()
            samples[name].append((time.perf_counter() - start) / count)
    return samples


def paired_ratio(slower: list[float], faster: list[float]) -> float:
    """The median over rounds of slower ÷ faster."""
    return statistics.median(a / b for a, b in zip(slower, faster))


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []

    def add(self, name: str, value: str, ratio: str = "") -> None:
        self.rows.append((name, value, ratio))
        print(f"  {name:<58} {value:>16} {ratio}", flush=True)


def per_second(seconds: float) -> str:
    return f"{1 / seconds:,.0f} op/s"


def micros(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f} µs"


def timestamp_now() -> str:
    return datetime.now(JAKARTA).strftime("%Y-%m-%dT%H:%M:%S+07:00")


def signing(table: Table, pem: str, count: int, rounds: int) -> float:
    print("signing: RSA-2048 PKCS#1 v1.5 SHA-256 over timestamp|secret|body, key parsed once", flush=True)
    body = json.loads((VECTORS / "requests.json").read_text())["cases"][0]["body"].encode()
    ts, secret = "2024-04-10T08:45:32+07:00", "golden-test-secret-0001"
    message = f"{ts}|{secret}|".encode() + body
    sdk = RequestSigner(pem)
    openssl_key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(openssl_key, rsa.RSAPrivateKey)
    dome_key = RSA.import_key(pem)

    def with_cryptography() -> str:
        return base64.b64encode(openssl_key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()

    def with_pycryptodome() -> str:
        return base64.b64encode(pkcs1_15.new(dome_key).sign(SHA256.new(message))).decode()

    assert sdk.sign(ts, secret, body) == with_cryptography() == with_pycryptodome()
    times = side_by_side(
        {"sdk": lambda: sdk.sign(ts, secret, body), "ossl": with_cryptography, "dome": with_pycryptodome}, count, rounds
    )
    t_sdk, t_ossl, t_dome = (statistics.median(times[k]) for k in ("sdk", "ossl", "dome"))
    table.add("sign: smilepayz RequestSigner", per_second(t_sdk))
    ossl_ratio = paired_ratio(times["ossl"], times["sdk"])
    table.add("sign: cryptography (OpenSSL)", per_second(t_ossl), f"SDK ÷ cryptography = {ossl_ratio:.2f}×")
    dome_ratio = paired_ratio(times["dome"], times["sdk"])
    table.add("sign: pycryptodome", per_second(t_dome), f"SDK ÷ pycryptodome = {dome_ratio:.2f}×")
    return t_sdk


def verification(table: Table, keys: Any, count: int, rounds: int) -> None:
    print("callback verification: headers + raw body, key parsed once", flush=True)
    body = b'{"orderNo":"IDR20240410000001","tradeNo":"T112024041000000000001","status":"SUCCESS"}'
    headers, body = sign_callback(keys["platform"]["private_pkcs8_pem"], body, timestamp="2024-04-10T08:45:32+07:00")
    public_b64 = keys["platform"]["public_spki_base64"]
    sdk = CallbackVerifier(public_b64)
    public = serialization.load_der_public_key(base64.b64decode(public_b64))
    assert isinstance(public, rsa.RSAPublicKey)

    def with_cryptography() -> str:
        trade_no = json.loads(body)["tradeNo"]
        signed = f"{trade_no}|{headers['X-TIMESTAMP']}".encode()
        public.verify(base64.b64decode(headers["X-SIGNATURE"]), signed, padding.PKCS1v15(), hashes.SHA256())
        return str(trade_no)

    assert sdk.verify(headers, body).trade_no == with_cryptography()
    times = side_by_side({"sdk": lambda: sdk.verify(headers, body).trade_no, "ossl": with_cryptography}, count, rounds)
    t_sdk, t_ossl = statistics.median(times["sdk"]), statistics.median(times["ossl"])
    table.add("verify: smilepayz CallbackVerifier.verify", per_second(t_sdk))
    ratio = paired_ratio(times["ossl"], times["sdk"])
    table.add("verify: cryptography + json", per_second(t_ossl), f"SDK ÷ cryptography = {ratio:.2f}×")


class Orders:
    """Unique order numbers across every client of a run."""

    def __init__(self, prefix: str) -> None:
        self.prefix, self.next, self.lock = prefix, 0, threading.Lock()

    def __call__(self) -> str:
        with self.lock:
            self.next += 1
            return f"{self.prefix}{self.next:010d}"


def idr(order_no: str) -> IndonesiaPayout:
    return IndonesiaPayout(
        order_no=order_no, purpose="Payroll", amount=150000, payment_method="BRI", cash_account="78120011629261665"
    )


def body_for(order_no: str, merchant_id: str) -> bytes:
    return json.dumps(
        {
            "orderNo": order_no,
            "purpose": "Payroll",
            "merchant": {"merchantId": merchant_id},
            "money": {"currency": "IDR", "amount": 150000},
            "paymentMethod": "BRI",
            "cashAccount": "78120011629261665",
        },
        separators=(",", ":"),
    ).encode()


def client_cost(table: Table, gateway: MockGateway, count: int, rounds: int) -> None:
    print(f"per pay-out, sequential, against the loopback mock gateway ({gateway.base_url})", flush=True)
    url, merchant_id, secret = gateway.base_url + PAYOUT_PATH, gateway.merchant_id, gateway.merchant_secret
    pem = gateway.merchant_private_key_pem
    orders = Orders("BQ")
    client = gateway.client()

    def sdk() -> None:
        accepted = client.payout(
            IndonesiaPayout(
                order_no=orders(),
                purpose="Payroll",
                amount=150000,
                payment_method="BRI",
                cash_account="78120011629261665",
            )
        )
        assert accepted.code == "00"

    def headers_for(ts: str, signature: str) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "X-TIMESTAMP": ts,
            "X-PARTNER-ID": merchant_id,
            "X-SIGNATURE": signature,
        }

    def official_example() -> None:
        # Smilepayz's Python example: the key imported on every call, a new connection each time.
        key = RSA.import_key(pem)
        body, ts = body_for(orders(), merchant_id), timestamp_now()
        digest = SHA256.new(f"{ts}|{secret}|".encode() + body)
        signature = base64.b64encode(pkcs1_15.new(key).sign(digest)).decode()
        answer = requests.post(url, data=body, headers=headers_for(ts, signature), timeout=10)
        assert answer.json()["code"] == "00", answer.text

    openssl_key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(openssl_key, rsa.RSAPrivateKey)
    http = httpx.Client(timeout=10)

    def tuned() -> None:
        body, ts = body_for(orders(), merchant_id), timestamp_now()
        message = f"{ts}|{secret}|".encode() + body
        signature = base64.b64encode(openssl_key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()
        answer = http.post(url, content=body, headers=headers_for(ts, signature))
        assert answer.json()["code"] == "00", answer.text

    t_sdk = median_seconds(sdk, count, rounds)
    t_official = median_seconds(official_example, count, rounds)
    t_tuned = median_seconds(tuned, count, rounds)
    http.close()
    table.add("pay-out: smilepayz Client", micros(t_sdk))
    table.add(
        "pay-out: official example (pycryptodome per call, requests)",
        micros(t_official),
        f"official ÷ SDK = {t_official / t_sdk:.2f}×",
    )
    table.add(
        "pay-out: tuned (cryptography once, httpx keep-alive)", micros(t_tuned), f"tuned ÷ SDK = {t_tuned / t_sdk:.2f}×"
    )


def concurrency(table: Table, gateway: MockGateway, total: int, sign_seconds: float) -> None:
    print("AsyncClient, 64 pay-outs in flight", flush=True)
    client = gateway.async_client()
    orders = Orders("BC")

    async def run() -> float:
        limit = asyncio.Semaphore(64)

        async def one() -> None:
            async with limit:
                request = IndonesiaPayout(
                    order_no=orders(),
                    purpose="Payroll",
                    amount=150000,
                    payment_method="BRI",
                    cash_account="78120011629261665",
                )
                assert (await client.payout(request)).code == "00"

        await asyncio.gather(*(one() for _ in range(64)))  # warm the pool
        start = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(total)))
        return total / (time.perf_counter() - start)

    rate = asyncio.run(run())
    bound = 1 / sign_seconds
    table.add(
        "AsyncClient: pay-outs/s with 64 in flight", f"{rate:,.0f} /s", f"{rate / bound:.0%} of the sign-bound limit"
    )
    table.add("sign-bound limit (one thread signing, from above)", f"{bound:,.0f} /s")


def overhead(table: Table, count: int, rounds: int) -> None:
    print("binding overhead: a cheap native call", flush=True)
    is_final = smilepayz._native.status_is_final
    t_native = median_seconds(lambda: is_final("SUCCESS"), count, rounds)

    def python_noop(status: str) -> bool:
        return status == "SUCCESS"

    t_python = median_seconds(lambda: python_noop("SUCCESS"), count, rounds)
    table.add(
        "status_is_final('SUCCESS') through the binding", micros(t_native), f"pure-Python call: {micros(t_python)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny counts: a smoke run, numbers meaningless")
    quick = parser.parse_args().quick
    keys = json.loads((VECTORS / "keys.json").read_text())
    n_sign, n_pay, n_async, rounds = (20, 5, 64, 1) if quick else (400, 300, 3000, 9)
    build = "debug or unknown build" if quick else "release build"
    print(f"smilepayz {smilepayz.__version__} ({build}), Python {sys.version.split()[0]}", flush=True)
    table = Table()
    sign_seconds = signing(table, keys["merchant"]["pkcs8_pem"], n_sign, rounds)
    verification(table, keys, n_sign * 5, rounds)
    with MockGateway() as gateway:
        client_cost(table, gateway, n_pay, rounds)
        concurrency(table, gateway, n_async, sign_seconds)
    overhead(table, n_sign * 500, rounds)
    print(f"{len(table.rows)} figures", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
