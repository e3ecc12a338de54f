//! Tasks: list, get, delete, the four creation operations, complete; review decisions.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use serde_json::{json, Value};

use super::{emit_with_project, DELETE_OK, GET_OK, POST_OK, PUT_OK};
use crate::api::assets::check_mutable;
use crate::api::projects::PROJECT_NOT_FOUND;
use crate::app::App;
use crate::http::{
    base_url, json_input, ok, ok_empty, query_uid, ApiError, ApiResult, Fields, Input,
};
use crate::state::{new_uid, ProjectState, Task, TaskStatus, TaskType, User};

/// 404 message for an unknown task.
pub const TASK_NOT_FOUND: &str = "Task not found.";
/// Languages accepted by `review_asset_ext`.
pub const LANGUAGES: [&str; 7] = [
    "English",
    "German",
    "French",
    "Polish",
    "Spanish",
    "Hebrew",
    "Ukrainian",
];

/// `GET task/all` `?Types` → pending tasks assigned to the caller (external reviews have no
/// assignee in the account, so they never appear here; read them with `GET task`).
pub async fn all(State(app): State<App>, headers: HeaderMap, RawQuery(q): RawQuery) -> ApiResult {
    let user = app.auth(&headers)?;
    let input = Input::from_query(q.as_deref());
    let mut f = Fields::new(&input);
    let mut types = Vec::new();
    if let Some(raw) = f.opt_str("Types") {
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match TaskType::parse(part) {
                Some(t) => types.push(t),
                None => f.error(
                    "Types",
                    format!("The value '{part}' is not valid for Types."),
                ),
            }
        }
    }
    f.finish()?;
    if types.is_empty() {
        types = TaskType::ALL.to_vec();
    }
    let base = base_url(&headers, &app.local_base());
    let data = app.data.lock();
    let out: Vec<Value> = data
        .tasks
        .iter()
        .filter(|t| t.status == TaskStatus::Pending && types.contains(&t.kind))
        .filter(|t| t.user_uid.as_deref() == Some(user.uid.as_str()))
        .map(|t| data.task_json(t, &base))
        .collect();
    ok(GET_OK, Value::Array(out))
}

/// `GET task` `?TaskUID` → `Task`.
pub async fn get_one(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    app.auth(&headers)?;
    let uid = query_uid(&q, "TaskUID")?;
    let base = base_url(&headers, &app.local_base());
    let data = app.data.lock();
    let t = data
        .task(&uid)
        .ok_or_else(|| ApiError::not_found(TASK_NOT_FOUND))?;
    ok(GET_OK, data.task_json(t, &base))
}

/// `DELETE task` `?TaskUID`.
pub async fn delete(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    app.auth(&headers)?;
    let uid = query_uid(&q, "TaskUID")?;
    let base = app.local_base();
    let mut data = app.data.lock();
    let t = data
        .task(&uid)
        .cloned()
        .ok_or_else(|| ApiError::not_found(TASK_NOT_FOUND))?;
    check_mutable(&data, &t.project_uid)?;
    let tj = data.task_json(&t, &base);
    data.tasks.retain(|x| x.uid != t.uid);
    emit_with_project(
        &app,
        &data,
        "task.deleted",
        &t.project_uid,
        json!({"TaskUID": t.uid, "Task": tj}),
    );
    ok_empty(DELETE_OK)
}

struct Common {
    project_uid: String,
    user_uid: Option<String>,
    due_date: Option<chrono::DateTime<chrono::Utc>>,
    comment: Option<String>,
}

fn read_common(f: &mut Fields<'_>, with_user: bool) -> Common {
    let project_uid = f.req_str("projectUID");
    let user_uid = if with_user {
        Some(f.req_str("userUID"))
    } else {
        None
    };
    let due_date = f.opt_date("dueDate");
    let comment = f.opt_str("comment");
    f.max_len("comment", comment.as_deref(), 2000);
    Common {
        project_uid,
        user_uid,
        due_date,
        comment,
    }
}

