//! What both bindings (and the command line) share for batches: run and add settings
//! read from a mapping, and summaries, progress, reports and batch errors as JSON in the
//! binding's case. The rules themselves live in `smilepayz-batch`.

use crate::answers::error_fields;
use crate::settings::{millis, read, whole};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use smilepayz::validation::{Case, in_case};
use smilepayz::{Error, Violation};
use smilepayz_batch::{
    AddOptions, AddSummary, BatchError, Coverage, OnProgress, Progress, Report, RowError, RowProblem, RunOptions,
    RunSummary, StopHandle, Total,
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

fn millis_of(d: Duration) -> Value {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).into()
}

/// What an add did: `added`, `unchanged`, and the `skipped` rows (with `skip_invalid`).
pub fn add_summary(summary: &AddSummary, case: Case) -> Value {
    object(
        case,
        [
            ("added", summary.added.into()),
            ("unchanged", summary.unchanged.into()),
            ("skipped", row_errors(&summary.skipped, case)),
        ],
    )
}

/// How a run ended: rows per state, `sent`, `paused` (the stop rule's reason), `stopped`
/// and `finished` (no row pending, sending or unknown).
pub fn run_summary(summary: &RunSummary, case: Case) -> Value {
    object(
        case,
        [
            ("counts", json!(summary.counts)),
            ("sent", summary.sent.into()),
            ("paused", summary.paused.clone().into()),
            ("stopped", summary.stopped.into()),
            ("finished", summary.is_finished().into()),
        ],
    )
}

/// Progress: rows per state, `sent`, `elapsedMs`, `ratePerSecond` (pay-outs handed to
/// the client per second, a measurement, not money) and `etaMs` (null before a rate).
pub fn progress(progress: &Progress, case: Case) -> Value {
    object(
        case,
        [
            ("counts", json!(progress.counts)),
            ("sent", progress.sent.into()),
            ("elapsedMs", millis_of(progress.elapsed)),
            ("ratePerSecond", json!(progress.rate_per_second())),
            ("etaMs", progress.eta().map(millis_of).into()),
        ],
    )
}

/// The pre-flight per currency: `needed` and `available`, exact decimal strings.
pub fn coverage(coverage: &BTreeMap<String, Coverage>, case: Case) -> Value {
    let per: Map<String, Value> = coverage
        .iter()
        .map(|(currency, c)| {
            let entry =
                object(case, [("needed", c.needed.to_string().into()), ("available", c.available.to_string().into())]);
            (currency.clone(), entry)
        })
        .collect();
    Value::Object(per)
}

/// The report: `batchId`, `paused`, every row, and totals `byState` and `byStatus`
/// (`rows` and `amounts` per currency, exact decimal strings).
pub fn report(report: &Report, case: Case) -> Value {
    let rows: Vec<Value> = report
        .rows
        .iter()
        .map(|r| {
            object(
                case,
                [
                    ("rowNumber", r.row_number.into()),
                    ("orderNo", r.order_no.clone().into()),
                    ("tradeNo", r.trade_no.clone().into()),
                    ("state", r.state.into()),
                    ("status", r.status.clone().into()),
                    ("gatewayCode", r.gateway_code.clone().into()),
                    ("message", r.message.clone().into()),
                    ("currency", r.currency.clone().into()),
                    ("amount", r.amount.to_string().into()),
                    ("sendAttempts", r.send_attempts.into()),
                ],
            )
        })
        .collect();
    let totals = |map: &mut dyn Iterator<Item = (String, &Total)>| -> Value {
        Value::Object(map.map(|(k, t)| (k, total(t, case))).collect())
    };
    object(
        case,
        [
            ("batchId", report.batch_id.clone().into()),
            ("paused", report.paused.clone().into()),
            ("rows", Value::Array(rows)),
            ("byState", totals(&mut report.by_state.iter().map(|(k, t)| ((*k).to_owned(), t)))),
            ("byStatus", totals(&mut report.by_status.iter().map(|(k, t)| (k.clone(), t)))),
        ],
    )
}

fn total(t: &Total, case: Case) -> Value {
    let amounts: Map<String, Value> = t.amounts.iter().map(|(c, a)| (c.clone(), a.to_string().into())).collect();
    object(case, [("rows", t.rows.into()), ("amounts", Value::Object(amounts))])
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
