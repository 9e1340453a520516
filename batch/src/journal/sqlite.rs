//! The embedded journal: one SQLite file, owner-only, held by one runner at a time.
//!
//! Durability: `journal_mode=WAL` with `synchronous=FULL`, so every commit fsyncs the
//! write-ahead log before it returns (with `NORMAL`, a commit survives a crash of the
//! process but not of the machine). `locking_mode=EXCLUSIVE` keeps the file locked
//! while the journal is open: the OS drops the lock when the process dies, however it
//! dies, so a resumed runner knows every claim left in the file is a dead worker's.
//! Commits are grouped (`group_commit.rs`, run by `sqlite/writer.rs`): each call still
//! returns once durable.

mod writer;

use super::{
    AddGuard, Change, Claim, Counts, DISCARD, Journal, JournalRow, MARKER_TABLE, NewRow, ROW_COLUMNS, ROWS_JOINED,
    SCHEMA_VERSION, Staged, State, now_ms, schema,
};
use crate::error::BatchError;
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, params};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use writer::{Isolation, Writer};

/// A batch journal in one SQLite file.
#[derive(Clone)]
pub struct SqliteJournal {
    writer: Arc<Writer>,
    path: PathBuf,
    /// Held by the add that runs (`begin_add`).
    adds: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for SqliteJournal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteJournal").field("path", &self.path).finish_non_exhaustive()
    }
}

impl SqliteJournal {
    /// Opens the journal at `path`, creating it (mode 0600) when absent. Refuses a file
    /// that others may read, a file that is not a journal, and a journal another
    /// process holds.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteJournal, BatchError> {
        let path = path.as_ref().to_path_buf();
        create_private(&path)?;
        refuse_other_files(&path)?;
        let conn =
            Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|e| open_error(&path, e))?;
        let setup = || -> rusqlite::Result<()> {
            conn.busy_timeout(Duration::from_millis(500))?;
            conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
            // A group's savepoints and statement journals keep undo pages, in a temporary
            // file past 64 KiB: in memory, a group writes nothing but the WAL.
            conn.pragma_update(None, "temp_store", "MEMORY")?;
            Ok(())
        };
        setup().map_err(|e| open_error(&path, e))?;
        // Before the first write (WAL mode is written into the file and stays): another
        // application's database, or an older journal, is refused as it was found.
        inspect(&conn, &path)?;
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(|e| open_error(&path, e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(BatchError::Journal(format!("SQLite refused WAL mode (got {mode})")));
        }
        conn.pragma_update(None, "synchronous", "FULL").map_err(|e| open_error(&path, e))?;
        prepare_schema(&conn, &path)?;
        let worker = format!("pid-{}-{}", std::process::id(), now_ms());
        Ok(SqliteJournal { writer: Arc::new(Writer::start(conn, worker)?), path, adds: Arc::default() })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    async fn with<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Connection, &str) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, BatchError> {
        self.writer.with(Isolation::Savepoint, work).await
    }

    /// `with` for work that is one statement (atomic by itself: no savepoint).
    async fn with_statement<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Connection, &str) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, BatchError> {
        self.writer.with(Isolation::Statement, work).await
    }
}

/// Creates the file owner-only (0600) when absent; refuses an existing one that others
/// may read (it holds beneficiary data), rather than changing its mode behind the
/// owner's back. SQLite gives its `-wal` file the database file's mode.
fn create_private(path: &Path) -> Result<(), BatchError> {
    let io = |e: std::io::Error| BatchError::Journal(format!("{}: {e}", path.display()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(path).map_err(io)?.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    return Err(BatchError::Journal(format!(
                        "{}: mode {mode:o} lets others read the journal, which holds beneficiary data; \
                         make it owner-only (chmod 600)",
                        path.display()
                    )));
                }
            }
            Ok(())
        }
        Err(e) => Err(io(e)),
    }
}

/// SQLite takes a file shorter than its 100-byte header for an empty database and would
/// write a journal over it: only an empty file or an SQLite database may be opened.
fn refuse_other_files(path: &Path) -> Result<(), BatchError> {
    const MAGIC: &[u8; 16] = b"SQLite format 3\0";
    let io = |e: std::io::Error| BatchError::Journal(format!("{}: {e}", path.display()));
    let mut start = Vec::with_capacity(MAGIC.len());
    std::io::Read::read_to_end(&mut std::io::Read::take(std::fs::File::open(path).map_err(io)?, 16), &mut start)
        .map_err(io)?;
    if start.is_empty() || start == MAGIC {
        return Ok(());
    }
    Err(BatchError::NotAJournal { path: path.to_path_buf(), detail: "the file is not an SQLite database".into() })
}

