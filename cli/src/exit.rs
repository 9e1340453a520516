//! The exit codes of `smilepayz`, one per thing a script must do differently, and the
//! failure every command returns: a message, its exit code and its fields for `--json`.

use serde_json::Value;
use smilepayz::{Case, Error};
use smilepayz_batch::BatchError;

/// How a run ended. The numbers are documented in `cli/README.md` and `--help`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Exit {
    /// 0: done (pay-out accepted, callback verified, answer printed, mock stopped).
    Success,
    /// 1: a failure of the tool itself (an SDK bug, the mock could not listen).
    Failure,
    /// 2: invalid input (flags, a body that is not JSON, a request breaking a rule);
    /// nothing was sent.
    InvalidInput,
    /// 3: configuration error (missing or bad merchant id, secret, key, URL).
    Config,
    /// 4: the gateway refused the request (its `code` is not `00`).
    Refused,
    /// 5: the outcome of a pay-out is unknown: do not resend, reconcile it.
    OutcomeUnknown,
    /// 6: the gateway could not be reached, or its answer to an inquiry was unreadable;
    /// nothing was changed.
    Unreachable,
    /// 7: a callback was refused (its signature, headers or body fail a check, or with
    /// `--confirm` the gateway disagrees).
    CallbackRefused,
    /// 130: interrupted by SIGINT or SIGTERM (outside `mock`, which stops with 0).
    Interrupted,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::InvalidInput => 2,
            Exit::Config => 3,
            Exit::Refused => 4,
            Exit::OutcomeUnknown => 5,
            Exit::Unreachable => 6,
            Exit::CallbackRefused => 7,
            Exit::Interrupted => 130,
        }
    }
}

/// Why a command stopped: printed on stderr, and as JSON on stdout with `--json`.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) exit: Exit,
    pub(crate) message: String,
    /// Fields for `--json` (`kind`, `message`, …).
    pub(crate) fields: Value,
}

impl Failure {
    pub(crate) fn new(exit: Exit, kind: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let fields = serde_json::json!({ "kind": kind, "message": message });
        Failure { exit, message, fields }
    }

    /// Bad input given to the tool itself (not the SDK's validation).
    pub(crate) fn input(message: impl Into<String>) -> Self {
        Failure::new(Exit::InvalidInput, "invalid_input", message)
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Failure::new(Exit::Config, "config", message)
    }
}

/// The exit code an SDK error earns.
pub(crate) fn exit_of(error: &Error) -> Exit {
    match error {
        Error::Validation(_) => Exit::InvalidInput,
        Error::Config { .. } => Exit::Config,
        Error::Api(_) => Exit::Refused,
        Error::OutcomeUnknown { .. } => Exit::OutcomeUnknown,
        Error::Transport(_) | Error::Protocol(_) => Exit::Unreachable,
        Error::Signature(_) | Error::CallbackMismatch(_) => Exit::CallbackRefused,
        _ => Exit::Failure,
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        let fields = smilepayz_interop::answers::error_fields(&error, Case::Snake);
        let message = match &error {
            Error::Validation(v) => v.clone().with_case(Case::Snake).to_string(),
            other => other.to_string(),
        };
        Failure { exit: exit_of(&error), message, fields }
    }
}

impl From<BatchError> for Failure {
    fn from(error: BatchError) -> Self {
        let error = match error {
            BatchError::Client(e) => return Failure::from(e),
            other => other,
        };
        let exit = match &error {
            // A report file that cannot be written is a bad `--output`, as before it existed.
            BatchError::InvalidRows(_) | BatchError::Input { .. } | BatchError::Output { .. } => Exit::InvalidInput,
            BatchError::NotAJournal { .. }
            | BatchError::JournalInUse { .. }
            | BatchError::Journal(_)
            | BatchError::Config(_) => Exit::Config,
            // Stopped before sending, as the stop rule stops a batch.
            BatchError::InsufficientBalance { .. } => Exit::Refused,
            _ => Exit::Failure,
        };
        let message = match &error {
            // Every row, not the first twenty the error's own text shows: the user fixes
            // the file from this list.
            BatchError::InvalidRows(rows) => {
                let mut text = format!("{} invalid row(s); nothing was journaled, nothing sent:", rows.len());
                for row in rows {
                    text.push_str(&format!("\n  {row}"));
                }
                text
            }
            other => other.to_string(),
        };
        let fields = smilepayz_interop::batch::batch_error_fields(&error, Case::Snake);
        Failure { exit, message, fields }
    }
}
