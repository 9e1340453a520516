"""Ctrl-C during a blocking call (issue 12): a real SIGINT to a child process whose main
thread waits in the SDK. Nothing sent yet is ``KeyboardInterrupt``; a pay-out that may
have left is ``OutcomeUnknownError`` with reason ``aborted`` — the gateway has it, so it is
reconciled, never silence and never a resend."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

from .regions import FIRST_OF_REGION, GOLDEN, snake_keys

CHILD = textwrap.dedent(
    """
    import json, signal, sys
    from smilepayz import OutcomeUnknownError, PayoutRequest
    from smilepayz.testing import MockGateway

    # A shell's background job starts with SIGINT ignored, and Python then installs no
    # KeyboardInterrupt handler: install it, as an interactive program has it.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    with MockGateway() as gateway:
        client = gateway.client()
        gateway.inject(sys.argv[1], "delay", delay_ms=5000)
        print("ready", flush=True)
        try:
            if sys.argv[1] == "payout":
                client.payout(PayoutRequest.from_dict(json.loads(sys.argv[2])))
            else:
                client.inquire_balance("ACC1")
            outcome = {"raised": None}
        except KeyboardInterrupt:
            outcome = {"raised": "KeyboardInterrupt"}
        except OutcomeUnknownError as unknown:
            outcome = {"raised": "OutcomeUnknownError", "reason": unknown.reason, "order_no": unknown.order_no}
        outcome["at_gateway"] = gateway.payout_requests_for("INTERRUPT01")
        print(json.dumps(outcome), flush=True)
    """
)


def interrupted(endpoint: str) -> dict[str, object]:
    request = snake_keys({**GOLDEN[FIRST_OF_REGION["IDR"]], "orderNo": "INTERRUPT01"})
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, endpoint, json.dumps(request)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    time.sleep(0.5)  # the request is on its way: the mock holds it for 5 s
    started = time.monotonic()
    os.kill(child.pid, signal.SIGINT)
    out, _ = child.communicate(timeout=30)
    assert time.monotonic() - started < 3, "Ctrl-C was answered at once, not after the 5 s answer"
    assert child.returncode == 0, out
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


def test_ctrl_c_during_a_pay_out_is_an_unknown_outcome_the_gateway_has() -> None:
    outcome = interrupted("payout")
    assert outcome == {"raised": "OutcomeUnknownError", "reason": "aborted", "order_no": "INTERRUPT01", "at_gateway": 1}


def test_ctrl_c_during_a_read_is_keyboard_interrupt() -> None:
    outcome = interrupted("balance")
    assert outcome == {"raised": "KeyboardInterrupt", "at_gateway": 0}