fn open_error(path: &Path, e: rusqlite::Error) -> BatchError {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => {
            BatchError::NotAJournal { path: path.to_path_buf(), detail: "the file is not an SQLite database".into() }
        }
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            BatchError::JournalInUse { path: path.to_path_buf() }
        }
        _ => BatchError::Journal(format!("{}: {e}", path.display())),
    }
}

/// What an SQLite file holds: nothing yet, or a journal this runner reads; any other
/// database (or another schema version) is refused, by reading only.
fn inspect(conn: &Connection, path: &Path) -> Result<Empty, BatchError> {
    let err = |e| open_error(path, e);
    let tables: Vec<String> = {
        let mut stmt =
            conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map_err(err)?;
        stmt.query_map([], |r| r.get(0)).and_then(Iterator::collect).map_err(err)?
    };
    if tables.is_empty() {
        return Ok(true);
    }
    if !tables.iter().any(|t| t == MARKER_TABLE) {
        return Err(BatchError::NotAJournal {
            path: path.to_path_buf(),
            detail: format!("an SQLite database with tables {}, without {MARKER_TABLE}", tables.join(", ")),
        });
    }
    let version: Option<i64> = conn
        .query_row(&format!("SELECT schema_version FROM {MARKER_TABLE}"), [], |r| r.get(0))
        .optional()
        .map_err(err)?;
    if version != Some(SCHEMA_VERSION) {
        return Err(BatchError::NotAJournal {
            path: path.to_path_buf(),
            detail: format!("journal schema version {version:?}, this runner reads {SCHEMA_VERSION}"),
        });
    }
    Ok(false)
}

/// True when the file holds no table yet.
type Empty = bool;

