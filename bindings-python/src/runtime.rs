//! The tokio runtime the package owns. A forked child (gunicorn, celery prefork) inherits
//! the parent's runtime object but none of its threads, so each process id gets its own
//! runtime, and whatever was built on the parent's (HTTP connection pools) is rebuilt.

use std::sync::{Arc, Mutex, PoisonError};
use tokio::runtime::Runtime;

static RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);

/// The runtime of this process, started on first use.
pub(crate) fn runtime() -> std::io::Result<Arc<Runtime>> {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((owner, runtime)) = slot.as_ref()
        && *owner == pid
    {
        return Ok(Arc::clone(runtime));
    }
    let runtime = Arc::new(
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).thread_name("smilepayz").enable_all().build()?,
    );
    // A parent's runtime cannot be dropped in the child: dropping joins worker threads
    // that do not exist here. Leaking it is the only safe end.
    if let Some(inherited) = slot.replace((pid, Arc::clone(&runtime))) {
        std::mem::forget(inherited);
    }
    Ok(runtime)
}

/// Something built on a runtime (a client, a gateway), rebuilt when the process forks.
pub(crate) struct PerProcess<T> {
    slot: Mutex<Option<(u32, T)>>,
}

impl<T: Clone> PerProcess<T> {
    pub(crate) fn new(pid: u32, value: T) -> Self {
        Self { slot: Mutex::new(Some((pid, value))) }
    }

    /// The value for this process, built by `build` after a fork.
    pub(crate) fn get<E>(&self, build: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let pid = std::process::id();
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((owner, value)) = slot.as_ref()
            && *owner == pid
        {
            return Ok(value.clone());
        }
        let value = build()?;
        if let Some(inherited) = slot.replace((pid, value.clone())) {
            std::mem::forget(inherited);
        }
        Ok(value)
    }
}
