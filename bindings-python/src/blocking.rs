//! Blocking calls: the work runs on the package's runtime with the interpreter lock
//! released, and the caller's thread comes back to Python every `SIGNAL_POLL` so Ctrl-C
//! (and whatever the work hands to Python meanwhile, such as a batch's progress) is seen.

use crate::errors::runtime_error;
use crate::runtime::runtime;
use pyo3::prelude::*;
use std::future::Future;
use std::time::Duration;

/// How often a blocking call gives the interpreter a chance to see Ctrl-C.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Runs `work` to its end with the lock released; every `SIGNAL_POLL` until then, `tick`
/// runs with the lock held.
pub(crate) fn block_ticking<F>(py: Python<'_>, work: F, mut tick: impl FnMut(Python<'_>)) -> PyResult<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    let runtime = runtime().map_err(|e| runtime_error(&e))?;
    let mut work = std::pin::pin!(work);
    loop {
        let step = py.detach(|| runtime.block_on(async { tokio::time::timeout(SIGNAL_POLL, work.as_mut()).await }));
        match step {
            Ok(outcome) => return Ok(outcome),
            Err(_) => tick(py),
        }
    }
}
