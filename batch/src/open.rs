//! A journal chosen when the program runs, by where it is: a `postgres://` or
//! `postgresql://` URL, or else a SQLite file path. The bindings and the command line
//! open journals this way; Rust programs may also name the backend's type directly.

use crate::batch::Batch;
use crate::error::BatchError;
use crate::journal::{AddGuard, Change, Claim, Counts, Journal, JournalRow, NewRow, Staged, State};
use std::time::Duration;

/// A SQLite or PostgreSQL journal.
#[derive(Debug)]
#[non_exhaustive]
pub enum AnyJournal {
    /// The embedded journal: one file, one runner.
    #[cfg(feature = "sqlite")]
    Sqlite(crate::SqliteJournal),
    /// The shared journal: several workers.
    #[cfg(feature = "postgres")]
    Postgres(crate::PostgresJournal),
}

impl AnyJournal {
    /// Opens the journal at `location`. A PostgreSQL journal names this process in its
    /// claims (host name, process id and start time), so workers never share a name.
    pub async fn open(location: &str) -> Result<AnyJournal, BatchError> {
        if location.trim().is_empty() {
            return Err(BatchError::Config(
                "journal: give a SQLite file path or a postgresql:// URL, got nothing".into(),
            ));
        }
        if is_postgres_url(location) {
            #[cfg(feature = "postgres")]
            return Ok(AnyJournal::Postgres(crate::PostgresJournal::connect(location, &worker_name()).await?));
            #[cfg(not(feature = "postgres"))]
            return Err(BatchError::Config("journal: this build has no PostgreSQL support".into()));
        }
        #[cfg(feature = "sqlite")]
        return Ok(AnyJournal::Sqlite(crate::SqliteJournal::open(location)?));
        #[cfg(not(feature = "sqlite"))]
        Err(BatchError::Config("journal: this build has no SQLite support".into()))
    }

    /// `sqlite` or `postgresql`.
    pub fn backend(&self) -> &'static str {
        match self {
            #[cfg(feature = "sqlite")]
            AnyJournal::Sqlite(_) => "sqlite",
            #[cfg(feature = "postgres")]
            AnyJournal::Postgres(_) => "postgresql",
        }
    }
}

/// A journal location fit to print or log: a PostgreSQL URL without its password (in
/// the user part or as a `password=` parameter); a file path as is.
pub fn redacted_location(location: &str) -> String {
    if !is_postgres_url(location) {
        return location.to_owned();
    }
    let Ok(mut url) = url::Url::parse(location.trim()) else {
        // Unparseable: any part of the text may be the password.
        return "postgresql://…".to_owned();
    };
    if url.password().is_some() {
        let _ = url.set_password(None);
    }
    remove_query(&mut url, |key| key.eq_ignore_ascii_case("password"));
    url.to_string()
}

/// Removes the query parameters whose key `drop` names; returns the last value removed.
pub(crate) fn remove_query(url: &mut url::Url, drop: impl Fn(&str) -> bool) -> Option<String> {
    url.query()?;
    let mut removed = None;
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter_map(|(k, v)| {
            if drop(&k) {
                removed = Some(v.into_owned());
                None
            } else {
                Some((k.into_owned(), v.into_owned()))
            }
        })
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    removed
}

/// True for the URL schemes PostgreSQL's own clients take.
pub fn is_postgres_url(location: &str) -> bool {
    let lower = location.trim_start().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

#[cfg(feature = "postgres")]
fn worker_name() -> String {
    let host = std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()).unwrap_or_else(|| "host".into());
    format!("{host}-pid-{}-{}", std::process::id(), crate::journal::now_ms())
}

/// Hands every call to the backend.
macro_rules! delegate {
    ($self:ident, $j:ident => $call:expr) => {
        match $self {
            #[cfg(feature = "sqlite")]
            AnyJournal::Sqlite($j) => $call.await,
            #[cfg(feature = "postgres")]
            AnyJournal::Postgres($j) => $call.await,
        }
    };
}

