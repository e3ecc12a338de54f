//! Assets: `apst_asset_*` (uploads and downloads with progress, wait for processing).

use std::ffi::c_char;

use apst_core::transfer::UrlUpload;

use crate::args::{give_json, give_string, handle, opt_str_arg, out_arg, path_arg, str_arg};
use crate::boundary::boundary;
use crate::client::apst_client;
use crate::error::{apst_error, apst_result, FfiError};
use crate::progress::{apst_progress_callback, with_progress};

/// Reads an asset (`GET asset`): `*out_json` receives an Asset record (`assetUID`,
/// `version`, `name`, `status`, `reviewStatus`, `pagesCount`, `fileSize`, `reviewUrl`, ...).
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_asset_get(
    client: *const apst_client,
    asset_uid: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(asset_uid, "asset_uid")?;
        let out = out_arg(out_json, "out_json")?;
        let a = c.api().assets().get(uid)?;
        give_json(out, &a)
    })
}

/// Reads an asset's processing status as text (`"Pending"`, `"Processing"`,
/// `"Processed"`, `"Failed"`) into `*out_status`.
///
/// Ownership: borrows the inputs; `*out_status` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_asset_get_status(
    client: *const apst_client,
    asset_uid: *const c_char,
    out_status: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(asset_uid, "asset_uid")?;
        let out = out_arg(out_status, "out_status")?;
        let a = c.api().assets().get(uid)?;
        give_string(
            out,
            a.status
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
        );
        Ok(())
    })
}

/// Deletes an asset (`DELETE asset`): unrecoverable; its tasks, comments and attachments go
/// too.
///
/// Ownership: borrows the inputs. Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_asset_delete(
    client: *const apst_client,
    asset_uid: *const c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(asset_uid, "asset_uid")?;
        c.api().assets().delete(uid)?;
        Ok(())
    })
}

/// Uploads a file as a new asset of a project (`POST asset/upload`), streaming it from disk.
/// `task_uid` (an UploadAssets or UploadChangedAsset task) and `file_name` (the asset's
/// name, by default the file's base name, at most 255 characters) may be NULL. `progress` may be
/// NULL; it is called on the
/// calling thread, at most about every 100 ms and at the end; returning non-zero cancels
/// the upload (`APST_CANCELLED`). `progress_userdata` is passed through and may be NULL.
/// `*out_asset_uid` receives the new asset's UID; processing continues on the server (see
/// `apst_asset_wait_processed`). A missing, unreadable or directory path gives `APST_INVALID_INPUT` naming `path`
/// (checked before anything is sent);
/// a full storage `APST_FORBIDDEN`; a lost answer `APST_AMBIGUOUS` (not retried once sent).
///
/// Ownership: borrows the inputs; `*out_asset_uid` is owned by the caller
/// (`apst_string_free`). Thread-safety: thread-safe; the callback runs on the calling thread.
#[no_mangle]
pub unsafe extern "C" fn apst_asset_upload(
    client: *const apst_client,
    project_uid: *const c_char,
    task_uid: *const c_char,
    path: *const c_char,
    file_name: *const c_char,
    progress: apst_progress_callback,
    progress_userdata: *mut std::ffi::c_void,
    out_asset_uid: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let project = str_arg(project_uid, "project_uid")?;
        let task = opt_str_arg(task_uid, "task_uid")?;
        let path = path_arg(path, "path")?;
        let name = opt_str_arg(file_name, "file_name")?;
        let out = out_arg(out_asset_uid, "out_asset_uid")?;
        let up = super::file_upload(project, path, task, name);
        let uid = with_progress(c, progress, progress_userdata, |api| {
            api.assets().upload(up)
        })?;
        give_string(out, uid);
        Ok(())
    })
}

/// Uploads many files to a project, at most `concurrency` at a time (>= 1).
/// `paths` is an array of `path_count` file paths (none NULL). Never fails as a whole for
/// one file: `*out_json` receives a JSON array with one entry per path, in order:
/// `{"path": "...", "assetUID": "..."}` or `{"path": "...", "error": {"result":
/// "APST_IO", "message": "...", "status": null}}`. `progress` (may be NULL) gets the
/// combined bytes of all files against the sum of their sizes, on the calling thread, at
/// most about every 100 ms and at the end; returning non-zero cancels the uploads still
/// running (they report `APST_CANCELLED`). `progress_userdata` is passed through and may
/// be NULL.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_asset_upload_many(
    client: *const apst_client,
    project_uid: *const c_char,
    paths: *const *const c_char,
    path_count: usize,
    concurrency: usize,
    progress: apst_progress_callback,
    progress_userdata: *mut std::ffi::c_void,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        // Checked here: a bad project UID fails the whole call, not each file.
        let project = crate::args::uid_arg(str_arg(project_uid, "project_uid")?, "project_uid")?;
        if paths.is_null() {
            return Err(FfiError::null("paths"));
        }
        let out = out_arg(out_json, "out_json")?;
        let mut list = Vec::with_capacity(path_count);
        for i in 0..path_count {
            list.push(path_arg(*paths.add(i), &format!("paths[{i}]"))?);
        }
        if concurrency == 0 {
            return Err(FfiError::invalid(
                "parameter `concurrency` must be at least 1",
            ));
        }
        let results = with_progress(c, progress, progress_userdata, |api| {
            api.assets().upload_many(project, list.clone(), concurrency)
        })?;
        let json: Vec<serde_json::Value> = list
            .iter()
            .zip(results)
            .map(|(p, r)| match r {
                Ok(uid) => serde_json::json!({"path": p.to_string_lossy(), "assetUID": uid}),
                Err(e) => {
                    let e = FfiError::from(e);
                    serde_json::json!({"path": p.to_string_lossy(), "error": {
                        "result": e.result.name().to_str().unwrap_or(""),
                        "message": e.message,
                        "status": e.status,
                    }})
                }
            })
            .collect();
        give_json(out, &json)
    })
}

