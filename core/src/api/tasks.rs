//! Tasks: `task/all`, `task`, `task/asset_upload`, `task/refdoc_upload`, `task/review_asset`,
//! `task/review_asset_ext`, `task/complete`.

use super::projects::opt_setters;
use super::Body;
use crate::error::{Error, Result};
use crate::models::{decode, decode_created, EmailLanguage, Task, TaskStatus, TaskType};
use crate::transport::{Call, Retry};
use crate::validate as v;
use crate::Client;
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};

/// Handle for task operations (`client.tasks()`).
#[derive(Clone, Copy, Debug)]
pub struct Tasks<'a> {
    pub(crate) client: &'a Client,
}

/// An upload task (`task/asset_upload`, `task/refdoc_upload`).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct NewTask {
    /// Project UID.
    pub project_uid: String,
    /// Assignee's user UID.
    pub user_uid: String,
    /// Due date.
    pub due_date: Option<DateTime<Utc>>,
    /// Comment.
    pub comment: Option<String>,
    /// Asks for a new version of this asset: the task becomes an `UploadChangedAsset` task
    /// (sent as `assetUID`; **assumed** by API-NOTES, implemented by the emulator).
    pub changed_asset_uid: Option<String>,
}

impl NewTask {
    /// A task in `project_uid` for `user_uid`.
    pub fn new(project_uid: impl Into<String>, user_uid: impl Into<String>) -> Self {
        NewTask {
            project_uid: project_uid.into(),
            user_uid: user_uid.into(),
            ..Default::default()
        }
    }
    /// Due date.
    pub fn due_date(mut self, d: DateTime<Utc>) -> Self {
        self.due_date = Some(d);
        self
    }
}
opt_setters!(NewTask {
    /// Comment.
    comment,
    /// Requests a new version of this asset (an `UploadChangedAsset` task); upload it with
    /// [`Upload::new_version`](crate::Upload::new_version).
    changed_asset_uid
});

/// An internal review task (`task/review_asset`).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct NewReviewTask {
    /// Project UID.
    pub project_uid: String,
    /// Reviewer's user UID.
    pub user_uid: String,
    /// Assets to review (at least one).
    pub asset_uids: Vec<String>,
    /// Due date.
    pub due_date: Option<DateTime<Utc>>,
    /// Comment.
    pub comment: Option<String>,
}

impl NewReviewTask {
    /// A review of `asset_uids` in `project_uid` by `user_uid`.
    pub fn new(
        project_uid: impl Into<String>,
        user_uid: impl Into<String>,
        asset_uids: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        NewReviewTask {
            project_uid: project_uid.into(),
            user_uid: user_uid.into(),
            asset_uids: asset_uids.into_iter().map(Into::into).collect(),
            ..Default::default()
        }
    }
    /// Due date.
    pub fn due_date(mut self, d: DateTime<Utc>) -> Self {
        self.due_date = Some(d);
        self
    }
}
opt_setters!(NewReviewTask {
    /// Comment.
    comment
});

/// An external review task sent by e-mail (`task/review_asset_ext`); its `review_url` is the
/// link to distribute.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct NewExternalReviewTask {
    /// Project UID.
    pub project_uid: String,
    /// Recipient e-mail.
    pub email: String,
    /// Assets to review (at least one).
    pub asset_uids: Vec<String>,
    /// Due date.
    pub due_date: Option<DateTime<Utc>>,
    /// Password protecting the review session.
    pub password: Option<SecretString>,
    /// E-mail subject.
    pub email_subject: Option<String>,
    /// E-mail language.
    pub email_language: Option<EmailLanguage>,
    /// Comment.
    pub comment: Option<String>,
    /// Allow downloading the original files.
    pub allow_download_assets: Option<bool>,
    /// Read-only session: no annotations, no approve/reject.
    pub read_only: Option<bool>,
}

