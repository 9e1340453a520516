//! `batch run|resume|status|report` as a process against the mock gateway: a CSV batch
//! end to end with its totals checked against sums computed here from the input file,
//! the `--json` shapes, invalid rows, re-runs, the stop rule and the pre-flight, SIGTERM
//! then `resume` (every row sent exactly once), and journals that cannot be used.

use crate::support::{Gateway, Run, binary, shell, smilepayz, strs, temp_dir};
use serde_json::Value;
use smilepayz::{Decimal, Status};
use smilepayz_testkit::{Endpoint, Fault, codes};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

const HEADER: &str = "region,order_no,purpose,amount,payment_method,cash_account,network,receiver.name";
const USDT_ADDRESS: &str = "0x52908400098527886E0F7030069857D2E4169EE7";

/// `n` IDR rows without an orderNo (derived from the batch id) and two USDT rows with
/// decimals, as CSV.
fn rows_csv(n: usize) -> String {
    let mut text = format!("{HEADER}\n");
    for i in 1..=n {
        text.push_str(&format!("IDR,,Payroll,{},BRI,78120011629261665,,Name {i}\n", 10_000 + i * 1_001));
    }
    text.push_str(&format!("USDT,USDTROW0001,Refund,12.3456,USDT,{USDT_ADDRESS},BEP20,\n"));
    text.push_str(&format!("USDT,USDTROW0002,Refund,0.5,USDT,{USDT_ADDRESS},BEP20,\n"));
    text
}

/// An amount as an integer of millionths, parsed here and not by the SDK: the oracle for
/// the report's exact sums.
fn micros(text: &str) -> i128 {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    assert!(frac.len() <= 6, "{text}");
    let frac: String = format!("{frac:0<6}");
    whole.parse::<i128>().unwrap() * 1_000_000 + frac.parse::<i128>().unwrap()
}

/// The sum of the input file's amounts per currency (region IDR is IDR, USDT is USDT).
fn input_sums(csv: &str) -> BTreeMap<String, i128> {
    let mut sums = BTreeMap::new();
    for line in csv.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        *sums.entry(cells[0].to_owned()).or_insert(0) += micros(cells[3]);
    }
    sums
}

/// The report CSV's rows as header name → cell maps.
fn parse_report(csv: &str) -> Vec<BTreeMap<String, String>> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines.map(|l| header.iter().map(|h| (*h).to_owned()).zip(l.split(',').map(str::to_owned)).collect()).collect()
}

struct Batch {
    journal: String,
    id: &'static str,
}

impl Batch {
    fn new(dir: &Path, id: &'static str) -> Self {
        Batch { journal: dir.join("batch.journal").to_str().unwrap().to_owned(), id }
    }

    fn args<'a>(&'a self, command: &'a str, more: &[&'a str]) -> Vec<&'a str> {
        [&["batch", command, "--journal", &self.journal, "--batch-id", self.id][..], more].concat()
    }
}

