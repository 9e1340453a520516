//! The SQLite journal's group commit: one thread owns the connection and runs each
//! group (`group_commit.rs`) in one transaction, every job in its own savepoint, so a
//! job that fails is rolled back alone.

use super::super::group_commit::{Groups, Queue, Reply, answer, queue};
use crate::error::BatchError;
use rusqlite::Connection;
use std::thread::JoinHandle;
use std::time::Duration;

/// What a job leaves after running: whether it succeeded, and how to answer its caller
/// once the group's commit is known.
struct Done {
    ok: bool,
    answer: Answer,
}

/// Answers a caller, given the group's commit.
type Answer = Box<dyn FnOnce(&Result<(), String>) + Send>;

/// A job, and whether it needs a savepoint of its own: one that runs several statements
/// does; a single statement is atomic by itself, and skipping the savepoint saves two
/// statements and a copy of every page it changes on the calls every row makes.
type Job = (Box<dyn FnOnce(&Connection, &str) -> Done + Send>, Isolation);

/// Whether a job runs in a savepoint of its own.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Isolation {
    /// Several statements: rolled back together when one fails.
    Savepoint,
    /// One statement, which SQLite makes atomic by itself.
    Statement,
}

/// The connection's thread.
pub(super) struct Writer {
    jobs: Option<Queue<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Moves `conn` to its own thread; `worker` is handed to every job.
    pub(super) fn start(conn: Connection, worker: String) -> Result<Writer, BatchError> {
        let (jobs, groups) = queue::<Job>();
        let thread = std::thread::Builder::new()
            .name("smilepayz-journal".into())
            .spawn(move || run(&conn, &worker, groups))
            .map_err(|e| BatchError::Journal(format!("cannot start the journal thread: {e}")))?;
        Ok(Writer { jobs: Some(jobs), thread: Some(thread) })
    }

    /// Runs `work` in the next group; returns its result once the group is committed.
    pub(super) async fn with<T: Send + 'static>(
        &self,
        isolation: Isolation,
        work: impl FnOnce(&Connection, &str) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, BatchError> {
        let jobs = self.jobs.as_ref().ok_or_else(|| BatchError::Journal("the journal is closed".into()))?;
        jobs.call(|reply: Reply<T>| -> Job {
            let job = Box::new(move |conn: &Connection, worker: &str| {
                let outcome = work(conn, worker).map_err(|e| e.to_string());
                Done { ok: outcome.is_ok(), answer: Box::new(move |commit| answer(reply, outcome, commit)) }
            });
            (job, isolation)
        })
        .await
    }
}

impl Drop for Writer {
    /// Closes the queue and waits for the thread, so the file's lock is released when
    /// the journal is dropped.
    fn drop(&mut self) {
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// How long a group gathers when the last one had company. A lone caller (one call at a
/// time) never waits; a runner with rows in flight commits ~4 times less often, and
/// each of its calls waits this much longer, far less than the round trip it guards.
const LINGER: Duration = Duration::from_micros(500);

fn run(conn: &Connection, worker: &str, mut groups: Groups<Job>) {
    let mut company = false;
    while let Some(group) = groups.blocking_next(company.then_some(LINGER)) {
        company = group.len() > 1;
        let in_transaction = conn.execute_batch("BEGIN IMMEDIATE").is_ok();
        let mut answers = Vec::with_capacity(group.len());
        // Cached: run around every job, parsed once.
        let run = |sql: &str| conn.prepare_cached(sql).and_then(|mut s| s.execute([])).is_ok();
        for (job, isolation) in group {
            let isolated = isolation == Isolation::Savepoint && run("SAVEPOINT job");
            let done = job(conn, worker);
            if isolated {
                // A failed release leaves the transaction to the COMMIT below to report.
                let _ = (done.ok || run("ROLLBACK TO job")) && run("RELEASE job");
            }
            answers.push(done.answer);
        }
        let commit = if in_transaction {
            conn.execute_batch("COMMIT").map_err(|e| e.to_string()).inspect_err(|_| {
                let _ = conn.execute_batch("ROLLBACK");
            })
        } else {
            // Without a transaction each statement committed on its own.
            Ok(())
        };
        for answer in answers {
            answer(&commit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_job_is_rolled_back_alone_and_every_caller_hears_after_the_commit() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (k INTEGER PRIMARY KEY)").unwrap();
        let writer = std::sync::Arc::new(Writer::start(conn, "w".into()).unwrap());
        let mut calls = tokio::task::JoinSet::new();
        for k in 0..200_i64 {
            let writer = writer.clone();
            // Key 7 twice: the second insert fails; a job of two statements where the
            // second fails leaves nothing of the first.
            calls.spawn(async move {
                let key = if k == 100 { 7 } else { k };
                if k == 150 {
                    // One statement without a savepoint: atomic by itself, so its first
                    // row goes when its second fails.
                    return writer
                        .with(Isolation::Statement, |c, _| c.execute("INSERT INTO t VALUES (2150), (8)", []))
                        .await
                        .map(|_| k);
                }
                writer
                    .with(Isolation::Savepoint, move |c, worker| {
                        assert_eq!(worker, "w");
                        c.execute("INSERT INTO t VALUES (?1)", [k + 1000])?;
                        c.execute("INSERT INTO t VALUES (?1)", [key])
                    })
                    .await
                    .map(|_| k)
            });
        }
        let mut failed = Vec::new();
        while let Some(done) = calls.join_next().await {
            if let Err(e) = done.unwrap() {
                failed.push(e.to_string());
            }
        }
        assert!(failed.len() == 2 && failed.iter().all(|e| e.contains("UNIQUE")), "{failed:?}");
        let count = |sql: &'static str| {
            writer.with(Isolation::Savepoint, move |c, _| c.query_row(sql, [], |r| r.get::<_, i64>(0)))
        };
        assert_eq!(count("SELECT COUNT(*) FROM t").await.unwrap(), 198 * 2, "every other job committed");
        assert_eq!(count("SELECT COUNT(*) FROM t WHERE k = 1100").await.unwrap(), 0, "the failed job left nothing");
        assert_eq!(count("SELECT COUNT(*) FROM t WHERE k = 2150").await.unwrap(), 0, "nor the failed statement");
    }
}
