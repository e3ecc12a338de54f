//! Result codes, the opaque `apst_error` and its accessors.

use std::ffi::{c_char, c_int, CStr, CString};
use std::ptr;

/// Outcome of every fallible function. `APST_OK` is zero; every other value names what went
/// wrong (one per error kind of the client, plus the C-boundary problems at the end).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum apst_result {
    /// Success.
    APST_OK = 0,
    /// An argument failed client-side validation (documented limits, mandatory fields, UID
    /// shape, malformed or wrongly typed JSON, unknown enum value). Nothing was sent.
    APST_INVALID_INPUT = 1,
    /// The server rejected the request with field errors (HTTP 400); see
    /// `apst_error_fields_json`.
    APST_VALIDATION = 2,
    /// Wrong credentials, or a token that is missing, invalid or expired (HTTP 401).
    APST_UNAUTHORIZED = 3,
    /// Storage limit reached, or no API access on this plan (HTTP 403).
    APST_FORBIDDEN = 4,
    /// The resource does not exist (HTTP 404).
    APST_NOT_FOUND = 5,
    /// The resource is not in a state that allows this (HTTP 406).
    APST_NOT_ACCEPTABLE = 6,
    /// The resource is gone, e.g. a task that is no longer pending (HTTP 410).
    APST_GONE = 7,
    /// A precondition of the operation does not hold (HTTP 412).
    APST_PRECONDITION_FAILED = 8,
    /// The API quota is exhausted (HTTP 429); see `apst_error_retry_after_ms`.
    APST_RATE_LIMITED = 9,
    /// The server failed (HTTP 5xx) and retries did not help.
    APST_SERVER = 10,
    /// The connection failed or broke.
    APST_TRANSPORT = 11,
    /// A connect or read timeout, or an overall deadline, expired.
    APST_TIMEOUT = 12,
    /// A non-idempotent request failed after it was sent: it may or may not have been applied.
    APST_AMBIGUOUS = 13,
    /// The server's response could not be understood.
    APST_DECODE = 14,
    /// A local file could not be read or written while transferring (a path that is missing,
    /// unreadable or a directory is reported up front as `APST_INVALID_INPUT`).
    APST_IO = 15,
    /// The operation was cancelled (a progress callback returned non-zero, or the call's cancel
    /// token was cancelled: `apst_client_with_cancel_token`).
    APST_CANCELLED = 16,
    /// A pointer parameter that must not be NULL was NULL; the message names it.
    APST_NULL_PARAMETER = 17,
    /// A string parameter is not valid UTF-8; the message names it.
    APST_INVALID_UTF8 = 18,
    /// An internal panic was caught at the C boundary. The library stays usable, but the
    /// operation's outcome is unknown. Please report it.
    APST_PANIC = 19,
    /// `apst_shutdown` was called: the library accepts no more calls except the `*_free`
    /// functions and the accessors.
    APST_SHUT_DOWN = 20,
    /// An error the library could not classify (a newer core error kind).
    APST_UNKNOWN = 21,
}

use apst_result::*;

impl apst_result {
    pub(crate) fn name(self) -> &'static CStr {
        match self {
            APST_OK => c"APST_OK",
            APST_INVALID_INPUT => c"APST_INVALID_INPUT",
            APST_VALIDATION => c"APST_VALIDATION",
            APST_UNAUTHORIZED => c"APST_UNAUTHORIZED",
            APST_FORBIDDEN => c"APST_FORBIDDEN",
            APST_NOT_FOUND => c"APST_NOT_FOUND",
            APST_NOT_ACCEPTABLE => c"APST_NOT_ACCEPTABLE",
            APST_GONE => c"APST_GONE",
            APST_PRECONDITION_FAILED => c"APST_PRECONDITION_FAILED",
            APST_RATE_LIMITED => c"APST_RATE_LIMITED",
            APST_SERVER => c"APST_SERVER",
            APST_TRANSPORT => c"APST_TRANSPORT",
            APST_TIMEOUT => c"APST_TIMEOUT",
            APST_AMBIGUOUS => c"APST_AMBIGUOUS",
            APST_DECODE => c"APST_DECODE",
            APST_IO => c"APST_IO",
            APST_CANCELLED => c"APST_CANCELLED",
            APST_NULL_PARAMETER => c"APST_NULL_PARAMETER",
            APST_INVALID_UTF8 => c"APST_INVALID_UTF8",
            APST_PANIC => c"APST_PANIC",
            APST_SHUT_DOWN => c"APST_SHUT_DOWN",
            APST_UNKNOWN => c"APST_UNKNOWN",
        }
    }

    fn from_code(code: c_int) -> Option<apst_result> {
        const ALL: [apst_result; 22] = [
            APST_OK,
            APST_INVALID_INPUT,
            APST_VALIDATION,
            APST_UNAUTHORIZED,
            APST_FORBIDDEN,
            APST_NOT_FOUND,
            APST_NOT_ACCEPTABLE,
            APST_GONE,
            APST_PRECONDITION_FAILED,
            APST_RATE_LIMITED,
            APST_SERVER,
            APST_TRANSPORT,
            APST_TIMEOUT,
            APST_AMBIGUOUS,
            APST_DECODE,
            APST_IO,
            APST_CANCELLED,
            APST_NULL_PARAMETER,
            APST_INVALID_UTF8,
            APST_PANIC,
            APST_SHUT_DOWN,
            APST_UNKNOWN,
        ];
        ALL.iter().copied().find(|r| *r as c_int == code)
    }
}

