//! Conversions between the core's types and the C boundary's.

use apst_core::ErrorKind;

use crate::error::{apst_result, FfiError};

/// The result code of a core error kind.
pub(crate) fn result_of(kind: ErrorKind) -> apst_result {
    use apst_result::*;
    match kind {
        ErrorKind::InvalidInput => APST_INVALID_INPUT,
        ErrorKind::Validation => APST_VALIDATION,
        ErrorKind::Unauthorized => APST_UNAUTHORIZED,
        ErrorKind::Forbidden => APST_FORBIDDEN,
        ErrorKind::NotFound => APST_NOT_FOUND,
        ErrorKind::NotAcceptable => APST_NOT_ACCEPTABLE,
        ErrorKind::Gone => APST_GONE,
        ErrorKind::PreconditionFailed => APST_PRECONDITION_FAILED,
        ErrorKind::RateLimited => APST_RATE_LIMITED,
        ErrorKind::Server => APST_SERVER,
        ErrorKind::Transport => APST_TRANSPORT,
        ErrorKind::Timeout => APST_TIMEOUT,
        ErrorKind::Ambiguous => APST_AMBIGUOUS,
        ErrorKind::Decode => APST_DECODE,
        ErrorKind::Io => APST_IO,
        ErrorKind::Cancelled => APST_CANCELLED,
        #[allow(unreachable_patterns)]
        _ => APST_UNKNOWN,
    }
}

/// Copies everything a C caller can read from a core error.
pub(crate) fn core_error(e: apst_core::Error) -> FfiError {
    let fields = if e.fields().is_empty() {
        None
    } else {
        serde_json::to_string(e.fields()).ok()
    };
    FfiError {
        result: result_of(e.kind()),
        message: e.to_string(),
        status: e.status(),
        retry_after_ms: e
            .retry_after()
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        trace_id: e.trace_id().map(str::to_owned),
        fields_json: fields,
        applied: e.applied(),
        created_uid: e.created_uid().map(str::to_owned),
    }
}
