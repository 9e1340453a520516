"""Issue 10: the JSON Schemas in ``schemas/``, written from the seed documents and not from the
SDK's core, checked with a well-known validator (python-jsonschema) against the shared vectors.

Needs only ``jsonschema`` and ``referencing`` (no native ``smilepayz`` module): the schemas are
an independent statement of the wire rules, so nothing here may come from the SDK.

What is checked:

- every schema is a valid draft 2020-12 schema and every ``$ref`` resolves offline;
- every golden request body (requests.json) validates against its region's schema, except the
  few places where the seed's own table and its own examples disagree (SEED_BREAKS_IN_GOLDEN);
- every pay-out request printed in a seed (seed-examples.json) validates, except where the
  seed's example breaks its own table (SEED_EXAMPLE_BREAKS);
- every bad input (bad-inputs.json) is turned into the body a naive SDK would send
  (``to_wire``, written here from the golden vectors, not from the SDK) and then either the
  schema rejects it *at a path the SDK reports* or the vector is in SDK_ONLY, which names the
  row of the deviation table in schemas/README.md that explains why the seed does not forbid it.
  A schema error at a path the SDK does not report means the schema forbids something the SDK
  lets through: the SDK is looser than the seed there, and the test fails unless SDK_LOOSER
  lists it with its row.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable

ROOT = Path(__file__).resolve().parent.parent.parent
SCHEMAS = ROOT / "schemas"
VECTORS = ROOT / "tests" / "vectors"
README = SCHEMAS / "README.md"

# The regions of the golden requests (one schema each).
REGIONS = sorted(
    {case["request"]["region"] for case in json.loads((VECTORS / "requests.json").read_text("utf-8"))["cases"]}
)

# Places where a golden body breaks a seed's table because the seed contradicts itself; the
# schema keeps the table's rule. (currency, location, keyword) -> deviation-table row.
SEED_BREAKS_IN_GOLDEN: dict[tuple[str, str, str], str] = {
    ("COP", "/paymentMethod", "maxLength"): "paymentMethod-length",
    ("COP", "/merchant/merchantId", "pattern"): "merchantId-format",
    ("USDT", "/cashAccount", "maxLength"): "wallet-length",
    ("BRL", "/cashAccount", "maxLength"): "pix-key-length",
}

# The seeds' own example bodies that break their own tables: source -> {(location, keyword): row}.
SEED_EXAMPLE_BREAKS: dict[str, dict[tuple[str, str], str]] = {
    "000_ce6e83bd55d2c3ed.txt": {("/cashAccount", "maxLength"): "wallet-length"},
}

# Bad inputs the seed-only schema does not catch at the SDK's path: the SDK refuses them by a
# rule of its own (or one JSON Schema cannot state). Vector name -> deviation-table row.
SDK_ONLY: dict[str, str] = {
    "purpose with a line break": "purpose-control-chars",
    "amount zero": "amount-positive",
    "amount negative": "amount-positive",
    "amount .00 for PEN": "amount-zero-fraction",
    "amount in exponent form": "amount-notation",
    "USDT amount with 5 decimals": "usdt-amount-decimals",
    "USDT amount with 29 significant digits (would round to 1)": "usdt-amount-decimals",
    "merchantName 129 characters": "merchant-text-length",
    "extra overwriting orderNo": "extra-shadowing",
    "extra overwriting a region field": "extra-shadowing",
    "unknown field": "unknown-input-field",
    "IDR cashAccount with dashes": "cash-account-charset",
    "PEN DNI not 8 digits": "peru-id-number",
    "PEN RUC not 11 digits": "peru-id-number",
    "COP receiver phone with country code": "phone-length",
    "BRL CPF bad check digit": "pix-key-format",
    "BRL CPF with punctuation": "pix-key-format",
    "BRL CPF 10 digits": "pix-key-format",
    "BRL CNPJ bad check digit": "pix-key-format",
    "BRL CNPJ 13 digits": "pix-key-format",
    "BRL EMAIL key invalid": "pix-key-format",
    "BRL PHONE key without +55": "pix-key-format",
    "BRL EVP key not a UUID": "pix-key-format",
    "BRL paymentMethod not a PIX key type": "brl-payment-method",
    "BRL receiver pixType differs": "same-as-rules",
    "BRL receiver pixAccount differs": "same-as-rules",
    "BRL receiver taxNumber differs for CPF key": "same-as-rules",
    "BRL receiver taxNumber invalid CNPJ": "brl-tax-number",
    "USDT TRC20 checksum typo": "wallet-format",
    "USDT TRC20 given a BEP20 address": "wallet-format",
    "USDT BEP20 without 0x": "wallet-format",
    "USDT BEP20 non-hex": "wallet-format",
    "USDT BEP20 mixed case with a wrong EIP-55 checksum": "wallet-format",
    "purpose with a right-to-left override (memo spoofing)": "bidi-controls",
    "purpose with a bidi isolate": "bidi-controls",
    "merchantName with a bidi embedding": "bidi-controls",
    "receiver name with a left-to-right override": "bidi-controls",
    "extra adding a top-level amount next to money": "extra-shadowing",
    "extra adding a top-level currency next to money": "extra-shadowing",
    "extra overwriting money in another letter case": "extra-shadowing",
    "extra adding another region's field": "extra-shadowing",
    "USDT network unknown": "usdt-network",
    "USDT paymentMethod other than USDT": "usdt-payment-method",
}

# Schema errors at a path the SDK does not report (the SDK lets through what the seed forbids):
# (currency, location, keyword) -> row. None today: both findings of issue 10 are resolved.
SDK_LOOSER: dict[tuple[str, str, str], str] = {}

# Bad inputs that have no wire form at all (``to_wire`` raises NotWireable): name -> why.
NOT_WIREABLE: dict[str, str] = {}

# A JSON number as RFC 8259 writes it: no sign '+', no leading zeros, no NaN or Infinity.
JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def load_vector(name: str) -> Any:
    # Numbers with a fraction stay exact decimals, never floats.
    return json.loads((VECTORS / name).read_text(encoding="utf-8"), parse_float=Decimal)


def load_schemas() -> dict[str, Any]:
    """Every schema file by its ``$id``."""
    schemas = {}
    for path in sorted(SCHEMAS.glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert schema["$id"] == path.name, f"{path.name}: $id is {schema['$id']!r}"
        schemas[schema["$id"]] = schema
    return schemas


SCHEMA_FILES = load_schemas()


def registry() -> Registry[Any]:
    # Only the local files: a $ref to anything else is Unresolvable, never fetched.
    return Registry().with_resources((uri, Resource.from_contents(schema)) for uri, schema in SCHEMA_FILES.items())


def _is_integer(checker: object, instance: object) -> bool:
    # JSON Schema's data model: an integer is a number with no fractional part, so 10.00 is one.
    # python-jsonschema knows that for floats but not for Decimal, which these tests use to keep
    # amounts exact.
    if isinstance(instance, Decimal):
        return instance.is_finite() and instance == instance.to_integral_value()
    return bool(Draft202012Validator.TYPE_CHECKER.is_type(instance, "integer"))


SeedValidator = validators.extend(  # type: ignore[no-untyped-call]  # types-jsonschema leaves extend unannotated
    Draft202012Validator, type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer)
)
REGISTRY = registry()
VALIDATORS: dict[str, Validator] = {
    currency: SeedValidator(SCHEMA_FILES[f"payout-{currency.lower()}.schema.json"], registry=REGISTRY)
    for currency in REGIONS
}

Error = tuple[str, str]  # (JSON pointer of the offending value, JSON Schema keyword)


def located(error: ValidationError) -> set[Error]:
    """Where an error is, as the SDK would name the field: a missing or unknown member is
    reported at the member's own path, not at the object holding it."""
    base = "".join(f"/{part}" for part in error.absolute_path)
    keyword = str(error.validator)
    instance = error.instance
    if keyword == "required" and isinstance(instance, dict) and isinstance(error.validator_value, list):
        return {(f"{base}/{name}", keyword) for name in error.validator_value if name not in instance}
    if keyword == "additionalProperties" and isinstance(instance, dict) and isinstance(error.schema, dict):
        known = error.schema.get("properties", {})
        return {(f"{base}/{name}", keyword) for name in instance if name not in known}
    return {(base, keyword)}


