//! `_native.NativeClient`: one generic entry point, `call(op, args, progress)`, that turns the
//! Python layer's argument dict into the core's parameter structs, runs the operation with the
//! GIL released (see `calls.rs`), and converts the result back.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use approvalstudio::blocking::Client as BlockingClient;
use approvalstudio::{
    Client, ClientBuilder, EmailLanguage, Error, NewAnnotation, NewExternalReviewTask, NewProject,
    NewReviewTask, NewTask, NewUrlRefDoc, NewWebhook, ProjectQuery, ProjectState, ProjectUpdate,
    ReviewLinkOptions, ReviewLinkSend, TaskCompletion, TaskStatus, TaskType,
};
use approvalstudio::{Download, Upload, UrlUpload};
use parking_lot::RwLock;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple};
use serde_json::Value;

use crate::args::{self, py_string, Args};
use crate::calls::{self, Reporter};
use crate::convert::json_to_py;
use crate::errors;

/// The largest `concurrency` of `assets.upload_many` (as in `approvalstudio._client`).
const MAX_CONCURRENCY: u64 = 32;
/// The largest `max_retries` (100 attempts, the core's maximum).
const MAX_RETRIES: u64 = 99;

pub type BoxFut = Pin<Box<dyn Future<Output = Result<Out, Error>> + Send + 'static>>;
pub type Job = Box<dyn FnOnce(Client, Reporter) -> BoxFut + Send + 'static>;

/// What an operation returns, converted to Python after the call.
pub enum Out {
    None,
    Str(String),
    Bool(bool),
    Rec(Value, Value),
    Recs(Vec<(Value, Value)>),
    Path(PathBuf),
    Many(Vec<(PathBuf, Result<String, Error>)>),
    /// A composite operation failed after its effect was applied: (what was applied, the
    /// UID created, the error of the later step). Raised with `applied` and `created_uid`.
    Applied(String, String, Error),
}

/// Records: serialized (camelCase, normalised by the core) and the raw JSON the server sent.
pub trait AsRecord {
    fn pair(&self) -> (Value, Value);
}

macro_rules! records {
    ($($t:ty),*) => {$(
        impl AsRecord for $t {
            fn pair(&self) -> (Value, Value) {
                (serde_json::to_value(self).unwrap_or(Value::Null), self.raw().clone())
            }
        }
    )*};
}
records!(
    approvalstudio::Project,
    approvalstudio::Asset,
    approvalstudio::RefDoc,
    approvalstudio::Task,
    approvalstudio::Annotation,
    approvalstudio::User,
    approvalstudio::TenantClient,
    approvalstudio::Webhook,
    approvalstudio::MetaEntry,
    approvalstudio::LoginResult
);

impl AsRecord for approvalstudio::ReviewLink {
    fn pair(&self) -> (Value, Value) {
        let v = serde_json::to_value(self).unwrap_or(Value::Null);
        (v.clone(), v)
    }
}

impl AsRecord for approvalstudio::ReviewLinkRecipient {
    fn pair(&self) -> (Value, Value) {
        let v = serde_json::to_value(self).unwrap_or(Value::Null);
        (v.clone(), v)
    }
}

fn rec<T: AsRecord>(t: T) -> Out {
    let (d, r) = t.pair();
    Out::Rec(d, r)
}

fn recs<T: AsRecord>(v: Vec<T>) -> Out {
    Out::Recs(v.iter().map(AsRecord::pair).collect())
}

fn job<F, Fut>(f: F) -> Job
where
    F: FnOnce(Client, Reporter) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Out, Error>> + Send + 'static,
{
    Box::new(move |c, r| Box::pin(f(c, r)))
}

fn parse_enum<T: std::str::FromStr<Err = std::convert::Infallible>>(
    s: Option<String>,
) -> Option<T> {
    s.map(|s| match s.parse::<T>() {
        Ok(v) => v,
        Err(e) => match e {},
    })
}

