//! Projects: list, create, edit, delete, state, metadata, kanban column and folder moves,
//! proof report.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{json, Value};

use super::{emit_with_project, DELETE_OK, GET_OK, POST_OK, PUT_OK};
use crate::app::{change_project_state, App};
use crate::http::{base_url, json_input, ok, ok_empty, ApiError, ApiResult, Fields, Input};
use crate::state::{new_uid, Data, Project, ProjectState, TaskStatus};

/// 404 message for an unknown project (`DELETE project`, proof report, state, metadata, list).
pub const PROJECT_NOT_FOUND: &str = "Project not found.";
/// 404 message of `PUT project` for an unknown project (the documentation's envelope).
pub const EDIT_PROJECT_NOT_FOUND: &str = "Project not found or already deleted.";
/// 404 message of the kanban column and folder moves for an unknown project (documented).
pub const MOVE_PROJECT_NOT_FOUND: &str = "Project with the given UID not found.";
/// 406 message for writes to a Completed, Archived or InTransit project: `PUT project`'s
/// documented text, used by every operation that would change such a project's content
/// (docs/API-NOTES.md, "Read-only projects").
pub const NOT_MUTABLE: &str = "Project editing is possible only when the project is Active or OnHold. Completed, Archived or InTransit projects are not mutable. Please see PUT /api/v1/project/state.";
/// 406 message for kanban/folder moves of a closed project (verbatim, with the
/// documentation's typographic apostrophe).
pub const CANT_EDIT_CLOSED: &str = "Can\u{2019}t edit completed or archived projects.";
/// 404 message for an unknown folder.
pub const FOLDER_NOT_FOUND: &str = "Folder with the given UID not available for this project.";

/// Editable project attributes after validation.
#[derive(Default)]
struct ProjectInput {
    name: Option<String>,
    customer: Option<Option<String>>,
    project: Option<Option<String>>,
    design: Option<Option<String>>,
    revision: Option<Option<String>>,
    description: Option<Option<String>>,
    tags: Option<Vec<String>>,
    due_date: Option<Option<chrono::DateTime<chrono::Utc>>>,
    owners: Option<Vec<String>>,
    template_uid: Option<String>,
    folder_uid: Option<String>,
    client_uid: Option<String>,
}

fn read_project_fields(f: &mut Fields<'_>, creating: bool) -> ProjectInput {
    // projectName and projectOwnersUIDS are mandatory for create and edit alike; the other
    // fields are optional (absent on edit = unchanged).
    let mut out = ProjectInput::default();
    let n = f.req_str("projectName");
    f.max_len("projectName", Some(&n), 250);
    out.name = Some(n);
    for (field, max) in [
        ("customer", 50),
        ("project", 50),
        ("design", 50),
        ("revision", 50),
        ("description", 200),
    ] {
        let present = f.raw(field).is_some();
        let v = f.opt_str(field);
        f.max_len(field, v.as_deref(), max);
        let slot = match field {
            "customer" => &mut out.customer,
            "project" => &mut out.project,
            "design" => &mut out.design,
            "revision" => &mut out.revision,
            _ => &mut out.description,
        };
        if present || creating {
            *slot = Some(v);
        }
    }
    if let Some(tags) = f.opt_str_list("tags") {
        if tags.len() > 20 {
            f.error(
                "tags",
                format!(
                    "'tags' must contain at most 20 items. You entered {} items.",
                    tags.len()
                ),
            );
        }
        for t in &tags {
            if t.chars().count() > 25 {
                f.error("tags", format!("The length of a tag must be 25 characters or fewer. You entered {} characters ('{t}').", t.chars().count()));
            } else if t.trim().is_empty() {
                f.error("tags", "A tag must not be empty.");
            }
        }
        out.tags = Some(tags);
    }
    if f.raw("dueDate").is_some() || creating {
        out.due_date = Some(f.opt_date("dueDate"));
    }
    let owners = f.opt_str_list("projectOwnersUIDS");
    match &owners {
        None => f.error(
            "projectOwnersUIDS",
            "'projectOwnersUIDS' must not be empty.",
        ),
        Some(o) if o.is_empty() => f.error(
            "projectOwnersUIDS",
            "'projectOwnersUIDS' must not be empty.",
        ),
        Some(o) if o.len() > 20 => f.error(
            "projectOwnersUIDS",
            format!(
                "'projectOwnersUIDS' must contain at most 20 items. You entered {} items.",
                o.len()
            ),
        ),
        Some(o) if o.iter().any(|u| crate::http::is_blank(u)) => f.error(
            "projectOwnersUIDS",
            "'projectOwnersUIDS' must not contain empty UIDs.",
        ),
        _ => {}
    }
    out.owners = owners;
    out.template_uid = f.opt_str("templateUID").filter(|s| !s.is_empty());
    out.folder_uid = f.opt_str("folderUID").filter(|s| !s.is_empty());
    out.client_uid = f.opt_str("clientUID").filter(|s| !s.is_empty());
    out
}

