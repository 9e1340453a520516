//! Where a command writes: human lines, or one JSON document with `--json`. Write errors
//! (a closed pipe) are ignored: the exit code still tells the outcome.

use serde_json::Value;
use smilepayz::Status;
use smilepayz::models::Money;
use std::io::Write;

/// The two streams of a run and the chosen format.
pub(crate) struct Output<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    pub(crate) json: bool,
}

impl<'a> Output<'a> {
    pub(crate) fn new(out: &'a mut dyn Write, err: &'a mut dyn Write, json: bool) -> Self {
        Output { out, err, json }
    }

    /// A line on stdout, flushed (a script may be waiting for it, e.g. `mock`).
    pub(crate) fn line(&mut self, text: &str) {
        let _ = writeln!(self.out, "{text}");
        let _ = self.out.flush();
    }

    /// A note on stderr.
    pub(crate) fn note(&mut self, text: &str) {
        let _ = writeln!(self.err, "{text}");
        let _ = self.err.flush();
    }

    /// `value` as one JSON line with `--json`, else the human `lines`.
    pub(crate) fn result(&mut self, value: &Value, human: impl FnOnce() -> String) {
        if self.json {
            self.line(&value.to_string());
        } else {
            self.line(&human());
        }
    }
}

/// `IDR 150000`, or `(none)`.
pub(crate) fn money(money: Option<&Money>) -> String {
    money.map_or_else(|| "(none)".to_owned(), |m| format!("{} {}", m.currency, m.amount))
}

/// `SUCCESS`, or `(none)`.
pub(crate) fn status(status: Option<&Status>) -> String {
    status.map_or_else(|| "(none)".to_owned(), |s| s.as_str().to_owned())
}
