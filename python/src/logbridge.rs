//! Forwards the library's `tracing` events to Python's `logging` (logger `approvalstudio` and
//! its children), without configuring any handler.
//!
//! Events may happen on tokio worker threads, where taking the GIL could stall the runtime, so
//! they are queued (bounded) and emitted on a thread that holds the GIL: after each call, on
//! every hook tick during a blocking call, and by `_native.flush_logs()`. Only events at or
//! above the Python logger's effective level are recorded (re-read at the start of each call).

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use parking_lot::Mutex;
use pyo3::prelude::*;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

const QUEUE_CAP: usize = 10_000;

/// Python level numbers: 5 trace, 10 debug, 20 info, 30 warning, 40 error.
static MIN_LEVEL: AtomicU8 = AtomicU8::new(30);
static QUEUE: Mutex<VecDeque<Record>> = Mutex::new(VecDeque::new());

struct Record {
    logger: String,
    level: u8,
    message: String,
}

fn py_level(l: &Level) -> u8 {
    match *l {
        Level::ERROR => 40,
        Level::WARN => 30,
        Level::INFO => 20,
        Level::DEBUG => 10,
        Level::TRACE => 5,
    }
}

fn ours(target: &str) -> bool {
    target.starts_with("approvalstudio")
}

/// `approvalstudio::transport` → `approvalstudio.transport`, emulator → `approvalstudio.emulator`.
fn logger_name(target: &str) -> String {
    if let Some(rest) = target.strip_prefix("approvalstudio_emulator") {
        return format!("approvalstudio.emulator{}", rest.replace("::", "."));
    }
    if let Some(rest) = target.strip_prefix("approvalstudio_python") {
        return format!("approvalstudio{}", rest.replace("::", "."));
    }
    target.replace("::", ".")
}

struct PyLogLayer;

struct MsgVisitor {
    message: String,
    fields: String,
}

impl Visit for MsgVisitor {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={:?}", field.name(), value);
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={}", field.name(), value);
        }
    }
}

impl<S: Subscriber> Layer<S> for PyLogLayer {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        if ours(meta.target()) {
            tracing::subscriber::Interest::sometimes()
        } else {
            tracing::subscriber::Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        ours(meta.target()) && py_level(meta.level()) >= MIN_LEVEL.load(Ordering::Relaxed)
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let meta = event.metadata();
        let mut v = MsgVisitor {
            message: String::new(),
            fields: String::new(),
        };
        event.record(&mut v);
        // Bounded wait: after a fork the lock may be held forever by a thread that no longer
        // exists; dropping a record beats blocking a runtime thread.
        let Some(mut q) = QUEUE.try_lock_for(Duration::from_millis(100)) else {
            return;
        };
        if q.len() >= QUEUE_CAP {
            q.pop_front();
        }
        q.push_back(Record {
            logger: logger_name(meta.target()),
            level: py_level(meta.level()),
            message: format!("{}{}", v.message, v.fields),
        });
    }
}

/// Installs the bridge as the global `tracing` subscriber (once; a no-op when the host already
/// installed one).
pub fn install() {
    let _ = tracing_subscriber::registry().with(PyLogLayer).try_init();
}

/// Re-reads the effective level of the `approvalstudio` logger.
pub fn refresh_level(py: Python<'_>) {
    let lvl = (|| -> PyResult<i64> {
        py.import("logging")?
            .call_method1("getLogger", ("approvalstudio",))?
            .call_method0("getEffectiveLevel")?
            .extract()
    })()
    .unwrap_or(30);
    let lvl = lvl.clamp(1, 255) as u8;
    if MIN_LEVEL.swap(lvl, Ordering::Relaxed) != lvl {
        tracing::callsite::rebuild_interest_cache();
    }
}

/// Emits the queued records through `logging` (must hold the GIL). Errors raised by handlers
/// are swallowed the way `logging` itself does.
pub fn flush(py: Python<'_>) -> PyResult<()> {
    let records: Vec<Record> = {
        let Some(mut q) = QUEUE.try_lock_for(Duration::from_millis(10)) else {
            return Ok(());
        };
        if q.is_empty() {
            return Ok(());
        }
        q.drain(..).collect()
    };
    let Ok(logging) = py.import("logging") else {
        return Ok(());
    };
    for r in records {
        let res = logging
            .call_method1("getLogger", (r.logger.as_str(),))
            .and_then(|l| l.call_method1("log", (r.level, r.message.as_str())));
        if let Err(e) = res {
            // Running Python code runs pending signal handlers: a KeyboardInterrupt (or
            // SystemExit) raised inside `logging` is the caller's Ctrl-C and must not be lost.
            // A failure of logging itself (an `Exception`) is not the caller's problem.
            if !e.is_instance_of::<pyo3::exceptions::PyException>(py) {
                return Err(e);
            }
        }
    }
    Ok(())
}

#[pyfunction]
#[pyo3(name = "flush_logs")]
/// Emits library log records queued since the last call through `logging`.
pub fn py_flush_logs(py: Python<'_>) -> PyResult<()> {
    refresh_level(py);
    flush(py)
}
