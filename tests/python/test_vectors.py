"""The shared vectors: golden signatures, the bad-input table and the callback attacks
give in Python exactly what they give in Rust."""

from __future__ import annotations

import base64
import datetime as dt
import json
import multiprocessing
from typing import Any

import pytest
import smilepayz
from smilepayz import CallbackVerifier, Client, PayoutRequest, errors, verify_callback

from .conftest import FIGURES, load, pointer
from .regions import snake, snake_keys


def key_text(keys: Any, spec: Any) -> str:
    return spec if isinstance(spec, str) else str(pointer(keys, spec["fromKeys"]))


def assert_no_key_material(message: str, key: str) -> None:
    body = "".join(line for line in key.replace("\\n", "\n").splitlines() if not line.startswith("-----"))
    body = "".join(body.split())
    for start in range(0, max(len(body) - 16, 0), 8):
        assert body[start : start + 16] not in message


def test_golden_requests_serialise_and_sign_byte_for_byte(keys: Any) -> None:
    table = load("requests.json")
    private_key = str(pointer(keys, "/merchant/pkcs8_pem"))
    signer = smilepayz.RequestSigner(private_key)
    assert "PRIVATE" not in repr(signer)
    for case in table["cases"]:
        request = PayoutRequest.from_dict(snake_keys(case["request"]))
        body = request.wire_body(table["merchantId"])
        assert body.decode() == case["body"], case["name"]
        signature = smilepayz.sign_request(private_key, table["timestamp"], table["merchantSecret"], body)
        assert signature == case["signature"], case["name"]
        assert signer.sign(table["timestamp"], table["merchantSecret"], body) == signature
    # Every region the SDK has a request class for has a golden request.
    assert {case["request"]["region"] for case in table["cases"]} == {c._region for c in PayoutRequest.__subclasses__()}
    FIGURES["golden requests"] = len(table["cases"])


def test_every_bad_request_gives_its_violations_with_snake_case_paths() -> None:
    cases = load("bad-inputs.json")["requests"]
    for case in cases:
        with pytest.raises(errors.ValidationError) as caught:
            PayoutRequest.from_dict(snake_keys(case["request"]))
        got = sorted((v.path, v.rule) for v in caught.value.violations)
        assert got == sorted((v["pathSnake"], v["rule"]) for v in case["violations"]), case["name"]
        assert isinstance(caught.value, smilepayz.SmilepayzError)
    assert len(cases) >= 50
    FIGURES["bad requests"] = len(cases)


def test_private_key_mistakes_are_config_errors_with_their_kind(keys: Any) -> None:
    table = load("bad-inputs.json")
    for case in table["privateKeys"]:
        key = key_text(keys, case["key"])
        if "truncate" in case:
            key = key[: case["truncate"]]
        with pytest.raises(errors.ConfigError) as caught:
            Client(merchant_id="m-1", merchant_secret="s", private_key=key, environment="sandbox")
        assert caught.value.key_error == case["error"], case["name"]
        assert_no_key_material(str(caught.value), key)
        with pytest.raises(errors.ConfigError) as from_signer:
            smilepayz.RequestSigner(key)
        assert from_signer.value.key_error == case["error"], case["name"]
        assert_no_key_material(repr(caught.value), key)
    FIGURES["private-key mistakes"] = len(table["privateKeys"])
    for case in table["goodPrivateKeys"]:
        client = Client(
            merchant_id="m-1", merchant_secret="s", private_key=key_text(keys, case["key"]), environment="sandbox"
        )
        assert "PRIVATE" not in repr(client)


def test_public_key_mistakes_are_config_errors_with_their_kind(keys: Any) -> None:
    table = load("bad-inputs.json")
    for case in table["publicKeys"]:
        with pytest.raises(errors.ConfigError) as caught:
            CallbackVerifier(key_text(keys, case["key"]))
        assert caught.value.key_error == case["error"], case["name"]
    for case in table["goodPublicKeys"]:
        CallbackVerifier(key_text(keys, case["key"]))
    FIGURES["public-key mistakes"] = len(table["publicKeys"])