#[test]
fn a_csv_batch_runs_end_to_end_and_its_report_adds_up() {
    let g = Gateway::start();
    let dir = temp_dir("batch-e2e");
    let csv = rows_csv(4);
    let file = dir.join("payroll.csv");
    std::fs::write(&file, &csv).unwrap();
    let file = file.to_str().unwrap();
    let b = Batch::new(&dir, "payroll-2026-11");

    let run = smilepayz(&b.args("run", &["--file", file]), &g.env(), None).expect(0);
    assert!(run.stdout.contains("rows added: 6, already journaled: 0"), "{run:#?}");
    assert!(run.stdout.contains("accepted 6; 6 pay-out(s) sent"), "{run:#?}");
    assert!(!run.stderr.chars().any(|c| c.is_control() && c != '\n'), "no control characters: {run:#?}");
    assert!(run.stderr.starts_with("progress: "), "plain progress lines off a terminal: {run:#?}");
    let orders = g.gw.orders();
    assert_eq!(orders.len(), 6);
    assert!(orders.iter().all(|o| g.gw.payout_requests_for(&o.order_no) == 1));

    // Settled at the gateway: one FAILED, the rest SUCCESS; the run polls until final.
    for o in &orders {
        let status = if o.order_no == "USDTROW0002" { Status::Failed } else { Status::Success };
        g.runtime.block_on(g.gw.settle(&o.order_no, status)).unwrap();
    }
    let again = smilepayz(&b.args("run", &["--file", file, "--settle-within", "10", "--json"]), &g.env(), None);
    let summary = again.expect(0).json();
    assert_eq!(summary["added"]["added"], 0, "a re-run of the same file adds nothing: {summary}");
    assert_eq!(summary["added"]["unchanged"], 6);
    assert_eq!(summary["run"]["sent"], 0);
    assert_eq!(summary["run"]["counts"]["final"], 6);
    assert_eq!(summary["run"]["finished"], true);
    assert_eq!((summary["exit_code"].as_u64(), summary["resume_command"].is_null()), (Some(0), true));
    assert_eq!(summary["journal"], b.journal.as_str());
    let keys: Vec<&str> = summary.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["added", "batch_id", "exit_code", "journal", "preflight", "resume_command", "run"]);
    assert_eq!(g.gw.orders().len(), 6);
    assert!(g.gw.orders().iter().all(|o| g.gw.payout_requests_for(&o.order_no) == 1), "never sent twice");

    // The report, checked against sums computed from the input file here.
    let expected = input_sums(&csv);
    let report = smilepayz(&b.args("report", &[]), &g.env(), None).expect(0);
    let rows = parse_report(&report.stdout);
    assert_eq!(rows.len(), 6);
    let mut sums: BTreeMap<String, i128> = BTreeMap::new();
    for row in &rows {
        assert_eq!(row["state"], "final", "{row:?}");
        *sums.entry(row["currency"].clone()).or_insert(0) += micros(&row["amount"]);
    }
    assert_eq!(sums, expected);
    let numbers: Vec<&str> = rows.iter().map(|r| r["row_number"].as_str()).collect();
    assert_eq!(numbers, ["1", "2", "3", "4", "5", "6"]);
    assert_eq!(rows[5]["status"], "FAILED");
    assert!(rows[0]["order_no"].starts_with('B') && rows[0]["order_no"].ends_with("R0000000001"), "{:?}", rows[0]);

    let json = smilepayz(&b.args("report", &["--json"]), &g.env(), None).expect(0).json();
    let final_amounts = &json["by_state"]["final"]["amounts"];
    for (currency, sum) in &expected {
        assert_eq!(micros(final_amounts[currency].as_str().unwrap()), *sum, "{json}");
    }
    assert_eq!(json["by_status"]["FAILED"]["amounts"]["USDT"], "0.5");
    assert_eq!(json["by_status"]["SUCCESS"]["rows"], 5);

    // To a file, owner-only.
    let out = dir.join("report.csv");
    let written = smilepayz(&b.args("report", &["--output", out.to_str().unwrap()]), &g.env(), None).expect(0);
    assert!(written.stdout.contains("report of 6 rows written"), "{written:#?}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), report.stdout);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o600);
        // Over a file readable by others: narrowed to 0600, the report in full.
        std::fs::write(&out, "x".repeat(report.stdout.len() * 2)).unwrap();
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).unwrap();
        smilepayz(&b.args("report", &["--output", out.to_str().unwrap()]), &g.env(), None).expect(0);
        assert_eq!(std::fs::read_to_string(&out).unwrap(), report.stdout);
        assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o600);
    }
    // A file that cannot be created: exit 2, the batch's output error naming it.
    let nowhere = dir.join("no-such-dir").join("report.csv");
    let args = ["--json", "--format", "csv", "--output", nowhere.to_str().unwrap()];
    let failed = smilepayz(&b.args("report", &args), &g.env(), None).expect(2).json();
    let error = &failed["error"];
    assert_eq!(
        (error["kind"].as_str(), error["code"].as_str()),
        (Some("batch_output"), Some("SMILEPAYZ_BATCH_OUTPUT"))
    );
    assert_eq!(error["path"].as_str(), nowhere.to_str(), "{failed}");

    let status = smilepayz(&b.args("status", &[]), &[], None).expect(0);
    assert_eq!(status.stdout.trim(), "batch payroll-2026-11: 6 rows; final 6\n  final: IDR 50010, USDT 12.8456");
    let status = smilepayz(&b.args("status", &["--json"]), &[], None).expect(0).json();
    assert_eq!((status["rows"].as_u64(), status["counts"]["final"].as_u64()), (Some(6), Some(6)));
    assert_eq!((status["complete"].as_bool(), status["paused"].is_null()), (Some(true), true));
    for (currency, sum) in &expected {
        assert_eq!(micros(status["by_state"]["final"]["amounts"][currency].as_str().unwrap()), *sum, "{status}");
    }
    assert_eq!(status["by_status"]["FAILED"]["amounts"]["USDT"], "0.5", "{status}");

    // A mistyped batch id is an error for the commands that read a batch (exit 3), and
    // does not become a new, empty batch.
    for command in ["status", "report", "resume"] {
        let args = ["batch", command, "--journal", &b.journal, "--batch-id", "payroll-2026-1"];
        let wrong = smilepayz(&args, &g.env(), None).expect(3);
        assert!(wrong.stderr.contains("holds no batch \"payroll-2026-1\""), "{command}: {wrong:#?}");
    }
    let still = smilepayz(&["batch", "status", "--journal", &b.journal, "--batch-id", "payroll-2026-1"], &[], None);
    still.expect(3);
}

