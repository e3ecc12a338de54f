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
use approvalstudio::{BatchProgressFn, Progress, ProgressFn};
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

/// Gives an operation its progress functions over the core's sink: as is for single
/// transfers; for `upload_many`, the core's combined batch progress, remembering which file
/// advanced so the callback can name it.
#[derive(Clone)]
pub struct Reporter {
    sink: Option<ProgressFn>,
    path: Arc<Mutex<Option<PathBuf>>>,
}

impl Reporter {
    /// The progress function to put on an upload/download (None without a callback).
    pub fn progress_fn(&self) -> Option<ProgressFn> {
        self.sink.clone()
    }

    /// The batch progress function for the core's `upload_many_with` over `paths`.
    pub fn batch_fn(&self, paths: &[PathBuf]) -> Option<BatchProgressFn> {
        let sink = self.sink.clone()?;
        let current = self.path.clone();
        let paths = paths.to_vec();
        Some(Arc::new(move |p: Progress, index: usize| {
            *current.lock() = paths.get(index).cloned();
            sink(p)
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
    op: &str,
    client: &BlockingClient,
    job: Job,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<Out> {
    logbridge::refresh_level(py);
    let cb: Option<Py<PyAny>> = progress.map(Bound::unbind);
    let pending: Mutex<Option<PyErr>> = Mutex::new(None);
    let path: Arc<Mutex<Option<PathBuf>>> = Arc::default();

    let result = py.detach(|| {
        let interrupt = || -> Flow {
            Python::attach(|py| {
                // A Ctrl-C can also surface while the queued log records run Python code.
                match logbridge::flush(py).and_then(|()| py.check_signals()) {
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
            // The core delivers progress that never goes back and no repeats
            // (`blocking::run`), the final call included.
            let current = path.lock().clone();
            Python::attach(|py| match deliver(py, cb, p, current) {
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
        let path = path.clone();
        client.run(hooks, move |c, sink| job(c, Reporter { sink, path }))
    });
    if let Err(e) = logbridge::flush(py) {
        // A Ctrl-C that surfaced while the last log records ran: it propagates.
        pending.lock().get_or_insert(e);
    }
    if let Some(callback_err) = pending.into_inner() {
        // The callback's exception propagates unchanged, unless the core reports that the
        // operation's effect was applied before the cancel took hold: then the caller must
        // learn that (CancelledError with `applied` and `created_uid`), the callback's
        // exception as its cause.
        match &result {
            Err(e) if e.applied() => {
                let err = errors::to_pyerr(py, e, Some(op));
                err.set_cause(py, Some(callback_err));
                return Err(err);
            }
            // A batch has no commit point: it may complete although the callback raised
            // (at its final call). Files were uploaded: say which.
            Ok(Out::Many(files)) if files.iter().any(|(_, r)| r.is_ok()) => {
                let done: Vec<String> = files
                    .iter()
                    .filter_map(|(p, r)| {
                        r.as_ref()
                            .ok()
                            .map(|uid| format!("{} as {uid}", p.display()))
                    })
                    .collect();
                let msg = format!(
                    "the progress callback raised, but {} of {} files were already uploaded \
                     and stay: {}",
                    done.len(),
                    files.len(),
                    done.join(", ")
                );
                let err = errors::applied(py, "CancelledError", op, &msg);
                err.set_cause(py, Some(callback_err));
                return Err(err);
            }
            _ => {}
        }
        return Err(callback_err);
    }
    result.map_err(|e| errors::to_pyerr(py, &e, Some(op)))
}
