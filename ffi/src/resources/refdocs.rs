//! Reference documents: `apst_refdoc_*`.

use std::ffi::c_char;

use apst_core::api::NewUrlRefDoc;
use apst_core::transfer::UrlUpload;

use crate::args::{give_json, give_string, handle, opt_str_arg, out_arg, path_arg, str_arg};
use crate::boundary::boundary;
use crate::client::apst_client;
use crate::error::{apst_error, apst_result};
use crate::progress::{apst_progress_callback, with_progress};

/// Uploads a file as a reference document of a project (`POST refdoc/upload`), streaming
/// it from disk. `task_uid` (an UploadRefDocs task), `file_name` (at most 255 characters), `progress` and
/// `progress_userdata` may be NULL; the callback runs on the calling thread and a non-zero
/// return cancels (`APST_CANCELLED`). `*out_refdoc_uid` receives the new UID. A missing,
/// unreadable or directory path gives `APST_INVALID_INPUT` naming `path`.
///
/// Ownership: borrows the inputs; `*out_refdoc_uid` is owned by the caller
/// (`apst_string_free`). Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_refdoc_upload(
    client: *const apst_client,
    project_uid: *const c_char,
    task_uid: *const c_char,
    path: *const c_char,
    file_name: *const c_char,
    progress: apst_progress_callback,
    progress_userdata: *mut std::ffi::c_void,
    out_refdoc_uid: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let project = str_arg(project_uid, "project_uid")?;
        let task = opt_str_arg(task_uid, "task_uid")?;
        let path = path_arg(path, "path")?;
        let name = opt_str_arg(file_name, "file_name")?;
        let out = out_arg(out_refdoc_uid, "out_refdoc_uid")?;
        let up = super::file_upload(project, path, task, name);
        let uid = with_progress(c, progress, progress_userdata, |api| {
            api.refdocs().upload(up)
        })?;
        give_string(out, uid);
        Ok(())
    })
}

/// Adds a reference document fetched by the service from a public http(s) URL
/// (`POST refdoc/upload_url`). `task_uid` and `file_name` (at most 255 characters) may be NULL. `*out_refdoc_uid`
/// receives the new UID.
///
/// Ownership: borrows the inputs; `*out_refdoc_uid` is owned by the caller
/// (`apst_string_free`). Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_refdoc_upload_url(
    client: *const apst_client,
    project_uid: *const c_char,
    task_uid: *const c_char,
    url: *const c_char,
    file_name: *const c_char,
    out_refdoc_uid: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let project = str_arg(project_uid, "project_uid")?;
        let task = opt_str_arg(task_uid, "task_uid")?;
        let url = str_arg(url, "url")?;
        let name = opt_str_arg(file_name, "file_name")?;
        let out = out_arg(out_refdoc_uid, "out_refdoc_uid")?;
        let mut up = UrlUpload::new(project, url);
        if let Some(t) = task {
            up = up.task(t);
        }
        if let Some(n) = name {
            up = up.file_name(n);
        }
        let uid = c.api().refdocs().upload_url(up)?;
        give_string(out, uid);
        Ok(())
    })
}

/// Attaches a plain URL as a reference document (`POST refdoc/add_url`); the service does
/// not fetch it. `name` may be NULL. `*out_refdoc_uid` receives the new UID.
///
/// Ownership: borrows the inputs; `*out_refdoc_uid` is owned by the caller
/// (`apst_string_free`). Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_refdoc_add_url(
    client: *const apst_client,
    project_uid: *const c_char,
    url: *const c_char,
    name: *const c_char,
    out_refdoc_uid: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let project = str_arg(project_uid, "project_uid")?;
        let url = str_arg(url, "url")?;
        let name = opt_str_arg(name, "name")?;
        let out = out_arg(out_refdoc_uid, "out_refdoc_uid")?;
        let mut r = NewUrlRefDoc::new(project, url);
        if let Some(n) = name {
            r = r.name(n);
        }
        let uid = c.api().refdocs().add_url(r)?;
        give_string(out, uid);
        Ok(())
    })
}

/// Reads a reference document (`GET refdoc`): `*out_json` receives a RefDoc record
/// (`refDocUID`, `projectUID`, `name`, `url`, `fileSize`, `created`).
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_refdoc_get(
    client: *const apst_client,
    refdoc_uid: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(refdoc_uid, "refdoc_uid")?;
        let out = out_arg(out_json, "out_json")?;
        let r = c.api().refdocs().get(uid)?;
        give_json(out, &r)
    })
}

/// Deletes a reference document (`DELETE refdoc`).
///
/// Ownership: borrows the inputs. Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_refdoc_delete(
    client: *const apst_client,
    refdoc_uid: *const c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(refdoc_uid, "refdoc_uid")?;
        c.api().refdocs().delete(uid)?;
        Ok(())
    })
}
