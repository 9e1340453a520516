#!/usr/bin/env bash
# Supply-chain checks: cargo-deny (bans, licenses, sources, advisories; config in deny.toml)
# plus a guard that `rsa` stays a dev-dependency.
#
#   scripts/deny.sh
#   SMILEPAYZ_ADVISORY_DB=/path/to/advisory-db.tar.gz scripts/deny.sh
#
# Advisories are always checked, never skipped. The RustSec database is a git repository
# on GitHub, which this machine cannot reach, so the check runs offline against a snapshot
# of it (a one-commit git repository packed as .tar.gz, refreshed by the workplace):
# $SMILEPAYZ_ADVISORY_DB if set, else <repo>/../shared/rustsec/advisory-db.tar.gz, else
# /work/shared/rustsec/advisory-db.tar.gz. No snapshot is a failure. Each run unpacks it
# into a fresh temporary directory (removed on exit) and checks both lockfiles, Cargo.lock
# and fuzz/Cargo.lock (the fuzz targets are a workspace of their own). Any advisory that
# deny.toml does not ignore with a written reason fails the run.
# Prints one summary line (with the snapshot's date and the advisory count) and exits
# non-zero if any check failed.
set -euo pipefail
cd "$(dirname "$0")/.."

# deny.toml is written for this version; bump both together.
CARGO_DENY_VERSION=0.20.2
# Workspace crates whose normal + build dependency graph must not contain `rsa`
# (RUSTSEC-2023-0071, no fixed version). rsa is allowed as a dev-dependency test oracle.
RSA_FREE_CRATES=(smilepayz smilepayz-testkit smilepayz-cli smilepayz-interop)
# cargo-deny opens the default database at <db-path>/advisory-db-<xxhash64 of its URL>;
# this is the name cargo-deny 0.20.2 derives for https://github.com/rustsec/advisory-db.
# (Any other name is not found: the check then fails, it does not skip.)
ADVISORY_DB_DIRNAME=advisory-db-3157b0e258782691

if ! cargo deny --version >/dev/null 2>&1; then
  echo "==> installing cargo-deny $CARGO_DENY_VERSION (takes several minutes from scratch)"
  cargo install cargo-deny --locked --version "$CARGO_DENY_VERSION"
fi
installed=$(cargo deny --version | awk '{print $2}')
if [ "$installed" != "$CARGO_DENY_VERSION" ]; then
  echo "note: cargo-deny $installed is installed; deny.toml is written for $CARGO_DENY_VERSION" >&2
fi

failed=0
results=()

# --- rsa must stay out of the shipped graph ---------------------------------------------
rsa_guard() {
  local pkg tree
  for pkg in "${RSA_FREE_CRATES[@]}"; do
    if ! tree=$(cargo tree --locked --quiet -p "$pkg" -e normal,build --target all \
      --prefix none --format '{p}'); then
      echo "error: cargo tree failed for $pkg" >&2
      return 1
    fi
    if grep -Eq '^rsa v' <<<"$tree"; then
      echo "error: rsa is in the normal/build dependency graph of $pkg; it may only be" \
        "a dev-dependency (RUSTSEC-2023-0071 is ignored in deny.toml on that condition):" >&2
      cargo tree --locked -p "$pkg" -e normal,build --target all -i rsa >&2 || true
      return 1
    fi
  done
}
echo "==> rsa is dev-only (cargo tree -e normal,build for ${RSA_FREE_CRATES[*]})"
if rsa_guard; then
  results+=("rsa dev-only ok")
else
  results+=("rsa dev-only FAILED"); failed=1
fi

# --- bans -------------------------------------------------------------------------------
echo "==> cargo deny check bans"
if cargo deny --locked check bans; then
  results+=("bans ok")
else
  results+=("bans FAILED"); failed=1
fi

# --- licenses, sources --------------------------------------------------------------------
for check in licenses sources; do
  echo "==> cargo deny check $check"
  if cargo deny --locked check "$check"; then
    results+=("$check ok")
  else
    results+=("$check FAILED"); failed=1
  fi
done

