//! Issue 13's benchmark, against the in-process mock gateway (numbers, not a test):
//!
//! 1. rows per second of a plain `Client` loop without a journal, then of the same rows
//!    through the batch runner on the SQLite journal, and on PostgreSQL when
//!    `SMILEPAYZ_BATCH_BENCH_PG_URL` names a database; each journal is timed right after
//!    a plain loop of its own, and its ratio is taken against that loop (the machine may
//!    be shared: neighbours drift less within a pair), `SMILEPAYZ_BATCH_BENCH_ROUNDS`
//!    times (default 5), then the median ratio of each journal;
//! 2. the runner's peak memory over `SMILEPAYZ_BATCH_BENCH_MEMORY_ROWS` rows (default
//!    100,000; `0` skips it): this program starts itself as the runner, which adds the
//!    rows from a JSON Lines file to an SQLite journal and sends them, and reports its
//!    own peak RSS (the gateway stays in this process, out of the figure); then the
//!    peak RSS of a process that reads that journal's `report()` (every row held) and
//!    of one that reads its `totals()` (a page at a time).
//!
//! `cargo run --release -p smilepayz-batch --example throughput -- [ROWS] [IN_FLIGHT]`
//! (defaults 10000 and 64; a debug build signs several times slower).

use serde_json::json;
use smilepayz::{Case, Client, PayoutRequest};
use smilepayz_batch::{AddOptions, Batch, Journal, PostgresJournal, RunOptions, SqliteJournal};
use smilepayz_testkit::MockGateway;
use std::io::Write;
use std::time::Instant;
use tokio::task::JoinSet;

/// Set in the runner this program starts for the memory figure.
const CHILD: &str = "SMILEPAYZ_BATCH_BENCH_CHILD";

type Failure = Box<dyn std::error::Error>;

fn row(prefix: &str, i: u64) -> serde_json::Value {
    json!({"region": "IDR", "order_no": format!("{prefix}{i:08}"), "purpose": "Payroll", "amount": "150000",
        "payment_method": "BRI", "cash_account": "78120011629261665"})
}

