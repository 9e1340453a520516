//! Running a batch: reconcile every row that may have left, then send pending rows
//! (intent durable first), under a concurrency and a rate limit, with a stop rule; then
//! optionally poll accepted rows until their status is final.

use crate::batch::Batch;
use crate::error::BatchError;
use crate::journal::{Change, Claim, Counts, Journal, JournalRow, State, now_ms};
use crate::row;
use smilepayz::{Client, Error, Reconciliation, StatusResponse};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// Progress, reported after every row that changed state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Rows per state name.
    pub counts: BTreeMap<&'static str, u64>,
    /// Pay-outs handed to the gateway client in this run.
    pub sent: u64,
    /// Time since the run started.
    pub elapsed: Duration,
}

/// Asks a run to stop taking new rows: what is in flight finishes and is journaled,
/// then `run` returns. Cheap to clone; wire it to SIGINT/SIGTERM in a program.
#[derive(Clone, Debug, Default)]
pub struct StopHandle(Arc<std::sync::atomic::AtomicBool>);

impl StopHandle {
    /// A handle not yet triggered.
    pub fn new() -> StopHandle {
        StopHandle::default()
    }

    /// Stops the runs holding this handle from taking new rows.
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Triggers the handle on the first SIGINT (Ctrl-C) or SIGTERM this process gets,
    /// from a task on the current tokio runtime. Returns an error when the signal
    /// handlers cannot be installed.
    pub fn stop_on_signals(&self) -> std::io::Result<()> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let mut interrupt = signal(SignalKind::interrupt())?;
            let mut terminate = signal(SignalKind::terminate())?;
            let handle = self.clone();
            tokio::spawn(async move {
                tokio::select! {
                    _ = interrupt.recv() => {}
                    _ = terminate.recv() => {}
                }
                tracing::info!(target: "smilepayz_batch::run", "signal received: no new rows; finishing what is in flight");
                handle.stop();
            });
        }
        #[cfg(not(unix))]
        {
            let handle = self.clone();
            tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    handle.stop();
                }
            });
        }
        Ok(())
    }

    /// True once [`stop`](Self::stop) was called.
    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

impl Progress {
    /// Pay-outs handed to the client per second so far in this run (0 before the first).
    pub fn rate_per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 { self.sent as f64 / secs } else { 0.0 }
    }

    /// The time the pending rows need at the rate so far; `None` before a rate exists.
    pub fn eta(&self) -> Option<Duration> {
        let rate = self.rate_per_second();
        let pending = self.counts.get(State::Pending.as_str()).copied().unwrap_or(0);
        (rate > 0.0).then(|| Duration::from_secs_f64(pending as f64 / rate))
    }
}

/// A progress callback.
pub type OnProgress = Arc<dyn Fn(&Progress) + Send + Sync>;

/// A test-only crash point: the process aborts (no cleanup, like SIGKILL) at the n-th
/// occurrence of the moment, counted from 1 in this run.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbortAt {
    /// Right after the n-th intent became durable, before the request is sent.
    AfterIntent(u64),
    /// Right after the n-th answer, before its outcome is journaled.
    AfterAnswer(u64),
}

/// How a run behaves.
#[derive(Clone)]
pub struct RunOptions {
    /// Pay-outs in flight at once (at least 1).
    pub concurrency: usize,
    /// Requests per second at most (pay-outs and inquiries); `None`: no limit.
    pub rate_per_second: Option<u32>,
    /// Pause the batch after this many consecutive rejections with the same gateway code
    /// (e.g. insufficient balance); `None`: never.
    pub stop_after_same_rejections: Option<u32>,
    /// How long after its intent a row must still be unknown to the gateway before it is
    /// sent again (same orderNo). Cover the time a request can take to be taken in; at
    /// least the client's [`request_timeout`](Client::request_timeout), or `run` refuses.
    pub not_found_grace: Duration,
    /// How long a run keeps reconciling rows whose fate is unknown before it returns
    /// with them still unknown.
    pub max_wait: Duration,
    /// Poll accepted rows until final, for at most this long; `None`: do not poll.
    pub settle_within: Option<Duration>,
    /// How long a claim on a row lasts (for journals shared by several workers); at least
    /// the client's [`request_timeout`](Client::request_timeout), or `run` refuses.
    pub lease: Duration,
    /// Called after every row that changed state.
    pub on_progress: Option<OnProgress>,
    /// Stops the run from taking new rows when triggered.
    pub stop: StopHandle,
    #[doc(hidden)]
    pub abort_at: Option<AbortAt>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            concurrency: 8,
            rate_per_second: None,
            stop_after_same_rejections: Some(10),
            not_found_grace: Duration::from_secs(120),
            max_wait: Duration::from_secs(600),
            settle_within: None,
            lease: Duration::from_secs(300),
            on_progress: None,
            stop: StopHandle::default(),
            abort_at: None,
        }
    }
}