/// Creates a task after the shared checks (404 project, 412 state, 412 user, 404 assets).
/// What distinguishes the creation operations.
struct Spec {
    kind: TaskType,
    asset_uids: Vec<String>,
    email: Option<String>,
    options: Value,
    requested: Option<String>,
}

impl Spec {
    fn new(kind: TaskType) -> Self {
        Spec {
            kind,
            asset_uids: Vec::new(),
            email: None,
            options: Value::Null,
            requested: None,
        }
    }
}

fn create(app: &App, caller: &User, c: Common, spec: Spec, base: &str) -> ApiResult {
    let Spec {
        kind,
        asset_uids,
        email,
        options,
        requested,
    } = spec;
    let mut data = app.data.lock();
    let p = data
        .project(&c.project_uid)
        .ok_or_else(|| ApiError::not_found(PROJECT_NOT_FOUND))?;
    let project_uid = p.uid.clone();
    if !p.state.is_open() {
        // The documentation's envelope names the Completed state `[Complete]`.
        let shown = match p.state {
            ProjectState::Completed => "Complete",
            other => other.as_str(),
        };
        return Err(ApiError::precondition(format!(
            "You cannot create a task for a project in the state [{shown}]."
        )));
    }
    let user_uid = match &c.user_uid {
        Some(u) => match data.user(u) {
            Some(user) if !user.lite => Some(user.uid.clone()),
            _ => {
                return Err(ApiError::precondition(format!(
                    "User with UID [{u}] not found."
                )))
            }
        },
        None => None,
    };
    let mut assets = Vec::new();
    for a in &asset_uids {
        match data.asset(a) {
            Some(asset) if asset.project_uid == project_uid => {
                if !assets.contains(&asset.uid) {
                    assets.push(asset.uid.clone())
                }
            }
            _ => {
                return Err(ApiError::not_found(format!(
                    "Asset with the UID [{a}] not found in the project."
                )))
            }
        }
    }
    let (requested_group, requested_name) = match requested {
        Some(a) => match data.asset(&a) {
            Some(asset) if asset.project_uid == project_uid => {
                (Some(asset.group.clone()), Some(asset.name.clone()))
            }
            _ => {
                return Err(ApiError::not_found(format!(
                    "Asset with the UID [{a}] not found in the project."
                )))
            }
        },
        None => (None, None),
    };
    let t = Task {
        uid: new_uid(),
        project_uid: project_uid.clone(),
        kind,
        status: TaskStatus::Pending,
        created: app.now(),
        closed: None,
        user_uid,
        creator_uid: caller.uid.clone(),
        email,
        asset_uids: assets,
        requested_group,
        requested_asset_name: requested_name,
        due_date: c.due_date,
        comment: c.comment,
        review_token: if kind.is_review() {
            Some(new_uid().to_lowercase())
        } else {
            None
        },
        options,
    };
    let tj = data.task_json(&t, base);
    let ej = data.task_json(&t, &app.local_base());
    let uid = t.uid.clone();
    data.tasks.push(t);
    emit_with_project(
        app,
        &data,
        "task.created",
        &project_uid,
        json!({"TaskUID": uid, "Task": ej}),
    );
    ok(POST_OK, tj)
}

/// `POST task/asset_upload` `{projectUID, userUID, dueDate?, comment?, assetUID?}` → `Task`
/// (`UploadAssets`; with `assetUID`, an `UploadChangedAsset` task for a new version).
pub async fn asset_upload(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    let caller = app.auth(&headers)?;
    let input = json_input(body).await?;
    let mut f = Fields::new(&input);
    let c = read_common(&mut f, true);
    let requested = f.opt_str("assetUID").filter(|s| !s.trim().is_empty());
    f.finish()?;
    let kind = if requested.is_some() {
        TaskType::UploadChangedAsset
    } else {
        TaskType::UploadAssets
    };
    let base = base_url(&headers, &app.local_base());
    create(
        &app,
        &caller,
        c,
        Spec {
            requested,
            ..Spec::new(kind)
        },
        &base,
    )
}