impl Journal for AnyJournal {
    async fn ensure_batch(&self, batch_id: &str) -> Result<(), BatchError> {
        delegate!(self, j => j.ensure_batch(batch_id))
    }
    async fn has_batch(&self, batch_id: &str) -> Result<bool, BatchError> {
        delegate!(self, j => j.has_batch(batch_id))
    }
    async fn begin_add(&self, batch_id: &str) -> Result<AddGuard, BatchError> {
        delegate!(self, j => j.begin_add(batch_id))
    }
    async fn stage(&self, batch_id: &str, rows: Vec<NewRow>) -> Result<Vec<Staged>, BatchError> {
        delegate!(self, j => j.stage(batch_id, rows))
    }
    async fn publish(&self, batch_id: &str) -> Result<u64, BatchError> {
        delegate!(self, j => j.publish(batch_id))
    }
    async fn discard(&self, batch_id: &str) -> Result<(), BatchError> {
        delegate!(self, j => j.discard(batch_id))
    }
    async fn claim(&self, batch_id: &str, claim: Claim) -> Result<Vec<JournalRow>, BatchError> {
        delegate!(self, j => j.claim(batch_id, claim))
    }
    async fn mark_sending(&self, batch_id: &str, row_number: u64, lease: Duration) -> Result<bool, BatchError> {
        delegate!(self, j => j.mark_sending(batch_id, row_number, lease))
    }
    async fn change(&self, batch_id: &str, row: u64, step: (State, State), change: Change) -> Result<bool, BatchError> {
        delegate!(self, j => j.change(batch_id, row, step, change))
    }
    async fn find(&self, batch_id: &str, order_no: &str) -> Result<Option<JournalRow>, BatchError> {
        delegate!(self, j => j.find(batch_id, order_no))
    }
    async fn rows(&self, batch_id: &str, after_row: u64, limit: usize) -> Result<Vec<JournalRow>, BatchError> {
        delegate!(self, j => j.rows(batch_id, after_row, limit))
    }
    async fn counts(&self, batch_id: &str) -> Result<Counts, BatchError> {
        delegate!(self, j => j.counts(batch_id))
    }
    async fn set_paused(&self, batch_id: &str, reason: Option<String>) -> Result<(), BatchError> {
        delegate!(self, j => j.set_paused(batch_id, reason))
    }
    async fn paused(&self, batch_id: &str) -> Result<Option<String>, BatchError> {
        delegate!(self, j => j.paused(batch_id))
    }
}

/// Opens the batch `batch_id` in the journal at `location` (a SQLite path or a
/// `postgresql://` URL, as [`AnyJournal::open`]): created when absent, or, with
/// `must_exist`, only if the journal holds it ([`Batch::open_existing`]: to resume or
/// report after a crash, where a mistyped id must not become a new, empty batch).
pub async fn open_batch(location: &str, batch_id: &str, must_exist: bool) -> Result<Batch<AnyJournal>, BatchError> {
    let journal = AnyJournal::open(location).await?;
    if must_exist { Batch::open_existing(journal, batch_id).await } else { Batch::open(journal, batch_id).await }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_url_loses_its_password_wherever_it_is() {
        assert_eq!(redacted_location("postgresql://pay:s3cret@db:5432/batches"), "postgresql://pay@db:5432/batches");
        let query = redacted_location("postgres://pay@db/batches?sslmode=disable&password=s3cret");
        assert_eq!(query, "postgres://pay@db/batches?sslmode=disable");
        assert_eq!(redacted_location("postgres://db/b?PASSWORD=s3cret"), "postgres://db/b");
        assert_eq!(redacted_location("postgresql://pay:s3cret@db:notaport/b"), "postgresql://…");
        assert_eq!(redacted_location("runs/payroll.journal"), "runs/payroll.journal");
    }
}
