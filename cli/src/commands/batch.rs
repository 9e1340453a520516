//! `smilepayz batch run|resume|status|report`: the `smilepayz-batch` runner on a journal
//! (SQLite file or PostgreSQL URL). Settings, summaries, reports and errors go through
//! `smilepayz-interop`, so `--json` prints the shapes the Python and Node bindings give.

use crate::args::{BatchCommand, BatchReportArgs, BatchResumeArgs, BatchRunArgs, BatchTarget, RunFlags};
use crate::exit::{Exit, Failure};
use crate::output::Output;
use crate::progress::{Display, counts};
use crate::replay::resume_command;
use crate::settings::Settings;
use crate::signals::Signals;
use serde_json::{Map, Value, json};
use smilepayz::{Case, Client};
use smilepayz_batch::{AddOptions, AnyJournal, Batch, RunSummary, StopHandle, open_batch};
use smilepayz_interop::batch::{RunSettings, add_summary, coverage, report, report_csv, run_summary, totals};
use std::future::Future;

/// Runs one batch command; the exit code tells how the batch stands.
pub(crate) async fn dispatch(
    command: &BatchCommand,
    out: &mut Output<'_>,
    signals: &mut Signals,
) -> Result<Exit, Failure> {
    match command {
        BatchCommand::Run(args) => run(args, out, signals).await,
        BatchCommand::Resume(args) => resume(args, out, signals).await,
        BatchCommand::Status(target) => {
            interruptible(status(target, out), signals, "reading the journal").await??;
            Ok(Exit::Success)
        }
        BatchCommand::Report(args) => {
            interruptible(write_report(args, out), signals, "the report").await??;
            Ok(Exit::Success)
        }
    }
}

/// The batch, created when absent (`run`).
async fn open(target: &BatchTarget) -> Result<Batch<AnyJournal>, Failure> {
    Ok(open_batch(&target.journal, &target.batch_id, false).await?)
}

/// The batch, which must exist (`resume`, `status`, `report`: a mistyped id is an error,
/// not a new empty batch).
async fn open_existing(target: &BatchTarget) -> Result<Batch<AnyJournal>, Failure> {
    Ok(open_batch(&target.journal, &target.batch_id, true).await?)
}

/// What a run did before sending, for the summary.
#[derive(Default)]
struct Before {
    added: Option<Value>,
    preflight: Option<Value>,
}

async fn run(args: &BatchRunArgs, out: &mut Output<'_>, signals: &mut Signals) -> Result<Exit, Failure> {
    let client = Settings::gateway(&args.run.gateway)?.client(&args.run.gateway)?;
    let settings = run_settings(&args.run)?;
    let batch = open(&args.target).await?;
    let mut before = Before::default();
    if let Some(file) = &args.file {
        let options = AddOptions { skip_invalid: args.skip_invalid };
        let added = interruptible(batch.add_file(file, options), signals, "adding the rows").await??;
        for skipped in &added.skipped {
            out.note(&format!("skipped {skipped}"));
        }
        before.added = Some(add_summary(&added, Case::Snake));
    }
    if let Some(account_no) = &args.preflight {
        let covered = interruptible(batch.preflight(&client, account_no), signals, "the pre-flight").await??;
        before.preflight = Some(coverage(&covered, Case::Snake));
    }
    send(&batch, &client, settings, &args.target, &args.run, before, out, signals).await
}

async fn resume(args: &BatchResumeArgs, out: &mut Output<'_>, signals: &mut Signals) -> Result<Exit, Failure> {
    let client = Settings::gateway(&args.run.gateway)?.client(&args.run.gateway)?;
    let settings = run_settings(&args.run)?;
    let batch = open_existing(&args.target).await?;
    send(&batch, &client, settings, &args.target, &args.run, Before::default(), out, signals).await
}