/// Creates the schema in an empty file (checked again under the exclusive lock); and,
/// holding that lock, frees the claims of dead workers.
fn prepare_schema(conn: &Connection, path: &Path) -> Result<(), BatchError> {
    let err = |e| open_error(path, e);
    conn.execute_batch("BEGIN EXCLUSIVE").map_err(err)?;
    let outcome = (|| {
        if inspect(conn, path)? {
            conn.execute_batch(&schema("INTEGER", " WITHOUT ROWID")).map_err(err)?;
            conn.execute(&format!("INSERT INTO {MARKER_TABLE} VALUES (?1)"), [SCHEMA_VERSION]).map_err(err)?;
        }
        conn.execute(
            "UPDATE smilepayz_batch_row_states SET claimed_by = NULL, lease_until_ms = NULL WHERE claimed_by IS NOT NULL",
            [],
        )
        .map_err(err)?;
        Ok(())
    })();
    let end = if outcome.is_ok() { "COMMIT" } else { "ROLLBACK" };
    conn.execute_batch(end).map_err(err)?;
    outcome
}

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<JournalRow> {
    let state: String = r.get(5)?;
    Ok(JournalRow {
        row_number: r.get(0)?,
        order_no: r.get(1)?,
        content: r.get(2)?,
        currency: r.get(3)?,
        amount: r.get(4)?,
        state: State::parse(&state).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, format!("state {state:?}").into())
        })?,
        status: r.get(6)?,
        trade_no: r.get(7)?,
        gateway_code: r.get(8)?,
        message: r.get(9)?,
        send_attempts: r.get(10)?,
        sent_at_ms: r.get(11)?,
    })
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl Journal for SqliteJournal {
    async fn has_batch(&self, batch_id: &str) -> Result<bool, BatchError> {
        let batch_id = batch_id.to_owned();
        self.with(move |c, _| {
            c.query_row("SELECT 1 FROM smilepayz_batch_batches WHERE batch_id = ?1", [batch_id], |_| Ok(()))
                .optional()
                .map(|found| found.is_some())
        })
        .await
    }

    async fn ensure_batch(&self, batch_id: &str) -> Result<(), BatchError> {
        let batch_id = batch_id.to_owned();
        self.with(move |c, _| {
            c.execute(
                "INSERT INTO smilepayz_batch_batches (batch_id, created_at_ms) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![batch_id, now_ms()],
            )
            .map(drop)
        })
        .await
    }

    async fn begin_add(&self, batch_id: &str) -> Result<AddGuard, BatchError> {
        // The file is this process's alone (an exclusive lock): a lock here serialises
        // the adds of every `Batch` on it.
        let adding = self.adds.clone().lock_owned().await;
        self.discard(batch_id).await?;
        Ok(AddGuard::new(adding))
    }

    async fn stage(&self, batch_id: &str, rows: Vec<NewRow>) -> Result<Vec<Staged>, BatchError> {
        let batch_id = batch_id.to_owned();
        self.with(move |c, _| {
            // One job: its savepoint in the group stages the rows together or not at all.
            let mut found = Vec::with_capacity(rows.len());
            {
                let mut by_number = c.prepare_cached(
                    "SELECT content_hash, order_no FROM smilepayz_batch_rows WHERE batch_id = ?1 AND row_number = ?2",
                )?;
                let mut by_order = c.prepare_cached("SELECT batch_id, row_number FROM smilepayz_batch_rows WHERE order_no = ?1")?;
                let mut insert = c.prepare_cached(
                    "INSERT INTO smilepayz_batch_rows (batch_id, row_number, order_no, content, content_hash, currency, amount) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?;
                let mut insert_state = c.prepare_cached(
                    "INSERT INTO smilepayz_batch_row_states (batch_id, row_number, state, updated_at_ms) \
                     VALUES (?1, ?2, 'staged', ?3)",
                )?;
                for row in rows {
                    let same_number: Option<(String, String)> = by_number
                        .query_row(params![batch_id, row.row_number], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()?;
                    if let Some((hash, order_no)) = same_number {
                        found.push(if hash == row.content_hash {
                            Staged::Unchanged
                        } else {
                            Staged::Changed { order_no }
                        });
                        continue;
                    }
                    let same_order: Option<(String, u64)> =
                        by_order.query_row([&row.order_no], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
                    if let Some((batch_id, row_number)) = same_order {
                        found.push(Staged::DuplicateOrderNo { batch_id, row_number });
                        continue;
                    }
                    insert.execute(params![
                        batch_id,
                        row.row_number,
                        row.order_no,
                        row.content,
                        row.content_hash,
                        row.currency,
                        row.amount,
                    ])?;
                    insert_state.execute(params![batch_id, row.row_number, now_ms()])?;
                    found.push(Staged::New);
                }
            }
            Ok(found)
        })
        .await
    }

    async fn publish(&self, batch_id: &str) -> Result<u64, BatchError> {
        let batch_id = batch_id.to_owned();
        self.with(move |c, _| {
            c.execute(
                "UPDATE smilepayz_batch_row_states SET state = 'pending', updated_at_ms = ?2 WHERE batch_id = ?1 AND state = 'staged'",
                params![batch_id, now_ms()],
            )
            .map(|n| n as u64)
        })
        .await
    }

    async fn discard(&self, batch_id: &str) -> Result<(), BatchError> {
        let batch_id = batch_id.to_owned();
        self.with(move |c, _| {
            for sql in DISCARD {
                c.execute(sql, [&batch_id])?;
            }
            Ok(())
        })
        .await
    }

    async fn claim(&self, batch_id: &str, claim: Claim) -> Result<Vec<JournalRow>, BatchError> {
        let Claim { state, after_row, limit, lease } = claim;
        let batch_id = batch_id.to_owned();
        self.with(move |c, worker| {
            let now = now_ms();
            let mut claim = c.prepare_cached(
                "UPDATE smilepayz_batch_row_states SET claimed_by = ?1, lease_until_ms = ?2
                 WHERE batch_id = ?3 AND row_number IN (
                     SELECT row_number FROM smilepayz_batch_row_states WHERE batch_id = ?3 AND state = ?4 AND row_number > ?7
                       AND (claimed_by IS NULL OR claimed_by = ?1 OR lease_until_ms < ?5)
                     ORDER BY row_number LIMIT ?6)
                 RETURNING row_number",
            )?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let mut numbers: Vec<u64> = claim
                .query_map(
                    params![worker, now.saturating_add(ms(lease)), batch_id, state.as_str(), now, limit, after_row],
                    |r| r.get(0),
                )?
                .collect::<rusqlite::Result<_>>()?;
            // RETURNING gives no order guarantee.
            numbers.sort_unstable();
            let mut read = c.prepare_cached(&format!(
                "SELECT {ROW_COLUMNS} FROM {ROWS_JOINED} WHERE r.batch_id = ?1 AND r.row_number = ?2"
            ))?;
            numbers.into_iter().map(|n| read.query_row(params![batch_id, n], read_row)).collect()
        })
        .await
    }

    async fn mark_sending(&self, batch_id: &str, row_number: u64, lease: Duration) -> Result<bool, BatchError> {
        let batch_id = batch_id.to_owned();
        let lease_ms = ms(lease);
        self.with_statement(move |c, worker| {
            let now = now_ms();
            // Cached: a statement every row runs is parsed once.
            c.prepare_cached(
                "UPDATE smilepayz_batch_row_states SET state = 'sending', send_attempts = send_attempts + 1, sent_at_ms = ?1,
                     gateway_code = NULL, message = NULL, updated_at_ms = ?1, lease_until_ms = ?5
                 WHERE batch_id = ?2 AND row_number = ?3 AND state = 'pending' AND claimed_by = ?4",
            )?
            .execute(params![now, batch_id, row_number, worker, now.saturating_add(lease_ms)])
            .map(|n| n == 1)
        })
        .await
    }

    async fn change(&self, batch_id: &str, row: u64, step: (State, State), change: Change) -> Result<bool, BatchError> {
        let (row_number, (from, to)) = (row, step);
        let batch_id = batch_id.to_owned();
        self.with_statement(move |c, _| {
            c.prepare_cached(
                "UPDATE smilepayz_batch_row_states SET state = ?1, status = COALESCE(?2, status), trade_no = COALESCE(?3, trade_no),
                     gateway_code = ?4, message = ?5, claimed_by = NULL, lease_until_ms = NULL, updated_at_ms = ?6
                 WHERE batch_id = ?7 AND row_number = ?8 AND state = ?9",
            )?
            .execute(params![
                    to.as_str(),
                    change.status,
                    change.trade_no,
                    change.gateway_code,
                    change.message,
                    now_ms(),
                    batch_id,
                    row_number,
                    from.as_str()
                ])
            .map(|n| n == 1)
        })
        .await
    }

    async fn find(&self, batch_id: &str, order_no: &str) -> Result<Option<JournalRow>, BatchError> {
        let (batch_id, order_no) = (batch_id.to_owned(), order_no.to_owned());
        self.with(move |c, _| {
            let sql = format!(
                "SELECT {ROW_COLUMNS} FROM {ROWS_JOINED} WHERE r.batch_id = ?1 AND r.order_no = ?2 AND s.state != 'staged'"
            );
            c.query_row(&sql, params![batch_id, order_no], read_row).optional()
        })
        .await
    }

    async fn rows(&self, batch_id: &str, after_row: u64, limit: usize) -> Result<Vec<JournalRow>, BatchError> {
        let batch_id = batch_id.to_owned();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.with(move |c, _| {
            let sql = format!(
                "SELECT {ROW_COLUMNS} FROM {ROWS_JOINED} WHERE r.batch_id = ?1 AND r.row_number > ?2 AND s.state != 'staged' \
                 ORDER BY r.row_number LIMIT ?3"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            stmt.query_map(params![batch_id, after_row, limit], read_row)?.collect()
        })
        .await
    }

    async fn counts(&self, batch_id: &str) -> Result<Counts, BatchError> {
        let batch_id = batch_id.to_owned();
        self.with(move |c, _| {
            let mut stmt = c.prepare_cached(
                "SELECT state, COUNT(*) FROM smilepayz_batch_row_states WHERE batch_id = ?1 AND state != 'staged' GROUP BY state",
            )?;
            let pairs: Vec<(String, u64)> =
                stmt.query_map([batch_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
            Ok(pairs.into_iter().filter_map(|(s, n)| State::parse(&s).map(|s| (s, n))).collect())
        })
        .await
    }

    async fn set_paused(&self, batch_id: &str, reason: Option<String>) -> Result<(), BatchError> {
        let batch_id = batch_id.to_owned();
        self.with(move |c, _| {
            c.execute(
                "UPDATE smilepayz_batch_batches SET paused_reason = ?1 WHERE batch_id = ?2",
                params![reason, batch_id],
            )
            .map(drop)
        })
        .await
    }

    async fn paused(&self, batch_id: &str) -> Result<Option<String>, BatchError> {
        let batch_id = batch_id.to_owned();
        self.with(move |c, _| {
            c.query_row("SELECT paused_reason FROM smilepayz_batch_batches WHERE batch_id = ?1", [batch_id], |r| {
                r.get(0)
            })
            .optional()
            .map(Option::flatten)
        })
        .await
    }
}
