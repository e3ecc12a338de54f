//! The C ABI's webhook receiver functions on a raw delivery (`Api-Secret` header and body):
//! `apst_webhook_verify`, `apst_webhook_parse_event` (with and without the secret check) and
//! the deduplicator. Checked against the core (same verdicts), and the normalized JSON it
//! hands out parses again to the very same JSON.
#![no_main]

use approvalstudio::webhook::{verify, Event};
use approvalstudio_fuzz::request;
use apst_ffi::*;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::ffi::{c_char, CStr, CString};
use std::ptr::{null, null_mut};

const SECRET: &std::ffi::CStr = c"9f2c1e7a-5b3d-4e8f-a0c6-d1b2e3f4a5b6";

/// `apst_webhook_parse_event`: result code and the JSON or the error message.
fn parse(body: &[u8], header: *const c_char, expected: *const c_char) -> (apst_result, String) {
    let mut out: *mut c_char = null_mut();
    let mut err: *mut apst_error = null_mut();
    // A non-NULL pointer also for an empty body.
    let ptr = if body.is_empty() {
        [0u8].as_ptr()
    } else {
        body.as_ptr()
    };
    let rc =
        unsafe { apst_webhook_parse_event(ptr, body.len(), header, expected, &mut out, &mut err) };
    if rc == apst_result::APST_OK {
        assert!(err.is_null());
        let s = unsafe { CStr::from_ptr(out) }
            .to_str()
            .expect("UTF-8 JSON")
            .to_owned();
        unsafe { apst_string_free(out) };
        (rc, s)
    } else {
        assert!(out.is_null());
        assert!(!err.is_null());
        let s = unsafe { CStr::from_ptr(apst_error_message(err)) }
            .to_string_lossy()
            .into_owned();
        unsafe { apst_error_free(err) };
        assert!(!s.is_empty());
        (rc, s)
    }
}

fuzz_target!(|data: &[u8]| {
    let (header, body) = match request(data) {
        Some(r) => (
            r.headers
                .get("api-secret")
                .map(|v| v.as_bytes().to_vec())
                .unwrap_or_default(),
            r.body,
        ),
        None => (Vec::new(), data),
    };
    let header_c = CString::new(header.clone()).expect("header values have no NUL");
    let header_str = std::str::from_utf8(&header).ok();

    // apst_webhook_verify == webhook::verify.
    let mut valid = false;
    let mut err = null_mut();
    let rc =
        unsafe { apst_webhook_verify(header_c.as_ptr(), SECRET.as_ptr(), &mut valid, &mut err) };
    let expected_ok = match header_str {
        Some(h) => {
            assert_eq!(rc, apst_result::APST_OK);
            let want = verify(h, SECRET.to_str().unwrap());
            assert_eq!(valid, want);
            want
        }
        None => {
            assert_eq!(rc, apst_result::APST_INVALID_UTF8);
            unsafe { apst_error_free(err) };
            false
        }
    };

    // Without a secret check: the same verdict as the core's parser.
    let core = Event::parse(body);
    let (rc, text) = parse(body, null(), null());
    match &core {
        Err(_) => assert_eq!(rc, apst_result::APST_DECODE, "{text}"),
        Ok(e) => {
            assert_eq!(rc, apst_result::APST_OK, "{text}");
            let v: Value = serde_json::from_str(&text).expect("JSON");
            assert_eq!(v["EventType"], e.event_type());
            assert_eq!(v["EventId"], e.event_id());
            // The normalized event is a delivery of its own, and normalizes to itself.
            let (rc2, text2) = parse(text.as_bytes(), null(), null());
            assert_eq!(rc2, apst_result::APST_OK, "{text2}");
            assert_eq!(text2, text, "normalizing is stable");
            // Deduplicator: a new id once, then a redelivery.
            let id = CString::new(e.event_id().replace('\0', "")).unwrap();
            let mut d = null_mut();
            let mut err = null_mut();
            assert_eq!(
                unsafe { apst_webhook_deduplicator_new(4, &mut d, &mut err) },
                apst_result::APST_OK
            );
            for want in [true, false, false] {
                let mut first = !want;
                assert_eq!(
                    unsafe {
                        apst_webhook_deduplicator_first_time(d, id.as_ptr(), &mut first, &mut err)
                    },
                    apst_result::APST_OK
                );
                assert_eq!(first, want);
            }
            unsafe { apst_webhook_deduplicator_free(d) };
        }
    }

    // With the secret check: rejected unless the header matches, else as above.
    let (rc, text_checked) = parse(body, header_c.as_ptr(), SECRET.as_ptr());
    if header_str.is_none() {
        assert_eq!(rc, apst_result::APST_INVALID_UTF8);
    } else if !expected_ok {
        assert_eq!(rc, apst_result::APST_UNAUTHORIZED, "{text_checked}");
    } else if core.is_ok() {
        assert_eq!(rc, apst_result::APST_OK);
        assert_eq!(text_checked, text);
    } else {
        assert_eq!(rc, apst_result::APST_DECODE);
    }
});
