"""The generated typed layer against the real objects: every answer, callback and error
the package returns holds exactly the fields its class declares, each a value of the
declared type (mypy --strict checks the code that uses the annotations; this checks the
annotations against what the native module really gives), nested ones too. The region
classes, built from the golden requests, hold them as attributes and send the golden bytes."""

from __future__ import annotations

import dataclasses
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import pytest
import smilepayz
from smilepayz import Batch, Client, PayoutRequest, batch_models, errors, models, requests
from smilepayz.testing import MockGateway, sign_callback

from .conftest import load
from .regions import GOLDEN, snake_keys


def fits(value: Any, hint: Any) -> bool:
    """True when ``value`` is of the annotated type ``hint``."""
    origin = get_origin(hint)
    if hint is Any:
        return True
    if origin is Union:
        return any(fits(value, arg) for arg in get_args(hint))
    if origin is Literal:
        return value in get_args(hint)
    if origin is list:
        return isinstance(value, list) and all(fits(v, get_args(hint)[0]) for v in value)
    if origin is dict:
        key, item = get_args(hint)
        return isinstance(value, dict) and all(fits(k, key) and fits(v, item) for k, v in value.items())
    if hint is type(None):
        return value is None
    return isinstance(value, hint)


def declared(cls: type) -> dict[str, Any]:
    """The public instance fields a class declares, with their types."""
    # The generated modules' names resolve the hints of the hand-written bases too.
    hints = typing.get_type_hints(cls, localns={**vars(models), **vars(errors), **vars(batch_models)})
    return {k: v for k, v in hints.items() if not k.startswith("_") and get_origin(v) is not typing.ClassVar}


def conforms(value: Any, native: dict[str, Any] | None = None) -> None:
    """``value`` holds a value of each declared type (and its native dict exactly those
    fields), and so does every object in it (in a field, a list or a mapping)."""
    fields = declared(type(value))
    if native is not None:
        assert set(native) == set(fields), type(value).__name__
    for name, hint in fields.items():
        field = getattr(value, name)
        assert fits(field, hint), f"{type(value).__name__}.{name} = {field!r} is not {hint}"
        for inner, inner_native in nested(field, None if native is None else native[name]):
            conforms(inner, inner_native)


def nested(field: Any, native: Any) -> list[tuple[Any, Any]]:
    """The objects in ``field`` (itself, list items, mapping values), each with its native value."""
    if isinstance(field, list):
        pairs = [(v, None if native is None else native[i]) for i, v in enumerate(field)]
    elif isinstance(field, dict):
        pairs = [(v, None if native is None else native[k]) for k, v in field.items()]
    else:
        pairs = [(field, native)]
    return [(v, n) for v, n in pairs if dataclasses.is_dataclass(v)]


def test_answers_hold_exactly_their_declared_fields(gateway: MockGateway, client: Client) -> None:
    given: dict[str, Any] = {"purpose": "Types", "amount": 150000, "payment_method": "BRI"}
    merchant = requests.Merchant(merchant_name="Toko")
    request = requests.IndonesiaPayout(
        order_no="TYPES0000001", cash_account="78120011629261665", merchant=merchant, **given
    )
    native = client._native.payout(request._native)
    accepted = models.PayoutResult._from(native)
    conforms(accepted, native)
    assert accepted.money is not None and accepted.money.amount == Decimal(150000)
    native_status = client._native.inquire_status(order_no=request.order_no, trade_no=None)
    conforms(models.StatusResult._from(native_status), native_status)
    gateway.set_balance("ACC1", "IDR", Decimal("1000.50"), Decimal("900"))
    native_balance = client._native.inquire_balance("ACC1")
    balance = models.BalanceResult._from(native_balance)
    conforms(balance, native_balance)
    assert balance.account_infos, "the mock answers with a balance"
    for info in balance.account_infos:
        conforms(info)
    assert gateway.settle(request.order_no, "SUCCESS") is None
    signed = gateway.signed_callback(request.order_no)
    assert signed is not None
    verified = gateway.callback_verifier().verify(*signed)
    # The callback's fields are descriptors (`_Field[T]`), read from the native object.
    callback_fields = {k: get_args(v)[0] for k, v in declared(models._CallbackFields).items()}
    assert set(verified._native.to_dict()) == {*callback_fields, "timestamp"}
    for name, hint in callback_fields.items():
        assert fits(getattr(verified, name), hint), name
    conforms(client.confirm_callback(verified))


def test_batch_answers_hold_exactly_their_declared_fields(gateway: MockGateway, client: Client, tmp_path: Path) -> None:
    idr = snake_keys(GOLDEN["idr-minimal"])
    rows = [
        {**idr, "order_no": "TYPESB001", "amount": "150000"},
        {**idr, "order_no": "TYPESB002", "amount": "20000"},
        {**idr, "order_no": "X", "amount": "1"},
    ]
    with Batch(client, journal=tmp_path / "types.journal", batch_id="types") as batch:
        native_added = batch._native.add(rows, settings={"skip_invalid": True})
        added = batch_models.AddSummary._from(native_added)
        conforms(added, native_added)
        assert added.added == 2 and [r.row_number for r in added.skipped] == [3]
        gateway.set_balance("ACC1", "IDR", Decimal("1000000"), Decimal("900000"))
        native_coverage = batch._native.preflight("ACC1")
        for currency, cover in batch.preflight("ACC1").items():
            conforms(cover, native_coverage[currency])
        assert batch.preflight("ACC1")["IDR"].needed == Decimal("170000")
        progress: list[dict[str, Any]] = []
        native_run = batch._native.run(settings={}, on_progress=progress.append)
        conforms(batch_models.RunSummary._from(native_run), native_run)
        assert progress, "a run reports progress"
        for p in progress:
            conforms(batch_models.BatchProgress._from(p), p)
        gateway.settle("TYPESB001", "SUCCESS")
        gateway.settle("TYPESB002", "FAILED")
        settled = batch.run(settle_within_ms=10_000)
        every = {"pending": 0, "sending": 0, "accepted": 0, "rejected": 0, "unknown": 0, "final": 2}
        assert settled.finished and settled.counts == every, settled
        native_report = batch._native.report()
        report = batch_models.BatchReport._from(native_report)
        conforms(report, native_report)
        assert len(report.rows) == 2 and set(report.by_status) == {"SUCCESS", "FAILED"}
        assert report.by_state["final"].amounts == {"IDR": Decimal("170000")}
        native_totals = batch._native.totals()
        totals = batch_models.BatchTotals._from(native_totals)
        conforms(totals, native_totals)
        assert (totals.rows, totals.complete) == (2, True) and totals.by_state == report.by_state


