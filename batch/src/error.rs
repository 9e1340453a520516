//! The batch runner's errors: what went wrong with the input (per row), the journal, the
//! report file, or the gateway. None carries the merchant secret or key: the journal
//! never sees them.

use rust_decimal::Decimal;
use smilepayz::Violation;
use std::fmt;
use std::path::PathBuf;

/// Why one input row cannot be journaled.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RowProblem {
    /// The row breaks request rules; every violation, with its field path (snake_case).
    Invalid(Vec<Violation>),
    /// The row could not be read at all (invalid UTF-8, not JSON, too long, wrong number
    /// of CSV fields).
    Unreadable(String),
    /// Another row (of this batch or another batch in the same journal) has this orderNo.
    DuplicateOrderNo {
        /// The order number.
        order_no: String,
        /// The batch holding the first row with it.
        batch_id: String,
        /// That row's number.
        row_number: u64,
    },
    /// The row was journaled before with other content: refused, never sent again.
    Changed {
        /// The order number journaled for the row.
        order_no: String,
    },
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowProblem::Invalid(violations) => {
                for (i, v) in violations.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{}: {}", v.path, v.message)?;
                }
                Ok(())
            }
            RowProblem::Unreadable(why) => f.write_str(why),
            RowProblem::DuplicateOrderNo { order_no, batch_id, row_number } => {
                write!(f, "orderNo {order_no} is already used by row {row_number} of batch {batch_id:?}")
            }
            RowProblem::Changed { order_no } => write!(
                f,
                "the row changed after it was journaled as orderNo {order_no}; refused (a journaled row is never replaced)"
            ),
        }
    }
}

/// A refused row: its number (1-based: the CSV record after the header, the JSON Lines
/// line, the position in `add`) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// The row number.
    pub row_number: u64,
    /// What is wrong with it.
    pub problem: RowProblem,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}: {}", self.row_number, self.problem)
    }
}

/// Rows listed in full by `Display`; the rest are counted (all are in the error).
const SHOWN_ROWS: usize = 20;

/// Everything that can go wrong with a batch.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// Some rows are invalid; nothing was journaled (unless `skip_invalid` was set, which
    /// journals the others and reports these in the summary instead).
    #[error("{}", invalid_rows(.0))]
    InvalidRows(Vec<RowError>),
    /// The input as a whole cannot be read (no header, no rows, a bad header, I/O).
    #[error("{source_name}: {message}")]
    Input {
        /// The file, or `rows` for rows from code.
        source_name: String,
        /// What is wrong.
        message: String,
    },
    /// The report file cannot be created or written (a missing directory, no
    /// permission, a full disk); the file may hold part of the report.
    #[error("{}: cannot write the report: {message}", path.display())]
    Output {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        message: String,
    },
    /// The journal file exists but is not a batch journal (or not SQLite at all).
    #[error("{}: not a smilepayz batch journal: {detail}", path.display())]
    NotAJournal {
        /// The file.
        path: PathBuf,
        /// What was found.
        detail: String,
    },
    /// Another runner holds the journal.
    #[error("{}: the journal is in use by another process (one runner per journal file)", path.display())]
    JournalInUse {
        /// The file.
        path: PathBuf,
    },
    /// The journal failed to read or write.
    #[error("journal error: {0}")]
    Journal(String),
    /// A pre-flight check found the balance short (nothing was sent).
    #[error("{}", short_balance(.currency, .needed, .available.as_ref()))]
    InsufficientBalance {
        /// The currency.
        currency: String,
        /// The batch's total still to send.
        needed: Decimal,
        /// The balance inquiry's available amount; `None` when it named no balance in
        /// this currency.
        available: Option<Decimal>,
    },
    /// A confirmed callback's money differs from the journaled row's: not recorded.
    #[error("the confirmed callback for {order_no} does not match the journaled row: {detail}")]
    CallbackDisagrees {
        /// The order number.
        order_no: String,
        /// What differs.
        detail: String,
    },
    /// The gateway client failed outside any row (e.g. a balance inquiry).
    #[error(transparent)]
    Client(#[from] smilepayz::Error),
    /// A setting is wrong (a batch id, a concurrency of zero, …).
    #[error("batch setting error: {0}")]
    Config(String),
}

fn short_balance(currency: &str, needed: &Decimal, available: Option<&Decimal>) -> String {
    match available {
        Some(a) => format!("the balance does not cover the batch in {currency}: {needed} to send, {a} available"),
        None => format!("the balance inquiry reports no {currency} balance; the batch has {needed} {currency} to send"),
    }
}

fn invalid_rows(rows: &[RowError]) -> String {
    let mut text =
        format!("{} invalid row{}; nothing was journaled: ", rows.len(), if rows.len() == 1 { "" } else { "s" });
    for (i, row) in rows.iter().take(SHOWN_ROWS).enumerate() {
        if i > 0 {
            text.push_str(" | ");
        }
        text.push_str(&row.to_string());
    }
    if rows.len() > SHOWN_ROWS {
        text.push_str(&format!(" | … and {} more", rows.len() - SHOWN_ROWS));
    }
    text
}

impl RowProblem {
    /// The stable name of the problem: `invalid`, `unreadable`, `duplicate_order_no` or
    /// `changed`.
    pub fn kind(&self) -> &'static str {
        match self {
            RowProblem::Invalid(_) => "invalid",
            RowProblem::Unreadable(_) => "unreadable",
            RowProblem::DuplicateOrderNo { .. } => "duplicate_order_no",
            RowProblem::Changed { .. } => "changed",
        }
    }
}

impl BatchError {
    /// The stable name of the error's kind, as the bindings and the command line report
    /// it; a gateway client error and a setting error keep the core's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            BatchError::InvalidRows(_) => "batch_rows",
            BatchError::Input { .. } => "batch_input",
            BatchError::Output { .. } => "batch_output",
            BatchError::NotAJournal { .. } | BatchError::JournalInUse { .. } | BatchError::Journal(_) => "journal",
            BatchError::InsufficientBalance { .. } => "insufficient_balance",
            BatchError::CallbackDisagrees { .. } => "callback_disagrees",
            BatchError::Client(e) => e.kind(),
            BatchError::Config(_) => smilepayz::Error::config("").kind(),
        }
    }

    /// The stable code (`SMILEPAYZ_…`), as Node's `error.code`.
    pub fn code(&self) -> &'static str {
        match self {
            BatchError::InvalidRows(_) => "SMILEPAYZ_BATCH_ROWS",
            BatchError::Input { .. } => "SMILEPAYZ_BATCH_INPUT",
            BatchError::Output { .. } => "SMILEPAYZ_BATCH_OUTPUT",
            BatchError::NotAJournal { .. } | BatchError::JournalInUse { .. } | BatchError::Journal(_) => {
                "SMILEPAYZ_JOURNAL"
            }
            BatchError::InsufficientBalance { .. } => "SMILEPAYZ_INSUFFICIENT_BALANCE",
            BatchError::CallbackDisagrees { .. } => "SMILEPAYZ_CALLBACK_DISAGREES",
            BatchError::Client(e) => e.code(),
            BatchError::Config(_) => smilepayz::Error::config("").code(),
        }
    }

    /// For a journal error: `not_a_journal`, `in_use` or `failed`.
    pub fn journal_reason(&self) -> Option<&'static str> {
        match self {
            BatchError::NotAJournal { .. } => Some("not_a_journal"),
            BatchError::JournalInUse { .. } => Some("in_use"),
            BatchError::Journal(_) => Some("failed"),
            _ => None,
        }
    }
}
