#!/usr/bin/env bash
# Fuzz smoke run: builds every cargo-fuzz target once, then runs each for SECONDS
# (default 10) on a scratch copy of its committed corpus, and prints one line per target:
#   fuzz <target>: <execs> execs in <secs> s, <corpus> corpus entries, <n> crashes
# Exits non-zero when any target crashed (the failing input is left under
# fuzz/artifacts/<target>/, which git ignores). The committed corpus is only read.
#
#   fuzz/run.sh [SECONDS]        e.g. fuzz/run.sh 60
#   FUZZ_TARGETS="key_load" fuzz/run.sh 30    # a subset
#   FUZZ_SANITIZER=address fuzz/run.sh        # with AddressSanitizer (3-6x fewer execs/s)
#
# The default is no sanitizer: the SDK forbids unsafe code, so ASan would only watch the
# dependencies' unsafe Rust (aws-lc's C is not instrumented either way) at 3-6x the cost.
# Panics, failed assertions and (debug-assertion) overflows are caught without it.
set -euo pipefail

secs="${1:-10}"
case "$secs" in '' | *[!0-9]*) echo "usage: fuzz/run.sh [SECONDS]" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."

# cargo-fuzz passes nightly flags (-Zsanitizer, sancov passes); the stable compiler takes
# them when told it is bootstrapping. No nightly toolchain is needed.
export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "==> installing cargo-fuzz (cargo install cargo-fuzz --locked, about 1.5 min)"
  cargo install cargo-fuzz --locked
fi

build_flags=(--fuzz-dir fuzz --sanitizer "${FUZZ_SANITIZER:-none}")
targets="${FUZZ_TARGETS:-$(cargo fuzz list --fuzz-dir fuzz)}"

echo "==> building fuzz targets (release, debug assertions, sanitizer ${FUZZ_SANITIZER:-none})"
start=$(date +%s)
cargo fuzz build "${build_flags[@]}"
echo "==> built in $(($(date +%s) - start)) s"

dict_for() {
  case "$1" in
    request_validate) echo fuzz/dict/request.dict ;;
    key_load) echo fuzz/dict/key.dict ;;
    *) echo fuzz/dict/response.dict ;;
  esac
}

work="$(mktemp -d "${TMPDIR:-/tmp}/smilepayz-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT
failed=0
for t in $targets; do
  mkdir -p "$work/$t"
  log="$work/$t.log"
  t0=$(date +%s.%N)
  # New inputs go to the first directory (scratch); fuzz/corpus/$t is only read.
  if cargo fuzz run "${build_flags[@]}" "$t" "$work/$t" "fuzz/corpus/$t" -- \
    -max_total_time="$secs" -print_final_stats=1 -dict="$(dict_for "$t")" >"$log" 2>&1; then
    crashes=0
  else
    crashes=1
  fi
  t1=$(date +%s.%N)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  corpus=$(grep -o 'corp: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*' || true)
  elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  echo "fuzz $t: ${execs:-0} execs in $elapsed s, ${corpus:-0} corpus entries, $crashes crashes"
  if [ "$crashes" -ne 0 ]; then
    failed=1
    grep -m 1 -A 6 -E "panicked at|ERROR: (AddressSanitizer|libFuzzer|LeakSanitizer)" "$log" | sed 's/^/    /' || true
    grep -m 1 -A 2 "Failing input:" "$log" | sed -n 's/^[[:space:]]*\(fuzz\/artifacts\/.*\)/    input: \1/p' || true
    [ -n "$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")" ] || tail -n 20 "$log" | sed 's/^/    /'
  fi
done
exit "$failed"