/// An error: what failed and what to do, plus the HTTP details when the server answered.
/// Opaque; read it with the `apst_error_*` accessors and release it with `apst_error_free`.
pub struct apst_error {
    pub(crate) result: apst_result,
    pub(crate) message: CString,
    pub(crate) status: c_int,
    pub(crate) retry_after_ms: i64,
    pub(crate) trace_id: Option<CString>,
    pub(crate) fields_json: CString,
    pub(crate) applied: bool,
    pub(crate) created_uid: Option<CString>,
}

/// The Rust-side error of an export body, turned into an `apst_error` at the boundary.
#[derive(Debug)]
pub(crate) struct FfiError {
    pub result: apst_result,
    pub message: String,
    pub status: Option<u16>,
    pub retry_after_ms: Option<u64>,
    pub trace_id: Option<String>,
    pub fields_json: Option<String>,
    pub applied: bool,
    pub created_uid: Option<String>,
}

impl FfiError {
    pub(crate) fn new(result: apst_result, message: impl Into<String>) -> Self {
        FfiError {
            result,
            message: message.into(),
            status: None,
            retry_after_ms: None,
            trace_id: None,
            fields_json: None,
            applied: false,
            created_uid: None,
        }
    }
    pub(crate) fn null(param: &str) -> Self {
        Self::new(
            APST_NULL_PARAMETER,
            format!("parameter `{param}` must not be NULL"),
        )
    }
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(APST_INVALID_INPUT, message)
    }

    pub(crate) fn into_c(self) -> apst_error {
        apst_error {
            result: self.result,
            message: to_cstring(self.message),
            status: self.status.map(c_int::from).unwrap_or(0),
            retry_after_ms: self
                .retry_after_ms
                .map(|ms| i64::try_from(ms).unwrap_or(i64::MAX))
                .unwrap_or(-1),
            trace_id: self.trace_id.map(to_cstring),
            fields_json: to_cstring(self.fields_json.unwrap_or_else(|| "{}".to_owned())),
            applied: self.applied,
            created_uid: self.created_uid.map(to_cstring),
        }
    }
}

/// Builds a C string, replacing interior NULs (which C could not see) by U+FFFD.
pub(crate) fn to_cstring(s: String) -> CString {
    match CString::new(s) {
        Ok(c) => c,
        Err(e) => {
            let s = String::from_utf8_lossy(&e.into_vec()).replace('\0', "\u{FFFD}");
            CString::new(s).unwrap_or_default()
        }
    }
}

/// Maps the core error onto a result code and copies its details.
impl From<apst_core::Error> for FfiError {
    fn from(e: apst_core::Error) -> Self {
        crate::convert::core_error(e)
    }
}

/// Returns a static, NUL-terminated name for a result code (e.g. `"APST_NOT_FOUND"`), or
/// `"APST_<unknown result code>"` for a value that is not an `apst_result`.
///
/// Ownership: the string is static; never free it. Thread-safety: callable from any thread,
/// also after `apst_shutdown`.
#[no_mangle]
pub extern "C" fn apst_result_str(result: c_int) -> *const c_char {
    match apst_result::from_code(result) {
        Some(r) => r.name().as_ptr(),
        None => c"APST_<unknown result code>".as_ptr(),
    }
}

