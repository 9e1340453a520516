//! Crash safety: a runner in a separate process is killed (SIGKILL, or an abort right
//! after an intent became durable / right after an answer, before its outcome was
//! journaled) at seeded random moments while the mock gateway — hosted here, in the
//! process that survives — spoils requests with every fault kind it has. After each kill
//! the runner is started again and resumes. At the end every orderNo reached the gateway
//! exactly once (the mock counts handled pay-out requests), no row is lost, and every
//! row is final in the report. Run on the SQLite journal and on PostgreSQL (a throwaway
//! cluster, see `common/cluster.rs`), followed by four workers sharing one PostgreSQL
//! journal, one of them killed midway.
//!
//! This binary is both sides: run by cargo it is the host; started by the host with
//! `SMILEPAYZ_BATCH_CRASH_CHILD=1` it is the runner.
//!
//! Knobs: `SMILEPAYZ_BATCH_CRASH_ROWS` (default 2000), `SMILEPAYZ_BATCH_CRASH_KILLS`
//! (default 24), `SMILEPAYZ_BATCH_CRASH_SEED` (default 13).

// Helpers here are the test itself: a failed expectation must fail it.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

#[path = "common/cluster.rs"]
mod cluster;
mod common;

use smilepayz::{Client, Status};
use smilepayz_batch::{AbortAt, AddOptions, Batch, Journal, PostgresJournal, RunOptions, SqliteJournal, State};
use smilepayz_testkit::{Endpoint, Fault, MockGateway, codes};
use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

const CHILD: &str = "SMILEPAYZ_BATCH_CRASH_CHILD";
const BATCH_ID: &str = "crash-payroll";
/// The runner's client gives up on an answer after this long; the `Delay` fault waits
/// longer, so it ends as an unknown outcome.
const CLIENT_TIMEOUT: Duration = Duration::from_millis(800);
/// No shorter than the client's timeout (the runner refuses less).
const GRACE: Duration = CLIENT_TIMEOUT;
/// Claims last this long: a dead worker's rows are taken over after it. Longer than a
/// pay-out can take here (the client timeout), so no live worker's row is taken over.
const LEASE: Duration = Duration::from_millis(2000);

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    if std::env::var_os(CHILD).is_some() {
        child();
    } else {
        host();
    }
}

/// The runner: add the file (a re-add of the same rows changes nothing), then run.
fn child() {
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is set by the host"));
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let target = var("CRASH_JOURNAL");
        if var("CRASH_BACKEND") == "postgres" {
            let worker = format!("worker-{}", std::process::id());
            child_run(PostgresJournal::connect(&target, &worker).await.unwrap()).await;
        } else {
            child_run(SqliteJournal::open(target).unwrap()).await;
        }
    });
}

async fn child_run<J: Journal>(journal: J) {
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is set by the host"));
    let abort_at = match var("CRASH_ABORT").split_once(':') {
        Some(("intent", n)) => Some(AbortAt::AfterIntent(n.parse().unwrap())),
        Some(("answer", n)) => Some(AbortAt::AfterAnswer(n.parse().unwrap())),
        _ => None,
    };
    let client = Client::builder()
        .merchant_id(var("CRASH_MERCHANT_ID"))
        .merchant_secret(var("CRASH_MERCHANT_SECRET"))
        .private_key(var("CRASH_MERCHANT_KEY"))
        .base_url(var("CRASH_BASE_URL"))
        .order_not_found_codes([codes::ORDER_NOT_FOUND])
        .timeout(CLIENT_TIMEOUT)
        .build()
        .unwrap();
    let batch = Batch::open(journal, BATCH_ID).await.unwrap();
    if var("CRASH_ADD") == "1" {
        batch.add_file(var("CRASH_FILE"), AddOptions::default()).await.unwrap();
    }
    let options = RunOptions {
        concurrency: 8,
        rate_per_second: Some(var("CRASH_RATE").parse().unwrap()),
        not_found_grace: GRACE,
        max_wait: Duration::from_secs(60),
        settle_within: (var("CRASH_SETTLE") == "1").then_some(Duration::from_secs(30)),
        lease: Duration::from_millis(var("CRASH_LEASE_MS").parse().unwrap()),
        abort_at,
        ..RunOptions::default()
    };
    options.stop.stop_on_signals().unwrap();
    // Tells the host the handlers are in place (a SIGTERM before would kill the process).
    println!("ready");
    let summary = batch.run(&client, options).await.unwrap();
    // The peak resident memory of this process (Linux), for the memory figure.
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|t| {
            t.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.split_whitespace().nth(1).unwrap_or("").to_owned())
        })
        .unwrap_or_default();
    println!(
        "finished={} sent={} stopped={} peak_kb={peak} counts={:?}",
        summary.is_finished(),
        summary.sent,
        summary.stopped,
        summary.counts
    );
}

