//! What both bindings (and the command line) share for batches: run and add settings
//! read from a mapping, and summaries, progress, reports and batch errors as JSON in the
//! binding's case. The rules themselves live in `smilepayz-batch`.

use crate::answers::error_fields;
use crate::batch_answers::{self as answers, Counts, RowErrors, StateName, ToJson, millis_of};
use crate::settings::{millis, read, whole};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use smilepayz::validation::{Case, in_case};
use smilepayz::{Error, Violation};
use smilepayz_batch::{
    AddOptions, AddSummary, BatchError, Coverage, OnProgress, Progress, Report, RowError, RowProblem, RunOptions,
    RunSummary, StopHandle, Total, Totals,
};
use std::collections::BTreeMap;
use std::time::Duration;

/// Settings of `run` and `resume`; unset ones keep [`RunOptions::default`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSettings {
    /// Pay-outs in flight at once.
    #[serde(default, deserialize_with = "whole")]
    concurrency: Option<u64>,
    /// Requests per second at most.
    #[serde(default, alias = "rate_per_second", alias = "ratePerSecond", deserialize_with = "whole")]
    rate: Option<u64>,
    /// Pause after this many consecutive refusals with one gateway code; 0: never.
    #[serde(default, alias = "stopAfterSameRejections", deserialize_with = "whole")]
    stop_after_same_rejections: Option<u64>,
    #[serde(default, alias = "notFoundGraceMs", deserialize_with = "millis")]
    not_found_grace_ms: Option<Duration>,
    #[serde(default, alias = "maxWaitMs", deserialize_with = "millis")]
    max_wait_ms: Option<Duration>,
    /// Poll accepted rows until final for at most this long; 0 or unset: do not poll.
    #[serde(default, alias = "settleWithinMs", deserialize_with = "millis")]
    settle_within_ms: Option<Duration>,
    #[serde(default, alias = "leaseMs", deserialize_with = "millis")]
    lease_ms: Option<Duration>,
}

impl RunSettings {
    /// Reads run settings; `null` (none given) keeps every default.
    pub fn from_json(value: Value) -> Result<Self, Error> {
        if value.is_null() {
            return Ok(Self::default());
        }
        read("run", value)
    }

    /// The run options, with the binding's progress callback and stop handle.
    pub fn options(self, on_progress: Option<OnProgress>, stop: StopHandle) -> Result<RunOptions, Error> {
        let mut o = RunOptions { on_progress, stop, ..RunOptions::default() };
        if let Some(n) = self.concurrency {
            o.concurrency = usize::try_from(n).map_err(|_| Error::config("concurrency is too large"))?;
        }
        if let Some(n) = self.rate {
            o.rate_per_second = Some(u32::try_from(n).map_err(|_| Error::config("rate is too large"))?);
        }
        if let Some(n) = self.stop_after_same_rejections {
            let n = u32::try_from(n).map_err(|_| Error::config("stop_after_same_rejections is too large"))?;
            o.stop_after_same_rejections = (n > 0).then_some(n);
        }
        if let Some(d) = self.not_found_grace_ms {
            o.not_found_grace = d;
        }
        if let Some(d) = self.max_wait_ms {
            o.max_wait = d;
        }
        if let Some(d) = self.settle_within_ms {
            o.settle_within = (!d.is_zero()).then_some(d);
        }
        if let Some(d) = self.lease_ms {
            o.lease = d;
        }
        Ok(o)
    }
}

/// Settings of `add` and `add_file`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddSettings {
    #[serde(default, alias = "skipInvalid")]
    skip_invalid: Option<bool>,
}

impl AddSettings {
    /// Reads add settings; `null` keeps the default (refuse the whole input).
    pub fn from_json(value: Value) -> Result<Self, Error> {
        if value.is_null() {
            return Ok(Self::default());
        }
        read("add", value)
    }

    /// The add options.
    pub fn options(&self) -> AddOptions {
        AddOptions { skip_invalid: self.skip_invalid.unwrap_or(false) }
    }
}

