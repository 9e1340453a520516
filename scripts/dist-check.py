#!/usr/bin/env python3
"""The gates every release artifact in dist/ passes (scripts/dist.sh runs them last).

1. Contents: every file of every wheel, sdist and npm tarball is on the allowlist of its
   kind; anything else (caches, bytecode, node_modules, logs, nested archives, a .node in
   the main npm package, ...) fails the gate and is listed.
2. No test keys: no file (binaries included) holds a PEM private key, nor any key of
   tests/vectors/keys.json or fuzz/corpus/key_load/ in PEM or bare base64 form.
3. Binaries: each .so/.node/.pyd/.dylib is for the architecture its name promises; a
   Linux glibc binary asks for no glibc symbol newer than 2.17 (objdump -T) and links
   nothing beyond libc, libm, libdl, libpthread, librt, libgcc_s and the loader; a musl
   binary asks for no glibc symbol at all.
4. Platform tags: `auditwheel show` calls each Linux wheel manylinux_2_17 (musllinux_1_2
   for musl); the npm platform packages declare the os/cpu/libc of their binary.
5. Versions: Cargo.toml, pyproject.toml, package.json, npm/*/package.json agree
   (scripts/bump-version.sh --check), every artifact carries that version, and the main
   npm package depends optionally on every platform package of napi.targets at it.
6. Targets: every target of napi.targets is built here (its tarball is in dist/npm) or by
   .github/workflows/release.yml; same for the wheels. With DIST_REQUIRE_ALL=1 (the
   release workflow, before publishing) every one must be in dist/.

Prints one line per artifact (size, files, binary, glibc floor, build time) and writes
them to target/dist/summary.tsv. Exit status 1 when any gate fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
GLIBC_FLOOR = (2, 17)
ALLOWED_NEEDED = re.compile(
    r"^(libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|libgcc_s\.so\.1|"
    r"ld-linux[-a-z0-9_]*\.so\.[12]|libc\.musl-[a-z0-9_]+\.so\.1|libutil\.so\.1)$"
)
CACHE_LIKE = re.compile(
    r"(__pycache__|\.pyc$|\.pyo$|\.pytest_cache|\.mypy_cache|\.ruff_cache|node_modules|\.DS_Store|"
    r"(^|/)\.git(/|$)|(^|/)target/|\.venv|\.orig$|\.rej$|\.swp$|\.log$|\.tgz$|\.whl$|\.tar\.gz$|~$)"
)

failures: list[str] = []


def fail(message: str) -> None:
    failures.append(message)
    print(f"FAIL {message}")


def version_of_sources() -> str:
    text = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
    section = text.split("[workspace.package]", 1)[1]
    match = re.search(r'^version = "([^"]+)"', section, re.M)
    assert match, "no version in [workspace.package]"
    return match.group(1)


def pep440(semver: str) -> str:
    """0.2.0-rc.1 -> 0.2.0rc1, the form a wheel and an sdist carry."""
    m = re.fullmatch(r"(\d+\.\d+\.\d+)(?:-(alpha|beta|rc)\.(\d+))?", semver)
    if not m:
        raise SystemExit(f"version {semver!r} is not X.Y.Z or X.Y.Z-(alpha|beta|rc).N")
    base, kind, n = m.groups()
    return base if not kind else f"{base}{ {'alpha': 'a', 'beta': 'b', 'rc': 'rc'}[kind]}{n}"


# --- test keys -----------------------------------------------------------------------------

PEM_PRIVATE = re.compile(rb"-----BEGIN [A-Z ]*PRIVATE KEY-----(?:\\n|\s)*[A-Za-z0-9+/]{16}")


def key_fingerprints() -> dict[bytes, str]:
    """A 40-character slice from the middle of every test key's base64 body: it appears
    whatever the form (PEM lines are 64 characters, so [128:168] lies within one line)."""
    texts: list[tuple[str, str]] = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{where}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}/{i}")
        elif isinstance(node, str):
            texts.append((where, node))

    vectors = ROOT / "tests" / "vectors" / "keys.json"
    walk(json.loads(vectors.read_text(encoding="utf-8")), "tests/vectors/keys.json#")
    corpus = ROOT / "fuzz" / "corpus" / "key_load"
    if corpus.is_dir():
        for f in sorted(corpus.iterdir()):
            texts.append((f"fuzz/corpus/key_load/{f.name}", f.read_text(encoding="utf-8", errors="replace")))
    prints: dict[bytes, str] = {}
    for where, text in texts:
        body = re.sub(r"-----[A-Z ]+-----", "", text).replace("\\n", "")
        body = re.sub(r"\s", "", body)
        if len(body) >= 200 and re.fullmatch(r"[A-Za-z0-9+/=]+", body):
            prints[body[128:168].encode()] = where
    if len(prints) < 5:
        raise SystemExit("found fewer than 5 test keys to look for: tests/vectors/keys.json moved?")
    return prints


# --- binaries ------------------------------------------------------------------------------

ELF_MACHINES = {62: "x86_64", 183: "aarch64"}
MACHO_CPUS = {0x01000007: "x86_64", 0x0100000C: "aarch64"}
PE_MACHINES = {0x8664: "x86_64", 0xAA64: "aarch64"}


def binary_format(data: bytes) -> tuple[str, str]:
    if data[:4] == b"\x7fELF":
        return "ELF", ELF_MACHINES.get(int.from_bytes(data[18:20], "little"), "?")
    if data[:4] in (b"\xcf\xfa\xed\xfe",):
        return "Mach-O", MACHO_CPUS.get(int.from_bytes(data[4:8], "little"), "?")
    if data[:4] == b"\xca\xfe\xba\xbe":
        return "Mach-O universal", "universal"
    if data[:2] == b"MZ":
        pe = int.from_bytes(data[0x3C:0x40], "little")
        return "PE", PE_MACHINES.get(int.from_bytes(data[pe + 4 : pe + 6], "little"), "?")
    return "unknown", "?"


def elf_facts(name: str, data: bytes) -> tuple[str, list[str]]:
    """(highest GLIBC_ version asked for, or 'none'; NEEDED libraries) via objdump."""
    objdump = shutil.which("objdump")
    if not objdump:
        fail(f"{name}: objdump not found (binutils), the glibc floor cannot be checked")
        return "?", []
    with tempfile.NamedTemporaryFile(suffix=Path(name).suffix) as f:
        f.write(data)
        f.flush()
        dyn = subprocess.run([objdump, "-T", f.name], capture_output=True, text=True, check=True).stdout
        headers = subprocess.run([objdump, "-p", f.name], capture_output=True, text=True, check=True).stdout
    versions = sorted({tuple(int(x) for x in v.split(".")) for v in re.findall(r"GLIBC_(\d+(?:\.\d+)+)", dyn)})
    needed = re.findall(r"^\s*NEEDED\s+(\S+)", headers, re.M)
    return (".".join(map(str, versions[-1])) if versions else "none"), needed


def check_binary(artifact: str, name: str, data: bytes, arch: str, libc: str | None) -> str:
    """Checks one native binary; returns its glibc floor ('2.17', 'none', '-' off Linux)."""
    fmt, got = binary_format(data)
    where = f"{artifact}:{name}"
    if got != arch:
        fail(f"{where}: a {fmt} binary for {got}, the artifact promises {arch}")
    if fmt != "ELF":
        return "-"
    floor, needed = elf_facts(where, data)
    if libc == "glibc":
        if floor == "none" or tuple(int(x) for x in floor.split(".")) > GLIBC_FLOOR:
            fail(f"{where}: needs GLIBC_{floor}, above the floor of 2.17")
    elif floor != "none":
        fail(f"{where}: a musl binary that asks for GLIBC_{floor}")
    extra = [n for n in needed if not ALLOWED_NEEDED.match(n)]
    if extra:
        fail(f"{where}: links libraries a bare system may lack: {', '.join(extra)}")
    return floor


# --- archives ------------------------------------------------------------------------------


def members_of(path: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if not info.is_dir():
                    files[info.filename] = z.read(info)
        return files
    with tarfile.open(path) as t:
        for m in t.getmembers():
            if m.isdir():
                continue
            if not m.isfile():
                fail(f"{path.name}: {m.name} is a link or device, not a file")
                continue
            extracted = t.extractfile(m)
            files[m.name] = extracted.read() if extracted else b""
    return files


def check_contents(artifact: str, files: dict[str, bytes], allowed: list[str]) -> None:
    patterns = [re.compile(p) for p in allowed]
    stray = sorted(n for n in files if not any(p.fullmatch(n) for p in patterns))
    for n in stray:
        kind = " (cache or build leftover)" if CACHE_LIKE.search(n) else ""
        fail(f"{artifact}: stray file {n}{kind}")


def check_licenses(artifact: str, files: dict[str, bytes], folder: str) -> None:
    # "MIT OR Apache-2.0" lets a user pick either, so both texts travel with every artifact.
    for name in ("LICENSE-MIT", "LICENSE-APACHE"):
        if not files.get(f"{folder}/{name}"):
            fail(f"{artifact}: {folder}/{name} missing")


def check_keys(artifact: str, files: dict[str, bytes], prints: dict[bytes, str]) -> None:
    for name, data in files.items():
        if PEM_PRIVATE.search(data):
            fail(f"{artifact}:{name} holds a PEM private key")
        for fp, origin in prints.items():
            if fp in data:
                fail(f"{artifact}:{name} holds the test key {origin}")


# --- the artifacts -------------------------------------------------------------------------

PY_FILES = r"smilepayz/(integrations/)?[a-z_][a-z0-9_]*\.pyi?|smilepayz/py\.typed"  # modules and stubs of the package
ARCH_OF_TAG = {"x86_64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64", "amd64": "x86_64", "universal2": "universal"}

summary: list[tuple[str, ...]] = []
times: dict[str, str] = {}


def build_time(name: str) -> str:
    return times.get(name, "-")


def check_wheel(path: Path, version: str, prints: dict[bytes, str]) -> str:
    m = re.fullmatch(rf"smilepayz-{re.escape(pep440(version))}-cp39-abi3-(.+)\.whl", path.name)
    if not m:
        fail(f"{path.name}: not smilepayz-{pep440(version)}-cp39-abi3-<platform>.whl")
        return "?"
    platform_tag = m.group(1)
    arch = next((a for t, a in ARCH_OF_TAG.items() if platform_tag.endswith(t)), "?")
    libc = "glibc" if "manylinux" in platform_tag else "musl" if "musllinux" in platform_tag else None
    files = members_of(path)
    info = f"smilepayz-{pep440(version)}\\.dist-info"
    native = r"smilepayz/_native\.(abi3\.so|pyd)"
    check_contents(
        path.name,
        files,
        [PY_FILES, native, rf"{info}/(METADATA|WHEEL|RECORD|entry_points\.txt)", rf"{info}/sboms/[a-z0-9_-]+\.cyclonedx\.json", rf"{info}/licenses/.+"],
    )
    check_licenses(path.name, files, f"smilepayz-{pep440(version)}.dist-info/licenses")
    check_keys(path.name, files, prints)
    natives = [n for n in files if re.fullmatch(native, n)]
    if len(natives) != 1:
        fail(f"{path.name}: {len(natives)} native modules, expected 1")
        return "?"
    floor = check_binary(path.name, natives[0], files[natives[0]], arch, libc)
    metadata = files.get(f"smilepayz-{pep440(version)}.dist-info/METADATA", b"").decode()
    if f"\nVersion: {pep440(version)}\n" not in metadata:
        fail(f"{path.name}: METADATA does not say Version: {pep440(version)}")
    if "Requires-Python: >=3.9" not in metadata:
        fail(f"{path.name}: METADATA does not say Requires-Python: >=3.9")
    if libc:
        want = ("manylinux_2_17_" if libc == "glibc" else "musllinux_1_2_") + arch
        shown = subprocess.run(["auditwheel", "show", str(path)], capture_output=True, text=True)
        said = " ".join(shown.stdout.split())
        if shown.returncode != 0 or f'consistent with the following platform tag: "{want}"' not in said:
            fail(f"{path.name}: auditwheel show does not say {want}: {said or shown.stderr.strip()}")
        else:
            print(f"ok   {path.name}: auditwheel show: {want}")
    arch_name = arch + (f"/{libc}" if libc else "")
    triple = {
        ("x86_64", "glibc"): "x86_64-unknown-linux-gnu",
        ("aarch64", "glibc"): "aarch64-unknown-linux-gnu",
        ("x86_64", "musl"): "x86_64-unknown-linux-musl",
        ("aarch64", "musl"): "aarch64-unknown-linux-musl",
    }.get((arch, libc or ""), "")
    summary.append((path.name, str(path.stat().st_size), str(len(files)), arch_name, floor, build_time(f"python wheel {triple}")))
    return platform_tag


def check_sdist(path: Path, version: str, prints: dict[bytes, str]) -> None:
    top = f"smilepayz-{pep440(version)}"
    if path.name != f"{top}.tar.gz":
        fail(f"{path.name}: not {top}.tar.gz")
    files = members_of(path)
    crates = r"(core|interop|batch|testkit|cli|bindings-python)"  # the crates the Python module is built from
    check_contents(
        path.name,
        files,
        [
            rf"{top}/(PKG-INFO|pyproject\.toml|Cargo\.toml|Cargo\.lock|README\.md|LICENSE[-A-Z]*)",
            rf"{top}/{crates}/(Cargo\.toml|README\.md|LICENSE-MIT|LICENSE-APACHE)",
            rf"{top}/{crates}/src/[a-z0-9_/]+\.rs",
            rf"{top}/bindings-python/README\.md",
            rf"{top}/python/({PY_FILES})",
        ],
    )
    check_keys(path.name, files, prints)
    check_licenses(path.name, files, top)
    pkg_info = files.get(f"{top}/PKG-INFO", b"").decode()
    if f"\nVersion: {pep440(version)}\n" not in pkg_info:
        fail(f"{path.name}: PKG-INFO does not say Version: {pep440(version)}")
    if f"{top}/Cargo.lock" not in files:
        fail(f"{path.name}: no Cargo.lock, a build from it would not be --locked")
    summary.append((path.name, str(path.stat().st_size), str(len(files)), "source", "-", build_time("python sdist")))


NPM_PLATFORMS = {
    "linux-x64-gnu": ("x86_64-unknown-linux-gnu", "linux", "x64", "glibc"),
    "linux-arm64-gnu": ("aarch64-unknown-linux-gnu", "linux", "arm64", "glibc"),
    "linux-x64-musl": ("x86_64-unknown-linux-musl", "linux", "x64", "musl"),
    "linux-arm64-musl": ("aarch64-unknown-linux-musl", "linux", "arm64", "musl"),
    "darwin-x64": ("x86_64-apple-darwin", "darwin", "x64", None),
    "darwin-arm64": ("aarch64-apple-darwin", "darwin", "arm64", None),
    "win32-x64-msvc": ("x86_64-pc-windows-msvc", "win32", "x64", None),
    "win32-arm64-msvc": ("aarch64-pc-windows-msvc", "win32", "arm64", None),
}
NODE_ARCH = {"x64": "x86_64", "arm64": "aarch64"}


def check_npm_main(path: Path, version: str, targets: list[str], prints: dict[bytes, str]) -> None:
    files = members_of(path)
    check_contents(
        path.name,
        files,
        [
            r"package/(package\.json|README\.md|CHANGELOG\.md|LICENSE[-A-Z]*)",
            r"package/[a-z][a-z0-9-]*\.(js|mjs|cjs|d\.ts|d\.mts)",  # entry points, typings, native.js
            r"package/native\.napi\.js",  # the loader napi-rs generated
            r"package/lib/[a-z][a-z0-9-]*\.(js|mjs|cjs|d\.ts)",
            r"package/bin/smilepayz\.js",  # the `smilepayz` command (package.json bin)
        ],
    )
    check_keys(path.name, files, prints)
    check_licenses(path.name, files, "package")
    for n in files:
        if n.endswith(".node"):
            fail(f"{path.name}: the main package carries a binary ({n}); binaries go in platform packages")
    for need in ("package/native.js", "package/native.napi.js", "package/index.js", "package/index.d.ts"):
        if need not in files:
            fail(f"{path.name}: {need} missing")
    pkg = json.loads(files.get("package/package.json", b"{}"))
    if pkg.get("version") != version:
        fail(f"{path.name}: package.json version {pkg.get('version')}, sources say {version}")
    platform_of = {v[0]: k for k, v in NPM_PLATFORMS.items()}
    want = {f"smilepayz-{platform_of[t]}": version for t in targets}
    if pkg.get("optionalDependencies") != want:
        fail(f"{path.name}: optionalDependencies {pkg.get('optionalDependencies')}, expected {want}")
    if "scripts" in pkg:
        fail(f"{path.name}: package.json keeps the repository's scripts")
    summary.append((path.name, str(path.stat().st_size), str(len(files)), "js + loader", "-", "-"))


def check_npm_platform(path: Path, version: str, prints: dict[bytes, str]) -> str | None:
    m = re.fullmatch(rf"smilepayz-([a-z0-9-]+)-{re.escape(version)}\.tgz", path.name)
    platform = m.group(1) if m else ""
    if platform not in NPM_PLATFORMS:
        fail(f"{path.name}: not a known platform package")
        return None
    triple, os_, cpu, libc = NPM_PLATFORMS[platform]
    node = f"smilepayz.{platform}.node"
    files = members_of(path)
    check_contents(path.name, files, [r"package/(package\.json|README\.md|LICENSE[-A-Z]*)", rf"package/{re.escape(node)}"])
    check_keys(path.name, files, prints)
    check_licenses(path.name, files, "package")
    pkg = json.loads(files.get("package/package.json", b"{}"))
    expected = {"name": f"smilepayz-{platform}", "version": version, "os": [os_], "cpu": [cpu], "main": node}
    for k, v in expected.items():
        if pkg.get(k) != v:
            fail(f"{path.name}: package.json {k} is {pkg.get(k)!r}, expected {v!r}")
    if libc and pkg.get("libc") != [libc]:
        fail(f"{path.name}: package.json libc is {pkg.get('libc')!r}, expected {[libc]!r}")
    floor = "?"
    if f"package/{node}" not in files:
        fail(f"{path.name}: {node} missing")
    else:
        floor = check_binary(path.name, node, files[f"package/{node}"], NODE_ARCH[cpu], libc)
    summary.append((path.name, str(path.stat().st_size), str(len(files)), f"{NODE_ARCH[cpu]}/{libc or os_}", floor, build_time(f"node addon {triple}")))
    return triple


def main() -> int:
    version = version_of_sources()
    prints = key_fingerprints()
    times_file = ROOT / "target" / "dist" / "times.tsv"
    if times_file.exists():
        for line in times_file.read_text().splitlines():
            name, _, secs = line.partition("\t")
            times[name] = secs
    print(f"version {version} (PEP 440: {pep440(version)}); looking for {len(prints)} test keys")

    checked = subprocess.run(["bash", str(ROOT / "scripts" / "bump-version.sh"), "--check"], capture_output=True, text=True)
    print(checked.stdout.strip())
    if checked.returncode != 0:
        fail(f"versions disagree in the sources: {checked.stderr.strip()}")

    workflow = (ROOT / ".github" / "workflows" / "release.yml")
    workflow_text = workflow.read_text(encoding="utf-8") if workflow.exists() else ""
    targets = json.loads((ROOT / "bindings-node" / "package.json").read_text(encoding="utf-8"))["napi"]["targets"]

    python = sorted((DIST / "python").glob("*")) if (DIST / "python").is_dir() else []
    npm = sorted((DIST / "npm").glob("*")) if (DIST / "npm").is_dir() else []
    if not python or not npm:
        fail("dist/python or dist/npm is empty: run scripts/dist.sh first")
    for other in sorted(DIST.glob("*")) if DIST.is_dir() else []:
        if other.name not in ("python", "npm"):
            fail(f"dist/{other.name}: stray (dist/ holds python/ and npm/ only)")

    wheel_tags = []
    for p in python:
        if p.suffix == ".whl":
            wheel_tags.append(check_wheel(p, version, prints))
        elif p.name.endswith(".tar.gz"):
            check_sdist(p, version, prints)
        else:
            fail(f"dist/python/{p.name}: stray")
    if not any(p.name.endswith(".tar.gz") for p in python):
        fail("dist/python: no sdist")

    built_here: set[str] = set()
    for p in npm:
        if p.name == f"smilepayz-{version}.tgz":
            check_npm_main(p, version, targets, prints)
        elif p.suffix == ".tgz":
            triple = check_npm_platform(p, version, prints)
            if triple:
                built_here.add(triple)
        else:
            fail(f"dist/npm/{p.name}: stray")
    if not (DIST / "npm" / f"smilepayz-{version}.tgz").exists():
        fail(f"dist/npm: no smilepayz-{version}.tgz")

    require_all = os.environ.get("DIST_REQUIRE_ALL") == "1"  # the release workflow's publish job
    for t in targets:
        if t in built_here:
            print(f"ok   napi target {t}: platform package in dist/npm")
        elif require_all:
            fail(f"napi target {t}: no platform package in dist/npm (DIST_REQUIRE_ALL=1)")
        elif re.search(rf"\b{re.escape(t)}\b", workflow_text):
            print(f"ok   napi target {t}: built by .github/workflows/release.yml")
        else:
            fail(f"napi target {t}: neither built here nor in .github/workflows/release.yml")
    for arch in ("x86_64", "aarch64"):
        if not any(tag.endswith(f"manylinux_2_17_{arch}") for tag in wheel_tags):
            fail(f"no manylinux_2_17_{arch} wheel in dist/python")
    for t, tag in (("x86_64-apple-darwin", "x86_64"), ("aarch64-apple-darwin", "arm64"), ("x86_64-pc-windows-msvc", "win_amd64")):
        if require_all and not any(w.endswith(tag) and ("win" in tag or "macosx" in w) for w in wheel_tags):
            fail(f"wheel for {t}: not in dist/python (DIST_REQUIRE_ALL=1)")
        elif not re.search(rf"\b{re.escape(t)}\b", workflow_text):
            fail(f"wheel target {t}: not in .github/workflows/release.yml")

    head = ("artifact", "bytes", "files", "binary", "glibc floor", "build s")
    widths = [max(len(r[i]) for r in [head, *summary]) for i in range(len(head))]
    print()
    for row in [head, *summary]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)))
    out = ROOT / "target" / "dist" / "summary.tsv"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join("\t".join(r) for r in [head, *summary]) + "\n")

    if failures:
        print(f"\n{len(failures)} gate(s) failed")
        return 1
    print(f"\nevery gate passed: {len(python)} Python and {len(npm)} npm artifacts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
