//! The error kinds as both bindings expose them: per kind, a sample error (its `kind` and
//! `code` come from the core), what it means, and the shape of each field
//! [`error_fields`](crate::answers::error_fields) gives it. The type generator
//! (`codegen/`) writes Python's `errors.py` and the TypeScript error declarations from
//! this table, and a test checks the table against `error_fields`, so neither can drift.

use crate::answers::error_fields;
use crate::batch::batch_error_fields;
use serde_json::Value;
use smilepayz::callback::{CallbackMismatch, SignatureError, StaleCallback};
use smilepayz::models::{CallbackNotification, GatewayBody, OrderNo, StatusResponse};
use smilepayz::validation::Case;
use smilepayz::{ApiError, Decimal, Error, ProtocolError, UnknownCause};
use smilepayz_batch::{BatchError, RowError, RowProblem};

/// The shape of an error field's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Text.
    Str,
    /// A whole number.
    Int,
    /// A whole number or null.
    OptInt,
    /// One of these words (separated by spaces: one line each, however many).
    OneOf(&'static str),
    /// One of these words, or null.
    OptOneOf(&'static str),
    /// The violations of a validation error (`path`, `rule`, `message`).
    Violations,
    /// An order status or null.
    OptStatus,
    /// A callback body.
    Callback,
    /// A status inquiry answer.
    Inquiry,
    /// Text or null.
    OptStr,
    /// The refused rows of a batch input (`rowNumber`, `problem`, `message`, `violations`).
    Rows,
}

/// One field of an error kind.
#[derive(Clone, Copy, Debug)]
pub struct ErrorField {
    /// The camelCase name (Python gets it in snake_case).
    pub name: &'static str,
    /// Its shape.
    pub shape: Shape,
    /// What it holds.
    pub doc: &'static str,
}

/// One kind of error.
#[derive(Clone, Copy, Debug)]
pub struct ErrorKind {
    /// The fields (camelCase) of an error of this kind, for its `kind` and `code` and for
    /// the check.
    pub sample: fn() -> Value,
    /// What the kind means and what to do about it.
    pub doc: &'static str,
    /// Its fields besides `kind`, `code` and `message`, in order.
    pub fields: &'static [ErrorField],
}

impl ErrorKind {
    /// The kind's stable name, e.g. `validation`.
    pub fn kind(&self) -> String {
        (self.sample)()["kind"].as_str().unwrap_or_else(|| unreachable_sample()).to_owned()
    }

    /// The kind's stable code, e.g. `SMILEPAYZ_VALIDATION`.
    pub fn code(&self) -> String {
        (self.sample)()["code"].as_str().unwrap_or_else(|| unreachable_sample()).to_owned()
    }
}

fn core(error: Error) -> Value {
    error_fields(&error, Case::Camel)
}

fn batch(error: BatchError) -> Value {
    batch_error_fields(&error, Case::Camel)
}

const fn field(name: &'static str, shape: Shape, doc: &'static str) -> ErrorField {
    ErrorField { name, shape, doc }
}

const KEY_ERRORS: &str = "empty not_pem_or_base64 wrong_kind encrypted not_rsa too_small";
const UNKNOWN_CAUSES: &str = "timeout connection_lost server_error unreadable wrong_order redirect internal aborted";
const SIGNATURE_CHECKS: &str = "missing_header duplicate_header header_not_text body_too_large unparseable_body missing_trade_no bad_base64 bad_signature bad_timestamp too_old from_the_future";
const JOURNAL_REASONS: &str = "not_a_journal in_use failed";
const MISMATCH_FIELDS: &str = "orderNo tradeNo status money";
const CAUSE_DOC: &str = "What happened; `redirect`: a redirect, never followed; `internal`: the SDK failed after the pay-out may have left; `aborted`: the call was cancelled after the pay-out may have left.";
const MISMATCH_DOC: &str = "`orderNo`: missing, or no such order; `tradeNo`: the order has another trade number.";

/// Every error kind, in the order the core declares them.
pub const ERROR_KINDS: &[ErrorKind] = &[
    ErrorKind {
        sample: || core(Error::Validation(OrderNo::parse("?").err().unwrap_or_else(|| unreachable_sample()))),
        doc: "A request breaks rules; nothing was sent. `violations` lists every problem.",
        fields: &[field("violations", Shape::Violations, "Every broken rule: the field's path, the rule and why.")],
    },
    ErrorKind {
        sample: || core(Error::config("sample")),
        doc: "A setting is missing or wrong (never shows the secret or key).",
        fields: &[field(
            "keyError",
            Shape::OptOneOf(KEY_ERRORS),
            "The key mistake, when a key is one of the problems.",
        )],
    },
    ErrorKind {
        sample: || {
            core(Error::Api(ApiError {
                code: "5001".into(),
                message: "refused".into(),
                http_status: 200,
                raw_body: "{}".into(),
            }))
        },
        doc: "The gateway answered with a code other than `00`; `apiCode` and `apiMessage` are the gateway's.",
        fields: &[
            field("apiCode", Shape::Str, "The gateway's `code`, kept as sent."),
            field("apiMessage", Shape::Str, "The gateway's `message`."),
            field("httpStatus", Shape::Int, "The HTTP status."),
            field("rawBody", Shape::Str, "The body as received."),
        ],
    },
    ErrorKind {
        sample: || {
            core(Error::OutcomeUnknown {
                order_no: OrderNo::parse("SAMPLE0001").unwrap_or_else(|_| unreachable_sample()),
                cause: UnknownCause::Timeout,
            })
        },
        doc: "The pay-out may or may not have been accepted. Never send it again: reconcile it by its order number.",
        fields: &[
            field("orderNo", Shape::Str, "The order that may have been accepted."),
            field("reason", Shape::OneOf(UNKNOWN_CAUSES), CAUSE_DOC),
            field("reasonDetail", Shape::Str, "The reason in words."),
            field("httpStatus", Shape::OptInt, "The HTTP status for `server_error`, `unreadable` and `redirect`."),
        ],
    },
    ErrorKind {
        sample: || core(Error::Transport("sample".into())),
        doc: "Nothing reached the gateway (connection refused, DNS, TLS), or a read got no answer: safe to try again.",
        fields: &[],
    },
    ErrorKind {
        sample: || {
            core(Error::Protocol(ProtocolError {
                http_status: 200,
                detail: "sample".into(),
                body_excerpt: String::new(),
            }))
        },
        doc: "An inquiry's answer was not the documented JSON, even after retries.",
        fields: &[
            field("httpStatus", Shape::Int, "The HTTP status."),
            field("detail", Shape::Str, "What is wrong with the answer."),
            field("bodyExcerpt", Shape::Str, "The first characters of the body."),
        ],
    },
    ErrorKind {
        sample: || core(Error::Signature(SignatureError::BadSignature)),
        doc: "A callback failed verification.",
        fields: &[field("check", Shape::OneOf(SIGNATURE_CHECKS), "The check that failed.")],
    },
    ErrorKind {
        sample: || {
            core(Error::CallbackMismatch(CallbackMismatch {
                field: "status",
                callback_value: "SUCCESS".into(),
                gateway_value: "FAILED".into(),
            }))
        },
        doc: "A verified callback disagrees with the gateway's answer for its order: forged, altered (only `tradeNo` is signed) or about another order. Refuse it (HTTP 401) and book nothing.",
        fields: &[
            field("field", Shape::OneOf(MISMATCH_FIELDS), MISMATCH_DOC),
            field("callbackValue", Shape::Str, "What the callback claimed (`(none)` when it claimed nothing)."),
            field("gatewayValue", Shape::Str, "What the gateway answered."),
        ],
    },
    ErrorKind {
        sample: || core(Error::StaleCallback(Box::new(stale_sample()))),
        doc: "A genuine callback whose announced status the gateway has since moved past (e.g. PROCESSING announced, SUCCESS by the time it was confirmed). Its order, trade number and money were confirmed; only its status is old. Book the gateway's status under the callback's order number and acknowledge it (HTTP 200, `ACKNOWLEDGEMENT`), or Smilepayz sends it again. Deliberately not a callback mismatch: a handler that refuses mismatches must not refuse this.",
        fields: &[
            field("announcedStatus", Shape::OptStatus, "The status the callback announced."),
            field("gatewayStatus", Shape::OptStatus, "The gateway's current status: the one to book."),
            field("callback", Shape::Callback, "The callback as received (order and trade numbers confirmed)."),
            field("inquiry", Shape::Inquiry, "The gateway's answer, the authoritative state."),
        ],
    },
    ErrorKind {
        sample: || core(Error::Internal("sample".into())),
        doc: "A bug in the SDK (a caught panic), reported instead of crashing or hanging. A pay-out that may have left when it happened is an outcome-unknown error with cause `internal` instead. Please report it.",
        fields: &[],
    },
    ErrorKind {
        sample: || core(Error::Aborted("sample".into())),
        doc: "The call was cancelled (an `AbortSignal`, Ctrl-C) while nothing of it could have reached the gateway. A pay-out cancelled after it may have left is an outcome-unknown error with cause `aborted` instead.",
        fields: &[],
    },
    ErrorKind {
        sample: || {
            batch(BatchError::InvalidRows(vec![RowError {
                row_number: 1,
                problem: RowProblem::Unreadable("sample".into()),
            }]))
        },
        doc: "Rows of a batch input are refused; nothing of that input was journaled (unless invalid rows were skipped). `rows` lists each with its row number and why.",
        fields: &[field(
            "rows",
            Shape::Rows,
            "Every refused row: its number, the problem and, for an invalid row, its violations.",
        )],
    },
    ErrorKind {
        sample: || batch(BatchError::Input { source_name: "rows".into(), message: "no rows".into() }),
        doc: "A batch input as a whole cannot be read (no rows, a bad CSV header, a missing file); nothing was journaled.",
        fields: &[field("source", Shape::Str, "The file, or `rows` for rows from code.")],
    },
    ErrorKind {
        sample: || batch(BatchError::Output { path: "report.csv".into(), message: "No such file or directory".into() }),
        doc: "A batch report file cannot be created or written (a missing directory, no permission, a full disk); it may hold part of the report.",
        fields: &[field("path", Shape::Str, "The file.")],
    },
    ErrorKind {
        sample: || batch(BatchError::Journal("sample".into())),
        doc: "The batch journal cannot be used: not a journal, held by another runner, or a read or write failed. Nothing was sent after the failure; what was sent before is journaled.",
        fields: &[field(
            "reason",
            Shape::OneOf(JOURNAL_REASONS),
            "`not_a_journal`, `in_use` (one runner per SQLite file) or `failed`.",
        )],
    },
    ErrorKind {
        sample: || {
            batch(BatchError::InsufficientBalance { currency: "IDR".into(), needed: Decimal::ONE, available: None })
        },
        doc: "The pre-flight found the balance short of what the batch still has to send; nothing was sent.",
        fields: &[
            field("currency", Shape::Str, "The currency."),
            field("needed", Shape::Str, "The batch's total still to send, an exact decimal string."),
            field(
                "available",
                Shape::OptStr,
                "The available balance, an exact decimal string; null when the inquiry named none in this currency.",
            ),
        ],
    },
    ErrorKind {
        sample: || batch(BatchError::CallbackDisagrees { order_no: "SAMPLE0001".into(), detail: "sample".into() }),
        doc: "A confirmed callback's money differs from the journaled row; it was not recorded. Investigate before booking anything.",
        fields: &[field("orderNo", Shape::Str, "The order number."), field("detail", Shape::Str, "What differs.")],
    },
];

fn stale_sample() -> StaleCallback {
    let callback = CallbackNotification::from_json(br#"{"tradeNo":"T1","orderNo":"SAMPLE0001","status":"PROCESSING"}"#);
    let inquiry =
        StatusResponse::from_json(br#"{"code":"00","orderNo":"SAMPLE0001","tradeNo":"T1","status":"SUCCESS"}"#);
    match (callback, inquiry) {
        (Ok(callback), Ok(inquiry)) => StaleCallback { callback, inquiry },
        _ => unreachable_sample(),
    }
}

// The samples are constants the core accepts; reaching this is a bug in this table.
#[allow(clippy::panic)]
fn unreachable_sample() -> ! {
    panic!("an error sample of smilepayz-interop no longer builds")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn the_table_names_exactly_the_fields_error_fields_gives() {
        let mut kinds = BTreeSet::new();
        for kind in ERROR_KINDS {
            let fields = (kind.sample)();
            let name = kind.kind();
            assert!(kinds.insert(name.clone()), "{name} listed twice");
            let given: BTreeSet<&str> =
                fields.as_object().map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default();
            let mut declared: BTreeSet<&str> = kind.fields.iter().map(|f| f.name).collect();
            declared.extend(["kind", "code", "message"]);
            assert_eq!(given, declared, "fields of {name}");
            for f in kind.fields {
                let value = &fields[f.name];
                let fits = match f.shape {
                    Shape::Str => value.is_string(),
                    Shape::Int => value.is_u64(),
                    Shape::OptInt => value.is_u64() || value.is_null(),
                    Shape::OneOf(words) => value.as_str().is_some_and(|v| words.split(' ').any(|w| w == v)),
                    Shape::OptOneOf(words) => {
                        value.is_null() || value.as_str().is_some_and(|v| words.split(' ').any(|w| w == v))
                    }
                    Shape::Violations => value.as_array().is_some_and(|v| !v.is_empty()),
                    Shape::OptStatus => value.is_null() || value.is_string(),
                    Shape::Callback | Shape::Inquiry => value.is_object(),
                    Shape::OptStr => value.is_null() || value.is_string(),
                    Shape::Rows => value.as_array().is_some_and(|rows| {
                        !rows.is_empty()
                            && rows.iter().all(|r| {
                                r["rowNumber"].is_u64() && r["problem"].is_string() && r["violations"].is_array()
                            })
                    }),
                };
                assert!(fits, "{name}.{} = {value} is not {:?}", f.name, f.shape);
            }
        }
        // 11 kinds of smilepayz::Error, then 6 of smilepayz_batch::BatchError.
        assert_eq!(kinds.len(), 17, "every kind of smilepayz::Error and BatchError has a row");
    }
}
