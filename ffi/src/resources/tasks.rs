//! Tasks: `apst_task_*`.

use std::ffi::c_char;

use apst_core::api::{NewExternalReviewTask, NewReviewTask, NewTask, TaskCompletion};
use apst_core::models::{EmailLanguage, TaskStatus, TaskType};
use serde::Deserialize;

use super::date;
use crate::args::{give_json, handle, opt_str_arg, out_arg, parse_object, str_arg};
use crate::boundary::boundary;
use crate::client::apst_client;
use crate::error::{apst_error, apst_result, FfiError};

fn task_type(s: &str) -> Result<TaskType, FfiError> {
    match s.trim().parse::<TaskType>() {
        Ok(TaskType::Other(_)) | Err(_) => Err(FfiError::invalid(format!(
            "`types`: unknown task type `{s}`; expected UploadAssets, UploadRefDocs, \
             ReviewAssets, ExternalReviewAssets, UploadChangedAsset, UploadVideo, \
             ExternalReviewVideo or ReviewVideo"
        ))),
        Ok(t) => Ok(t),
    }
}

fn task_status(s: &str) -> Result<TaskStatus, FfiError> {
    match s.parse::<TaskStatus>() {
        Ok(TaskStatus::Approved) => Ok(TaskStatus::Approved),
        Ok(TaskStatus::Rejected) => Ok(TaskStatus::Rejected),
        Ok(TaskStatus::ApprovedWithChanges) => Ok(TaskStatus::ApprovedWithChanges),
        _ => Err(FfiError::invalid(format!(
            "`status`: unknown completion status `{s}`; expected Approved, Rejected or \
             ApprovedWithChanges (or NULL for upload tasks)"
        ))),
    }
}

pub(crate) fn email_language(s: &str) -> Result<EmailLanguage, FfiError> {
    match s.parse::<EmailLanguage>() {
        Ok(EmailLanguage::Other(_)) | Err(_) => Err(FfiError::invalid(format!(
            "`emailLanguage`: unknown language `{s}`; expected English, German, French, \
             Polish, Spanish, Hebrew or Ukrainian"
        ))),
        Ok(l) => Ok(l),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewTaskIn {
    #[serde(rename = "projectUID")]
    project_uid: String,
    #[serde(rename = "userUID")]
    user_uid: String,
    due_date: Option<String>,
    comment: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewReviewTaskIn {
    #[serde(rename = "projectUID")]
    project_uid: String,
    #[serde(rename = "userUID")]
    user_uid: String,
    #[serde(rename = "assetUIDs")]
    asset_uids: Vec<String>,
    due_date: Option<String>,
    comment: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewExtReviewIn {
    #[serde(rename = "projectUID")]
    project_uid: String,
    email: String,
    #[serde(rename = "assetUIDs")]
    asset_uids: Vec<String>,
    due_date: Option<String>,
    password: Option<String>,
    email_subject: Option<String>,
    email_language: Option<String>,
    comment: Option<String>,
    is_allow_download_assets: Option<bool>,
    is_read_only: Option<bool>,
}

/// Lists the tasks assigned to the caller (`GET task/all`). `types` may be NULL or empty
/// (all types) or a comma-separated list of task types (`"ReviewAssets,UploadAssets"`); an
/// unknown type gives `APST_INVALID_INPUT`. `*out_json` receives a JSON array of Task
/// records.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_task_list(
    client: *const apst_client,
    types: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let types = opt_str_arg(types, "types")?;
        let out = out_arg(out_json, "out_json")?;
        let types: Vec<TaskType> = match types {
            Some(t) if !t.trim().is_empty() => {
                t.split(',').map(task_type).collect::<Result<_, _>>()?
            }
            _ => Vec::new(),
        };
        let tasks = c.api().tasks().list(&types)?;
        give_json(out, &tasks)
    })
}

/// Reads a task (`GET task`): `*out_json` receives a Task record (`taskUID`, `type`,
/// `status`, `reviewUrl`, ...).
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_task_get(
    client: *const apst_client,
    task_uid: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(task_uid, "task_uid")?;
        let out = out_arg(out_json, "out_json")?;
        let t = c.api().tasks().get(uid)?;
        give_json(out, &t)
    })
}

/// Reads a task's status as text (`"Pending"`, `"Closed"`, `"Approved"`, `"Rejected"`,
/// `"ApprovedWithChanges"`) into `*out_status`.
///
/// Ownership: borrows the inputs; `*out_status` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_task_get_status(
    client: *const apst_client,
    task_uid: *const c_char,
    out_status: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(task_uid, "task_uid")?;
        let out = out_arg(out_status, "out_status")?;
        let t = c.api().tasks().get(uid)?;
        let s = t
            .status
            .as_ref()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default();
        crate::args::give_string(out, s);
        Ok(())
    })
}