/// `POST task/refdoc_upload` `{projectUID, userUID, dueDate?, comment?}` → `Task`.
pub async fn refdoc_upload(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    let caller = app.auth(&headers)?;
    let input = json_input(body).await?;
    let mut f = Fields::new(&input);
    let c = read_common(&mut f, true);
    f.finish()?;
    let base = base_url(&headers, &app.local_base());
    create(&app, &caller, c, Spec::new(TaskType::UploadRefDocs), &base)
}

fn read_assets(f: &mut Fields<'_>) -> Vec<String> {
    let a = f.opt_str_list("assetUIDs").unwrap_or_default();
    if a.is_empty() {
        f.error("assetUIDs", "'assetUIDs' must not be empty.");
    }
    a
}

/// `POST task/review_asset` `{projectUID, userUID, assetUIDs, dueDate?, comment?}` → `Task`.
pub async fn review_asset(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    let caller = app.auth(&headers)?;
    let input = json_input(body).await?;
    let mut f = Fields::new(&input);
    let c = read_common(&mut f, true);
    let assets = read_assets(&mut f);
    f.finish()?;
    let base = base_url(&headers, &app.local_base());
    create(
        &app,
        &caller,
        c,
        Spec {
            asset_uids: assets,
            ..Spec::new(TaskType::ReviewAssets)
        },
        &base,
    )
}

/// `POST task/review_asset_ext` `{projectUID, email, assetUIDs, ...}` → `Task` with a
/// `reviewUrl` served by the emulator.
pub async fn review_asset_ext(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    let caller = app.auth(&headers)?;
    let input = json_input(body).await?;
    let mut f = Fields::new(&input);
    let c = read_common(&mut f, false);
    let email = f.req_str("email");
    if !email.is_empty() && !valid_email(&email) {
        f.error("email", "'email' is not a valid email address.");
    }
    f.max_len("email", Some(&email), 250);
    let assets = read_assets(&mut f);
    let password = f.opt_str("password");
    f.max_len("password", password.as_deref(), 100);
    let subject = f.opt_str("emailSubject");
    f.max_len("emailSubject", subject.as_deref(), 250);
    let language = f.opt_str("emailLanguage").filter(|l| !l.is_empty());
    let language = match language {
        None => "English".to_string(),
        Some(l) => match LANGUAGES.iter().find(|x| x.eq_ignore_ascii_case(&l)) {
            Some(x) => x.to_string(),
            None => {
                f.error(
                    "emailLanguage",
                    format!(
                        "'emailLanguage' must be one of {}; '{l}' is not.",
                        LANGUAGES.join(", ")
                    ),
                );
                l
            }
        },
    };
    let allow_download = f.opt_bool("isAllowDownloadAssets").unwrap_or(false);
    let read_only = f.opt_bool("isReadOnly").unwrap_or(false);
    f.finish()?;
    let options = json!({
        "hasPassword": password.as_deref().is_some_and(|p| !p.is_empty()),
        "emailSubject": subject,
        "emailLanguage": language,
        "isAllowDownloadAssets": allow_download,
        "isReadOnly": read_only,
    });
    let base = base_url(&headers, &app.local_base());
    create(
        &app,
        &caller,
        c,
        Spec {
            asset_uids: assets,
            email: Some(email),
            options,
            ..Spec::new(TaskType::ExternalReviewAssets)
        },
        &base,
    )
}

fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.trim().split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.contains(char::is_whitespace)
}

