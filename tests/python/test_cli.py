"""The ``smilepayz`` console script (the Rust command line through the native module),
and a client written without the SDK — stdlib HTTP plus ``cryptography`` — talking to
``smilepayz mock`` as any other language would."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import smilepayz
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.serialization import load_der_public_key, load_pem_private_key

# pip puts console scripts next to the interpreter of the environment.
SCRIPT = Path(sys.executable).parent / "smilepayz"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    assert SCRIPT.exists(), f"{SCRIPT} missing: is smilepayz pip-installed here?"
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=60, check=False, env=env)


class Mock:
    """A ``smilepayz mock`` process and the settings line it printed."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [str(SCRIPT), "mock"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        self.settings: dict[str, str] = json.loads(self.process.stdout.readline())
        self.base_url = self.settings["base_url"]

    def admin(self, method: str, name: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.base_url}/_mock/{name}", data=data, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as refused:
            return refused.code, json.loads(refused.read())

    def stop(self, sig: signal.Signals) -> tuple[int, str]:
        self.process.send_signal(sig)
        _, stderr = self.process.communicate(timeout=10)
        return self.process.returncode, stderr


@pytest.fixture
def mock() -> Iterator[Mock]:
    m = Mock()
    yield m
    if m.process.poll() is None:
        m.process.kill()
        m.process.communicate()


def test_version_and_help_come_from_the_rust_command() -> None:
    version = run("--version")
    assert (version.returncode, version.stdout.strip()) == (0, f"smilepayz {smilepayz.__version__}")
    usage = run("--help")
    assert usage.returncode == 0 and "Exit codes:" in usage.stdout and "mock" in usage.stdout
    bad = run("payout", "--bogus")
    assert bad.returncode == 2 and "unexpected argument '--bogus'" in bad.stderr
    assert "Traceback" not in bad.stderr
    as_json = run("payout", "--bogus", "--json")
    assert as_json.returncode == 2
    assert json.loads(as_json.stdout)["error"]["usage_error"] == "unknown_argument"


def test_a_batch_from_a_csv_file_runs_and_reports_exact_totals(mock: Mock, tmp_path: Path) -> None:
    s = mock.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMILEPAYZ_")}
    env.update(
        SMILEPAYZ_BASE_URL=s["base_url"],
        SMILEPAYZ_MERCHANT_ID=s["merchant_id"],
        SMILEPAYZ_MERCHANT_SECRET=s["merchant_secret"],
        SMILEPAYZ_PRIVATE_KEY=s["merchant_private_key"],
    )
    amounts = ["150000", "2500", "99", "1000001"]
    rows = "".join(f"IDR,Payroll,{a},BRI,78120011629261665\n" for a in amounts)
    (tmp_path / "rows.csv").write_text("region,purpose,amount,payment_method,cash_account\n" + rows)
    target = ["--journal", str(tmp_path / "batch.journal"), "--batch-id", "py-batch"]
    ran = run("batch", "run", *target, "--file", str(tmp_path / "rows.csv"), "--json", env=env)
    assert ran.returncode == 0, ran.stderr
    summary = json.loads(ran.stdout)
    assert (summary["added"]["added"], summary["run"]["counts"]["accepted"], summary["run"]["sent"]) == (4, 4, 4)
    _, orders = mock.admin("GET", "orders")
    assert sorted(o["amount"] for o in orders) == sorted(amounts)
    report = run("batch", "report", *target, "--json", env=env)
    assert report.returncode == 0, report.stderr
    accepted = json.loads(report.stdout)["by_state"]["accepted"]
    assert Decimal(accepted["amounts"]["IDR"]) == sum(Decimal(a) for a in amounts)
    status = run("batch", "status", *target, env=env)
    expected = f"batch py-batch: 4 rows; accepted 4\n  accepted: IDR {sum(Decimal(a) for a in amounts)}"
    assert (status.returncode, status.stdout.strip()) == (0, expected)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_the_mock_serves_its_admin_api_and_stops_cleanly(mock: Mock, sig: signal.Signals) -> None:
    assert mock.base_url.startswith("http://127.0.0.1:")
    assert mock.admin("GET", "orders") == (200, [])
    status, error = mock.admin("POST", "settle", {"orderNo": "ORDER0404", "status": "SUCCESS"})
    assert status == 404 and "ORDER0404" in error["error"]
    code, stderr = mock.stop(sig)
    assert code == 0, stderr
    assert "mock gateway stopped" in stderr and "Traceback" not in stderr