impl std::fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("concurrency", &self.concurrency)
            .field("rate_per_second", &self.rate_per_second)
            .field("stop_after_same_rejections", &self.stop_after_same_rejections)
            .field("not_found_grace", &self.not_found_grace)
            .field("max_wait", &self.max_wait)
            .field("settle_within", &self.settle_within)
            .finish_non_exhaustive()
    }
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunSummary {
    /// Rows per state at the end.
    pub counts: BTreeMap<&'static str, u64>,
    /// Pay-outs handed to the gateway client in this run.
    pub sent: u64,
    /// Why the batch paused (a stop rule), if it did.
    pub paused: Option<String>,
    /// True when the run ended because its [`StopHandle`] was triggered.
    pub stopped: bool,
}

impl RunSummary {
    /// True when no row is pending, sending or unknown.
    pub fn is_finished(&self) -> bool {
        [State::Pending, State::Sending, State::Unknown]
            .iter()
            .all(|s| self.counts.get(s.as_str()).is_none_or(|n| *n == 0))
    }
}

/// What one pay-out or inquiry concluded, for the stop rule.
enum Concluded {
    Rejected(String),
    Other,
}

/// Spaces requests out to a rate.
struct Pace {
    every: Option<Duration>,
    next: tokio::sync::Mutex<Instant>,
}

impl Pace {
    fn new(rate: Option<u32>) -> Pace {
        let every = rate.filter(|r| *r > 0).map(|r| Duration::from_secs(1) / r);
        Pace { every, next: tokio::sync::Mutex::new(Instant::now()) }
    }

    async fn wait(&self) {
        let Some(every) = self.every else { return };
        let at = {
            let mut next = self.next.lock().await;
            let at = (*next).max(Instant::now());
            *next = at + every;
            at
        };
        tokio::time::sleep_until(at.into()).await;
    }
}

struct Run<J: Journal> {
    journal: Arc<J>,
    batch_id: String,
    client: Client,
    options: RunOptions,
    pace: Pace,
    started: Instant,
    sent: AtomicU64,
    intents: AtomicU64,
    answers: AtomicU64,
    /// Counts are read and reported under this lock, so reports arrive in order.
    reporting: tokio::sync::Mutex<()>,
    /// Rows per state as this run sees them: the journal's counts at each round, moved
    /// along by this run's own changes (a journal query per change would cost O(rows)).
    seen: std::sync::Mutex<Counts>,
}

impl<J: Journal> Batch<J> {
    /// Runs the batch until no row is pending, sending or unknown (or `max_wait` is
    /// spent, or a stop rule pauses it). Rows that may have left are reconciled first;
    /// a row is sent again only when the gateway does not know its orderNo
    /// `not_found_grace` after its intent. Clears an earlier pause.
    pub async fn run(&self, client: &Client, options: RunOptions) -> Result<RunSummary, BatchError> {
        if options.concurrency == 0 {
            return Err(BatchError::Config("concurrency must be at least 1".into()));
        }
        let in_flight = client.request_timeout();
        let ms = |d: Duration| d.as_millis();
        if options.not_found_grace < in_flight {
            return Err(BatchError::Config(format!(
                "not_found_grace ({} ms) must be at least the client's request timeout ({} ms): a pay-out \
                 still in flight would be taken for absent and sent again",
                ms(options.not_found_grace),
                ms(in_flight)
            )));
        }
        if options.lease < in_flight {
            return Err(BatchError::Config(format!(
                "lease ({} ms) must be at least the client's request timeout ({} ms): another worker would \
                 take over rows whose pay-outs may still be in flight",
                ms(options.lease),
                ms(in_flight)
            )));
        }
        self.journal.set_paused(&self.batch_id, None).await?;
        let seen = std::sync::Mutex::new(self.journal.counts(&self.batch_id).await?);
        let run = Arc::new(Run {
            journal: self.journal.clone(),
            batch_id: self.batch_id.clone(),
            client: client.clone(),
            pace: Pace::new(options.rate_per_second),
            options,
            started: Instant::now(),
            sent: AtomicU64::new(0),
            intents: AtomicU64::new(0),
            answers: AtomicU64::new(0),
            reporting: tokio::sync::Mutex::new(()),
            seen,
        });
        let paused = run.clone().drive().await?;
        if paused.is_none()
            && !run.options.stop.is_stopped()
            && let Some(within) = run.options.settle_within
        {
            run.clone().settle(within).await?;
        }
        let counts = run.counts().await?;
        let stopped = run.options.stop.is_stopped();
        Ok(RunSummary { counts, sent: run.sent.load(Ordering::SeqCst), paused, stopped })
    }

