//! Projects: `apst_project_*`.

use std::ffi::c_char;

use apst_core::api::{NewProject, ProjectQuery, ProjectUpdate};
use apst_core::models::ProjectState;
use serde::Deserialize;

use super::date;
use crate::args::{give_json, give_string, handle, out_arg, parse_object, str_arg};
use crate::boundary::boundary;
use crate::client::apst_client;
use crate::error::{apst_error, apst_result, FfiError};

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct QueryIn {
    #[serde(rename = "projectUID")]
    project_uid: Option<String>,
    states: Option<Vec<String>>,
    query: Option<String>,
    is_load_assets: Option<bool>,
    is_load_last_ver_assets: Option<bool>,
    is_load_tasks: Option<bool>,
    is_load_ref_docs: Option<bool>,
    is_load_metadata: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewProjectIn {
    #[serde(rename = "clientUID")]
    client_uid: Option<String>,
    project_name: String,
    customer: Option<String>,
    project: Option<String>,
    design: Option<String>,
    revision: Option<String>,
    description: Option<String>,
    tags: Option<Vec<String>>,
    due_date: Option<String>,
    #[serde(rename = "projectOwnersUIDS", alias = "projectOwnersUIDs")]
    project_owners_uids: Vec<String>,
    #[serde(rename = "templateUID")]
    template_uid: Option<String>,
    #[serde(rename = "folderUID")]
    folder_uid: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ProjectUpdateIn {
    #[serde(rename = "projectUID")]
    project_uid: String,
    project_name: Option<String>,
    customer: Option<String>,
    project: Option<String>,
    design: Option<String>,
    revision: Option<String>,
    description: Option<String>,
    tags: Option<Vec<String>>,
    due_date: Option<String>,
    #[serde(rename = "projectOwnersUIDS", alias = "projectOwnersUIDs")]
    project_owners_uids: Option<Vec<String>>,
    #[serde(rename = "templateUID")]
    template_uid: Option<String>,
    #[serde(rename = "folderUID")]
    folder_uid: Option<String>,
}

/// A project state given by name, as a `states` filter of a listing (any state the server
/// has, InTransit included); unknown names are rejected before anything is sent.
pub(crate) fn project_state(param: &str, s: &str) -> Result<ProjectState, FfiError> {
    match s.parse::<ProjectState>() {
        Ok(ProjectState::Other(_)) | Err(_) => Err(FfiError::invalid(format!(
            "`{param}`: unknown project state `{s}`; expected one of Active, OnHold, Completed, \
             Archived, InTransit"
        ))),
        Ok(st) => Ok(st),
    }
}

/// A project state to request (`apst_project_set_state`): InTransit is the server's own
/// passage while archiving or unarchiving and can't be requested, so it is not offered.
pub(crate) fn requested_state(param: &str, s: &str) -> Result<ProjectState, FfiError> {
    match s.parse::<ProjectState>() {
        Ok(ProjectState::InTransit) => Err(FfiError::invalid(format!(
            "`{param}`: `{s}` can't be requested (the server puts a project in transit while \
             it archives or unarchives it); expected one of Active, OnHold, Completed, Archived"
        ))),
        Ok(ProjectState::Other(_)) | Err(_) => Err(FfiError::invalid(format!(
            "`{param}`: unknown project state `{s}`; expected one of Active, OnHold, Completed, \
             Archived"
        ))),
        Ok(st) => Ok(st),
    }
}

fn query_from(q: QueryIn) -> Result<ProjectQuery, FfiError> {
    let mut out = ProjectQuery::new();
    out.project_uid = q.project_uid;
    if let Some(states) = q.states {
        out.states = states
            .iter()
            .map(|s| project_state("states", s))
            .collect::<Result<_, _>>()?;
    }
    out.query = q.query;
    out.load_assets = q.is_load_assets;
    out.load_last_version_assets = q.is_load_last_ver_assets;
    out.load_tasks = q.is_load_tasks;
    out.load_refdocs = q.is_load_ref_docs;
    out.load_metadata = q.is_load_metadata;
    Ok(out)
}

/// Lists projects (`GET project`). `query_json` may be NULL (server defaults: states
/// Active, OnHold, Completed), or an object with any of `projectUID`, `states` (array of
/// names), `query` (case-sensitive substring), `isLoadAssets`, `isLoadLastVerAssets`,
/// `isLoadTasks`, `isLoadRefDocs`, `isLoadMetadata`. `*out_json` receives a JSON array of
/// Project records.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_project_list(
    client: *const apst_client,
    query_json: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let q = crate::args::opt_str_arg(query_json, "query_json")?;
        let out = out_arg(out_json, "out_json")?;
        let q: QueryIn = match q {
            Some(s) => parse_object(s, "query_json")?,
            None => QueryIn::default(),
        };
        let projects = c.api().projects().list(query_from(q)?)?;
        give_json(out, &projects)
    })
}