def errors_of(currency: str, body: Any) -> set[Error]:
    found: set[Error] = set()
    for error in VALIDATORS[currency].iter_errors(body):
        found |= located(error)
    return found


class NotWireable(Exception):
    """An input with no wire form (``to_wire`` cannot say what would be sent)."""


def wire_amount(amount: Any) -> Any:
    """The SDK input's amount (a decimal string, or a JSON value) as the wire's JSON number.

    A string that is a JSON number is parsed with Decimal, so what the wire would carry is kept
    digit for digit (no float rounding). Anything else goes through as given, which is what a
    pass-through would send, and the schema then judges it (a string or a boolean is not a
    number)."""
    if isinstance(amount, str) and JSON_NUMBER.fullmatch(amount):
        return json.loads(amount, parse_float=Decimal)
    return amount


def to_wire(request: Any, merchant_id: str) -> dict[str, Any]:
    """The pay-out body for one request in the SDK's camelCase input form, written from the golden
    vectors' (request, body) pairs, not from the SDK:

    - ``region`` is the currency code (``money.currency``); ``amount`` becomes ``money.amount``;
    - ``merchant`` gets the client's ``merchantId`` (a merchantId in the input is kept);
    - a USDT request without ``paymentMethod`` sends ``"USDT"`` (golden usdt-* cases);
    - a BRL request without ``receiver`` sends the one seed 004 defines from the key:
      ``pixType`` = ``paymentMethod``, ``pixAccount`` = ``cashAccount``, and ``taxNumber`` =
      ``cashAccount`` for CPF and CNPJ keys (golden brl-evp-no-receiver);
    - every other input key is a wire field of the same name, passed as given;
    - ``extra`` keys are merged into the top level last, like ``dict.update``: an extra key that
      shadows a field reaches the wire, so the schema judges what would then be sent.
    """
    if not isinstance(request, dict):
        raise NotWireable("the request is not a JSON object")
    body: dict[str, Any] = {k: v for k, v in request.items() if k not in ("region", "amount", "merchant", "extra")}
    merchant = request.get("merchant", {})
    body["merchant"] = {"merchantId": merchant_id, **merchant} if isinstance(merchant, dict) else merchant
    money: dict[str, Any] = {}
    if "region" in request:
        money["currency"] = request["region"]
    if "amount" in request:
        money["amount"] = wire_amount(request["amount"])
    body["money"] = money
    if request.get("region") == "USDT":
        body.setdefault("paymentMethod", "USDT")
    if request.get("region") == "BRL" and "receiver" not in request:
        same_as = (("pixType", "paymentMethod"), ("pixAccount", "cashAccount"))
        receiver = {member: request[field] for member, field in same_as if field in request}
        if request.get("paymentMethod") in ("CPF", "CNPJ") and "cashAccount" in request:
            receiver["taxNumber"] = request["cashAccount"]
        body["receiver"] = receiver
    extra = request.get("extra", {})
    if not isinstance(extra, dict):
        raise NotWireable("extra is not a JSON object")
    body.update(extra)
    return body


