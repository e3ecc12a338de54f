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
