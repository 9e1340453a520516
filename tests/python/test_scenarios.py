"""The fault -> outcome table of tests/vectors/scenarios.json, run in Python (Rust and
Node run the same table): one test per case, against a fresh mock gateway."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any, Optional

import pytest
from smilepayz import Client, errors
from smilepayz.testing import Endpoint, MockGateway

from .conftest import FIGURES, load, pointer
from .regions import golden

TABLE = load("scenarios.json")
CASES: list[Any] = TABLE["cases"]


def call(client: Client, endpoint: str, order_no: str, request: Any) -> None:
    if endpoint == "payout":
        client.payout(request)
    elif endpoint == "status":
        client.inquire_status(order_no=order_no)
    elif endpoint == "balance":
        client.inquire_balance(TABLE["balanceAccount"]["accountNo"])
    else:
        raise AssertionError(f"unknown endpoint {endpoint!r}")


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_fault_scenario(case: Any, keys: Any) -> None:
    FIGURES["fault scenarios"] = FIGURES.get("fault scenarios", 0) + 1
    order_no = f"SCN{CASES.index(case):06d}"
    request = golden(case["request"]["golden"], order_no)
    endpoint: Endpoint = case["endpoint"]
    fault = case["fault"]
    with MockGateway(
        merchant_private_key=pointer(keys, "/merchant/pkcs8_pem"),
        platform_private_key=pointer(keys, "/platform/private_pkcs8_pem"),
    ) as gateway:
        account = TABLE["balanceAccount"]
        gateway.set_balance(
            account["accountNo"], account["currency"], Decimal(account["balance"]), Decimal(account["available"])
        )
        client = gateway.client(**case.get("client", {}))
        if endpoint != "payout":
            client.payout(request)
        listening_again = time.monotonic()
        if fault is not None and fault["fault"] == "refuse_connections":
            listening_again += fault["duration_ms"] / 1000
            gateway.refuse_connections_for(fault["duration_ms"])
        elif fault is not None:  # an unknown fault name is a ConfigError: the case fails
            before: Optional[Endpoint] = case.get("precededBy")
            gateway.inject(before or endpoint, **fault)
            if before is not None:
                call(client, before, order_no, request)
                time.sleep(TABLE["backInPoolMs"] / 1000)
        error: Optional[errors.SmilepayzError] = None
        try:
            call(client, endpoint, order_no, request)
        except errors.SmilepayzError as failed:
            error = failed
        time.sleep(max(0.0, listening_again - time.monotonic()))

        expect = case["expect"]
        checker = gateway.client()
        got = {
            "error": None if error is None else error.kind,
            "cause": getattr(error, "reason", None),
            "httpStatus": getattr(error, "http_status", None),
            "gatewaySaw": gateway.payout_requests_for(order_no),
            "reconcile": None if expect["reconcile"] is None else checker.reconcile_payout(order_no).outcome,
        }
        assert {"error", "cause", "gatewaySaw", "reconcile"} <= set(expect)
        assert {k: got[k] for k in expect} == expect
        if expect["reconcile"] == "not_found":  # never handled: sending it again is safe
            assert checker.payout(request).order_no == order_no
            assert gateway.payout_requests_for(order_no) == expect["gatewaySaw"] + 1
