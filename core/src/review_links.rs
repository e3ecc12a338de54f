//! Review links: a named, shareable set of a project's assets, built on the client side over
//! documented operations (the service has no such object).
//!
//! - [`ReviewLinks::create`] makes a link for a project with a name and the five options
//!   ([`ReviewLinkOptions`]: `allow_approvals` true, `current_version_only` false,
//!   `enable_downloading` true, `expires_at` none, `password` none);
//! - [`ReviewLinks::add_assets`] adds assets;
//! - [`ReviewLinks::send`] creates one `task/review_asset_ext` task per recipient
//!   (`isReadOnly = !allow_approvals`, `isAllowDownloadAssets = enable_downloading`,
//!   `password`, `dueDate = expires_at`, `emailSubject = name`; with `current_version_only`
//!   the assets are resolved to their latest versions at send time) and returns each
//!   recipient's `short_url` (the task's `reviewUrl`);
//! - the link is stored as project metadata under `review_link:<id>` (JSON), so
//!   [`ReviewLinks::get`] and [`ReviewLinks::list`] work from any process or language.
//!
//! The password is never stored: only `hasPassword`. Pass it again to
//! [`ReviewLinkSend::password`] when sending a link that has one. Updates are
//! read-modify-write of one metadata entry: two processes changing the same link at the same
//! moment can lose one change.
//!
//! ```no_run
//! # async fn demo(client: approvalstudio::Client, project: &str, asset: &str) -> approvalstudio::Result<()> {
//! use approvalstudio::{ReviewLinkOptions, ReviewLinkSend};
//! let link = client.review_links().create(project, "Round 1", ReviewLinkOptions::default()).await?;
//! client.review_links().add_assets(project, &link.id, [asset]).await?;
//! for r in client.review_links().send(project, &link.id, ReviewLinkSend::new(["buyer@example.com"])).await? {
//!     println!("{} -> {}", r.email, r.short_url.unwrap_or_default());
//! }
//! # Ok(()) }
//! ```

use crate::error::{Error, ErrorKind, Result};
use crate::models::{Asset, EmailLanguage};
use crate::validate as v;
use crate::NewExternalReviewTask;
use crate::{Client, ProjectQuery};
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Metadata key prefix of stored review links.
pub const META_PREFIX: &str = "review_link:";

/// Handle for review links (`client.review_links()`).
#[derive(Clone, Copy, Debug)]
pub struct ReviewLinks<'a> {
    pub(crate) client: &'a Client,
}

/// Options of a review link, with the documented defaults.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ReviewLinkOptions {
    /// Recipients may approve/reject (default true); false makes the session read-only.
    pub allow_approvals: bool,
    /// Send the latest version of each asset (default false).
    pub current_version_only: bool,
    /// Recipients may download the originals (default true).
    pub enable_downloading: bool,
    /// Due date of the review tasks (default none).
    pub expires_at: Option<DateTime<Utc>>,
    /// Password of the review sessions (default none; not stored).
    pub password: Option<SecretString>,
}

impl Default for ReviewLinkOptions {
    fn default() -> Self {
        ReviewLinkOptions {
            allow_approvals: true,
            current_version_only: false,
            enable_downloading: true,
            expires_at: None,
            password: None,
        }
    }
}

impl ReviewLinkOptions {
    /// Defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Allow approvals.
    pub fn allow_approvals(mut self, on: bool) -> Self {
        self.allow_approvals = on;
        self
    }
    /// Latest versions only.
    pub fn current_version_only(mut self, on: bool) -> Self {
        self.current_version_only = on;
        self
    }
    /// Allow downloads.
    pub fn enable_downloading(mut self, on: bool) -> Self {
        self.enable_downloading = on;
        self
    }
    /// Expiry (due date of the review tasks).
    pub fn expires_at(mut self, d: DateTime<Utc>) -> Self {
        self.expires_at = Some(d);
        self
    }
    /// Password.
    pub fn password(mut self, p: impl Into<String>) -> Self {
        self.password = Some(SecretString::from(p.into()));
        self
    }
}

