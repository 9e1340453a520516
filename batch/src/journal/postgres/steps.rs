//! The PostgreSQL journal's group commit for state changes (intents and outcomes, the
//! calls every row makes): a few tasks, each owning a connection, take the changes
//! waiting (`group_commit.rs`) and run them as one transaction: one UPDATE for all the
//! intents and one for all the outcomes (rows passed as arrays: the database parses,
//! plans and answers once per group, not per row), then one COMMIT (one WAL flush,
//! `synchronous_commit` on) before any caller hears. BEGIN, the UPDATEs and COMMIT
//! are sent as one pipeline: one round trip per group. Each change stays a compare-and-set
//! on its own row: the UPDATE reports which rows were in the expected state. A row
//! changed twice in one group is changed in order, by a statement per turn.
//!
//! When a statement fails, the transaction is rolled back whole and each change of the
//! group is run again alone, so a failing change fails alone (as on SQLite). Only a
//! database's answer is taken as proof of the rollback: when the connection fails, the
//! outcome is unknown and every change of the group reports the error (a row left
//! `sending` is reconciled, never resent blindly).

use super::super::group_commit::{Groups, Queue, Reply, answer, queue};
use super::super::{Change, State, now_ms};
use super::{db, n};
use crate::error::BatchError;
use std::future::Future;
use std::sync::Arc;
use tokio::sync::Mutex;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, GenericClient, Row, Statement};

/// Pending → sending, only under this worker's unexpired lease (once it has expired,
/// another worker may hold the row), which it renews for `$5` ms from now.
const INTENT: &str = "UPDATE smilepayz_batch_row_states SET state = 'sending', send_attempts = send_attempts + 1,
        sent_at_ms = $1, gateway_code = NULL, message = NULL, updated_at_ms = $1, lease_until_ms = $1 + $5
    WHERE batch_id = $2 AND row_number = $3 AND state = 'pending' AND claimed_by = $4 AND lease_until_ms > $1";

/// `from` → `to` with what the gateway said; releases the claim.
const CHANGE: &str = "UPDATE smilepayz_batch_row_states SET state = $1, status = COALESCE($2, status),
        trade_no = COALESCE($3, trade_no), gateway_code = $4, message = $5, claimed_by = NULL,
        lease_until_ms = NULL, updated_at_ms = $6
    WHERE batch_id = $7 AND row_number = $8 AND state = $9";

/// `INTENT` for many rows at once; returns the rows changed.
const INTENTS: &str = "UPDATE smilepayz_batch_row_states r SET state = 'sending', send_attempts = r.send_attempts + 1,
        sent_at_ms = $1, gateway_code = NULL, message = NULL, updated_at_ms = $1, lease_until_ms = $1 + v.lease_ms
    FROM unnest($2::text[], $3::bigint[], $5::bigint[]) AS v(batch_id, row_number, lease_ms)
    WHERE r.batch_id = v.batch_id AND r.row_number = v.row_number AND r.state = 'pending' AND r.claimed_by = $4
      AND r.lease_until_ms > $1
    RETURNING r.batch_id, r.row_number";

/// `CHANGE` for many rows at once; returns the rows changed.
const CHANGES: &str =
    "UPDATE smilepayz_batch_row_states r SET state = v.to_state, status = COALESCE(v.status, r.status),
        trade_no = COALESCE(v.trade_no, r.trade_no), gateway_code = v.gateway_code, message = v.message,
        claimed_by = NULL, lease_until_ms = NULL, updated_at_ms = $1
    FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
        AS v(batch_id, row_number, from_state, to_state, status, trade_no, gateway_code, message)
    WHERE r.batch_id = v.batch_id AND r.row_number = v.row_number AND r.state = v.from_state
    RETURNING r.batch_id, r.row_number";

/// One state change; answered `true` when the row was in the expected state.
pub(super) enum Step {
    Intent { batch_id: String, row: u64, lease_ms: i64, reply: Reply<bool> },
    Change { batch_id: String, row: u64, step: (State, State), change: Change, reply: Reply<bool> },
}

impl Step {
    /// Groups are sorted by this, so a row's changes sit together (and keep their order)
    /// for the turns of `many`. Two workers rarely touch one row (a taken-over lease, a
    /// callback); if their groups ever deadlock, PostgreSQL fails one transaction, and
    /// its changes run again alone.
    fn key(&self) -> (&str, u64) {
        match self {
            Step::Intent { batch_id, row, .. } | Step::Change { batch_id, row, .. } => (batch_id, *row),
        }
    }

    fn into_reply(self) -> Reply<bool> {
        match self {
            Step::Intent { reply, .. } | Step::Change { reply, .. } => reply,
        }
    }
}

/// The queue the journal's `mark_sending` and `change` go through.
pub(super) type Steps = Queue<Step>;

