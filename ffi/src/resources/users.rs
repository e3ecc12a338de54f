//! Users: `apst_user_*`.

use std::ffi::c_char;

use crate::args::{give_json, handle, out_arg};
use crate::boundary::boundary;
use crate::client::apst_client;
use crate::error::{apst_error, apst_result};

/// Lists the caller's tenants (`GET users`): `*out_json` receives a JSON array of
/// `{"clientUID", "name", "users": [...], "templates": [...], "kanbanColumns": [...],
/// "folders": [...]}`: the UIDs needed for project owners, templates, columns and folders.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_user_list(
    client: *const apst_client,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let out = out_arg(out_json, "out_json")?;
        let list = c.api().users().list()?;
        give_json(out, &list)
    })
}

/// Reads the logged-in user (`GET user/loggedin`): `*out_json` receives
/// `{"userUID", "fullName", "email"}`.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_user_logged_in(
    client: *const apst_client,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let out = out_arg(out_json, "out_json")?;
        let me = c.api().users().logged_in()?;
        give_json(out, &me)
    })
}

/// Writes the logged-in user's UID into `*out_uid` (handy as a project owner).
///
/// Ownership: borrows the inputs; `*out_uid` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_user_logged_in_uid(
    client: *const apst_client,
    out_uid: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let out = out_arg(out_uid, "out_uid")?;
        let me = c.api().users().logged_in()?;
        crate::args::give_string(out, me.user_uid.clone());
        Ok(())
    })
}