/// A recipient a link was sent to.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ReviewLinkRecipient {
    /// E-mail.
    pub email: String,
    /// The external review task created for the recipient (`taskUID`, the API's casing;
    /// `taskUid`, written by earlier versions, is read too).
    #[serde(rename = "taskUID", alias = "taskUid")]
    pub task_uid: String,
    /// The recipient's link (the task's `reviewUrl`).
    pub short_url: Option<String>,
    /// When it was sent.
    pub sent_at: DateTime<Utc>,
}

/// A review link as stored in project metadata (`review_link:<id>`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ReviewLink {
    /// Link id.
    pub id: String,
    /// Project UID (`projectUID`, the API's casing; `projectUid`, written by earlier
    /// versions, is read too).
    #[serde(rename = "projectUID", alias = "projectUid")]
    pub project_uid: String,
    /// Name (also the e-mail subject).
    pub name: String,
    /// See [`ReviewLinkOptions::allow_approvals`].
    pub allow_approvals: bool,
    /// See [`ReviewLinkOptions::current_version_only`].
    pub current_version_only: bool,
    /// See [`ReviewLinkOptions::enable_downloading`].
    pub enable_downloading: bool,
    /// See [`ReviewLinkOptions::expires_at`].
    pub expires_at: Option<DateTime<Utc>>,
    /// Whether the sessions are password-protected.
    pub has_password: bool,
    /// Asset UIDs, in the order added.
    #[serde(rename = "assetUIDs")]
    pub asset_uids: Vec<String>,
    /// Recipients sent to, with their links.
    #[serde(default)]
    pub recipients: Vec<ReviewLinkRecipient>,
    /// When it was created.
    pub created: DateTime<Utc>,
}

impl ReviewLink {
    /// The short URL sent to `email`, when it was sent.
    pub fn short_url_for(&self, email: &str) -> Option<&str> {
        self.recipients
            .iter()
            .rev()
            .find(|r| r.email.eq_ignore_ascii_case(email))
            .and_then(|r| r.short_url.as_deref())
    }
}

/// Sending a link to recipients ([`ReviewLinks::send`]).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct ReviewLinkSend {
    /// Recipient e-mails.
    pub recipients: Vec<String>,
    /// The link's password (required when the link has one; it is not stored).
    pub password: Option<SecretString>,
    /// E-mail language.
    pub email_language: Option<EmailLanguage>,
    /// Comment in the e-mail.
    pub comment: Option<String>,
}

impl ReviewLinkSend {
    /// Sends to `recipients`.
    pub fn new(recipients: impl IntoIterator<Item = impl Into<String>>) -> Self {
        ReviewLinkSend {
            recipients: recipients.into_iter().map(Into::into).collect(),
            ..Default::default()
        }
    }
    /// The link's password.
    pub fn password(mut self, p: impl Into<String>) -> Self {
        self.password = Some(SecretString::from(p.into()));
        self
    }
    /// E-mail language.
    pub fn email_language(mut self, l: EmailLanguage) -> Self {
        self.email_language = Some(l);
        self
    }
    /// Comment.
    pub fn comment(mut self, c: impl Into<String>) -> Self {
        self.comment = Some(c.into());
        self
    }
}

impl<'a> ReviewLinks<'a> {
    async fn save(&self, link: &ReviewLink) -> Result<()> {
        let json = serde_json::to_string(link)
            .map_err(|e| Error::decode(format!("cannot encode the review link: {e}")))?;
        self.client
            .projects()
            .set_meta(
                &link.project_uid,
                &format!("{META_PREFIX}{}", link.id),
                &json,
            )
            .await
    }