async fn plain(client: &Client, prefix: &str, rows: u64, in_flight: usize) -> Result<f64, Failure> {
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for i in 0..rows {
        if tasks.len() >= in_flight
            && let Some(done) = tasks.join_next().await
        {
            done??;
        }
        let client = client.clone();
        let request = PayoutRequest::from_json(row(prefix, i), Case::Snake)?;
        tasks.spawn(async move { client.payout(&request).await.map(drop) });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    Ok(rows as f64 / started.elapsed().as_secs_f64())
}

async fn journaled<J: Journal>(
    journal: J,
    client: &Client,
    prefix: &str,
    rows: u64,
    in_flight: usize,
) -> Result<(f64, Usage), Failure> {
    let batch = Batch::open(journal, prefix).await?;
    batch.add((0..rows).map(|i| row(prefix, i)), AddOptions::default()).await?;
    let (started, usage) = (Instant::now(), Usage::now());
    let options = RunOptions { concurrency: in_flight, ..RunOptions::default() };
    let summary = batch.run(client, options).await?;
    assert!(summary.is_finished() && summary.sent == rows, "{summary:?}");
    Ok((rows as f64 / started.elapsed().as_secs_f64(), Usage::now().since(&usage)))
}

/// A plain loop, then the journal `run` opens: both rates.
async fn pair<J: Journal>(
    name: &str,
    journal: impl AsyncFnOnce() -> Result<J, Failure>,
    client: &Client,
    prefix: &str,
    (rows, in_flight): (u64, usize),
) -> Result<f64, Failure> {
    let usage = Usage::now();
    let base = plain(client, &format!("{prefix}P"), rows, in_flight).await?;
    let plain_usage = Usage::now().since(&usage);
    // The run alone: adding the rows is not timed.
    let (rate, run_usage) = journaled(journal().await?, client, &format!("{prefix}J"), rows, in_flight).await?;
    let per_row = |seconds: f64| seconds * 1e6 / rows as f64;
    println!(
        "{name:<11} plain Client loop {base:6.0} rows/s, through the journal {rate:6.0} rows/s: {:.2}x; \
         CPU per row: this process {:.0} µs, {:.0} µs, of which the SQLite thread {:.0} µs; the database server {:.0} µs; \
         written per row beyond the plain loop {:.0} bytes",
        rate / base,
        per_row(plain_usage.cpu),
        per_row(run_usage.cpu),
        per_row(run_usage.journal_cpu),
        per_row(run_usage.server_cpu),
        (run_usage.written - plain_usage.written.min(run_usage.written)) as f64 / rows as f64,
    );
    Ok(rate / base)
}

/// What a stretch of the benchmark cost, from Linux's `/proc`: a shared machine slows
/// the wall clock, not these.
#[derive(Clone, Copy, Default)]
struct Usage {
    /// This process's CPU seconds (all threads, user and system).
    cpu: f64,
    /// Bytes this process handed to `write` (the SQLite WAL, mostly).
    written: u64,
    /// CPU seconds of the PostgreSQL server whose postmaster is
    /// `SMILEPAYZ_BATCH_BENCH_PG_PID` (its own, its live backends' and its ended ones').
    server_cpu: f64,
    /// CPU seconds of the SQLite journal's own thread ("smilepayz-journal", which Linux
    /// shortens to 15 bytes; all of SQLite's work and its
    /// writes and fsyncs happen there).
    journal_cpu: f64,
}

impl Usage {
    fn now() -> Usage {
        let written = std::fs::read_to_string("/proc/self/io")
            .ok()
            .and_then(|io| io.lines().find_map(|l| l.strip_prefix("wchar:")).and_then(|v| v.trim().parse().ok()))
            .unwrap_or(0);
        let server_cpu = std::env::var("SMILEPAYZ_BATCH_BENCH_PG_PID").map_or(0.0, |pid| server_seconds(pid.trim()));
        let journal_cpu = std::fs::read_dir("/proc/self/task")
            .into_iter()
            .flatten()
            .flatten()
            .filter(|task| {
                std::fs::read_to_string(task.path().join("comm")).is_ok_and(|c| c.trim() == "smilepayz-journ")
            })
            .map(|task| stat_seconds(&format!("self/task/{}", task.file_name().to_string_lossy()), 2))
            .sum();
        Usage { cpu: stat_seconds("self", 2), written, server_cpu, journal_cpu }
    }

    fn since(&self, earlier: &Usage) -> Usage {
        Usage {
            cpu: self.cpu - earlier.cpu,
            written: self.written.saturating_sub(earlier.written),
            server_cpu: self.server_cpu - earlier.server_cpu,
            journal_cpu: self.journal_cpu - earlier.journal_cpu,
        }
    }
}

/// The first `fields` of utime, stime, cutime, cstime of `/proc/<pid>/stat`, in seconds
/// (clock ticks of 1/100 s).
fn stat_seconds(pid: &str, fields: usize) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: f64 = after_name.split_whitespace().skip(11).take(fields).filter_map(|t| t.parse::<f64>().ok()).sum();
    ticks / 100.0
}

/// The postmaster `pid` with its children: ended backends count in its `cutime`.
fn server_seconds(pid: &str) -> f64 {
    let children = std::fs::read_dir("/proc").into_iter().flatten().flatten().filter_map(|entry| {
        let name = entry.file_name().into_string().ok()?;
        let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
        let parent = stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.to_owned();
        (parent == pid).then_some(name)
    });
    stat_seconds(pid, 4) + children.map(|child| stat_seconds(&child, 2)).sum::<f64>()
}

/// The CPUs process `pid` may run on (`0-1`), as Linux lists them.
fn cpus(pid: &str) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("Cpus_allowed_list:")).map_or("?", str::trim).to_owned()
}

/// The middle ratio (the lower of the two middles for an even count).
fn median(mut ratios: Vec<f64>) -> f64 {
    ratios.sort_by(f64::total_cmp);
    ratios.get(ratios.len().saturating_sub(1) / 2).copied().unwrap_or(f64::NAN)
}

/// The runner of the memory figures, in a process of its own so that its peak RSS is its
/// own: `run` adds every row from the file and sends them; `report` and `totals` read the
/// journal that run left, the report with every row, the totals without.
async fn child() -> Result<(), Failure> {
    let var = |name: &str| std::env::var(name).map_err(|_| format!("{name} is set by the parent"));
    let batch = Batch::open(SqliteJournal::open(var("BENCH_JOURNAL")?)?, "MEMORY").await?;
    let said = match var("BENCH_MODE")?.as_str() {
        "run" => {
            let client = Client::builder()
                .merchant_id(var("BENCH_MERCHANT_ID")?)
                .merchant_secret(var("BENCH_MERCHANT_SECRET")?)
                .private_key(var("BENCH_MERCHANT_KEY")?)
                .base_url(var("BENCH_BASE_URL")?)
                .build()?;
            batch.add_file(var("BENCH_FILE")?, AddOptions::default()).await?;
            let in_flight = var("BENCH_IN_FLIGHT")?.parse()?;
            let summary = batch.run(&client, RunOptions { concurrency: in_flight, ..RunOptions::default() }).await?;
            format!("sent {} rows, finished {}", summary.sent, summary.is_finished())
        }
        "report" => format!("report() of {} rows", batch.report().await?.rows.len()),
        "totals" => format!("totals() of {} rows", batch.totals().await?.rows),
        other => return Err(format!("unknown BENCH_MODE {other}").into()),
    };
    let status = std::fs::read_to_string("/proc/self/status")?;
    let peak = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).map_or("?", str::trim);
    println!("{said}, peak RSS {peak}");
    Ok(())
}

