//! Error responses (`transport::map_error`): status code, headers and body of a raw HTTP
//! response (problem details, the service's `{statusCode, message}` envelope, plain text).
//! Checked: the kind follows the HTTP status (never the body's `statusCode`), the server's
//! message and field errors are kept, what is kept of the body is bounded, `Retry-After`
//! only on a 429.
#![no_main]

use approvalstudio::__fuzz::{map_error, retry_after};
use approvalstudio::ErrorKind;
use approvalstudio_fuzz::response;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// The first key equal to `name` ignoring case, when its value is not null (the SDK's
/// tolerant lookup).
fn field<'a>(o: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a Value> {
    o.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
        .filter(|v| !v.is_null())
}

fuzz_target!(|data: &[u8]| {
    let Some(r) = response(data) else { return };
    // What `read_error_body` hands over.
    let body = String::from_utf8_lossy(&r.body[..r.body.len().min(64 * 1024)]);
    let Some(e) = map_error(r.status, &r.headers, &body) else {
        assert!(!(100..=999).contains(&r.status));
        return;
    };
    let code = r.status;
    let kind = match code {
        400 => ErrorKind::Validation,
        401 => ErrorKind::Unauthorized,
        403 => ErrorKind::Forbidden,
        404 => ErrorKind::NotFound,
        406 => ErrorKind::NotAcceptable,
        409 | 412 => ErrorKind::PreconditionFailed,
        410 => ErrorKind::Gone,
        429 => ErrorKind::RateLimited,
        c if c < 500 => ErrorKind::Validation,
        _ => ErrorKind::Server,
    };
    assert_eq!(e.kind(), kind, "status {code}");
    assert_eq!(e.status(), Some(code));
    assert!(!e.message().is_empty(), "an error always says something");
    match e.body() {
        None => assert!(body.is_empty()),
        Some(b) => {
            assert!(!b.is_empty());
            assert!(b.chars().count() <= 4096);
            assert!(body.starts_with(b));
        }
    }
    if code == 429 {
        assert_eq!(e.retry_after(), retry_after(&r.headers));
    } else {
        assert_eq!(e.retry_after(), None);
    }
    match serde_json::from_str::<Value>(&body) {
        Ok(Value::Object(o)) => {
            if let Some(Value::String(m)) = ["message", "title", "detail"]
                .iter()
                .find_map(|n| field(&o, n))
            {
                if !m.is_empty() {
                    assert_eq!(e.message(), m, "the server's own message is kept");
                }
            }
            if let Some(Value::Object(errs)) = field(&o, "errors") {
                for k in errs.keys() {
                    assert!(e.fields().contains_key(k), "field error {k:?} kept");
                }
            }
        }
        Ok(_) => {}
        Err(_) => {
            let trimmed = body.trim();
            if !trimmed.is_empty() {
                assert!(e.message().chars().count() <= 500);
                assert!(trimmed.starts_with(e.message()));
            }
        }
    }
    let shown = e.to_string();
    assert!(shown.contains(e.message()));
    let _ = format!("{e:?}");
});