/// Ends a pending task with a status: updates the assets' review counts and emits
/// `task.completed` (plus `task.approved` / `task.rejected` for review decisions).
pub fn finish_task(
    app: &App,
    uid: &str,
    status: TaskStatus,
    comment: Option<String>,
) -> Result<(), ApiError> {
    let mut data = app.data.lock();
    let now = app.now();
    let Some(t) = data
        .tasks
        .iter_mut()
        .find(|t| t.uid.eq_ignore_ascii_case(uid))
    else {
        return Err(ApiError::not_found(TASK_NOT_FOUND));
    };
    if t.status != TaskStatus::Pending {
        return Err(ApiError::gone("Task is already completed."));
    }
    let project_uid = t.project_uid.clone();
    check_mutable(&data, &project_uid)?;
    let Some(t) = data
        .tasks
        .iter_mut()
        .find(|t| t.uid.eq_ignore_ascii_case(uid))
    else {
        return Err(ApiError::not_found(TASK_NOT_FOUND));
    };
    t.status = status;
    t.closed = Some(now);
    if let Some(c) = comment {
        t.comment = Some(c);
    }
    let t = t.clone();
    for a in data
        .assets
        .iter_mut()
        .filter(|a| t.asset_uids.contains(&a.uid))
    {
        match status {
            TaskStatus::Approved | TaskStatus::ApprovedWithChanges => a.approved += 1,
            TaskStatus::Rejected => a.rejected += 1,
            _ => {}
        }
    }
    let tj = data.task_json(&t, &app.local_base());
    let payload = json!({"TaskUID": t.uid, "Task": tj});
    emit_with_project(
        app,
        &data,
        "task.completed",
        &t.project_uid,
        payload.clone(),
    );
    match status {
        TaskStatus::Approved | TaskStatus::ApprovedWithChanges => {
            emit_with_project(app, &data, "task.approved", &t.project_uid, payload)
        }
        TaskStatus::Rejected => {
            emit_with_project(app, &data, "task.rejected", &t.project_uid, payload)
        }
        _ => {}
    }
    Ok(())
}

/// `PUT task/complete` `{taskUID, status?, comment?}`.
pub async fn complete(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    app.auth(&headers)?;
    let input = json_input(body).await?;
    let mut f = Fields::new(&input);
    let uid = f.req_str("taskUID");
    let status_raw = f.opt_str("status").filter(|s| !s.trim().is_empty());
    let comment = f.opt_str("comment");
    f.max_len("comment", comment.as_deref(), 2000);
    let status = match &status_raw {
        None => None,
        Some(s) => match TaskStatus::parse(s) {
            Some(st) if st != TaskStatus::Pending => Some(st),
            _ => {
                f.error(
                    "status",
                    format!("The value '{s}' is not valid for status."),
                );
                None
            }
        },
    };
    f.finish()?;
    let kind = {
        let data = app.data.lock();
        let t = data
            .task(&uid)
            .ok_or_else(|| ApiError::not_found(TASK_NOT_FOUND))?;
        if t.status != TaskStatus::Pending {
            return Err(ApiError::gone("Task is already completed."));
        }
        check_mutable(&data, &t.project_uid)?;
        t.kind
    };
    if matches!(
        kind,
        TaskType::ExternalReviewAssets
            | TaskType::ExternalReviewVideo
            | TaskType::UploadVideo
            | TaskType::ReviewVideo
    ) {
        return Err(ApiError::precondition(format!(
            "Tasks of type {} can't be completed manually.",
            kind.as_str()
        )));
    }
    let status = if kind.is_review() {
        match status {
            Some(
                s @ (TaskStatus::Approved | TaskStatus::Rejected | TaskStatus::ApprovedWithChanges),
            ) => s,
            // Which statuses apply depends on the stored task's type: a check against stored
            // data, so 412 (the documentation keeps 400 for the request's own form).
            _ => {
                return Err(ApiError::precondition(
                    "'status' must be Approved, Rejected or ApprovedWithChanges for review tasks.",
                ))
            }
        }
    } else {
        match status {
            None | Some(TaskStatus::Closed) => TaskStatus::Closed,
            Some(s) => {
                return Err(ApiError::precondition(format!(
                    "'status' {} is not valid for {} tasks (omit it).",
                    s.as_str(),
                    kind.as_str()
                )))
            }
        }
    };
    finish_task(&app, &uid, status, comment)?;
    let base = base_url(&headers, &app.local_base());
    let data = app.data.lock();
    let tj = data
        .task(&uid)
        .map(|t| data.task_json(t, &base))
        .unwrap_or(Value::Null);
    ok(PUT_OK, tj)
}
