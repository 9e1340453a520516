//! Batches against the loopback mock gateway (in this process): rows sent once and
//! reported with exact totals, faults reconciled, the stop rule, settlement, and the
//! input checks that keep anything from being sent.

// Helpers outside #[test] functions fail the test that calls them, as a test would.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use common::{idr, json_lines, pen, usdt};
use serde_json::json;
use smilepayz::{Client, Decimal, Status};
use smilepayz_batch::{
    AddOptions, Batch, BatchError, Progress, RowProblem, RunOptions, SqliteJournal, State, derived_order_no,
};
use smilepayz_testkit::{Endpoint, Fault, MockGateway};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

struct Setup {
    gateway: MockGateway,
    client: Client,
    dir: tempfile::TempDir,
    journal: Arc<SqliteJournal>,
}

async fn setup() -> Setup {
    let gateway = MockGateway::start().await.expect("mock starts");
    // A short request timeout, so that the grace period may be short too.
    let client = gateway.client_builder().timeout(REQUEST_TIMEOUT).build().expect("client");
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = Arc::new(SqliteJournal::open(dir.path().join("journal.db")).expect("journal"));
    Setup { gateway, client, dir, journal }
}

impl Setup {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    async fn batch(&self, id: &str) -> Batch<SqliteJournal> {
        Batch::open_shared(self.journal.clone(), id).await.expect("batch")
    }

    /// The batch `id` with `rows` pending Indonesian rows added from a JSON Lines file
    /// (orderNos derived, amounts 10000 + row number).
    async fn pending(&self, id: &str, rows: u64) -> Batch<SqliteJournal> {
        let batch = self.batch(id).await;
        let file = self.path(&format!("{id}.jsonl"));
        std::fs::write(&file, json_lines(rows)).unwrap();
        assert_eq!(batch.add_file(&file, AddOptions::default()).await.unwrap().added, rows);
        batch
    }
}

const REQUEST_TIMEOUT: Duration = Duration::from_millis(500);