/// Before anything is sent, a signal simply stops the command: nothing has left.
async fn interruptible<T>(work: impl Future<Output = T>, signals: &mut Signals, what: &str) -> Result<T, Failure> {
    tokio::select! {
        done = work => Ok(done),
        () = signals.received() => Err(Failure::new(
            Exit::Interrupted,
            "interrupted",
            format!("interrupted during {what}; nothing was sent"),
        )),
    }
}

/// The run settings from the flags, read by the bindings' own reader.
fn run_settings(flags: &RunFlags) -> Result<RunSettings, Failure> {
    let millis = |flag: &str, secs: Option<u64>| -> Result<Option<u64>, Failure> {
        secs.map(|s| s.checked_mul(1000).ok_or_else(|| Failure::input(format!("{flag} {s} is too large")))).transpose()
    };
    let mut given = Map::new();
    for (name, value) in [
        ("concurrency", flags.concurrency),
        ("rate", flags.rate),
        ("stop_after_same_rejections", flags.stop_after_same_rejections),
        ("settle_within_ms", millis("--settle-within", flags.settle_within)?),
        ("not_found_grace_ms", millis("--not-found-grace", flags.not_found_grace)?),
        ("max_wait_ms", millis("--max-wait", flags.max_wait)?),
    ] {
        if let Some(v) = value {
            given.insert(name.to_owned(), v.into());
        }
    }
    Ok(RunSettings::from_json(Value::Object(given))?)
}

/// Runs the batch until done, paused or stopped; a signal stops it taking rows, and what
/// is in flight finishes and is journaled before the summary.
#[allow(clippy::too_many_arguments)]
async fn send(
    batch: &Batch<AnyJournal>,
    client: &Client,
    settings: RunSettings,
    target: &BatchTarget,
    flags: &RunFlags,
    before: Before,
    out: &mut Output<'_>,
    signals: &mut Signals,
) -> Result<Exit, Failure> {
    let display = Display::new(out.json || flags.quiet);
    let stop = StopHandle::new();
    let options = settings.options(display.callback(), stop.clone())?;
    let running = batch.run(client, options);
    let mut running = std::pin::pin!(running);
    let outcome = tokio::select! {
        done = &mut running => done,
        () = signals.received() => {
            stop.stop();
            display.note("stopping: no new rows; finishing and journaling the pay-outs in flight…");
            running.await
        }
    };
    display.finish();
    let summary = outcome?;
    let exit = exit_of(&summary);
    let resume = (exit != Exit::Success).then(|| resume_command(target, &flags.gateway));
    let value = json!({
        "batch_id": batch.id(),
        "journal": smilepayz_batch::redacted_location(&target.journal),
        "added": before.added,
        "preflight": before.preflight,
        "run": run_summary(&summary, Case::Snake),
        "exit_code": exit.code(),
        "resume_command": resume,
    });
    out.result(&value, || human(batch.id(), &before_text(&value), &summary, resume.as_deref()));
    Ok(exit)
}

/// 4 paused, 130 stopped, 5 rows left to send or reconcile, else 0.
fn exit_of(summary: &RunSummary) -> Exit {
    if summary.paused.is_some() {
        Exit::Refused
    } else if summary.stopped {
        Exit::Interrupted
    } else if !summary.is_finished() {
        Exit::OutcomeUnknown
    } else {
        Exit::Success
    }
}

fn before_text(value: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(added) = value.get("added").filter(|a| !a.is_null()) {
        let skipped = added["skipped"].as_array().map_or(0, Vec::len);
        lines.push(format!(
            "rows added: {}, already journaled: {}, skipped as invalid: {skipped}",
            added["added"], added["unchanged"]
        ));
    }
    if let Some(Value::Object(per)) = value.get("preflight") {
        for (currency, c) in per {
            lines.push(format!(
                "pre-flight {currency}: {} to send, {} available",
                c["needed"].as_str().unwrap_or_default(),
                c["available"].as_str().unwrap_or_default()
            ));
        }
    }
    lines
}

