"""Client and AsyncClient end to end against the mock gateway: every region of the golden
requests, reconciliation, inquiries, concurrency, fork. What each fault gives is the
table of tests/vectors/scenarios.json (test_scenarios.py)."""

from __future__ import annotations

import asyncio
import os
from decimal import Decimal

import pytest
from smilepayz import AsyncClient, BalanceValue, Client, Status, errors
from smilepayz.testing import MockGateway

from .forking import in_forked_child
from .regions import REGIONS, golden, indonesia, region_request


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_each_region_pays_out_settles_and_is_confirmed(gateway: MockGateway, client: Client, region: str) -> None:
    order_no = f"PY{region}0000001"
    accepted = client.payout(region_request(region, order_no))
    assert accepted.order_no == order_no
    assert accepted.status is Status.PROCESSING and not accepted.is_final
    assert accepted.money is not None and accepted.money.currency == region
    assert accepted.trade_no and accepted.raw.startswith("{")
    assert gateway.settle(order_no, "SUCCESS") is None  # no callbackUrl: nothing delivered
    signed = gateway.signed_callback(order_no)
    assert signed is not None
    callback = gateway.callback_verifier().verify(*signed)
    assert callback.trade_no == accepted.trade_no
    confirmed = client.confirm_callback(callback)
    assert confirmed.status is Status.SUCCESS and confirmed.is_final
    assert confirmed.money == accepted.money
    assert confirmed.callback is callback
    by_trade = client.inquire_status(trade_no=accepted.trade_no)
    assert by_trade.trade_no == accepted.trade_no and by_trade.is_final
    assert gateway.payout_requests_for(order_no) == 1


def test_usdt_amount_stays_exact(client: Client) -> None:
    request = golden("usdt-bep20", "PYUSDT000099")
    accepted = client.payout(request)
    assert accepted.money is not None and accepted.money.amount == Decimal(request.to_dict()["amount"])


def test_async_client_pays_out_all_regions_and_confirms() -> None:
    async def run(gateway: MockGateway) -> None:
        client = gateway.async_client()
        for region in REGIONS:
            order_no = f"AS{region}0000001"
            accepted = await client.payout(region_request(region, order_no))
            assert accepted.order_no == order_no
            gateway.settle(order_no, "FAILED")
            signed = gateway.signed_callback(order_no)
            assert signed is not None
            confirmed = await client.confirm_callback(gateway.callback_verifier().verify(*signed))
            assert confirmed.status is Status.FAILED
            assert (await client.inquire_status(order_no=order_no)).status is Status.FAILED
            assert (await client.reconcile_payout(order_no)).is_settled
        gateway.set_balance("2000124234782342", "IDR", Decimal("10"), Decimal("5"))
        balance = await client.inquire_balance("2000124234782342")
        assert balance.account_infos[0].available_balance == BalanceValue(currency="IDR", value=Decimal("5"))

    with MockGateway() as gateway:
        asyncio.run(run(gateway))


def test_many_async_payouts_in_flight_at_once(gateway: MockGateway) -> None:
    async def run() -> list[str]:
        client = gateway.async_client()
        results = await asyncio.gather(*(client.payout(indonesia(f"CONC{i:08d}")) for i in range(128)))
        return [r.order_no or "" for r in results]

    order_nos = asyncio.run(run())
    assert sorted(order_nos) == [f"CONC{i:08d}" for i in range(128)]
    assert all(gateway.payout_requests_for(o) == 1 for o in order_nos)


def test_async_faults_map_to_the_same_exceptions(gateway: MockGateway) -> None:
    async def run() -> errors.OutcomeUnknownError:
        gateway.inject("payout", "drop_after_accept")
        with pytest.raises(errors.OutcomeUnknownError) as caught:
            await gateway.async_client().payout(indonesia("AFAULT000001"))
        return caught.value

    assert asyncio.run(run()).order_no == "AFAULT000001"


def test_a_duplicate_order_is_an_api_error_with_the_gateway_code(gateway: MockGateway, client: Client) -> None:
    client.payout(indonesia("DUP000000001"))
    with pytest.raises(errors.ApiError) as caught:
        client.payout(indonesia("DUP000000001"))
    assert caught.value.api_code == "4090001"
    assert caught.value.http_status >= 200 and caught.value.raw_body.startswith("{")
    assert caught.value.api_message


def test_reconciling_an_order_the_gateway_never_saw_is_not_found(client: Client) -> None:
    state = client.reconcile_payout("NEVERSENT0001")
    assert state.outcome == "not_found" and state.code == "4040001" and not state.is_settled