/// Builds the job of operation `op` from its arguments (with the GIL held).
fn prepare(op: &str, a: &Args<'_, '_>) -> PyResult<Job> {
    Ok(match op {
        // -- token ----------------------------------------------------------------------
        "login" => job(|c, _| async move { Ok(rec(c.login().await?)) }),
        "validate" => job(|c, _| async move {
            match c.validate().await {
                Ok(()) => Ok(Out::Bool(true)),
                Err(e) if e.kind() == approvalstudio::ErrorKind::Unauthorized => {
                    Ok(Out::Bool(false))
                }
                Err(e) => Err(e),
            }
        }),

        // -- projects -------------------------------------------------------------------
        "projects.list" | "projects.get" => {
            let mut q = ProjectQuery::new()
                .load_assets(a.bool_or("load_assets", false)?)
                .load_last_version_assets(a.bool_or("load_last_version_assets", true)?)
                .load_tasks(a.bool_or("load_tasks", false)?)
                .load_refdocs(a.bool_or("load_refdocs", false)?)
                .load_metadata(a.bool_or("load_metadata", false)?);
            if let Some(states) = a.opt_strs("states")? {
                q = q.states(
                    states
                        .iter()
                        .map(|s| parse_enum::<ProjectState>(Some(s.clone())).unwrap()),
                );
            }
            if let Some(s) = a.opt_str("query")? {
                q = q.query(s);
            }
            if op == "projects.get" {
                q = q.project_uid(a.str("project_uid")?);
                job(move |c, _| async move { Ok(rec(c.projects().get_with(q).await?)) })
            } else {
                job(move |c, _| async move { Ok(recs(c.projects().list(q).await?)) })
            }
        }
        "projects.create" => {
            let mut p = NewProject::new(a.str("name")?, a.strs("owner_uids")?);
            if let Some(v) = a.opt_str("client_uid")? {
                p = p.client_uid(v);
            }
            if let Some(v) = a.opt_str("customer")? {
                p = p.customer(v);
            }
            if let Some(v) = a.opt_str("project")? {
                p = p.project(v);
            }
            if let Some(v) = a.opt_str("design")? {
                p = p.design(v);
            }
            if let Some(v) = a.opt_str("revision")? {
                p = p.revision(v);
            }
            if let Some(v) = a.opt_str("description")? {
                p = p.description(v);
            }
            if let Some(v) = a.opt_strs("tags")? {
                p = p.tags(v);
            }
            if let Some(v) = a.opt_date("due_date")? {
                p = p.due_date(v);
            }
            if let Some(v) = a.opt_str("template_uid")? {
                p = p.template_uid(v);
            }
            if let Some(v) = a.opt_str("folder_uid")? {
                p = p.folder_uid(v);
            }
            job(move |c, _| async move { Ok(rec(c.projects().create(p).await?)) })
        }
        "projects.update" => {
            let mut u = ProjectUpdate::new(a.str("project_uid")?);
            if let Some(v) = a.opt_str("name")? {
                u = u.name(v);
            }
            if let Some(v) = a.opt_strs("owner_uids")? {
                u = u.owners(v);
            }
            if let Some(v) = a.opt_str("customer")? {
                u = u.customer(v);
            }
            if let Some(v) = a.opt_str("project")? {
                u = u.project(v);
            }
            if let Some(v) = a.opt_str("design")? {
                u = u.design(v);
            }
            if let Some(v) = a.opt_str("revision")? {
                u = u.revision(v);
            }
            if let Some(v) = a.opt_str("description")? {
                u = u.description(v);
            }
            if let Some(v) = a.opt_strs("tags")? {
                u = u.tags(v);
            }
            if let Some(v) = a.opt_date("due_date")? {
                u = u.due_date(v);
            }
            if let Some(v) = a.opt_str("template_uid")? {
                u = u.template_uid(v);
            }
            if let Some(v) = a.opt_str("folder_uid")? {
                u = u.folder_uid(v);
            }
            if let Some(v) = a.opt_str("client_uid")? {
                u = u.client_uid(v);
            }
            job(move |c, _| async move { Ok(rec(c.projects().update(u).await?)) })
        }
        "projects.delete" => {
            let uid = a.str("project_uid")?;
            job(move |c, _| async move { c.projects().delete(&uid).await.map(|_| Out::None) })
        }
        "projects.set_state" => {
            let uid = a.str("project_uid")?;
            let state: ProjectState = parse_enum(Some(a.str("state")?)).unwrap();
            job(
                move |c, _| async move { c.projects().set_state(&uid, state).await.map(|_| Out::None) },
            )
        }
        "projects.proof_report_url" => {
            let uid = a.str("project_uid")?;
            job(move |c, _| async move { Ok(Out::Str(c.projects().proof_report_url(&uid).await?)) })
        }
        "projects.download_proof_report" => {
            let uid = a.str("project_uid")?;
            let path = a.path("path")?;
            job(move |c, r| async move {
                let d = download(path, &r);
                Ok(Out::Path(
                    c.projects().download_proof_report(&uid, d).await?,
                ))
            })
        }
        "projects.meta" => {
            let uid = a.str("project_uid")?;
            job(move |c, _| async move { Ok(recs(c.projects().meta(&uid).await?)) })
        }
        "projects.set_meta" => {
            let (uid, k, v) = (a.str("project_uid")?, a.str("key")?, a.str("value")?);
            job(
                move |c, _| async move { c.projects().set_meta(&uid, &k, &v).await.map(|_| Out::None) },
            )
        }
        "projects.delete_meta" => {
            let (uid, k) = (a.str("project_uid")?, a.str("key")?);
            job(
                move |c, _| async move { c.projects().delete_meta(&uid, &k).await.map(|_| Out::None) },
            )
        }
        "projects.move_to_kanban_column" => {
            let (uid, col) = (a.str("project_uid")?, a.str("kanban_column_uid")?);
            job(move |c, _| async move {
                c.projects()
                    .move_to_kanban_column(&uid, &col)
                    .await
                    .map(|_| Out::None)
            })
        }
        "projects.move_to_folder" => {
            let (uid, f) = (a.str("project_uid")?, a.str("folder_uid")?);
            job(move |c, _| async move {
                c.projects()
                    .move_to_folder(&uid, &f)
                    .await
                    .map(|_| Out::None)
            })
        }

        // -- assets ---------------------------------------------------------------------
        "assets.get" => {
            let uid = a.str("asset_uid")?;
            job(move |c, _| async move { Ok(rec(c.assets().get(&uid).await?)) })
        }
        "assets.delete" => {
            let uid = a.str("asset_uid")?;
            job(move |c, _| async move { c.assets().delete(&uid).await.map(|_| Out::None) })
        }
        "assets.upload" | "refdocs.upload" => {
            let mut u = Upload::from_path(a.str("project_uid")?, a.path("path")?);
            if let Some(t) = a.opt_str("task_uid")? {
                u = u.task(t);
            }
            if let Some(n) = a.opt_str("file_name")? {
                u = u.file_name(n);
            }
            if let Some(t) = a.opt_str("content_type")? {
                u = u.content_type(t);
            }
            let is_asset = op == "assets.upload";
            job(move |c, r| async move {
                let u = match r.progress_fn() {
                    Some(f) => u.progress_fn(f),
                    None => u,
                };
                let uid = if is_asset {
                    c.assets().upload(u).await?
                } else {
                    c.refdocs().upload(u).await?
                };
                Ok(Out::Str(uid))
            })
        }
        "assets.upload_url" | "refdocs.upload_url" => {
            let mut u = UrlUpload::new(a.str("project_uid")?, a.str("url")?);
            if let Some(t) = a.opt_str("task_uid")? {
                u = u.task(t);
            }
            if let Some(n) = a.opt_str("file_name")? {
                u = u.file_name(n);
            }
            let is_asset = op == "assets.upload_url";
            job(move |c, _| async move {
                Ok(Out::Str(if is_asset {
                    c.assets().upload_url(u).await?
                } else {
                    c.refdocs().upload_url(u).await?
                }))
            })
        }
        "assets.upload_many" => {
            let project = a.str("project_uid")?;
            // The core checks it per file; a bad one fails the call, not each file.
            args::uid(a.d.py(), "project_uid", &project)?;
            let paths = a.paths("paths")?;
            let conc = a.opt_int("concurrency", 1, MAX_CONCURRENCY)?.unwrap_or(4) as usize;
            job(move |c, r| async move {
                let batch = r.batch_fn(&paths);
                let results = c
                    .assets()
                    .upload_many_with(&project, paths.clone(), conc, batch)
                    .await;
                Ok(Out::Many(paths.into_iter().zip(results).collect()))
            })
        }
        "assets.wait_processed" => {
            let uid = a.str("asset_uid")?;
            let t = args::seconds(a.d.py(), "timeout", a.opt_f64("timeout")?.unwrap_or(300.0))?;
            job(move |c, _| async move { Ok(rec(c.assets().wait_processed(&uid, t).await?)) })
        }
        "assets.download" | "assets.download_proof_report" => {
            let uid = a.str("asset_uid")?;
            let path = a.path("path")?;
            let report = op == "assets.download_proof_report";
            job(move |c, r| async move {
                let d = download(path, &r);
                Ok(Out::Path(if report {
                    c.assets().download_proof_report(&uid, d).await?
                } else {
                    c.assets().download(&uid, d).await?
                }))
            })
        }
        "assets.proof_report_url" => {
            let uid = a.str("asset_uid")?;
            job(move |c, _| async move { Ok(Out::Str(c.assets().proof_report_url(&uid).await?)) })
        }

        // -- reference documents ------------------------------------------------------------
        "refdocs.add_url" => {
            let mut n = NewUrlRefDoc::new(a.str("project_uid")?, a.str("url")?);
            if let Some(v) = a.opt_str("name")? {
                n = n.name(v);
            }
            job(move |c, _| async move { Ok(Out::Str(c.refdocs().add_url(n).await?)) })
        }
        "refdocs.get" => {
            let uid = a.str("ref_doc_uid")?;
            job(move |c, _| async move { Ok(rec(c.refdocs().get(&uid).await?)) })
        }
        "refdocs.delete" => {
            let uid = a.str("ref_doc_uid")?;
            job(move |c, _| async move { c.refdocs().delete(&uid).await.map(|_| Out::None) })
        }

        // -- tasks ----------------------------------------------------------------------------
        "tasks.list" => {
            let types: Vec<TaskType> = a
                .strs("types")?
                .into_iter()
                .map(|s| parse_enum(Some(s)).unwrap())
                .collect();
            job(move |c, _| async move { Ok(recs(c.tasks().list(&types).await?)) })
        }
        "tasks.get" => {
            let uid = a.str("task_uid")?;
            job(move |c, _| async move { Ok(rec(c.tasks().get(&uid).await?)) })
        }
        "tasks.delete" => {
            let uid = a.str("task_uid")?;
            job(move |c, _| async move { c.tasks().delete(&uid).await.map(|_| Out::None) })
        }
        "tasks.asset_upload" | "tasks.refdoc_upload" => {
            let mut t = NewTask::new(a.str("project_uid")?, a.str("user_uid")?);
            if let Some(d) = a.opt_date("due_date")? {
                t = t.due_date(d);
            }
            if let Some(v) = a.opt_str("comment")? {
                t = t.comment(v);
            }
            let assets = op == "tasks.asset_upload";
            job(move |c, _| async move {
                Ok(rec(if assets {
                    c.tasks().asset_upload(t).await?
                } else {
                    c.tasks().refdoc_upload(t).await?
                }))
            })
        }
        "tasks.review_asset" => {
            let mut t = NewReviewTask::new(
                a.str("project_uid")?,
                a.str("user_uid")?,
                a.strs("asset_uids")?,
            );
            if let Some(d) = a.opt_date("due_date")? {
                t = t.due_date(d);
            }
            if let Some(v) = a.opt_str("comment")? {
                t = t.comment(v);
            }
            job(move |c, _| async move { Ok(rec(c.tasks().review_asset(t).await?)) })
        }
        "tasks.review_asset_ext" => {
            let mut t = NewExternalReviewTask::new(
                a.str("project_uid")?,
                a.str("email")?,
                a.strs("asset_uids")?,
            );
            if let Some(d) = a.opt_date("due_date")? {
                t = t.due_date(d);
            }
            if let Some(v) = a.opt_str("password")? {
                t = t.password(v);
            }
            if let Some(v) = a.opt_str("email_subject")? {
                t = t.email_subject(v);
            }
            if let Some(v) = parse_enum::<EmailLanguage>(a.opt_str("email_language")?) {
                t = t.email_language(v);
            }
            if let Some(v) = a.opt_str("comment")? {
                t = t.comment(v);
            }
            if let Some(v) = a.opt_bool("allow_download_assets")? {
                t = t.allow_download_assets(v);
            }
            if let Some(v) = a.opt_bool("read_only")? {
                t = t.read_only(v);
            }
            job(move |c, _| async move { Ok(rec(c.tasks().review_asset_ext(t).await?)) })
        }
        "tasks.complete" => {
            let mut t = TaskCompletion::new(a.str("task_uid")?);
            if let Some(s) = parse_enum::<TaskStatus>(a.opt_str("status")?) {
                t = t.status(s);
            }
            if let Some(v) = a.opt_str("comment")? {
                t = t.comment(v);
            }
            job(move |c, _| async move { c.tasks().complete(t).await.map(|_| Out::None) })
        }

        // -- annotations ----------------------------------------------------------------------
        "annotations.list" => {
            let uid = a.str("asset_uid")?;
            job(move |c, _| async move { Ok(recs(c.annotations().list(&uid).await?)) })
        }
        "annotations.create" => {
            let mut n = NewAnnotation::new(a.str("asset_uid")?, a.str("text")?);
            if let Some(p) = a.opt_int("page", 0, i32::MAX as u64)? {
                n = n.page(p as u32);
            }
            if let Some(r) = a.dict("region")? {
                let g = |k: &str| -> PyResult<f64> {
                    let name = format!("region.{k}");
                    let v = r.get_item(k)?.ok_or_else(|| {
                        errors::bad_value(r.py(), "region", &format!("needs the key {k}"))
                    })?;
                    let d = PyDict::new(r.py());
                    d.set_item(&name, v)?;
                    let f = Args { d: &d }.opt_f64(&name)?;
                    f.ok_or_else(|| errors::bad_type(r.py(), &name, "must be a number, not None"))
                };
                let (w, h) = (g("width")?, g("height")?);
                if w < 0.0 || h < 0.0 {
                    return Err(errors::bad_value(
                        r.py(),
                        "region",
                        "width and height must not be negative",
                    ));
                }
                n = n.region(g("x")?, g("y")?, w, h);
            }
            if let Some(p) = a.opt_str("parent_uid")? {
                n = n.parent_uid(p);
            }
            job(move |c, _| async move { Ok(rec(c.annotations().create(n).await?)) })
        }
        "annotations.delete"
        | "annotations.hide"
        | "annotations.complete"
        | "annotations.uncomplete" => {
            let uid = a.str("annotation_uid")?;
            let which = op.to_string();
            job(move |c, _| async move {
                let h = c.annotations();
                match which.as_str() {
                    "annotations.delete" => h.delete(&uid).await,
                    "annotations.hide" => h.hide(&uid).await,
                    "annotations.complete" => h.complete(&uid).await,
                    _ => h.uncomplete(&uid).await,
                }
                .map(|_| Out::None)
            })
        }

        // -- users ------------------------------------------------------------------------------
        "users.list" => job(|c, _| async move { Ok(recs(c.users().list().await?)) }),
        "users.logged_in" => job(|c, _| async move { Ok(rec(c.users().logged_in().await?)) }),

        // -- webhooks ---------------------------------------------------------------------------
        "webhooks.list" => job(|c, _| async move { Ok(recs(c.webhooks().list().await?)) }),
        "webhooks.create" => {
            let mut w = NewWebhook::new(a.str("url")?);
            if let Some(v) = a.opt_str("client_uid")? {
                w = w.client_uid(v);
            }
            if let Some(v) = a.opt_str("event_type")? {
                w = w.event_type(v);
            }
            job(move |c, _| async move { Ok(rec(c.webhooks().create(w).await?)) })
        }
        "webhooks.delete" => {
            let uid = a.str("webhook_uid")?;
            job(move |c, _| async move { c.webhooks().delete(&uid).await.map(|_| Out::None) })
        }
        "webhooks.test" => {
            let uid = a.str("webhook_uid")?;
            job(move |c, _| async move { c.webhooks().test(&uid).await.map(|_| Out::None) })
        }

        // -- review links -------------------------------------------------------------------------
        "review_links.create" => {
            let project = a.str("project_uid")?;
            let name = a.str("name")?;
            let mut o = ReviewLinkOptions::new()
                .allow_approvals(a.bool_or("allow_approvals", true)?)
                .current_version_only(a.bool_or("current_version_only", false)?)
                .enable_downloading(a.bool_or("enable_downloading", true)?);
            if let Some(d) = a.opt_date("expires_at")? {
                o = o.expires_at(d);
            }
            if let Some(p) = a.opt_str("password")? {
                o = o.password(p);
            }
            let assets = a.opt_strs("asset_uids")?.filter(|v| !v.is_empty());
            // Checked before the link is created, so a bad UID leaves nothing behind.
            for (i, u) in assets.iter().flatten().enumerate() {
                args::uid(a.d.py(), &format!("asset_uids[{i}]"), u)?;
            }
            job(move |c, _| async move {
                let rl = c.review_links();
                let link = rl.create(&project, &name, o).await?;
                match assets {
                    Some(a) => match rl.add_assets(&project, &link.id, a).await {
                        Ok(l) => Ok(rec(l)),
                        // The link exists: say so, with its id (not a plain failure).
                        Err(e) => Ok(Out::Applied(
                            format!("review link {} was created without its assets", link.id),
                            link.id.clone(),
                            e,
                        )),
                    },
                    None => Ok(rec(link)),
                }
            })
        }
        "review_links.get" => {
            let (p, l) = (a.str("project_uid")?, a.str("link_id")?);
            job(move |c, _| async move { Ok(rec(c.review_links().get(&p, &l).await?)) })
        }
        "review_links.list" => {
            let p = a.str("project_uid")?;
            job(move |c, _| async move { Ok(recs(c.review_links().list(&p).await?)) })
        }
        "review_links.add_assets" => {
            let (p, l, assets) = (
                a.str("project_uid")?,
                a.str("link_id")?,
                a.strs("asset_uids")?,
            );
            job(
                move |c, _| async move { Ok(rec(c.review_links().add_assets(&p, &l, assets).await?)) },
            )
        }
        "review_links.send" => {
            let (p, l) = (a.str("project_uid")?, a.str("link_id")?);
            let mut s = ReviewLinkSend::new(a.strs("recipients")?);
            if let Some(v) = a.opt_str("password")? {
                s = s.password(v);
            }
            if let Some(v) = parse_enum::<EmailLanguage>(a.opt_str("email_language")?) {
                s = s.email_language(v);
            }
            if let Some(v) = a.opt_str("comment")? {
                s = s.comment(v);
            }
            job(move |c, _| async move { Ok(recs(c.review_links().send(&p, &l, s).await?)) })
        }
        "review_links.delete" => {
            let (p, l) = (a.str("project_uid")?, a.str("link_id")?);
            job(move |c, _| async move { c.review_links().delete(&p, &l).await.map(|_| Out::None) })
        }
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "unknown operation {other:?}"
            )))
        }
    })
}

