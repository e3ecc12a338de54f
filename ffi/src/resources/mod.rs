//! One module per resource group, named as in the core (`projects`, `assets`, ...). Every
//! export is `apst_<resource>_<verb>`.

pub mod annotations;
pub mod assets;
pub mod projects;
pub mod refdocs;
pub mod review_links;
pub mod tasks;
pub mod users;
pub mod webhooks;

pub use annotations::*;
pub use assets::*;
pub use projects::*;
pub use refdocs::*;
pub use review_links::*;
pub use tasks::*;
pub use users::*;
pub use webhooks::*;

use crate::error::FfiError;

/// The upload of a file from the C arguments of `apst_asset_upload`/`apst_refdoc_upload`
/// (`task` and `name` optional).
pub(crate) fn file_upload(
    project: &str,
    path: std::path::PathBuf,
    task: Option<&str>,
    name: Option<&str>,
) -> apst_core::Upload {
    let mut up = apst_core::Upload::from_path(project, path);
    if let Some(t) = task {
        up = up.task(t);
    }
    if let Some(n) = name {
        up = up.file_name(n);
    }
    up
}

/// The body shared by the three download exports (`apst_asset_download`,
/// `apst_asset_proof_report_download`, `apst_project_proof_report_download`): checks the C
/// arguments (`uid` is named `uid_name` in errors; `out_path` may be NULL), runs `download` on
/// a client carrying the caller's progress callback, and hands back the final path.
///
/// # Safety
/// The pointers are NULL or valid as the exports document.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn download_export(
    client: *const crate::client::apst_client,
    uid: *const std::ffi::c_char,
    uid_name: &str,
    target_path: *const std::ffi::c_char,
    progress: crate::progress::apst_progress_callback,
    progress_userdata: *mut std::ffi::c_void,
    out_path: *mut *mut std::ffi::c_char,
    download: impl FnOnce(
        apst_core::blocking::Hooked<'_>,
        &str,
        apst_core::Download,
    ) -> apst_core::Result<std::path::PathBuf>,
) -> Result<(), FfiError> {
    let c = crate::args::handle(client, "client")?;
    let uid = crate::args::str_arg(uid, uid_name)?;
    let target = crate::args::path_arg(target_path, "target_path")?;
    let out = crate::args::opt_out_arg(out_path, "out_path")?;
    let path = crate::progress::with_progress(c, progress, progress_userdata, |api| {
        download(api, uid, apst_core::Download::to(target))
    })?;
    crate::args::give_path(out, &path);
    Ok(())
}

/// Parses an API date given as JSON text (ISO 8601; zone-less means UTC).
pub(crate) fn date(
    field: &str,
    s: Option<String>,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, FfiError> {
    match s {
        None => Ok(None),
        Some(s) => apst_core::models::parse_date(&s).map(Some).ok_or_else(|| {
            FfiError::invalid(format!(
                "field `{field}`: `{s}` is not an ISO 8601 date (e.g. 2026-12-31T17:00:00Z)"
            ))
        }),
    }
}
