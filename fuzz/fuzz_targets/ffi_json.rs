//! The C ABI's JSON parameters (`params_json`, `query_json`, `options_json`, `send_json`,
//! `asset_uids_json`): each input is `<export>\n<JSON text>`, handed to that export as C
//! would (bytes up to the first NUL, not necessarily UTF-8). The client has no token and no
//! credentials, so an input that passes every local check ends at `APST_UNAUTHORIZED` before
//! anything is sent. Checked: nothing but `APST_INVALID_INPUT`, `APST_INVALID_UTF8` (caller
//! errors, with a message naming the parameter or field) or `APST_UNAUTHORIZED` comes back:
//! no panic, no decode or transport error, no silent success.
#![no_main]

use apst_ffi::*;
use libfuzzer_sys::fuzz_target;
use std::ffi::{c_char, CStr, CString};
use std::ptr::null_mut;
use std::sync::OnceLock;

struct Client(*mut apst_client);
// SAFETY: `apst_client` is thread-safe (ffi/src/client.rs); the pointer lives for the process.
unsafe impl Send for Client {}
unsafe impl Sync for Client {}

fn client() -> *const apst_client {
    static C: OnceLock<Client> = OnceLock::new();
    C.get_or_init(|| unsafe {
        let b = apst_client_builder_new();
        let mut err = null_mut();
        // Never reached: without a token every call stops before sending.
        assert_eq!(
            apst_client_builder_set_base_url(b, c"http://127.0.0.1:9/".as_ptr(), &mut err),
            apst_result::APST_OK
        );
        let mut c = null_mut();
        assert_eq!(
            apst_client_builder_build(b, &mut c, &mut err),
            apst_result::APST_OK
        );
        Client(c)
    })
    .0
}

type Call =
    fn(*const apst_client, *const c_char, *mut *mut c_char, *mut *mut apst_error) -> apst_result;

/// Export name, its JSON parameter's name, and the call.
const EXPORTS: &[(&str, &str, Call)] = &[
    ("project_list", "query_json", |c, j, o, e| unsafe {
        apst_project_list(c, j, o, e)
    }),
    ("project_create", "params_json", |c, j, o, e| unsafe {
        apst_project_create(c, j, o, e)
    }),
    ("project_update", "params_json", |c, j, o, e| unsafe {
        apst_project_update(c, j, o, e)
    }),
    ("annotation_create", "params_json", |c, j, o, e| unsafe {
        apst_annotation_create(c, j, o, e)
    }),
    ("task_asset_upload", "params_json", |c, j, o, e| unsafe {
        apst_task_asset_upload(c, j, o, e)
    }),
    ("task_refdoc_upload", "params_json", |c, j, o, e| unsafe {
        apst_task_refdoc_upload(c, j, o, e)
    }),
    ("task_review_asset", "params_json", |c, j, o, e| unsafe {
        apst_task_review_asset(c, j, o, e)
    }),
    (
        "task_review_asset_ext",
        "params_json",
        |c, j, o, e| unsafe { apst_task_review_asset_ext(c, j, o, e) },
    ),
    ("webhook_create", "params_json", |c, j, o, e| unsafe {
        apst_webhook_create(c, j, o, e)
    }),
    ("review_link_create", "options_json", |c, j, o, e| unsafe {
        apst_review_link_create(c, c"P1".as_ptr(), c"Round 1".as_ptr(), j, o, e)
    }),
    (
        "review_link_create_id",
        "options_json",
        |c, j, o, e| unsafe {
            apst_review_link_create_id(c, c"P1".as_ptr(), c"Round 1".as_ptr(), j, o, e)
        },
    ),
    (
        "review_link_add_assets",
        "asset_uids_json",
        |c, j, o, e| unsafe {
            apst_review_link_add_assets(c, c"P1".as_ptr(), c"L1".as_ptr(), j, o, e)
        },
    ),
    ("review_link_send", "send_json", |c, j, o, e| unsafe {
        apst_review_link_send(c, c"P1".as_ptr(), c"L1".as_ptr(), j, o, e)
    }),
];

fuzz_target!(|data: &[u8]| {
    let (sel, json) = match data.iter().position(|b| *b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&data[..0], data),
    };
    let (name, param, call) = EXPORTS
        .iter()
        .find(|(n, _, _)| n.as_bytes() == sel)
        .copied()
        .unwrap_or_else(|| EXPORTS[sel.iter().map(|b| *b as usize).sum::<usize>() % EXPORTS.len()]);
    let json = &json[..json.iter().position(|b| *b == 0).unwrap_or(json.len())];
    let arg = CString::new(json).unwrap();
    let mut out: *mut c_char = null_mut();
    let mut err: *mut apst_error = null_mut();
    let rc = call(client(), arg.as_ptr(), &mut out, &mut err);
    assert!(out.is_null(), "{name}: no output on failure");
    assert!(!err.is_null(), "{name}: an error for {rc:?}");
    let msg = unsafe { CStr::from_ptr(apst_error_message(err)) }
        .to_str()
        .unwrap()
        .to_owned();
    let fields = unsafe { CStr::from_ptr(apst_error_fields_json(err)) }
        .to_str()
        .unwrap()
        .to_owned();
    unsafe { apst_error_free(err) };
    assert!(!msg.is_empty());
    match rc {
        apst_result::APST_UNAUTHORIZED => {}
        apst_result::APST_INVALID_UTF8 => {
            assert!(std::str::from_utf8(json).is_err());
            assert!(msg.contains(param), "{name}: {msg}");
        }
        apst_result::APST_INVALID_INPUT => {
            assert!(
                msg.contains(param) || fields != "{}" || msg.contains('`'),
                "{name}: the message names no parameter or field: {msg}"
            );
        }
        other => panic!("{name}: unexpected {other:?}: {msg}"),
    }
});
