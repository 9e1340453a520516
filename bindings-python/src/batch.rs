//! Batches behind `smilepayz.Batch` and `smilepayz.AsyncBatch`: a `smilepayz_batch::Batch`
//! on the journal a location names (a SQLite path or a `postgresql://` URL), driven on
//! the package's runtime. Rows, settings and answers cross as JSON through
//! `smilepayz_interop::batch`; every rule is the batch crate's.

use crate::aio::{awaitable_fields, call_soon, running_loop};
use crate::blocking::block_ticking;
use crate::callback::NativeVerifiedCallback;
use crate::client::NativeClient;
use crate::convert::{request_to_json, settings_to_json, to_python};
use crate::errors::{batch_error, to_py_err};
use crate::guard::{OnPanic, guarded};
use crate::request::NativePayoutRequest;
use crate::runtime::runtime;
use pyo3::exceptions::{PyException, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use serde_json::Value;
use smilepayz::{Case, Client, Error};
use smilepayz_batch::{AnyJournal, Batch, BatchError, OnProgress, StopHandle, open_batch};
use smilepayz_interop::batch::{self as answers, AddSettings, RunSettings, batch_error_fields};
use std::future::Future;
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex, PoisonError};

type Shared = Arc<Batch<AnyJournal>>;
type Outcome = Result<Value, BatchError>;

/// Stops a run from taking new rows; what is in flight finishes and is journaled.
#[pyclass(frozen, module = "smilepayz._native", name = "BatchStop")]
pub(crate) struct NativeBatchStop {
    handle: StopHandle,
}

#[pymethods]
impl NativeBatchStop {
    #[new]
    fn new() -> Self {
        Self { handle: StopHandle::new() }
    }

    fn stop(&self) {
        self.handle.stop();
    }

    #[getter]
    fn stopped(&self) -> bool {
        self.handle.is_stopped()
    }
}

/// One batch of one journal; opened by `open`, released by `close`.
#[pyclass(frozen, module = "smilepayz._native", name = "Batch")]
pub(crate) struct NativeBatch {
    client: Client,
    /// May hold a PostgreSQL password: never shown.
    location: String,
    batch_id: String,
    batch: Arc<Mutex<Opened>>,
}

/// The open batch and the process that opened it. A forked child inherits the object
/// but neither the journal's thread (SQLite) nor its connections (PostgreSQL), and must
/// not write through the parent's SQLite connection: it opens a batch of its own.
type Opened = Option<(u32, Shared)>;

/// Lets go of a batch a parent process opened without dropping it: dropping would wait
/// for the journal's thread, which exists only in the parent.
fn forget_inherited(slot: &mut Opened) {
    if slot.as_ref().is_some_and(|(owner, _)| *owner != std::process::id()) {
        std::mem::forget(slot.take());
    }
}

impl NativeBatch {
    fn batch(&self) -> PyResult<Shared> {
        let mut slot = self.batch.lock().unwrap_or_else(PoisonError::into_inner);
        match slot.as_ref() {
            Some((owner, batch)) if *owner == std::process::id() => Ok(Arc::clone(batch)),
            Some((owner, _)) => {
                let owner = *owner;
                forget_inherited(&mut slot);
                Err(PyRuntimeError::new_err(format!(
                    "batch {:?}: opened in process {owner}, used in its forked child {}; a child inherits \
                     neither the journal's thread nor its connections: open a Batch in the child",
                    self.batch_id,
                    std::process::id()
                )))
            }
            None => Err(PyValueError::new_err(format!("batch {:?}: the batch is not open (closed)", self.batch_id))),
        }
    }
}

impl Drop for NativeBatch {
    fn drop(&mut self) {
        forget_inherited(&mut self.batch.lock().unwrap_or_else(PoisonError::into_inner));
    }
}

/// Runs `work` (a panic in it is an `InternalError`): as an asyncio awaitable, or to its
/// end with the interpreter lock released.
fn drive<'py>(
    py: Python<'py>,
    asynchronous: bool,
    work: impl Future<Output = Outcome> + Send + 'static,
) -> PyResult<Bound<'py, PyAny>> {
    let work = unpanicked(work);
    if asynchronous {
        return awaitable_fields(py, async move { work.await.map_err(|e| batch_error_fields(&e, Case::Snake)) });
    }
    let runtime = runtime().map_err(|e| crate::errors::runtime_error(&e))?;
    answered(py, py.detach(|| runtime.block_on(work)))
}

/// `work`, with a panic in it turned into an internal error: rows it may have sent are
/// `sending` in the journal and reconciled by the next run.
fn unpanicked(work: impl Future<Output = Outcome> + Send) -> impl Future<Output = Outcome> + Send {
    let work = guarded(OnPanic::Internal, async move { Ok::<_, Error>(work.await) });
    async move { work.await.unwrap_or_else(|e| Err(BatchError::Client(e))) }
}

