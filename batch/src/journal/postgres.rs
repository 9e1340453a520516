//! The shared journal: PostgreSQL, for several workers on one or more machines. Rows
//! are claimed with `FOR UPDATE SKIP LOCKED` and a lease; a worker sends only rows it
//! holds an unexpired lease on, and rows left `sending` by a worker that died are
//! reconciled by the others once its lease has expired. Every method is one
//! transaction (PostgreSQL's commit is durable with its default `synchronous_commit=on`),
//! except that state changes waiting together share one (group commit, `postgres/steps.rs`).

mod steps;
pub(crate) mod tls;

use super::{
    Change, Claim, Counts, DISCARD, Journal, JournalRow, MARKER_TABLE, NewRow, ROW_COLUMNS, ROWS_JOINED,
    SCHEMA_VERSION, Staged, State, now_ms, schema,
};
use crate::error::BatchError;
use steps::{Step, Steps};
use tokio::sync::Mutex;
use tokio_postgres::{Client, Row};

/// Serialises schema creation between workers starting at once (an arbitrary key).
const SCHEMA_LOCK: i64 = 0x0053_5042_4154_4348;
/// A batch journal in a PostgreSQL database (tables `smilepayz_batch_*`).
pub struct PostgresJournal {
    /// Connections for claims, adds and reads, taken in turn.
    clients: Vec<Mutex<Client>>,
    /// Intents and outcomes, committed in groups on connections of their own.
    steps: Steps,
    next: std::sync::atomic::AtomicUsize,
    worker: String,
}

impl std::fmt::Debug for PostgresJournal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the URL: it may hold a password.
        f.debug_struct("PostgresJournal").field("worker", &self.worker).finish_non_exhaustive()
    }
}

pub(super) fn db(e: tokio_postgres::Error) -> BatchError {
    BatchError::Journal(format!("PostgreSQL: {e}"))
}

pub(super) fn n(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn u(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

impl PostgresJournal {
    /// Connects to `url` (`postgresql://user@host:port/db?sslmode=require`; TLS as
    /// `sslmode` says, libpq's default `prefer` when it says nothing, the server's
    /// certificate checked against the CA file of `sslrootcert` or `PGSSLROOTCERT`, or
    /// the system's roots) and creates the tables when absent. `worker`
    /// names this worker in claims; it must differ between live workers.
    pub async fn connect(url: &str, worker: &str) -> Result<PostgresJournal, BatchError> {
        let mut clients = Vec::with_capacity(CONNECTIONS + COMMITTERS);
        let (url, tls) = tls::connector(url)?;
        for _ in 0..CONNECTIONS + COMMITTERS {
            clients.push(open(&url, &tls).await?);
        }
        let mut first = clients.swap_remove(0);
        let tx = first.transaction().await.map_err(db)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK]).await.map_err(db)?;
        tx.batch_execute(&schema("BIGINT", STATES_OPTIONS)).await.map_err(db)?;
        let version: Option<i64> = tx
            .query_opt(&format!("SELECT schema_version FROM {MARKER_TABLE}"), &[])
            .await
            .map_err(db)?
            .map(|r| r.get(0));
        match version {
            None => {
                tx.execute(&format!("INSERT INTO {MARKER_TABLE} VALUES ($1)"), &[&SCHEMA_VERSION]).await.map_err(db)?;
            }
            Some(SCHEMA_VERSION) => {}
            Some(other) => {
                return Err(BatchError::Journal(format!(
                    "PostgreSQL journal schema version {other}, this runner reads {SCHEMA_VERSION}"
                )));
            }
        }
        tx.commit().await.map_err(db)?;
        clients.push(first);
        let steps = steps::start(clients.split_off(CONNECTIONS), worker).await?;
        let clients = clients.into_iter().map(Mutex::new).collect();
        Ok(PostgresJournal { clients, steps, next: std::sync::atomic::AtomicUsize::new(0), worker: worker.to_owned() })
    }

    /// The next connection in turn.
    async fn client(&self) -> tokio::sync::MutexGuard<'_, Client> {
        let i = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % self.clients.len();
        self.clients[i].lock().await
    }
}