def test_configuration_mistakes_say_what_is_wrong_and_never_the_secret(keys: Any) -> None:
    cases = load("bad-inputs.json")["config"]
    FIGURES["configuration mistakes"] = len(cases)
    for case in cases:
        settings = case["settings"]
        kwargs: dict[str, Any] = {
            snake(k): (key_text(keys, v) if k == "privateKey" else v) for k, v in settings.items()
        }
        with pytest.raises(errors.ConfigError) as caught:
            Client(**kwargs)
        message = str(caught.value)
        assert case["messageContains"] in message, case["name"]
        if "merchant_secret" in kwargs:
            assert kwargs["merchant_secret"] not in message
        if "private_key" in kwargs:
            assert_no_key_material(message, kwargs["private_key"])


def test_every_callback_case_gives_its_verdict(keys: Any) -> None:
    table = load("callbacks.json")
    named = {
        "sandbox": str(pointer(keys, "/platform/public_spki_base64")),
        "production": str(pointer(keys, "/platform_production/public_spki_base64")),
    }
    for case in table["cases"]:
        clock = None
        if "now" in case:
            now = dt.datetime.fromisoformat(case["now"]).timestamp()
            clock = lambda now=now: now  # noqa: E731
        verifier = CallbackVerifier(
            [named[k] for k in case["keys"]],
            max_age_ms=None if "maxAgeSeconds" not in case else case["maxAgeSeconds"] * 1000,
            max_body_bytes=table["maxBodyBytes"],
            clock=clock,
        )
        body = base64.b64decode(case["bodyBase64"]) if "bodyBase64" in case else case["body"].encode()
        headers = [(name, value) for name, value in case["headers"]]
        if case["expect"] == "ok":
            assert verifier.verify(headers, body).trade_no == "T112024041000000000001", case["name"]
        else:
            with pytest.raises(errors.SignatureError) as caught:
                verifier.verify(headers, body)
            assert caught.value.check == case["expect"], case["name"]
    assert len(table["cases"]) >= 20
    FIGURES["callback attacks"] = len(table["cases"])


def test_the_real_sandbox_signature_verifies_and_a_tampered_one_does_not() -> None:
    v = load("real-callback-sandbox.json")
    headers = {"X-TIMESTAMP": v["timestamp"], "X-SIGNATURE": v["signature"]}
    body = json.dumps({"tradeNo": v["tradeNo"], "status": "SUCCESS"}).encode()
    verified = verify_callback(headers, body, platform_public_key=v["platformPublicKey"])
    assert verified.trade_no == v["tradeNo"]
    assert verified.status == smilepayz.Status.SUCCESS
    with pytest.raises(errors.SignatureError) as caught:
        verify_callback(headers, body.replace(b"T1112", b"T1113"), platform_public_key=v["platformPublicKey"])
    assert caught.value.check == "bad_signature"


# The `hostile` table: values no JSON file can hold, built here from their description.

HANDLED_MARKERS = {"$loneSurrogate", "$cycle", "$nestedLists", "$number", "$integer"}


def snake_path(path: str) -> list[str]:
    parts, under_extra = [], False
    for part in path.split("."):
        parts.append(part if under_extra else snake(part))
        under_extra = under_extra or part == "extra"
    return parts