/// Starts one committing task per connection; they end when the queue is dropped.
pub(super) async fn start(clients: Vec<Client>, worker: &str) -> Result<Steps, BatchError> {
    let (steps, groups) = queue::<Step>();
    let groups = Arc::new(Mutex::new(groups));
    for client in clients {
        let mut statements = Vec::with_capacity(4);
        for sql in [INTENT, CHANGE, INTENTS, CHANGES] {
            statements.push(client.prepare(sql).await.map_err(db)?);
        }
        let statements = statements.try_into().map_err(|_| BatchError::Journal("four statements".into()))?;
        let committer = Committer { client, statements, worker: worker.to_owned() };
        tokio::spawn(committer.run(groups.clone()));
    }
    Ok(steps)
}

/// Milliseconds since the Unix epoch, as stored; taken when a group runs, so a lease
/// is checked no earlier than the change is made.
fn now() -> i64 {
    n(now_ms())
}

struct Committer {
    client: Client,
    /// `INTENT`, `CHANGE`, `INTENTS` and `CHANGES`, prepared on `client`.
    statements: [Statement; 4],
    worker: String,
}

impl Committer {
    async fn run(mut self, groups: Arc<Mutex<Groups<Step>>>) {
        loop {
            // The lock is held only while waiting for a group: while this task commits,
            // the next group gathers and another task runs it (PostgreSQL flushes
            // concurrent commits together).
            let Some(mut group) = groups.lock().await.next().await else { return };
            group.sort_by(|a, b| a.key().cmp(&b.key()));
            self.commit(group).await;
        }
    }

    async fn commit(&mut self, group: Vec<Step>) {
        let Committer { client, statements, worker } = self;
        match pipelined(client, statements, worker, &group).await {
            Ended::Committed(applied) => {
                for (step, applied) in group.into_iter().zip(applied) {
                    answer(step.into_reply(), Ok(applied), &Ok(()));
                }
            }
            // Rolled back (the database said so): each change again, alone, in its own
            // implicit transaction, committed before its answer.
            Ended::RolledBack => {
                for step in group {
                    let alone = execute(client, statements, worker, now(), &step).await;
                    answer(step.into_reply(), alone.map(|k| k == 1).map_err(|e| format!("PostgreSQL: {e}")), &Ok(()));
                }
            }
            // Whether the group was committed is unknown, so no change of it is
            // reported done.
            Ended::Unknown(e) => {
                let failed = Err(format!("PostgreSQL: {e}"));
                for step in group {
                    answer(step.into_reply(), Ok(false), &failed);
                }
            }
        }
    }
}

/// How a group's transaction ended.
enum Ended {
    /// Committed: whether each change applied.
    Committed(Vec<bool>),
    /// Rolled back by the database: nothing of the group was changed.
    RolledBack,
    /// Not known (the connection failed): the group may or may not be committed.
    Unknown(tokio_postgres::Error),
}

/// A statement of a pipeline; every answer is taken as rows.
type Sent<'a> = std::pin::Pin<Box<dyn Future<Output = Result<Vec<Row>, tokio_postgres::Error>> + Send + 'a>>;