/// Uploads a new asset from a public http(s) URL (`POST asset/upload_url`). `task_uid` and
/// `file_name` may be NULL (name: from the server's `Content-Disposition`, else
/// `asset.<ext>`; at most 255 characters). `*out_asset_uid` receives the new asset's UID.
///
/// Ownership: borrows the inputs; `*out_asset_uid` is owned by the caller
/// (`apst_string_free`). Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_asset_upload_url(
    client: *const apst_client,
    project_uid: *const c_char,
    task_uid: *const c_char,
    url: *const c_char,
    file_name: *const c_char,
    out_asset_uid: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let project = str_arg(project_uid, "project_uid")?;
        let task = opt_str_arg(task_uid, "task_uid")?;
        let url = str_arg(url, "url")?;
        let name = opt_str_arg(file_name, "file_name")?;
        let out = out_arg(out_asset_uid, "out_asset_uid")?;
        let mut up = UrlUpload::new(project, url);
        if let Some(t) = task {
            up = up.task(t);
        }
        if let Some(n) = name {
            up = up.file_name(n);
        }
        let uid = c.api().assets().upload_url(up)?;
        give_string(out, uid);
        Ok(())
    })
}

/// Waits until the asset is processed (polling `GET asset` with backoff): `*out_json`
/// receives the processed Asset record. Processing failed on the server: `APST_SERVER`;
/// still not processed after `timeout_ms` (0 to 31536000000, one year): `APST_TIMEOUT`.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_asset_wait_processed(
    client: *const apst_client,
    asset_uid: *const c_char,
    timeout_ms: u64,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(asset_uid, "asset_uid")?;
        let out = out_arg(out_json, "out_json")?;
        let a = c
            .api()
            .assets()
            .wait_processed(uid, crate::client::ms_arg(timeout_ms, "timeout_ms", 0)?)?;
        give_json(out, &a)
    })
}

/// Downloads an asset's original file (`GET asset/download`) to `target_path`: a file path,
/// or an existing directory to use the asset's own (sanitized) name. Atomic: the file is
/// written beside the target, checked, synced, then renamed; a failed or cancelled download
/// leaves no file under the target name. `progress` (may be NULL) runs on the calling
/// thread; non-zero cancels (`APST_CANCELLED`). `out_path` may be NULL; otherwise
/// `*out_path` receives the final path.
///
/// Ownership: borrows the inputs; `*out_path` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_asset_download(
    client: *const apst_client,
    asset_uid: *const c_char,
    target_path: *const c_char,
    progress: apst_progress_callback,
    progress_userdata: *mut std::ffi::c_void,
    out_path: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        super::download_export(
            client,
            asset_uid,
            "asset_uid",
            target_path,
            progress,
            progress_userdata,
            out_path,
            |c, uid, d| c.assets().download(uid, d),
        )
    })
}

/// Gets the URL of the asset's proof report, a PDF (`GET asset/proofreport`) into
/// `*out_url`.
///
/// Ownership: borrows the inputs; `*out_url` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_asset_proof_report(
    client: *const apst_client,
    asset_uid: *const c_char,
    out_url: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(asset_uid, "asset_uid")?;
        let out = out_arg(out_url, "out_url")?;
        let url = c.api().assets().proof_report_url(uid)?;
        give_string(out, url);
        Ok(())
    })
}

/// Downloads the asset's proof report (PDF) to `target_path` (a file, or a directory to
/// use the server's file name), atomically like `apst_asset_download`. `progress` and
/// `out_path` may be NULL.
///
/// Ownership: borrows the inputs; `*out_path` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_asset_proof_report_download(
    client: *const apst_client,
    asset_uid: *const c_char,
    target_path: *const c_char,
    progress: apst_progress_callback,
    progress_userdata: *mut std::ffi::c_void,
    out_path: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        super::download_export(
            client,
            asset_uid,
            "asset_uid",
            target_path,
            progress,
            progress_userdata,
            out_path,
            |c, uid, d| c.assets().download_proof_report(uid, d),
        )
    })
}
