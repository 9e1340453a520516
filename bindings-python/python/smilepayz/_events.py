"""The core's events as records on the standard :mod:`logging` logger ``smilepayz``:
``smilepayz.http`` for requests, answers, retries and unknown outcomes,
``smilepayz.callback`` for callbacks. Each record carries the event's fields as
attributes (``event``, ``endpoint``, ``order_no``, ``attempt``, ``http_status``, ...), so
a JSON formatter or OpenTelemetry's logging bridge picks them up. Silent until the
application configures logging (a :class:`logging.NullHandler` on ``smilepayz``).

No event carries the merchant secret, key material or a full account number: the core
builds them that way (accounts are masked to their last four characters)."""

from __future__ import annotations

import logging
from typing import Any

__all__ = ["EVENT_LEVELS", "LOGGER"]

LOGGER = logging.getLogger("smilepayz")
LOGGER.addHandler(logging.NullHandler())

_HTTP = LOGGER.getChild("http")
_CALLBACK = LOGGER.getChild("callback")

EVENT_LEVELS: dict[str, int] = {
    "request": logging.DEBUG,
    "response": logging.INFO,
    "retry": logging.WARNING,
    "outcome_unknown": logging.ERROR,
    "callback_verified": logging.INFO,
    "callback_refused": logging.WARNING,
    "callback_confirmed": logging.INFO,
    "callback_mismatch": logging.WARNING,
}
"""The level each event is logged at: a lost or refused thing is a warning, a pay-out
whose outcome is unknown an error (someone must reconcile it)."""


def emit(fields: dict[str, Any]) -> None:
    """Logs one event (called by the native client from whichever thread made the call)."""
    name = str(fields.get("event"))
    logger = _CALLBACK if name.startswith("callback_") else _HTTP
    level = EVENT_LEVELS.get(name, logging.INFO)
    if not logger.isEnabledFor(level):
        return
    details = " ".join(f"{key}={value}" for key, value in fields.items() if key != "event")
    logger.log(level, "%s %s", name, details, extra=fields)
