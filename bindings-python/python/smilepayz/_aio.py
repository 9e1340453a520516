"""Hands a native result to the asyncio future waiting for it (on the loop's thread)."""

from __future__ import annotations

import asyncio
from typing import Any


def settle(future: asyncio.Future[Any], ok: bool, value: Any) -> None:
    # A cancelled caller no longer waits; the work itself already ran to its end.
    if future.done():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)
