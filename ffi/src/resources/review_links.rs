//! Review links (client-side, stored as project metadata): `apst_review_link_*`.

use std::ffi::c_char;

use apst_core::review_links::{ReviewLinkOptions, ReviewLinkSend};
use serde::Deserialize;

use super::date;
use crate::args::{give_serde, give_string, handle, out_arg, parse_array, parse_object, str_arg};
use crate::boundary::boundary;
use crate::client::apst_client;
use crate::error::{apst_error, apst_result, FfiError};

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct OptionsIn {
    allow_approvals: Option<bool>,
    current_version_only: Option<bool>,
    enable_downloading: Option<bool>,
    expires_at: Option<String>,
    password: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SendIn {
    recipients: Vec<String>,
    password: Option<String>,
    email_language: Option<String>,
    comment: Option<String>,
}

fn create(
    c: &apst_client,
    project: &str,
    name: &str,
    opts: Option<&str>,
) -> Result<apst_core::ReviewLink, FfiError> {
    let o: OptionsIn = match opts {
        Some(s) => parse_object(s, "options_json")?,
        None => OptionsIn::default(),
    };
    let mut options = ReviewLinkOptions::new();
    if let Some(v) = o.allow_approvals {
        options = options.allow_approvals(v);
    }
    if let Some(v) = o.current_version_only {
        options = options.current_version_only(v);
    }
    if let Some(v) = o.enable_downloading {
        options = options.enable_downloading(v);
    }
    if let Some(d) = date("expiresAt", o.expires_at)? {
        options = options.expires_at(d);
    }
    if let Some(p) = o.password {
        options = options.password(p);
    }
    Ok(c.api().review_links().create(project, name, options)?)
}

/// Creates a review link for a project: a named, shareable set of assets, stored as project
/// metadata (`review_link:<id>`). `options_json` may be NULL (defaults) or
/// `{"allowApprovals"?: true, "currentVersionOnly"?: false, "enableDownloading"?: true,
/// "expiresAt"?: "ISO 8601", "password"?: "..."}` (the password is never stored, only
/// `hasPassword`). `*out_json` receives the ReviewLink `{"id", "projectUID", "name",
/// "allowApprovals", ..., "assetUIDs": [], "recipients": [], "created"}`.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe (two processes changing the same link at once can lose one
/// change).
#[no_mangle]
pub unsafe extern "C" fn apst_review_link_create(
    client: *const apst_client,
    project_uid: *const c_char,
    name: *const c_char,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let project = str_arg(project_uid, "project_uid")?;
        let name = str_arg(name, "name")?;
        let opts = crate::args::opt_str_arg(options_json, "options_json")?;
        let out = out_arg(out_json, "out_json")?;
        let link = create(c, project, name, opts)?;
        give_serde(out, &link)
    })
}

/// Creates a review link and returns only its id in `*out_link_id` (the typed shortcut of
/// `apst_review_link_create`; `options_json` may be NULL for the defaults).
///
/// Ownership: borrows the inputs; `*out_link_id` is owned by the caller
/// (`apst_string_free`). Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_review_link_create_id(
    client: *const apst_client,
    project_uid: *const c_char,
    name: *const c_char,
    options_json: *const c_char,
    out_link_id: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let project = str_arg(project_uid, "project_uid")?;
        let name = str_arg(name, "name")?;
        let opts = crate::args::opt_str_arg(options_json, "options_json")?;
        let out = out_arg(out_link_id, "out_link_id")?;
        let link = create(c, project, name, opts)?;
        give_string(out, link.id);
        Ok(())
    })
}

/// Reads a review link: `*out_json` receives the ReviewLink (with its recipients and their
/// short URLs). Unknown id: `APST_NOT_FOUND`.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_review_link_get(
    client: *const apst_client,
    project_uid: *const c_char,
    link_id: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let project = str_arg(project_uid, "project_uid")?;
        let id = str_arg(link_id, "link_id")?;
        let out = out_arg(out_json, "out_json")?;
        let link = c.api().review_links().get(project, id)?;
        give_serde(out, &link)
    })
}

