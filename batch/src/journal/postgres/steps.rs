//! The PostgreSQL journal's group commit for state changes (intents and outcomes, the
//! calls every row makes): a few tasks, each owning a connection, take the changes
//! waiting (`group_commit.rs`) and run them as one transaction: the statements are sent
//! together (one round trip), then one COMMIT (one WAL flush, `synchronous_commit` on)
//! before any caller hears. Each change stays a compare-and-set on its own row.
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
use futures_util::future::join_all;
use std::sync::Arc;
use tokio::sync::Mutex;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, GenericClient, Statement};

/// Pending → sending, only under this worker's unexpired lease: once it has expired,
/// another worker may hold the row.
const INTENT: &str = "UPDATE smilepayz_batch_rows SET state = 'sending', send_attempts = send_attempts + 1,
        sent_at_ms = $1, gateway_code = NULL, message = NULL, updated_at_ms = $1
    WHERE batch_id = $2 AND row_number = $3 AND state = 'pending' AND claimed_by = $4 AND lease_until_ms > $1";

/// `from` → `to` with what the gateway said; releases the claim.
const CHANGE: &str = "UPDATE smilepayz_batch_rows SET state = $1, status = COALESCE($2, status),
        trade_no = COALESCE($3, trade_no), gateway_code = $4, message = $5, claimed_by = NULL,
        lease_until_ms = NULL, updated_at_ms = $6
    WHERE batch_id = $7 AND row_number = $8 AND state = $9";

/// One state change; answered `true` when the row was in the expected state.
pub(super) enum Step {
    Intent { batch_id: String, row: u64, reply: Reply<bool> },
    Change { batch_id: String, row: u64, step: (State, State), change: Change, reply: Reply<bool> },
}

impl Step {
    /// Groups run their rows in this order, so that two workers' groups lock shared rows
    /// (a taken-over lease, a callback) in the same order and never deadlock.
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
        let statements = [client.prepare(INTENT).await.map_err(db)?, client.prepare(CHANGE).await.map_err(db)?];
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
    /// `INTENT` and `CHANGE`, prepared on `client`.
    statements: [Statement; 2],
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
        let together = async {
            let tx = client.transaction().await?;
            let now = now();
            let outcomes = join_all(group.iter().map(|s| execute(&tx, statements, worker, now, s))).await;
            if outcomes.iter().all(Result::is_ok) {
                tx.commit().await?;
            } else {
                tx.rollback().await?;
            }
            Ok::<_, tokio_postgres::Error>(outcomes)
        };
        let outcomes = match together.await {
            Ok(outcomes) => outcomes,
            Err(e) => {
                // BEGIN, COMMIT or ROLLBACK failed: whether the group was committed is
                // unknown, so no change of it is reported done.
                let failed = Err(format!("PostgreSQL: {e}"));
                for step in group {
                    answer(step.into_reply(), Ok(false), &failed);
                }
                return;
            }
        };
        if outcomes.iter().all(Result::is_ok) {
            for (step, outcome) in group.into_iter().zip(outcomes) {
                answer(step.into_reply(), outcome.map(|k| k == 1).map_err(|e| e.to_string()), &Ok(()));
            }
            return;
        }
        // Rolled back (the database said so): each change again, alone, in its own
        // implicit transaction, committed before its answer.
        for step in group {
            let alone = execute(client, statements, worker, now(), &step).await;
            answer(step.into_reply(), alone.map(|k| k == 1).map_err(|e| format!("PostgreSQL: {e}")), &Ok(()));
        }
    }
}

async fn execute(
    c: &impl GenericClient,
    statements: &[Statement; 2],
    worker: &str,
    now: i64,
    step: &Step,
) -> Result<u64, tokio_postgres::Error> {
    match step {
        Step::Intent { batch_id, row, .. } => {
            let params: [&(dyn ToSql + Sync); 4] = [&now, batch_id, &n(*row), &worker];
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