fn download(path: PathBuf, r: &Reporter) -> Download {
    let d = Download::to(path);
    match r.progress_fn() {
        Some(f) => d.progress_fn(f),
        None => d,
    }
}

/// Converts an operation's result to Python objects.
fn to_py<'py>(py: Python<'py>, op: &str, out: Out) -> PyResult<Bound<'py, PyAny>> {
    Ok(match out {
        Out::None => py.None().into_bound(py),
        Out::Str(s) => s.into_pyobject(py)?.into_any(),
        Out::Bool(b) => pyo3::types::PyBool::new(py, b).to_owned().into_any(),
        Out::Rec(d, r) => PyTuple::new(py, [json_to_py(py, &d)?, json_to_py(py, &r)?])?.into_any(),
        Out::Recs(v) => {
            let l = PyList::empty(py);
            for (d, r) in v {
                l.append(PyTuple::new(
                    py,
                    [json_to_py(py, &d)?, json_to_py(py, &r)?],
                )?)?;
            }
            l.into_any()
        }
        Out::Path(p) => path_bytes(py, &p),
        Out::Applied(what, uid, e) => {
            let err = errors::to_pyerr(py, &e, Some(op));
            let v = err.value(py);
            let msg = format!("{what}, but then: {}", v.getattr("message")?);
            let desc = format!("{op} failed: {msg}");
            v.setattr("message", &msg)?;
            v.setattr("_description", desc)?;
            v.setattr("applied", true)?;
            v.setattr("created_uid", uid)?;
            v.setattr("args", (msg,))?;
            return Err(err);
        }
        Out::Many(v) => {
            let l = PyList::empty(py);
            for (p, r) in v {
                let (uid, err) = match r {
                    Ok(u) => (u.into_pyobject(py)?.into_any(), py.None().into_bound(py)),
                    Err(e) => (
                        py.None().into_bound(py),
                        errors::to_pyerr(py, &e, Some("assets.upload_many"))
                            .into_value(py)
                            .into_bound(py)
                            .into_any(),
                    ),
                };
                l.append(PyTuple::new(py, [path_bytes(py, &p), uid, err])?)?;
            }
            l.into_any()
        }
    })
}

