//! The journal: where every row, its intent and its outcome are made durable. One trait,
//! shaped for several workers (rows are claimed with a lease, every state change is a
//! compare-and-set on the state the caller saw), with the embedded SQLite file as the
//! embedded implementation and PostgreSQL (`FOR UPDATE SKIP LOCKED`) for several workers.

#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod group_commit;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

#[cfg(feature = "postgres")]
pub use postgres::PostgresJournal;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteJournal;

use crate::error::BatchError;
use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where a row stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    /// Written by an `add` that has not finished; never sent, removed if the add fails.
    Staged,
    /// Not sent yet (or proven absent at the gateway after a grace period).
    Pending,
    /// The intent is durable; the request may have left. Reconciled before anything else.
    Sending,
    /// The gateway accepted it; the status (e.g. PROCESSING) is not final yet.
    Accepted,
    /// The gateway refused it with a code; it did not take the order.
    Rejected,
    /// It may have reached the gateway; reconciled by inquiry, never resent blindly.
    Unknown,
    /// The gateway reports a final status (SUCCESS, FAILED, EXPIRED, CANCELLED).
    Final,
}

impl State {
    /// Every state a user can meet, in order.
    pub const VISIBLE: [State; 6] =
        [State::Pending, State::Sending, State::Accepted, State::Rejected, State::Unknown, State::Final];

    /// The stable lowercase name, as stored and reported.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Staged => "staged",
            State::Pending => "pending",
            State::Sending => "sending",
            State::Accepted => "accepted",
            State::Rejected => "rejected",
            State::Unknown => "unknown",
            State::Final => "final",
        }
    }

    /// The state named `name`.
    pub fn parse(name: &str) -> Option<State> {
        [State::Staged].into_iter().chain(State::VISIBLE).find(|s| s.as_str() == name)
    }

    /// True when nothing will change the row any more.
    pub fn is_done(self) -> bool {
        matches!(self, State::Rejected | State::Final)
    }
}

/// A validated row, ready to be staged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRow {
    /// 1-based row number in the batch's input.
    pub row_number: u64,
    /// The order number (from the row, or derived).
    pub order_no: String,
    /// The request mapping, canonical JSON (keys sorted, snake_case, with `region`).
    pub content: String,
    /// SHA-256 of `content`, hex.
    pub content_hash: String,
    /// The currency code.
    pub currency: String,
    /// The amount, exact decimal text.
    pub amount: String,
}

/// What staging one row found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Staged {
    /// Staged; becomes pending when the add is published.
    New,
    /// The same row with the same content is already journaled: nothing to do.
    Unchanged,
    /// The row number is journaled with other content.
    Changed {
        /// The order number journaled for it.
        order_no: String,
    },
    /// The orderNo belongs to another row.
    DuplicateOrderNo {
        /// That row's batch.
        batch_id: String,
        /// That row's number.
        row_number: u64,
    },
}

/// One journaled row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalRow {
    /// 1-based row number.
    pub row_number: u64,
    /// The order number.
    pub order_no: String,
    /// The request mapping, canonical JSON.
    pub content: String,
    /// The currency code.
    pub currency: String,
    /// The amount, exact decimal text.
    pub amount: String,
    /// Where it stands.
    pub state: State,
    /// The gateway's last status (PROCESSING, SUCCESS, …).
    pub status: Option<String>,
    /// The gateway's trade number.
    pub trade_no: Option<String>,
    /// The gateway's code of a refusal or of the last answer.
    pub gateway_code: Option<String>,
    /// What happened last, for people.
    pub message: Option<String>,
    /// How many times the pay-out was handed to the client (intents made durable).
    pub send_attempts: u64,
    /// When the last intent became durable, milliseconds since the Unix epoch.
    pub sent_at_ms: Option<u64>,
}

impl JournalRow {
    /// The amount, exact. The journal holds only amounts the core accepted, so text that
    /// is not a decimal means the journal was changed by other hands: an error naming the
    /// row, never a zero that would drop out of a total.
    pub(crate) fn exact_amount(&self) -> Result<rust_decimal::Decimal, BatchError> {
        self.amount
            .parse()
            .map_err(|e| BatchError::Journal(format!("row {}: amount {:?}: {e}", self.row_number, self.amount)))
    }
}

