//! Batches of Smilepayz pay-outs with a crash-safe journal: give it rows (from code, a
//! CSV file or JSON Lines), and whatever crashes, every row reaches the gateway at most
//! once and ends with a known outcome.
//!
//! - [`Batch::add`] / [`Batch::add_file`] validate every row with the core's rules first
//!   (row numbers and field paths); nothing becomes sendable while a row is invalid,
//!   unless [`AddOptions::skip_invalid`]. Rows without an orderNo get one derived from
//!   the batch id and the row number ([`derived_order_no`]).
//! - [`Batch::run`] makes each intent durable in the [`Journal`] before the pay-out
//!   leaves and its outcome durable after the answer; rows that may have left are
//!   reconciled by inquiry before anything else is sent.
//! - [`Batch::preflight`] compares the total still to send per currency with the
//!   balance inquiry.
//! - [`Batch::record_callback`] records a confirmed callback (one call from the handler).
//! - [`Batch::report`] lists every row and totals per state and currency, exact (every
//!   row in memory); [`Batch::totals`] gives the totals alone, a page of rows at a time;
//!   [`Batch::save_report_csv`] streams the rows to a private file (0600)
//!   a journal page at a time, and [`Batch::write_report_csv`] to any writer.
//!
//! See `README.md` for the states, the guarantees and the journal's durability settings.

mod batch;
mod callbacks;
mod error;
mod input;
pub mod journal;
mod open;
mod preflight;
mod private_file;
mod report;
mod row;
mod runner;

pub use batch::{AddOptions, AddSummary, Batch};
pub use error::{BatchError, RowError, RowProblem};
pub use input::{Format, MAX_ROW_BYTES};
#[cfg(feature = "postgres")]
pub use journal::PostgresJournal;
#[cfg(feature = "sqlite")]
pub use journal::SqliteJournal;
pub use journal::{AddGuard, Journal, State};
pub use open::{AnyJournal, is_postgres_url, open_batch, redacted_location};
pub use preflight::Coverage;
pub use report::{Report, ReportRow, Total, Totals};
pub use row::derived_order_no;
pub use runner::{AbortAt, OnProgress, Progress, RunOptions, RunSummary, StopHandle};