/// Reads one project in any state (`GET project?ProjectUID=`), with its assets, tasks,
/// reference documents and metadata. `*out_json` receives a Project record. Unknown UID:
/// `APST_NOT_FOUND`.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_project_get(
    client: *const apst_client,
    project_uid: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(project_uid, "project_uid")?;
        let out = out_arg(out_json, "out_json")?;
        let q = ProjectQuery::new()
            .project_uid(uid)
            .load_assets(true)
            .load_tasks(true)
            .load_refdocs(true)
            .load_metadata(true);
        let p = c.api().projects().get_with(q)?;
        give_json(out, &p)
    })
}

/// Creates a project (`POST project`). `params_json`: `{"projectName": "...",
/// "projectOwnersUIDS": ["UID", ...], "clientUID"?, "customer"?, "project"?, "design"?,
/// "revision"?, "description"?, "tags"?: [...], "dueDate"?: "ISO 8601", "templateUID"?,
/// "folderUID"?}`. Documented limits are checked first (`APST_INVALID_INPUT` naming the
/// field). `*out_json` receives the created Project. Not retried once sent: a lost answer
/// is `APST_AMBIGUOUS`.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_project_create(
    client: *const apst_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let params = str_arg(params_json, "params_json")?;
        let out = out_arg(out_json, "out_json")?;
        let p: NewProjectIn = parse_object(params, "params_json")?;
        let mut np = NewProject::new(p.project_name, p.project_owners_uids);
        np.client_uid = p.client_uid;
        np.customer = p.customer;
        np.project = p.project;
        np.design = p.design;
        np.revision = p.revision;
        np.description = p.description;
        np.tags = p.tags.unwrap_or_default();
        np.due_date = date("dueDate", p.due_date)?;
        np.template_uid = p.template_uid;
        np.folder_uid = p.folder_uid;
        let created = c.api().projects().create(np)?;
        give_json(out, &created)
    })
}

/// Creates a project with just a name (the typed shortcut of `apst_project_create`):
/// `owner_uid` may be NULL to make the logged-in user the owner. `*out_project_uid`
/// receives the new project's UID.
///
/// Ownership: borrows the inputs; `*out_project_uid` is owned by the caller
/// (`apst_string_free`). Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_project_create_named(
    client: *const apst_client,
    project_name: *const c_char,
    owner_uid: *const c_char,
    out_project_uid: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let name = str_arg(project_name, "project_name")?;
        let owner = crate::args::opt_str_arg(owner_uid, "owner_uid")?;
        let out = out_arg(out_project_uid, "out_project_uid")?;
        let owner = match owner {
            Some(o) => crate::args::uid_arg(o, "owner_uid")?.to_owned(),
            None => c.api().users().logged_in()?.user_uid,
        };
        let created = c.api().projects().create(NewProject::new(name, [owner]))?;
        give_string(out, created.project_uid);
        Ok(())
    })
}

/// Edits a project (`PUT project`). `params_json`: `{"projectUID": "...", ...}` with any of
/// the fields of `apst_project_create` to change (`tags` and `projectOwnersUIDS` replace
/// the lists). `APST_NOT_ACCEPTABLE` when the project is Completed, Archived or InTransit.
/// `*out_json` receives the updated Project.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_project_update(
    client: *const apst_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let params = str_arg(params_json, "params_json")?;
        let out = out_arg(out_json, "out_json")?;
        let p: ProjectUpdateIn = parse_object(params, "params_json")?;
        let mut u = ProjectUpdate::new(p.project_uid);
        u.name = p.project_name;
        u.customer = p.customer;
        u.project = p.project;
        u.design = p.design;
        u.revision = p.revision;
        u.description = p.description;
        u.tags = p.tags;
        u.due_date = date("dueDate", p.due_date)?;
        u.owners = p.project_owners_uids;
        u.template_uid = p.template_uid;
        u.folder_uid = p.folder_uid;
        let updated = c.api().projects().update(u)?;
        give_json(out, &updated)
    })
}

/// Deletes a project (`DELETE project`); only Completed or Archived projects
/// (`APST_PRECONDITION_FAILED` otherwise).
///
/// Ownership: borrows the inputs. Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_project_delete(
    client: *const apst_client,
    project_uid: *const c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(project_uid, "project_uid")?;
        c.api().projects().delete(uid)?;
        Ok(())
    })
}

/// Gets the URL of the project's proof report, a PDF (`GET project/proofreport`).
/// `*out_url` receives the URL. To save the PDF, see `apst_project_proof_report_download`.
///
/// Ownership: borrows the inputs; `*out_url` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_project_proof_report(
    client: *const apst_client,
    project_uid: *const c_char,
    out_url: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(project_uid, "project_uid")?;
        let out = out_arg(out_url, "out_url")?;
        let url = c.api().projects().proof_report_url(uid)?;
        give_string(out, url);
        Ok(())
    })
}