/// Held by an add from `begin_add` until it publishes or discards: no other add of the
/// batch runs meanwhile. What it holds is the journal's (a lock, a connection).
pub struct AddGuard {
    _held: Box<dyn std::any::Any + Send + Sync>,
}

impl AddGuard {
    /// A guard holding `held` until it is dropped.
    pub fn new(held: impl std::any::Any + Send + Sync) -> AddGuard {
        AddGuard { _held: Box::new(held) }
    }
}

impl std::fmt::Debug for AddGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AddGuard").finish_non_exhaustive()
    }
}

/// Which rows a worker claims, and for how long.
#[derive(Clone, Copy, Debug)]
pub struct Claim {
    /// The state the rows are in.
    pub state: State,
    /// Only rows numbered above this one.
    pub after_row: u64,
    /// At most this many rows.
    pub limit: usize,
    /// How long the claim holds unless renewed.
    pub lease: Duration,
}

/// A state change: the new state and what the gateway said.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Change {
    /// The gateway's status, when it gave one.
    pub status: Option<String>,
    /// The gateway's trade number, when it gave one.
    pub trade_no: Option<String>,
    /// The gateway's code.
    pub gateway_code: Option<String>,
    /// What happened.
    pub message: Option<String>,
}

/// Counts of rows per state.
pub type Counts = std::collections::BTreeMap<State, u64>;

/// A journal of batches. Every method is one transaction, committed durably before it
/// returns. State changes name the state the caller saw and do nothing (returning
/// `false`) when the row has moved on, so two workers never both act on one row.
pub trait Journal: Send + Sync + 'static {
    /// Creates the batch if it does not exist.
    fn ensure_batch(&self, batch_id: &str) -> impl Future<Output = Result<(), BatchError>> + Send;

    /// True when the batch exists (was created by an earlier open).
    fn has_batch(&self, batch_id: &str) -> impl Future<Output = Result<bool, BatchError>> + Send;

    /// Starts an add: waits until no other add of the batch runs (in any process sharing
    /// the journal), then removes rows staged by an add that never finished. The add
    /// holds the guard until it has published or discarded its rows: otherwise one add
    /// could publish rows another staged from an input with invalid rows, or remove
    /// them.
    fn begin_add(&self, batch_id: &str) -> impl Future<Output = Result<AddGuard, BatchError>> + Send;

    /// Stages rows (one transaction for all of them), reporting per row what it found.
    fn stage(&self, batch_id: &str, rows: Vec<NewRow>) -> impl Future<Output = Result<Vec<Staged>, BatchError>> + Send;

    /// Makes the staged rows pending; returns how many.
    fn publish(&self, batch_id: &str) -> impl Future<Output = Result<u64, BatchError>> + Send;

    /// Removes the staged rows.
    fn discard(&self, batch_id: &str) -> impl Future<Output = Result<(), BatchError>> + Send;

    /// Claims the rows `claim` describes that no other live worker holds, lowest row
    /// numbers first.
    fn claim(&self, batch_id: &str, claim: Claim) -> impl Future<Output = Result<Vec<JournalRow>, BatchError>> + Send;

    /// Pending → sending: the intent, durable before the request is handed to the client
    /// (clears the last gateway code and message). Renews this worker's claim for
    /// `lease` from now: the claim ran from when the row was claimed, and the pay-out
    /// about to leave stays this worker's while it may be in flight.
    fn mark_sending(
        &self,
        batch_id: &str,
        row_number: u64,
        lease: Duration,
    ) -> impl Future<Output = Result<bool, BatchError>> + Send;

    /// `step.0` → `step.1` with what the gateway said; releases the claim.
    fn change(
        &self,
        batch_id: &str,
        row: u64,
        step: (State, State),
        change: Change,
    ) -> impl Future<Output = Result<bool, BatchError>> + Send;

    /// The row of the batch with `order_no`, if any (staged rows excluded).
    fn find(
        &self,
        batch_id: &str,
        order_no: &str,
    ) -> impl Future<Output = Result<Option<JournalRow>, BatchError>> + Send;

    /// Up to `limit` rows of the batch numbered above `after_row`, by row number: a
    /// report or a total reads a batch a page at a time.
    fn rows(
        &self,
        batch_id: &str,
        after_row: u64,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<JournalRow>, BatchError>> + Send;

    /// Rows per state.
    fn counts(&self, batch_id: &str) -> impl Future<Output = Result<Counts, BatchError>> + Send;

    /// Pauses the batch with a reason, or clears the pause.
    fn set_paused(&self, batch_id: &str, reason: Option<String>)
    -> impl Future<Output = Result<(), BatchError>> + Send;

    /// Why the batch is paused, if it is.
    fn paused(&self, batch_id: &str) -> impl Future<Output = Result<Option<String>, BatchError>> + Send;
}