fn path_bytes<'py>(py: Python<'py>, p: &std::path::Path) -> Bound<'py, PyAny> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PyBytes::new(py, p.as_os_str().as_bytes()).into_any()
    }
    #[cfg(not(unix))]
    {
        PyBytes::new(py, p.to_string_lossy().as_bytes()).into_any()
    }
}

/// The native client behind `approvalstudio.Client` (use that class instead).
#[pyclass(module = "approvalstudio._native", frozen)]
pub struct NativeClient {
    inner: RwLock<Option<BlockingClient>>,
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (base_url, username=None, password=None, token=None, timeout=None, max_retries=None))]
    fn new(
        py: Python<'_>,
        base_url: &Bound<'_, PyAny>,
        username: Option<&Bound<'_, PyAny>>,
        password: Option<&Bound<'_, PyAny>>,
        token: Option<&Bound<'_, PyAny>>,
        timeout: Option<&Bound<'_, PyAny>>,
        max_retries: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let d = PyDict::new(py);
        for (k, v) in [
            ("username", username),
            ("password", password),
            ("token", token),
            ("timeout", timeout),
        ] {
            d.set_item(k, v)?;
        }
        let a = Args { d: &d };
        let base_url = py_string("base_url", base_url)?;
        let mut b: ClientBuilder = Client::builder().base_url(base_url).user_agent(format!(
            "approvalstudio-python/{}",
            env!("CARGO_PKG_VERSION")
        ));
        match (a.opt_str("username")?, a.opt_str("password")?) {
            (Some(u), Some(p)) => b = b.credentials(u, p),
            (None, None) => {}
            (Some(_), None) | (None, Some(_)) => {
                return Err(errors::bad_value(
                    py,
                    "username/password",
                    "username and password go together: give both or neither",
                ))
            }
        }
        if let Some(t) = a.opt_str("token")? {
            b = b.token(t);
        }
        if let Some(t) = a.opt_f64("timeout")? {
            if t <= 0.0 {
                return Err(errors::bad_value(
                    py,
                    "timeout",
                    "must be a positive number of seconds (at most one year)",
                ));
            }
            let d = args::seconds(py, "timeout", t)?;
            b = b.connect_timeout(d).read_timeout(d);
        }
        if let Some(n) = max_retries.filter(|v| !v.is_none()) {
            let n = args::int_in("max_retries", n, 0, MAX_RETRIES)?;
            b = b.max_attempts(n as u32 + 1);
        }
        // Building loads the platform's root certificates: done without the GIL.
        let client = py
            .detach(move || b.build())
            .map_err(|e| errors::to_pyerr(py, &e, None))?;
        Ok(NativeClient {
            inner: RwLock::new(Some(BlockingClient::from_async(client))),
        })
    }

    /// Runs operation `op` with `args` (GIL released; Ctrl-C and `progress` serviced on this
    /// thread). Returns plain Python data that `approvalstudio` wraps in records.
    #[pyo3(signature = (op, args, progress=None))]
    fn call<'py>(
        &self,
        py: Python<'py>,
        op: &str,
        args: &Bound<'py, PyDict>,
        progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        calls::check_reentry(op)?;
        let client = self
            .inner
            .read()
            .clone()
            .ok_or_else(|| errors::runtime("this approvalstudio.Client is closed"))?;
        let job = prepare(op, &Args { d: args })?;
        let out = calls::run(py, op, &client, job, progress)?;
        to_py(py, op, out)
    }

    /// Closes the client (idempotent).
    fn close(&self) {
        self.inner.write().take();
    }

    /// True until `close()`.
    #[getter]
    fn closed(&self) -> bool {
        self.inner.read().is_none()
    }
}