# --- a client without the SDK --------------------------------------------------------


def sign(key: rsa.RSAPrivateKey, message: str) -> str:
    return base64.b64encode(key.sign(message.encode(), padding.PKCS1v15(), SHA256())).decode()


def post(mock: Mock, key: rsa.RSAPrivateKey, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """Signs ``timestamp|secret|body`` over the exact bytes sent (PROTOCOL.md) and posts them."""
    raw = json.dumps(body, separators=(",", ":"))
    timestamp = datetime.now(timezone(timedelta(hours=7))).strftime("%Y-%m-%dT%H:%M:%S+07:00")
    headers = {
        "Content-Type": "application/json",
        "X-TIMESTAMP": timestamp,
        "X-PARTNER-ID": mock.settings["merchant_id"],
        "X-SIGNATURE": sign(key, f"{timestamp}|{mock.settings['merchant_secret']}|{raw}"),
    }
    request = urllib.request.Request(mock.base_url + path, data=raw.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            answer: dict[str, Any] = json.loads(response.read())
    except urllib.error.HTTPError as refused:
        answer = json.loads(refused.read())
    return answer


class CallbackInbox(BaseHTTPRequestHandler):
    """The merchant's callback endpoint: keeps what arrives, answers SUCCESS."""

    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        CallbackInbox.received.append(({k.upper(): v for k, v in self.headers.items()}, body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"SUCCESS")

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_a_client_written_without_the_sdk_pays_out_and_verifies_the_callback(mock: Mock) -> None:
    key = load_pem_private_key(mock.settings["merchant_private_key"].encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    platform = load_der_public_key(base64.b64decode(mock.settings["platform_public_key"]))
    assert isinstance(platform, rsa.RSAPublicKey)
    inbox = HTTPServer(("127.0.0.1", 0), CallbackInbox)
    threading.Thread(target=inbox.serve_forever, daemon=True).start()
    CallbackInbox.received.clear()
    try:
        payout = {
            "orderNo": "NOSDK0001",
            "purpose": "Payroll",
            "merchant": {"merchantId": mock.settings["merchant_id"]},
            "money": {"currency": "IDR", "amount": 150000},
            "paymentMethod": "BRI",
            "cashAccount": "78120011629261665",
            "callbackUrl": f"http://127.0.0.1:{inbox.server_address[1]}/smilepayz/callback",
        }
        accepted = post(mock, key, "/v2.0/disbursement/pay-out", payout)
        assert (accepted["code"], accepted["orderNo"], accepted["status"]) == ("00", "NOSDK0001", "PROCESSING")

        status, settled = mock.admin("POST", "settle", {"orderNo": "NOSDK0001", "status": "SUCCESS"})
        assert status == 200 and settled["callback"]["acknowledged"] is True, settled
        ((headers, body),) = CallbackInbox.received
        callback = json.loads(body)
        assert (callback["orderNo"], callback["tradeNo"], callback["status"]) == (
            "NOSDK0001",
            accepted["tradeNo"],
            "SUCCESS",
        )
        # Only tradeNo|X-TIMESTAMP is signed, with the platform key.
        signed = f"{callback['tradeNo']}|{headers['X-TIMESTAMP']}".encode()
        platform.verify(base64.b64decode(headers["X-SIGNATURE"]), signed, padding.PKCS1v15(), SHA256())
        with pytest.raises(InvalidSignature):
            platform.verify(base64.b64decode(headers["X-SIGNATURE"]), b"T0|" + signed, padding.PKCS1v15(), SHA256())

        inquiry = post(mock, key, "/v2.0/inquiry-status", {"tradeType": 2, "orderNo": "NOSDK0001"})
        assert (inquiry["code"], inquiry["tradeNo"], inquiry["status"]) == ("00", accepted["tradeNo"], "SUCCESS")
        # The mock checks signatures: a key it does not know is refused.
        stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        refused = post(mock, stranger, "/v2.0/inquiry-status", {"tradeType": 2, "orderNo": "NOSDK0001"})
        assert refused["code"] != "00"
        _, requests = mock.admin("GET", "requests")
        assert [r["path"] for r in requests] == [
            "/v2.0/disbursement/pay-out",
            "/v2.0/inquiry-status",
            "/v2.0/inquiry-status",
        ]
    finally:
        inbox.shutdown()
        inbox.server_close()