/// Every fault kind of the mock gateway.
fn faults() -> Vec<Fault> {
    vec![
        Fault::Delay(CLIENT_TIMEOUT + Duration::from_millis(400)),
        Fault::ServerErrorAfterAccept,
        Fault::DropAfterAccept,
        Fault::MalformedAfterAccept,
        Fault::RedirectBeforeAccept { status: 307 },
        Fault::RedirectAfterAccept { status: 308 },
        Fault::ResetDuringUpload,
        Fault::TruncatedAfterAccept,
        Fault::OversizedAfterAccept,
        Fault::CloseIdleKeepAlive,
    ]
}

/// Where the journal lives.
#[derive(Clone, Debug)]
enum Backend {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

impl Backend {
    fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    fn target(&self) -> std::ffi::OsString {
        match self {
            Backend::Sqlite(path) => path.clone().into_os_string(),
            Backend::Postgres(url) => url.into(),
        }
    }

    async fn report(&self) -> smilepayz_batch::Report {
        match self {
            Backend::Sqlite(path) => {
                let batch = Batch::open(SqliteJournal::open(path).unwrap(), BATCH_ID).await.unwrap();
                let report = batch.report().await.unwrap();
                drop(batch);
                check_integrity(path);
                report
            }
            Backend::Postgres(url) => {
                let batch = Batch::open(PostgresJournal::connect(url, "host").await.unwrap(), BATCH_ID).await.unwrap();
                batch.report().await.unwrap()
            }
        }
    }
}

struct Host {
    gateway: MockGateway,
    backend: Backend,
    file: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Host {
    /// A mock gateway and a JSON Lines file of `rows` rows.
    async fn new(backend: Backend, rows: u64) -> Host {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("rows.jsonl");
        std::fs::write(&file, common::json_lines(rows)).unwrap();
        Host { gateway: MockGateway::start().await.unwrap(), backend, file, _dir: dir }
    }

    /// Starts the runner; `kill_after` sends it SIGKILL after that long if still alive.
    fn command(&self, abort: &str, settle: bool) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(std::env::current_exe().unwrap());
        command
            .env(CHILD, "1")
            .env("CRASH_BACKEND", self.backend.name())
            .env("CRASH_JOURNAL", self.backend.target())
            .env("CRASH_ADD", "1")
            .env("CRASH_LEASE_MS", LEASE.as_millis().to_string())
            .env("CRASH_ABORT", abort)
            .env("CRASH_SETTLE", if settle { "1" } else { "0" })
            .env("CRASH_MERCHANT_ID", self.gateway.merchant_id())
            .env("CRASH_MERCHANT_SECRET", self.gateway.merchant_secret())
            .env("CRASH_MERCHANT_KEY", self.gateway.merchant_private_key_pem())
            .env("CRASH_BASE_URL", self.gateway.base_url())
            .env("CRASH_FILE", &self.file)
            .env("CRASH_RATE", "200")
            .kill_on_drop(true);
        command
    }

    async fn run_child(&self, abort: &str, settle: bool, kill_after: Option<Duration>) -> std::process::ExitStatus {
        let mut child = self
            .command(abort, settle)
            .stdout(Stdio::null())
            .stderr(if abort.is_empty() && kill_after.is_none() { Stdio::inherit() } else { Stdio::null() })
            .spawn()
            .expect("runner starts");
        if let Some(after) = kill_after
            && tokio::time::timeout(after, child.wait()).await.is_err()
        {
            child.start_kill().expect("SIGKILL");
        }
        tokio::time::timeout(Duration::from_secs(120), child.wait()).await.expect("runner ends").expect("status")
    }
}

fn host() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        if let Some(rows) = std::env::var("SMILEPAYZ_BATCH_MEMORY_ROWS").ok().and_then(|v| v.parse().ok()) {
            memory(dir.path().join("memory.db"), rows).await;
            return;
        }
        crash(Backend::Sqlite(dir.path().join("journal.db"))).await;
        sigterm(dir.path().join("sigterm.db")).await;
        if let Some(cluster) = cluster::Cluster::start() {
            crash(Backend::Postgres(cluster.database("crash").await)).await;
            many_workers(cluster.database("workers").await).await;
        }
    });
}