/// Half of each page of states is left free at first, so that a state change can write
/// the row's new version beside the old one and leave the indexes alone (a HOT update).
const STATES_OPTIONS: &str = " WITH (fillfactor = 50)";

/// Connections per worker for claims, adds and reads (a claim serves many rows).
const CONNECTIONS: usize = 2;
/// Connections per worker committing groups of state changes: while one commits, the
/// next group gathers and another runs it.
const COMMITTERS: usize = 2;

async fn open(url: &str, tls: &tokio_postgres_rustls::MakeRustlsConnect) -> Result<Client, BatchError> {
    let (client, connection) = tokio_postgres::connect(url, tls.clone())
        .await
        .map_err(|e| BatchError::Journal(format!("cannot connect to the PostgreSQL journal: {}", with_causes(&e))))?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::warn!(target: "smilepayz_batch::journal", error = %e, "PostgreSQL connection ended");
        }
    });
    Ok(client)
}

/// An error and its causes (`error performing TLS handshake: invalid peer certificate:
/// UnknownIssuer`); tokio-postgres's own text stops at the first. None holds the URL.
fn with_causes(e: &tokio_postgres::Error) -> String {
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

fn read_row(r: &Row) -> Result<JournalRow, BatchError> {
    let state: String = r.get(5);
    Ok(JournalRow {
        row_number: u(r.get(0)),
        order_no: r.get(1),
        content: r.get(2),
        currency: r.get(3),
        amount: r.get(4),
        state: State::parse(&state).ok_or_else(|| BatchError::Journal(format!("unknown state {state:?}")))?,
        status: r.get(6),
        trade_no: r.get(7),
        gateway_code: r.get(8),
        message: r.get(9),
        send_attempts: u(r.get(10)),
        sent_at_ms: r.get::<_, Option<i64>>(11).map(u),
    })
}

impl Journal for PostgresJournal {
    async fn has_batch(&self, batch_id: &str) -> Result<bool, BatchError> {
        let c = self.client().await;
        let row =
            c.query_opt("SELECT 1 FROM smilepayz_batch_batches WHERE batch_id = $1", &[&batch_id]).await.map_err(db)?;
        Ok(row.is_some())
    }

    async fn ensure_batch(&self, batch_id: &str) -> Result<(), BatchError> {
        let c = self.client().await;
        c.execute(
            "INSERT INTO smilepayz_batch_batches (batch_id, created_at_ms) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&batch_id, &n(now_ms())],
        )
        .await
        .map(drop)
        .map_err(db)
    }

    async fn begin_add(&self, batch_id: &str) -> Result<(), BatchError> {
        self.discard(batch_id).await
    }

    async fn stage(&self, batch_id: &str, rows: Vec<NewRow>) -> Result<Vec<Staged>, BatchError> {
        let mut c = self.client().await;
        let tx = c.transaction().await.map_err(db)?;
        let by_number = tx
            .prepare("SELECT content_hash, order_no FROM smilepayz_batch_rows WHERE batch_id = $1 AND row_number = $2")
            .await
            .map_err(db)?;
        let by_order = tx
            .prepare("SELECT batch_id, row_number FROM smilepayz_batch_rows WHERE order_no = $1")
            .await
            .map_err(db)?;
        let insert = tx
            .prepare(
                "INSERT INTO smilepayz_batch_rows (batch_id, row_number, order_no, content, content_hash, currency, \
                 amount) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .await
            .map_err(db)?;
        let insert_state = tx
            .prepare(
                "INSERT INTO smilepayz_batch_row_states (batch_id, row_number, state, updated_at_ms) \
                 VALUES ($1, $2, 'staged', $3)",
            )
            .await
            .map_err(db)?;
        let mut found = Vec::with_capacity(rows.len());
        for row in rows {
            let number = n(row.row_number);
            if let Some(r) = tx.query_opt(&by_number, &[&batch_id, &number]).await.map_err(db)? {
                let (hash, order_no): (String, String) = (r.get(0), r.get(1));
                found.push(if hash == row.content_hash { Staged::Unchanged } else { Staged::Changed { order_no } });
                continue;
            }
            if let Some(r) = tx.query_opt(&by_order, &[&row.order_no]).await.map_err(db)? {
                found.push(Staged::DuplicateOrderNo { batch_id: r.get(0), row_number: u(r.get(1)) });
                continue;
            }
            let params: [&(dyn tokio_postgres::types::ToSql + Sync); 7] =
                [&batch_id, &number, &row.order_no, &row.content, &row.content_hash, &row.currency, &row.amount];
            tx.execute(&insert, &params).await.map_err(db)?;
            tx.execute(&insert_state, &[&batch_id, &number, &n(now_ms())]).await.map_err(db)?;
            found.push(Staged::New);
        }
        tx.commit().await.map_err(db)?;
        Ok(found)
    }

    async fn publish(&self, batch_id: &str) -> Result<u64, BatchError> {
        let c = self.client().await;
        let published = c
            .execute(
                "UPDATE smilepayz_batch_row_states SET state = 'pending', updated_at_ms = $2 \
                 WHERE batch_id = $1 AND state = 'staged'",
                &[&batch_id, &n(now_ms())],
            )
            .await
            .map_err(db)?;
        // Statistics that have not seen a large new batch made PostgreSQL claim by
        // reading the whole table and sorting it (50 ms a claim at 70,000 rows), instead
        // of walking the batch's key from the last claim. They are brought up to date
        // when an add grows the tables as much as makes autovacuum analyze them, at once
        // rather than up to a minute later; a small add to a large table (a row at a
        // time) leaves it to autovacuum instead of paying an ANALYZE (about 100 ms) each.
        if published > 0 {
            let known: f32 = c
                .query_one("SELECT reltuples FROM pg_class WHERE oid = 'smilepayz_batch_row_states'::regclass", &[])
                .await
                .map_err(db)?
                .get(0);
            if outgrows_statistics(published, known) {
                c.batch_execute("ANALYZE smilepayz_batch_row_states, smilepayz_batch_rows").await.map_err(db)?;
            }
        }
        Ok(published)
    }

    async fn discard(&self, batch_id: &str) -> Result<(), BatchError> {
        let mut c = self.client().await;
        let tx = c.transaction().await.map_err(db)?;
        for sql in DISCARD {
            tx.execute(sql, &[&batch_id]).await.map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }

    async fn claim(&self, batch_id: &str, claim: Claim) -> Result<Vec<JournalRow>, BatchError> {
        let Claim { state, after_row, limit, lease } = claim;
        let c = self.client().await;
        let now = n(now_ms());
        let until = now.saturating_add(i64::try_from(lease.as_millis()).unwrap_or(i64::MAX));
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        // The rows are picked once, in a WITH query of their own (written as an `IN`
        // subquery of the UPDATE, the claim took 210 rows for a limit of 200). They are
        // read in a second statement, by key: joined to the UPDATE's answer, PostgreSQL
        // estimated one row and read every request of the table (64 ms a claim at
        // 50,000 rows).
        let claimed: Vec<i64> = c
            .query(
                "WITH picked AS (
                     SELECT row_number FROM smilepayz_batch_row_states
                     WHERE batch_id = $3 AND state = $4 AND row_number > $7
                       AND (claimed_by IS NULL OR claimed_by = $1 OR lease_until_ms < $5)
                     ORDER BY row_number LIMIT $6 FOR UPDATE SKIP LOCKED)
                 UPDATE smilepayz_batch_row_states t SET claimed_by = $1, lease_until_ms = $2 FROM picked
                 WHERE t.batch_id = $3 AND t.row_number = picked.row_number
                 RETURNING t.row_number",
                &[&self.worker, &until, &batch_id, &state.as_str(), &now, &limit, &n(after_row)],
            )
            .await
            .map_err(db)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!("SELECT {ROW_COLUMNS} FROM {ROWS_JOINED} WHERE r.batch_id = $1 AND r.row_number = ANY($2)");
        let rows = c.query(&sql, &[&batch_id, &claimed]).await.map_err(db)?;
        let mut rows: Vec<JournalRow> = rows.iter().map(read_row).collect::<Result<_, _>>()?;
        rows.sort_by_key(|r| r.row_number);
        Ok(rows)
    }

    async fn mark_sending(&self, batch_id: &str, row_number: u64) -> Result<bool, BatchError> {
        let batch_id = batch_id.to_owned();
        self.steps.call(|reply| Step::Intent { batch_id, row: row_number, reply }).await
    }

    async fn change(&self, batch_id: &str, row: u64, step: (State, State), change: Change) -> Result<bool, BatchError> {
        let batch_id = batch_id.to_owned();
        let change = storable(change);
        self.steps.call(|reply| Step::Change { batch_id, row, step, change, reply }).await
    }

    async fn find(&self, batch_id: &str, order_no: &str) -> Result<Option<JournalRow>, BatchError> {
        let c = self.client().await;
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM {ROWS_JOINED} WHERE r.batch_id = $1 AND r.order_no = $2 AND s.state != 'staged'"
        );
        c.query_opt(&sql, &[&batch_id, &order_no]).await.map_err(db)?.as_ref().map(read_row).transpose()
    }

    async fn rows(&self, batch_id: &str, after_row: u64, limit: usize) -> Result<Vec<JournalRow>, BatchError> {
        let c = self.client().await;
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM {ROWS_JOINED} WHERE r.batch_id = $1 AND r.row_number > $2 AND s.state != 'staged' \
             ORDER BY r.row_number LIMIT $3"
        );
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        c.query(&sql, &[&batch_id, &n(after_row), &limit]).await.map_err(db)?.iter().map(read_row).collect()
    }

    async fn counts(&self, batch_id: &str) -> Result<Counts, BatchError> {
        let c = self.client().await;
        let rows = c
            .query(
                "SELECT state, COUNT(*) FROM smilepayz_batch_row_states WHERE batch_id = $1 AND state != 'staged' GROUP BY state",
                &[&batch_id],
            )
            .await
            .map_err(db)?;
        Ok(rows.iter().filter_map(|r| State::parse(r.get(0)).map(|s| (s, u(r.get(1))))).collect())
    }

    async fn set_paused(&self, batch_id: &str, reason: Option<String>) -> Result<(), BatchError> {
        let c = self.client().await;
        c.execute("UPDATE smilepayz_batch_batches SET paused_reason = $1 WHERE batch_id = $2", &[&reason, &batch_id])
            .await
            .map(drop)
            .map_err(db)
    }

    async fn paused(&self, batch_id: &str) -> Result<Option<String>, BatchError> {
        let c = self.client().await;
        let row = c
            .query_opt("SELECT paused_reason FROM smilepayz_batch_batches WHERE batch_id = $1", &[&batch_id])
            .await
            .map_err(db)?;
        Ok(row.and_then(|r| r.get(0)))
    }
}