fn check_refs(data: &Data, p: &ProjectInput) -> Result<(), ApiError> {
    if let Some(c) = &p.client_uid {
        if !c.eq_ignore_ascii_case(&data.client_uid) {
            return Err(ApiError::precondition(format!(
                "Client with the UID [{c}] not available."
            )));
        }
    }
    if let Some(owners) = &p.owners {
        for o in owners {
            if data.user(o).is_none_or(|u| u.lite) {
                return Err(ApiError::precondition(format!(
                    "Project owner with the UID [{o}] not available."
                )));
            }
        }
    }
    if let Some(t) = &p.template_uid {
        if !data.templates.iter().any(|x| x.uid.eq_ignore_ascii_case(t)) {
            return Err(ApiError::not_found(
                "Template with the given UID not available.",
            ));
        }
    }
    if let Some(fd) = &p.folder_uid {
        if !data.folders.iter().any(|x| x.uid.eq_ignore_ascii_case(fd)) {
            return Err(ApiError::not_found(FOLDER_NOT_FOUND));
        }
    }
    Ok(())
}

fn canonical_owners(data: &Data, owners: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for o in owners {
        if let Some(u) = data.user(o) {
            if !out.contains(&u.uid) {
                out.push(u.uid.clone());
            }
        }
    }
    out
}

/// A project with the requested child collections.
fn project_full(data: &Data, p: &Project, base: &str, opts: &ListOptions) -> Value {
    let mut v = data.project_json(p);
    let Some(m) = v.as_object_mut() else { return v };
    if opts.assets {
        let mut assets: Vec<&crate::state::Asset> = data
            .assets
            .iter()
            .filter(|a| a.project_uid == p.uid)
            .collect();
        if opts.last_version_only {
            assets.retain(|a| {
                !data
                    .assets
                    .iter()
                    .any(|b| b.group == a.group && b.version > a.version)
            });
        }
        m.insert(
            "assets".into(),
            Value::Array(assets.iter().map(|a| data.asset_json(a, base)).collect()),
        );
    }
    if opts.tasks {
        let tasks = data
            .tasks
            .iter()
            .filter(|t| t.project_uid == p.uid && t.status == TaskStatus::Pending)
            .map(|t| data.task_json(t, base))
            .collect();
        m.insert("tasks".into(), Value::Array(tasks));
    }
    if opts.refdocs {
        let docs = data
            .refdocs
            .iter()
            .filter(|r| r.project_uid == p.uid)
            .map(|r| data.refdoc_json(r, base))
            .collect();
        m.insert("refDocs".into(), Value::Array(docs));
    }
    if opts.metadata {
        m.insert("metadata".into(), meta_json(p));
    }
    v
}

fn meta_json(p: &Project) -> Value {
    Value::Array(
        p.metadata
            .iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect(),
    )
}

struct ListOptions {
    assets: bool,
    last_version_only: bool,
    tasks: bool,
    refdocs: bool,
    metadata: bool,
}