    /// Creates a link in `project_uid` (stored at once, without assets); `name` is 1 to 200
    /// characters (it becomes the e-mail subject).
    pub async fn create(
        &self,
        project_uid: &str,
        name: &str,
        options: ReviewLinkOptions,
    ) -> Result<ReviewLink> {
        v::uid("projectUID", project_uid)?;
        v::non_empty("name", name)?;
        v::max_len("name", Some(name), v::MAX_LINK_NAME)?;
        v::no_control("name", name)?;
        let link = ReviewLink {
            id: uuid::Uuid::new_v4().simple().to_string(),
            project_uid: project_uid.to_string(),
            name: name.to_string(),
            allow_approvals: options.allow_approvals,
            current_version_only: options.current_version_only,
            enable_downloading: options.enable_downloading,
            expires_at: options.expires_at,
            has_password: options
                .password
                .as_ref()
                .is_some_and(|p| !p.expose_secret().is_empty()),
            asset_uids: Vec::new(),
            recipients: Vec::new(),
            created: Utc::now(),
        };
        // A logical create on an idempotent metadata write: retried where safe (same id, so
        // never two links), and an unknown outcome is `Ambiguous`, naming the link's id.
        self.save(&link).await.map_err(|e| {
            let e = e.within("review_links.create");
            if e.kind() == ErrorKind::Ambiguous {
                Error::new(
                    ErrorKind::Ambiguous,
                    format!(
                        "review_links.create: the outcome is unknown, review link {} may have been created; check with review_links.list before creating it again ({})",
                        link.id,
                        e.message()
                    ),
                )
                .within("review_links.create")
            } else {
                e
            }
        })?;
        Ok(link)
    }

    /// Reads a link back.
    pub async fn get(&self, project_uid: &str, link_id: &str) -> Result<ReviewLink> {
        v::uid("projectUID", project_uid)?;
        v::uid("link_id", link_id)?;
        let key = format!("{META_PREFIX}{link_id}");
        let meta = self
            .client
            .projects()
            .meta(project_uid)
            .await
            .map_err(|e| e.within("review_links.get"))?;
        let entry = meta.into_iter().find(|m| m.key == key).ok_or_else(|| {
            Error::new(
                ErrorKind::NotFound,
                format!("review link {link_id} not found in project {project_uid}"),
            )
        })?;
        serde_json::from_str(&entry.value)
            .map_err(|e| Error::decode(format!("review link {link_id} is not readable: {e}")))
    }

    /// All links of a project (unreadable entries are skipped).
    pub async fn list(&self, project_uid: &str) -> Result<Vec<ReviewLink>> {
        v::uid("projectUID", project_uid)?;
        let meta = self
            .client
            .projects()
            .meta(project_uid)
            .await
            .map_err(|e| e.within("review_links.list"))?;
        let mut links: Vec<ReviewLink> = meta
            .into_iter()
            .filter(|m| m.key.starts_with(META_PREFIX))
            .filter_map(|m| serde_json::from_str(&m.value).ok())
            .collect();
        links.sort_by_key(|l| l.created);
        Ok(links)
    }