def test_a_callback_that_disagrees_with_the_gateway_is_a_mismatch(gateway: MockGateway, client: Client) -> None:
    accepted = client.payout(indonesia("MISMATCH0001"))
    gateway.settle("MISMATCH0001", "SUCCESS")
    signed = gateway.signed_callback("MISMATCH0001")
    assert signed is not None
    callback = gateway.callback_verifier().verify(*signed)
    gateway.settle("MISMATCH0001", "FAILED")
    with pytest.raises(errors.CallbackMismatchError) as caught:
        client.confirm_callback(callback)
    assert (caught.value.field, caught.value.callback_value, caught.value.gateway_value) == (
        "status",
        "SUCCESS",
        "FAILED",
    )
    assert accepted.trade_no == callback.trade_no


def test_balance_inquiry_gives_exact_values(gateway: MockGateway, client: Client) -> None:
    gateway.set_balance("2000124234782342", "IDR", Decimal("9850000.50"), Decimal("9700000"))
    balance = client.inquire_balance("2000124234782342")
    assert balance.account_no == "2000124234782342"
    info = balance.account_infos[0]
    assert info.amount is not None and info.amount.value == Decimal("9850000.50")
    assert info.available_balance is not None and info.available_balance.value == Decimal("9700000")
    assert balance.to_dict()["account_infos"][0]["amount"]["value"] == Decimal("9850000.50")


def test_inquire_status_needs_exactly_one_number(client: Client) -> None:
    with pytest.raises(errors.ConfigError):
        client.inquire_status()
    with pytest.raises(errors.ConfigError):
        client.inquire_status(order_no="A", trade_no="B")


def test_remark_reaches_the_status_answer(gateway: MockGateway, client: Client) -> None:
    client.payout(indonesia("REMARK000001"))
    assert gateway.set_remark("REMARK000001", "account closed")
    assert not gateway.set_remark("NOSUCHORDER1", "x")
    assert client.inquire_status(order_no="REMARK000001").remark == "account closed"
    orders = gateway.orders()
    assert [o["order_no"] for o in orders] == ["REMARK000001"]
    assert gateway.order("REMARK000001") == orders[0]
    assert gateway.order("NOSUCHORDER1") is None


def test_from_env_reads_the_documented_variables(gateway: MockGateway, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMILEPAYZ_MERCHANT_ID", gateway.merchant_id)
    monkeypatch.setenv("SMILEPAYZ_MERCHANT_SECRET", gateway.merchant_secret)
    monkeypatch.setenv("SMILEPAYZ_PRIVATE_KEY", gateway.merchant_private_key_pem)
    monkeypatch.setenv("SMILEPAYZ_BASE_URL", gateway.base_url)
    for cls in (Client, AsyncClient):
        client = cls.from_env()
        assert client.merchant_id == gateway.merchant_id and client.base_url == gateway.base_url
    assert Client.from_env().payout(indonesia("ENV000000001")).order_no == "ENV000000001"
    monkeypatch.delenv("SMILEPAYZ_MERCHANT_SECRET")
    with pytest.raises(errors.ConfigError, match="merchant_secret is missing"):
        Client.from_env()


def test_repr_and_errors_never_show_secrets(gateway: MockGateway) -> None:
    client = gateway.client()
    shown = [repr(client), repr(gateway), repr(gateway.callback_verifier()), repr(gateway.async_client())]
    key_body = gateway.merchant_private_key_pem.splitlines()[1]
    for text in shown:
        assert gateway.merchant_secret not in text and key_body not in text
    with pytest.raises(errors.ConfigError) as caught:
        Client(merchant_id="m-1", merchant_secret="hunter2-secret", private_key=key_body[:40], environment="sandbox")
    assert "hunter2-secret" not in str(caught.value) and key_body[:40] not in str(caught.value)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_clients_keep_working_in_a_forked_child(gateway: MockGateway) -> None:
    sync_client, async_client = gateway.client(), gateway.async_client()
    sync_client.payout(indonesia("PARENT000001"))  # the parent's runtime and pool are in use

    def child() -> None:
        sync_client.payout(indonesia("CHILD0000001"))
        asyncio.run(async_client.payout(indonesia("CHILD0000002")))

    in_forked_child(child)
    assert gateway.payout_requests_for("CHILD0000001") == 1
    assert gateway.payout_requests_for("CHILD0000002") == 1
    assert sync_client.payout(indonesia("PARENT000002")).order_no == "PARENT000002"