/// `GET project`.
pub async fn list(State(app): State<App>, headers: HeaderMap, RawQuery(q): RawQuery) -> ApiResult {
    app.auth(&headers)?;
    let input = Input::from_query(q.as_deref());
    let mut f = Fields::new(&input);
    let uid = f.opt_str("ProjectUID").filter(|s| !s.trim().is_empty());
    let states_raw = f.opt_str("States").filter(|s| !s.trim().is_empty());
    let query = f.opt_str("Query").filter(|s| !s.is_empty());
    let opts = ListOptions {
        assets: f.opt_bool("IsLoadAssets").unwrap_or(false),
        last_version_only: f.opt_bool("IsLoadLastVerAssets").unwrap_or(true),
        tasks: f.opt_bool("IsLoadTasks").unwrap_or(false),
        refdocs: f.opt_bool("IsLoadRefDocs").unwrap_or(false),
        metadata: f.opt_bool("IsLoadMetadata").unwrap_or(false),
    };
    let mut states = Vec::new();
    if let Some(s) = &states_raw {
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match ProjectState::parse(part) {
                Some(st) => states.push(st),
                None => f.error(
                    "States",
                    format!("The value '{part}' is not valid for States."),
                ),
            }
        }
    }
    f.finish()?;
    let explicit_states = !states.is_empty();
    if !explicit_states {
        states = vec![
            ProjectState::Active,
            ProjectState::OnHold,
            ProjectState::Completed,
        ];
    }
    let base = base_url(&headers, &app.local_base());
    let data = app.data.lock();
    if let Some(uid) = &uid {
        if data.project(uid).is_none() {
            return Err(ApiError::not_found(PROJECT_NOT_FOUND));
        }
    }
    let matches_query = |p: &Project| -> bool {
        let Some(q) = &query else { return true };
        p.name.contains(q.as_str())
            || [
                &p.customer,
                &p.project,
                &p.design,
                &p.revision,
                &p.description,
            ]
            .iter()
            .any(|f| f.as_deref().is_some_and(|s| s.contains(q.as_str())))
            || p.tags.iter().any(|t| t.contains(q.as_str()))
    };
    let out: Vec<Value> = data
        .projects
        .iter()
        .filter(|p| match &uid {
            Some(u) => {
                p.uid.eq_ignore_ascii_case(u) && (!explicit_states || states.contains(&p.state))
            }
            None => states.contains(&p.state),
        })
        .filter(|p| matches_query(p))
        .map(|p| project_full(&data, p, &base, &opts))
        .collect();
    ok(GET_OK, Value::Array(out))
}

/// `POST project` → the created project.
pub async fn create(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    let user = app.auth(&headers)?;
    let input = json_input(body).await?;
    let mut f = Fields::new(&input);
    let pi = read_project_fields(&mut f, true);
    f.finish()?;
    let mut data = app.data.lock();
    check_refs(&data, &pi)?;
    let owners = canonical_owners(&data, pi.owners.as_deref().unwrap_or(&[]));
    let p = Project {
        uid: new_uid(),
        name: pi.name.unwrap_or_default(),
        customer: pi.customer.flatten(),
        project: pi.project.flatten(),
        design: pi.design.flatten(),
        revision: pi.revision.flatten(),
        description: pi.description.flatten(),
        tags: pi.tags.unwrap_or_default(),
        due_date: pi.due_date.flatten(),
        owners,
        state: ProjectState::Active,
        template_uid: pi.template_uid.and_then(|t| {
            data.templates
                .iter()
                .find(|x| x.uid.eq_ignore_ascii_case(&t))
                .map(|x| x.uid.clone())
        }),
        folder_uid: pi.folder_uid.and_then(|t| {
            data.folders
                .iter()
                .find(|x| x.uid.eq_ignore_ascii_case(&t))
                .map(|x| x.uid.clone())
        }),
        kanban_column_uid: data.columns.first().map(|c| c.uid.clone()),
        created: app.now(),
        metadata: Vec::new(),
    };
    let _ = user;
    let uid = p.uid.clone();
    let name = p.name.clone();
    data.projects.push(p);
    let pj = data
        .project(&uid)
        .map(|p| data.project_json(p))
        .unwrap_or_default();
    emit_with_project(&app, &data, "project.created", &uid, json!({"Name": name}));
    ok(POST_OK, pj)
}

