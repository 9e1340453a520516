"""Faults injected by name from Python: the defaults and the refusals of the names and
settings. What the client reports for each fault is the table of
tests/vectors/scenarios.json (test_scenarios.py)."""

from __future__ import annotations

import pytest
from smilepayz import Client, errors
from smilepayz.testing import MockGateway

from .regions import indonesia


def test_a_redirect_defaults_to_307(gateway: MockGateway, client: Client) -> None:
    gateway.inject("payout", "redirect_after_accept")
    with pytest.raises(errors.OutcomeUnknownError) as caught:
        client.payout(indonesia("REDIRDEFAULT1"))
    assert caught.value.http_status == 307


def test_fault_names_and_arguments_are_checked(gateway: MockGateway) -> None:
    with pytest.raises(errors.ConfigError, match="close_idle_keep_alive"):
        gateway.inject("payout", "teapot")  # type: ignore[arg-type]
    with pytest.raises(errors.ConfigError, match="only the redirect faults"):
        gateway.inject("payout", "truncated_after_accept", http_status=307)
    with pytest.raises(errors.ConfigError, match="3xx"):
        gateway.inject("payout", "redirect_before_accept", http_status=200)
    with pytest.raises(errors.ConfigError, match="only the delay fault"):
        gateway.inject("payout", "oversized_after_accept", delay_ms=1000)
    with pytest.raises(errors.ConfigError, match="payout, status or balance"):
        gateway.inject("refund", "drop_after_accept")  # type: ignore[arg-type]
    # A delay no duration can hold is refused by name, never a panic of the extension.
    for bad in [float("inf"), float("-inf"), float("nan"), -1.0]:
        with pytest.raises(errors.ConfigError, match="delay_ms"):
            gateway.inject("payout", "delay", delay_ms=bad)
    with pytest.raises(errors.ConfigError, match="duration_ms"):
        gateway.refuse_connections_for(float("inf"))
    assert gateway.orders() == []