#[test]
fn invalid_rows_are_exit_2_each_listed_and_nothing_is_sent() {
    let g = Gateway::start();
    let dir = temp_dir("batch-invalid");
    // 25 invalid rows (more than a batch error's own text lists) around one good row.
    let mut csv = format!("{HEADER}\nIDR,,Payroll,10000,BRI,78120011629261665,,\n");
    for _ in 0..25 {
        csv.push_str("IDR,,Payroll,10.5,BRI,,,\n");
    }
    std::fs::write(dir.join("bad.csv"), &csv).unwrap();
    let file = dir.join("bad.csv");
    let file = file.to_str().unwrap();
    let b = Batch::new(&dir, "bad");
    let run = smilepayz(&b.args("run", &["--file", file]), &g.env(), None).expect(2);
    assert!(run.stderr.contains("25 invalid row(s); nothing was journaled, nothing sent"), "{run:#?}");
    for n in 2..=26 {
        let line = format!("row {n}: amount: ");
        assert!(run.stderr.contains(&line), "{line}: {run:#?}");
    }
    assert!(run.stderr.contains("cash_account: is required"), "{run:#?}");
    let error = smilepayz(&b.args("run", &["--file", file, "--json"]), &g.env(), None).expect(2).json();
    let rows = error["error"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 25);
    assert_eq!(rows[24]["row_number"], 26);
    let paths: Vec<&str> =
        rows[0]["violations"].as_array().unwrap().iter().map(|v| v["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["amount", "cash_account"]);
    assert_eq!(error["error"]["kind"], "batch_rows");
    assert!(g.gw.received().is_empty(), "nothing sent");
    let status = smilepayz(&b.args("status", &["--json"]), &[], None).expect(0).json();
    assert_eq!(status["rows"], 0, "nothing journaled: {status}");

    // --skip-invalid journals and sends the good row, listing the others.
    let run = smilepayz(&b.args("run", &["--file", file, "--skip-invalid"]), &g.env(), None).expect(0);
    assert!(run.stderr.contains("skipped row 26: amount:"), "{run:#?}");
    assert!(run.stdout.contains("rows added: 1, already journaled: 0, skipped as invalid: 25"), "{run:#?}");
    assert_eq!(g.gw.orders().len(), 1);

    // A file the runner cannot read as rows at all.
    std::fs::write(dir.join("rows.txt"), "x").unwrap();
    let run = smilepayz(&b.args("run", &["--file", dir.join("rows.txt").to_str().unwrap()]), &g.env(), None);
    assert!(run.expect(2).stderr.contains("must end in .csv, .jsonl or .ndjson"));
}

#[test]
fn the_stop_rule_pauses_with_exit_4_and_a_short_preflight_sends_nothing() {
    let g = Gateway::start();
    let dir = temp_dir("batch-pause");
    // The first three orders exist already: the gateway refuses them as duplicates.
    let mut csv = format!("{HEADER}\n");
    for i in 1..=5 {
        csv.push_str(&format!("IDR,DUPROW{i:04},Payroll,10000,BRI,78120011629261665,,\n"));
        if i <= 3 {
            smilepayz(&strs(&crate::support::idr_flags(&format!("DUPROW{i:04}"))), &g.env(), None).expect(0);
        }
    }
    let file = dir.join("dups.csv");
    std::fs::write(&file, &csv).unwrap();
    let b = Batch::new(&dir, "dups");
    g.gw.set_balance("ACC1", "IDR", Decimal::from(100_000), Decimal::from(49_999));
    let flags = ["--file", file.to_str().unwrap(), "--concurrency", "1", "--stop-after-same-rejections", "2"];
    let short = smilepayz(&b.args("run", &[&flags[..], &["--preflight", "ACC1", "--json"]].concat()), &g.env(), None);
    let error = short.expect(4).json();
    assert_eq!(
        (error["error"]["kind"].as_str(), error["error"]["needed"].as_str()),
        (Some("insufficient_balance"), Some("50000"))
    );
    assert_eq!(g.gw.orders().len(), 3, "nothing sent after a short pre-flight");

    g.gw.set_balance("ACC1", "IDR", Decimal::from(100_000), Decimal::from(50_000));
    let run = smilepayz(&b.args("run", &[&flags[..], &["--preflight", "ACC1"]].concat()), &g.env(), None).expect(4);
    assert!(run.stdout.contains("pre-flight IDR: 50000 to send, 50000 available"), "{run:#?}");
    assert!(run.stdout.contains("paused by the stop rule") && run.stdout.contains(codes::DUPLICATE_ORDER), "{run:#?}");
    let resume = run.stdout.lines().find_map(|l| l.strip_prefix("resume: ")).unwrap();
    assert_eq!(resume, format!("smilepayz batch resume --journal {} --batch-id dups", b.journal));
    let status = smilepayz(&b.args("status", &[]), &[], None).expect(0);
    assert!(status.stdout.contains("pending 3, rejected 2") && status.stdout.contains("paused: "), "{status:#?}");
    // Resuming clears the pause; the third duplicate is refused, the new rows go.
    let summary = smilepayz(&b.args("resume", &["--json"]), &g.env(), None).expect(0).json();
    assert_eq!(
        (summary["run"]["counts"]["rejected"].as_u64(), summary["run"]["counts"]["accepted"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(g.gw.orders().len(), 5);
}

#[test]
fn rows_still_unknown_are_exit_5_and_resent_only_once_proven_absent() {
    let g = Gateway::start();
    let dir = temp_dir("batch-unknown");
    let row = r#"{"region":"IDR","order_no":"UNKROW0001","purpose":"Payroll","amount":"10000","payment_method":"BRI","cash_account":"78120011629261665"}"#;
    let file = dir.join("one.jsonl");
    std::fs::write(&file, row).unwrap();
    let b = Batch::new(&dir, "unknown");
    // The connection dies while the body uploads: the order never reached the gateway,
    // but the runner cannot know; without a not-found code it cannot prove it absent.
    g.gw.inject(Endpoint::Payout, Fault::ResetDuringUpload);
    let base = g.gw.base_url();
    let args = b.args("run", &["--file", file.to_str().unwrap(), "--max-wait", "1", "--base-url", &base]);
    let run = smilepayz(&args, &g.env(), None).expect(5);
    assert!(run.stdout.contains("unknown 1") && run.stdout.contains("never resend them by hand"), "{run:#?}");
    let resume = run.stdout.lines().find_map(|l| l.strip_prefix("resume: ")).unwrap();
    let expected = format!("smilepayz batch resume --journal {} --batch-id unknown --base-url {base}", b.journal);
    assert_eq!(resume, expected, "the connection flags given are repeated");
    assert!(g.gw.orders().is_empty());
    // A grace period shorter than the request timeout (30 s by default) is refused:
    // a pay-out still in flight would be taken for absent.
    let code = codes::ORDER_NOT_FOUND;
    let short = ["--order-not-found-code", code, "--not-found-grace", "1", "--json"];
    let refused = smilepayz(&b.args("resume", &short), &g.env(), None).expect(3).json();
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("not_found_grace (1000 ms)") && message.contains("request timeout (30000 ms)"),
        "{refused}"
    );
    assert!(g.gw.orders().is_empty());
    // Proven absent (the mock's not-found code, a grace period as long as a 1 s timeout):
    // sent again, same orderNo, once.
    let more = ["--order-not-found-code", code, "--timeout", "1", "--not-found-grace", "1", "--json"];
    let summary = smilepayz(&b.args("resume", &more), &g.env(), None).expect(0).json();
    assert_eq!((summary["run"]["counts"]["accepted"].as_u64(), summary["run"]["sent"].as_u64()), (Some(1), Some(1)));
    assert_eq!(g.gw.payout_requests_for("UNKROW0001"), 1);
}

#[test]
fn sigterm_mid_run_finishes_in_flight_rows_then_resume_sends_the_rest_exactly_once() {
    let g = Gateway::start();
    let dir = temp_dir("batch-sigterm");
    let csv = rows_csv(38);
    let file = dir.join("rows.csv");
    std::fs::write(&file, &csv).unwrap();
    let b = Batch::new(&dir, "term");
    // Every pay-out takes 150 ms at the gateway: some are in flight when the signal lands.
    for _ in 0..40 {
        g.gw.inject(Endpoint::Payout, Fault::Delay(Duration::from_millis(150)));
    }
    let child = binary()
        .args(b.args("run", &["--file", file.to_str().unwrap(), "--concurrency", "4"]))
        .envs(g.env())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while g.gw.received().len() < 6 {
        assert!(started.elapsed() < Duration::from_secs(20), "the pay-outs never arrived");
        std::thread::sleep(Duration::from_millis(10));
    }
    // One runner per journal file: a second process is told so.
    let busy = smilepayz(&b.args("status", &["--json"]), &[], None).expect(3).json();
    assert_eq!(busy["error"]["reason"], "in_use", "{busy}");
    let kill = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let run = Run::from(child.wait_with_output().unwrap()).expect(130);
    assert!(run.stdout.contains("stopped by a signal"), "{run:#?}");
    assert!(run.stderr.contains("finishing and journaling the pay-outs in flight"), "{run:#?}");
    let sent_before = g.gw.orders().len();
    assert!(sent_before < 40, "stopped midway: {sent_before}");
    let status = smilepayz(&b.args("status", &["--json"]), &[], None).expect(0).json();
    assert_eq!(status["counts"]["accepted"].as_u64(), Some(sent_before as u64), "in-flight rows journaled: {status}");
    assert!(status["counts"].get("sending").is_none() && status["counts"].get("unknown").is_none(), "{status}");

    // The printed command, run by a shell, finishes the batch.
    let resume = run.stdout.lines().find_map(|l| l.strip_prefix("resume: ")).unwrap();
    shell(resume, &g.env()).expect(0);
    let orders = g.gw.orders();
    assert_eq!(orders.len(), 40);
    for o in &orders {
        assert_eq!(g.gw.payout_requests_for(&o.order_no), 1, "{} sent exactly once", o.order_no);
    }
    let report = smilepayz(&b.args("report", &[]), &[], None).expect(0);
    let rows = parse_report(&report.stdout);
    assert!(rows.iter().all(|r| r["state"] == "accepted" && r["send_attempts"] == "1"), "{}", report.stdout);
}

#[test]
fn a_file_that_is_not_a_journal_is_a_clear_error_and_stays_untouched() {
    let dir = temp_dir("batch-notjournal");
    let path = dir.join("rows.csv");
    let text = format!("{HEADER}\n{}", "IDR,,Payroll,10000,BRI,78120011629261665,,\n".repeat(10));
    std::fs::write(&path, &text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let journal = path.to_str().unwrap();
    let run = smilepayz(&["batch", "status", "--journal", journal, "--batch-id", "b"], &[], None).expect(3);
    assert!(run.stderr.contains("not a smilepayz batch journal"), "{run:#?}");
    let error = smilepayz(&["batch", "report", "--journal", journal, "--batch-id", "b", "--json"], &[], None);
    let error: Value = error.expect(3).json();
    assert_eq!(
        (error["error"]["kind"].as_str(), error["error"]["reason"].as_str()),
        (Some("journal"), Some("not_a_journal"))
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "untouched");
    // Bad settings are refused before the journal is opened.
    let run = smilepayz(&["batch", "resume", "--journal", journal, "--batch-id", "b"], &[], None).expect(3);
    assert!(run.stderr.contains("merchant_id is missing"), "{run:#?}");
}

/// Runs `smilepayz args` on a pseudo-terminal (util-linux `script`), stdout and stderr
/// together as the terminal shows them.
#[cfg(target_os = "linux")]
fn on_a_terminal(args: &[&str], env: &[(String, String)]) -> Run {
    let words: Vec<&str> = [&[env!("CARGO_BIN_EXE_smilepayz")][..], args].concat();
    assert!(words.iter().all(|w| !w.contains([' ', '\'', '"', '$'])), "plain words only: {words:?}");
    let output = std::process::Command::new("script")
        .args(["-qec", &words.join(" "), "/dev/null"])
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .output()
        .expect("util-linux `script` runs the command on a pseudo-terminal");
    Run::from(output)
}

#[cfg(target_os = "linux")]
#[test]
fn on_a_terminal_progress_is_a_bar_and_quiet_or_json_hide_it() {
    let g = Gateway::start();
    let dir = temp_dir("batch-tty");
    let file = dir.join("rows.csv");
    std::fs::write(&file, rows_csv(20)).unwrap();
    let file = file.to_str().unwrap();
    let shown = Batch::new(&dir, "shown");
    let run = on_a_terminal(&shown.args("run", &["--file", file, "--rate", "40"]), &g.env()).expect(0);
    assert!(run.stdout.contains("/22 rows done") && run.stdout.contains("\u{1b}["), "a bar: {run:#?}");
    assert!(run.stdout.contains("accepted 22; 22 pay-out(s) sent"), "{run:#?}");
    for (id, flag) in [("quiet", "--quiet"), ("json", "--json")] {
        // A journal of its own: the USDT rows' orderNos are taken in the first one.
        std::fs::create_dir_all(dir.join(id)).unwrap();
        let b = Batch::new(&dir.join(id), id);
        let run = on_a_terminal(&b.args("run", &["--file", file, "--rate", "40", flag]), &g.env()).expect(0);
        assert!(!run.stdout.contains("rows done") && !run.stdout.contains('\u{1b}'), "{flag}: {run:#?}");
    }
}

#[test]
fn a_postgresql_journal_that_refuses_is_exit_3_and_its_password_is_never_printed() {
    let g = Gateway::start();
    // Nothing listens on port 1: the connection is refused.
    let url = "postgresql://payroll:pg-s3cret-pw@127.0.0.1:1/batches?password=pg-s3cret-pw";
    for command in ["status", "run", "resume"] {
        let args = ["batch", command, "--journal", url, "--batch-id", "pg", "--json"];
        let run = smilepayz(&args, &g.env(), None).expect(3);
        assert_eq!(run.json()["error"]["kind"], "journal", "{command}: {run:#?}");
        assert!(!run.stdout.contains("pg-s3cret-pw") && !run.stderr.contains("pg-s3cret-pw"), "{command}: {run:#?}");
    }
    assert!(g.gw.received().is_empty());
}

#[test]
fn an_unreachable_gateway_at_the_preflight_is_exit_6_and_nothing_is_sent() {
    let dir = temp_dir("batch-unreachable");
    let file = dir.join("rows.csv");
    std::fs::write(&file, rows_csv(2)).unwrap();
    let g = Gateway::start();
    let mut env = g.env_without(&["SMILEPAYZ_BASE_URL"]);
    env.push(("SMILEPAYZ_BASE_URL".into(), "http://127.0.0.1:1".into()));
    let b = Batch::new(&dir, "unreachable");
    let run = smilepayz(&b.args("run", &["--file", file.to_str().unwrap(), "--preflight", "ACC1"]), &env, None);
    assert!(run.expect(6).stderr.contains("transport error"));
    let status = smilepayz(&b.args("status", &["--json"]), &[], None).expect(0).json();
    assert_eq!(status["counts"]["pending"], 4, "journaled, not sent: {status}");
}