/// Builds an object with keys written in camelCase, named in `case`.
fn object(case: Case, pairs: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (in_case(k, case), v)).collect::<Map<_, _>>())
}

/// What an add did: `added`, `unchanged`, and the `skipped` rows (with `skip_invalid`).
pub fn add_summary(summary: &AddSummary, case: Case) -> Value {
    answers::AddSummary {
        added: summary.added,
        unchanged: summary.unchanged,
        skipped: RowErrors(row_errors(&summary.skipped, case)),
    }
    .to_json(case)
}

/// How a run ended: rows per state, `sent`, `paused` (the stop rule's reason), `stopped`
/// and `finished` (no row pending, sending or unknown).
pub fn run_summary(summary: &RunSummary, case: Case) -> Value {
    answers::RunSummary {
        counts: Counts::new(&summary.counts),
        sent: summary.sent,
        paused: summary.paused.clone(),
        stopped: summary.stopped,
        finished: summary.is_finished(),
    }
    .to_json(case)
}

/// Progress: rows per state, `sent`, `elapsedMs`, `ratePerSecond` (pay-outs handed to
/// the client per second, a measurement, not money) and `etaMs` (null before a rate).
pub fn progress(progress: &Progress, case: Case) -> Value {
    answers::BatchProgress {
        counts: Counts::new(&progress.counts),
        sent: progress.sent,
        elapsed_ms: millis_of(progress.elapsed),
        rate_per_second: progress.rate_per_second(),
        eta_ms: progress.eta().map(millis_of),
    }
    .to_json(case)
}

/// The pre-flight per currency: `needed` and `available`, exact decimal strings.
pub fn coverage(coverage: &BTreeMap<String, Coverage>, case: Case) -> Value {
    let per: BTreeMap<String, answers::Coverage> = coverage
        .iter()
        .map(|(currency, c)| (currency.clone(), answers::Coverage { needed: c.needed, available: c.available }))
        .collect();
    per.to_json(case)
}

/// The report: `batchId`, `paused`, every row, and totals `byState` and `byStatus`
/// (`rows` and `amounts` per currency, exact decimal strings).
pub fn report(report: &Report, case: Case) -> Value {
    let rows = report
        .rows
        .iter()
        .map(|r| answers::ReportRow {
            row_number: r.row_number,
            order_no: r.order_no.clone(),
            trade_no: r.trade_no.clone(),
            state: StateName(r.state),
            status: r.status.clone(),
            gateway_code: r.gateway_code.clone(),
            message: r.message.clone(),
            currency: r.currency.clone(),
            amount: r.amount,
            send_attempts: r.send_attempts,
        })
        .collect();
    let (by_state, by_status) = per_state_and_status(&report.by_state, &report.by_status);
    answers::BatchReport { batch_id: report.batch_id.clone(), paused: report.paused.clone(), rows, by_state, by_status }
        .to_json(case)
}

/// The totals alone: `batchId`, `paused`, `rows` (how many), `byState`, `byStatus` and
/// `complete`.
pub fn totals(totals: &Totals, case: Case) -> Value {
    let (by_state, by_status) = per_state_and_status(&totals.by_state, &totals.by_status);
    answers::BatchTotals {
        batch_id: totals.batch_id.clone(),
        paused: totals.paused.clone(),
        rows: totals.rows,
        by_state,
        by_status,
        complete: totals.is_complete(),
    }
    .to_json(case)
}

type PerStateAndStatus = (BTreeMap<StateName, answers::BatchTotal>, BTreeMap<String, answers::BatchTotal>);

fn per_state_and_status(
    by_state: &BTreeMap<&'static str, Total>,
    by_status: &BTreeMap<String, Total>,
) -> PerStateAndStatus {
    let total = |t: &Total| answers::BatchTotal { rows: t.rows, amounts: t.amounts.clone() };
    (
        by_state.iter().map(|(k, t)| (StateName(k), total(t))).collect(),
        by_status.iter().map(|(k, t)| (k.clone(), total(t))).collect(),
    )
}

