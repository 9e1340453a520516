"""Batches (issue 13) through the Python package: rows from code and files, validation
before anything is journaled, runs to final states against the mock gateway, exact
totals, progress, journal errors, settings errors, pre-flight, Ctrl-C and cancellation.
Totals are checked against sums this file computes from its own rows."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import io
import json
import logging
import os
import signal
import stat
import subprocess
import sys
import threading
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from smilepayz import (
    AddSummary,
    AsyncBatch,
    AsyncClient,
    Batch,
    BatchOutputError,
    BatchProgress,
    BatchReport,
    BatchRowsError,
    BatchTotals,
    Client,
    ConfigError,
    Coverage,
    InsufficientBalanceError,
    JournalError,
    PayoutRequest,
    RunSummary,
    SmilepayzError,
    _native,
)
from smilepayz.testing import MockGateway

from .forking import in_forked_child
from .regions import GOLDEN, snake_keys

IDR = snake_keys(GOLDEN["idr-minimal"])
PEN = snake_keys(GOLDEN["pen"])
USDT = snake_keys(GOLDEN["usdt-trc20"])


def row(base: dict[str, Any], order_no: str, amount: str) -> dict[str, Any]:
    return {**base, "order_no": order_no, "amount": amount}


def sums(rows: list[dict[str, Any]]) -> dict[str, Decimal]:
    """Amount per currency, summed here from the rows given (the oracle)."""
    total: dict[str, Decimal] = defaultdict(Decimal)
    for r in rows:
        total[r["region"]] += Decimal(str(r["amount"]))
    return dict(total)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_rows_from_code_run_to_final_with_exact_totals_csv_report_and_progress(
    gateway: MockGateway, client: Client, tmp_path: Path
) -> None:
    rows = [row(IDR, f"PYBATCH{n:04d}", f"{150000 + n}") for n in range(1, 5)]
    rows.append(row(PEN, "PYBATCH0005", "1050"))
    typed = PayoutRequest.from_dict(row(USDT, "PYBATCH0006", "100.1234"))
    journal = tmp_path / "payroll.journal"
    with Batch(client, journal=journal, batch_id="payroll-2026-11") as batch:
        assert mode(journal) == 0o600
        assert batch.batch_id == "payroll-2026-11"
        assert batch.journal == str(journal)
        assert repr(batch) == "Batch(batch_id='payroll-2026-11', backend='sqlite')"
        added = batch.add([*rows, typed])
        assert added == AddSummary(added=6, unchanged=0, skipped=[])
        assert batch.add([*rows, typed]) == AddSummary(added=0, unchanged=6, skipped=[])

        reports: list[BatchProgress] = []
        first = batch.run(concurrency=3, rate=1000, on_progress=reports.append)
        assert isinstance(first, RunSummary)
        assert first.finished and first.sent == 6 and first.counts.get("accepted") == 6, first
        assert reports and all(isinstance(p, BatchProgress) for p in reports)
        assert reports[-1].sent == 6 and reports[-1].elapsed_ms >= 0
        assert {gateway.payout_requests_for(r["order_no"]) for r in rows} == {1}

        # One row settles through a confirmed callback, the others through polling.
        gateway.settle("PYBATCH0001", "SUCCESS")
        signed = gateway.signed_callback("PYBATCH0001")
        assert signed is not None
        confirmed = client.confirm_callback(gateway.callback_verifier().verify(*signed))
        assert batch.record_callback(confirmed) == "final"
        for r in rows[1:]:
            gateway.settle(r["order_no"], "SUCCESS" if r["region"] == "IDR" else "FAILED")
        gateway.settle("PYBATCH0006", "FAILED")
        settled = batch.resume(settle_within_ms=10_000)
        assert settled.finished and settled.sent == 0 and settled.counts.get("final") == 6, settled

        report = batch.report()
        assert isinstance(report, BatchReport)
        assert [r.order_no for r in report.rows] == [f"PYBATCH{n:04d}" for n in range(1, 7)]
        everything = sums([*rows, {"region": "USDT", "amount": "100.1234"}])
        assert report.by_state["final"].rows == 6
        assert report.by_state["final"].amounts == everything
        assert report.by_status["SUCCESS"].amounts == sums([r for r in rows if r["region"] == "IDR"])
        assert report.by_status["FAILED"].amounts == {"PEN": Decimal("1050"), "USDT": Decimal("100.1234")}
        assert all(isinstance(a, Decimal) for t in report.by_state.values() for a in t.amounts.values())
        assert report.rows[0].amount == Decimal("150001") and report.rows[0].trade_no

        totals = batch.totals()
        assert isinstance(totals, BatchTotals)
        assert (totals.batch_id, totals.rows, totals.paused, totals.complete) == ("payroll-2026-11", 6, None, True)
        assert totals.by_state["final"].amounts == everything
        assert totals.by_status == report.by_status and totals.by_state == report.by_state

        parsed = list(csv.DictReader(io.StringIO(batch.report_csv())))
        assert [p["order_no"] for p in parsed] == [r.order_no for r in report.rows]
        assert sum(Decimal(p["amount"]) for p in parsed) == sum(everything.values())
    assert batch.backend is None
    with pytest.raises(ValueError, match="not open"):
        batch.report()
    # Closed means the file's lock is released: the journal opens again.
    with Batch(client, journal=journal, batch_id="payroll-2026-11") as again:
        assert len(again.report().rows) == 6


def test_save_report_csv_writes_the_report_csv_text_to_an_owner_only_file(
    gateway: MockGateway, client: Client, tmp_path: Path
) -> None:
    rows = [row(IDR, f"PYSAVE{n:04d}", f"{10000 + n}") for n in range(1, 4)] + [row(PEN, "PYSAVE0004", "1050")]
    with Batch(client, journal=tmp_path / "save.journal", batch_id="save") as batch:
        batch.add(rows)
        assert batch.run(concurrency=2).counts.get("accepted") == 4
        expected = batch.report_csv().encode("utf-8")
        assert expected.count(b"\n") == 5 and b"PYSAVE0004" in expected

        # A str path: a new file, created 0600.
        fresh = tmp_path / "fresh.csv"
        assert batch.save_report_csv(str(fresh)) == 4
        assert fresh.read_bytes() == expected
        assert mode(fresh) == 0o600

        # A pathlib.Path to an existing file others may read, longer than the report.
        existing = tmp_path / "existing.csv"
        existing.write_bytes(b"x" * (2 * len(expected)))
        existing.chmod(0o644)
        assert batch.save_report_csv(existing) == 4
        assert existing.read_bytes() == expected
        assert mode(existing) == 0o600

        # A missing directory: the batch's output error, naming the file.
        missing = tmp_path / "no-such-dir" / "report.csv"
        with pytest.raises(BatchOutputError) as failed:
            batch.save_report_csv(missing)
        assert isinstance(failed.value, SmilepayzError)
        assert failed.value.kind == "batch_output"
        assert failed.value.path == str(missing)
        assert str(failed.value).startswith(f"{missing}: cannot write the report: ")
        assert not missing.parent.exists()
        with pytest.raises(TypeError, match="path"):
            batch.save_report_csv(b"report.csv")  # type: ignore[arg-type]

    async def scenario() -> None:
        aclient = gateway.async_client(timeout_ms=5000)
        async with await AsyncBatch.open(aclient, journal=tmp_path / "save.journal", batch_id="save") as batch:
            assert await batch.report_csv() == expected.decode("utf-8")
            saved = tmp_path / "async.csv"
            assert await batch.save_report_csv(saved) == 4
            assert saved.read_bytes() == expected
            assert mode(saved) == 0o600
            with pytest.raises(BatchOutputError) as failed:
                await batch.save_report_csv(str(missing))
            assert failed.value.path == str(missing)

    asyncio.run(scenario())


def test_csv_and_json_lines_files_are_idempotent_and_a_changed_row_is_refused(client: Client, tmp_path: Path) -> None:
    header = ["region", "amount", "cash_account", "payment_method", "purpose", "receiver.name", "receiver.id_type"]
    csv_path = tmp_path / "sellers.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        # No order_no column: each row's orderNo is derived from the batch id and row number.
        for amount in ("150000", "275000"):
            writer.writerow(["IDR", amount, IDR["cash_account"], IDR["payment_method"], IDR["purpose"], "", ""])
    jsonl_path = tmp_path / "refunds.jsonl"
    pen_rows = [row(PEN, "PYJSONL0001", "1050"), row(PEN, "PYJSONL0002", "2010")]
    jsonl_path.write_text("".join(json.dumps(r) + "\n" for r in pen_rows), encoding="utf-8")

    with Batch(client, journal=str(tmp_path / "files.journal"), batch_id="sellers") as batch:
        assert batch.add_file(csv_path).added == 2
        assert batch.add_file(csv_path) == AddSummary(added=0, unchanged=2, skipped=[])
        order_nos = [r.order_no for r in batch.report().rows]
        assert len(set(order_nos)) == 2 and all(n for n in order_nos)

        changed = tmp_path / "sellers-changed.csv"
        changed.write_text(csv_path.read_text(encoding="utf-8").replace("275000", "275001"), encoding="utf-8")
        with pytest.raises(BatchRowsError) as refused:
            batch.add_file(changed)
        assert [(r.row_number, r.problem) for r in refused.value.rows] == [(2, "changed")]
        assert [r.amount for r in batch.report().rows] == [Decimal("150000"), Decimal("275000")]

    with Batch(client, journal=tmp_path / "jsonl.journal", batch_id="refunds") as batch:
        assert batch.add_file(jsonl_path).added == 2
        assert batch.add_file(jsonl_path).unchanged == 2
        assert batch.run(concurrency=2).counts.get("accepted") == 2
        assert batch.report().by_state["accepted"].amounts == sums(pen_rows)


def test_invalid_rows_are_listed_with_numbers_and_snake_case_paths_and_nothing_is_journaled(
    client: Client, tmp_path: Path
) -> None:
    rows = [
        row(IDR, "PYBAD00001", "1000"),
        row(IDR, "PYBAD00002", "-5"),
        {k: v for k, v in row(PEN, "PYBAD00003", "10").items() if k != "cash_account"},
        row(IDR, "PYBAD00004", "2000"),
    ]
    with Batch(client, journal=tmp_path / "bad.journal", batch_id="bad") as batch:
        with pytest.raises(BatchRowsError) as refused:
            batch.add(rows)
        assert [r.row_number for r in refused.value.rows] == [2, 3]
        assert refused.value.rows[0].violations[0].path == "amount"
        assert refused.value.rows[1].violations[0].path == "cash_account"
        assert batch.report().rows == []
        assert batch.run().sent == 0
        # Money is never a float: refused while reading the rows, before any is journaled.
        with pytest.raises(TypeError, match="amount: a float is refused"):
            batch.add([rows[0], {**rows[3], "amount": 2000.0}])
        assert batch.report().rows == []

        skipping = batch.add(rows, skip_invalid=True)
        assert skipping.added == 2 and [s.row_number for s in skipping.skipped] == [2, 3]
        assert [r.row_number for r in batch.report().rows] == [1, 4]


def test_a_file_that_is_not_a_journal_and_a_refusing_postgresql_url_are_journal_errors(
    client: Client, tmp_path: Path
) -> None:
    not_a_journal = tmp_path / "notes.txt"
    not_a_journal.write_text("payroll notes, not a journal\n" * 100, encoding="utf-8")
    not_a_journal.chmod(0o600)
    with pytest.raises(JournalError) as wrong:
        Batch(client, journal=not_a_journal, batch_id="b1")
    assert wrong.value.reason == "not_a_journal"
    assert not_a_journal.read_text(encoding="utf-8").startswith("payroll notes")

    url = "postgresql://payroll:s3cr3t-pw@127.0.0.1:1/journal"
    with pytest.raises(JournalError) as refused:
        Batch(client, journal=url, batch_id="b1")
    assert "s3cr3t-pw" not in str(refused.value) and "s3cr3t-pw" not in repr(refused.value)
    # What `Batch.journal` shows: the URL without its password, wherever the URL holds it.
    assert _native.redacted_journal(url) == "postgresql://payroll@127.0.0.1:1/journal"
    in_query = "postgres://payroll@db/journal?sslmode=require&password=s3cr3t-pw"
    assert _native.redacted_journal(in_query) == "postgres://payroll@db/journal?sslmode=require"
    assert _native.redacted_journal(str(not_a_journal)) == str(not_a_journal)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_forked_child_opens_its_own_batch_and_the_parents_goes_on(
    gateway: MockGateway, client: Client, tmp_path: Path
) -> None:
    with Batch(client, journal=tmp_path / "parent.journal", batch_id="parent") as batch:
        batch.add([row(IDR, "PYFORK0001", "1000")])

        def child() -> None:
            with pytest.raises(RuntimeError, match="forked child") as refused:
                batch.report()
            assert "open a Batch in the child" in str(refused.value), refused.value
            with Batch(client, journal=tmp_path / "child.journal", batch_id="child") as own:
                own.add([row(IDR, "PYFORK0002", "2000")])
                assert own.run().sent == 1
            batch.close()  # lets go of the parent's batch without touching it

        in_forked_child(child)
        assert gateway.payout_requests_for("PYFORK0002") == 1, "the child's own batch sent its row"
        assert batch.run().sent == 1, "the parent's batch still works after the fork"
        assert gateway.payout_requests_for("PYFORK0001") == 1


def test_must_exist_opens_only_a_batch_the_journal_holds(gateway: MockGateway, client: Client, tmp_path: Path) -> None:
    journal = tmp_path / "existing.journal"
    with Batch(client, journal=journal, batch_id="payroll-2026-11") as first:
        first.add([row(IDR, "PYEXIST001", "1000")])
    with pytest.raises(ConfigError, match='holds no batch "payrol-2026-11"'):
        Batch(client, journal=journal, batch_id="payrol-2026-11", must_exist=True)
    with Batch(client, journal=journal, batch_id="payroll-2026-11", must_exist=True) as again:
        assert [r.order_no for r in again.report().rows] == ["PYEXIST001"]

    async def asynchronously() -> None:
        with pytest.raises(ConfigError, match="holds no batch"):
            await AsyncBatch.open(gateway.async_client(), journal=journal, batch_id="payrol-2026-11", must_exist=True)
        batch = await AsyncBatch.open(
            gateway.async_client(), journal=journal, batch_id="payroll-2026-11", must_exist=True
        )
        try:
            assert len((await batch.report()).rows) == 1
        finally:
            batch.close()

    asyncio.run(asynchronously())


def test_bad_run_settings_are_config_errors_naming_the_setting(client: Client, tmp_path: Path) -> None:
    with Batch(client, journal=tmp_path / "settings.journal", batch_id="settings") as batch:
        batch.add([row(IDR, "PYSET00001", "1000")])
        with pytest.raises(ConfigError, match="concurrency"):
            batch.run(concurrency=0)
        with pytest.raises(ConfigError, match="rate"):
            batch.run(rate=-1)
        with pytest.raises(ConfigError, match="concurency"):
            batch.run(concurency=4)
        # Shorter than the client's 2 s request timeout: a pay-out in flight would be taken for absent.
        with pytest.raises(
            ConfigError, match=r"not_found_grace \(1999 ms\) must be at least the client's request timeout \(2000 ms\)"
        ):
            batch.run(not_found_grace_ms=1999)
        with pytest.raises(ConfigError, match=r"lease \(1000 ms\) must be at least the client's request timeout"):
            batch.run(lease_ms=1000)
        assert batch.report().rows[0].state == "pending"


def test_preflight_compares_exact_totals_with_the_balance(gateway: MockGateway, client: Client, tmp_path: Path) -> None:
    rows = [row(IDR, "PYPRE00001", "600000"), row(IDR, "PYPRE00002", "400001")]
    with Batch(client, journal=tmp_path / "pre.journal", batch_id="pre") as batch:
        batch.add(rows)
        gateway.set_balance("ACC-PRE", "IDR", Decimal("2000000"), Decimal("1000000"))
        with pytest.raises(InsufficientBalanceError) as short:
            batch.preflight("ACC-PRE")
        assert short.value.currency == "IDR"
        assert Decimal(short.value.needed) == sums(rows)["IDR"]
        assert short.value.available == "1000000"
        gateway.set_balance("ACC-PRE", "IDR", Decimal("2000000"), Decimal("1000001"))
        assert batch.preflight("ACC-PRE") == {"IDR": Coverage(needed=Decimal("1000001"), available=Decimal("1000001"))}
        assert gateway.payout_requests_for("PYPRE00001") == 0


def test_a_raising_progress_callback_is_logged_and_the_run_goes_on(
    gateway: MockGateway, client: Client, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int] = []

    def broken(progress: BatchProgress) -> None:
        calls.append(progress.sent)
        raise RuntimeError("the progress bar broke")

    rows = [row(IDR, f"PYPROG{n:04d}", "1000") for n in range(1, 4)]
    with Batch(client, journal=tmp_path / "p.journal", batch_id="progress") as batch:
        batch.add(rows)
        with caplog.at_level(logging.ERROR, logger="smilepayz.batch"):
            summary = batch.run(concurrency=1, on_progress=broken)
    assert summary.counts.get("accepted") == 3 and summary.sent == 3
    assert len(calls) >= 3
    assert any("on_progress" in r.getMessage() and r.name == "smilepayz.batch" for r in caplog.records)
    assert [gateway.payout_requests_for(r["order_no"]) for r in rows] == [1, 1, 1]


def slow_rows(gateway: MockGateway, prefix: str, n: int, delay_ms: int) -> list[dict[str, Any]]:
    """``n`` rows whose pay-outs the mock answers ``delay_ms`` late (after accepting them)."""
    for _ in range(n):
        gateway.inject("payout", "delay", delay_ms=delay_ms)
    return [row(IDR, f"{prefix}{i:04d}", "1000") for i in range(1, n + 1)]


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@pytest.mark.parametrize(
    ("sig", "handler", "raised"),
    [
        # Under a shell's background job SIGINT starts ignored: Ctrl-C as a terminal has it.
        (signal.SIGINT, signal.default_int_handler, KeyboardInterrupt),
        # SIGTERM as the README shows it: a handler that raises.
        (signal.SIGTERM, _exit_on_sigterm, SystemExit),
    ],
)
def test_ctrl_c_or_sigterm_during_a_run_finishes_what_is_in_flight_then_raises(
    gateway: MockGateway,
    client: Client,
    tmp_path: Path,
    sig: signal.Signals,
    handler: Any,
    raised: type[BaseException],
) -> None:
    rows = slow_rows(gateway, f"PYSIG{int(sig):02d}", 8, 700)
    leaving = threading.Event()
    previous = signal.signal(sig, handler)

    def interrupt_once_sending() -> None:
        leaving.wait(10)
        os.kill(os.getpid(), sig)

    killer = threading.Thread(target=interrupt_once_sending)
    with Batch(client, journal=tmp_path / "signal.journal", batch_id="signal") as batch:
        batch.add(rows)
        killer.start()
        with pytest.raises(raised):
            batch.run(concurrency=2, on_progress=lambda p: leaving.set() if p.counts.get("sending") else None)
        killer.join()
        report = batch.report()
    signal.signal(sig, previous)
    states = [r.state for r in report.rows]
    assert "sending" not in states and "unknown" not in states, states
    accepted = [r.order_no for r in report.rows if r.state == "accepted"]
    assert 1 <= len(accepted) < len(rows), states
    assert states.count("pending") == len(rows) - len(accepted)
    # What the journal says left is exactly what the gateway took in.
    assert [gateway.payout_requests_for(r["order_no"]) for r in rows] == [
        1 if r["order_no"] in accepted else 0 for r in rows
    ]


def test_async_batch_takes_the_same_path_and_cancelling_journals_what_is_in_flight(
    gateway: MockGateway, tmp_path: Path
) -> None:
    async def scenario() -> None:
        client: AsyncClient = gateway.async_client(timeout_ms=5000)
        async with await AsyncBatch.open(client, journal=tmp_path / "async.journal", batch_id="async") as batch:
            assert repr(batch) == "AsyncBatch(batch_id='async', backend='sqlite')"
            typed = PayoutRequest.from_dict(row(IDR, "PYASYNC0002", "2000"))
            assert (await batch.add([typed, row(IDR, "PYASYNC0001", "1005")])).added == 2
            gateway.set_balance("ACC-A", "IDR", Decimal("5000"), Decimal("5000"))
            coverage = await batch.preflight("ACC-A")
            assert coverage == {"IDR": Coverage(needed=Decimal("3005"), available=Decimal("5000"))}
            loop_thread: list[bool] = []
            summary = await batch.run(
                concurrency=2, on_progress=lambda p: loop_thread.append(threading.current_thread() is main)
            )
            assert summary.sent >= 1 and summary.finished
            assert loop_thread and all(loop_thread)
            gateway.settle("PYASYNC0002", "SUCCESS")
            signed = gateway.signed_callback("PYASYNC0002")
            assert signed is not None
            confirmed = await client.confirm_callback(gateway.callback_verifier().verify(*signed))
            assert await batch.record_callback(confirmed) == "final"
            report = await batch.report()
            assert report.by_status["SUCCESS"].amounts == {"IDR": Decimal("2000")}
            totals = await batch.totals()
            assert totals.by_status["SUCCESS"].amounts == {"IDR": Decimal("2000")}
            assert totals.rows == len(report.rows) and totals.by_state == report.by_state
            assert "PYASYNC0002" in await batch.report_csv()

        rows = slow_rows(gateway, "PYCANCEL", 8, 700)
        jsonl = tmp_path / "cancel.jsonl"
        jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        async with await AsyncBatch.open(client, journal=tmp_path / "cancel.journal", batch_id="cancel") as batch:
            assert (await batch.add_file(jsonl)).added == len(rows)
            leaving = asyncio.Event()
            task = asyncio.create_task(
                batch.resume(concurrency=2, on_progress=lambda p: leaving.set() if p.counts.get("sending") else None)
            )
            await asyncio.wait_for(leaving.wait(), 10)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            states = [r.state for r in (await batch.report()).rows]
        assert "sending" not in states and "unknown" not in states, states
        assert 1 <= states.count("accepted") < len(rows), states
        accepted = states.count("accepted")
        assert sum(gateway.payout_requests_for(r["order_no"]) for r in rows) == accepted

    main = threading.current_thread()
    asyncio.run(scenario())


def test_record_callback_takes_only_what_the_gateway_confirmed(
    gateway: MockGateway, client: Client, tmp_path: Path
) -> None:
    with Batch(client, journal=tmp_path / "cb.journal", batch_id="cb") as batch:
        batch.add([row(IDR, "PYCB000001", "1000")])
        batch.run()
        gateway.settle("PYCB000001", "SUCCESS")
        signed = gateway.signed_callback("PYCB000001")
        assert signed is not None
        verified = gateway.callback_verifier().verify(*signed)
        confirmed = client.confirm_callback(verified)
        # The same callback object, but its dataclass fields changed: the journal records
        # what the gateway confirmed, not what the caller wrote.
        forged = dataclasses.replace(confirmed, order_no="PYCB999999")
        assert batch.record_callback(forged) == "final"
        assert batch.report().rows[0].status == "SUCCESS"
        # A confirmed order of no row of this batch is not recorded.
        client.payout(PayoutRequest.from_dict(row(IDR, "PYCBOTHER1", "1000")))
        gateway.settle("PYCBOTHER1", "SUCCESS")
        other = gateway.signed_callback("PYCBOTHER1")
        assert other is not None
        assert batch.record_callback(client.confirm_callback(gateway.callback_verifier().verify(*other))) is None
        assert [r.order_no for r in batch.report().rows] == ["PYCB000001"]
        with pytest.raises(ValueError, match="confirm_callback"):
            batch.record_callback(dataclasses.replace(confirmed, callback=gateway.callback_verifier().verify(*signed)))


def test_the_readme_batch_example_runs(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "bindings-python" / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Batches") :]
    code = section[section.index("```python\n") + len("```python\n") : section.index("```\n", 10)]
    ran = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert "True {'IDR': Decimal('450006')}" in ran.stdout
    assert mode(tmp_path / "payroll.journal") == 0o600
