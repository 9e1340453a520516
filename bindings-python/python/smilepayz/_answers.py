"""What the generated answer classes (:mod:`smilepayz.models`) share: building one from
the native module's JSON value, ``to_dict``, the open set of statuses, the helpers that
read times, and reconciliation's outcome."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Generic, Literal, Optional, TypeVar, overload

from . import _native

if TYPE_CHECKING:
    from .models import StatusResult

T = TypeVar("T")
A = TypeVar("A", bound="_Answer")


class _OpenStatus(str, enum.Enum):
    """What an order status does; the generated ``Status`` adds the values the core knows.
    A value this SDK does not know yet is kept: its name is ``UNKNOWN`` and its value the
    string as the gateway wrote it."""

    @classmethod
    def _missing_(cls, value: object) -> Optional[_OpenStatus]:
        if not isinstance(value, str):
            return None
        unknown = str.__new__(cls, value)
        unknown._name_ = "UNKNOWN"
        unknown._value_ = value
        return unknown

    @property
    def is_final(self) -> bool:
        """True when the order will not change any more (decided by the core)."""
        return _native.status_is_final(self.value)

    def __str__(self) -> str:
        return str(self.value)


def _opt(convert: Callable[[Any], T]) -> Callable[[Any], Optional[T]]:
    """``convert`` for a value that may be null."""

    def optional(value: Any) -> Optional[T]:
        return None if value is None else convert(value)

    return optional


def _list(convert: Callable[[Any], T]) -> Callable[[Any], list[T]]:
    """``convert`` for each item of a list."""

    def each(values: Any) -> list[T]:
        return [convert(v) for v in values]

    return each


def _map(convert: Callable[[Any], T]) -> Callable[[Any], dict[str, T]]:
    """``convert`` for each value of a mapping; its keys (states, currencies) are kept."""

    def each(values: Any) -> dict[str, T]:
        return {k: convert(v) for k, v in values.items()}

    return each


def _by_name(**convert: Callable[[Any], Any]) -> Mapping[str, Callable[[Any], Any]]:
    """How fields are built from the native values, by field name (read-only)."""
    return MappingProxyType(convert)


def _same(value: Any) -> Any:
    return value


def parse_time(value: Optional[str]) -> Optional[datetime]:
    """The gateway's time text as a ``datetime`` (aware when it carries an offset)."""
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _plain(value: Any) -> Any:
    if isinstance(value, _OpenStatus):
        return value.value
    if not dataclasses.is_dataclass(value) and callable(getattr(value, "to_dict", None)):
        return value.to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # Private fields (the native handle of a verified callback) are not data.
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if not f.name.startswith("_")}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class _Answer:
    # How fields that are not kept as the native module gives them are built, by name.
    _convert: ClassVar[Mapping[str, Callable[[Any], Any]]] = {}

    @classmethod
    def _from(cls: type[A], d: Mapping[str, Any]) -> A:
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        return cls(**{f.name: cls._convert.get(f.name, _same)(d[f.name]) for f in fields})

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain Python values (statuses as their strings)."""
        plain: dict[str, Any] = _plain(self)
        return plain


class _FinalStatus:
    status: Optional[_OpenStatus]

    @property
    def is_final(self) -> bool:
        """True when the order will not change any more."""
        return self.status is not None and self.status.is_final


class _Disbursed(_FinalStatus):
    disbursement_time: Optional[str]

    @property
    def disbursed_at(self) -> Optional[datetime]:
        """``disbursement_time`` as a ``datetime``, when it parses."""
        return parse_time(self.disbursement_time)


class _Transacted(_FinalStatus):
    transaction_time: Optional[str]

    @property
    def transacted_at(self) -> Optional[datetime]:
        """``transaction_time`` as a ``datetime``, when it parses."""
        return parse_time(self.transaction_time)


class _Field(Generic[T]):
    """A field read from the owner's ``_fields`` mapping on access, built by ``convert``."""

    def __init__(self, convert: Callable[[Any], T]) -> None:
        self._convert = convert
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, obj: None, owner: type) -> _Field[T]: ...
    @overload
    def __get__(self, obj: _Fields, owner: type) -> T: ...
    def __get__(self, obj: Optional[_Fields], owner: type) -> Any:
        if obj is None:
            return self
        return self._convert(obj._fields[self._name])


class _Fields:
    """An object whose fields are read from a mapping (a verified callback's, on first use)."""

    __slots__ = ()

    @property
    def _fields(self) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(frozen=True)
class Reconciliation(_Answer):
    """What reconciling an unknown pay-out found: ``settled`` (final status),
    ``pending`` (the gateway has it and works on it: never resend) or ``not_found`` (one
    of the configured "no such order" codes)."""

    outcome: Literal["settled", "pending", "not_found"]
    status: Optional[StatusResult]
    code: Optional[str] = None
    message: Optional[str] = None

    @property
    def is_settled(self) -> bool:
        return self.outcome == "settled"

    @classmethod
    def _from(cls, d: Mapping[str, Any]) -> Reconciliation:
        from .models import StatusResult

        status = d.get("status")
        return cls(
            outcome=d["outcome"],
            status=None if status is None else StatusResult._from(status),
            code=d.get("code"),
            message=d.get("message"),
        )
