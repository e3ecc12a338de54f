//! The success envelope (`transport::unwrap_envelope`): every response body of the service
//! goes through it. Checked against its documented rules, and re-wrapping the result in a
//! canonical envelope gives it back.
#![no_main]

use approvalstudio::__fuzz::unwrap_envelope;
use approvalstudio::ErrorKind;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

fuzz_target!(|body: &[u8]| {
    let got = unwrap_envelope(body);
    if body.iter().all(u8::is_ascii_whitespace) {
        assert_eq!(got.unwrap(), Value::Null, "an empty body is null");
        return;
    }
    let v = match serde_json::from_slice::<Value>(body) {
        Err(_) => {
            let e = got.expect_err("a body that is not JSON must fail");
            assert_eq!(e.kind(), ErrorKind::Decode);
            assert!(!e.message().is_empty());
            // At most 4 KiB of the body is kept (lossy UTF-8: a byte becomes at most 3).
            let kept = e.body().expect("the body is kept for the error");
            assert!(kept.len() <= 3 * 4096, "{} bytes kept", kept.len());
            return;
        }
        Ok(v) => v,
    };
    let got = got.unwrap_or_else(|e| panic!("JSON must be accepted: {e}"));
    let expected = match &v {
        Value::Object(o) => {
            if let Some((_, r)) = o.iter().find(|(k, _)| k.eq_ignore_ascii_case("result")) {
                // `result` (any case) is the payload.
                r.clone()
            } else if !o.is_empty()
                && o.keys().all(|k| {
                    ["version", "statuscode", "message"].contains(&k.to_ascii_lowercase().as_str())
                })
            {
                // A bare envelope carries nothing.
                Value::Null
            } else {
                // A payload sent without an envelope.
                v.clone()
            }
        }
        other => other.clone(),
    };
    assert_eq!(got, expected);
    let wrapped = json!({"version": "1.0", "statusCode": 200, "message": "ok", "result": got});
    let again = unwrap_envelope(wrapped.to_string().as_bytes()).unwrap();
    assert_eq!(again, got, "a canonical envelope gives its result back");
});