/// Runs a group (sorted by row) as one transaction sent as one pipeline: BEGIN, the
/// statements of every turn, COMMIT, written before any answer is awaited. On a machine
/// whose CPUs are busy signing, each round trip waits for the database to be scheduled,
/// so one round trip per group instead of three shortens every row's wait. A statement
/// that fails aborts the transaction, and PostgreSQL then answers the COMMIT by rolling
/// back.
async fn pipelined(client: &Client, statements: &[Statement; 4], worker: &str, group: &[Step]) -> Ended {
    let turns = turns(group);
    let now = now();
    let mut intents: Vec<(Vec<&str>, Vec<i64>, Vec<i64>)> = vec![Default::default(); turns.len()];
    let mut changes: Vec<Changes> = std::iter::repeat_with(Changes::default).take(turns.len()).collect();
    for (k, members) in turns.iter().enumerate() {
        for &i in members {
            match &group[i] {
                Step::Intent { batch_id, row, lease_ms, .. } => {
                    intents[k].0.push(batch_id);
                    intents[k].1.push(n(*row));
                    intents[k].2.push(*lease_ms);
                }
                Step::Change { batch_id, row, step, change, .. } => changes[k].push(batch_id, *row, *step, change),
            }
        }
    }
    let intent_params: Vec<[&(dyn ToSql + Sync); 5]> = intents
        .iter()
        .map(|(batch_id, row, lease_ms)| [&now as _, batch_id as _, row as _, &worker as _, lease_ms as _])
        .collect();
    let change_params: Vec<[&(dyn ToSql + Sync); 9]> = changes.iter().map(|c| c.params(&now)).collect();
    // Which turn each statement serves, in the order they are sent.
    let mut served = Vec::with_capacity(2 * turns.len());
    let mut pipeline: Vec<Sent<'_>> = Vec::with_capacity(2 * turns.len() + 2);
    pipeline.push(Box::pin(async { client.batch_execute("BEGIN").await.map(|()| Vec::new()) }));
    for k in 0..turns.len() {
        if !intents[k].0.is_empty() {
            served.push(k);
            pipeline.push(Box::pin(client.query(&statements[2], &intent_params[k])));
        }
        if !changes[k].batch_id.is_empty() {
            served.push(k);
            pipeline.push(Box::pin(client.query(&statements[3], &change_params[k])));
        }
    }
    pipeline.push(Box::pin(async { client.batch_execute("COMMIT").await.map(|()| Vec::new()) }));
    // `join_all` polls in order, and a request is written when first polled: the
    // database receives the statements in this order.
    let mut answers = futures_util::future::join_all(pipeline).await;
    let commit = answers.pop().unwrap_or_else(|| Ok(Vec::new()));
    let begin = answers.remove(0);
    if let Err(e) = begin.and(commit) {
        return Ended::Unknown(e);
    }
    let mut done: Vec<std::collections::HashSet<(String, i64)>> = vec![Default::default(); turns.len()];
    for (k, answer) in served.into_iter().zip(answers) {
        match answer {
            Ok(rows) => done[k].extend(rows.iter().map(|r| (r.get(0), r.get(1)))),
            // The database refused a statement it received: it then rolled the COMMIT
            // back. An error from this side (the statement never sent) proves nothing.
            Err(e) if e.as_db_error().is_some() => return Ended::RolledBack,
            Err(e) => return Ended::Unknown(e),
        }
    }
    let mut applied = vec![false; group.len()];
    for (k, members) in turns.iter().enumerate() {
        for &i in members {
            let (batch_id, row) = group[i].key();
            applied[i] = done[k].contains(&(batch_id.to_owned(), n(row)));
        }
    }
    Ended::Committed(applied)
}

/// The members of each turn: turn k holds each row's k-th change (the group is sorted
/// by row), so that one statement names a row once.
fn turns(group: &[Step]) -> Vec<Vec<usize>> {
    let mut turns: Vec<Vec<usize>> = Vec::new();
    let mut turn = 0;
    for (i, step) in group.iter().enumerate() {
        turn = if i > 0 && group[i - 1].key() == step.key() { turn + 1 } else { 0 };
        if turns.len() <= turn {
            turns.push(Vec::new());
        }
        turns[turn].push(i);
    }
    turns
}

/// The columns of `CHANGES`, one array each.
#[derive(Default)]
struct Changes<'a> {
    batch_id: Vec<&'a str>,
    row_number: Vec<i64>,
    from: Vec<&'static str>,
    to: Vec<&'static str>,
    status: Vec<Option<&'a str>>,
    trade_no: Vec<Option<&'a str>>,
    gateway_code: Vec<Option<&'a str>>,
    message: Vec<Option<&'a str>>,
}

impl<'a> Changes<'a> {
    fn push(&mut self, batch_id: &'a str, row: u64, (from, to): (State, State), change: &'a Change) {
        self.batch_id.push(batch_id);
        self.row_number.push(n(row));
        self.from.push(from.as_str());
        self.to.push(to.as_str());
        self.status.push(change.status.as_deref());
        self.trade_no.push(change.trade_no.as_deref());
        self.gateway_code.push(change.gateway_code.as_deref());
        self.message.push(change.message.as_deref());
    }

    fn params<'p>(&'p self, now: &'p i64) -> [&'p (dyn ToSql + Sync); 9] {
        [
            now,
            &self.batch_id,
            &self.row_number,
            &self.from,
            &self.to,
            &self.status,
            &self.trade_no,
            &self.gateway_code,
            &self.message,
        ]
    }
}

async fn execute(
    c: &impl GenericClient,
    statements: &[Statement; 4],
    worker: &str,
    now: i64,
    step: &Step,
) -> Result<u64, tokio_postgres::Error> {
    match step {
        Step::Intent { batch_id, row, lease_ms, .. } => {
            let params: [&(dyn ToSql + Sync); 5] = [&now, batch_id, &n(*row), &worker, lease_ms];
            c.execute(&statements[0], &params).await
        }
        Step::Change { batch_id, row, step: (from, to), change, .. } => {
            let params: [&(dyn ToSql + Sync); 9] = [
                &to.as_str(),
                &change.status,
                &change.trade_no,
                &change.gateway_code,
                &change.message,
                &now,
                batch_id,
                &n(*row),
                &from.as_str(),
            ];
            c.execute(&statements[1], &params).await
        }
    }
}
