#!/usr/bin/env bash
# Supply-chain checks: cargo-deny (bans, licenses, sources, advisories; config in deny.toml)
# plus a guard that `rsa` stays a dev-dependency.
#
#   scripts/deny.sh                          bans, licenses, sources, rsa guard; advisories
#                                            only if a local RustSec database exists
#   CARGO_DENY_ADVISORIES=1 scripts/deny.sh  also advisories, fetching the database from
#                                            GitHub (fails if it cannot be fetched)
#   CARGO_DENY_ADVISORIES=0 scripts/deny.sh  never advisories
#
# The RustSec database is a git repository on GitHub; cargo-deny keeps its clone in
# $CARGO_HOME/advisory-dbs/advisory-db-<hash>/. A local clone is used offline and
# cargo-deny refuses it once it is more than 90 days old.
# Prints one summary line and exits non-zero if any check that ran failed.
set -euo pipefail
cd "$(dirname "$0")/.."

# deny.toml is written for this version; bump both together.
CARGO_DENY_VERSION=0.20.2
# Workspace crates whose normal + build dependency graph must not contain `rsa`
# (RUSTSEC-2023-0071, no fixed version). rsa is allowed as a dev-dependency test oracle.
RSA_FREE_CRATES=(smilepayz smilepayz-testkit)

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

# --- advisories ---------------------------------------------------------------------------
db_dir=""
for d in "${CARGO_HOME:-$HOME/.cargo}"/advisory-dbs/advisory-db-*/; do
  if [ -d "$d/.git" ]; then db_dir=${d%/}; break; fi
done
case "${CARGO_DENY_ADVISORIES:-auto}" in
  1)
    echo "==> cargo deny check advisories (fetching the RustSec database)"
    if cargo deny --locked check advisories; then
      results+=("advisories ok")
    else
      results+=("advisories FAILED"); failed=1
    fi
    ;;
  0)
    results+=("advisories skipped (CARGO_DENY_ADVISORIES=0)")
    ;;
  *)
    if [ -n "$db_dir" ]; then
      db_date=$(git -C "$db_dir" show -s --format=%cs HEAD 2>/dev/null || echo "unknown date")
      echo "==> cargo deny check advisories (offline, local database of $db_date: $db_dir)"
      if cargo deny --locked --offline check advisories; then
        results+=("advisories ok (local database of $db_date)")
      else
        echo "hint: if the database is stale, refresh it: CARGO_DENY_ADVISORIES=1 scripts/deny.sh" >&2
        results+=("advisories FAILED"); failed=1
      fi
    else
      echo "==> cargo deny check advisories: skipped, no local RustSec database" \
        "(CARGO_DENY_ADVISORIES=1 fetches it from GitHub)"
      results+=("advisories skipped (database unreachable offline)")
    fi
    ;;
esac

summary=$(printf '%s, ' "${results[@]}")
echo "cargo-deny: ${summary%, }"
exit "$failed"
