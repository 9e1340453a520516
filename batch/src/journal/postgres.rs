//! The shared journal: PostgreSQL, for several workers on one or more machines. Rows
//! are claimed with `FOR UPDATE SKIP LOCKED` and a lease; a worker sends only rows it
//! holds an unexpired lease on, and rows left `sending` by a worker that died are
//! reconciled by the others once its lease has expired. Every method is one
//! transaction (PostgreSQL's commit is durable with its default `synchronous_commit=on`),
//! except that state changes waiting together share one (group commit, `postgres/steps.rs`).

mod steps;
pub(crate) mod tls;

use super::{
    AddGuard, Change, Claim, Counts, DISCARD, Journal, JournalRow, MARKER_TABLE, NewRow, SCHEMA_VERSION, Staged, State,
    now_ms, schema,
};
use crate::error::BatchError;
use std::time::Duration;
use steps::{Step, Steps};
use tokio::sync::Mutex;
use tokio_postgres::{Client, Row};

/// Serialises schema creation between workers starting at once (an arbitrary key).
const SCHEMA_LOCK: i64 = 0x0053_5042_4154_4348;

/// The advisory lock key of the adds to `batch_id`: the first 8 bytes of a SHA-256.
fn add_lock(batch_id: &str) -> i64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("smilepayz-batch add {batch_id}").as_bytes());
    i64::from_be_bytes(digest[..8].try_into().unwrap_or_default())
}
/// A batch journal in a PostgreSQL database (tables `smilepayz_batch_*`).
pub struct PostgresJournal {
    /// Connections for claims, adds and reads, taken in turn.
    clients: Vec<Mutex<Client>>,
    /// Intents and outcomes, committed in groups on connections of their own.
    steps: Steps,
    next: std::sync::atomic::AtomicUsize,
    worker: String,
    /// Where to open an add's own connection (`begin_add`); never shown (a password).
    url: String,
    tls: tokio_postgres_rustls::MakeRustlsConnect,
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
        Ok(PostgresJournal {
            clients,
            steps,
            next: std::sync::atomic::AtomicUsize::new(0),
            worker: worker.to_owned(),
            url,
            tls,
        })
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

/// The rows of `batch_id` numbered `keys`, by row number. Each table is read on its own,
/// by key within the keys' range, and the two are matched here: a join planned from
/// statistics that have not seen the batch (taken for one row) reads the whole range for
/// each row, which no single-table read within the range can do.
async fn by_keys(c: &Client, batch_id: &str, mut keys: Vec<i64>) -> Result<Vec<JournalRow>, BatchError> {
    keys.sort_unstable();
    let (Some(&first), Some(&last)) = (keys.first(), keys.last()) else { return Ok(Vec::new()) };
    let params: [&(dyn tokio_postgres::types::ToSql + Sync); 4] = [&batch_id, &keys, &first, &last];
    let within = "WHERE batch_id = $1 AND row_number BETWEEN $3 AND $4 AND row_number = ANY($2) ORDER BY row_number";
    let requests = format!("SELECT row_number, order_no, content, currency, amount FROM smilepayz_batch_rows {within}");
    let states = format!(
        "SELECT row_number, state, status, trade_no, gateway_code, message, send_attempts, sent_at_ms \
         FROM smilepayz_batch_row_states {within}"
    );
    // Sent together: one round trip.
    let (requests, states) = tokio::try_join!(c.query(&requests, &params), c.query(&states, &params)).map_err(db)?;
    let mut states = states.iter().peekable();
    let mut rows = Vec::with_capacity(requests.len());
    for request in &requests {
        let number: i64 = request.get(0);
        // A row an unfinished add staged may be discarded between the two reads.
        while states.next_if(|s| s.get::<_, i64>(0) < number).is_some() {}
        if let Some(state) = states.next_if(|s| s.get::<_, i64>(0) == number) {
            rows.push(read_row(request, state)?);
        }
    }
    Ok(rows)
}

fn read_row(request: &Row, s: &Row) -> Result<JournalRow, BatchError> {
    let state: String = s.get(1);
    Ok(JournalRow {
        row_number: u(request.get(0)),
        order_no: request.get(1),
        content: request.get(2),
        currency: request.get(3),
        amount: request.get(4),
        state: State::parse(&state).ok_or_else(|| BatchError::Journal(format!("unknown state {state:?}")))?,
        status: s.get(2),
        trade_no: s.get(3),
        gateway_code: s.get(4),
        message: s.get(5),
        send_attempts: u(s.get(6)),
        sent_at_ms: s.get::<_, Option<i64>>(7).map(u),
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

    async fn begin_add(&self, batch_id: &str) -> Result<AddGuard, BatchError> {
        // A session lock on a connection of the add's own: another add of the batch, in
        // this process or another, waits for it; it ends with the connection, so an
        // adding process that dies releases it.
        let adding = open(&self.url, &self.tls).await?;
        adding.execute("SELECT pg_advisory_lock($1)", &[&add_lock(batch_id)]).await.map_err(db)?;
        self.discard(batch_id).await?;
        Ok(AddGuard::new(adding))
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
        c.execute(
            "UPDATE smilepayz_batch_row_states SET state = 'pending', updated_at_ms = $2 \
                 WHERE batch_id = $1 AND state = 'staged'",
            &[&batch_id, &n(now_ms())],
        )
        .await
        .map_err(db)
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
        // subquery of the UPDATE, the claim took 210 rows for a limit of 200), and read
        // by key (`by_keys`). No statement joins, and each reads by key within the range
        // claimed (after the last claim, up to the last row picked): with statistics
        // that have not seen a new batch, PostgreSQL takes it for one row, and its joins
        // read the whole batch for each row (5 ms a claim at 10,000 rows, the rate at
        // 0.2 of the plain loop).
        let claimed: Vec<i64> = c
            .query(
                "WITH picked AS (
                     SELECT row_number FROM smilepayz_batch_row_states
                     WHERE batch_id = $3 AND state = $4 AND row_number > $7
                       AND (claimed_by IS NULL OR claimed_by = $1 OR lease_until_ms < $5)
                     ORDER BY row_number LIMIT $6 FOR UPDATE SKIP LOCKED)
                 UPDATE smilepayz_batch_row_states t SET claimed_by = $1, lease_until_ms = $2
                 WHERE t.batch_id = $3 AND t.row_number > $7 AND t.row_number <= (SELECT max(row_number) FROM picked)
                   AND t.row_number = ANY(ARRAY(SELECT row_number FROM picked))
                 RETURNING t.row_number",
                &[&self.worker, &until, &batch_id, &state.as_str(), &now, &limit, &n(after_row)],
            )
            .await
            .map_err(db)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        by_keys(&c, batch_id, claimed).await
    }

    async fn mark_sending(&self, batch_id: &str, row_number: u64, lease: Duration) -> Result<bool, BatchError> {
        let batch_id = batch_id.to_owned();
        let lease_ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
        self.steps.call(|reply| Step::Intent { batch_id, row: row_number, lease_ms, reply }).await
    }

    async fn change(&self, batch_id: &str, row: u64, step: (State, State), change: Change) -> Result<bool, BatchError> {
        let batch_id = batch_id.to_owned();
        let change = storable(change);
        self.steps.call(|reply| Step::Change { batch_id, row, step, change, reply }).await
    }

    async fn find(&self, batch_id: &str, order_no: &str) -> Result<Option<JournalRow>, BatchError> {
        let c = self.client().await;
        let key = c
            .query_opt(
                "SELECT row_number FROM smilepayz_batch_rows WHERE batch_id = $1 AND order_no = $2",
                &[&batch_id, &order_no],
            )
            .await
            .map_err(db)?;
        let found = by_keys(&c, batch_id, key.iter().map(|r| r.get(0)).collect()).await?;
        Ok(found.into_iter().find(|row| row.state != State::Staged))
    }

    async fn rows(&self, batch_id: &str, after_row: u64, limit: usize) -> Result<Vec<JournalRow>, BatchError> {
        let c = self.client().await;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let page: Vec<i64> = c
            .query(
                "SELECT row_number FROM smilepayz_batch_row_states WHERE batch_id = $1 AND row_number > $2 \
                 AND state != 'staged' ORDER BY row_number LIMIT $3",
                &[&batch_id, &n(after_row), &limit],
            )
            .await
            .map_err(db)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        by_keys(&c, batch_id, page).await
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
