//! The batch answers both bindings give (summaries, progress, pre-flight, report), declared
//! once here because this is where their JSON shape is decided (milliseconds, the rate,
//! `finished`, amounts as exact text): each struct below is what `batch.rs` writes, field
//! for field ([`ToJson`]), and with feature `describe` the same declaration describes
//! itself for the generated Python and TypeScript types, so the two cannot drift.

use serde_json::{Map, Value};
use smilepayz::Decimal;
use smilepayz::validation::{Case, FieldPath};
use smilepayz_batch::State;
use std::collections::BTreeMap;
use std::time::Duration;

/// A value as JSON, with the keys of its own fields named in `case`.
pub trait ToJson {
    /// The JSON value.
    fn to_json(&self, case: Case) -> Value;
}

/// Declares an answer struct, its [`ToJson`] (each field under its name in the binding's
/// case) and, with feature `describe`, its `Describe`, all from the same tokens.
macro_rules! answer {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($(#[$fmeta:meta])* pub $field:ident : $fty:ty),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq)]
        pub struct $name {
            $($(#[$fmeta])* pub $field: $fty,)*
        }

        impl ToJson for $name {
            fn to_json(&self, case: Case) -> Value {
                let mut object = Map::new();
                $(object.insert(key(stringify!($field), case), self.$field.to_json(case));)*
                Value::Object(object)
            }
        }

        #[cfg(feature = "describe")]
        impl smilepayz::describe::Describe for $name {
            fn ty() -> smilepayz::describe::Ty {
                smilepayz::describe::Ty::Record(smilepayz::__describe_record!(
                    $name [$($meta)*] { $([$($fmeta)*] $field: $fty),* }
                ))
            }
        }
    };
}

/// A field name (snake_case in Rust) in `case`.
fn key(snake: &str, case: Case) -> String {
    match case {
        Case::Snake => snake.to_owned(),
        Case::Camel => FieldPath::snake(snake).in_case(Case::Camel).to_owned(),
    }
}

answer! {
    /// What an add did: rows added, rows already journaled with the same content, and the
    /// refused rows it left out (when told to skip invalid rows).
    pub struct AddSummary {
        /// Rows journaled by this add (now pending).
        pub added: u64,
        /// Rows already journaled with the same content (a re-run of the same input).
        pub unchanged: u64,
        /// Rows refused and left out (only when told to skip invalid rows).
        pub skipped: RowErrors,
    }
}

answer! {
    /// How a run ended: rows per state, pay-outs sent, why the stop rule paused the batch,
    /// whether it was stopped, and whether it is finished.
    pub struct RunSummary {
        /// Rows per state at the end.
        pub counts: Counts,
        /// Pay-outs handed to the gateway client in this run.
        pub sent: u64,
        /// Why the stop rule paused the batch, or none.
        pub paused: Option<String>,
        /// True when the run was stopped from taking rows (a stop signal, Ctrl-C, cancellation).
        pub stopped: bool,
        /// True when no row is pending, sending or unknown.
        pub finished: bool,
    }
}

answer! {
    /// Progress of a run, reported after every row that changed state.
    pub struct BatchProgress {
        /// Rows per state.
        pub counts: Counts,
        /// Pay-outs handed to the gateway client in this run.
        pub sent: u64,
        /// Milliseconds since the run started.
        pub elapsed_ms: u64,
        /// Pay-outs per second (a measurement, not money).
        pub rate_per_second: f64,
        /// Milliseconds still needed at this rate; none before there is a rate.
        pub eta_ms: Option<u64>,
    }
}

answer! {
    /// The pre-flight of one currency: what the batch still has to send, and the available
    /// balance (exact).
    pub struct Coverage {
        /// The sum of the pending rows' amounts.
        pub needed: Decimal,
        /// The available balance the gateway reported.
        pub available: Decimal,
    }
}

answer! {
    /// One row of a batch report (the amount exact).
    pub struct ReportRow {
        /// 1-based row number.
        pub row_number: u64,
        /// The order number.
        pub order_no: String,
        /// The gateway's trade number, once known.
        pub trade_no: Option<String>,
        /// Where the row stands.
        pub state: StateName,
        /// The gateway's status (PROCESSING, SUCCESS, FAILED, ...), once known.
        pub status: Option<String>,
        /// The gateway's code (of a refusal, or of the last answer).
        pub gateway_code: Option<String>,
        /// What happened last.
        pub message: Option<String>,
        /// The currency code.
        pub currency: String,
        /// The amount, exact.
        pub amount: Decimal,
        /// How many times the pay-out was handed to the gateway client.
        pub send_attempts: u64,
    }
}

answer! {
    /// Rows and exact amounts per currency of one state or status.
    pub struct BatchTotal {
        /// How many rows.
        pub rows: u64,
        /// Their amounts per currency, exact.
        pub amounts: BTreeMap<String, Decimal>,
    }
}

answer! {
    /// A batch's report: every row, and totals per state and per final status.
    pub struct BatchReport {
        /// The batch id.
        pub batch_id: String,
        /// Why the batch is paused (a stop rule), if it is.
        pub paused: Option<String>,
        /// Every row, by row number.
        pub rows: Vec<ReportRow>,
        /// Totals per state (final rows are counted once more, per status, in the totals per status).
        pub by_state: BTreeMap<StateName, BatchTotal>,
        /// Totals of final rows per status (SUCCESS, FAILED, ...).
        pub by_status: BTreeMap<String, BatchTotal>,
    }
}

answer! {
    /// A batch's totals without its rows (counted a journal page at a time): per state and
    /// per final status, exact per currency.
    pub struct BatchTotals {
        /// The batch id.
        pub batch_id: String,
        /// Why the batch is paused (a stop rule), if it is.
        pub paused: Option<String>,
        /// How many rows the batch has.
        pub rows: u64,
        /// Totals per state (final rows are counted once more, per status, in the totals per status).
        pub by_state: BTreeMap<StateName, BatchTotal>,
        /// Totals of final rows per status (SUCCESS, FAILED, ...).
        pub by_status: BTreeMap<String, BatchTotal>,
        /// True when every row is final or rejected (also when the batch has no rows).
        pub complete: bool,
    }
}

/// A row state's name, as the batch crate reports it (`pending`, ..., `final`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct StateName(pub &'static str);

#[cfg(feature = "describe")]
impl smilepayz::describe::Describe for StateName {
    fn ty() -> smilepayz::describe::Ty {
        smilepayz::describe::Ty::Choice(smilepayz::describe::ChoiceSet {
            name: "BatchState",
            doc: "Where a row of a batch stands (a final row's gateway status is in `status`).".to_owned(),
            values: State::VISIBLE.iter().map(|s| (s.as_str(), String::new())).collect(),
        })
    }
}

/// Refused rows, as `batch.rs` writes them for errors too (`BatchRowError`, declared once
/// with the errors).
#[derive(Clone, Debug, PartialEq)]
pub struct RowErrors(pub Value);

#[cfg(feature = "describe")]
impl smilepayz::describe::Describe for RowErrors {
    fn ty() -> smilepayz::describe::Ty {
        smilepayz::describe::Ty::List(Box::new(smilepayz::describe::Ty::Named("BatchRowError")))
    }
}

impl ToJson for RowErrors {
    fn to_json(&self, _: Case) -> Value {
        self.0.clone()
    }
}

impl ToJson for StateName {
    fn to_json(&self, _: Case) -> Value {
        self.0.into()
    }
}

impl ToJson for u64 {
    fn to_json(&self, _: Case) -> Value {
        (*self).into()
    }
}

impl ToJson for bool {
    fn to_json(&self, _: Case) -> Value {
        (*self).into()
    }
}

impl ToJson for f64 {
    fn to_json(&self, _: Case) -> Value {
        (*self).into()
    }
}

impl ToJson for String {
    fn to_json(&self, _: Case) -> Value {
        self.clone().into()
    }
}

impl ToJson for Decimal {
    /// Exact text, digit for digit.
    fn to_json(&self, _: Case) -> Value {
        self.to_string().into()
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self, case: Case) -> Value {
        self.as_ref().map_or(Value::Null, |v| v.to_json(case))
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self, case: Case) -> Value {
        Value::Array(self.iter().map(|v| v.to_json(case)).collect())
    }
}

/// Map keys (states, currencies, statuses) are data: kept as they are in every case.
impl<K: MapKey, V: ToJson> ToJson for BTreeMap<K, V> {
    fn to_json(&self, case: Case) -> Value {
        Value::Object(self.iter().map(|(k, v)| (k.text().to_owned(), v.to_json(case))).collect())
    }
}

/// What a map of an answer is keyed by.
pub trait MapKey {
    /// The key as written.
    fn text(&self) -> &str;
}

impl MapKey for String {
    fn text(&self) -> &str {
        self
    }
}

impl MapKey for StateName {
    fn text(&self) -> &str {
        self.0
    }
}

/// Milliseconds, saturating (a run does not last 584 million years).
pub(crate) fn millis_of(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Rows per state, every state named (0 when no row is in it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counts(pub BTreeMap<StateName, u64>);

impl Counts {
    /// The batch crate's counts, with every visible state (a missing one is 0).
    pub fn new(counts: &BTreeMap<&'static str, u64>) -> Counts {
        let every = State::VISIBLE.iter().map(|s| s.as_str());
        Counts(every.map(|s| (StateName(s), counts.get(s).copied().unwrap_or(0))).collect())
    }
}

#[cfg(feature = "describe")]
impl smilepayz::describe::Describe for Counts {
    fn ty() -> smilepayz::describe::Ty {
        use smilepayz::describe::Ty;
        Ty::Map { key: Box::new(StateName::ty()), value: Box::new(Ty::Int), every_key: true }
    }
}

impl ToJson for Counts {
    fn to_json(&self, case: Case) -> Value {
        self.0.to_json(case)
    }
}
