"""What the generated exception classes (:mod:`smilepayz.errors`) share: the base class,
which takes the fields the core gives each kind, and a validation error's violations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, ClassVar

if TYPE_CHECKING:
    from .callbacks import VerifiedCallback


class SmilepayzError(Exception):
    """Base of every error the SDK raises."""

    kind: ClassVar[str] = "error"
    # How fields that are not kept as the native module gives them are built, by name.
    _convert: ClassVar[Mapping[str, Callable[[Any], Any]]] = {}

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        for name, value in fields.items():
            setattr(self, name, value)

    @classmethod
    def _from_fields(cls, fields: Mapping[str, Any]) -> SmilepayzError:
        # `kind` is the class's; `code` is Node's name for the kind.
        own = {k: cls._convert.get(k, _same)(v) for k, v in fields.items() if k not in ("kind", "code", "message")}
        return cls(fields["message"], **own)


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Violation:
    """One broken rule of a request: the field (snake_case path), the rule, and why."""

    path: str
    rule: str
    message: str


def _violations(values: Any) -> list[Violation]:
    return [Violation(**v) for v in values]


@dataclass(frozen=True)
class BatchRowError:
    """A refused row of a batch input: its 1-based number (the CSV record after the
    header, the JSON Lines line, the position in ``add``), the problem (``invalid``,
    ``unreadable``, ``duplicate_order_no`` or ``changed``), why, and for an invalid row
    every broken rule."""

    row_number: int
    problem: str
    message: str
    violations: list[Violation]


def _batch_rows(values: Any) -> list[BatchRowError]:
    return [BatchRowError(**{**v, "violations": _violations(v["violations"])}) for v in values]


class _ConfirmedNumbers:
    callback: VerifiedCallback

    @property
    def order_no(self) -> str:
        """The confirmed order number: book ``gateway_status`` under this one."""
        return self.callback.order_no or ""

    @property
    def trade_no(self) -> str:
        """The confirmed (signed) trade number."""
        return self.callback.trade_no