async fn crash(backend: Backend) {
    let rows = env_u64("SMILEPAYZ_BATCH_CRASH_ROWS", 2000);
    let kills = env_u64("SMILEPAYZ_BATCH_CRASH_KILLS", 24);
    let seed = env_u64("SMILEPAYZ_BATCH_CRASH_SEED", 13);
    let started = Instant::now();
    {
        let host = Host::new(backend, rows).await;
        let mut rng = fastrand::Rng::with_seed(seed);
        let kinds = faults();
        let mut killed: BTreeMap<&str, u64> = BTreeMap::new();
        let mut injected = 0u64;
        for i in 0..kills {
            for _ in 0..3 {
                host.gateway.inject(Endpoint::Payout, kinds[rng.usize(..kinds.len())].clone());
                injected += 1;
            }
            host.gateway.inject(Endpoint::Status, kinds[rng.usize(..kinds.len())].clone());
            injected += 1;
            // The first two kills hit the two named moments; then any of the three.
            let (kind, abort, after) = match if i < 2 { i } else { rng.u64(0..3) } {
                0 => ("after intent", format!("intent:{}", rng.u64(1..25)), None),
                1 => ("after answer", format!("answer:{}", rng.u64(1..25)), None),
                _ => ("SIGKILL", String::new(), Some(Duration::from_millis(rng.u64(50..700)))),
            };
            let status = host.run_child(&abort, false, after).await;
            // A named moment ends the runner by abort() (SIGABRT) exactly there; only the
            // timer sends SIGKILL.
            match (kind, status.signal()) {
                ("SIGKILL", Some(9)) | ("after intent" | "after answer", Some(6)) => {
                    *killed.entry(kind).or_default() += 1;
                }
                _ => assert!(status.success(), "run {i} ({kind}) failed: {status}"),
            }
        }
        let total_kills: u64 = killed.values().sum();
        assert!(total_kills >= kills.min(20), "only {total_kills} runs were killed: {killed:?}");
        for moment in ["after intent", "after answer"] {
            assert!(killed.get(moment).is_some_and(|n| *n >= 1), "no kill {moment}: {killed:?}");
        }

        // Resume to the end, then let the gateway settle and poll the statuses home.
        let status = host.run_child("", false, None).await;
        assert!(status.success(), "final run: {status}");
        let orders = host.gateway.orders();
        for (n, order) in orders.iter().enumerate() {
            let status = if n % 10 == 0 { Status::Failed } else { Status::Success };
            host.gateway.settle(&order.order_no, status).await.unwrap();
        }
        let status = host.run_child("", true, None).await;
        assert!(status.success(), "settling run: {status}");

        let report = host.backend.report().await;
        assert_eq!(report.rows.len() as u64, rows, "no row lost");
        let numbers: Vec<u64> = report.rows.iter().map(|r| r.row_number).collect();
        assert_eq!(numbers, (1..=rows).collect::<Vec<_>>());
        assert_eq!(report.count(State::Final), rows, "every row final: {:?}", report.by_state.keys());
        let mut twice = Vec::new();
        for row in &report.rows {
            let n = host.gateway.payout_requests_for(&row.order_no);
            if n != 1 {
                twice.push((row.order_no.clone(), n));
            }
        }
        assert!(twice.is_empty(), "orders not taken in exactly once: {twice:?}");
        assert_eq!(orders.len() as u64, rows, "the gateway holds exactly the batch's orders");
        let received = host.gateway.received();
        let payouts: Vec<_> = received.iter().filter(|r| r.path.ends_with("/pay-out")).collect();
        let unhandled = payouts.iter().filter(|r| !r.handled).count();
        let resent: u64 = report.rows.iter().map(|r| r.send_attempts.saturating_sub(1)).sum();
        let intents: u64 = report.rows.iter().map(|r| r.send_attempts).sum();
        println!(
            "crash safety ({}): {rows} rows, seed {seed}, {total_kills} kills {killed:?}, {injected} faults injected; \
             {} pay-out requests received ({} handled = one per row, {unhandled} never taken in); \
             {intents} intents journaled, {resent} resends after not-found; final: {:?}; {:.1} s",
            host.backend.name(),
            payouts.len(),
            payouts.len() - unhandled,
            report.by_status.iter().map(|(s, t)| (s.as_str(), t.rows)).collect::<BTreeMap<_, _>>(),
            started.elapsed().as_secs_f64()
        );
    }
}