/// Releases an error. `err` may be NULL (then nothing happens).
///
/// Ownership: takes ownership of `err`; every pointer obtained from its accessors becomes
/// invalid. Thread-safety: an error is not shared; free it on any one thread, once.
#[no_mangle]
pub unsafe extern "C" fn apst_error_free(err: *mut apst_error) {
    if err.is_null() {
        return;
    }
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        drop(Box::from_raw(err));
    }));
}

/// The result code this error corresponds to (never `APST_OK`). Returns
/// `APST_NULL_PARAMETER` when `err` is NULL.
///
/// Ownership: borrows `err`. Thread-safety: any thread; an error is immutable.
#[no_mangle]
pub unsafe extern "C" fn apst_error_result(err: *const apst_error) -> apst_result {
    match err.as_ref() {
        Some(e) => e.result,
        None => APST_NULL_PARAMETER,
    }
}

/// The error's message (UTF-8): what failed and what to do, with the server's own message
/// when there is one. Returns `""` when `err` is NULL.
///
/// Ownership: borrowed from `err`, valid until `apst_error_free(err)`; do not free it.
/// Thread-safety: any thread; an error is immutable.
#[no_mangle]
pub unsafe extern "C" fn apst_error_message(err: *const apst_error) -> *const c_char {
    match err.as_ref() {
        Some(e) => e.message.as_ptr(),
        None => c"".as_ptr(),
    }
}

/// The HTTP status the server answered with, or 0 when the error did not come from an HTTP
/// response (or `err` is NULL).
///
/// Ownership: borrows `err`. Thread-safety: any thread.
#[no_mangle]
pub unsafe extern "C" fn apst_error_status(err: *const apst_error) -> c_int {
    err.as_ref().map(|e| e.status).unwrap_or(0)
}

/// For `APST_RATE_LIMITED`: how long to wait before trying again, in milliseconds. -1 when
/// unknown or not applicable (or `err` is NULL).
///
/// Ownership: borrows `err`. Thread-safety: any thread.
#[no_mangle]
pub unsafe extern "C" fn apst_error_retry_after_ms(err: *const apst_error) -> i64 {
    err.as_ref().map(|e| e.retry_after_ms).unwrap_or(-1)
}

/// The server's trace id of the failed request (from a 400 problem details body), or NULL.
///
/// Ownership: borrowed from `err`, valid until `apst_error_free(err)`. Thread-safety: any
/// thread.
#[no_mangle]
pub unsafe extern "C" fn apst_error_trace_id(err: *const apst_error) -> *const c_char {
    match err.as_ref().and_then(|e| e.trace_id.as_ref()) {
        Some(t) => t.as_ptr(),
        None => ptr::null(),
    }
}

/// Field errors as a JSON object mapping each field to an array of messages, e.g.
/// `{"projectName":["The projectName field is required."]}`; `{}` when there are none
/// (or `err` is NULL).
///
/// Ownership: borrowed from `err`, valid until `apst_error_free(err)`. Thread-safety: any
/// thread.
#[no_mangle]
pub unsafe extern "C" fn apst_error_fields_json(err: *const apst_error) -> *const c_char {
    match err.as_ref() {
        Some(e) => e.fields_json.as_ptr(),
        None => c"{}".as_ptr(),
    }
}

/// Whether the call's effect is known to have been applied on the server although the call
/// failed (a later step failed, e.g. reading back a created project): do not repeat the call;
/// `apst_error_created_uid` names what was created. (An effect that *may* have been applied
/// is `APST_AMBIGUOUS` instead.) False when `err` is NULL.
///
/// Ownership: borrows `err`. Thread-safety: any thread; an error is immutable.
#[no_mangle]
pub unsafe extern "C" fn apst_error_applied(err: *const apst_error) -> bool {
    err.as_ref().is_some_and(|e| e.applied)
}

/// With `apst_error_applied`: the UID of the resource the failed call created (e.g. the
/// project whose read-back failed), or NULL when none is known (or `err` is NULL).
///
/// Ownership: borrowed from `err`, valid until `apst_error_free(err)`. Thread-safety: any
/// thread.
#[no_mangle]
pub unsafe extern "C" fn apst_error_created_uid(err: *const apst_error) -> *const c_char {
    match err.as_ref().and_then(|e| e.created_uid.as_ref()) {
        Some(u) => u.as_ptr(),
        None => ptr::null(),
    }
}