/// The report as CSV text (the header names the columns).
pub fn report_csv(report: &Report) -> Result<String, Error> {
    let mut out = Vec::new();
    report.write_csv(&mut out).map_err(|e| Error::Internal(format!("writing the report as CSV: {e}")))?;
    String::from_utf8(out).map_err(|e| Error::Internal(format!("the CSV report is not UTF-8: {e}")))
}

fn row_errors(rows: &[RowError], case: Case) -> Value {
    Value::Array(
        rows.iter()
            .map(|r| {
                let violations: &[Violation] = match &r.problem {
                    RowProblem::Invalid(v) => v,
                    _ => &[],
                };
                let violations: Vec<Value> = violations
                    .iter()
                    .map(|v| json!({ "path": v.path.in_case(case), "rule": v.rule.as_str(), "message": v.message }))
                    .collect();
                object(
                    case,
                    [
                        ("rowNumber", r.row_number.into()),
                        ("problem", r.problem.kind().into()),
                        ("message", r.problem.to_string().into()),
                        ("violations", Value::Array(violations)),
                    ],
                )
            })
            .collect(),
    )
}

/// The fields of a batch error, named in `case`: `kind`, `code` and `message`, then what
/// each kind carries. A gateway client error or a setting error is the core's own.
pub fn batch_error_fields(error: &BatchError, case: Case) -> Value {
    match error {
        BatchError::Client(e) => return error_fields(e, case),
        BatchError::Config(_) => return error_fields(&Error::config(error.to_string()), case),
        _ => {}
    }
    let mut fields =
        vec![("kind", error.kind().into()), ("code", error.code().into()), ("message", error.to_string().into())];
    match error {
        BatchError::InvalidRows(rows) => fields.push(("rows", row_errors(rows, case))),
        BatchError::Input { source_name, .. } => fields.push(("source", source_name.clone().into())),
        BatchError::Output { path, .. } => fields.push(("path", path.to_string_lossy().into_owned().into())),
        BatchError::NotAJournal { .. } | BatchError::JournalInUse { .. } | BatchError::Journal(_) => {
            fields.push(("reason", error.journal_reason().into()));
        }
        BatchError::InsufficientBalance { currency, needed, available } => {
            fields.push(("currency", currency.clone().into()));
            fields.push(("needed", needed.to_string().into()));
            fields.push(("available", available.map(|a| a.to_string()).into()));
        }
        BatchError::CallbackDisagrees { order_no, detail } => {
            fields.push(("orderNo", order_no.clone().into()));
            fields.push(("detail", detail.clone().into()));
        }
        _ => {}
    }
    object(case, fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use smilepayz_batch::ReportRow;

    #[test]
    fn run_settings_read_either_case_and_zero_means_never() {
        let snake = RunSettings::from_json(json!({"concurrency": 4, "rate": 20, "stop_after_same_rejections": 0,
            "not_found_grace_ms": 1500, "settle_within_ms": 0, "lease_ms": 60000}))
        .unwrap()
        .options(None, StopHandle::new())
        .unwrap();
        assert_eq!(snake.concurrency, 4);
        assert_eq!(snake.rate_per_second, Some(20));
        assert_eq!(snake.stop_after_same_rejections, None);
        assert_eq!(snake.not_found_grace, Duration::from_millis(1500));
        assert_eq!(snake.settle_within, None);
        assert_eq!(snake.lease, Duration::from_secs(60));
        let camel = RunSettings::from_json(json!({"ratePerSecond": 5, "settleWithinMs": 2000, "maxWaitMs": 10}))
            .unwrap()
            .options(None, StopHandle::new())
            .unwrap();
        assert_eq!(camel.rate_per_second, Some(5));
        assert_eq!(camel.settle_within, Some(Duration::from_secs(2)));
        assert_eq!(camel.max_wait, Duration::from_millis(10));
        assert_eq!(camel.concurrency, RunOptions::default().concurrency);
    }

    #[test]
    fn wrong_run_settings_name_the_setting() {
        let unknown = RunSettings::from_json(json!({"concurency": 4})).unwrap_err().to_string();
        assert!(unknown.contains("concurency"), "{unknown}");
        let negative = RunSettings::from_json(json!({"rate": -1})).unwrap_err().to_string();
        assert!(negative.contains("rate"), "{negative}");
        let float = RunSettings::from_json(json!({"concurrency": 2.5})).unwrap_err().to_string();
        assert!(float.contains("concurrency"), "{float}");
        let skip = AddSettings::from_json(json!({"skip_invalid": "yes"})).unwrap_err().to_string();
        assert!(skip.contains("skip_invalid"), "{skip}");
        assert!(AddSettings::from_json(json!({"skipInvalid": true})).unwrap().options().skip_invalid);
    }

    #[test]
    fn answers_name_their_fields_in_case_and_keep_map_keys_and_amounts_as_written() {
        let idr = |a: &str| Total { rows: 1, amounts: BTreeMap::from([("IDR".to_owned(), a.parse().unwrap())]) };
        let row = ReportRow {
            row_number: 1,
            order_no: "ORDER0001".into(),
            trade_no: None,
            state: "final",
            status: Some("IN_PROCESS".into()),
            gateway_code: None,
            message: None,
            currency: "IDR".into(),
            amount: "0.30".parse().unwrap(),
            send_attempts: 1,
        };
        let report = Report {
            batch_id: "b".into(),
            paused: None,
            rows: vec![row],
            by_state: BTreeMap::from([("final", idr("0.30"))]),
            by_status: BTreeMap::from([("IN_PROCESS".to_owned(), idr("0.30"))]),
        };
        let total = json!({"rows": 1, "amounts": {"IDR": "0.30"}});
        let camel = super::report(&report, Case::Camel);
        assert_eq!(camel["byStatus"], json!({"IN_PROCESS": total}));
        assert_eq!(camel["byState"], json!({"final": total}));
        assert_eq!(camel["rows"][0]["sendAttempts"], 1);
        assert_eq!(camel["rows"][0]["amount"], "0.30");
        let snake = super::report(&report, Case::Snake);
        assert_eq!(snake["by_status"], json!({"IN_PROCESS": total}));
        assert_eq!(snake["rows"][0]["order_no"], "ORDER0001");
        let progress =
            Progress { counts: BTreeMap::from([("pending", 2)]), sent: 0, elapsed: Duration::from_millis(1500) };
        let camel = super::progress(&progress, Case::Camel);
        assert_eq!(camel["elapsedMs"], 1500);
        let zero = json!({"pending": 2, "sending": 0, "accepted": 0, "rejected": 0, "unknown": 0, "final": 0});
        assert_eq!(camel["counts"], zero);
        assert!(camel["etaMs"].is_null() && camel.get("eta_ms").is_none());
    }

    #[test]
    fn batch_errors_keep_the_core_kind_for_client_and_setting_errors() {
        let client = batch_error_fields(&BatchError::Client(Error::Transport("down".into())), Case::Snake);
        assert_eq!(client["kind"], "transport");
        let config = batch_error_fields(&BatchError::Config("concurrency must be at least 1".into()), Case::Snake);
        assert_eq!(config["kind"], "config");
        assert!(config["message"].as_str().unwrap().contains("concurrency must be at least 1"));
        let short = BatchError::InsufficientBalance {
            currency: "IDR".into(),
            needed: "1000000.50".parse().unwrap(),
            available: Some("999999.99".parse().unwrap()),
        };
        let fields = batch_error_fields(&short, Case::Snake);
        assert_eq!(fields["needed"], "1000000.50");
        assert_eq!(fields["available"], "999999.99");
        assert_eq!(fields["code"], "SMILEPAYZ_INSUFFICIENT_BALANCE");
    }
}
