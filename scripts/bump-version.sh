#!/usr/bin/env bash
# One version for every package of the SDK, set in one command.
#
#   scripts/bump-version.sh 0.2.0         writes it everywhere below
#   scripts/bump-version.sh 0.2.0-rc.1    a pre-release (0.2.0rc1 for Python)
#   scripts/bump-version.sh --check       fails unless every place agrees (dist.sh runs it)
#
# The places: Cargo.toml ([workspace.package] version and the version of the smilepayz
# and smilepayz-testkit entries of [workspace.dependencies]), Cargo.lock and
# fuzz/Cargo.lock (the workspace's own crates), bindings-python/pyproject.toml (in PEP 440
# form), bindings-node/package.json, npm/*/package.json (the platform packages),
# package-lock.json (the bindings-node workspace entry), and a heading in CHANGELOG.md
# (added when missing). The main npm package's optionalDependencies are written at pack
# time from the same version (scripts/dist.sh npm).
set -euo pipefail
cd "$(dirname "$0")/.."

python=python3
command -v "$python" >/dev/null 2>&1 || python=python

exec "$python" - "$@" <<'PY'
import json
import re
import sys
from pathlib import Path

args = sys.argv[1:]
check = args == ["--check"]
if not check and (len(args) != 1 or not re.fullmatch(r"\d+\.\d+\.\d+(-(alpha|beta|rc)\.\d+)?", args[0])):
    sys.exit("usage: scripts/bump-version.sh X.Y.Z[-(alpha|beta|rc).N] | --check")


def pep440(v: str) -> str:
    m = re.fullmatch(r"(\d+\.\d+\.\d+)(?:-(alpha|beta|rc)\.(\d+))?", v)
    if not m:
        return v
    base, kind, n = m.groups()
    return base if not kind else base + {"alpha": "a", "beta": "b", "rc": "rc"}[kind] + n


def sub_one(text: str, pattern: str, new: str, where: str) -> str:
    out, n = re.subn(pattern, new, text, count=1, flags=re.M | re.S)
    if n != 1:
        sys.exit(f"bump-version: the version of {where} not found")
    return out


ws_re = r'(\[workspace\.package\][^\[]*?^version = ")([^"]+)(")'
dep_re = r'(^{name} = \{{[^}}\n]*?version = ")([^"]+)(")'
py_re = r'(\[project\][^\[]*?^version = ")([^"]+)(")'
workspace_crates = ("smilepayz", "smilepayz-testkit", "smilepayz-interop", "smilepayz-cli", "smilepayz-python", "smilepayz-node",
                    "smilepayz-tests", "smilepayz-examples", "smilepayz-benches")
lock_re = r'(^\[\[package\]\]\nname = "{name}"\nversion = ")([^"]+)("\n(?!source))'


def read_all() -> list[tuple[str, str]]:
    found = []
    cargo = Path("Cargo.toml").read_text()
    found.append(("Cargo.toml [workspace.package]", re.search(ws_re, cargo, re.M | re.S).group(2)))
    for name in ("smilepayz", "smilepayz-testkit"):
        m = re.search(dep_re.format(name=re.escape(name)), cargo, re.M)
        found.append((f"Cargo.toml [workspace.dependencies] {name}", m.group(2) if m else "missing"))
    for lock in ("Cargo.lock", "fuzz/Cargo.lock"):
        text = Path(lock).read_text()
        for name in workspace_crates:
            m = re.search(lock_re.format(name=re.escape(name)), text, re.M)
            if m:
                found.append((f"{lock} {name}", m.group(2)))
    py = re.search(py_re, Path("bindings-python/pyproject.toml").read_text(), re.M | re.S).group(2)
    found.append(("bindings-python/pyproject.toml (PEP 440)", py))
    found.append(("bindings-node/package.json", json.loads(Path("bindings-node/package.json").read_text())["version"]))
    for p in sorted(Path("npm").glob("*/package.json")):
        found.append((str(p), json.loads(p.read_text())["version"]))
    lock = json.loads(Path("package-lock.json").read_text())
    found.append(("package-lock.json bindings-node", lock["packages"]["bindings-node"].get("version", "missing")))
    return found


if check:
    found = read_all()
    version = found[0][1]
    wrong = [(w, v) for w, v in found if v != (pep440(version) if "PEP 440" in w else version)]
    changelog = Path("CHANGELOG.md").read_text() if Path("CHANGELOG.md").exists() else ""
    if not re.search(rf"^## \[?{re.escape(version)}\]?", changelog, re.M):
        wrong.append(("CHANGELOG.md (no heading for it)", "-"))
    print(f"version {version} in {len(found)} places" + ("" if wrong else ", all agree; CHANGELOG.md has it"))
    if wrong:
        for w, v in wrong:
            print(f"  {w}: {v}", file=sys.stderr)
        sys.exit(f"bump-version: {len(wrong)} place(s) disagree with {version}: scripts/bump-version.sh {version}")
    sys.exit(0)

new = args[0]
old = read_all()[0][1]

p = Path("Cargo.toml")
text = sub_one(p.read_text(), ws_re, rf"\g<1>{new}\g<3>", "Cargo.toml [workspace.package]")
for name in ("smilepayz", "smilepayz-testkit"):
    text = sub_one(text, dep_re.format(name=re.escape(name)), rf"\g<1>{new}\g<3>", f"Cargo.toml dependency {name}")
p.write_text(text)

for lock in ("Cargo.lock", "fuzz/Cargo.lock"):
    p = Path(lock)
    text = p.read_text()
    for name in workspace_crates:
        text = re.sub(lock_re.format(name=re.escape(name)), rf"\g<1>{new}\g<3>", text, flags=re.M)
    p.write_text(text)

p = Path("bindings-python/pyproject.toml")
p.write_text(sub_one(p.read_text(), py_re, rf"\g<1>{pep440(new)}\g<3>", "pyproject.toml [project]"))


def set_json(path: Path, update) -> None:
    data = json.loads(path.read_text())
    update(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


set_json(Path("bindings-node/package.json"), lambda d: d.__setitem__("version", new))
for p in sorted(Path("npm").glob("*/package.json")):
    set_json(p, lambda d: d.__setitem__("version", new))
set_json(Path("package-lock.json"), lambda d: d["packages"]["bindings-node"].__setitem__("version", new))

p = Path("CHANGELOG.md")
text = p.read_text() if p.exists() else "# Changelog\n"
if not re.search(rf"^## \[?{re.escape(new)}\]?", text, re.M):
    m = re.search(r"^## ", text, re.M)
    heading = f"## [{new}] - unreleased\n\n- \n\n"
    text = text[: m.start()] + heading + text[m.start():] if m else text.rstrip("\n") + "\n\n" + heading
    p.write_text(text)

print(f"{old} -> {new} (Python {pep440(new)}); now: git diff, fill in CHANGELOG.md, run scripts/dist.sh")
PY