def hostile_value(spec: Any, request: dict[str, Any], cycles: list[tuple[list[str], list[str]]], at: list[str]) -> Any:
    """The Python value a hostile spec describes; a `$cycle` is tied after the request is built."""
    if isinstance(spec, list):
        return [hostile_value(v, request, cycles, at) for v in spec]
    if not isinstance(spec, dict):
        return spec
    markers = [k for k in spec if k.startswith("$")]
    if not markers:
        return {k: hostile_value(v, request, cycles, [*at, k]) for k, v in spec.items()}
    (marker,) = markers
    assert marker in HANDLED_MARKERS, f"unhandled hostile marker {marker} for python"
    arg = spec[marker]
    if marker == "$loneSurrogate":
        return arg["before"] + chr(int(arg["unit"], 16)) + arg["after"]
    if marker == "$cycle":
        cycles.append((at, snake_path(arg)))
        return None
    if marker == "$nestedLists":
        nested: list[Any] = []
        for _ in range(arg - 1):
            nested = [nested]
        return nested
    if marker == "$number":
        return float(arg)
    return int(arg)  # $integer


def dig(document: Any, parts: list[str]) -> Any:
    for part in parts:
        document = document[part]
    return document


def check_hostile_case(case: dict[str, Any], golden: dict[str, Any], keys: Any) -> None:
    """Builds one hostile case for Python and checks the error it gives."""
    name = case["name"]
    known = {"name", "languages", "base", "set", "value", "option", "error", "accept", "rule", "messageContains"}
    known |= {"path", "pathSnake", "pathStartsWith", "pathSnakeStartsWith"}
    assert set(case) <= known, f"{name}: unhandled keys {set(case) - known}"
    cycles: list[tuple[list[str], list[str]]] = []
    if "option" in case:
        assert case["option"] == "maxAttempts", f"{name}: unhandled option"
        value = hostile_value(case["value"], {}, cycles, [])
        with pytest.raises(errors.ConfigError) as caught:
            Client(
                merchant_id="m-1",
                merchant_secret="s",
                private_key=str(pointer(keys, "/merchant/pkcs8_pem")),
                base_url="http://127.0.0.1:9",
                retry={"max_attempts": value},
            )
        assert case["messageContains"] in str(caught.value), f"{name}: {caught.value}"
        return
    request = snake_keys(golden[case["base"]]["request"])
    target = snake_path(case["set"])
    value = hostile_value(case["value"], request, cycles, target)
    parent = request
    for part in target[:-1]:
        parent = parent.setdefault(part, {})
    parent[target[-1]] = value
    for at, source in cycles:
        dig(request, at[:-1])[at[-1]] = dig(request, source)
    if case.get("accept"):
        assert PayoutRequest.from_dict(request).wire_body("m-1"), name
        return
    assert case["error"] == "validation", f"{name}: unhandled error kind"
    with pytest.raises(errors.ValidationError) as refused:
        PayoutRequest.from_dict(request)
    violations = [(v.path, v.rule) for v in refused.value.violations]
    assert len(violations) == 1, f"{name}: {violations}"
    path, rule = violations[0]
    assert rule == case["rule"], f"{name}: {violations}"
    if "pathSnake" in case:
        assert path == case["pathSnake"], f"{name}: {violations}"
    else:
        assert path.startswith(case["pathSnakeStartsWith"]), f"{name}: {violations}"


def test_every_hostile_value_is_refused_by_name() -> None:
    table = load("bad-inputs.json")["hostile"]
    golden = {case["name"]: case for case in load("requests.json")["cases"]}
    keys = load("keys.json")
    ran = 0
    for case in table["cases"]:
        if "python" not in case["languages"]:
            continue
        if '"$cycle"' in json.dumps(case) or '"$nestedLists"' in json.dumps(case):
            # Nesting that could overflow the native stack runs in a forked child: a
            # regression is a failed assertion here, not a dead test run.
            child = multiprocessing.get_context("fork").Process(target=check_hostile_case, args=(case, golden, keys))
            child.start()
            child.join(60)
            assert child.exitcode == 0, f"{case['name']}: the child ended with {child.exitcode} (-11 is SIGSEGV)"
        else:
            check_hostile_case(case, golden, keys)
        ran += 1
    assert ran >= 10
    FIGURES["hostile values"] = ran
