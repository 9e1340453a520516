//! Group commit, for both journals: callers hand their calls (jobs) to the owner of a
//! connection, which takes every job waiting, runs them in one transaction, commits once
//! (one fsync for the group) and only then answers each caller. So every call still
//! returns after its change is durable, but 64 rows in flight share a few fsyncs instead
//! of each paying its own. How a group runs is the backend's: SQLite on a thread of its
//! own (`sqlite/writer.rs`), PostgreSQL in tasks on the runtime (`postgres/steps.rs`).

use crate::error::BatchError;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, error::TryRecvError};
use tokio::sync::oneshot;

/// The most jobs in one transaction.
const MAX_GROUP: usize = 512;

/// Where a job's answer goes.
pub(super) type Reply<T> = oneshot::Sender<Result<T, String>>;

/// The callers' side.
pub(super) struct Queue<J> {
    jobs: UnboundedSender<J>,
}

/// The connection owner's side: the jobs waiting, a group at a time.
pub(super) struct Groups<J> {
    jobs: UnboundedReceiver<J>,
}

/// A queue and its groups; the groups end once the queue is dropped.
pub(super) fn queue<J>() -> (Queue<J>, Groups<J>) {
    let (jobs, waiting) = tokio::sync::mpsc::unbounded_channel();
    (Queue { jobs }, Groups { jobs: waiting })
}

fn stopped() -> BatchError {
    BatchError::Journal("the journal's writer has stopped".into())
}

impl<J> Queue<J> {
    /// Queues the job `make` builds around its reply; returns the answer, which comes
    /// once the group the job joined is committed.
    pub(super) async fn call<T>(&self, make: impl FnOnce(Reply<T>) -> J) -> Result<T, BatchError> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(make(reply)).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?.map_err(BatchError::Journal)
    }
}

impl<J> Groups<J> {
    /// The next group, waiting on a thread of its own; `None` once the queue is gone.
    /// When `linger` is set, the group is gathered that long after its first job, so
    /// that callers working together share one commit (one fsync) more often.
    #[cfg(feature = "sqlite")]
    pub(super) fn blocking_next(&mut self, linger: Option<std::time::Duration>) -> Option<Vec<J>> {
        let first = self.jobs.blocking_recv()?;
        if let Some(linger) = linger {
            std::thread::sleep(linger);
        }
        Some(self.fill(first))
    }

    /// The next group, waiting in a task; `None` once the queue is gone.
    #[cfg(any(test, feature = "postgres"))]
    pub(super) async fn next(&mut self) -> Option<Vec<J>> {
        let first = self.jobs.recv().await?;
        Some(self.fill(first))
    }

    /// `first` and every job waiting behind it, up to `MAX_GROUP`.
    fn fill(&mut self, first: J) -> Vec<J> {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match self.jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        group
    }
}

/// Answers a job with its own outcome, unless the group's commit failed: a change is
/// reported done only once it is durable.
pub(super) fn answer<T>(reply: Reply<T>, outcome: Result<T, String>, commit: &Result<(), String>) {
    let result = match (outcome, commit) {
        (Err(e), _) => Err(e),
        (Ok(_), Err(e)) => Err(format!("commit failed: {e}")),
        (Ok(value), Ok(())) => Ok(value),
    };
    // The caller may have gone (a cancelled run): nothing to answer.
    let _ = reply.send(result);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_waiting_together_form_one_group_and_each_hears_its_own_answer() {
        let (queue, mut groups) = queue::<(u32, Reply<u32>)>();
        let queue = std::sync::Arc::new(queue);
        let calls: Vec<_> = (0..5)
            .map(|k| {
                tokio::spawn({
                    let q = queue.clone();
                    async move { q.call(|r| (k, r)).await }
                })
            })
            .collect();
        // Let every call queue its job before the owner looks.
        while groups.jobs.len() < 5 {
            tokio::task::yield_now().await;
        }
        let group = groups.next().await.expect("a group");
        assert_eq!(group.len(), 5, "all five in one group");
        for (k, reply) in group {
            let outcome = if k == 3 { Err("row 3 failed".to_owned()) } else { Ok(k * 10) };
            answer(reply, outcome, &Ok(()));
        }
        let mut answers = Vec::new();
        for call in calls {
            answers.push(call.await.unwrap().map_err(|e| e.to_string()));
        }
        assert_eq!(answers[0], Ok(0));
        assert_eq!(answers[4], Ok(40));
        assert!(answers[3].as_ref().is_err_and(|e| e.contains("row 3 failed")), "{answers:?}");
    }

    #[tokio::test]
    async fn a_failed_commit_fails_every_job_of_the_group_and_a_gone_owner_is_an_error() {
        let (queue, mut groups) = queue::<Reply<u32>>();
        let queue = std::sync::Arc::new(queue);
        let call = tokio::spawn({
            let q = queue.clone();
            async move { q.call(|r| r).await }
        });
        let group = groups.next().await.expect("a group");
        for reply in group {
            answer(reply, Ok(1), &Err("disk full".to_owned()));
        }
        let failed = call.await.unwrap().expect_err("not durable, not done");
        assert!(failed.to_string().contains("commit failed: disk full"), "{failed}");
        drop(groups);
        let gone = queue.call(|r| r).await.expect_err("nobody runs the job");
        assert!(gone.to_string().contains("stopped"), "{gone}");
    }
}