/// The tables of a journal, the same in every database: `int` is the database's 64-bit
/// integer type. The marker table names the schema version.
///
/// A row's request (written once, when it is added) and its state (changed two or
/// three times as it is sent) live in two tables: a state change then rewrites a short
/// record, so the few pages the rows in flight share hold them all, and a group commit
/// writes those few pages instead of one page of requests per row. No index covers the
/// state: every change would move its entry (and PostgreSQL could not update in place);
/// claims walk the primary key in row order from where the last claim ended.
pub(crate) fn schema(int: &str, states_options: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS smilepayz_batch_journal (schema_version {int} NOT NULL);
CREATE TABLE IF NOT EXISTS smilepayz_batch_batches (
    batch_id TEXT PRIMARY KEY,
    created_at_ms {int} NOT NULL,
    paused_reason TEXT
);
CREATE TABLE IF NOT EXISTS smilepayz_batch_rows (
    batch_id TEXT NOT NULL REFERENCES smilepayz_batch_batches(batch_id),
    row_number {int} NOT NULL,
    order_no TEXT NOT NULL UNIQUE,
    content TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount TEXT NOT NULL,
    PRIMARY KEY (batch_id, row_number)
);
CREATE TABLE IF NOT EXISTS smilepayz_batch_row_states (
    batch_id TEXT NOT NULL,
    row_number {int} NOT NULL,
    state TEXT NOT NULL,
    status TEXT,
    trade_no TEXT,
    gateway_code TEXT,
    message TEXT,
    send_attempts {int} NOT NULL DEFAULT 0,
    sent_at_ms {int},
    claimed_by TEXT,
    lease_until_ms {int},
    updated_at_ms {int} NOT NULL,
    PRIMARY KEY (batch_id, row_number),
    FOREIGN KEY (batch_id, row_number) REFERENCES smilepayz_batch_rows (batch_id, row_number)
){states_options};
"
    )
}

/// The marker table.
pub(crate) const MARKER_TABLE: &str = "smilepayz_batch_journal";
/// The schema version this runner reads and writes (2: states apart from requests).
pub(crate) const SCHEMA_VERSION: i64 = 2;

/// Removes the staged rows of batch `$1`: their states, then the requests left without
/// one. (SQLite reads `$1` as the first parameter too.)
pub(crate) const DISCARD: [&str; 2] = [
    "DELETE FROM smilepayz_batch_row_states WHERE batch_id = $1 AND state = 'staged'",
    "DELETE FROM smilepayz_batch_rows WHERE batch_id = $1 AND NOT EXISTS (SELECT 1 FROM smilepayz_batch_row_states s \
     WHERE s.batch_id = smilepayz_batch_rows.batch_id AND s.row_number = smilepayz_batch_rows.row_number)",
];

/// A row's request and state joined: `r` and `s` in `ROW_COLUMNS`.
pub(crate) const ROWS_JOINED: &str = "smilepayz_batch_rows r JOIN smilepayz_batch_row_states s \
                                      ON s.batch_id = r.batch_id AND s.row_number = r.row_number";

/// The columns a `JournalRow` is read from, in order, over `ROWS_JOINED`.
pub(crate) const ROW_COLUMNS: &str = "r.row_number, r.order_no, r.content, r.currency, r.amount, s.state, s.status, \
                                      s.trade_no, s.gateway_code, s.message, s.send_attempts, s.sent_at_ms";

/// Milliseconds since the Unix epoch: times in the journal outlive the process.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
