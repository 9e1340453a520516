"""Batches of pay-outs with a crash-safe journal: :class:`Batch` (blocking) and
:class:`AsyncBatch` (asyncio) over the Rust batch runner. Give a batch rows; whatever
crashes, every row reaches the gateway at most once and ends with a known outcome.

The journal is a SQLite file path (created with mode 0600, one runner per file) or a
``postgresql://`` URL (several workers). Every rule — validation, states, settings —
is the Rust runner's; this module converts values and errors."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any, Callable, Optional, Union

from . import _native, batch_models
from ._answers import _map
from .batch_models import *  # noqa: F403
from .batch_models import AddSummary, BatchProgress, BatchReport, BatchTotals, Coverage, RunSummary
from .callbacks import ConfirmedCallback
from .client import AsyncClient, Client
from .requests import PayoutRequest

__all__ = ["AsyncBatch", "Batch"]
__all__ += batch_models.__all__

_log = logging.getLogger("smilepayz.batch")

Row = Union[Mapping[str, Any], PayoutRequest]
"""A row from code: a mapping as :meth:`PayoutRequest.from_dict` reads it (snake_case,
with ``region``) or a typed request."""


OnProgress = Callable[[BatchProgress], object]


def _location(journal: Union[str, os.PathLike[str]]) -> str:
    location = os.fspath(journal)
    if not isinstance(location, str):
        raise TypeError(f"journal: a str path or URL is needed, got {type(location).__name__}")
    return location


def _path(path: Union[str, os.PathLike[str]]) -> str:
    text = os.fspath(path)
    if not isinstance(text, str):
        raise TypeError(f"path: a str path is needed, got {type(text).__name__}")
    return text


def _row(row: Row) -> Any:
    return row._native if isinstance(row, PayoutRequest) else row


def _run_settings(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The settings among ``run``'s arguments (its ``locals()``, taken first thing).
    Unset keywords keep the runner's defaults; unknown ones are named by its refusal."""
    given = {k: v for k, v in arguments.items() if k not in ("self", "on_progress", "unknown")}
    return {k: v for k, v in {**given, **arguments["unknown"]}.items() if v is not None}


class _Batch:
    _native: _native.Batch
    _journal: str

    def _start(self, client: Union[Client, AsyncClient], journal: Union[str, os.PathLike[str]], batch_id: str) -> None:
        location = _location(journal)
        self._journal = _native.redacted_journal(location)
        self._native = _native.Batch(client._native, location, batch_id)

    @property
    def batch_id(self) -> str:
        return self._native.batch_id

    @property
    def journal(self) -> str:
        """Where the journal is: the file path, or the URL without its password."""
        return self._journal

    @property
    def backend(self) -> Optional[str]:
        """``sqlite`` or ``postgresql``; ``None`` once closed."""
        return self._native.backend

    def _reporter(self, on_progress: Optional[OnProgress]) -> Optional[Callable[[dict[str, Any]], None]]:
        if on_progress is None:
            return None
        batch_id = self.batch_id

        def report(fields: dict[str, Any]) -> None:
            # A bug in the caller's progress display never stops the pay-outs.
            try:
                on_progress(BatchProgress._from(fields))
            except Exception:
                _log.exception("the on_progress callback of batch %s raised; the run goes on", batch_id)

        return report

    def close(self) -> None:
        """Releases the journal (a SQLite file's lock); a run under way keeps it until
        it ends."""
        self._native.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(batch_id={self.batch_id!r}, backend={self.backend!r})"


class Batch(_Batch):
    """A batch in a journal, driven by a blocking :class:`~smilepayz.Client`; opened
    (and created when absent) here. With ``must_exist=True`` only a batch the journal
    already holds is opened (to resume or report after a crash): a mistyped id raises
    :class:`~smilepayz.errors.ConfigError` instead of starting a new, empty batch. Use
    it as a context manager or call :meth:`close`."""

    def __init__(
        self, client: Client, *, journal: Union[str, os.PathLike[str]], batch_id: str, must_exist: bool = False
    ) -> None:
        self._start(client, journal, batch_id)
        self._native.open(must_exist=must_exist)

    def add(self, rows: Iterable[Row], *, skip_invalid: bool = False) -> AddSummary:
        """Validates every row, then journals them (numbered 1, 2, … in order). Any
        invalid row raises :class:`~smilepayz.errors.BatchRowsError` and nothing is
        journaled, unless ``skip_invalid``."""
        rows = [_row(r) for r in rows]
        return AddSummary._from(self._native.add(rows, settings={"skip_invalid": skip_invalid}))

    def add_file(self, path: Union[str, os.PathLike[str]], *, skip_invalid: bool = False) -> AddSummary:
        """Adds the rows of a CSV (``.csv``) or JSON Lines (``.jsonl``, ``.ndjson``)
        file, read as a stream."""
        return AddSummary._from(self._native.add_file(_path(path), settings={"skip_invalid": skip_invalid}))

    def preflight(self, account_no: str) -> dict[str, Coverage]:
        """Compares what the batch still has to send, per currency, with the balance;
        raises :class:`~smilepayz.errors.InsufficientBalanceError` when it falls short."""
        return _map(Coverage._from)(self._native.preflight(account_no))

    def run(
        self,
        *,
        concurrency: Optional[int] = None,
        rate: Optional[int] = None,
        stop_after_same_rejections: Optional[int] = None,
        not_found_grace_ms: Optional[int] = None,
        max_wait_ms: Optional[int] = None,
        settle_within_ms: Optional[int] = None,
        lease_ms: Optional[int] = None,
        on_progress: Optional[OnProgress] = None,
        **unknown: Any,
    ) -> RunSummary:
        """Sends what is not sent yet, after reconciling what may have left. Ctrl-C stops
        taking rows; what is in flight finishes and is journaled (a second Ctrl-C
        meanwhile is ignored), then ``KeyboardInterrupt`` is raised. The same goes for
        any signal whose handler raises (SIGTERM with a handler that calls ``sys.exit``).
        ``on_progress`` gets a :class:`BatchProgress` on this thread; an exception in it
        is logged (``smilepayz.batch``) and the run goes on."""
        settings = _run_settings(locals())
        return RunSummary._from(self._native.run(settings=settings, on_progress=self._reporter(on_progress)))

    resume = run
    """After a crash or a pause: the same as :meth:`run`, which always reconciles first."""

    def report(self) -> BatchReport:
        """Every row and the totals per state and status, all in memory (for a large
        batch, :meth:`save_report_csv` streams the rows to a file)."""
        return BatchReport._from(self._native.report())

    def totals(self) -> BatchTotals:
        """The totals per state and per final status (exact per currency) without the
        rows: the journal is read a page at a time, so memory stays flat however many
        rows the batch has."""
        return BatchTotals._from(self._native.totals())

    def report_csv(self) -> str:
        """The report's rows as CSV text (with a header), every row in memory."""
        text: str = self._native.report_csv()
        return text

    def save_report_csv(self, path: Union[str, os.PathLike[str]]) -> int:
        """Writes the report's rows as CSV (the text of :meth:`report_csv`) to the file
        at ``path``, a journal page at a time, so memory stays flat however large the
        batch. The file is created, or truncated, with mode 0600 (an existing file is
        narrowed first) and synced to disk. Returns how many rows were written; a file
        that cannot be written raises :class:`~smilepayz.errors.BatchOutputError`."""
        rows: int = self._native.save_report_csv(_path(path))
        return rows

    def record_callback(self, confirmed: ConfirmedCallback) -> Optional[str]:
        """Records a callback confirmed by :meth:`Client.confirm_callback`: the row with
        its orderNo becomes ``final`` or ``accepted``. Returns the row's state, or
        ``None`` when the order is not in this batch."""
        state: Optional[str] = self._native.record_callback(confirmed.callback._native)
        return state

    def __enter__(self) -> Batch:
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self.close()


