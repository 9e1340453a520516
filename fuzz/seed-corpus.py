#!/usr/bin/env python3
"""Regenerates fuzz/corpus/<target>/ from tests/vectors/*.json and the reproducers in
fuzz/artifacts-found/<target>/ (deterministic output).

Usage: python3 fuzz/seed-corpus.py   (from anywhere; rewrites only fuzz/corpus/)
"""
import base64
import json
import re
import shutil
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
VECTORS = FUZZ.parent / "tests" / "vectors"
CORPUS = FUZZ / "corpus"
MAX_SEED = 16 * 1024  # keep seeds small; the oversized-body callback is left out


def load(name):
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "seed"


class Target:
    def __init__(self, name):
        self.dir = CORPUS / name
        self.seen = set()

    def add(self, name, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        if len(data) > MAX_SEED or data in self.seen:
            return
        self.seen.add(data)
        path = self.dir / slug(name)
        n = 2
        while path.exists():
            path = self.dir / f"{slug(name)}-{n}"
            n += 1
        path.write_bytes(data)


def snake(key):
    return re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), key)


def to_snake(value):
    """Re-cases request keys for Case::Snake; keys under `extra` are the user's own."""
    if isinstance(value, dict):
        return {snake(k): (v if k == "extra" else to_snake(v)) for k, v in value.items()}
    return value


def main():
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    targets = {n: Target(n) for n in ["callback_verify", "response_parse", "key_load", "request_validate"]}
    for t in targets.values():
        t.dir.mkdir(parents=True)

    callbacks = load("callbacks.json")
    seeds = load("seed-examples.json")
    requests = load("requests.json")
    keys = load("keys.json")
    bad = load("bad-inputs.json")
    real = load("real-callback-sandbox.json")

    # callback_verify: "X-TIMESTAMP\nX-SIGNATURE\nbody" (headers matched case-insensitively).
    cv = targets["callback_verify"]
    for case in callbacks["cases"]:
        body = base64.b64decode(case["bodyBase64"]) if "bodyBase64" in case else case["body"].encode("utf-8")
        headers = {k.upper(): v for k, v in case["headers"]}
        ts = headers.get("X-TIMESTAMP", "").encode("utf-8")
        sig = headers.get("X-SIGNATURE", "").encode("utf-8")
        cv.add(case["name"], ts + b"\n" + sig + b"\n" + body)
    for ex in seeds["examples"]:
        if ex["kind"] == "callback":
            cv.add(f"seed-{ex['region']}-callback", b"2024-04-10T08:45:32+07:00\nAAAA\n" + ex["body"].encode("utf-8"))
    real_body = json.dumps({"tradeNo": real["tradeNo"]}, separators=(",", ":"))
    cv.add("real-sandbox-callback", f"{real['timestamp']}\n{real['signature']}\n{real_body}")

    # response_parse: gateway answers (pay-out, status, balance) and refusals.
    rp = targets["response_parse"]
    for ex in seeds["examples"]:
        if ex["kind"] in ("payout_response", "callback"):
            rp.add(f"seed-{ex['region']}-{ex['kind']}", ex["body"])
    rp.add("status-success", json.dumps({
        "code": "00", "message": "Successful", "orderNo": "IDR20240410000001", "tradeNo": "T112024041000000000001",
        "tradeType": 2, "paymentMethod": "BRI", "money": {"currency": "IDR", "amount": 150000},
        "status": "SUCCESS", "remark": "", "transactionTime": "2024-04-10T08:45:32+07:00"}))
    rp.add("status-trade-type-string", json.dumps({
        "code": "00", "message": "Successful", "tradeNo": "T1", "tradeType": "2",
        "money": {"currency": "USDT", "amount": "100.5000"}, "status": "PARTIAL",
        "transactionTime": "2024-04-10T08:45:32"}))
    rp.add("balance", json.dumps({
        "code": "00", "message": "Successful", "accountNo": "21220030202403071031", "name": "Toko Demo",
        "balanceTypes": ["BALANCE"], "accountInfos": [{"balanceType": "BALANCE",
        "amount": {"currency": "IDR", "value": "1000000.00"},
        "availableBalance": {"currency": "IDR", "value": "990000.00"}}]}))
    rp.add("refusal", json.dumps({"code": "11", "message": "Invalid signature"}))
    rp.add("amount-scientific", '{"code":"00","money":{"currency":"IDR","amount":1.5E+2}}')

    # key_load: every key form as text, and the DER inside the base64 ones as raw bytes.
    kl = targets["key_load"]
    for group, forms in keys.items():
        if not isinstance(forms, dict):
            continue
        for form, text in forms.items():
            if group == "merchant_4096":
                continue  # 4096-bit signing is slow; the 2048-bit forms cover the same code
            kl.add(f"{group}-{form}", text)
            if form.endswith("base64"):
                kl.add(f"{group}-{form}-der", base64.b64decode(text))
    for entry in bad["privateKeys"] + bad["publicKeys"]:
        if isinstance(entry["key"], str):
            kl.add(f"bad-{entry['name']}", entry["key"])

    # request_validate: loose requests (camelCase and snake_case) and wire bodies.
    rv = targets["request_validate"]
    for case in requests["cases"]:
        rv.add(f"request-{case['name']}", json.dumps(case["request"], ensure_ascii=False))
        rv.add(f"request-snake-{case['name']}", json.dumps(to_snake(case["request"]), ensure_ascii=False))
        rv.add(f"wire-{case['name']}", case["body"])
    for ex in seeds["examples"]:
        if ex["kind"] == "request":
            rv.add(f"seed-{ex['region']}-request", ex["body"])
    for entry in bad["requests"][::5]:
        rv.add(f"bad-{entry['name']}", json.dumps(entry["request"], ensure_ascii=False))

    # Reproducers of fixed findings stay in the corpus as regression seeds.
    for name, t in targets.items():
        found = FUZZ / "artifacts-found" / name
        for path in sorted(found.iterdir()) if found.is_dir() else []:
            t.add(f"regression-{path.name}", path.read_bytes())

    for name, t in targets.items():
        files = list(t.dir.iterdir())
        print(f"{name}: {len(files)} files, {sum(f.stat().st_size for f in files)} bytes")


if __name__ == "__main__":
    main()