    /// Adds assets (UIDs of the project's assets; duplicates ignored).
    pub async fn add_assets(
        &self,
        project_uid: &str,
        link_id: &str,
        asset_uids: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<ReviewLink> {
        let add: Vec<String> = asset_uids.into_iter().map(Into::into).collect();
        v::uids("assetUIDs", &add, 1, usize::MAX)?;
        let mut link = self
            .get(project_uid, link_id)
            .await
            .map_err(|e| e.within("review_links.add_assets"))?;
        for a in add {
            if !link.asset_uids.contains(&a) {
                link.asset_uids.push(a);
            }
        }
        self.save(&link)
            .await
            .map_err(|e| e.within("review_links.add_assets"))?;
        Ok(link)
    }

    /// Deletes a link (the tasks it produced stay).
    pub async fn delete(&self, project_uid: &str, link_id: &str) -> Result<()> {
        v::uid("projectUID", project_uid)?;
        v::uid("link_id", link_id)?;
        self.client
            .projects()
            .delete_meta(project_uid, &format!("{META_PREFIX}{link_id}"))
            .await
            .map_err(|e| e.within("review_links.delete"))
    }

    /// Sends the link: one external review task per recipient; returns each recipient with
    /// their `short_url`. Recipients sent before a failure are recorded before the error is
    /// returned.
    pub async fn send(
        &self,
        project_uid: &str,
        link_id: &str,
        send: ReviewLinkSend,
    ) -> Result<Vec<ReviewLinkRecipient>> {
        self.send_inner(project_uid, link_id, send)
            .await
            .map_err(|e| e.within("review_links.send"))
    }

    async fn send_inner(
        &self,
        project_uid: &str,
        link_id: &str,
        send: ReviewLinkSend,
    ) -> Result<Vec<ReviewLinkRecipient>> {
        if send.recipients.is_empty() {
            return Err(Error::invalid_input("recipients", "at least one e-mail"));
        }
        for r in &send.recipients {
            v::email("recipients", r)?;
        }
        let mut link = self.get(project_uid, link_id).await?;
        if link.asset_uids.is_empty() {
            return Err(Error::invalid_input(
                "assetUIDs",
                "the review link has no assets: add_assets first",
            ));
        }
        if link.has_password && send.password.is_none() {
            return Err(Error::invalid_input(
                "password",
                "this review link has a password; pass it to send (it is not stored)",
            ));
        }
        let assets = if link.current_version_only {
            self.latest_versions(project_uid, &link.asset_uids).await?
        } else {
            link.asset_uids.clone()
        };
        let mut out = Vec::new();
        let mut failure = None;
        for email in &send.recipients {
            let mut t = NewExternalReviewTask::new(project_uid, email.clone(), assets.clone())
                .email_subject(link.name.clone())
                .allow_download_assets(link.enable_downloading)
                .read_only(!link.allow_approvals);
            t.due_date = link.expires_at;
            t.password = send.password.clone();
            t.email_language = send.email_language.clone();
            t.comment = send.comment.clone();
            match self.client.tasks().review_asset_ext(t).await {
                Ok(task) => out.push(ReviewLinkRecipient {
                    email: email.clone(),
                    task_uid: task.task_uid.clone(),
                    short_url: task.review_url.clone(),
                    sent_at: Utc::now(),
                }),
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        if !out.is_empty() {
            link.recipients.extend(out.iter().cloned());
            let sent: Vec<&str> = out.iter().map(|r| r.email.as_str()).collect();
            let what = format!("sending to {}", sent.join(", "));
            self.save(&link)
                .await
                .map_err(|e| e.after_applied(&what, None))?;
            if let Some(e) = failure {
                // The recipients before the failing one got their tasks: say so.
                return Err(e.after_applied(&what, None));
            }
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }

    /// Maps each asset UID to the UID of the latest version of the asset with the same name.
    async fn latest_versions(&self, project_uid: &str, uids: &[String]) -> Result<Vec<String>> {
        let project = self
            .client
            .projects()
            .get_with(
                ProjectQuery::new()
                    .project_uid(project_uid)
                    .load_assets(true)
                    .load_last_version_assets(false),
            )
            .await?;
        let mut latest: HashMap<String, &Asset> = HashMap::new();
        for a in &project.assets {
            if let Some(n) = &a.name {
                let e = latest.entry(n.clone()).or_insert(a);
                if a.version.unwrap_or(0) > e.version.unwrap_or(0) {
                    *e = a;
                }
            }
        }
        let mut out = Vec::new();
        for u in uids {
            let name = project
                .assets
                .iter()
                .find(|a| &a.asset_uid == u)
                .and_then(|a| a.name.clone());
            let resolved = name
                .and_then(|n| latest.get(&n).map(|a| a.asset_uid.clone()))
                .unwrap_or_else(|| u.clone());
            if !out.contains(&resolved) {
                out.push(resolved);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_keys_use_the_api_casing_and_old_links_still_read() {
        let old = serde_json::json!({
            "id": "l1", "projectUid": "P1", "name": "n", "allowApprovals": true,
            "currentVersionOnly": false, "enableDownloading": true, "expiresAt": null,
            "hasPassword": false, "assetUIDs": ["A1"], "created": "2026-01-01T00:00:00Z",
            "recipients": [{"email": "a@example.com", "taskUid": "T1", "shortUrl": null,
                            "sentAt": "2026-01-01T00:00:00Z"}]
        });
        let link: ReviewLink = serde_json::from_value(old).unwrap();
        assert_eq!(link.project_uid, "P1");
        assert_eq!(link.recipients[0].task_uid, "T1");
        let v = serde_json::to_value(&link).unwrap();
        assert_eq!(v["projectUID"], "P1");
        assert_eq!(v["recipients"][0]["taskUID"], "T1");
        let text = v.to_string();
        assert!(!text.contains("Uid\""), "{text}");
        let again: ReviewLink = serde_json::from_value(v).unwrap();
        assert_eq!(again, link);
    }
}