async fn memory(gateway: &MockGateway, rows: u64, in_flight: usize) -> Result<(), Failure> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("rows.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file)?);
    for i in 0..rows {
        writeln!(out, "{}", row("MEMORY", i))?;
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    for (mode, what) in [
        ("run", "added from a file and sent by a runner process"),
        ("report", "reported by a process of its own"),
        ("totals", "totalled by a process of its own"),
    ] {
        let started = Instant::now();
        let output = tokio::process::Command::new(std::env::current_exe()?)
            .env(CHILD, "1")
            .env("BENCH_MODE", mode)
            .env("BENCH_MERCHANT_ID", gateway.merchant_id())
            .env("BENCH_MERCHANT_SECRET", gateway.merchant_secret())
            .env("BENCH_MERCHANT_KEY", gateway.merchant_private_key_pem())
            .env("BENCH_BASE_URL", gateway.base_url())
            .env("BENCH_JOURNAL", dir.path().join("memory.db"))
            .env("BENCH_FILE", &file)
            .env("BENCH_IN_FLIGHT", in_flight.to_string())
            .output()
            .await?;
        let said = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            return Err(format!(
                "the {mode} process failed ({}): {said}{}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        println!("memory      {rows} rows {what}: {} ({:.0} s)", said.trim(), started.elapsed().as_secs_f64());
    }
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Failure> {
    if std::env::var_os(CHILD).is_some() {
        return child().await;
    }
    let mut args = std::env::args().skip(1);
    let rows: u64 = args.next().map_or(Ok(10_000), |a| a.parse())?;
    let in_flight: usize = args.next().map_or(Ok(64), |a| a.parse())?;
    let memory_rows: u64 = std::env::var("SMILEPAYZ_BATCH_BENCH_MEMORY_ROWS").map_or(Ok(100_000), |v| v.parse())?;
    let rounds: u32 = std::env::var("SMILEPAYZ_BATCH_BENCH_ROUNDS").map_or(Ok(5), |v| v.parse())?;
    let pg_url = std::env::var("SMILEPAYZ_BATCH_BENCH_PG_URL").ok();
    let gateway = MockGateway::start().await?;
    let client = gateway.client_builder().build()?;
    println!("{rows} rows, {in_flight} in flight, mock gateway in this process, {rounds} rounds");
    // Which CPUs each side may use: the same ones (a database sharing the signer's
    // CPUs), or apart (a database on a host of its own; `scripts/bench-batch.sh`).
    let server = std::env::var("SMILEPAYZ_BATCH_BENCH_PG_PID").ok().map(|pid| cpus(pid.trim()));
    println!("CPUs        this process {}; the database server {}", cpus("self"), server.as_deref().unwrap_or("-"));
    let dir = tempfile::tempdir()?;
    // A database may keep earlier runs: this run's own batch ids and orderNos.
    let run = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() % 1_000_000;
    let (mut sqlite, mut pg) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let path = dir.path().join(format!("bench-{round}.db"));
        let open = async || Ok(SqliteJournal::open(&path)?);
        sqlite.push(pair("SQLite", open, &client, &format!("SQLITE{round}"), (rows, in_flight)).await?);
        if let Some(url) = &pg_url {
            let connect = async || Ok(PostgresJournal::connect(url, "bench").await?);
            pg.push(pair("PostgreSQL", connect, &client, &format!("PG{run:06}{round}"), (rows, in_flight)).await?);
        }
    }
    println!("median      SQLite {:.2}x of the plain loop (goal 0.90x)", median(sqlite));
    if pg_url.is_some() {
        println!("median      PostgreSQL {:.2}x of the plain loop (goal 0.80x)", median(pg));
    } else {
        println!("PostgreSQL  skipped: set SMILEPAYZ_BATCH_BENCH_PG_URL");
    }
    if memory_rows > 0 {
        memory(&gateway, memory_rows, in_flight).await?;
    }
    Ok(())
}
