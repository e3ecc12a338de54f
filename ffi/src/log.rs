//! The process-wide log callback: a `tracing` layer that forwards events to C.

use std::cell::Cell;
use std::ffi::{c_char, c_int, c_void};
use std::fmt::Write as _;
use std::sync::{Once, RwLock};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

use crate::boundary::boundary;
use crate::error::{apst_error, apst_result, FfiError};

/// Severity of a log message (`APST_LOG_ERROR` is the most severe).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[allow(non_camel_case_types)]
pub enum apst_log_level {
    /// Nothing is logged.
    APST_LOG_OFF = 0,
    /// Failures.
    APST_LOG_ERROR = 1,
    /// Retries, rate limiting, recoverable problems.
    APST_LOG_WARN = 2,
    /// One line per operation.
    APST_LOG_INFO = 3,
    /// Per-attempt detail.
    APST_LOG_DEBUG = 4,
    /// Everything, including the HTTP stack.
    APST_LOG_TRACE = 5,
}

/// Receives one log message. `level` is an `apst_log_level`; `target` names the emitting
/// module; `message` is UTF-8. Both strings are valid only during the call. Called from
/// whatever thread logs (including the library's worker threads), possibly concurrently:
/// the callback must be thread-safe. Messages never contain passwords or tokens.
pub type apst_log_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        level: c_int,
        target: *const c_char,
        message: *const c_char,
    ),
>;

#[derive(Clone, Copy)]
struct Sink {
    cb: unsafe extern "C" fn(*mut c_void, c_int, *const c_char, *const c_char),
    userdata: *mut c_void,
    max_level: c_int,
}
// SAFETY: the C contract of `apst_set_log_callback` says callback and userdata may be used from
// any thread.
unsafe impl Send for Sink {}
unsafe impl Sync for Sink {}

static SINK: RwLock<Option<Sink>> = RwLock::new(None);
static INSTALL: Once = Once::new();

thread_local! {
    static IN_CALLBACK: Cell<bool> = const { Cell::new(false) };
}

fn level_code(l: &Level) -> c_int {
    match *l {
        Level::ERROR => 1,
        Level::WARN => 2,
        Level::INFO => 3,
        Level::DEBUG => 4,
        Level::TRACE => 5,
    }
}

struct Forward;

#[derive(Default)]
struct Fields {
    message: String,
    rest: String,
}
impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.rest, " {}={}", field.name(), value);
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.rest, " {}={:?}", field.name(), value);
        }
    }
}

impl<S: Subscriber> Layer<S> for Forward {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        // A callback that logs (or calls back into the library) must not recurse.
        if IN_CALLBACK.with(|c| c.get()) {
            return;
        }
        // The read lock is held while the callback runs, so removing or replacing the
        // callback waits for calls in flight (the caller may then free `userdata`).
        let guard = match SINK.read() {
            Ok(g) => g,
            Err(_) => return,
        };
        let Some(sink) = *guard else { return };
        let level = level_code(event.metadata().level());
        if level > sink.max_level {
            return;
        }
        let mut f = Fields::default();
        event.record(&mut f);
        f.message.push_str(&f.rest);
        let target = crate::error::to_cstring(event.metadata().target().to_owned());
        let msg = crate::error::to_cstring(f.message);
        IN_CALLBACK.with(|c| c.set(true));
        // SAFETY: contract of apst_set_log_callback.
        unsafe { (sink.cb)(sink.userdata, level, target.as_ptr(), msg.as_ptr()) };
        IN_CALLBACK.with(|c| c.set(false));
        drop(guard);
    }
}

fn install() {
    INSTALL.call_once(|| {
        // If the host process already installed a global `tracing` subscriber (only possible
        // when other Rust code shares this copy of `tracing`), we leave it alone.
        let _ = tracing_subscriber::registry().with(Forward).try_init();
    });
}

/// Sets the process-wide log callback (replacing any previous one), or removes it when `cb`
/// is NULL. `max_level` (an `apst_log_level`) filters what is delivered. An invalid
/// `max_level` gives `APST_INVALID_INPUT`.
///
/// Ownership: `userdata` stays owned by the caller and must stay valid until the callback is
/// replaced or removed, or `apst_shutdown` returns (both wait for callbacks in flight).
/// Thread-safety: callable from any thread, but not from inside the log callback
/// (`APST_INVALID_INPUT`); the callback itself is called from any thread (see
/// `apst_log_callback`). Messages logged while the callback runs on the same thread are
/// dropped (no recursion).
#[no_mangle]
pub unsafe extern "C" fn apst_set_log_callback(
    cb: apst_log_callback,
    userdata: *mut c_void,
    max_level: c_int,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        if IN_CALLBACK.with(|c| c.get()) {
            return Err(FfiError::invalid(
                "apst_set_log_callback cannot be called from inside the log callback",
            ));
        }
        if !(0..=5).contains(&max_level) {
            return Err(FfiError::invalid(format!(
                "parameter `max_level` must be an apst_log_level (0..5), got {max_level}"
            )));
        }
        install();
        let mut g = SINK.write().unwrap_or_else(|p| p.into_inner());
        *g = cb.map(|cb| Sink {
            cb,
            userdata,
            max_level,
        });
        Ok(())
    })
}

/// Removes the callback (used by `apst_shutdown`).
pub(crate) fn clear() {
    let mut g = SINK.write().unwrap_or_else(|p| p.into_inner());
    *g = None;
}
