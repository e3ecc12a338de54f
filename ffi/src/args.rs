//! Checking what C hands us (NULL, UTF-8, JSON) and handing results back (owned strings).

use std::ffi::{c_char, CStr, CString};
use std::path::PathBuf;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{apst_result, to_cstring, FfiError};
use apst_core::models::WriteJson;

/// A required string parameter.
///
/// # Safety
/// `p` is NULL or a NUL-terminated string valid for the duration of the call.
pub(crate) unsafe fn str_arg<'a>(p: *const c_char, name: &str) -> Result<&'a str, FfiError> {
    if p.is_null() {
        return Err(FfiError::null(name));
    }
    let bytes = CStr::from_ptr(p).to_bytes();
    std::str::from_utf8(bytes).map_err(|e| {
        FfiError::new(
            apst_result::APST_INVALID_UTF8,
            format!(
                "parameter `{name}` is not valid UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// A UID parameter checked locally, so the error names the C parameter (`owner_uid`, ...)
/// rather than the API field it is sent as.
pub(crate) fn uid_arg<'a>(v: &'a str, name: &str) -> Result<&'a str, FfiError> {
    apst_core::validate::uid(name, v)?;
    Ok(v)
}

/// An optional string parameter: NULL means "not given".
///
/// # Safety
/// As `str_arg`.
pub(crate) unsafe fn opt_str_arg<'a>(
    p: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, FfiError> {
    if p.is_null() {
        Ok(None)
    } else {
        str_arg(p, name).map(Some)
    }
}

/// A file system path: any bytes but NUL (paths need not be UTF-8 on Unix).
///
/// # Safety
/// As `str_arg`.
pub(crate) unsafe fn path_arg(p: *const c_char, name: &str) -> Result<PathBuf, FfiError> {
    if p.is_null() {
        return Err(FfiError::null(name));
    }
    let bytes = CStr::from_ptr(p).to_bytes();
    if bytes.is_empty() {
        return Err(FfiError::invalid(format!(
            "parameter `{name}` is an empty path"
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
    }
    #[cfg(not(unix))]
    {
        Ok(PathBuf::from(str_arg(p, name)?))
    }
}

/// Parses a JSON parameter into `T`; a syntax or type error names the parameter and the
/// parser's line and column.
pub(crate) fn parse_json<T: DeserializeOwned>(s: &str, name: &str) -> Result<T, FfiError> {
    serde_json::from_str(s).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Data => "has a wrong field or value",
            serde_json::error::Category::Eof => "is truncated JSON",
            _ => "is not valid JSON",
        };
        FfiError::invalid(format!(
            "parameter `{name}` {what} at line {} column {}: {e}",
            e.line(),
            e.column()
        ))
    })
}

/// Parses a JSON object parameter into the struct `T`, like [`parse_json`], but anything
/// other than an object is rejected as such: serde would otherwise read an array as the
/// struct's fields in order (`[1,2,3]` gave "expected a string" for the first field).
pub(crate) fn parse_object<T: DeserializeOwned>(s: &str, name: &str) -> Result<T, FfiError> {
    expect_shape(s, name, b'{', "a JSON object ({...})")?;
    parse_json(s, name)
}

/// Parses a JSON array parameter into `T` (a `Vec`), rejecting any other JSON value as such.
pub(crate) fn parse_array<T: DeserializeOwned>(s: &str, name: &str) -> Result<T, FfiError> {
    expect_shape(s, name, b'[', "a JSON array ([...])")?;
    parse_json(s, name)
}

/// Checks that well-formed JSON text `s` starts with `open`; malformed text is left to
/// [`parse_json`], which reports the parser's position.
fn expect_shape(s: &str, name: &str, open: u8, what: &str) -> Result<(), FfiError> {
    let first = s
        .bytes()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    let found = match first {
        Some(b) if b == open => return Ok(()),
        None => return Ok(()),
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        Some(_) => "a number",
    };
    if serde_json::from_str::<serde::de::IgnoredAny>(s).is_err() {
        return Ok(());
    }
    Err(FfiError::invalid(format!(
        "parameter `{name}` must be {what}, not {found}"
    )))
}

/// A required output pointer: checked for NULL and reset to NULL before any work, so the
/// caller sees NULL when the call fails.
///
/// # Safety
/// `p` is NULL or writable.
pub(crate) unsafe fn out_arg<'a, T>(
    p: *mut *mut T,
    name: &str,
) -> Result<&'a mut *mut T, FfiError> {
    if p.is_null() {
        return Err(FfiError::null(name));
    }
    *p = std::ptr::null_mut();
    Ok(&mut *p)
}

/// An optional output pointer (`out_path` of downloads): NULL means the caller doesn't want
/// the value.
///
/// # Safety
/// `p` is NULL or writable.
pub(crate) unsafe fn opt_out_arg<'a, T>(
    p: *mut *mut T,
    name: &str,
) -> Result<Option<&'a mut *mut T>, FfiError> {
    if p.is_null() {
        Ok(None)
    } else {
        out_arg(p, name).map(Some)
    }
}

/// Hands a path to an optional `char **` output (see [`opt_out_arg`]).
pub(crate) fn give_path(out: Option<&mut *mut c_char>, path: &std::path::Path) {
    if let Some(o) = out {
        give_string(o, path.to_string_lossy().into_owned());
    }
}

/// A required output pointer for a plain value.
///
/// # Safety
/// `p` is NULL or writable.
pub(crate) unsafe fn out_val<'a, T>(p: *mut T, name: &str) -> Result<&'a mut T, FfiError> {
    if p.is_null() {
        return Err(FfiError::null(name));
    }
    Ok(&mut *p)
}