/// Whether `added` rows outgrow statistics taken over `known` rows (`-1`: never taken):
/// autovacuum's own rule with its defaults, more than 50 rows plus a tenth of the table.
fn outgrows_statistics(added: u64, known: f32) -> bool {
    added as f64 > 50.0 + 0.1 * f64::from(known.max(0.0))
}

/// PostgreSQL's `TEXT` cannot hold a NUL character; what the gateway said is kept with
/// each NUL shown as U+FFFD, so that an odd answer never stops the run.
fn storable(change: Change) -> Change {
    let clean = |text: Option<String>| text.map(|t| if t.contains('\0') { t.replace('\0', "\u{FFFD}") } else { t });
    Change {
        status: clean(change.status),
        trade_no: clean(change.trade_no),
        gateway_code: clean(change.gateway_code),
        message: clean(change.message),
    }
}

#[cfg(test)]
mod tests {
    use super::outgrows_statistics;

    #[test]
    fn an_add_outgrows_the_statistics_as_autovacuum_counts_it() {
        assert!(outgrows_statistics(51, -1.0), "never analyzed");
        assert!(!outgrows_statistics(50, -1.0));
        assert!(!outgrows_statistics(1, 1_000_000.0), "a row at a time to a large table");
        assert!(!outgrows_statistics(250, 2_000.0));
        assert!(outgrows_statistics(251, 2_000.0));
        assert!(outgrows_statistics(70_000, 0.0), "a large batch to an empty table");
    }
}
