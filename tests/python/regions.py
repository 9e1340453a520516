"""Sample pay-outs: the golden requests of tests/vectors/requests.json (the camelCase
input form every language reads), in the form a Python caller writes them."""

from __future__ import annotations

from typing import Any, Optional

from smilepayz import PayoutRequest

from .conftest import load

GOLDEN: dict[str, Any] = {case["name"]: case["request"] for case in load("requests.json")["cases"]}


def snake(key: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in key)


def snake_keys(value: Any, under_extra: bool = False) -> Any:
    """A camelCase vector request in the form a Python caller writes it."""
    if isinstance(value, dict):
        return {(k if under_extra else snake(k)): snake_keys(v, under_extra or k == "extra") for k, v in value.items()}
    if isinstance(value, list):
        return [snake_keys(v, under_extra) for v in value]
    return value


def golden(name: str, order_no: str, callback_url: Optional[str] = None) -> PayoutRequest:
    """The golden request ``name`` under ``order_no``, with ``callback_url`` (or none)."""
    fields = snake_keys({**GOLDEN[name], "orderNo": order_no})
    fields.pop("callback_url", None)
    if callback_url is not None:
        fields["callback_url"] = callback_url
    return PayoutRequest.from_dict(fields)


# The first golden request of each region, by currency.
FIRST_OF_REGION: dict[str, str] = {}
for _name, _request in GOLDEN.items():
    FIRST_OF_REGION.setdefault(_request["region"], _name)
REGIONS = sorted(FIRST_OF_REGION)


def region_request(region: str, order_no: str, callback_url: Optional[str] = None) -> PayoutRequest:
    return golden(FIRST_OF_REGION[region], order_no, callback_url)


def indonesia(order_no: str, callback_url: Optional[str] = None) -> PayoutRequest:
    return region_request("IDR", order_no, callback_url)