/// `PUT project` → the edited project.
pub async fn update(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    app.auth(&headers)?;
    let input = json_input(body).await?;
    let mut f = Fields::new(&input);
    let uid = f.req_str("projectUID");
    let pi = read_project_fields(&mut f, false);
    f.finish()?;
    let mut data = app.data.lock();
    let state = data
        .project(&uid)
        .map(|p| p.state)
        .ok_or_else(|| ApiError::not_found(EDIT_PROJECT_NOT_FOUND))?;
    if !state.is_open() {
        return Err(ApiError::not_acceptable(NOT_MUTABLE));
    }
    check_refs(&data, &pi)?;
    let owners = pi.owners.as_ref().map(|o| canonical_owners(&data, o));
    let folder = pi.folder_uid.as_ref().and_then(|t| {
        data.folders
            .iter()
            .find(|x| x.uid.eq_ignore_ascii_case(t))
            .map(|x| x.uid.clone())
    });
    let template = pi.template_uid.as_ref().and_then(|t| {
        data.templates
            .iter()
            .find(|x| x.uid.eq_ignore_ascii_case(t))
            .map(|x| x.uid.clone())
    });
    let Some(p) = data.project_mut(&uid) else {
        return Err(ApiError::not_found(EDIT_PROJECT_NOT_FOUND));
    };
    let mut changes: Vec<(&str, Value)> = Vec::new();
    if let Some(n) = pi.name {
        if n != p.name {
            changes.push(("Name", json!(n)));
            p.name = n;
        }
    }
    for (attr, newv, slot) in [
        ("Customer", pi.customer, &mut p.customer),
        ("Project", pi.project, &mut p.project),
        ("Design", pi.design, &mut p.design),
        ("Revision", pi.revision, &mut p.revision),
        ("Description", pi.description, &mut p.description),
    ] {
        if let Some(v) = newv {
            if v != *slot {
                changes.push((attr, json!(v)));
                *slot = v;
            }
        }
    }
    if let Some(t) = pi.tags {
        if t != p.tags {
            changes.push(("Tags", json!(t)));
            p.tags = t;
        }
    }
    if let Some(d) = pi.due_date {
        if d != p.due_date {
            changes.push(("DueDate", json!(d.as_ref().map(crate::state::fmt_date))));
            p.due_date = d;
        }
    }
    if let Some(o) = owners {
        if o != p.owners {
            changes.push(("ProjectOwners", json!(o)));
            p.owners = o;
        }
    }
    if folder.is_some() {
        p.folder_uid = folder;
    }
    if template.is_some() {
        p.template_uid = template;
    }
    let uid = p.uid.clone();
    for (attr, value) in changes {
        emit_with_project(
            &app,
            &data,
            "project.edited",
            &uid,
            json!({"Attribute": attr, "Value": value}),
        );
    }
    let pj = data
        .project(&uid)
        .map(|p| data.project_json(p))
        .unwrap_or_default();
    ok(PUT_OK, pj)
}

fn query_uid(q: &Option<String>, name: &str) -> Result<String, ApiError> {
    let input = Input::from_query(q.as_deref());
    let mut f = Fields::new(&input);
    let uid = f.req_str(name);
    f.finish()?;
    Ok(uid)
}

