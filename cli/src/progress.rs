//! Progress of a batch run on stderr: a bar on a terminal (rows done of all, counts per
//! state, rate, ETA); plain lines every few seconds when stderr is a file or a pipe (no
//! control characters); nothing with `--json` or `--quiet`. Written straight to the
//! process's stderr, which is also what the Python and Node entry points hand over.

use indicatif::{HumanDuration, ProgressBar, ProgressDrawTarget, ProgressStyle};
use smilepayz_batch::{OnProgress, Progress, State};
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How often a plain progress line is written.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// Where progress goes for one run.
pub(crate) enum Display {
    Hidden,
    Bar(ProgressBar),
    Plain(Arc<Mutex<Option<Instant>>>),
}

impl Display {
    /// The display fit for this process's stderr.
    pub(crate) fn new(silent: bool) -> Display {
        if silent {
            Display::Hidden
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template("{wide_bar} {pos}/{len} rows done  {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            Display::Bar(bar)
        } else {
            Display::Plain(Arc::new(Mutex::new(None)))
        }
    }

    /// The run's progress callback, if anything is shown.
    pub(crate) fn callback(&self) -> Option<OnProgress> {
        match self {
            Display::Hidden => None,
            Display::Bar(bar) => {
                let bar = bar.clone();
                Some(Arc::new(move |p: &Progress| {
                    let (done, total) = done_of(p);
                    bar.set_length(total);
                    bar.set_position(done);
                    bar.set_message(describe(p));
                }))
            }
            Display::Plain(last) => {
                let last = Arc::clone(last);
                Some(Arc::new(move |p: &Progress| {
                    let mut last = last.lock().unwrap_or_else(PoisonError::into_inner);
                    if last.is_some_and(|t| t.elapsed() < PLAIN_EVERY) {
                        return;
                    }
                    *last = Some(Instant::now());
                    let (done, total) = done_of(p);
                    let _ = writeln!(std::io::stderr(), "progress: {done}/{total} rows done, {}", describe(p));
                }))
            }
        }
    }

    /// A note on stderr that does not tear the bar.
    pub(crate) fn note(&self, text: &str) {
        match self {
            Display::Bar(bar) => bar.suspend(|| eprintln!("{text}")),
            _ => eprintln!("{text}"),
        }
    }

    /// Removes the bar before the summary is printed.
    pub(crate) fn finish(&self) {
        if let Display::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

/// Rows that need nothing more sent or reconciled, of all rows.
fn done_of(p: &Progress) -> (u64, u64) {
    let total: u64 = p.counts.values().sum();
    let open: u64 = [State::Pending, State::Sending, State::Unknown]
        .iter()
        .map(|s| p.counts.get(s.as_str()).copied().unwrap_or(0))
        .sum();
    (total - open.min(total), total)
}

/// `accepted 3, final 2, pending 5; 12.5/s, ETA 1 second`.
fn describe(p: &Progress) -> String {
    let eta = p.eta().map_or_else(|| "ETA unknown".to_owned(), |d| format!("ETA {}", HumanDuration(d)));
    format!("{}; {:.1}/s, {eta}", counts(&p.counts), p.rate_per_second())
}

/// The non-zero counts, `accepted 3, final 2`.
pub(crate) fn counts(counts: &std::collections::BTreeMap<&'static str, u64>) -> String {
    let shown: Vec<String> = counts.iter().filter(|(_, n)| **n > 0).map(|(s, n)| format!("{s} {n}")).collect();
    if shown.is_empty() { "no rows".to_owned() } else { shown.join(", ") }
}