# --- advisories (offline, against the RustSec snapshot) -----------------------------------
find_snapshot() {
  local candidate
  if [ -n "${SMILEPAYZ_ADVISORY_DB:-}" ]; then
    # Asked for explicitly: a wrong path is an error, not a reason to fall back.
    if [ -f "$SMILEPAYZ_ADVISORY_DB" ]; then
      echo "$SMILEPAYZ_ADVISORY_DB"; return 0
    fi
    echo "error: SMILEPAYZ_ADVISORY_DB=$SMILEPAYZ_ADVISORY_DB: no such file" >&2
    return 1
  fi
  # The absolute path is for CI, which runs a clean clone elsewhere on this machine.
  for candidate in "$PWD/../shared/rustsec/advisory-db.tar.gz" \
    /work/shared/rustsec/advisory-db.tar.gz; do
    if [ -f "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  echo "error: no RustSec snapshot: set SMILEPAYZ_ADVISORY_DB to advisory-db.tar.gz, or put" \
    "it at ../shared/rustsec/ or /work/shared/rustsec/" >&2
  return 1
}

# Unpacks the snapshot into $db_root/$ADVISORY_DB_DIRNAME and sets snap_desc. Called in an
# `if`, where set -e does not apply: every step checks for itself.
unpack_snapshot() {
  local snapshot=$1 db_dir=$db_root/$ADVISORY_DB_DIRNAME commit_iso commit_epoch upstream
  # --git-dir: never fall back to a repository around the temporary directory.
  local git=(git --git-dir="$db_dir/.git")
  mkdir "$db_dir" || return 1
  # --no-same-owner: a foreign owner would make git (and so cargo-deny) refuse the repo.
  tar -xzf "$snapshot" -C "$db_dir" --no-same-owner || return 1
  if [ ! -d "$db_dir/.git" ]; then
    # Packed with a top-level directory instead of ./: unpack it one level up.
    rm -rf "$db_dir" && mkdir "$db_dir" || return 1
    tar -xzf "$snapshot" -C "$db_dir" --no-same-owner --strip-components=1 || return 1
  fi
  if ! commit_iso=$("${git[@]}" show -s --format=%cI HEAD) ||
    ! commit_epoch=$("${git[@]}" show -s --format=%ct HEAD); then
    echo "error: $snapshot is not a git repository with a commit" >&2
    return 1
  fi
  # cargo-deny dates the database by the mtime of .git/FETCH_HEAD, else of .git/HEAD (if
  # newer than the commit); both carry the packing time. Date it by its commit instead, so
  # that maximum-db-staleness in deny.toml measures the age of the data.
  rm -f "$db_dir/.git/FETCH_HEAD" && touch -d "$commit_iso" "$db_dir/.git/HEAD" || return 1

  snap_date=${commit_iso%%T*}
  age_days=$((($(date +%s) - commit_epoch) / 86400))
  # The snapshot commit names the upstream commit it was taken from (else: its own).
  upstream=$("${git[@]}" show -s --format=%s HEAD |
    sed -nE 's/.*upstream ([0-9a-f]{7,40}).*/\1/p') || return 1
  if [ -z "$upstream" ]; then
    upstream=$("${git[@]}" rev-parse HEAD) || return 1
  fi
  snap_desc="RustSec snapshot $snap_date, upstream ${upstream:0:7}, $age_days days old"
}

# Prints one line per advisory finding from cargo-deny's JSON diagnostics (file $1) and,
# last, "failing:" and the IDs of the findings that fail the check: advisories not ignored
# (errors and warnings; a yanked crate as yanked:<crate>@<version>), advisories ignored
# without a written reason, and cargo-deny-error for errors such as a database that
# cannot be loaded.
summarize_advisories() {
  python3 - "$1" <<'PY'
import json, sys

failing = []
for line in open(sys.argv[1], encoding="utf-8"):
    try:
        obj = json.loads(line)
    except ValueError:
        print("   ", line.rstrip())  # not JSON: cargo's own error output
        continue
    fields = obj.get("fields", {})
    if obj.get("type") == "log":
        if fields.get("level") in ("ERROR", "WARN"):
            print(f"    {fields['level'].lower()}: {fields.get('message')}")
            if fields["level"] == "ERROR":
                failing.append("cargo-deny-error")
            if "is stale" in str(fields.get("message")):
                print("    (older than maximum-db-staleness in deny.toml: refresh the snapshot)")
        continue
    if obj.get("type") != "diagnostic":
        continue
    code, severity = fields.get("code"), fields.get("severity")
    adv = fields.get("advisory") or {}
    spans = {l.get("message"): l.get("span") for l in fields.get("labels", [])}
    krates = ", ".join(f"{g['Krate']['name']} {g['Krate']['version']}"
                       for g in fields.get("graphs", []) if "Krate" in g)
    if code == "advisory-ignored":
        advid = spans.get("advisory ignored here", "?")
        reason = (spans.get("ignore reason") or "").strip()
        if reason:
            print(f"    ignored {advid} ({krates}): {reason}")
        else:
            print(f"    {advid} ({krates}) is ignored WITHOUT a written reason in deny.toml")
            failing.append(advid)
    elif severity in ("error", "warning"):
        ident = adv.get("id") or f"{code}:{krates.replace(' ', '@')}"
        print(f"    {severity}[{code}] {ident} {krates}: {fields.get('message')}")
        if code not in ("advisory-not-detected", "yanked-not-detected"):
            failing.append(ident)  # unused ignores are reported above but fail nothing
print("failing:", *failing)
PY
}

# Checks one lockfile: $1 names it, $2 is its Cargo.toml, the rest are options of
# `cargo deny check`. Adds its count to adv_counts and adv_total. Called after `||`, where
# set -e does not apply.
check_lockfile() {
  local name=$1 manifest=(--manifest-path "$2") json findings ids n rc=0
  shift 2
  echo "==> cargo deny --frozen ${manifest[*]} check advisories${*:+ $*} ($name)"
  json=$db_root/$(tr / - <<<"$name").json
  # --frozen (--offline) also keeps cargo metadata offline: download the crates of every
  # target from crates.io first.
  if ! cargo fetch --locked --quiet "${manifest[@]}"; then
    # Most likely a manifest changed (e.g. a new dependency of core, which the fuzz targets
    # build too) and the lockfile was not updated with it.
    echo "error: $name is out of date or its crates cannot be downloaded. If it is out of" \
      "date, \`cargo fetch ${manifest[*]}\` adds what is missing without upgrading" \
      "anything else; commit the result." >&2
    adv_counts+=("$name not checked (cargo fetch --locked failed)")
    return 1
  fi
  cargo deny --frozen "${manifest[@]}" --format json --log-level info \
    check advisories "$@" 2>"$json" || rc=$?
  if ! findings=$(summarize_advisories "$json") ||
    [ "$(tail -n 1 <<<"$findings" | cut -d' ' -f1)" != failing: ]; then
    echo "error: could not read cargo-deny's output ($json)" >&2
    findings="failing: cargo-deny-error"
  fi
  sed '$d' <<<"$findings"
  ids=$(tail -n 1 <<<"$findings" | cut -s -d' ' -f2-)
  if [ "$rc" -ne 0 ] && [ -z "$ids" ]; then ids=cargo-deny-error; fi
  # The count is of advisory findings; cargo-deny errors fail the check but are no advisory.
  n=$(tr ' ' '\n' <<<"$ids" | grep -cv -e '^cargo-deny-error$' -e '^$' || true)
  adv_total=$((adv_total + n))
  if [ -n "$ids" ]; then
    # Again in the human format, for the dependency paths and the advisory texts.
    cargo deny --frozen "${manifest[@]}" check advisories "$@" || true
    if [ "$n" -eq 0 ]; then
      adv_counts+=("$name: cargo-deny error")
    else
      adv_counts+=("$name $n: $ids")
    fi
    return 1
  fi
  adv_counts+=("$name 0")
}

adv_counts=()
adv_total=0
adv_failed=0
snap_desc="no RustSec snapshot"
db_root=$(mktemp -d "${TMPDIR:-/tmp}/smilepayz-advisory-dbs.XXXXXX")
trap 'rm -rf "$db_root"' EXIT
# deny.toml's [advisories] db-path reads this.
export SMILEPAYZ_ADVISORY_DB_ROOT=$db_root
if snapshot=$(find_snapshot) && unpack_snapshot "$snapshot"; then
  echo "==> advisory database: $snapshot ($snap_desc)"
  check_lockfile Cargo.lock Cargo.toml || adv_failed=1
  # Its ignore list is deny.toml's, written for the root workspace: unused there is fine.
  check_lockfile fuzz/Cargo.lock fuzz/Cargo.toml --allow advisory-not-detected || adv_failed=1
else
  adv_failed=1
fi
if [ "${#adv_counts[@]}" -eq 0 ]; then
  adv_result="advisories FAILED ($snap_desc)"
else
  counts=$(printf '%s, ' "${adv_counts[@]}")
  adv_result="advisories: $adv_total (${counts%, }; $snap_desc)"
  if [ "$adv_failed" -ne 0 ]; then adv_result="advisories: $adv_total FAILED (${adv_result#*(}"; fi
fi
[ "$adv_failed" -eq 0 ] || failed=1
echo "$adv_result"
results+=("$adv_result")

summary=$(printf '%s, ' "${results[@]}")
echo "cargo-deny: ${summary%, }"
exit "$failed"