def raised(call: Any) -> errors.SmilepayzError:
    with pytest.raises(errors.SmilepayzError) as caught:
        call()
    return caught.value


def test_errors_hold_exactly_their_declared_fields(gateway: MockGateway, client: Client) -> None:
    usdt: dict[str, Any] = {
        "purpose": "Types",
        "amount": 1,
        "network": "TRC20",
        "cash_account": "TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ",
    }
    once = gateway.client(timeout_ms=2000, retry={"max_attempts": 1})
    seen = [
        raised(lambda: requests.UsdtPayout(order_no="X", **usdt)),
        raised(lambda: Client(**{**gateway._settings(), "private_key": "not a key!"})),
        raised(
            lambda: gateway.client(merchant_secret="not-the-secret").payout(
                requests.UsdtPayout(order_no="TYPESE001", **usdt)
            )
        ),
    ]
    gateway.inject("payout", "server_error_after_accept")
    seen.append(raised(lambda: once.payout(requests.UsdtPayout(order_no="TYPESE002", **usdt))))
    gateway.inject("status", "malformed_after_accept")
    seen.append(raised(lambda: once.inquire_status(order_no="TYPESE002")))
    forged = sign_callback(
        gateway.platform_private_key_pem, {"tradeNo": "T1", "orderNo": "NOSUCHORDER1", "status": "SUCCESS"}
    )
    seen.append(raised(lambda: gateway.callback_verifier().verify({}, forged[1])))
    claimed = gateway.callback_verifier().verify(*forged)
    seen.append(raised(lambda: client.confirm_callback(claimed)))
    fresh = client.payout(requests.UsdtPayout(order_no="TYPESE003", **usdt))
    processing = gateway.signed_callback("TYPESE003")
    assert processing is not None and fresh.order_no == "TYPESE003"
    gateway.settle("TYPESE003", "SUCCESS")
    seen.append(raised(lambda: client.confirm_callback(gateway.callback_verifier().verify(*processing))))
    unreachable = Client(**{**gateway._settings(), "base_url": "http://127.0.0.1:9", "retry": {"max_attempts": 1}})
    seen.append(raised(lambda: unreachable.inquire_status(order_no="ORDER0001")))
    kinds = [type(e).kind for e in seen]
    assert kinds == [
        "validation",
        "config",
        "api",
        "outcome_unknown",
        "protocol",
        "signature",
        "callback_mismatch",
        "stale_callback",
        "transport",
    ]
    for error in seen:
        conforms(error)
    stale = seen[7]
    assert isinstance(stale, errors.StaleCallbackError)
    assert stale.order_no == "TYPESE003" and stale.trade_no == fresh.trade_no


@pytest.mark.parametrize("case", load("requests.json")["cases"], ids=lambda c: c["name"])
def test_region_classes_hold_their_fields_and_send_the_golden_bytes(case: dict[str, Any]) -> None:
    by_region = {cls._region: cls for cls in PayoutRequest.__subclasses__()}
    fields = snake_keys(case["request"])
    cls = by_region[fields.pop("region")]
    request = cls(**fields)
    assert request.wire_body(load("requests.json")["merchantId"]).decode() == case["body"]
    for name, value in fields.items():
        assert getattr(request, name) == value, name
    assert request.to_dict() == {"region": cls._region, **fields}
    assert isinstance(request, smilepayz.PayoutRequest) and request.order_no == fields["order_no"]


def test_choice_values_are_the_ones_the_core_accepts() -> None:
    # Each value of a generated Literal is accepted by the core, and one beside them is not.
    base: dict[str, Any] = {"order_no": "CHOICE000001", "purpose": "p", "amount": 1}
    for network in get_args(requests.UsdtNetwork):
        address = (
            "TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ" if network == "TRC20" else "0x52908400098527886e0f7030069857d2e4169ee7"
        )
        requests.UsdtPayout(**base, network=network, cash_account=address)
    with pytest.raises(errors.ValidationError) as caught:
        requests.UsdtPayout(**base, network="ERC20", cash_account="x")  # type: ignore[arg-type]
    assert [v.path for v in caught.value.violations if v.rule == "one_of"] == ["network"]
    # USDT's one payment method may be given; another is refused by the core.
    wallet: dict[str, Any] = {"network": "TRC20", "cash_account": "TS8taf44vwibX7z4vE7aqrA7xVQjzzGKoZ"}
    assert b'"paymentMethod":"USDT"' in requests.UsdtPayout(**base, **wallet, payment_method="USDT").wire_body("m")
    with pytest.raises(errors.ValidationError) as caught:
        requests.UsdtPayout(**base, **wallet, payment_method="BRI")  # type: ignore[arg-type]
    assert [v.path for v in caught.value.violations] == ["payment_method"]