/// Deletes a task (`DELETE task`).
///
/// Ownership: borrows the inputs. Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_task_delete(
    client: *const apst_client,
    task_uid: *const c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(task_uid, "task_uid")?;
        c.api().tasks().delete(uid)?;
        Ok(())
    })
}

fn new_task(p: NewTaskIn) -> Result<NewTask, FfiError> {
    let mut t = NewTask::new(p.project_uid, p.user_uid);
    t.due_date = date("dueDate", p.due_date)?;
    t.comment = p.comment;
    Ok(t)
}

/// Asks a user to upload assets (`POST task/asset_upload`). `params_json`:
/// `{"projectUID", "userUID", "dueDate"?, "comment"?}`. `*out_json` receives the Task.
/// `APST_PRECONDITION_FAILED` when the project is not Active/OnHold or the user is unknown.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_task_asset_upload(
    client: *const apst_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let params = str_arg(params_json, "params_json")?;
        let out = out_arg(out_json, "out_json")?;
        let t = new_task(parse_object(params, "params_json")?)?;
        let task = c.api().tasks().asset_upload(t)?;
        give_json(out, &task)
    })
}

/// Asks a user to upload reference documents (`POST task/refdoc_upload`). `params_json`:
/// `{"projectUID", "userUID", "dueDate"?, "comment"?}`. `*out_json` receives the Task.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_task_refdoc_upload(
    client: *const apst_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let params = str_arg(params_json, "params_json")?;
        let out = out_arg(out_json, "out_json")?;
        let t = new_task(parse_object(params, "params_json")?)?;
        let task = c.api().tasks().refdoc_upload(t)?;
        give_json(out, &task)
    })
}

/// Asks a user of the tenant to review assets (`POST task/review_asset`). `params_json`:
/// `{"projectUID", "userUID", "assetUIDs": [...], "dueDate"?, "comment"?}`. `*out_json`
/// receives the Task (with its `reviewUrl`).
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_task_review_asset(
    client: *const apst_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let params = str_arg(params_json, "params_json")?;
        let out = out_arg(out_json, "out_json")?;
        let p: NewReviewTaskIn = parse_object(params, "params_json")?;
        let mut t = NewReviewTask::new(p.project_uid, p.user_uid, p.asset_uids);
        t.due_date = date("dueDate", p.due_date)?;
        t.comment = p.comment;
        let task = c.api().tasks().review_asset(t)?;
        give_json(out, &task)
    })
}

/// Sends assets for external review by e-mail (`POST task/review_asset_ext`).
/// `params_json`: `{"projectUID", "email", "assetUIDs": [...], "dueDate"?, "password"?,
/// "emailSubject"?, "emailLanguage"? (English, German, French, Polish, Spanish, Hebrew,
/// Ukrainian), "comment"?, "isAllowDownloadAssets"?, "isReadOnly"?}`. `*out_json` receives
/// the Task; its `reviewUrl` is the link to hand out.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_task_review_asset_ext(
    client: *const apst_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let params = str_arg(params_json, "params_json")?;
        let out = out_arg(out_json, "out_json")?;
        let p: NewExtReviewIn = parse_object(params, "params_json")?;
        let mut t = NewExternalReviewTask::new(p.project_uid, p.email, p.asset_uids);
        t.due_date = date("dueDate", p.due_date)?;
        if let Some(pw) = p.password {
            t = t.password(pw);
        }
        t.email_subject = p.email_subject;
        if let Some(l) = p.email_language {
            t.email_language = Some(email_language(&l)?);
        }
        t.comment = p.comment;
        t.allow_download_assets = p.is_allow_download_assets;
        t.read_only = p.is_read_only;
        let task = c.api().tasks().review_asset_ext(t)?;
        give_json(out, &task)
    })
}

/// Completes a task (`PUT task/complete`). Upload tasks take no `status` (NULL); review
/// tasks take `"Approved"`, `"Rejected"` or `"ApprovedWithChanges"`. `status` and `comment`
/// may be NULL. `APST_GONE` when the task is no longer pending; `APST_PRECONDITION_FAILED`
/// when this type can't be completed manually.
///
/// Ownership: borrows the inputs. Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_task_complete(
    client: *const apst_client,
    task_uid: *const c_char,
    status: *const c_char,
    comment: *const c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(task_uid, "task_uid")?;
        let status = opt_str_arg(status, "status")?;
        let comment = opt_str_arg(comment, "comment")?;
        let mut tc = TaskCompletion::new(uid);
        if let Some(s) = status {
            tc.status = Some(task_status(s)?);
        }
        tc.comment = comment.map(str::to_owned);
        c.api().tasks().complete(tc)?;
        Ok(())
    })
}