    /// Resumes after a crash or a pause: the same as [`run`](Self::run), which always
    /// reconciles first.
    pub async fn resume(&self, client: &Client, options: RunOptions) -> Result<RunSummary, BatchError> {
        self.run(client, options).await
    }
}

impl<J: Journal> Run<J> {
    /// Reconcile, send, repeat until nothing is open; returns the pause reason if any.
    async fn drive(self: Arc<Self>) -> Result<Option<String>, BatchError> {
        let deadline = Instant::now() + self.options.max_wait;
        loop {
            for state in [State::Sending, State::Unknown] {
                self.clone().each(state, Run::reconcile).await?;
            }
            if let Some(reason) = self.clone().send_pending().await? {
                return Ok(Some(reason));
            }
            let counts = self.journal.counts(&self.batch_id).await?;
            self.seen.lock().unwrap_or_else(PoisonError::into_inner).clone_from(&counts);
            let open = [State::Pending, State::Sending, State::Unknown]
                .iter()
                .map(|s| counts.get(s).copied().unwrap_or(0))
                .sum::<u64>();
            if open == 0 || Instant::now() >= deadline || self.options.stop.is_stopped() {
                return Ok(None);
            }
            // Waiting for a grace period to pass or an inquiry to get through.
            let nap = (self.options.not_found_grace / 4).clamp(Duration::from_millis(20), Duration::from_secs(2));
            tokio::time::sleep(nap).await;
        }
    }