fn quick() -> RunOptions {
    RunOptions {
        concurrency: 4,
        not_found_grace: REQUEST_TIMEOUT,
        max_wait: Duration::from_secs(20),
        ..RunOptions::default()
    }
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_are_sent_once_each_and_reported_with_exact_totals_per_currency() {
    let s = setup().await;
    let batch = s.batch("payroll-2026-11").await;
    let rows = vec![
        idr(Some("IDRBATCH0001"), "150000"),
        idr(None, "250001"),
        pen("PENBATCH0001", "1050"),
        usdt("USDTBATCH0001", "100.5"),
        usdt("USDTBATCH0002", "0.25"),
    ];
    let added = batch.add(rows.clone(), AddOptions::default()).await.expect("valid rows");
    assert_eq!((added.added, added.unchanged), (5, 0));
    let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let sink = seen.clone();
    let options =
        RunOptions { on_progress: Some(Arc::new(move |p: &Progress| sink.lock().unwrap().push(p.clone()))), ..quick() };
    let summary = batch.run(&s.client, options).await.expect("runs");
    assert!(summary.is_finished(), "{summary:?}");
    assert_eq!((summary.sent, summary.counts["accepted"]), (5, 5));
    assert_eq!(seen.lock().unwrap().len(), 5, "one progress report per row that changed");
    assert_eq!(seen.lock().unwrap().last().map(|p| p.counts["accepted"]), Some(5));
    let last = seen.lock().unwrap().last().cloned().unwrap();
    assert!(last.rate_per_second() > 0.0 && last.eta() == Some(Duration::ZERO), "nothing pending: {last:?}");
    let halfway =
        Progress { counts: [("pending", 10)].into_iter().collect(), sent: 5, elapsed: Duration::from_secs(1) };
    assert_eq!((halfway.rate_per_second(), halfway.eta()), (5.0, Some(Duration::from_secs(2))));
    let start = Progress { sent: 0, ..halfway };
    assert_eq!(start.eta(), None);

    let derived = derived_order_no("payroll-2026-11", 2);
    for order_no in ["IDRBATCH0001", derived.as_str(), "PENBATCH0001", "USDTBATCH0001", "USDTBATCH0002"] {
        assert_eq!(s.gateway.payout_requests_for(order_no), 1, "{order_no}");
    }
    let report = batch.report().await.expect("report");
    assert_eq!(report.rows.len(), 5);
    assert_eq!(report.rows[1].order_no, derived);
    assert!(report.rows.iter().all(|r| r.state == "accepted" && r.trade_no.is_some() && r.send_attempts == 1));
    assert_eq!(report.rows[0].status.as_deref(), Some("PROCESSING"));
    let accepted = &report.by_state["accepted"];
    assert_eq!(accepted.amounts["IDR"], d("400001"));
    assert_eq!(accepted.amounts["PEN"], d("1050"));
    // 100.5 + 0.25, exactly: a float sum prints the same here, so check the scale too.
    assert_eq!(accepted.amounts["USDT"].to_string(), "100.75");

    // A second run finds nothing to send; re-adding the same rows changes nothing.
    let again = batch.add(rows, AddOptions::default()).await.expect("same rows");
    assert_eq!((again.added, again.unchanged), (0, 5));
    assert_eq!(batch.run(&s.client, quick()).await.expect("runs").sent, 0);
    assert_eq!(s.gateway.payout_requests_for("IDRBATCH0001"), 1);

    // Settlement: the gateway decides, polling records it.
    s.gateway.settle("IDRBATCH0001", Status::Success).await.expect("settled");
    s.gateway.settle("PENBATCH0001", Status::Failed).await.expect("settled");
    for order_no in [derived.as_str(), "USDTBATCH0001", "USDTBATCH0002"] {
        s.gateway.settle(order_no, Status::Success).await.expect("settled");
    }
    let settled = batch
        .run(&s.client, RunOptions { settle_within: Some(Duration::from_secs(10)), ..quick() })
        .await
        .expect("runs");
    assert_eq!(settled.counts["final"], 5, "{settled:?}");
    let report = batch.report().await.expect("report");
    assert!(report.is_complete());
    assert_eq!(report.by_status["FAILED"].amounts["PEN"], d("1050"));
    assert_eq!(report.by_status["SUCCESS"].rows, 4);
    // The totals alone sum what the report sums.
    let totals = batch.totals().await.expect("totals");
    assert_eq!((totals.batch_id.as_str(), totals.rows, totals.paused.as_deref()), ("payroll-2026-11", 5, None));
    assert_eq!((&totals.by_state, &totals.by_status), (&report.by_state, &report.by_status));
    assert!(totals.is_complete());
    assert_eq!((totals.count(State::Final), totals.count(State::Accepted)), (5, 0));
    assert_eq!(totals.by_status["SUCCESS"].amounts["USDT"].to_string(), "100.75");
    let json = serde_json::to_value(&report).expect("serialises");
    assert_eq!(json["by_state"]["final"]["amounts"]["USDT"], json!("100.75"));
    let mut csv = Vec::new();
    report.write_csv(&mut csv).expect("csv");
    let csv = String::from_utf8(csv).expect("utf-8");
    assert!(csv.starts_with("row_number,order_no,trade_no,state,status,gateway_code,message,currency,amount"));
    assert!(csv.contains(",final,FAILED,") && csv.contains(",USDT,100.5,1"), "{csv}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_outcomes_are_reconciled_and_only_proven_absent_rows_are_sent_again() {
    let s = setup().await;
    let batch = s.batch("faults").await;
    let rows: Vec<_> = (1..=6).map(|i| idr(Some(&format!("FAULTROW{i:04}")), "10000")).collect();
    batch.add(rows, AddOptions::default()).await.expect("valid");
    // Accepted but the answer is lost (x3), and not taken in at all (x2).
    for fault in [
        Fault::DropAfterAccept,
        Fault::ServerErrorAfterAccept,
        Fault::ResetDuringUpload,
        Fault::TruncatedAfterAccept,
        Fault::RedirectBeforeAccept { status: 307 },
    ] {
        s.gateway.inject(Endpoint::Payout, fault);
    }
    let summary = batch.run(&s.client, RunOptions { concurrency: 1, ..quick() }).await.expect("runs");
    assert!(summary.is_finished(), "{summary:?}");
    let report = batch.report().await.expect("report");
    for row in &report.rows {
        assert_eq!(row.state, "accepted", "{row:?}");
        assert_eq!(s.gateway.payout_requests_for(&row.order_no), 1, "{}", row.order_no);
    }
    // Rows 3 and 5 never reached the gateway: proven absent after the grace period and
    // sent again under the same orderNo; the others were sent once.
    let attempts: Vec<u64> = report.rows.iter().map(|r| r.send_attempts).collect();
    assert_eq!(attempts, [1, 1, 2, 1, 2, 1]);
    let unhandled = s.gateway.received().iter().filter(|r| r.path.ends_with("pay-out") && !r.handled).count();
    assert_eq!(unhandled, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grace_period_or_lease_shorter_than_the_request_timeout_is_refused_before_anything_is_sent() {
    let s = setup().await;
    let batch = s.batch("too-short").await;
    batch.add(vec![idr(Some("SHORTROW0001"), "10000")], AddOptions::default()).await.unwrap();
    let shorter = REQUEST_TIMEOUT - Duration::from_millis(1);
    for (options, named) in [
        (RunOptions { not_found_grace: shorter, ..quick() }, "not_found_grace (499 ms)"),
        (RunOptions { lease: shorter, ..quick() }, "lease (499 ms)"),
    ] {
        let e = batch.run(&s.client, options).await.expect_err("refused");
        let text = e.to_string();
        assert!(
            matches!(e, BatchError::Config(_)) && text.contains(named) && text.contains("request timeout (500 ms)"),
            "{text}"
        );
    }
    // A view with a longer timeout needs a longer grace period too.
    let slower = s.client.with_timeout(Duration::from_secs(2)).unwrap();
    assert!(matches!(batch.run(&slower, quick()).await, Err(BatchError::Config(_))));
    assert!(s.gateway.orders().is_empty(), "nothing sent");
    assert_eq!(batch.run(&s.client, quick()).await.unwrap().sent, 1, "equal to the timeout is enough");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_adds_to_one_batch_at_once_take_turns() {
    let s = setup().await;
    common::a_second_add_waits_for_the_first(s.batch("turns").await, s.batch("turns").await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_spaces_requests_out_and_the_concurrency_caps_pay_outs_in_flight() {
    let s = setup().await;
    // 21 pay-outs at 20 per second: 20 gaps of 50 ms at least.
    let paced = s.batch("paced").await;
    paced.add((1..=21).map(|i| idr(Some(&format!("PACED{i:04}")), "10000")), AddOptions::default()).await.unwrap();
    let started = std::time::Instant::now();
    let options = RunOptions { concurrency: 8, rate_per_second: Some(20), ..quick() };
    assert_eq!(paced.run(&s.client, options).await.unwrap().sent, 21);
    assert!(started.elapsed() >= Duration::from_millis(1000), "21 requests in {:?}", started.elapsed());

    // 9 pay-outs the gateway answers 200 ms late, 3 at a time: three rounds at least.
    let capped = s.batch("capped").await;
    capped.add((1..=9).map(|i| idr(Some(&format!("CAPPED{i:04}")), "10000")), AddOptions::default()).await.unwrap();
    for _ in 0..9 {
        s.gateway.inject(Endpoint::Payout, Fault::Delay(Duration::from_millis(200)));
    }
    let started = std::time::Instant::now();
    assert_eq!(capped.run(&s.client, RunOptions { concurrency: 3, ..quick() }).await.unwrap().sent, 9);
    assert!(started.elapsed() >= Duration::from_millis(600), "9 slow pay-outs in {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stop_rule_pauses_after_consecutive_rejections_with_the_same_code() {
    let s = setup().await;
    // The orders exist already: the gateway refuses each again as a duplicate.
    for i in 1..=3 {
        let request = smilepayz::PayoutRequest::from_json(
            common::idr(Some(&format!("DUPROW{i:04}")), "10000"),
            smilepayz::Case::Snake,
        )
        .expect("valid");
        s.client.payout(&request).await.expect("accepted");
    }
    let batch = s.batch("dups").await;
    let rows: Vec<_> = (1..=6).map(|i| idr(Some(&format!("DUPROW{i:04}")), "10000")).collect();
    batch.add(rows, AddOptions::default()).await.expect("valid");
    let options = RunOptions { concurrency: 1, stop_after_same_rejections: Some(2), ..quick() };
    let summary = batch.run(&s.client, options).await.expect("runs");
    let reason = summary.paused.clone().expect("paused");
    assert!(reason.contains("2 consecutive") && reason.contains(smilepayz_testkit::codes::DUPLICATE_ORDER), "{reason}");
    assert_eq!((summary.counts["rejected"], summary.counts["pending"]), (2, 4), "{summary:?}");
    let report = batch.report().await.expect("report");
    assert_eq!(report.paused.as_deref(), Some(reason.as_str()));
    let totals = batch.totals().await.expect("totals");
    assert_eq!(totals.paused.as_deref(), Some(reason.as_str()));
    assert_eq!((totals.count(State::Rejected), totals.count(State::Pending)), (2, 4));
    assert!(!totals.is_complete(), "pending rows remain");
    assert_eq!(report.rows[0].gateway_code.as_deref(), Some(smilepayz_testkit::codes::DUPLICATE_ORDER));
    // Running again clears the pause; the third duplicate trips it again, new rows go.
    let summary = batch.run(&s.client, RunOptions { concurrency: 1, stop_after_same_rejections: Some(2), ..quick() });
    let summary = summary.await.expect("runs");
    assert_eq!(summary.paused, None, "{summary:?}");
    assert_eq!((summary.counts["rejected"], summary.counts["accepted"]), (3, 3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_rows_keep_the_whole_input_out_unless_skipped() {
    let s = setup().await;
    let batch = s.batch("checks").await;
    let mut bad_amount = idr(Some("CHECKROW0002"), "10000");
    bad_amount["amount"] = json!(10.5);
    let rows = vec![
        idr(Some("CHECKROW0001"), "10000"),
        bad_amount,
        idr(Some("CHECKROW0001"), "20000"),
        json!({"region": "XYZ", "order_no": "CHECKROW0004"}),
    ];
    let Err(BatchError::InvalidRows(refused)) = batch.add(rows.clone(), AddOptions::default()).await else {
        panic!("refused")
    };
    let numbers: Vec<u64> = refused.iter().map(|r| r.row_number).collect();
    assert_eq!(numbers, [2, 3, 4]);
    assert!(refused[0].to_string().contains("row 2: amount:"), "{}", refused[0]);
    assert!(matches!(&refused[1].problem, RowProblem::DuplicateOrderNo { row_number: 1, .. }));
    assert!(refused[2].to_string().contains("region: must be one of"), "{}", refused[2]);
    assert!(batch.report().await.expect("report").rows.is_empty(), "nothing journaled");

    let summary = batch.add(rows, AddOptions { skip_invalid: true }).await.expect("skips");
    assert_eq!((summary.added, summary.skipped.len()), (1, 3));
    // The journaled row cannot be replaced by other content under its row number.
    let Err(BatchError::InvalidRows(changed)) =
        batch.add(vec![idr(Some("CHECKROW0001"), "99999")], AddOptions::default()).await
    else {
        panic!("refused")
    };
    assert!(matches!(&changed[0].problem, RowProblem::Changed { order_no } if order_no == "CHECKROW0001"));
    let other = s.batch("checks-2").await;
    let Err(BatchError::InvalidRows(dup)) =
        other.add(vec![idr(Some("CHECKROW0001"), "1")], AddOptions::default()).await
    else {
        panic!("refused")
    };
    assert!(dup[0].to_string().contains("already used by row 1 of batch \"checks\""), "{}", dup[0]);
    batch.run(&s.client, quick()).await.expect("runs");
    assert_eq!(s.gateway.orders().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_read_as_csv_or_json_lines_and_bad_files_send_nothing() {
    let s = setup().await;
    let batch = s.batch("files").await;
    let csv = s.path("rows.csv");
    std::fs::write(
        &csv,
        "region,order_no,purpose,amount,payment_method,cash_account,cash_account_type,cci,receiver.name,receiver.email,receiver.phone,receiver.id_type,receiver.id_number\n\
         PEN,CSVROW0001,Pago,1050,BCP,19312345678012,SAVINGS,00219300123456780123,José Pérez,jose@example.pe,987654321,NID,45678912\n\
         IDR,,Payroll,150000,BRI,78120011629261665,,,,,,,\n",
    )
    .unwrap();
    // The IDR row fills no PEN columns: empty cells are absent fields.
    let added = batch.add_file(&csv, AddOptions::default()).await.expect("valid csv");
    assert_eq!(added.added, 2);
    let jsonl = s.path("rows.jsonl");
    std::fs::write(&jsonl, json_lines(3)).unwrap();
    let other = s.batch("files-jsonl").await;
    assert_eq!(other.add_file(&jsonl, AddOptions::default()).await.expect("valid").added, 3);
    assert_eq!(other.report().await.unwrap().rows[2].order_no, derived_order_no("files-jsonl", 3));

    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("wrong-columns.csv", b"region,orderNo,amount\nIDR,A1,1\n".to_vec(), "is not a field of this request"),
        ("wrong-region.jsonl", br#"{"region": "EUR"}"#.to_vec(), "region: must be one of IDR"),
        ("float.jsonl", idr(Some("FLOATROW01"), "0").to_string().replace("\"0\"", "1.5e5").into_bytes(), "amount"),
        (
            "float.csv",
            b"region,order_no,purpose,amount,payment_method,cash_account\nIDR,FLOATROW02,P,150000.5,BRI,781200116292\n"
                .to_vec(),
            "must be a whole number",
        ),
        ("empty.csv", Vec::new(), "the file is empty"),
        ("empty.jsonl", Vec::new(), "no rows"),
        ("utf8.jsonl", b"{\"region\": \"IDR\", \"purpose\": \"\xff\"}\n".to_vec(), "row 1: is not valid UTF-8"),
        ("utf8.csv", b"region,purpose\nIDR,\xc3\x28\n".to_vec(), "row 1: column purpose is not valid UTF-8"),
        ("long.jsonl", format!("{{\"p\": \"{}\"}}\n", "x".repeat(70_000)).into_bytes(), "longer than 65536 bytes"),
        (
            "long.csv",
            format!("region,purpose\nIDR,{}\n", "x".repeat(70_000)).into_bytes(),
            "row 1: is longer than 65536",
        ),
        ("endless.csv", format!("region,purpose\nIDR,{}", "x".repeat(300_000)).into_bytes(), "row 1: a row is longer"),
        ("rows.txt", b"region\n".to_vec(), "must end in .csv, .jsonl or .ndjson"),
    ];
    let bad = s.batch("bad-files").await;
    for (name, bytes, says) in cases {
        let path = s.path(name);
        std::fs::write(&path, bytes).unwrap();
        let error = bad.add_file(&path, AddOptions::default()).await.expect_err(name).to_string();
        assert!(error.contains(says), "{name}: {error}");
    }
    assert!(bad.add_file(s.path("missing.csv"), AddOptions::default()).await.is_err());
    assert!(bad.report().await.unwrap().rows.is_empty());
    assert!(s.gateway.orders().is_empty(), "nothing sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journal_is_private_exclusive_secret_free_and_refuses_other_files() {
    use std::os::unix::fs::PermissionsExt;
    let s = setup().await;
    let path = s.path("journal.db");
    {
        let batch = s.batch("private").await;
        batch.add(vec![idr(Some("PRIVROW0001"), "10000")], AddOptions::default()).await.unwrap();
        batch.run(&s.client, quick()).await.unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let wal = std::fs::metadata(s.path("journal.db-wal")).unwrap().permissions().mode() & 0o777;
        assert_eq!(wal, 0o600);
        let in_use = SqliteJournal::open(&path).expect_err("held");
        assert!(matches!(in_use, BatchError::JournalInUse { .. }), "{in_use}");
    }
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend(std::fs::read(s.path("journal.db-wal")).unwrap_or_default());
    let haystack = String::from_utf8_lossy(&bytes);
    assert!(haystack.contains("PRIVROW0001"), "the journal holds the rows");
    assert!(!haystack.contains(s.gateway.merchant_secret()), "never the secret");
    assert!(!haystack.contains("PRIVATE KEY"), "never the key");

    let text = s.path("notes.db");
    std::fs::write(
        &text,
        "this is not a database, it is a note of more than a hundred bytes...........................",
    )
    .unwrap();
    std::fs::set_permissions(&text, std::fs::Permissions::from_mode(0o600)).unwrap();
    let e = SqliteJournal::open(&text).expect_err("not sqlite");
    assert!(matches!(e, BatchError::NotAJournal { .. }), "{e}");
    let other = s.path("other.db");
    {
        let _ = std::fs::OpenOptions::new().create(true).append(true).open(&other).unwrap();
        std::fs::set_permissions(&other, std::fs::Permissions::from_mode(0o600)).unwrap();
        let journal = SqliteJournal::open(&other).expect("empty file becomes a journal");
        drop(journal);
    }
    // Refused as found: not a byte changed (an SQLite file in WAL mode says so in its
    // header, bytes 18 and 19), and no WAL or journal file left beside it.
    let untouched = |path: &std::path::Path, before: &[u8]| {
        assert_eq!(std::fs::read(path).unwrap(), before, "{} changed", path.display());
        for suffix in ["-wal", "-shm", "-journal"] {
            let beside = format!("{}{suffix}", path.display());
            assert!(!std::path::Path::new(&beside).exists(), "{beside} left behind");
        }
    };
    let app = s.path("app.db");
    rusqlite::Connection::open(&app).unwrap().execute_batch("CREATE TABLE users (id INTEGER)").unwrap();
    std::fs::set_permissions(&app, std::fs::Permissions::from_mode(0o600)).unwrap();
    let before = std::fs::read(&app).unwrap();
    assert_eq!(&before[18..20], [1, 1], "a rollback-journal database");
    let e = SqliteJournal::open(&app).expect_err("another application's database");
    assert!(e.to_string().contains("tables users, without smilepayz_batch_journal"), "{e}");
    untouched(&app, &before);
    // A journal an older runner wrote (schema 1: one table of rows) is named, not read.
    let older = s.path("older.db");
    rusqlite::Connection::open(&older)
        .unwrap()
        .execute_batch("CREATE TABLE smilepayz_batch_journal (schema_version INTEGER); INSERT INTO smilepayz_batch_journal VALUES (1)")
        .unwrap();
    std::fs::set_permissions(&older, std::fs::Permissions::from_mode(0o600)).unwrap();
    let before = std::fs::read(&older).unwrap();
    let e = SqliteJournal::open(&older).expect_err("schema 1");
    untouched(&older, &before);
    assert!(
        matches!(e, BatchError::NotAJournal { .. })
            && e.to_string().contains("journal schema version Some(1), this runner reads 2"),
        "{e}"
    );
    let foreign = s.path("foreign.db");
    std::fs::write(&foreign, b"").unwrap();
    std::fs::set_permissions(&foreign, std::fs::Permissions::from_mode(0o644)).unwrap();
    let e = SqliteJournal::open(&foreign).expect_err("readable by others");
    assert!(e.to_string().contains("chmod 600"), "{e}");
    assert!(Batch::open(SqliteJournal::open(s.path("ids.db")).unwrap(), "has space").await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_and_totals_read_every_page_of_a_large_batch_and_the_csv_streams_the_same_rows() {
    // 2,000 rows: two full pages of the journal and the empty read that ends them;
    // amounts 10001..=12000, so the total is known here without the runner.
    let s = setup().await;
    let batch = s.pending("pages", 2000).await;
    let report = batch.report().await.unwrap();
    let numbers: Vec<u64> = report.rows.iter().map(|r| r.row_number).collect();
    assert_eq!(numbers, (1..=2000).collect::<Vec<_>>(), "every row once, in order");
    let expected_total: u64 = (10_001..=12_000).sum();
    assert_eq!(report.by_state["pending"].amounts["IDR"], d(&expected_total.to_string()));
    let totals = batch.totals().await.unwrap();
    assert_eq!(totals.rows, 2000, "every page counted once");
    let empty = s.batch("no-rows").await.totals().await.unwrap();
    assert_eq!((empty.rows, empty.by_state.len()), (0, 0));
    assert!(empty.is_complete(), "nothing left to do");
    assert_eq!((&totals.by_state, &totals.by_status), (&report.by_state, &report.by_status));
    assert!(totals.by_status.is_empty() && !totals.is_complete());

    let mut in_memory = Vec::new();
    report.write_csv(&mut in_memory).unwrap();
    let mut streamed = Vec::new();
    assert_eq!(batch.write_report_csv(&mut streamed).await.unwrap(), 2000);
    assert_eq!(String::from_utf8(streamed).unwrap(), String::from_utf8(in_memory).unwrap());

    s.gateway.set_balance("ACC-IDR", "IDR", d("99000000"), d("1"));
    let short = batch.preflight(&s.client, "ACC-IDR").await.expect_err("1 rupiah available");
    assert!(
        matches!(&short, BatchError::InsufficientBalance { needed, .. } if *needed == d(&expected_total.to_string())),
        "{short}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_amount_changed_by_other_hands_in_the_journal_is_an_error_naming_the_row_never_a_zero() {
    let s = setup().await;
    let path = s.path("tampered.db");
    {
        let batch = Batch::open(SqliteJournal::open(&path).unwrap(), "tampered").await.unwrap();
        batch.add(vec![idr(None, "150000"), idr(None, "250000")], AddOptions::default()).await.unwrap();
    }
    let changed = rusqlite::Connection::open(&path)
        .unwrap()
        .execute("UPDATE smilepayz_batch_rows SET amount = '25O000' WHERE row_number = 2", [])
        .unwrap();
    assert_eq!(changed, 1);
    let batch = Batch::open(SqliteJournal::open(&path).unwrap(), "tampered").await.unwrap();
    let names_the_row = |e: BatchError| {
        let text = e.to_string();
        assert!(matches!(e, BatchError::Journal(_)) && text.contains(r#"row 2: amount "25O000""#), "{text}");
    };
    names_the_row(batch.report().await.expect_err("no zero in the report"));
    names_the_row(batch.totals().await.expect_err("no zero in the totals"));
    names_the_row(batch.save_report_csv(s.path("tampered.csv")).await.expect_err("no zero in the file"));
    names_the_row(batch.preflight(&s.client, "ACC-IDR").await.expect_err("no zero in the pre-flight"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_report_streams_every_page_to_an_owner_only_file_and_a_bad_path_is_an_output_error() {
    use std::os::unix::fs::PermissionsExt;
    // 2,500 rows: two full journal pages of 1,000 and a partial third.
    let s = setup().await;
    let batch = s.pending("saved", 2500).await;
    let mut in_memory = Vec::new();
    batch.report().await.unwrap().write_csv(&mut in_memory).unwrap();
    let in_memory = String::from_utf8(in_memory).unwrap();
    assert_eq!(in_memory.lines().count(), 2501, "a header and every row");
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;

    // A new file: created 0600.
    let fresh = s.path("fresh.csv");
    assert_eq!(batch.save_report_csv(&fresh).await.unwrap(), 2500);
    assert_eq!(std::fs::read_to_string(&fresh).unwrap(), in_memory);
    assert_eq!(mode(&fresh), 0o600);

    // An existing file readable by others, longer than the report: narrowed and truncated.
    let existing = s.path("existing.csv");
    std::fs::write(&existing, "x".repeat(in_memory.len() * 2)).unwrap();
    std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(batch.save_report_csv(&existing).await.unwrap(), 2500);
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), in_memory);
    assert_eq!(mode(&existing), 0o600);

    // A path that cannot be created, and one that is a directory: the file's own error.
    let missing = s.path("no-such-dir").join("report.csv");
    let e = batch.save_report_csv(&missing).await.expect_err("no such directory");
    assert!(matches!(&e, BatchError::Output { path, .. } if *path == missing), "{e:?}");
    assert_eq!((e.kind(), e.code()), ("batch_output", "SMILEPAYZ_BATCH_OUTPUT"));
    assert!(e.to_string().starts_with(&format!("{}: cannot write the report: ", missing.display())), "{e}");
    assert!(!missing.exists());
    let e = batch.save_report_csv(s.dir.path()).await.expect_err("a directory");
    assert!(matches!(&e, BatchError::Output { path, .. } if path == s.dir.path()), "{e:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preflight_compares_the_exact_total_still_to_send_with_the_available_balance() {
    let s = setup().await;
    let batch = s.batch("preflight").await;
    batch.add(vec![idr(None, "150000"), idr(None, "250001")], AddOptions::default()).await.unwrap();
    s.gateway.set_balance("ACC-IDR", "IDR", d("9000000"), d("400000"));
    let short = batch.preflight(&s.client, "ACC-IDR").await.expect_err("one rupiah short");
    assert!(
        matches!(&short, BatchError::InsufficientBalance { currency, needed, available: Some(a) }
            if currency == "IDR" && *needed == d("400001") && *a == d("400000")),
        "{short:?}"
    );
    assert!(short.to_string().contains("400001 to send, 400000 available"), "{short}");
    s.gateway.set_balance("ACC-USD", "USD", d("1"), d("1"));
    let none = batch.preflight(&s.client, "ACC-USD").await.expect_err("no IDR balance");
    assert!(none.to_string().contains("no IDR balance"), "{none}");
    s.gateway.set_balance("ACC-IDR", "IDR", d("9000000"), d("400001"));
    let covered = batch.preflight(&s.client, "ACC-IDR").await.expect("covered exactly");
    assert_eq!(covered["IDR"].needed, d("400001"));
    assert!(s.gateway.orders().is_empty(), "a pre-flight sends nothing");
    // Once sent, rows no longer count.
    batch.run(&s.client, quick()).await.unwrap();
    s.gateway.set_balance("ACC-IDR", "IDR", d("0"), d("0"));
    assert!(batch.preflight(&s.client, "ACC-IDR").await.expect("nothing pending").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_run_finishes_what_is_in_flight_and_takes_no_new_rows() {
    let s = setup().await;
    let batch = s.batch("stop").await;
    let rows: Vec<_> = (1..=20).map(|i| idr(Some(&format!("STOPROW{i:04}")), "10000")).collect();
    batch.add(rows, AddOptions::default()).await.unwrap();
    let stop = smilepayz_batch::StopHandle::new();
    let trigger = stop.clone();
    let options = RunOptions {
        concurrency: 2,
        on_progress: Some(Arc::new(move |p: &Progress| {
            if p.counts["accepted"] >= 3 {
                trigger.stop();
            }
        })),
        stop: stop.clone(),
        ..quick()
    };
    let summary = batch.run(&s.client, options).await.unwrap();
    assert!(summary.stopped && !summary.is_finished(), "{summary:?}");
    let (accepted, pending) = (summary.counts["accepted"], summary.counts["pending"]);
    assert!((3..=4).contains(&accepted) && accepted + pending == 20, "{summary:?}");
    assert_eq!((summary.counts["sending"], summary.counts["unknown"]), (0, 0), "in-flight rows journaled");
    assert_eq!(s.gateway.orders().len() as u64, accepted);
    let rest = batch.run(&s.client, quick()).await.unwrap();
    assert!(!rest.stopped && rest.is_finished() && rest.sent == pending, "{rest:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resend_refused_because_the_first_request_arrived_late_is_reconciled_not_rejected() {
    let s = setup().await;
    let batch = s.batch("late").await;
    batch.add(vec![idr(Some("LATEROW0001"), "10000")], AddOptions::default()).await.unwrap();
    // The first request never arrives; after the grace period the row is to be sent
    // again — and just then the "first" request shows up at the gateway (played here by
    // a second client), so the resend is refused as a duplicate.
    s.gateway.inject(Endpoint::Payout, Fault::ResetDuringUpload);
    let late = s.gateway.client_builder().build().unwrap();
    let arrived = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let once = arrived.clone();
    let options = RunOptions {
        concurrency: 1,
        on_progress: Some(Arc::new(move |p: &Progress| {
            if p.counts["pending"] == 1 && !once.swap(true, std::sync::atomic::Ordering::SeqCst) {
                let late = late.clone();
                std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                    let request =
                        smilepayz::PayoutRequest::from_json(idr(Some("LATEROW0001"), "10000"), smilepayz::Case::Snake)
                            .unwrap();
                    rt.block_on(late.payout(&request)).unwrap();
                })
                .join()
                .unwrap();
            }
        })),
        ..quick()
    };
    let summary = batch.run(&s.client, options).await.unwrap();
    assert!(arrived.load(std::sync::atomic::Ordering::SeqCst));
    assert_eq!(summary.counts["accepted"], 1, "{summary:?}");
    let row = &batch.report().await.unwrap().rows[0];
    assert_eq!((row.state, row.send_attempts), ("accepted", 2), "{row:?}");
    assert_eq!(row.trade_no, s.gateway.order("LATEROW0001").map(|o| o.trade_no));
    assert_eq!(s.gateway.orders().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgresql_url_that_refuses_is_a_clear_error_without_the_password() {
    let refused = smilepayz_batch::PostgresJournal::connect("postgresql://payroll:hunter2@127.0.0.1:1/journal", "w1")
        .await
        .expect_err("nothing listens on port 1");
    let text = refused.to_string();
    assert!(text.starts_with("journal error: cannot connect to the PostgreSQL journal"), "{text}");
    assert!(!text.contains("hunter2") && !format!("{refused:?}").contains("hunter2"), "{text}");
    let bad = smilepayz_batch::PostgresJournal::connect("mysql://nope", "w1").await.expect_err("not a PostgreSQL URL");
    assert!(bad.to_string().contains("cannot connect to the PostgreSQL journal"), "{bad}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirmed_callbacks_are_recorded_by_order_number_and_checked_against_the_row() {
    let s = setup().await;
    let batch = s.batch("callbacks").await;
    let rows = vec![idr(Some("CBROW0001"), "10000"), idr(Some("CBROW0002"), "20000"), idr(Some("CBROW0003"), "30000")];
    batch.add(rows, AddOptions::default()).await.unwrap();
    // CBROW0003 reaches the gateway from elsewhere, with another amount, before the run.
    let other = smilepayz::PayoutRequest::from_json(idr(Some("CBROW0003"), "99999"), smilepayz::Case::Snake).unwrap();
    s.client.payout(&other).await.unwrap();
    let options = RunOptions { stop_after_same_rejections: None, ..quick() };
    batch.run(&s.client, options).await.unwrap();
    s.gateway.settle("CBROW0001", Status::Success).await.unwrap();
    let verifier = s.gateway.callback_verifier();
    let confirm = |order_no: &'static str| {
        let signed = s.gateway.signed_callback(order_no).expect("an order");
        let verified = verifier.verify(signed.headers, &signed.body).expect("verifies");
        let client = s.client.clone();
        async move { client.confirm_callback(&verified).await.expect("confirmed") }
    };
    assert_eq!(batch.record_callback(&confirm("CBROW0001").await).await.unwrap(), Some(State::Final));
    assert_eq!(batch.record_callback(&confirm("CBROW0002").await).await.unwrap(), Some(State::Accepted));
    let mismatch = batch.record_callback(&confirm("CBROW0003").await).await.expect_err("other money");
    assert!(mismatch.to_string().contains("IDR 99999 confirmed, IDR 30000 journaled"), "{mismatch}");
    let other_batch = s.batch("callbacks-2").await;
    assert_eq!(other_batch.record_callback(&confirm("CBROW0001").await).await.unwrap(), None);
    let report = batch.report().await.unwrap();
    assert_eq!((report.rows[0].state, report.rows[0].status.as_deref()), ("final", Some("SUCCESS")));
    assert_eq!(report.rows[0].message.as_deref(), Some("confirmed callback"));
    assert_eq!(report.rows[2].state, "rejected", "refused as a duplicate, and the callback was not recorded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmed_callback_for_a_pending_row_keeps_it_from_being_sent() {
    let s = setup().await;
    let batch = s.batch("callback-first").await;
    batch.add(vec![idr(Some("CBFIRST001"), "10000")], AddOptions::default()).await.unwrap();
    let same = smilepayz::PayoutRequest::from_json(idr(Some("CBFIRST001"), "10000"), smilepayz::Case::Snake).unwrap();
    s.client.payout(&same).await.unwrap();
    let signed = s.gateway.signed_callback("CBFIRST001").unwrap();
    let verified = s.gateway.callback_verifier().verify(signed.headers, &signed.body).unwrap();
    let confirmed = s.client.confirm_callback(&verified).await.unwrap();
    assert_eq!(batch.record_callback(&confirmed).await.unwrap(), Some(State::Accepted));
    assert_eq!(batch.run(&s.client, quick()).await.unwrap().sent, 0);
    assert_eq!(s.gateway.payout_requests_for("CBFIRST001"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_requests_are_journaled_and_sent_byte_for_byte_as_they_would_be_alone() {
    let s = setup().await;
    let vectors: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/requests.json")).unwrap(),
    )
    .unwrap();
    let mut requests = Vec::new();
    for (i, case) in vectors["cases"].as_array().unwrap().iter().enumerate() {
        let mut fields = case["request"].clone();
        fields["orderNo"] = json!(format!("GOLDEN{i:06}"));
        requests.push(smilepayz::PayoutRequest::from_json(fields, smilepayz::Case::Camel).unwrap());
    }
    assert!(requests.len() >= 5, "every region's golden requests");
    let batch = s.batch("typed").await;
    assert_eq!(batch.add_requests(requests.clone(), AddOptions::default()).await.unwrap().added, requests.len() as u64);
    batch.run(&s.client, quick()).await.unwrap();
    let received = s.gateway.received();
    for request in &requests {
        let alone = request.prepare(s.gateway.merchant_id()).unwrap();
        let sent: Vec<_> = received
            .iter()
            .filter(|r| r.json().is_some_and(|b| b["orderNo"] == json!(request.order_no())))
            .map(|r| r.body.clone())
            .collect();
        assert_eq!(sent, vec![alone.body().to_vec()], "{}", request.order_no());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_is_run_and_a_batch_names_its_id_and_journal() {
    let s = setup().await;
    let batch = s.batch("resume-1").await;
    assert_eq!(batch.id(), "resume-1");
    assert_eq!(batch.journal().path(), s.path("journal.db"));
    batch.add(vec![idr(Some("RESUME0001"), "10000")], AddOptions::default()).await.unwrap();
    s.gateway.inject(Endpoint::Payout, Fault::DropAfterAccept);
    let first = batch.run(&s.client, RunOptions { max_wait: Duration::ZERO, ..quick() }).await.unwrap();
    assert_eq!(first.counts["unknown"], 1, "{first:?}");
    let resumed = batch.resume(&s.client, quick()).await.unwrap();
    assert_eq!((resumed.sent, resumed.counts["accepted"]), (0, 1), "found by inquiry, not sent again: {resumed:?}");
    assert!(smilepayz_batch::State::Final.is_done() && !smilepayz_batch::State::Unknown.is_done());
    assert_eq!(
        smilepayz_batch::Format::from_path(std::path::Path::new("a.NDJSON")),
        Some(smilepayz_batch::Format::JsonLines)
    );
}