def wire_or_none(request: Any, merchant_id: str) -> dict[str, Any] | None:
    try:
        return to_wire(request, merchant_id)
    except NotWireable:
        return None


def wire_path(sdk_path: str) -> str:
    """A violation's camelCase path as a JSON pointer into the wire body."""
    if sdk_path == "amount":
        return "/money/amount"
    if sdk_path == "region":
        return "/money/currency"
    if sdk_path.startswith("extra."):
        sdk_path = sdk_path[len("extra.") :]
    return "/" + sdk_path.replace(".", "/")


def under(location: str, paths: Iterable[str]) -> bool:
    return any(location == p or location.startswith(p + "/") for p in paths)


def rows_in_readme() -> set[str]:
    return set(re.findall(r"^\| `([A-Za-z0-9-]+)` \|", README.read_text(encoding="utf-8"), re.MULTILINE))


def keyword_values(schema: Any, keyword: str) -> Iterator[str]:
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == keyword and isinstance(value, str):
                yield value
            else:
                yield from keyword_values(value, keyword)
    elif isinstance(schema, list):
        for value in schema:
            yield from keyword_values(value, keyword)


def report(line: str, capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print(f"\n{line}")


def test_every_schema_is_a_valid_draft_2020_12_schema_and_its_refs_resolve_offline() -> None:
    assert set(SCHEMA_FILES) == {"common.schema.json"} | {f"payout-{r.lower()}.schema.json" for r in REGIONS}
    for uri, schema in SCHEMA_FILES.items():
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema", uri
        resolver = REGISTRY.resolver(base_uri=uri)
        refs = list(keyword_values(schema, "$ref"))
        for ref in refs:
            resolver.lookup(ref)
        assert refs or uri == "common.schema.json", uri
        for pattern in keyword_values(schema, "pattern"):
            # ECMA-262's `$` is the end of the string; Python's `re` (used by python-jsonschema) also
            # matches it before a final newline, which the lookahead rules out.
            assert pattern.startswith("^") and pattern.endswith("$(?!\\n)"), (uri, pattern)
            assert not re.search(pattern, "x\n") and not re.search(pattern, "0\n"), (uri, pattern)
    with pytest.raises(Unresolvable):
        REGISTRY.resolver(base_uri="payout-idr.schema.json").lookup("https://example.invalid/other.json")


def test_each_region_fixes_its_currency_and_leaves_the_top_level_open_with_a_reason() -> None:
    for currency in REGIONS:
        schema = SCHEMA_FILES[f"payout-{currency.lower()}.schema.json"]
        assert schema["properties"]["money"]["properties"]["currency"] == {
            "description": schema["properties"]["money"]["properties"]["currency"]["description"],
            "const": currency,
        }
        assert schema["additionalProperties"] is True
        assert "escape hatch" in schema["description"]
        assert "money" in schema["required"] and "merchant" in schema["required"]


def test_every_property_cites_its_seed() -> None:
    def walk(schema: Any, where: str) -> Iterator[tuple[str, Any]]:
        if isinstance(schema, dict):
            for name, sub in schema.get("properties", {}).items():
                yield f"{where}/{name}", sub
                yield from walk(sub, f"{where}/{name}")
            for name, sub in schema.get("$defs", {}).items():
                yield from walk(sub, f"{where}#{name}")

    for uri, schema in SCHEMA_FILES.items():
        for where, sub in walk(schema, uri):
            assert re.search(r"[Ss]eeds? 00[0-4]|Every seed", sub.get("description", "")), where


def test_every_golden_request_body_validates_against_its_regions_schema(capsys: pytest.CaptureFixture[str]) -> None:
    cases = load_vector("requests.json")["cases"]
    seen_breaks: set[tuple[str, str, str]] = set()
    clean = 0
    for case in cases:
        body = json.loads(case["body"], parse_float=Decimal)
        currency = body["money"]["currency"]
        errors = errors_of(currency, body)
        breaks = {(currency, *e) for e in errors}
        assert breaks <= set(SEED_BREAKS_IN_GOLDEN), (case["name"], breaks - set(SEED_BREAKS_IN_GOLDEN))
        seen_breaks |= breaks
        clean += not breaks
    assert seen_breaks == set(SEED_BREAKS_IN_GOLDEN), "an expected seed break no longer happens"
    assert {case["request"]["region"] for case in cases} == set(REGIONS)
    report(
        f"schemas: {len(cases)} golden bodies checked, {clean} valid, "
        f"{len(cases) - clean} break only the seed rows the seeds contradict ({len(SEED_BREAKS_IN_GOLDEN)} listed)",
        capsys,
    )


def test_the_converter_gives_every_golden_body_from_its_request() -> None:
    table = load_vector("requests.json")
    for case in table["cases"]:
        assert to_wire(case["request"], table["merchantId"]) == json.loads(case["body"], parse_float=Decimal), case[
            "name"
        ]


# The M rows of type String in each seed's body table, transcribed here a second time (not read
# from the schemas): each must be present and not empty.
COMMON_MANDATORY = ["/orderNo", "/purpose", "/merchant/merchantId", "/paymentMethod", "/cashAccount"]
PEN_COP_RECEIVER = ["/receiver/name", "/receiver/email", "/receiver/phone", "/receiver/idType"]
MANDATORY_STRINGS: dict[str, list[str]] = {
    "IDR": COMMON_MANDATORY,
    "PEN": [*COMMON_MANDATORY, "/cashAccountType", "/cci", *PEN_COP_RECEIVER, "/receiver/idNumber"],
    "COP": [*COMMON_MANDATORY, "/cashAccountType", *PEN_COP_RECEIVER, "/receiver/identity"],
    "BRL": COMMON_MANDATORY,
    "USDT": [*COMMON_MANDATORY, "/network"],
}


def test_each_mandatory_string_of_a_seed_is_required_and_not_empty() -> None:
    bodies = [json.loads(c["body"], parse_float=Decimal) for c in load_vector("requests.json")["cases"]]
    checked = 0
    for currency, paths in MANDATORY_STRINGS.items():
        golden = next(b for b in bodies if b["money"]["currency"] == currency)
        tolerated = {(loc, kw) for (cur, loc, kw) in SEED_BREAKS_IN_GOLDEN if cur == currency}
        for path in paths:
            *parents, leaf = path.strip("/").split("/")
            for change in ("empty", "missing"):
                body = copy.deepcopy(golden)
                holder = body
                for part in parents:
                    holder = holder[part]
                if change == "empty":
                    holder[leaf] = ""
                else:
                    del holder[leaf]
                found = {e for e in errors_of(currency, body) - tolerated if e[0] == path}
                assert found, f"{currency} {path} {change}: the schema accepts it"
                checked += 1
    assert checked == 2 * sum(len(p) for p in MANDATORY_STRINGS.values())


def test_every_pay_out_request_printed_in_a_seed_validates(capsys: pytest.CaptureFixture[str]) -> None:
    examples = load_vector("seed-examples.json")["examples"]
    requests = [e for e in examples if e["kind"] == "request"]
    others = [e for e in examples if e["kind"] != "request"]
    assert {e["kind"] for e in others} <= {"payout_response", "callback"}
    for example in requests:
        body = json.loads(example["body"], parse_float=Decimal)
        assert body["money"]["currency"] == example["region"]
        expected = set(SEED_EXAMPLE_BREAKS.get(example["source"], {}))
        assert errors_of(example["region"], body) == expected, example["source"]
    assert set(SEED_EXAMPLE_BREAKS) <= {e["source"] for e in requests}
    assert len(requests) >= 2
    report(
        f"schemas: {len(requests)} seed request examples checked "
        f"({len(requests) - len(SEED_EXAMPLE_BREAKS)} valid, {len(SEED_EXAMPLE_BREAKS)} breaking its own seed table "
        f"as listed); {len(others)} responses and callbacks are not pay-out requests",
        capsys,
    )


def test_every_bad_input_that_breaks_a_seed_rule_fails_and_the_rest_are_listed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    table = load_vector("bad-inputs.json")
    merchant_id = load_vector("requests.json")["merchantId"]
    cases = table["requests"]
    caught: list[str] = []
    not_caught: set[str] = set()
    skipped: set[str] = set()
    unexplained: list[str] = []
    looser_seen: set[tuple[str, str, str]] = set()
    for case in cases:
        name = case["name"]
        body = wire_or_none(case["request"], merchant_id)
        if body is None:
            assert name in NOT_WIREABLE, f"{name}: no wire form and not in NOT_WIREABLE"
            skipped.add(name)
            continue
        paths = {wire_path(v["path"]) for v in case["violations"]}
        money = body.get("money")
        currency = money.get("currency") if isinstance(money, dict) else None
        if not isinstance(currency, str) or currency not in VALIDATORS:
            # No region's schema may accept a body whose currency is none of theirs.
            assert all(any(under(loc, paths) for loc, _ in errors_of(c, body)) for c in REGIONS), name
            caught.append(name)
            continue
        tolerated = {(loc, kw) for (cur, loc, kw) in SEED_BREAKS_IN_GOLDEN if cur == currency}
        looser = {(loc, kw) for (cur, loc, kw) in SDK_LOOSER if cur == currency}
        errors = errors_of(currency, body)
        looser_seen |= {(currency, *e) for e in errors & looser}
        own = errors - tolerated - looser
        at_sdk_path = {e for e in own if under(e[0], paths)}
        unexplained += [f"{name}: {currency} schema rejects {loc} ({kw})" for loc, kw in sorted(own - at_sdk_path)]
        if at_sdk_path:
            caught.append(name)
        else:
            not_caught.add(name)
    assert not unexplained, (
        "the schema rejects what the SDK lets through (the SDK is looser than the seed there, or the schema is "
        "wrong): add each to SDK_LOOSER with a deviation row, or fix the schema:\n" + "\n".join(unexplained)
    )
    assert not_caught == set(SDK_ONLY), (
        f"not caught by the schema but not in SDK_ONLY: {sorted(not_caught - set(SDK_ONLY))}; "
        f"in SDK_ONLY but now caught or gone: {sorted(set(SDK_ONLY) - not_caught)}"
    )
    assert skipped == set(NOT_WIREABLE)
    assert looser_seen == set(SDK_LOOSER), f"SDK_LOOSER entries no vector shows: {set(SDK_LOOSER) - looser_seen}"
    assert len(caught) + len(not_caught) + len(skipped) == len(cases)
    report(
        f"schemas: {len(cases)} bad inputs: {len(caught)} rejected by the seed schemas at the SDK's path, "
        f"{len(not_caught)} SDK-only (listed with their deviation row), {len(skipped)} without a wire form",
        capsys,
    )


def test_every_row_named_here_is_in_the_deviation_table() -> None:
    named = set(SDK_ONLY.values()) | set(SDK_LOOSER.values()) | set(SEED_BREAKS_IN_GOLDEN.values())
    for breaks in SEED_EXAMPLE_BREAKS.values():
        named |= set(breaks.values())
    assert named <= rows_in_readme(), named - rows_in_readme()
