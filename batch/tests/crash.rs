//! Crash safety: a runner in a separate process is killed (SIGKILL, or an abort right
//! after an intent became durable / right after an answer, before its outcome was
//! journaled) at seeded random moments while the mock gateway — hosted here, in the
//! process that survives — spoils requests with every fault kind it has. After each kill
//! the runner is started again and resumes. At the end every orderNo reached the gateway
//! exactly once (the mock counts handled pay-out requests), no row is lost, and every
//! row is final in the report.
//!
//! This binary is both sides: run by cargo it is the host; started by the host with
//! `SMILEPAYZ_BATCH_CRASH_CHILD=1` it is the runner.
//!
//! Knobs: `SMILEPAYZ_BATCH_CRASH_ROWS` (default 2000), `SMILEPAYZ_BATCH_CRASH_KILLS`
//! (default 24), `SMILEPAYZ_BATCH_CRASH_SEED` (default 13).

// Helpers here are the test itself: a failed expectation must fail it.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use smilepayz::{Client, Status};
use smilepayz_batch::{AbortAt, AddOptions, Batch, RunOptions, SqliteJournal, State};
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
const GRACE: Duration = Duration::from_millis(300);

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
    let abort_at = match var("CRASH_ABORT").split_once(':') {
        Some(("intent", n)) => Some(AbortAt::AfterIntent(n.parse().unwrap())),
        Some(("answer", n)) => Some(AbortAt::AfterAnswer(n.parse().unwrap())),
        _ => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let client = Client::builder()
            .merchant_id(var("CRASH_MERCHANT_ID"))
            .merchant_secret(var("CRASH_MERCHANT_SECRET"))
            .private_key(var("CRASH_MERCHANT_KEY"))
            .base_url(var("CRASH_BASE_URL"))
            .order_not_found_codes([codes::ORDER_NOT_FOUND])
            .timeout(CLIENT_TIMEOUT)
            .build()
            .unwrap();
        let journal = SqliteJournal::open(var("CRASH_JOURNAL")).unwrap();
        let batch = Batch::open(journal, BATCH_ID).await.unwrap();
        batch.add_file(var("CRASH_FILE"), AddOptions::default()).await.unwrap();
        let options = RunOptions {
            concurrency: 8,
            rate_per_second: Some(200),
            not_found_grace: GRACE,
            max_wait: Duration::from_secs(60),
            settle_within: (var("CRASH_SETTLE") == "1").then_some(Duration::from_secs(30)),
            abort_at,
            ..RunOptions::default()
        };
        let summary = batch.run(&client, options).await.unwrap();
        println!("finished={} sent={} counts={:?}", summary.is_finished(), summary.sent, summary.counts);
    });
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

struct Host {
    gateway: MockGateway,
    journal: std::path::PathBuf,
    file: std::path::PathBuf,
}

impl Host {
    /// Starts the runner; `kill_after` sends it SIGKILL after that long if still alive.
    async fn run_child(&self, abort: &str, settle: bool, kill_after: Option<Duration>) -> std::process::ExitStatus {
        let exe = std::env::current_exe().unwrap();
        let mut child = tokio::process::Command::new(exe)
            .env(CHILD, "1")
            .env("CRASH_ABORT", abort)
            .env("CRASH_SETTLE", if settle { "1" } else { "0" })
            .env("CRASH_MERCHANT_ID", self.gateway.merchant_id())
            .env("CRASH_MERCHANT_SECRET", self.gateway.merchant_secret())
            .env("CRASH_MERCHANT_KEY", self.gateway.merchant_private_key_pem())
            .env("CRASH_BASE_URL", self.gateway.base_url())
            .env("CRASH_JOURNAL", &self.journal)
            .env("CRASH_FILE", &self.file)
            .stdout(Stdio::null())
            .stderr(if abort.is_empty() && kill_after.is_none() { Stdio::inherit() } else { Stdio::null() })
            .kill_on_drop(true)
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
    let rows = env_u64("SMILEPAYZ_BATCH_CRASH_ROWS", 2000);
    let kills = env_u64("SMILEPAYZ_BATCH_CRASH_KILLS", 24);
    let seed = env_u64("SMILEPAYZ_BATCH_CRASH_SEED", 13);
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let host = Host {
            gateway: MockGateway::start().await.unwrap(),
            journal: dir.path().join("journal.db"),
            file: dir.path().join("rows.jsonl"),
        };
        std::fs::write(&host.file, common::json_lines(rows)).unwrap();
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
            match status.signal() {
                Some(6 | 9) => *killed.entry(kind).or_default() += 1,
                _ => assert!(status.success(), "run {i} ({kind}) failed: {status}"),
            }
        }
        let total_kills: u64 = killed.values().sum();
        assert!(total_kills >= kills.min(20), "only {total_kills} runs were killed: {killed:?}");

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

        let journal = SqliteJournal::open(&host.journal).unwrap();
        let batch = Batch::open(journal, BATCH_ID).await.unwrap();
        let report = batch.report().await.unwrap();
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
        drop(batch);
        check_integrity(&host.journal);
        println!(
            "crash safety: {rows} rows, seed {seed}, {total_kills} kills {killed:?}, {injected} faults injected; \
             {} pay-out requests received ({} handled = one per row, {unhandled} never taken in); \
             {intents} intents journaled, {resent} resends after not-found; final: {:?}; {:.1} s",
            payouts.len(),
            payouts.len() - unhandled,
            report.by_status.iter().map(|(s, t)| (s.as_str(), t.rows)).collect::<BTreeMap<_, _>>(),
            started.elapsed().as_secs_f64()
        );
    });
}

fn check_integrity(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let verdict: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(verdict, "ok");
}