/// Downloads the project's proof report (PDF) to `target_path` (a file, or an existing
/// directory to use the server's file name), atomically: a failed or cancelled download
/// leaves no file under the target name. `progress`, `progress_userdata` and `out_path` may
/// be NULL; the callback runs on the calling thread and non-zero cancels.
///
/// Ownership: borrows the inputs; `*out_path` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_project_proof_report_download(
    client: *const apst_client,
    project_uid: *const c_char,
    target_path: *const c_char,
    progress: crate::progress::apst_progress_callback,
    progress_userdata: *mut std::ffi::c_void,
    out_path: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        super::download_export(
            client,
            project_uid,
            "project_uid",
            target_path,
            progress,
            progress_userdata,
            out_path,
            |c, uid, d| c.projects().download_proof_report(uid, d),
        )
    })
}

/// Changes a project's state (`PUT project/state`). `state` is one of `"Active"`,
/// `"OnHold"`, `"Completed"`, `"Archived"` (case-insensitive); `"InTransit"` can't be
/// requested and, like an unknown name, gives `APST_INVALID_INPUT` before anything is sent. `APST_NOT_ACCEPTABLE` when
/// already in that state. Completed deletes the project's tasks and makes it read-only.
///
/// Ownership: borrows the inputs. Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_project_set_state(
    client: *const apst_client,
    project_uid: *const c_char,
    state: *const c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(project_uid, "project_uid")?;
        let st = str_arg(state, "state")?;
        let st = requested_state("state", st)?;
        c.api().projects().set_state(uid, st)?;
        Ok(())
    })
}

/// Reads a project's state as text (`"Active"`, `"OnHold"`, `"Completed"`, `"Archived"`,
/// `"InTransit"`, or a newer name the server sends) into `*out_state`.
///
/// Ownership: borrows the inputs; `*out_state` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_project_get_state(
    client: *const apst_client,
    project_uid: *const c_char,
    out_state: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(project_uid, "project_uid")?;
        let out = out_arg(out_state, "out_state")?;
        let p = c.api().projects().get(uid)?;
        let state = p
            .state
            .as_ref()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default();
        give_string(out, state);
        Ok(())
    })
}

/// Reads a project's metadata (`GET project/meta`): `*out_json` receives
/// `[{"key": "...", "value": "..."}, ...]`.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_project_meta_list(
    client: *const apst_client,
    project_uid: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(project_uid, "project_uid")?;
        let out = out_arg(out_json, "out_json")?;
        let m = c.api().projects().meta(uid)?;
        give_json(out, &m)
    })
}

/// Sets (inserts or replaces) a metadata entry of a project (`POST project/meta`). `key`:
/// 1 to 256 characters; `value`: at most 1,000,000 characters.
///
/// Ownership: borrows the inputs. Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_project_meta_set(
    client: *const apst_client,
    project_uid: *const c_char,
    key: *const c_char,
    value: *const c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(project_uid, "project_uid")?;
        let key = str_arg(key, "key")?;
        let value = str_arg(value, "value")?;
        c.api().projects().set_meta(uid, key, value)?;
        Ok(())
    })
}

/// Removes a metadata entry of a project (`DELETE project/meta`). `key`: 1 to 256
/// characters (it travels in the URL).
///
/// Ownership: borrows the inputs. Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_project_meta_delete(
    client: *const apst_client,
    project_uid: *const c_char,
    key: *const c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(project_uid, "project_uid")?;
        let key = str_arg(key, "key")?;
        c.api().projects().delete_meta(uid, key)?;
        Ok(())
    })
}

/// Moves a project to a kanban column (`POST project/kanban/column`); column UIDs come from
/// `apst_user_list`. `APST_NOT_ACCEPTABLE` when the project is Completed or Archived.
///
/// Ownership: borrows the inputs. Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_project_move_to_kanban_column(
    client: *const apst_client,
    project_uid: *const c_char,
    kanban_column_uid: *const c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(project_uid, "project_uid")?;
        let col = str_arg(kanban_column_uid, "kanban_column_uid")?;
        c.api().projects().move_to_kanban_column(uid, col)?;
        Ok(())
    })
}

/// Moves a project to a folder (`POST project/folder`); folder UIDs come from
/// `apst_user_list`. `APST_NOT_ACCEPTABLE` when the project is Completed or Archived.
///
/// Ownership: borrows the inputs. Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_project_move_to_folder(
    client: *const apst_client,
    project_uid: *const c_char,
    folder_uid: *const c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(project_uid, "project_uid")?;
        let folder = str_arg(folder_uid, "folder_uid")?;
        c.api().projects().move_to_folder(uid, folder)?;
        Ok(())
    })
}