/// `DELETE project` `?ProjectUID`.
pub async fn delete(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    app.auth(&headers)?;
    let uid = query_uid(&q, "ProjectUID")?;
    let mut files = Vec::new();
    {
        let mut data = app.data.lock();
        let p = data
            .project(&uid)
            .ok_or_else(|| ApiError::not_found(PROJECT_NOT_FOUND))?;
        if !matches!(p.state, ProjectState::Completed | ProjectState::Archived) {
            return Err(ApiError::precondition(
                "Project must be either Completed or Archived to be deleted.",
            ));
        }
        let uid = p.uid.clone();
        let asset_uids: Vec<String> = data
            .assets
            .iter()
            .filter(|a| a.project_uid == uid)
            .map(|a| a.uid.clone())
            .collect();
        for a in data.assets.iter().filter(|a| a.project_uid == uid) {
            files.push(a.path.clone());
            files.extend(a.thumb.clone());
            files.extend(a.bitmap.clone());
        }
        for r in data.refdocs.iter().filter(|r| r.project_uid == uid) {
            files.extend(r.path.clone());
        }
        data.assets.retain(|a| a.project_uid != uid);
        data.refdocs.retain(|r| r.project_uid != uid);
        data.tasks.retain(|t| t.project_uid != uid);
        data.annotations
            .retain(|a| !asset_uids.contains(&a.asset_uid));
        data.projects.retain(|p| p.uid != uid);
    }
    for f in files {
        let _ = tokio::fs::remove_file(f).await;
    }
    ok_empty(DELETE_OK)
}

/// `PUT project/state` `{projectUID, state}`.
pub async fn set_state(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    app.auth(&headers)?;
    let input = json_input(body).await?;
    let mut f = Fields::new(&input);
    let uid = f.req_str("projectUID");
    let state_raw = f.req_str("state");
    let mut target = None;
    if !state_raw.is_empty() {
        match ProjectState::parse(&state_raw) {
            Some(ProjectState::InTransit) => f.error("state", "'state' can't be InTransit: the service sets it itself while archiving or unarchiving."),
            Some(s) => target = Some(s),
            None => f.error("state", format!("The value '{state_raw}' is not valid for state.")),
        }
    }
    f.finish()?;
    let Some(target) = target else {
        return Err(ApiError::field("state", "'state' must not be empty."));
    };
    {
        let data = app.data.lock();
        let p = data
            .project(&uid)
            .ok_or_else(|| ApiError::not_found(PROJECT_NOT_FOUND))?;
        if p.state == target {
            // The documentation shows an HTTP 406 whose body says 412: reproduced.
            return Err(ApiError::Envelope(
                StatusCode::NOT_ACCEPTABLE,
                412,
                format!("Project already has state {}.", target.as_str()),
            ));
        }
        if p.state == ProjectState::InTransit {
            return Err(ApiError::not_acceptable(
                "Project is InTransit; its state can be changed when it settles.",
            ));
        }
    }
    change_project_state(&app, &uid, target)
        .ok_or_else(|| ApiError::not_found(PROJECT_NOT_FOUND))?;
    let data = app.data.lock();
    let pj = data
        .project(&uid)
        .map(|p| data.project_json(p))
        .unwrap_or_default();
    ok("Project state changed.", pj)
}

/// `GET project/meta` `?ProjectUID` → `[{key, value}]`.
pub async fn meta_get(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    app.auth(&headers)?;
    let uid = query_uid(&q, "ProjectUID")?;
    let data = app.data.lock();
    let p = data
        .project(&uid)
        .ok_or_else(|| ApiError::not_found(PROJECT_NOT_FOUND))?;
    ok(GET_OK, meta_json(p))
}

/// `POST project/meta` `{projectUID, key, value}` (upsert) → `[{key, value}]`.
pub async fn meta_set(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    app.auth(&headers)?;
    let input = json_input(body).await?;
    let mut f = Fields::new(&input);
    let uid = f.req_str("projectUID");
    let key = f.req_str("key");
    f.max_len("key", Some(&key), 256);
    let value = f.opt_str("value");
    if value.is_none() {
        f.error("value", "'value' must not be null.");
    }
    f.max_len("value", value.as_deref(), 1_000_000);
    f.finish()?;
    let value = value.unwrap_or_default();
    let mut data = app.data.lock();
    let p = data
        .project_mut(&uid)
        .ok_or_else(|| ApiError::not_found(PROJECT_NOT_FOUND))?;
    if !p.state.is_open() {
        return Err(ApiError::not_acceptable(NOT_MUTABLE));
    }
    match p.metadata.iter_mut().find(|(k, _)| *k == key) {
        Some(entry) => entry.1 = value,
        None => p.metadata.push((key, value)),
    }
    ok(POST_OK, meta_json(p))
}