fn human(batch_id: &str, before: &[String], summary: &RunSummary, resume: Option<&str>) -> String {
    let mut lines = before.to_vec();
    lines.push(format!("batch {batch_id}: {}; {} pay-out(s) sent in this run", counts(&summary.counts), summary.sent));
    let accepted = summary.counts.get("accepted").copied().unwrap_or(0);
    let verdict = if let Some(reason) = &summary.paused {
        format!("paused by the stop rule: {reason}. Fix the cause, then resume.")
    } else if summary.stopped {
        "stopped by a signal: the pay-outs in flight were finished and journaled.".to_owned()
    } else if !summary.is_finished() {
        "rows are still pending or unknown: they may have reached the gateway; never resend them by hand, resume."
            .to_owned()
    } else if accepted > 0 {
        format!(
            "finished: every row has an answer; {accepted} accepted await their final status \
             (--settle-within SECS polls for it)."
        )
    } else {
        "finished: every row is final or rejected.".to_owned()
    };
    lines.push(verdict);
    if let Some(command) = resume {
        lines.push(format!("resume: {command}"));
    }
    lines.join("\n")
}

async fn status(target: &BatchTarget, out: &mut Output<'_>) -> Result<(), Failure> {
    // The totals alone: the journal is read a page at a time, no row is held.
    let totals = open_existing(target).await?.totals().await?;
    let mut value = self::totals(&totals, Case::Snake);
    let per: Map<String, Value> = totals.by_state.iter().map(|(s, t)| ((*s).to_owned(), t.rows.into())).collect();
    if let Value::Object(fields) = &mut value {
        fields.insert("journal".into(), smilepayz_batch::redacted_location(&target.journal).into());
        fields.insert("counts".into(), per.into());
    }
    out.result(&value, || {
        let shown: std::collections::BTreeMap<&'static str, u64> =
            totals.by_state.iter().map(|(s, t)| (*s, t.rows)).collect();
        let mut lines = vec![if totals.rows == 0 {
            format!("batch {}: no rows yet (`batch run --file` adds them)", totals.batch_id)
        } else {
            format!("batch {}: {} rows; {}", totals.batch_id, totals.rows, counts(&shown))
        }];
        for (state, total) in &totals.by_state {
            let amounts: Vec<String> = total.amounts.iter().map(|(c, a)| format!("{c} {a}")).collect();
            lines.push(format!("  {state}: {}", amounts.join(", ")));
        }
        if let Some(reason) = &totals.paused {
            lines.push(format!("paused: {reason}"));
        }
        lines.join("\n")
    });
    Ok(())
}

async fn write_report(args: &BatchReportArgs, out: &mut Output<'_>) -> Result<(), Failure> {
    let format = match (args.format.as_deref(), out.json) {
        (Some(f), _) => f,
        (None, true) => "json",
        (None, false) => "csv",
    };
    if out.json && format == "csv" && args.output.is_none() {
        return Err(Failure::input("--json prints one JSON document: drop --format csv, or give --output FILE"));
    }
    let batch = open_existing(&args.target).await?;
    let rows = match (&args.output, format) {
        // A CSV file is written as the journal is read, a page at a time (memory stays
        // flat however large the batch), owner-only (0600) and synced to disk.
        (Some(path), "csv") => batch.save_report_csv(path).await?,
        (output, format) => {
            let report_ = batch.report().await?;
            let text =
                if format == "json" { format!("{}\n", report(&report_, Case::Snake)) } else { report_csv(&report_)? };
            let Some(path) = output else {
                // `line` ends with a line break of its own.
                out.line(text.trim_end_matches('\n'));
                return Ok(());
            };
            crate::files::write_private(path, text.as_bytes(), true)?;
            report_.rows.len() as u64
        }
    };
    let shown = args.output.as_deref().map(|p| p.display().to_string()).unwrap_or_default();
    out.result(&json!({ "output": shown, "format": format, "rows": rows }), || {
        format!("report of {rows} rows written to {shown} ({format})")
    });
    Ok(())
}
