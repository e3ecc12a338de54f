//! Assets: get, delete, upload (multipart, streamed), upload_url, download, proof report.

use axum::extract::{RawQuery, Request, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{emit_with_project, DELETE_OK, GET_OK};
use crate::app::App;
use crate::files::{
    check_source_url, extension, fetch_url, receive_multipart, receive_params, storage_full,
    storage_left, TempUpload,
};
use crate::http::{base_url, ok, ok_empty, query_uid, ApiError, ApiResult, Fields, Input};
use crate::state::{new_uid, Asset, AssetStatus, TaskType};

/// 404 message for an unknown asset.
pub const ASSET_NOT_FOUND: &str = "Asset not found.";
/// 404 message of uploads to an unknown or closed project.
pub const UPLOAD_PROJECT_NOT_FOUND: &str =
    "Project UID provided is either invalid or points to a non-existing or inactive project.";
/// 404 message of uploads for an unknown or closed task.
pub const UPLOAD_TASK_NOT_FOUND: &str =
    "Task UID provided is either invalid or points to a non-existing or inactive task.";
/// Success message of `asset/upload` (verbatim; the documentation's line break is a space).
pub const UPLOADED: &str = "Asset uploaded successfully and is pending to process. Track its status to catch when it is ready to use.";
/// Success message of `asset/upload_url` (verbatim: the documentation words it differently).
pub const UPLOADED_URL: &str = "Asset uploaded successfully and is pending to process. Track it's status to catch when it'd ready to use.";

/// `GET asset` `?AssetUID` → `Asset`.
pub async fn get_one(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    app.auth(&headers)?;
    let uid = query_uid(&q, "AssetUID")?;
    let base = base_url(&headers, &app.local_base());
    let data = app.data.lock();
    let a = data
        .asset(&uid)
        .ok_or_else(|| ApiError::not_found(ASSET_NOT_FOUND))?;
    ok(GET_OK, data.asset_json(a, &base))
}

/// `DELETE asset` `?AssetUID`: removes the version, its review tasks and annotations.
pub async fn delete(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    app.auth(&headers)?;
    let uid = query_uid(&q, "AssetUID")?;
    let files = {
        let mut data = app.data.lock();
        let a = data
            .asset(&uid)
            .cloned()
            .ok_or_else(|| ApiError::not_found(ASSET_NOT_FOUND))?;
        check_mutable(&data, &a.project_uid)?;
        data.assets.retain(|x| x.uid != a.uid);
        data.annotations.retain(|x| x.asset_uid != a.uid);
        for t in data.tasks.iter_mut() {
            t.asset_uids.retain(|x| *x != a.uid);
        }
        data.tasks
            .retain(|t| !(t.kind.is_review() && t.asset_uids.is_empty()));
        emit_with_project(
            &app,
            &data,
            "asset.deleted",
            &a.project_uid,
            json!({"AssetUID": a.uid}),
        );
        let mut files = vec![a.path.clone()];
        files.extend(a.thumb.clone());
        files.extend(a.bitmap.clone());
        files
    };
    for f in files {
        let _ = tokio::fs::remove_file(f).await;
    }
    ok_empty(DELETE_OK)
}

/// 406 unless the project is Active or OnHold: Completed, Archived and InTransit projects are
/// read-only (the documented rule of `PUT project`, applied to every write on their content).
pub fn check_mutable(data: &crate::state::Data, project_uid: &str) -> Result<(), ApiError> {
    match data.project(project_uid) {
        Some(p) if !p.state.is_open() => {
            Err(ApiError::not_acceptable(crate::api::projects::NOT_MUTABLE))
        }
        _ => Ok(()),
    }
}

/// Validates a project for uploads (exists and Active/OnHold).
pub fn check_upload_project(app: &App, uid: &str) -> Result<String, ApiError> {
    let data = app.data.lock();
    match data.project(uid) {
        Some(p) if p.state.is_open() => Ok(p.uid.clone()),
        _ => Err(ApiError::not_found(UPLOAD_PROJECT_NOT_FOUND)),
    }
}

/// Registers an uploaded file as an asset (or a new version for an `UploadChangedAsset`
/// task) and starts its processing.
pub fn create_asset(
    app: &App,
    project_uid: &str,
    task_uid: Option<&str>,
    file: TempUpload,
) -> Result<String, ApiError> {
    let mut data = app.data.lock();
    let project_uid = match data.project(project_uid) {
        Some(p) if p.state.is_open() => p.uid.clone(),
        _ => return Err(ApiError::not_found(UPLOAD_PROJECT_NOT_FOUND)),
    };
    let mut name = file.name.clone();
    let mut group = None;
    let mut version = 1;
    if let Some(tuid) = task_uid {
        let t = data
            .task(tuid)
            .filter(|t| {
                t.project_uid == project_uid && t.status == crate::state::TaskStatus::Pending
            })
            .ok_or_else(|| ApiError::not_found(UPLOAD_TASK_NOT_FOUND))?;
        match t.kind {
            TaskType::UploadAssets => {}
            TaskType::UploadChangedAsset => {
                let g = t.requested_group.clone().unwrap_or_default();
                let latest = data
                    .assets
                    .iter()
                    .filter(|a| a.group == g)
                    .max_by_key(|a| a.version)
                    .ok_or_else(|| ApiError::not_found(ASSET_NOT_FOUND))?;
                if extension(&file.name) != latest.ext {
                    let shown = if latest.ext.is_empty() {
                        String::new()
                    } else {
                        format!(".{}", latest.ext)
                    };
                    return Err(ApiError::precondition(format!(
                        "File to upload must be the same type as the original file ({shown})."
                    )));
                }
                name = latest.name.clone();
                version = latest.version + 1;
                group = Some(g);
            }
            _ => {
                return Err(ApiError::precondition(
                    "Only task types UploadAssets and UploadChangedAsset are allowed.",
                ))
            }
        }
    }
    if let Some(limit) = app.config.lock().storage_limit_bytes {
        if data.storage_used() + file.size > limit {
            return Err(storage_full(limit));
        }
    }
    if name.is_empty() {
        name = "asset.bin".into();
    }
    let uid = new_uid();
    let path = app.dir("assets").join(&uid);
    let size = file.size;
    file.persist(&path).map_err(ApiError::internal)?;
    data.assets.push(Asset {
        uid: uid.clone(),
        group: group.unwrap_or_else(|| uid.clone()),
        version,
        project_uid,
        ext: extension(&name),
        name,
        status: AssetStatus::Pending,
        pages: 0,
        created: app.now(),
        size,
        path,
        thumb: None,
        bitmap: None,
        approved: 0,
        rejected: 0,
        view_token: new_uid().to_lowercase(),
    });
    drop(data);
    crate::processing::spawn_asset(app, uid.clone());
    Ok(uid)
}

/// `POST asset/upload` (multipart; `ProjectUID`, `TaskUID` from the query or form fields; the
/// file under `FileName` or any part name) → `{assetUID}`.
pub async fn upload(State(app): State<App>, req: Request) -> ApiResult {
    app.auth(req.headers())?;
    let query = Input::from_query(req.uri().query());
    let mut f = Fields::new(&query);
    // Fail early (before reading the body) when the query already names a bad project.
    if let Some(p) = f.opt_str("ProjectUID").filter(|p| !p.trim().is_empty()) {
        check_upload_project(&app, &p)?;
    }
    f.finish()?;
    let left = storage_left(&app)?;
    let r = receive_multipart(&app, req, query, left).await?;
    let mut f = Fields::new(&r.params);
    let project = f.req_str("ProjectUID");
    let task = f.opt_str("TaskUID").filter(|t| !t.trim().is_empty());
    if r.file.is_none() {
        f.error("FileName", "'FileName' must not be empty.");
    }
    f.finish()?;
    let Some(file) = r.file else {
        return Err(ApiError::field("FileName", "'FileName' must not be empty."));
    };
    let uid = create_asset(&app, &project, task.as_deref(), file)?;
    ok(UPLOADED, json!({"assetUID": uid}))
}

/// `POST asset/upload_url` (`ProjectUID`, `URL`, optional `FileName`, `TaskUID`) →
/// `{assetUID}`.
pub async fn upload_url(State(app): State<App>, req: Request) -> ApiResult {
    app.auth(req.headers())?;
    let params = receive_params(&app, req).await?;
    let mut f = Fields::new(&params);
    let project = f.req_str("ProjectUID");
    let url = f.req_str("URL");
    let name = f.opt_str("FileName");
    // The parameter as given (the spec's maxLength), before its reduction to a base name.
    f.max_len("FileName", name.as_deref(), crate::files::MAX_FILE_NAME);
    let task = f.opt_str("TaskUID").filter(|t| !t.trim().is_empty());
    f.finish()?;
    let url = check_source_url(&url)?;
    check_upload_project(&app, &project)?;
    let left = storage_left(&app)?;
    let file = fetch_url(&app, url, name, left).await?;
    let uid = create_asset(&app, &project, task.as_deref(), file)?;
    ok(UPLOADED_URL, json!({"assetUID": uid}))
}

/// `GET asset/download` `?AssetUID` → the original bytes (Range supported).
pub async fn download(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    app.auth(&headers)?;
    let uid = query_uid(&q, "AssetUID")?;
    let a = app
        .data
        .lock()
        .asset(&uid)
        .cloned()
        .ok_or_else(|| ApiError::not_found(ASSET_NOT_FOUND))?;
    Ok(crate::files::serve_file(&a.path, &a.name, &headers, true)
        .await
        .into_response())
}

/// `GET asset/proofreport` `?AssetUID` → `{downloadURL}` of a PDF 1.4 report.
pub async fn proofreport(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    app.auth(&headers)?;
    let uid = query_uid(&q, "AssetUID")?;
    let base = base_url(&headers, &app.local_base());
    let (pdf, name) = {
        let data = app.data.lock();
        let a = data
            .asset(&uid)
            .ok_or_else(|| ApiError::not_found(ASSET_NOT_FOUND))?;
        (
            crate::pdf::asset_report(&data, a, app.now()),
            format!("proof-report-{}.pdf", a.uid),
        )
    };
    let id = crate::files::store_report(&app, pdf, name).await?;
    ok(
        GET_OK,
        json!({"downloadURL": format!("{base}/files/report/{id}")}),
    )
}
