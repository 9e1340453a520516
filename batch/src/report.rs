//! The batch report: one line per row, and totals per state and currency as exact
//! decimals (`Decimal` sums of the journaled amount text; never a float).

use crate::error::BatchError;
use crate::journal::{JournalRow, State};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// One row as reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportRow {
    /// 1-based row number.
    pub row_number: u64,
    /// The order number.
    pub order_no: String,
    /// The gateway's trade number, once known.
    pub trade_no: Option<String>,
    /// `pending`, `sending`, `accepted`, `rejected`, `unknown` or `final`.
    pub state: &'static str,
    /// The gateway's status (PROCESSING, SUCCESS, FAILED, …), once known.
    pub status: Option<String>,
    /// The gateway's code (of a refusal, or of the last answer).
    pub gateway_code: Option<String>,
    /// What happened last.
    pub message: Option<String>,
    /// The currency code.
    pub currency: String,
    /// The amount, exact (a decimal string in JSON).
    #[serde(serialize_with = "decimal_text")]
    pub amount: Decimal,
    /// How many times the pay-out was handed to the gateway client.
    pub send_attempts: u64,
}

/// Rows and money in one state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Total {
    /// How many rows.
    pub rows: u64,
    /// Their amounts per currency (decimal strings in JSON).
    #[serde(serialize_with = "decimal_texts")]
    pub amounts: BTreeMap<String, Decimal>,
}

impl Total {
    fn add(&mut self, row: &ReportRow) {
        self.rows += 1;
        *self.amounts.entry(row.currency.clone()).or_default() += row.amount;
    }
}

/// A batch's report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The batch id.
    pub batch_id: String,
    /// Why the batch is paused (a stop rule), if it is.
    pub paused: Option<String>,
    /// Every row, by row number.
    pub rows: Vec<ReportRow>,
    /// Totals per state (`final` rows counted once more per status in `by_status`).
    pub by_state: BTreeMap<&'static str, Total>,
    /// Totals of final rows per status (SUCCESS, FAILED, …).
    pub by_status: BTreeMap<String, Total>,
}

/// A batch's totals without its rows: what [`Report`] sums, counted as the journal is
/// read a page at a time, so memory stays flat however many rows the batch has.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// The batch id.
    pub batch_id: String,
    /// Why the batch is paused (a stop rule), if it is.
    pub paused: Option<String>,
    /// How many rows the batch has.
    pub rows: u64,
    /// Totals per state (`final` rows counted once more per status in `by_status`).
    pub by_state: BTreeMap<&'static str, Total>,
    /// Totals of final rows per status (SUCCESS, FAILED, …).
    pub by_status: BTreeMap<String, Total>,
}

impl Totals {
    pub(crate) fn new(batch_id: &str) -> Totals {
        Totals { batch_id: batch_id.to_owned(), ..Totals::default() }
    }

    /// Counts `row` in its state (and, when final, in its status).
    pub(crate) fn add(&mut self, row: &ReportRow) {
        self.rows += 1;
        self.by_state.entry(row.state).or_default().add(row);
        if row.state == State::Final.as_str() {
            self.by_status.entry(row.status.clone().unwrap_or_default()).or_default().add(row);
        }
    }

    /// Rows in `state`.
    pub fn count(&self, state: State) -> u64 {
        rows_in(&self.by_state, state)
    }

    /// True when every row is final or rejected (so also for a batch without rows).
    pub fn is_complete(&self) -> bool {
        self.by_state.keys().all(|s| State::parse(s).is_some_and(State::is_done))
    }
}

impl Report {
    pub(crate) fn new(batch_id: &str, rows: Vec<ReportRow>, paused: Option<String>) -> Report {
        let mut totals = Totals::new(batch_id);
        for row in &rows {
            totals.add(row);
        }
        Report { batch_id: totals.batch_id, paused, rows, by_state: totals.by_state, by_status: totals.by_status }
    }

    /// Rows in `state`.
    pub fn count(&self, state: State) -> u64 {
        rows_in(&self.by_state, state)
    }

    /// True when every row is final or rejected.
    pub fn is_complete(&self) -> bool {
        self.rows.iter().all(|r| State::parse(r.state).is_some_and(State::is_done))
    }

    /// The rows as CSV, with a header.
    pub fn write_csv<W: std::io::Write>(&self, out: W) -> Result<(), csv::Error> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(CSV_HEADER)?;
        for r in &self.rows {
            w.write_record(csv_record(r))?;
        }
        w.flush()?;
        Ok(())
    }
}

const CSV_HEADER: [&str; 10] = [
    "row_number",
    "order_no",
    "trade_no",
    "state",
    "status",
    "gateway_code",
    "message",
    "currency",
    "amount",
    "send_attempts",
];

fn csv_record(r: &ReportRow) -> [String; 10] {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        r.row_number.to_string(),
        r.order_no.clone(),
        opt(&r.trade_no),
        r.state.to_owned(),
        opt(&r.status),
        opt(&r.gateway_code),
        opt(&r.message),
        r.currency.clone(),
        r.amount.to_string(),
        r.send_attempts.to_string(),
    ]
}

/// A CSV report written a row at a time (`Batch::write_report_csv`).
pub(crate) struct CsvReport<W: std::io::Write> {
    out: csv::Writer<W>,
    rows: u64,
}

impl<W: std::io::Write> CsvReport<W> {
    pub(crate) fn start(out: W) -> Result<Self, csv::Error> {
        let mut out = csv::Writer::from_writer(out);
        out.write_record(CSV_HEADER)?;
        Ok(CsvReport { out, rows: 0 })
    }

    pub(crate) fn write(&mut self, row: &ReportRow) -> Result<(), csv::Error> {
        self.rows += 1;
        self.out.write_record(csv_record(row))
    }

    /// Flushes; returns how many rows were written.
    pub(crate) fn finish(mut self) -> Result<u64, csv::Error> {
        self.out.flush()?;
        Ok(self.rows)
    }
}

fn rows_in(by_state: &BTreeMap<&'static str, Total>, state: State) -> u64 {
    by_state.get(state.as_str()).map_or(0, |t| t.rows)
}

fn decimal_text<S: serde::Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

fn decimal_texts<S: serde::Serializer>(m: &BTreeMap<String, Decimal>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(m.iter().map(|(k, v)| (k, v.to_string())))
}

pub(crate) fn report_row(r: JournalRow) -> Result<ReportRow, BatchError> {
    Ok(ReportRow {
        row_number: r.row_number,
        amount: r.exact_amount()?,
        order_no: r.order_no,
        trade_no: r.trade_no,
        state: r.state.as_str(),
        status: r.status,
        gateway_code: r.gateway_code,
        message: r.message,
        currency: r.currency,
        send_attempts: r.send_attempts,
    })
}