impl NewExternalReviewTask {
    /// A review of `asset_uids` in `project_uid` sent to `email`.
    pub fn new(
        project_uid: impl Into<String>,
        email: impl Into<String>,
        asset_uids: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        NewExternalReviewTask {
            project_uid: project_uid.into(),
            email: email.into(),
            asset_uids: asset_uids.into_iter().map(Into::into).collect(),
            ..Default::default()
        }
    }
    /// Due date.
    pub fn due_date(mut self, d: DateTime<Utc>) -> Self {
        self.due_date = Some(d);
        self
    }
    /// Password of the review session.
    pub fn password(mut self, p: impl Into<String>) -> Self {
        self.password = Some(SecretString::from(p.into()));
        self
    }
    /// E-mail language.
    pub fn email_language(mut self, l: EmailLanguage) -> Self {
        self.email_language = Some(l);
        self
    }
    /// Allow downloading the original files.
    pub fn allow_download_assets(mut self, on: bool) -> Self {
        self.allow_download_assets = Some(on);
        self
    }
    /// Read-only session.
    pub fn read_only(mut self, on: bool) -> Self {
        self.read_only = Some(on);
        self
    }
}
opt_setters!(NewExternalReviewTask {
    /// E-mail subject.
    email_subject,
    /// Comment.
    comment
});

/// Completion of a task (`task/complete`).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct TaskCompletion {
    /// Task UID.
    pub task_uid: String,
    /// For review tasks: `Approved`, `Rejected` or `ApprovedWithChanges`; none for upload tasks.
    pub status: Option<TaskStatus>,
    /// Comment.
    pub comment: Option<String>,
}

impl TaskCompletion {
    /// Completes `task_uid` (upload tasks).
    pub fn new(task_uid: impl Into<String>) -> Self {
        TaskCompletion {
            task_uid: task_uid.into(),
            ..Default::default()
        }
    }
    /// Review outcome.
    pub fn status(mut self, s: TaskStatus) -> Self {
        self.status = Some(s);
        self
    }
}
opt_setters!(TaskCompletion {
    /// Comment.
    comment
});

impl<'a> Tasks<'a> {
    /// `GET task/all`: tasks assigned to the caller, of the given types (all when empty).
    pub async fn list(&self, types: &[TaskType]) -> Result<Vec<Task>> {
        let types = (!types.is_empty()).then(|| {
            types
                .iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join(",")
        });
        let v = self
            .client
            .inner
            .json(&Call::get("tasks.list", "task/all").q_opt("Types", types))
            .await?;
        if v.is_null() {
            return Ok(Vec::new());
        }
        decode(v, "the task list")
    }

    /// `GET task`.
    pub async fn get(&self, task_uid: &str) -> Result<Task> {
        v::uid("taskUID", task_uid)?;
        let v = self
            .client
            .inner
            .json(&Call::get("tasks.get", "task").q("TaskUID", task_uid))
            .await?;
        decode(v, "the task")
    }

    /// `DELETE task`.
    pub async fn delete(&self, task_uid: &str) -> Result<()> {
        v::uid("taskUID", task_uid)?;
        self.client
            .inner
            .json(&Call::delete("tasks.delete", "task").q("TaskUID", task_uid))
            .await
            .map(|_| ())
    }

    async fn create_upload_task(
        &self,
        op: &'static str,
        path: &'static str,
        t: NewTask,
    ) -> Result<Task> {
        v::uid("projectUID", &t.project_uid)?;
        v::uid("userUID", &t.user_uid)?;
        if let Some(a) = &t.changed_asset_uid {
            if path != "task/asset_upload" {
                return Err(Error::invalid_input(
                    "changed_asset_uid",
                    "only asset upload tasks can request a new version of an asset",
                ));
            }
            v::uid("assetUID", a)?;
        }
        let body = Body::new()
            .set("projectUID", t.project_uid)
            .set("userUID", t.user_uid)
            .date("dueDate", t.due_date)
            .opt("comment", t.comment)
            .opt("assetUID", t.changed_asset_uid)
            .build();
        let v = self
            .client
            .inner
            .json(&Call::create(op, path).json(body))
            .await?;
        decode_created(v, "the task", op, "taskUID")
    }

