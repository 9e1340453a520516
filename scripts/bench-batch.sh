#!/usr/bin/env bash
# The batch benchmark of issue 13 (BENCHMARKS.md, "Batches"): the release build of
# `batch/examples/throughput.rs` against a throwaway PostgreSQL cluster on loopback, run
# twice:
#   1. shared: the runner (with the mock gateway) and the database on the same CPUs, as on
#      a laptop or a one-box deployment: the server's CPU per row is taken from signing;
#   2. apart: the database pinned to the last CPU and the runner to the others (taskset),
#      standing in for a database on a host of its own, which is what several workers
#      share (both loops of a pair then have the same CPUs for signing).
# Prints numbers; decides nothing. Arguments go to the example: [ROWS] [IN_FLIGHT].
# SMILEPAYZ_BATCH_BENCH_ROUNDS (default 5) and SMILEPAYZ_BATCH_BENCH_MEMORY_ROWS (default
# 100000, measured in the shared run only; 0 skips it) pass through.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    step "installing PostgreSQL (Debian packages)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  else
    echo "PostgreSQL is not installed (apt-get install postgresql)" >&2
    exit 1
  fi
fi

step "release build of the example"
cargo build --quiet --release --locked -p smilepayz-batch --example throughput
example=$PWD/target/release/examples/throughput

# initdb refuses root: the cluster belongs to `postgres` then.
dir=$(mktemp -d /tmp/smilepayz-bench-batch.XXXXXX)
as_owner() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$dir"
  as_owner() { runuser -u postgres -- "$@"; }
fi
port=$((20000 + RANDOM % 20000))
stop() {
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
step "throwaway PostgreSQL cluster on 127.0.0.1:$port ($bin)"
as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-instructions >/dev/null
as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
pid=$(head -1 "$dir/data/postmaster.pid")
url_of() { echo "postgresql://postgres@127.0.0.1:$port/$1"; }
database() { as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE $1"; }

step "shared: the runner and the database on CPUs $(taskset -cp $$ | sed 's/.*: //')"
database shared
SMILEPAYZ_BATCH_BENCH_PG_URL=$(url_of shared) SMILEPAYZ_BATCH_BENCH_PG_PID=$pid "$example" "$@"

cpus=$(nproc)
if [ "$cpus" -lt 2 ]; then
  echo "apart: skipped, one CPU"
  exit 0
fi
last=$((cpus - 1))
# Every server process, and through the postmaster every one it starts later.
for p in $pid $(pgrep -P "$pid"); do taskset -acp "$last" "$p" >/dev/null; done
step "apart: the database on CPU $last, the runner on CPUs 0-$((last - 1))"
database apart
SMILEPAYZ_BATCH_BENCH_PG_URL=$(url_of apart) SMILEPAYZ_BATCH_BENCH_PG_PID=$pid SMILEPAYZ_BATCH_BENCH_MEMORY_ROWS=0 \
  taskset -c "0-$((last - 1))" "$example" "$@"