/// Four workers on one PostgreSQL journal, one killed (SIGKILL) midway: every row is
/// taken in by the gateway exactly once and none is lost.
async fn many_workers(url: String) {
    const ROWS: u64 = 800;
    let started = Instant::now();
    let host = Host::new(Backend::Postgres(url.clone()), ROWS).await;
    // Added once, before the workers start: an add belongs to one process.
    let journal = PostgresJournal::connect(&url, "host").await.unwrap();
    let batch = Batch::open(journal, BATCH_ID).await.unwrap();
    assert_eq!(batch.add_file(&host.file, AddOptions::default()).await.unwrap().added, ROWS);
    let mut workers = Vec::new();
    for _ in 0..4 {
        let child =
            host.command("", false).env("CRASH_ADD", "0").stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn();
        workers.push(child.expect("worker starts"));
    }
    // Midway: once a quarter of the rows reached the gateway (all workers are sending).
    let deadline = Instant::now() + Duration::from_secs(60);
    while (host.gateway.orders().len() as u64) < ROWS / 4 {
        assert!(Instant::now() < deadline, "the workers send nothing");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut victim = workers.remove(0);
    let victim_name = format!("worker-{}", victim.id().unwrap());
    victim.start_kill().expect("SIGKILL");
    assert_eq!(victim.wait().await.unwrap().signal(), Some(9), "the victim was killed");
    let at_kill = host.gateway.orders().len() as u64;
    assert!(at_kill < ROWS, "killed before the end: {at_kill} of {ROWS} rows sent");
    let (probe, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let held: i64 = probe
        .query_one("SELECT COUNT(*) FROM smilepayz_batch_row_states WHERE claimed_by = $1", &[&victim_name])
        .await
        .unwrap()
        .get(0);
    let mut sent = Vec::new();
    for worker in workers {
        let out = tokio::time::timeout(Duration::from_secs(120), worker.wait_with_output())
            .await
            .expect("worker ends")
            .expect("output");
        assert!(out.status.success(), "worker: {}", out.status);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let n: u64 = text.split("sent=").nth(1).and_then(|t| t.split(' ').next()).and_then(|t| t.parse().ok()).unwrap();
        sent.push(n);
    }
    let report = batch.report().await.unwrap();
    assert_eq!(report.rows.len() as u64, ROWS, "no row lost");
    assert_eq!(report.count(State::Accepted), ROWS, "every row accepted: {:?}", report.by_state.keys());
    let twice: Vec<_> = report
        .rows
        .iter()
        .filter(|r| host.gateway.payout_requests_for(&r.order_no) != 1)
        .map(|r| &r.order_no)
        .collect();
    assert!(twice.is_empty(), "orders not taken in exactly once: {twice:?}");
    assert_eq!(host.gateway.orders().len() as u64, ROWS);
    let by_victim = ROWS - sent.iter().sum::<u64>();
    assert!(sent.iter().all(|n| *n > 0), "every surviving worker sent rows: {sent:?}");
    println!(
        "many workers (postgres): {ROWS} rows, 4 workers, one killed when {at_kill} rows had reached the gateway, \
         holding claims on {held}; the survivors sent {sent:?}, the other {by_victim} reached the gateway from the \
         killed one (its claims taken over after the {} ms lease); each row taken in exactly once; {:.1} s",
        LEASE.as_millis(),
        started.elapsed().as_secs_f64()
    );
}

/// SIGTERM stops a runner cleanly: no new rows, what was in flight journaled, exit 0.
async fn sigterm(journal: std::path::PathBuf) {
    use tokio::io::AsyncBufReadExt;
    const ROWS: u64 = 300;
    let host = Host::new(Backend::Sqlite(journal), ROWS).await;
    let mut child = host.command("", false).env("CRASH_RATE", "100").stdout(Stdio::piped()).spawn().unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("ready"));
    // Midway: some rows have reached the gateway (at 100 a second, most have not).
    let deadline = Instant::now() + Duration::from_secs(60);
    while host.gateway.orders().len() < 20 {
        assert!(Instant::now() < deadline, "the runner sends nothing");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let pid = child.id().unwrap().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait()).await.unwrap().unwrap();
    assert!(status.success(), "a clean exit after SIGTERM: {status}");
    let summary = lines.next_line().await.unwrap().unwrap_or_default();
    assert!(summary.contains("stopped=true") && summary.contains("finished=false"), "{summary}");
    let report = host.backend.report().await;
    let (accepted, pending) = (report.count(State::Accepted), report.count(State::Pending));
    assert_eq!(accepted + pending, ROWS, "nothing left sending or unknown: {:?}", report.by_state.keys());
    assert!(accepted > 0 && pending > 0, "stopped midway: {accepted} accepted");
    assert_eq!(host.gateway.orders().len() as u64, accepted);
    println!("SIGTERM: the runner stopped after {accepted} of {ROWS} rows, all journaled, exit 0");
}

/// The runner's peak memory for a large batch (a figure, run on request:
/// `SMILEPAYZ_BATCH_MEMORY_ROWS=100000`); the mock gateway stays in this process.
async fn memory(journal: std::path::PathBuf, rows: u64) {
    let started = Instant::now();
    let host = Host::new(Backend::Sqlite(journal), rows).await;
    let out = host.command("", false).env("CRASH_RATE", "0").stdout(Stdio::piped()).output().await.unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{}: {}", out.status, String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("finished=true"), "{text}");
    let peak = text.split("peak_kb=").nth(1).and_then(|t| t.split(' ').next()).unwrap_or("?").to_owned();
    println!(
        "memory: {rows} rows added from a file and sent; runner peak RSS {peak} kB; {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

fn check_integrity(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let verdict: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(verdict, "ok");
}