/// `DELETE project/meta` `?ProjectUID&Key`.
pub async fn meta_delete(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    app.auth(&headers)?;
    let input = Input::from_query(q.as_deref());
    let mut f = Fields::new(&input);
    let uid = f.req_str("ProjectUID");
    let key = f.req_str("Key");
    f.finish()?;
    let mut data = app.data.lock();
    let p = data
        .project_mut(&uid)
        .ok_or_else(|| ApiError::not_found(PROJECT_NOT_FOUND))?;
    if !p.state.is_open() {
        return Err(ApiError::not_acceptable(NOT_MUTABLE));
    }
    let n = p.metadata.len();
    p.metadata.retain(|(k, _)| *k != key);
    if p.metadata.len() == n {
        return Err(ApiError::not_found("Metadata key not found."));
    }
    ok(DELETE_OK, meta_json(p))
}

/// `POST project/kanban/column` `{projectUID, kanbanColumnUID}`.
pub async fn kanban_column(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    app.auth(&headers)?;
    let input = json_input(body).await?;
    let mut f = Fields::new(&input);
    let uid = f.req_str("projectUID");
    let col = f.req_str("kanbanColumnUID");
    f.finish()?;
    let mut data = app.data.lock();
    let state = data
        .project(&uid)
        .map(|p| p.state)
        .ok_or_else(|| ApiError::not_found(MOVE_PROJECT_NOT_FOUND))?;
    let col = data
        .columns
        .iter()
        .find(|c| c.uid.eq_ignore_ascii_case(&col))
        .map(|c| c.uid.clone())
        .ok_or_else(|| {
            ApiError::not_found("Kanban column with the given UID not available for this project.")
        })?;
    if !state.is_open() {
        return Err(ApiError::not_acceptable(CANT_EDIT_CLOSED));
    }
    if let Some(p) = data.project_mut(&uid) {
        p.kanban_column_uid = Some(col);
    }
    let pj = data
        .project(&uid)
        .map(|p| data.project_json(p))
        .unwrap_or_default();
    ok("Project moved to the kanban column.", pj)
}

/// `POST project/folder` `{projectUID, folderUID}`.
pub async fn folder(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    app.auth(&headers)?;
    let input = json_input(body).await?;
    let mut f = Fields::new(&input);
    let uid = f.req_str("projectUID");
    let folder = f.req_str("folderUID");
    f.finish()?;
    let mut data = app.data.lock();
    let state = data
        .project(&uid)
        .map(|p| p.state)
        .ok_or_else(|| ApiError::not_found(MOVE_PROJECT_NOT_FOUND))?;
    let folder = data
        .folders
        .iter()
        .find(|c| c.uid.eq_ignore_ascii_case(&folder))
        .map(|c| c.uid.clone())
        .ok_or_else(|| ApiError::not_found(FOLDER_NOT_FOUND))?;
    if !state.is_open() {
        return Err(ApiError::not_acceptable(CANT_EDIT_CLOSED));
    }
    if let Some(p) = data.project_mut(&uid) {
        p.folder_uid = Some(folder);
    }
    let pj = data
        .project(&uid)
        .map(|p| data.project_json(p))
        .unwrap_or_default();
    ok("Project moved to the folder.", pj)
}

/// `GET project/proofreport` `?ProjectUID` → `{downloadURL}` of a PDF 1.4 report.
pub async fn proofreport(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    app.auth(&headers)?;
    let uid = query_uid(&q, "ProjectUID")?;
    let base = base_url(&headers, &app.local_base());
    let (pdf, name) = {
        let data = app.data.lock();
        let p = data
            .project(&uid)
            .ok_or_else(|| ApiError::not_found(PROJECT_NOT_FOUND))?;
        (
            crate::pdf::project_report(&data, p, app.now()),
            format!("proof-report-{}.pdf", p.uid),
        )
    };
    let id = crate::files::store_report(&app, pdf, name).await?;
    ok(
        GET_OK,
        json!({"downloadURL": format!("{base}/files/report/{id}")}),
    )
}
