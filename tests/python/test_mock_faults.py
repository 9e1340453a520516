"""The network faults of the mock gateway, injected by name from Python: what the client
reports for each, that the gateway saw each pay-out exactly once, and that reconciliation
tells a request the gateway never handled (not found: resend) from one it did (pending)."""

from __future__ import annotations

import time

import pytest
from smilepayz import Client, errors
from smilepayz.testing import MockGateway

from .regions import indonesia

# Long enough for the client to put the connection of an answer back in its pool.
BACK_IN_POOL = 0.05


def unknown(client: Client, order_no: str) -> errors.OutcomeUnknownError:
    with pytest.raises(errors.OutcomeUnknownError) as caught:
        client.payout(indonesia(order_no))
    assert caught.value.order_no == order_no
    return caught.value


def resent_after_not_found(gateway: MockGateway, client: Client, order_no: str) -> None:
    """The gateway never handled the pay-out: reconciliation finds nothing, and sending it
    again with the same order number is the first pay-out the gateway sees."""
    assert gateway.payout_requests_for(order_no) == 0
    assert gateway.order(order_no) is None
    assert client.reconcile_payout(order_no).outcome == "not_found"
    assert client.payout(indonesia(order_no)).order_no == order_no
    assert gateway.payout_requests_for(order_no) == 1


def pending_once(gateway: MockGateway, client: Client, order_no: str) -> None:
    """The gateway handled the pay-out once; the client never sent it again."""
    assert gateway.payout_requests_for(order_no) == 1
    assert client.reconcile_payout(order_no).outcome == "pending"


@pytest.mark.parametrize("http_status", [307, 308])
def test_a_redirect_before_acceptance_is_an_unknown_outcome_never_followed(
    gateway: MockGateway, client: Client, http_status: int
) -> None:
    gateway.inject("payout", "redirect_before_accept", http_status=http_status)
    err = unknown(client, f"REDIRB{http_status}01")
    assert err.cause == "redirect"
    assert err.http_status == http_status
    resent_after_not_found(gateway, client, f"REDIRB{http_status}01")


@pytest.mark.parametrize("http_status", [307, 308])
def test_a_redirect_after_acceptance_is_an_unknown_outcome_never_followed(
    gateway: MockGateway, client: Client, http_status: int
) -> None:
    gateway.inject("payout", "redirect_after_accept", http_status=http_status)
    err = unknown(client, f"REDIRA{http_status}01")
    assert err.cause == "redirect"
    assert err.http_status == http_status
    pending_once(gateway, client, f"REDIRA{http_status}01")


def test_a_redirect_defaults_to_307(gateway: MockGateway, client: Client) -> None:
    gateway.inject("payout", "redirect_after_accept")
    assert unknown(client, "REDIRDEFAULT1").http_status == 307


def test_a_reset_during_upload_is_an_unknown_outcome_then_not_found(gateway: MockGateway, client: Client) -> None:
    gateway.inject("payout", "reset_during_upload")
    assert unknown(client, "RESET0000001").cause == "connection_lost"
    resent_after_not_found(gateway, client, "RESET0000001")


def test_a_truncated_answer_is_an_unknown_outcome(gateway: MockGateway, client: Client) -> None:
    gateway.inject("payout", "truncated_after_accept")
    assert unknown(client, "TRUNC0000001").cause == "connection_lost"
    pending_once(gateway, client, "TRUNC0000001")


def test_an_oversized_answer_is_an_unknown_outcome(gateway: MockGateway, client: Client) -> None:
    gateway.inject("payout", "oversized_after_accept")
    assert unknown(client, "BIGANSWER001").cause == "unreadable"
    pending_once(gateway, client, "BIGANSWER001")


def test_a_pay_out_written_onto_a_dead_kept_alive_connection_is_an_unknown_outcome(
    gateway: MockGateway, client: Client
) -> None:
    gateway.inject("payout", "close_idle_keep_alive")
    assert client.payout(indonesia("IDLE00000001")).order_no == "IDLE00000001"
    time.sleep(BACK_IN_POOL)
    assert unknown(client, "IDLE00000002").cause == "connection_lost"
    assert gateway.closed_keep_alive_connections() == 1
    resent_after_not_found(gateway, client, "IDLE00000002")
    assert gateway.payout_requests_for("IDLE00000001") == 1


def test_inquiries_meeting_the_new_faults_are_retried(gateway: MockGateway, client: Client) -> None:
    trade_no = client.payout(indonesia("INQUIRY00001")).trade_no
    for fault in [
        "redirect_before_accept",
        "redirect_after_accept",
        "reset_during_upload",
        "truncated_after_accept",
        "oversized_after_accept",
    ]:
        gateway.inject("status", fault)  # type: ignore[arg-type]
        assert client.inquire_status(order_no="INQUIRY00001").trade_no == trade_no, fault
    assert gateway.payout_requests_for("INQUIRY00001") == 1


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