class AsyncBatch(_Batch):
    """A batch driven by an :class:`~smilepayz.AsyncClient`: ``await
    AsyncBatch.open(client, journal=..., batch_id=...)``, the same methods as
    :class:`Batch` as coroutines. Use it with ``async with`` or call :meth:`close`."""

    @classmethod
    async def open(
        cls,
        client: AsyncClient,
        *,
        journal: Union[str, os.PathLike[str]],
        batch_id: str,
        must_exist: bool = False,
    ) -> AsyncBatch:
        """As :class:`Batch`, including ``must_exist``."""
        batch = cls.__new__(cls)
        batch._start(client, journal, batch_id)
        await batch._native.open(must_exist=must_exist, asynchronous=True)
        return batch

    async def add(self, rows: Iterable[Row], *, skip_invalid: bool = False) -> AddSummary:
        rows = [_row(r) for r in rows]
        answer = await self._native.add(rows, settings={"skip_invalid": skip_invalid}, asynchronous=True)
        return AddSummary._from(answer)

    async def add_file(self, path: Union[str, os.PathLike[str]], *, skip_invalid: bool = False) -> AddSummary:
        settings = {"skip_invalid": skip_invalid}
        return AddSummary._from(await self._native.add_file(_path(path), settings=settings, asynchronous=True))

    async def preflight(self, account_no: str) -> dict[str, Coverage]:
        return _map(Coverage._from)(await self._native.preflight(account_no, asynchronous=True))

    async def run(
        self,
        *,
        concurrency: Optional[int] = None,
        rate: Optional[int] = None,
        stop_after_same_rejections: Optional[int] = None,
        not_found_grace_ms: Optional[int] = None,
        max_wait_ms: Optional[int] = None,
        settle_within_ms: Optional[int] = None,
        lease_ms: Optional[int] = None,
        on_progress: Optional[OnProgress] = None,
        **unknown: Any,
    ) -> RunSummary:
        """As :meth:`Batch.run`; ``on_progress`` is called on the event loop. Cancelling
        the task stops taking rows, waits for what is in flight to be journaled, then
        re-raises :class:`asyncio.CancelledError`."""
        settings = _run_settings(locals())
        stop = _native.BatchStop()
        running = self._native.run(
            settings=settings, on_progress=self._reporter(on_progress), stop=stop, asynchronous=True
        )
        try:
            # Shielded: a cancelled caller must not abandon rows in flight unjournaled.
            answer = await asyncio.shield(running)
        except asyncio.CancelledError:
            stop.stop()
            try:
                await running
            except Exception:
                _log.exception("batch %s failed while stopping after cancellation", self.batch_id)
            raise
        return RunSummary._from(answer)

    resume = run

    async def report(self) -> BatchReport:
        return BatchReport._from(await self._native.report(asynchronous=True))

    async def totals(self) -> BatchTotals:
        """As :meth:`Batch.totals`."""
        return BatchTotals._from(await self._native.totals(asynchronous=True))

    async def report_csv(self) -> str:
        text: str = await self._native.report_csv(asynchronous=True)
        return text

    async def save_report_csv(self, path: Union[str, os.PathLike[str]]) -> int:
        """As :meth:`Batch.save_report_csv`."""
        rows: int = await self._native.save_report_csv(_path(path), asynchronous=True)
        return rows

    async def record_callback(self, confirmed: ConfirmedCallback) -> Optional[str]:
        state: Optional[str] = await self._native.record_callback(confirmed.callback._native, asynchronous=True)
        return state

    async def __aenter__(self) -> AsyncBatch:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self.close()