/// Lists a project's review links, oldest first: `*out_json` receives a JSON array of
/// ReviewLink records.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_review_link_list(
    client: *const apst_client,
    project_uid: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let project = str_arg(project_uid, "project_uid")?;
        let out = out_arg(out_json, "out_json")?;
        let links = c.api().review_links().list(project)?;
        give_serde(out, &links)
    })
}

/// Adds assets to a review link. `asset_uids_json` is a JSON array of asset UIDs (at least
/// one); assets already in the link are kept once. `*out_json` receives the updated
/// ReviewLink.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_review_link_add_assets(
    client: *const apst_client,
    project_uid: *const c_char,
    link_id: *const c_char,
    asset_uids_json: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let project = str_arg(project_uid, "project_uid")?;
        let id = str_arg(link_id, "link_id")?;
        let assets = str_arg(asset_uids_json, "asset_uids_json")?;
        let out = out_arg(out_json, "out_json")?;
        let assets: Vec<String> = parse_array(assets, "asset_uids_json")?;
        let link = c.api().review_links().add_assets(project, id, assets)?;
        give_serde(out, &link)
    })
}

/// Sends a review link: one external review task per recipient. `send_json`:
/// `{"recipients": ["e-mail", ...], "password"? (required when the link has one),
/// "emailLanguage"?, "comment"?}`. `*out_json` receives a JSON array of
/// `{"email", "taskUID", "shortUrl", "sentAt"}`: `shortUrl` is the link to hand out.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_review_link_send(
    client: *const apst_client,
    project_uid: *const c_char,
    link_id: *const c_char,
    send_json: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let project = str_arg(project_uid, "project_uid")?;
        let id = str_arg(link_id, "link_id")?;
        let send = str_arg(send_json, "send_json")?;
        let out = out_arg(out_json, "out_json")?;
        let s: SendIn = parse_object(send, "send_json")?;
        let mut rs = ReviewLinkSend::new(s.recipients);
        if let Some(p) = s.password {
            rs = rs.password(p);
        }
        if let Some(l) = s.email_language {
            rs = rs.email_language(super::tasks::email_language(&l)?);
        }
        if let Some(cm) = s.comment {
            rs = rs.comment(cm);
        }
        let recipients = c.api().review_links().send(project, id, rs)?;
        give_serde(out, &recipients)
    })
}

/// Sends a review link to one recipient and returns only the short URL to hand out in
/// `*out_short_url` (the typed shortcut of `apst_review_link_send`). `password` may be NULL
/// (required when the link has one).
///
/// Ownership: borrows the inputs; `*out_short_url` is owned by the caller
/// (`apst_string_free`). Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_review_link_send_to(
    client: *const apst_client,
    project_uid: *const c_char,
    link_id: *const c_char,
    email: *const c_char,
    password: *const c_char,
    out_short_url: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let project = str_arg(project_uid, "project_uid")?;
        let id = str_arg(link_id, "link_id")?;
        let email = str_arg(email, "email")?;
        let password = crate::args::opt_str_arg(password, "password")?;
        let out = out_arg(out_short_url, "out_short_url")?;
        let mut rs = ReviewLinkSend::new([email]);
        if let Some(p) = password {
            rs = rs.password(p);
        }
        let recipients = c.api().review_links().send(project, id, rs)?;
        let url = recipients
            .into_iter()
            .find_map(|r| r.short_url)
            .ok_or_else(|| {
                FfiError::new(
                    apst_result::APST_DECODE,
                    "the review task was created but the server sent no review URL",
                )
            })?;
        give_string(out, url);
        Ok(())
    })
}

/// Deletes a review link (its metadata entry; tasks already sent stay).
///
/// Ownership: borrows the inputs. Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_review_link_delete(
    client: *const apst_client,
    project_uid: *const c_char,
    link_id: *const c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let project = str_arg(project_uid, "project_uid")?;
        let id = str_arg(link_id, "link_id")?;
        c.api().review_links().delete(project, id)?;
        Ok(())
    })
}
