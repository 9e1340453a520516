"""What every pay-out request does, whatever its region: the generated region classes
(:mod:`smilepayz.requests`) are frozen dataclasses over this base, which hands their
fields to the Rust core once, when they are built."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Union

from . import _native

Amount = Union[int, Decimal, str]
"""Money: an ``int``, a :class:`decimal.Decimal` or decimal text; never a ``float``."""


def _plain(value: Any) -> Any:
    # Receiver and merchant classes travel as the dicts they stand for.
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: v for k, v in dataclasses.asdict(value).items() if v is not None}
    return value


class PayoutRequest:
    """A validated pay-out request. Build one of the region classes; each is checked by
    the core as a whole when it is built.

    Every region takes ``order_no`` (merchant-unique, 6 to 32 letters and digits),
    ``purpose`` (memo to the payee, 1 to 64 characters), ``amount``, ``cash_account``, and
    optionally ``merchant`` (:class:`~smilepayz.requests.Merchant` details),
    ``callback_url`` (HTTPS address for the status callback) and ``extra`` (gateway
    fields the SDK does not model, sent as given)."""

    _region: ClassVar[str]
    _fields: dict[str, Any]
    _native: _native.PayoutRequest

    if TYPE_CHECKING:

        @property
        def order_no(self) -> str: ...

    else:

        def __getattr__(self, name: str) -> Any:
            # A request read by `from_dict` has no dataclass fields: its order number is
            # the core's reading of the mapping. (Hidden from mypy, which would otherwise
            # accept any attribute name.)
            if name == "order_no":
                return self._native.order_no
            raise AttributeError(name)

    def __post_init__(self) -> None:
        fields = dataclasses.fields(self)  # type: ignore[arg-type]
        given = {f.name: _plain(getattr(self, f.name)) for f in fields if getattr(self, f.name) is not None}
        object.__setattr__(self, "_fields", {"region": self._region, **given})
        object.__setattr__(self, "_native", _native.PayoutRequest(self._fields))

    @classmethod
    def from_dict(cls, fields: Mapping[str, Any]) -> PayoutRequest:
        """A request from a plain mapping with ``region`` (IDR, PEN, COP, BRL, USDT) and
        the region's snake_case fields, e.g. one read back from a job queue. Returns the
        region's class (``IndonesiaPayout``, ...), every field readable as an attribute
        (nested values as given)."""
        given = dict(fields)
        native = _native.PayoutRequest(given)
        region_class = next((c for c in PayoutRequest.__subclasses__() if c._region == native.region), PayoutRequest)
        request = region_class.__new__(region_class)
        if dataclasses.is_dataclass(region_class):
            for field in dataclasses.fields(region_class):
                default = None if field.default is dataclasses.MISSING else field.default
                object.__setattr__(request, field.name, given.get(field.name, default))
        object.__setattr__(request, "_fields", given)
        object.__setattr__(request, "_native", native)
        return request

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled and copied as the mapping it was built from, read (and checked) again
        # by the core: the native handle does not cross processes.
        return (PayoutRequest.from_dict, (self._fields,))

    @property
    def region(self) -> str:
        """The region's currency code: IDR, PEN, COP, BRL or USDT."""
        return self._native.region

    def to_dict(self) -> dict[str, Any]:
        """The request as given (snake_case), with its ``region``."""
        return dict(self._fields)

    def wire_body(self, merchant_id: str) -> bytes:
        """The exact bytes sent (and signed) for ``merchant_id``."""
        return self._native.wire_body(merchant_id)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(order_no={self.order_no!r}, amount={self._fields.get('amount')!r})"
