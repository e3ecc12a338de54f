//! The C boundary: every export body runs inside `boundary!`, which catches panics, rejects
//! calls after `apst_shutdown`, and turns an `FfiError` into a result code + `apst_error`.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{apst_error, apst_result, FfiError};

static SHUT_DOWN: AtomicBool = AtomicBool::new(false);

pub(crate) fn is_shut_down() -> bool {
    SHUT_DOWN.load(Ordering::SeqCst)
}

pub(crate) fn mark_shut_down() -> bool {
    !SHUT_DOWN.swap(true, Ordering::SeqCst)
}

/// Runs an export body: `$err` is the caller's `apst_error **` (may be NULL), `$body` an
/// expression of type `Result<(), FfiError>`. Expands to a `catch_unwind` in the export itself.
macro_rules! boundary {
    ($err:expr, $body:block) => {{
        let err_out: *mut *mut $crate::error::apst_error = $err;
        let outcome = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
            || -> ::std::result::Result<(), $crate::error::FfiError> {
                $crate::boundary::check_not_shut_down()?;
                $body
            },
        ));
        $crate::boundary::finish(err_out, outcome)
    }};
}
pub(crate) use boundary;

/// Like `boundary!` for functions that must keep working after `apst_shutdown` (frees).
macro_rules! boundary_always {
    ($err:expr, $body:block) => {{
        let err_out: *mut *mut $crate::error::apst_error = $err;
        let outcome = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
            || -> ::std::result::Result<(), $crate::error::FfiError> { $body },
        ));
        $crate::boundary::finish(err_out, outcome)
    }};
}
pub(crate) use boundary_always;

pub(crate) fn check_not_shut_down() -> Result<(), FfiError> {
    if is_shut_down() {
        Err(FfiError::new(
            apst_result::APST_SHUT_DOWN,
            "apst_shutdown() was called: the library accepts no more calls",
        ))
    } else {
        Ok(())
    }
}

pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_owned()
    }
}

pub(crate) fn finish(
    err_out: *mut *mut apst_error,
    outcome: std::thread::Result<Result<(), FfiError>>,
) -> apst_result {
    let error = match outcome {
        Ok(Ok(())) => return apst_result::APST_OK,
        Ok(Err(e)) => e,
        Err(payload) => FfiError::new(
            apst_result::APST_PANIC,
            format!(
                "internal error (panic caught at the C boundary): {}; please report it",
                panic_message(payload.as_ref())
            ),
        ),
    };
    let code = error.result;
    if !err_out.is_null() {
        // Building the error allocates; never let that unwind into C either.
        let boxed = catch_unwind(AssertUnwindSafe(|| Box::into_raw(Box::new(error.into_c()))));
        if let Ok(p) = boxed {
            // SAFETY: the caller passed a writable `apst_error **` (documented).
            unsafe { *err_out = p };
        }
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{apst_error_free, apst_error_message, apst_error_result};
    use std::ffi::CStr;

    fn run(body: impl FnOnce() -> Result<(), FfiError>) -> (apst_result, String) {
        let mut err: *mut apst_error = std::ptr::null_mut();
        let r = boundary!(&mut err, { body() });
        let msg = unsafe {
            assert_eq!(apst_error_result(err), r);
            let m = CStr::from_ptr(apst_error_message(err))
                .to_string_lossy()
                .into_owned();
            apst_error_free(err);
            m
        };
        (r, msg)
    }

    #[test]
    fn panic_becomes_apst_panic() {
        let (r, msg) = run(|| panic!("boom at the boundary"));
        assert_eq!(r, apst_result::APST_PANIC);
        assert!(msg.contains("boom at the boundary"), "{msg}");
    }

    #[test]
    fn error_is_reported_and_ok_leaves_err_alone() {
        let (r, msg) = run(|| Err(FfiError::null("project_uid")));
        assert_eq!(r, apst_result::APST_NULL_PARAMETER);
        assert!(msg.contains("`project_uid`"));
        let mut err: *mut apst_error = std::ptr::null_mut();
        assert_eq!(boundary!(&mut err, { Ok(()) }), apst_result::APST_OK);
        assert!(err.is_null());
        // A NULL `err` is fine.
        let r = boundary!(std::ptr::null_mut(), { Err(FfiError::invalid("x")) });
        assert_eq!(r, apst_result::APST_INVALID_INPUT);
    }

    #[test]
    fn json_errors_name_parameter_and_position() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct P {
            name: String,
        }
        let e = crate::args::parse_json::<P>("{\n  \"name\": 5}", "params_json").unwrap_err();
        assert_eq!(e.result, apst_result::APST_INVALID_INPUT);
        assert!(
            e.message.contains("params_json") && e.message.contains("line 2 column"),
            "{}",
            e.message
        );
        let e = crate::args::parse_json::<P>("{\"name\":", "params_json").unwrap_err();
        assert!(e.message.contains("truncated"), "{}", e.message);
    }

    #[test]
    fn invalid_utf8_names_parameter_and_offset() {
        let s = c"ab\xffcd";
        let e = unsafe { crate::args::str_arg(s.as_ptr(), "state") }.unwrap_err();
        assert_eq!(e.result, apst_result::APST_INVALID_UTF8);
        assert!(
            e.message.contains("`state`") && e.message.contains("offset 2"),
            "{}",
            e.message
        );
    }
}
