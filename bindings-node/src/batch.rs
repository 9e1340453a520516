//! `NativeBatch`: a `smilepayz_batch::Batch` on a journal opened by location (a SQLite
//! path or a `postgresql://` URL), driven with the client's core `Client`. Settings,
//! answers and errors are `smilepayz_interop::batch`'s JSON; rows from JavaScript are
//! read by the core as the client's `payout` reads a request, then handed to the batch
//! as the snake_case mapping it journals.

use crate::callback::NativeConfirmedCallback;
use crate::client::{NativeCancelToken, NativeClient};
use crate::convert::{optional_settings, request_json, settings_to_json};
use crate::errors::{OnPanic, batch_to_js, guarded, shield, to_js};
use napi::bindgen_prelude::{Array, Function, PromiseRaw, Unknown};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Env, Status};
use napi_derive::napi;
use serde::Deserialize;
use serde_json::Value;
use smilepayz::{Case, Client, Violation};
use smilepayz_batch::{AddOptions, AnyJournal, Batch, BatchError, OnProgress, RowError, RowProblem, StopHandle};
use smilepayz_interop::batch::{self as interop, AddSettings, RunSettings};
use smilepayz_interop::settings::read;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

type Shared = Arc<Batch<AnyJournal>>;

/// Receives each progress report as camelCase JSON text.
type ProgressSink = ThreadsafeFunction<String, (), String, Status, false, true>;

/// A batch of pay-outs on an open journal.
#[napi]
pub struct NativeBatch {
    // `None` once closed; calls in flight hold their own `Arc`.
    inner: Mutex<Option<Shared>>,
    batch_id: String,
    backend: &'static str,
}

/// The `add`/`addFile` options (`skipInvalid`…), checked by the interop settings reader.
fn add_options(options: Option<Unknown<'_>>) -> napi::Result<AddOptions> {
    Ok(AddSettings::from_json(optional_settings(options)?).map_err(|e| to_js(&e))?.options())
}

/// Starts a batch call's future: its error is the batch's, a panic an `InternalError`.
fn spawn<'env, F>(env: &'env Env, future: F) -> napi::Result<PromiseRaw<'env, Value>>
where
    F: Future<Output = Result<Value, BatchError>> + Send + 'static,
{
    env.spawn_future(guarded(async move { future.await.map_err(|e| batch_to_js(&e)) }))
}

/// What `Batch.open` takes (an unknown key is a `ConfigError` naming it).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OpenSettings {
    /// A SQLite file path or a `postgresql://` URL.
    journal: String,
    #[serde(alias = "batchId")]
    batch_id: String,
    /// Only a batch the journal holds (resume or report after a crash).
    #[serde(default, alias = "mustExist")]
    must_exist: bool,
}

/// Opens the batch `batchId` on the journal at `journal` (created when absent, unless
/// `mustExist`).
#[napi(
    catch_unwind,
    ts_args_type = "options: { journal: string; batchId: string; mustExist?: boolean }",
    ts_return_type = "Promise<NativeBatch>"
)]
pub fn open_batch<'env>(env: &'env Env, options: Unknown<'env>) -> napi::Result<PromiseRaw<'env, NativeBatch>> {
    let OpenSettings { journal, batch_id, must_exist } =
        read("Batch.open", settings_to_json(options)?).map_err(|e| to_js(&e))?;
    env.spawn_future(guarded(async move {
        let opened = smilepayz_batch::open_batch(&journal, &batch_id, must_exist).await;
        let batch = opened.map_err(|e| batch_to_js(&e))?;
        let backend = batch.journal().backend();
        Ok(NativeBatch { inner: Mutex::new(Some(Arc::new(batch))), batch_id, backend })
    }))
}

/// Rows JavaScript values could not be converted for replace the batch's placeholder
/// problem with their violations.
fn explained(rows: &mut [RowError], invalid: &mut BTreeMap<u64, Vec<Violation>>) {
    for row in rows {
        if let Some(violations) = invalid.remove(&row.row_number) {
            row.problem = RowProblem::Invalid(violations);
        }
    }
}

impl NativeBatch {
    fn shared(&self) -> napi::Result<Shared> {
        let guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        guard
            .clone()
            .ok_or_else(|| batch_to_js(&BatchError::Config(format!("the batch {:?} is closed", self.batch_id))))
    }
}

/// Every call that talks to the journal or the gateway returns a Promise.
#[napi]
impl NativeBatch {
    /// The batch id.
    #[napi(getter)]
    pub fn batch_id(&self) -> String {
        self.batch_id.clone()
    }

    /// `sqlite` or `postgresql` (never the location: a URL may hold a password).
    #[napi(getter)]
    pub fn backend(&self) -> String {
        self.backend.to_owned()
    }