    /// `POST task/asset_upload`: asks a user to upload assets.
    pub async fn asset_upload(&self, t: NewTask) -> Result<Task> {
        self.create_upload_task("tasks.asset_upload", "task/asset_upload", t)
            .await
    }

    /// `POST task/refdoc_upload`: asks a user to upload reference documents.
    pub async fn refdoc_upload(&self, t: NewTask) -> Result<Task> {
        self.create_upload_task("tasks.refdoc_upload", "task/refdoc_upload", t)
            .await
    }

    /// `POST task/review_asset`: asks a user to review assets.
    pub async fn review_asset(&self, t: NewReviewTask) -> Result<Task> {
        v::uid("projectUID", &t.project_uid)?;
        v::uid("userUID", &t.user_uid)?;
        v::uids("assetUIDs", &t.asset_uids, 1, usize::MAX)?;
        let body = Body::new()
            .set("projectUID", t.project_uid)
            .set("userUID", t.user_uid)
            .set("assetUIDs", t.asset_uids)
            .date("dueDate", t.due_date)
            .opt("comment", t.comment)
            .build();
        let v = self
            .client
            .inner
            .json(&Call::create("tasks.review_asset", "task/review_asset").json(body))
            .await?;
        decode_created(v, "the task", "tasks.review_asset", "taskUID")
    }

    /// `POST task/review_asset_ext`: sends assets for review to an e-mail address; the task's
    /// `review_url` is the link for the recipient.
    pub async fn review_asset_ext(&self, t: NewExternalReviewTask) -> Result<Task> {
        v::uid("projectUID", &t.project_uid)?;
        v::email("email", &t.email)?;
        v::uids("assetUIDs", &t.asset_uids, 1, usize::MAX)?;
        if let Some(EmailLanguage::Other(l)) = &t.email_language {
            return Err(Error::invalid_input(
                "emailLanguage",
                format!("{l:?} is not one of English, German, French, Polish, Spanish, Hebrew, Ukrainian"),
            ));
        }
        let body = Body::new()
            .set("projectUID", t.project_uid)
            .set("email", t.email)
            .set("assetUIDs", t.asset_uids)
            .date("dueDate", t.due_date)
            .opt(
                "password",
                t.password.as_ref().map(|p| p.expose_secret().to_string()),
            )
            .opt("emailSubject", t.email_subject)
            .opt("emailLanguage", t.email_language.map(|l| l.to_string()))
            .opt("comment", t.comment)
            .opt("isAllowDownloadAssets", t.allow_download_assets)
            .opt("isReadOnly", t.read_only)
            .build();
        let v = self
            .client
            .inner
            .json(&Call::create("tasks.review_asset_ext", "task/review_asset_ext").json(body))
            .await?;
        decode_created(v, "the task", "tasks.review_asset_ext", "taskUID")
    }

    /// `PUT task/complete`. A retried call that finds the task already completed (410)
    /// counts as success.
    pub async fn complete(&self, c: TaskCompletion) -> Result<()> {
        v::uid("taskUID", &c.task_uid)?;
        if let Some(s) = &c.status {
            if !matches!(
                s,
                TaskStatus::Approved | TaskStatus::Rejected | TaskStatus::ApprovedWithChanges
            ) {
                return Err(Error::invalid_input(
                    "status",
                    "must be Approved, Rejected or ApprovedWithChanges (or unset for upload tasks)",
                ));
            }
        }
        let body = Body::new()
            .set("taskUID", c.task_uid)
            .opt("status", c.status.map(|s| s.to_string()))
            .opt("comment", c.comment)
            .build();
        self.client
            .inner
            .json(
                &Call::put("tasks.complete", "task/complete")
                    .retry(Retry::StateChange)
                    .json(body),
            )
            .await
            .map(|_| ())
    }
}