    /// Applies `step` to every row claimed in `state`, concurrently; stops claiming when
    /// the stop rule fires and returns its reason.
    async fn each<F, Fut>(self: Arc<Self>, state: State, step: F) -> Result<Option<String>, BatchError>
    where
        F: Fn(Arc<Self>, JournalRow) -> Fut + Copy + Send + 'static,
        Fut: std::future::Future<Output = Result<Concluded, BatchError>> + Send + 'static,
    {
        let limit = self.options.concurrency;
        let mut tasks = JoinSet::new();
        let mut streak: Option<(String, u32)> = None;
        let mut stop: Option<String> = None;
        let mut first_error: Option<BatchError> = None;
        // The next claim is made while the rows of the last one are sent, so that a
        // free slot never waits for the journal to claim (on PostgreSQL a claim is a
        // commit of its own).
        let mut next_claim = Some(self.clone().claim_after(state, 0));
        'claiming: while let Some(claiming) = next_claim.take() {
            let rows = claiming.await.map_err(|e| BatchError::Journal(format!("a claim's task failed: {e}")))??;
            let Some(last) = rows.last() else { break };
            next_claim = Some(self.clone().claim_after(state, last.row_number));
            for row in rows {
                // Wait for a free slot, concluding finished rows first: the stop rule
                // must see every answer before another row leaves.
                while let Some(done) = tasks.try_join_next() {
                    self.conclude(done, &mut streak, &mut stop, &mut first_error);
                }
                while tasks.len() >= limit {
                    if let Some(done) = tasks.join_next().await {
                        self.conclude(done, &mut streak, &mut stop, &mut first_error);
                    }
                }
                if stop.is_some() || first_error.is_some() || self.options.stop.is_stopped() {
                    break 'claiming;
                }
                tasks.spawn(step(self.clone(), row));
            }
        }
        // The rows of a claim made ahead stay pending under this worker's lease, as the
        // unsent rows of a claim do: this worker takes them back on its next run, others
        // once the lease has expired. Its outcome is awaited, not left running.
        if let Some(claiming) = next_claim {
            let _ = claiming.await;
        }
        while let Some(done) = tasks.join_next().await {
            self.conclude(done, &mut streak, &mut stop, &mut first_error);
        }
        if let Some(e) = first_error {
            return Err(e);
        }
        if let Some(reason) = &stop {
            self.journal.set_paused(&self.batch_id, Some(reason.clone())).await?;
        }
        Ok(stop)
    }

    /// Claims, in a task of its own, the next rows in `state` after `after_row`.
    fn claim_after(
        self: Arc<Self>,
        state: State,
        after_row: u64,
    ) -> tokio::task::JoinHandle<Result<Vec<JournalRow>, BatchError>> {
        tokio::spawn(async move {
            let claim = Claim { state, after_row, limit: self.options.concurrency, lease: self.options.lease };
            self.journal.claim(&self.batch_id, claim).await
        })
    }

    fn conclude(
        &self,
        done: Result<Result<Concluded, BatchError>, tokio::task::JoinError>,
        streak: &mut Option<(String, u32)>,
        stop: &mut Option<String>,
        first_error: &mut Option<BatchError>,
    ) {
        let concluded = match done {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => {
                first_error.get_or_insert(e);
                return;
            }
            Err(e) => {
                first_error.get_or_insert(BatchError::Journal(format!("a row's task failed: {e}")));
                return;
            }
        };
        let Concluded::Rejected(code) = concluded else {
            *streak = None;
            return;
        };
        let n = match streak {
            Some((c, n)) if *c == code => *n + 1,
            _ => 1,
        };
        *streak = Some((code.clone(), n));
        if self.options.stop_after_same_rejections.is_some_and(|limit| n >= limit) && stop.is_none() {
            *stop = Some(format!("{n} consecutive pay-outs rejected with gateway code {code}; paused"));
        }
    }

    async fn send_pending(self: Arc<Self>) -> Result<Option<String>, BatchError> {
        self.clone().each(State::Pending, Run::send).await
    }

    /// One pay-out: intent durable, request, outcome durable.
    async fn send(self: Arc<Self>, row: JournalRow) -> Result<Concluded, BatchError> {
        let request = match row::request(&row.content) {
            Ok(r) => r,
            Err(why) => {
                let change = Change { message: Some(why), ..Change::default() };
                self.change(&row, State::Pending, State::Rejected, change).await?;
                return Ok(Concluded::Other);
            }
        };
        // Paced before the intent, so that rows wait as pending, not as sending.
        self.pace.wait().await;
        if !self.journal.mark_sending(&self.batch_id, row.row_number, self.options.lease).await? {
            return Ok(Concluded::Other);
        }
        self.moved(State::Pending, State::Sending);
        self.crash_point(AbortAt::AfterIntent(self.intents.fetch_add(1, Ordering::SeqCst) + 1));
        self.sent.fetch_add(1, Ordering::SeqCst);
        let answer = self.client.payout(&request).await;
        self.crash_point(AbortAt::AfterAnswer(self.answers.fetch_add(1, Ordering::SeqCst) + 1));
        let (to, change, concluded) = match answer {
            Ok(accepted) => {
                let status = accepted.status.as_ref().map(|s| s.as_str().to_owned());
                let to = if accepted.is_final() { State::Final } else { State::Accepted };
                let change = Change {
                    status,
                    trade_no: accepted.trade_no,
                    gateway_code: Some(accepted.code),
                    message: Some(accepted.message),
                };
                (to, change, Concluded::Other)
            }
            // A resend refused (e.g. as a duplicate) may mean the first request arrived
            // after all, late: the inquiry decides (`reconcile` keeps the code).
            Err(Error::Api(api)) if row.send_attempts > 0 => {
                let message = format!(
                    "refused on a resend ({}); reconciling, as the first request may have arrived late",
                    api.message
                );
                let change = Change { gateway_code: Some(api.code), message: Some(message), ..Change::default() };
                (State::Unknown, change, Concluded::Other)
            }
            Err(Error::Api(api)) => {
                let code = api.code.clone();
                let change = Change { gateway_code: Some(api.code), message: Some(api.message), ..Change::default() };
                (State::Rejected, change, Concluded::Rejected(code))
            }
            // The connection was never made: provably not sent.
            Err(Error::Transport(why)) => {
                let change = Change { message: Some(format!("not sent: {why}")), ..Change::default() };
                (State::Pending, change, Concluded::Other)
            }
            Err(other) => {
                let change = Change { message: Some(other.to_string()), ..Change::default() };
                (State::Unknown, change, Concluded::Other)
            }
        };
        self.change(&row, State::Sending, to, change).await?;
        Ok(concluded)
    }

    /// A row that may have left: ask the gateway. A row still unknown keeps the code of
    /// a refused resend, so that "not found" after the grace period confirms the refusal
    /// instead of sending it a third time.
    async fn reconcile(self: Arc<Self>, row: JournalRow) -> Result<Concluded, BatchError> {
        self.pace.wait().await;
        let refused = row.gateway_code.clone();
        let unknown =
            |message: String| Change { gateway_code: refused.clone(), message: Some(message), ..Change::default() };
        let (to, change) = match self.client.reconcile_payout(&row.order_no).await {
            Ok(Reconciliation::Settled(s)) => (State::Final, status_change(s)),
            Ok(Reconciliation::Pending(s)) => (State::Accepted, status_change(s)),
            Ok(Reconciliation::NotFound { code, message }) => {
                let grace = u64::try_from(self.options.not_found_grace.as_millis()).unwrap_or(u64::MAX);
                let sent_at = row.sent_at_ms.unwrap_or(0);
                if now_ms() < sent_at.saturating_add(grace) {
                    (
                        State::Unknown,
                        unknown(format!(
                            "the gateway does not know the order yet ({message}); asking again after the grace period"
                        )),
                    )
                } else if let Some(refused) = refused.clone() {
                    let message = format!(
                        "refused with code {refused} on a resend, and the gateway does not know the order ({message})"
                    );
                    (
                        State::Rejected,
                        Change { gateway_code: Some(refused), message: Some(message), ..Change::default() },
                    )
                } else {
                    let message = format!("the gateway does not know the order ({message}); it will be sent again");
                    (State::Pending, Change { gateway_code: Some(code), message: Some(message), ..Change::default() })
                }
            }
            Err(e) => (State::Unknown, unknown(format!("reconciliation failed: {e}"))),
        };
        self.change(&row, row.state, to, change).await?;
        Ok(Concluded::Other)
    }

    /// Polls accepted rows until final, with backoff, for at most `within`.
    async fn settle(self: Arc<Self>, within: Duration) -> Result<(), BatchError> {
        let deadline = Instant::now() + within;
        let mut nap = Duration::from_millis(50);
        while Instant::now() < deadline && !self.options.stop.is_stopped() {
            self.clone().each(State::Accepted, Run::poll).await?;
            let counts = self.journal.counts(&self.batch_id).await?;
            if counts.get(&State::Accepted).copied().unwrap_or(0) == 0 {
                break;
            }
            tokio::time::sleep(nap.min(deadline.saturating_duration_since(Instant::now()))).await;
            nap = (nap * 2).min(Duration::from_secs(5));
        }
        Ok(())
    }

    async fn poll(self: Arc<Self>, row: JournalRow) -> Result<Concluded, BatchError> {
        self.pace.wait().await;
        let change = match self.client.reconcile_payout(&row.order_no).await {
            Ok(Reconciliation::Settled(s)) => {
                return self.change(&row, State::Accepted, State::Final, status_change(s)).await;
            }
            Ok(Reconciliation::Pending(s)) => status_change(s),
            Ok(Reconciliation::NotFound { code, message }) => Change {
                gateway_code: Some(code),
                message: Some(format!("accepted, but the status inquiry finds no order: {message}")),
                ..Change::default()
            },
            Err(e) => Change { message: Some(format!("status inquiry failed: {e}")), ..Change::default() },
        };
        self.change(&row, State::Accepted, State::Accepted, change).await
    }

    async fn change(&self, row: &JournalRow, from: State, to: State, change: Change) -> Result<Concluded, BatchError> {
        if self.journal.change(&self.batch_id, row.row_number, (from, to), change).await? {
            self.moved(from, to);
            self.progress().await;
        }
        Ok(Concluded::Other)
    }

    fn moved(&self, from: State, to: State) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = seen.get_mut(&from) {
            *n = n.saturating_sub(1);
        }
        *seen.entry(to).or_default() += 1;
    }

    async fn counts(&self) -> Result<BTreeMap<&'static str, u64>, BatchError> {
        Ok(visible(&self.journal.counts(&self.batch_id).await?))
    }

    async fn progress(&self) {
        let Some(report) = &self.options.on_progress else { return };
        let _in_order = self.reporting.lock().await;
        let counts = visible(&self.seen.lock().unwrap_or_else(PoisonError::into_inner));
        report(&Progress { counts, sent: self.sent.load(Ordering::SeqCst), elapsed: self.started.elapsed() });
    }

    fn crash_point(&self, here: AbortAt) {
        if self.options.abort_at == Some(here) {
            std::process::abort();
        }
    }
}

/// Counts by state name, every visible state present.
fn visible(counts: &Counts) -> BTreeMap<&'static str, u64> {
    State::VISIBLE.iter().map(|s| (s.as_str(), counts.get(s).copied().unwrap_or(0))).collect()
}

fn status_change(s: StatusResponse) -> Change {
    Change {
        status: s.status.as_ref().map(|st| st.as_str().to_owned()),
        trade_no: s.trade_no,
        gateway_code: Some(s.code),
        message: s.remark.filter(|r| !r.is_empty()).or(Some(s.message)),
    }
}