fn answered(py: Python<'_>, outcome: Outcome) -> PyResult<Bound<'_, PyAny>> {
    match outcome {
        Ok(value) => to_python(py, &value),
        Err(e) => Err(batch_error(&e)),
    }
}

/// Rows from code: mappings as the core reads them, or typed requests journaled as the
/// core writes them.
fn rows_to_json(rows: &Bound<'_, PyAny>) -> PyResult<Vec<Value>> {
    let mut values = Vec::new();
    for row in rows.try_iter()? {
        let row = row?;
        match row.cast::<NativePayoutRequest>() {
            Ok(request) => values.push(request.get().inner.to_json(Case::Snake)),
            Err(_) => values.push(request_to_json(&row)?),
        }
    }
    Ok(values)
}

fn add_settings(settings: Option<&Bound<'_, PyAny>>) -> PyResult<AddSettings> {
    let value = settings.map(settings_to_json).transpose()?.unwrap_or(Value::Null);
    AddSettings::from_json(value).map_err(|e| to_py_err(&e))
}

/// Hands each progress report to `callback` on the caller's thread; a `BaseException`
/// that is not an `Exception` (Ctrl-C inside the callback) is returned, anything else
/// the callback lets through is reported as unraisable (the package's wrapper logs first).
fn deliver(py: Python<'_>, reports: &Receiver<Value>, callback: Option<&Py<PyAny>>) -> Option<PyErr> {
    let mut interrupted = None;
    for report in reports.try_iter() {
        let Some(callback) = callback else { continue };
        if let Err(e) = to_python(py, &report).and_then(|r| callback.call1(py, (r,))) {
            if e.is_instance_of::<PyException>(py) {
                e.write_unraisable(py, None);
            } else if interrupted.is_none() {
                interrupted = Some(e);
            }
        }
    }
    interrupted
}

#[pymethods]
impl NativeBatch {
    /// Names the batch; nothing is opened until `open`.
    #[new]
    fn new(client: &NativeClient, journal: String, batch_id: String) -> PyResult<Self> {
        Ok(Self { client: client.client()?, location: journal, batch_id, batch: Arc::new(Mutex::new(None)) })
    }

    /// Opens the journal (creating a SQLite file 0600 when absent) and the batch in it
    /// (only a batch the journal holds, with `must_exist`); answers the backend
    /// (`sqlite` or `postgresql`).
    #[pyo3(signature = (*, must_exist=false, asynchronous=false))]
    fn open<'py>(&self, py: Python<'py>, must_exist: bool, asynchronous: bool) -> PyResult<Bound<'py, PyAny>> {
        let (location, batch_id, slot) = (self.location.clone(), self.batch_id.clone(), Arc::clone(&self.batch));
        drive(py, asynchronous, async move {
            let batch = open_batch(&location, &batch_id, must_exist).await?;
            let backend = batch.journal().backend();
            *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some((std::process::id(), Arc::new(batch)));
            Ok(backend.into())
        })
    }

    #[getter]
    fn batch_id(&self) -> &str {
        &self.batch_id
    }

    /// `sqlite` or `postgresql`; `None` while not open.
    #[getter]
    fn backend(&self) -> Option<&'static str> {
        self.batch().ok().map(|b| b.journal().backend())
    }

    #[pyo3(signature = (rows, *, settings=None, asynchronous=false))]
    fn add<'py>(
        &self,
        py: Python<'py>,
        rows: &Bound<'py, PyAny>,
        settings: Option<&Bound<'py, PyAny>>,
        asynchronous: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (batch, options, rows) = (self.batch()?, add_settings(settings)?.options(), rows_to_json(rows)?);
        drive(
            py,
            asynchronous,
            async move { batch.add(rows, options).await.map(|s| answers::add_summary(&s, Case::Snake)) },
        )
    }

    #[pyo3(signature = (path, *, settings=None, asynchronous=false))]
    fn add_file<'py>(
        &self,
        py: Python<'py>,
        path: String,
        settings: Option<&Bound<'py, PyAny>>,
        asynchronous: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (batch, options) = (self.batch()?, add_settings(settings)?.options());
        drive(py, asynchronous, async move {
            batch.add_file(path, options).await.map(|s| answers::add_summary(&s, Case::Snake))
        })
    }

    #[pyo3(signature = (account_no, *, asynchronous=false))]
    fn preflight<'py>(&self, py: Python<'py>, account_no: String, asynchronous: bool) -> PyResult<Bound<'py, PyAny>> {
        let (batch, client) = (self.batch()?, self.client.clone());
        drive(py, asynchronous, async move {
            batch.preflight(&client, &account_no).await.map(|c| answers::coverage(&c, Case::Snake))
        })
    }

    /// Runs (or resumes) the batch. `on_progress` gets each report's fields; `stop` stops
    /// it from taking rows. A blocking run stops the same way on Ctrl-C, lets what is in
    /// flight finish and be journaled, then raises `KeyboardInterrupt`.
    #[pyo3(signature = (*, settings=None, on_progress=None, stop=None, asynchronous=false))]
    fn run<'py>(
        &self,
        py: Python<'py>,
        settings: Option<&Bound<'py, PyAny>>,
        on_progress: Option<Py<PyAny>>,
        stop: Option<&NativeBatchStop>,
        asynchronous: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let settings = settings.map(settings_to_json).transpose()?.unwrap_or(Value::Null);
        let settings = RunSettings::from_json(settings).map_err(|e| to_py_err(&e))?;
        let stop = stop.map_or_else(StopHandle::new, |s| s.handle.clone());
        let (batch, client) = (self.batch()?, self.client.clone());
        if asynchronous {
            let reporter: Option<OnProgress> = match on_progress {
                Some(callback) => {
                    let (event_loop, callback) = (Arc::new(running_loop(py)?.unbind()), Arc::new(callback));
                    Some(Arc::new(move |p| call_soon(&event_loop, &callback, answers::progress(p, Case::Snake))))
                }
                None => None,
            };
            let options = settings.options(reporter, stop).map_err(|e| to_py_err(&e))?;
            return drive(py, true, async move {
                batch.run(&client, options).await.map(|s| answers::run_summary(&s, Case::Snake))
            });
        }
        let (sender, reports) = channel();
        let reporter: OnProgress = Arc::new(move |p| {
            let _ = sender.send(answers::progress(p, Case::Snake));
        });
        let options = settings.options(Some(reporter), stop.clone()).map_err(|e| to_py_err(&e))?;
        let work =
            unpanicked(async move { batch.run(&client, options).await.map(|s| answers::run_summary(&s, Case::Snake)) });
        let mut interrupted: Option<PyErr> = None;
        let outcome = block_ticking(py, work, |py| {
            let signal = deliver(py, &reports, on_progress.as_ref()).map_or_else(|| py.check_signals(), Err);
            if let Err(signal) = signal
                && interrupted.is_none()
            {
                stop.stop();
                interrupted = Some(signal);
            }
        })?;
        let late = deliver(py, &reports, on_progress.as_ref());
        match (outcome, interrupted.or(late)) {
            (Ok(_), Some(signal)) => Err(signal),
            (outcome, _) => answered(py, outcome),
        }
    }

    #[pyo3(signature = (*, asynchronous=false))]
    fn report<'py>(&self, py: Python<'py>, asynchronous: bool) -> PyResult<Bound<'py, PyAny>> {
        let batch = self.batch()?;
        drive(py, asynchronous, async move { batch.report().await.map(|r| answers::report(&r, Case::Snake)) })
    }

    /// The totals alone, counted a journal page at a time (no row held).
    #[pyo3(signature = (*, asynchronous=false))]
    fn totals<'py>(&self, py: Python<'py>, asynchronous: bool) -> PyResult<Bound<'py, PyAny>> {
        let batch = self.batch()?;
        drive(py, asynchronous, async move { batch.totals().await.map(|t| answers::totals(&t, Case::Snake)) })
    }

    #[pyo3(signature = (*, asynchronous=false))]
    fn report_csv<'py>(&self, py: Python<'py>, asynchronous: bool) -> PyResult<Bound<'py, PyAny>> {
        let batch = self.batch()?;
        drive(py, asynchronous, async move {
            let report = batch.report().await?;
            answers::report_csv(&report).map(Value::String).map_err(BatchError::Client)
        })
    }

    /// Streams the report's rows as CSV to the file at `path` (0600); answers the rows
    /// written.
    #[pyo3(signature = (path, *, asynchronous=false))]
    fn save_report_csv<'py>(&self, py: Python<'py>, path: String, asynchronous: bool) -> PyResult<Bound<'py, PyAny>> {
        let batch = self.batch()?;
        drive(py, asynchronous, async move { batch.save_report_csv(path).await.map(Value::from) })
    }

    /// Records the gateway's confirmation of `callback` (`Client.confirm_callback`);
    /// answers the row's state, or `None` when the order is not in this batch.
    #[pyo3(signature = (callback, *, asynchronous=false))]
    fn record_callback<'py>(
        &self,
        py: Python<'py>,
        callback: &NativeVerifiedCallback,
        asynchronous: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let confirmed = callback.confirmed().ok_or_else(|| {
            PyValueError::new_err(
                "record_callback takes a callback the gateway confirmed: Client.confirm_callback first",
            )
        })?;
        let batch = self.batch()?;
        drive(py, asynchronous, async move {
            let state = batch.record_callback(&confirmed).await?;
            Ok(state.map(|s| s.as_str()).into())
        })
    }

    /// Releases the journal (the SQLite file's lock) once no call holds it.
    fn close(&self, py: Python<'_>) {
        let batch = {
            let mut slot = self.batch.lock().unwrap_or_else(PoisonError::into_inner);
            forget_inherited(&mut slot);
            slot.take()
        };
        py.detach(move || drop(batch));
    }
}

/// A journal location fit to show: a PostgreSQL URL without its password (wherever the
/// URL holds it); a file path as is.
#[pyfunction]
pub(crate) fn redacted_journal(location: &str) -> String {
    smilepayz_batch::redacted_location(location)
}
