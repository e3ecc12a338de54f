//! Running one operation from Python through the core's blocking runner
//! (`approvalstudio::blocking::Client::run`): the operation runs on the core's runtime (one
//! per process, recreated after `fork`), the calling thread waits with the GIL released and
//! services the hooks every 50 ms, taking the GIL briefly to
//!
//! - check for signals: Ctrl-C raises `KeyboardInterrupt` within ~50-100 ms and cancels the
//!   operation (the future is dropped: its connection closes, a partial download is removed);
//! - deliver progress to the Python callback (on this thread, with the GIL, throttled by the
//!   core to ~100 ms plus a final call); an exception raised by the callback cancels the
//!   operation and is re-raised unchanged;
//! - emit queued log records through `logging`.

use std::cell::Cell;
use std::path::PathBuf;
use std::sync::Arc;

use approvalstudio::blocking::{CallHooks, Client as BlockingClient, Flow};
use approvalstudio::{Progress, ProgressFn};
use parking_lot::Mutex;
use pyo3::prelude::*;

use crate::client::{Job, Out};
use crate::errors;
use crate::logbridge;

thread_local! {
    static IN_CALLBACK: Cell<bool> = const { Cell::new(false) };
}

/// Refuses a call made from inside a progress callback (it runs on the thread that is
/// servicing another call of the client).
pub fn check_reentry(op: &str) -> PyResult<()> {
    if IN_CALLBACK.with(Cell::get) {
        return Err(errors::runtime(format!(
            "approvalstudio: {op} was called from inside a progress callback; a callback must \
             not call the client (it runs while a call of this thread is in progress). Record \
             what you need and call the client after the transfer returns."
        )));
    }
    Ok(())
}

#[derive(Default)]
struct ManyState {
    done: Vec<u64>,
    total: Option<u64>,
    path: Option<PathBuf>,
}

/// Gives an operation its progress functions: the core's sink for single transfers, or
/// per-file functions that add up into the sink for `upload_many`.
#[derive(Clone)]
pub struct Reporter {
    sink: Option<ProgressFn>,
    many: Arc<Mutex<ManyState>>,
}

impl Reporter {
    /// Sets the overall total (upload_many).
    pub fn set_total(&self, total: u64) {
        self.many.lock().total = Some(total);
    }

    /// The progress function to put on an upload/download (None without a callback).
    /// `slot` = (index, path) of one file among many.
    pub fn progress_fn(&self, slot: Option<(usize, PathBuf)>) -> Option<ProgressFn> {
        let sink = self.sink.clone()?;
        let Some((index, path)) = slot else {
            return Some(sink);
        };
        let many = self.many.clone();
        Some(Arc::new(move |p: Progress| {
            let agg = {
                let mut s = many.lock();
                if s.done.len() <= index {
                    s.done.resize(index + 1, 0);
                }
                s.done[index] = p.bytes;
                s.path = Some(path.clone());
                Progress {
                    bytes: s.done.iter().sum(),
                    total: s.total,
                }
            };
            sink(agg)
        }))
    }
}

fn deliver(py: Python<'_>, cb: &Py<PyAny>, p: Progress, path: Option<PathBuf>) -> PyResult<()> {
    let cls = py.import("approvalstudio.models")?.getattr("Progress")?;
    let path = path.map(|p| p.to_string_lossy().into_owned());
    let obj = cls.call1((p.bytes, p.total, path))?;
    IN_CALLBACK.with(|c| c.set(true));
    let r = cb.bind(py).call1((obj,));
    IN_CALLBACK.with(|c| c.set(false));
    r.map(|_| ())
}

/// Runs `job` with the GIL released while the calling thread services Ctrl-C, progress and
/// logging.
pub fn run(
    py: Python<'_>,
    client: &BlockingClient,
    job: Job,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<Out> {
    logbridge::refresh_level(py);
    let cb: Option<Py<PyAny>> = progress.map(Bound::unbind);
    let pending: Mutex<Option<PyErr>> = Mutex::new(None);
    let many: Arc<Mutex<ManyState>> = Arc::default();

    let result = py.detach(|| {
        let interrupt = || -> Flow {
            Python::attach(|py| {
                logbridge::flush(py);
                match py.check_signals() {
                    Ok(()) => Flow::Continue,
                    Err(e) => {
                        pending.lock().get_or_insert(e);
                        Flow::Cancel
                    }
                }
            })
        };
        let on_progress = |p: Progress| -> Flow {
            let Some(cb) = cb.as_ref() else {
                return Flow::Continue;
            };
            if pending.lock().is_some() {
                return Flow::Cancel;
            }
            let path = many.lock().path.clone();
            Python::attach(|py| match deliver(py, cb, p, path) {
                Ok(()) => Flow::Continue,
                Err(e) => {
                    pending.lock().get_or_insert(e);
                    Flow::Cancel
                }
            })
        };
        let mut hooks = CallHooks::new().interrupt(&interrupt);
        if cb.is_some() {
            hooks = hooks.progress(&on_progress);
        }
        let many = many.clone();
        client.run(hooks, move |c, sink| job(c, Reporter { sink, many }))
    });
    logbridge::flush(py);
    if let Some(e) = pending.into_inner() {
        return Err(e);
    }
    result.map_err(|e| errors::to_pyerr(py, &e))
}