    /// Adds rows from code (an array of request objects), numbered 1, 2, … in order.
    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn add<'env>(
        &self,
        env: &'env Env,
        rows: Array<'env>,
        options: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let add = add_options(options)?;
        let batch = self.shared()?;
        let (mappings, mut invalid) = shield(&OnPanic::Internal, || {
            let mut mappings = Vec::with_capacity(rows.len() as usize);
            let mut invalid = BTreeMap::new();
            for i in 0..rows.len() {
                let row_number = u64::from(i) + 1;
                // A value JSON cannot carry (a function, a lone surrogate…) is this row's violation.
                let value = match rows.get::<Unknown>(i)? {
                    Some(v) => request_json(v)?.map_err(|e| e.violations().to_vec()),
                    None => Ok(Value::Null),
                };
                match value {
                    Ok(mapping) => mappings.push(mapping),
                    Err(violations) => {
                        // Not a mapping: the batch refuses it at its number, then the
                        // violations are put in its place.
                        mappings.push(Value::Null);
                        invalid.insert(row_number, violations);
                    }
                }
            }
            Ok((mappings, invalid))
        })?;
        spawn(env, async move {
            // Rows in camelCase, as every Node call takes them; the batch reads them with
            // the core's reader and journals them in snake_case.
            match batch.add_in_case(mappings, Case::Camel, add).await {
                Ok(mut summary) => {
                    explained(&mut summary.skipped, &mut invalid);
                    Ok(interop::add_summary(&summary, Case::Camel))
                }
                Err(BatchError::InvalidRows(mut rows)) => {
                    explained(&mut rows, &mut invalid);
                    Err(BatchError::InvalidRows(rows))
                }
                Err(e) => Err(e),
            }
        })
    }

    /// Adds the rows of a CSV or JSON Lines file, streamed.
    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn add_file<'env>(
        &self,
        env: &'env Env,
        path: String,
        options: Option<Unknown<'env>>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let add = add_options(options)?;
        let batch = self.shared()?;
        spawn(env, async move { batch.add_file(path, add).await.map(|s| interop::add_summary(&s, Case::Camel)) })
    }

    /// Compares the batch's total per currency with the balance of `accountNo`.
    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn preflight<'env>(
        &self,
        env: &'env Env,
        client: &NativeClient,
        account_no: String,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let batch = self.shared()?;
        let client: Client = client.inner.clone();
        spawn(
            env,
            async move { batch.preflight(&client, &account_no).await.map(|c| interop::coverage(&c, Case::Camel)) },
        )
    }

    /// Runs (or resumes: the same) the batch; `onProgress` gets each report as JSON text;
    /// once `token` is cancelled, no new row is taken.
    #[napi(
        catch_unwind,
        ts_args_type = "client: NativeClient, options: Record<string, unknown> | undefined | null, token: NativeCancelToken | undefined | null, onProgress?: ((progress: string) => void) | undefined | null",
        ts_return_type = "Promise<unknown>"
    )]
    pub fn run<'env>(
        &self,
        env: &'env Env,
        client: &NativeClient,
        options: Option<Unknown<'env>>,
        token: Option<&NativeCancelToken>,
        on_progress: Option<Function<'env, String, ()>>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let on_progress = on_progress.map(|f| progress_listener(&f)).transpose()?;
        let stop = StopHandle::new();
        let run = RunSettings::from_json(optional_settings(options)?)
            .and_then(|s| s.options(on_progress, stop.clone()))
            .map_err(|e| to_js(&e))?;
        let batch = self.shared()?;
        // The plain client: a stop takes no new rows, and the pay-outs in flight finish.
        let client: Client = client.inner.clone();
        let token = token.map(|t| t.inner.clone());
        spawn(env, async move {
            let watcher = token.map(|t| {
                let stop = stop.clone();
                tokio::spawn(async move {
                    t.cancelled().await;
                    stop.stop();
                })
            });
            let summary = batch.run(&client, run).await;
            if let Some(w) = watcher {
                w.abort();
            }
            summary.map(|s| interop::run_summary(&s, Case::Camel))
        })
    }

    /// Every row and the totals.
    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn report<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Value>> {
        let batch = self.shared()?;
        spawn(env, async move { batch.report().await.map(|r| interop::report(&r, Case::Camel)) })
    }

    /// The totals alone, counted a journal page at a time (no row held).
    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn totals<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Value>> {
        let batch = self.shared()?;
        spawn(env, async move { batch.totals().await.map(|t| interop::totals(&t, Case::Camel)) })
    }

    /// The report's rows as CSV text.
    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn report_csv<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Value>> {
        let batch = self.shared()?;
        spawn(env, async move {
            let report = batch.report().await?;
            interop::report_csv(&report).map(Value::String).map_err(BatchError::Client)
        })
    }

    /// Streams the report's rows as CSV to the file at `path` (0600); resolves with the
    /// rows written.
    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn save_report_csv<'env>(&self, env: &'env Env, path: String) -> napi::Result<PromiseRaw<'env, Value>> {
        let batch = self.shared()?;
        spawn(env, async move { batch.save_report_csv(path).await.map(Value::from) })
    }

    /// Records a confirmed callback; resolves with the row's state, or null when the
    /// order is not in this batch.
    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn record_callback<'env>(
        &self,
        env: &'env Env,
        confirmed: &NativeConfirmedCallback,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let batch = self.shared()?;
        let confirmed = confirmed.inner.clone();
        spawn(env, async move { batch.record_callback(&confirmed).await.map(|s| s.map(|s| s.as_str()).into()) })
    }

    /// Closes the journal once the calls in flight are done (a SQLite file's lock is
    /// released then); later calls are refused.
    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn close<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Value>> {
        let taken = self.inner.lock().unwrap_or_else(PoisonError::into_inner).take();
        env.spawn_future(guarded(async move {
            // Closing a journal may wait for its writer thread: not on a runtime thread.
            tokio::task::spawn_blocking(move || drop(taken))
                .await
                .map_err(|e| to_js(&smilepayz::Error::Internal(format!("closing the journal: {e}"))))?;
            Ok(Value::Null)
        }))
    }
}

/// A progress callback that queues each report for `sink` on the JavaScript thread,
/// never waiting for it (a slow or throwing listener cannot hold a run up).
fn progress_listener(sink: &Function<'_, String, ()>) -> napi::Result<OnProgress> {
    let sink: ProgressSink = sink.build_threadsafe_function().callee_handled::<false>().weak::<true>().build()?;
    Ok(Arc::new(move |progress| {
        let text = interop::progress(progress, Case::Camel).to_string();
        // Refused only while the environment shuts down: then nobody is listening.
        let _ = sink.call(text, ThreadsafeFunctionCallMode::NonBlocking);
    }))
}
