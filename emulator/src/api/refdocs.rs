//! Reference documents: upload, upload_url, add_url, get, delete.

use axum::body::Body;
use axum::extract::{RawQuery, Request, State};
use axum::http::HeaderMap;
use serde_json::json;

use super::{emit_with_project, DELETE_OK, GET_OK, POST_OK};
use crate::api::assets::{
    check_mutable, check_upload_project, UPLOAD_PROJECT_NOT_FOUND, UPLOAD_TASK_NOT_FOUND,
};
use crate::app::App;
use crate::files::{
    check_source_url, fetch_url, receive_multipart, receive_params, storage_full, storage_left,
    TempUpload,
};
use crate::http::{
    base_url, json_input, ok, ok_empty, query_uid, ApiError, ApiResult, Fields, Input,
};
use crate::state::{new_uid, RefDoc, TaskStatus, TaskType};

/// 404 message for an unknown reference document.
pub const REFDOC_NOT_FOUND: &str = "Reference document not found or it was already deleted.";
/// Success message of `refdoc/upload` (verbatim; the documentation's line break is a space).
pub const UPLOADED: &str = "Document uploaded successfully and is pending to process. Track its status to catch when it is ready to use.";
/// Success message of `refdoc/upload_url` (verbatim: the documentation words it differently).
pub const UPLOADED_URL: &str = "Document uploaded successfully and is pending to process. Track it's status to catch when it'd ready to use.";

fn create_refdoc(
    app: &App,
    project_uid: &str,
    task_uid: Option<&str>,
    file: Option<TempUpload>,
    url: Option<String>,
    name: String,
) -> Result<String, ApiError> {
    let mut data = app.data.lock();
    let project_uid = match data.project(project_uid) {
        Some(p) if p.state.is_open() => p.uid.clone(),
        _ => return Err(ApiError::not_found(UPLOAD_PROJECT_NOT_FOUND)),
    };
    if let Some(t) = task_uid {
        let t = data
            .task(t)
            .filter(|t| t.project_uid == project_uid && t.status == TaskStatus::Pending)
            .ok_or_else(|| ApiError::not_found(UPLOAD_TASK_NOT_FOUND))?;
        if t.kind != TaskType::UploadRefDocs {
            return Err(ApiError::precondition(
                "Only task type UploadRefDocs is allowed.",
            ));
        }
    }
    let size = file.as_ref().map(|f| f.size).unwrap_or(0);
    if let Some(limit) = app.config.lock().storage_limit_bytes {
        if size > 0 && data.storage_used() + size > limit {
            return Err(storage_full(limit));
        }
    }
    let uid = new_uid();
    let path = match file {
        Some(f) => {
            let p = app.dir("refdocs").join(&uid);
            f.persist(&p).map_err(ApiError::internal)?;
            Some(p)
        }
        None => None,
    };
    let is_url = url.is_some();
    data.refdocs.push(RefDoc {
        uid: uid.clone(),
        project_uid,
        name,
        path,
        url,
        size,
        processed: is_url,
        created: app.now(),
    });
    if is_url {
        let pj = data
            .refdoc(&uid)
            .map(|r| (r.project_uid.clone(), r.name.clone()));
        if let Some((p, n)) = pj {
            emit_with_project(
                app,
                &data,
                "refdoc.uploaded",
                &p,
                json!({"RefDocUID": uid, "Name": n}),
            );
        }
    } else {
        drop(data);
        crate::processing::spawn_refdoc(app, uid.clone());
    }
    Ok(uid)
}

/// `POST refdoc/upload` (like `asset/upload`) → `{refDocUID}`.
pub async fn upload(State(app): State<App>, req: Request) -> ApiResult {
    app.auth(req.headers())?;
    let query = Input::from_query(req.uri().query());
    let mut f = Fields::new(&query);
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
    let name = if file.name.is_empty() {
        "document.bin".to_string()
    } else {
        file.name.clone()
    };
    let uid = create_refdoc(&app, &project, task.as_deref(), Some(file), None, name)?;
    ok(UPLOADED, json!({"refDocUID": uid}))
}

/// `POST refdoc/upload_url` (`ProjectUID`, `URL`, optional `FileName`) → `{refDocUID}`.
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
    let name = file.name.clone();
    let uid = create_refdoc(&app, &project, task.as_deref(), Some(file), None, name)?;
    ok(UPLOADED_URL, json!({"refDocUID": uid}))
}

/// `POST refdoc/add_url` `{projectUID, url, name?}` → `{refDocUID}`.
pub async fn add_url(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    app.auth(&headers)?;
    let input = json_input(body).await?;
    let mut f = Fields::new(&input);
    let project = f.req_str("projectUID");
    let url = f.req_str("url");
    f.max_len("url", Some(&url), 2048);
    let name = f.opt_str("name").filter(|n| !n.trim().is_empty());
    f.max_len("name", name.as_deref(), 250);
    f.finish()?;
    let u = check_source_url(&url).map_err(|_| {
        ApiError::field(
            "url",
            format!("'url' must be an absolute http(s) URL; '{url}' is not."),
        )
    })?;
    let name = name.unwrap_or_else(|| u.to_string());
    let uid = create_refdoc(&app, &project, None, None, Some(u.to_string()), name)?;
    ok(POST_OK, json!({"refDocUID": uid}))
}

/// `GET refdoc` `?RefDocUID` → `RefDoc`.
pub async fn get_one(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    app.auth(&headers)?;
    let uid = query_uid(&q, "RefDocUID")?;
    let base = base_url(&headers, &app.local_base());
    let data = app.data.lock();
    let r = data
        .refdoc(&uid)
        .ok_or_else(|| ApiError::not_found(REFDOC_NOT_FOUND))?;
    ok(GET_OK, data.refdoc_json(r, &base))
}

/// `DELETE refdoc` `?RefDocUID`.
pub async fn delete(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    app.auth(&headers)?;
    let uid = query_uid(&q, "RefDocUID")?;
    let path = {
        let mut data = app.data.lock();
        let r = data
            .refdoc(&uid)
            .cloned()
            .ok_or_else(|| ApiError::not_found(REFDOC_NOT_FOUND))?;
        check_mutable(&data, &r.project_uid)?;
        data.refdocs.retain(|x| x.uid != r.uid);
        emit_with_project(
            &app,
            &data,
            "refdoc.deleted",
            &r.project_uid,
            json!({"RefDocUID": r.uid}),
        );
        r.path
    };
    if let Some(p) = path {
        let _ = tokio::fs::remove_file(p).await;
    }
    ok_empty(DELETE_OK)
}