/// A required, non-NULL handle.
///
/// # Safety
/// `p` is NULL or a live handle of this library.
pub(crate) unsafe fn handle<'a, T>(p: *const T, name: &str) -> Result<&'a T, FfiError> {
    p.as_ref().ok_or_else(|| FfiError::null(name))
}

/// A required, non-NULL mutable handle.
///
/// # Safety
/// `p` is NULL or a live handle of this library, not used concurrently.
pub(crate) unsafe fn handle_mut<'a, T>(p: *mut T, name: &str) -> Result<&'a mut T, FfiError> {
    p.as_mut().ok_or_else(|| FfiError::null(name))
}

/// Hands an owned string to C (release with `apst_string_free`).
pub(crate) fn give_string(out: &mut *mut c_char, s: String) {
    *out = to_cstring(s).into_raw();
}

/// Hands a record (or a list of records) to C as JSON (release with `apst_string_free`):
/// the core's [`WriteJson`] writer, byte for byte what serde_json writes for it, several times
/// cheaper (measured in `bench/`, P5).
pub(crate) fn give_json<T: WriteJson + ?Sized>(
    out: &mut *mut c_char,
    value: &T,
) -> Result<(), FfiError> {
    give_text(out, |buf| value.write_json(buf))
}

/// Hands any other serializable value to C as JSON, through serde_json.
pub(crate) fn give_serde<T: Serialize + ?Sized>(
    out: &mut *mut c_char,
    value: &T,
) -> Result<(), FfiError> {
    give_text(out, |buf| {
        serde_json::to_writer(buf, value).map_err(std::io::Error::from)
    })
}

/// Runs `write` into a buffer sized from the previous result on this thread (so a loop over
/// similar records does not grow it step by step) and hands the text to C, NUL-terminated in
/// place (no copy into a new `CString`). JSON text has no NUL byte (U+0000 is escaped as
/// `\u0000`); the one `memchr` over it is kept so that `from_vec_with_nul_unchecked` stays
/// sound whatever `write` does. Measured in `bench/` (P5): 4.5k fewer instructions per
/// `apst_project_get` than `to_string` + `CString::new`.
fn give_text(
    out: &mut *mut c_char,
    write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
) -> Result<(), FfiError> {
    thread_local! {
        static LAST_LEN: std::cell::Cell<usize> = const { std::cell::Cell::new(256) };
    }
    // Capped, so one huge list does not make every later small result allocate as much.
    let hint = LAST_LEN.with(|c| c.get()).min(64 * 1024);
    let mut buf = Vec::with_capacity(hint + hint / 8 + 1);
    write(&mut buf).map_err(|e| {
        FfiError::new(
            apst_result::APST_DECODE,
            format!("could not encode the result as JSON: {e}"),
        )
    })?;
    LAST_LEN.with(|c| c.set(buf.len()));
    if buf.contains(&0) {
        return Err(FfiError::new(
            apst_result::APST_DECODE,
            "could not encode the result as JSON: it has a NUL byte".to_string(),
        ));
    }
    buf.push(0);
    // SAFETY: no NUL byte in `buf` (checked above) but the one pushed last.
    *out = unsafe { CString::from_vec_with_nul_unchecked(buf) }.into_raw();
    Ok(())
}

/// Releases a string returned by this library (`char *` out-parameters). `s` may be NULL.
///
/// Ownership: takes ownership of `s`; only pass strings this library handed out, once.
/// Thread-safety: any thread; also allowed after `apst_shutdown`.
#[no_mangle]
pub unsafe extern "C" fn apst_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        drop(CString::from_raw(s));
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    /// The C string `give` hands out, as a Rust string (and released).
    fn taken(give: impl FnOnce(&mut *mut c_char) -> Result<(), FfiError>) -> String {
        let mut p: *mut c_char = std::ptr::null_mut();
        assert!(give(&mut p).is_ok());
        let s = unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned();
        unsafe { apst_string_free(p) };
        s
    }

    #[test]
    fn give_serde_matches_serde_json_whatever_the_previous_size() {
        let small = serde_json::json!({"a": "x\u{0}y", "b": [1, 2]});
        let big: Vec<String> = (0..20_000).map(|i| format!("item-{i}")).collect();
        for v in [
            &small,
            &serde_json::json!(big),
            &small,
            &serde_json::json!(""),
        ] {
            let s = taken(|p| give_serde(p, v));
            assert_eq!(s, serde_json::to_string(v).unwrap());
            assert!(!s.contains('\0'), "no interior NUL: {s:.40}");
        }
        assert_eq!(
            taken(|p| give_serde(p, &small)),
            r#"{"a":"x\u0000y","b":[1,2]}"#
        );
    }

    #[test]
    fn give_json_hands_out_what_serde_json_writes_for_records() {
        let raw = serde_json::json!({
            "projectUID": "P1", "projectName": "Carton \"330\"\u{1}", "created": "2020-10-22T08:09:05.5",
            "tags": ["a", "b"], "assets": [{"assetUID": "A1", "fileSize": 42}], "unknown": true
        });
        let p: apst_core::Project = serde_json::from_value(raw).unwrap();
        let list = vec![p.clone(), p.clone()];
        assert_eq!(
            taken(|o| give_json(o, &p)),
            serde_json::to_string(&p).unwrap()
        );
        assert_eq!(
            taken(|o| give_json(o, &list)),
            serde_json::to_string(&list).unwrap()
        );
        let one = taken(|o| give_json(o, &p));
        assert!(one.contains(r#""name":"Carton \"330\"\u0001""#), "{one}");
        assert!(
            one.contains(r#""created":"2020-10-22T08:09:05.500Z""#),
            "{one}"
        );
    }
}
