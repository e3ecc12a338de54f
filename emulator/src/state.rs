//! In-memory state of the emulated service: tenant, users, projects, assets, tasks, ...
//! Everything lives behind one lock in [`crate::app::Shared`]; file bodies live on disk.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::config::UserSpec;

/// Stable 32-hex-digit upper-case UID derived from a label (for seeded objects).
pub fn seed_uid(label: &str) -> String {
    // FNV-1a then splitmix64 twice: stable across runs and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in label.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let a = splitmix(h);
    let b = splitmix(a ^ 0x9e37_79b9_7f4a_7c15);
    format!("{a:016X}{b:016X}")
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A fresh random UID (32 upper-case hex digits).
pub fn new_uid() -> String {
    uuid::Uuid::new_v4().simple().to_string().to_uppercase()
}

/// Formats a date like the service: ISO 8601 without zone, microseconds (`2020-10-22T08:09:05.778512`).
pub fn fmt_date(d: &DateTime<Utc>) -> String {
    d.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// Formats a date in ISO 8601 UTC with a `Z`.
pub fn fmt_date_z(d: &DateTime<Utc>) -> String {
    d.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Project states.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProjectState {
    /// Work in progress.
    Active,
    /// Postponed.
    OnHold,
    /// Read-only, tasks deleted.
    Completed,
    /// Read-only, files on slow storage.
    Archived,
    /// Moving to or from the archive; set by the service only.
    InTransit,
}

impl ProjectState {
    /// Name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectState::Active => "Active",
            ProjectState::OnHold => "OnHold",
            ProjectState::Completed => "Completed",
            ProjectState::Archived => "Archived",
            ProjectState::InTransit => "InTransit",
        }
    }
    /// Case-insensitive parse.
    pub fn parse(s: &str) -> Option<Self> {
        let all = [
            ProjectState::Active,
            ProjectState::OnHold,
            ProjectState::Completed,
            ProjectState::Archived,
            ProjectState::InTransit,
        ];
        all.into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(s.trim()))
    }
    /// Active or OnHold: the states where work (edits, tasks, uploads) is possible.
    pub fn is_open(self) -> bool {
        matches!(self, ProjectState::Active | ProjectState::OnHold)
    }
}

/// Task types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskType {
    /// Upload new assets.
    UploadAssets,
    /// Upload reference documents.
    UploadRefDocs,
    /// Review assets (an account user).
    ReviewAssets,
    /// Review assets (an external e-mail recipient).
    ExternalReviewAssets,
    /// Upload a new version of one asset.
    UploadChangedAsset,
    /// Upload a video (not creatable through the API).
    UploadVideo,
    /// External video review (not creatable through the API).
    ExternalReviewVideo,
    /// Video review (not creatable through the API).
    ReviewVideo,
}

impl TaskType {
    /// All types in the documented order.
    pub const ALL: [TaskType; 8] = [
        TaskType::UploadAssets,
        TaskType::UploadRefDocs,
        TaskType::ReviewAssets,
        TaskType::ExternalReviewAssets,
        TaskType::UploadChangedAsset,
        TaskType::UploadVideo,
        TaskType::ExternalReviewVideo,
        TaskType::ReviewVideo,
    ];
    /// Name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskType::UploadAssets => "UploadAssets",
            TaskType::UploadRefDocs => "UploadRefDocs",
            TaskType::ReviewAssets => "ReviewAssets",
            TaskType::ExternalReviewAssets => "ExternalReviewAssets",
            TaskType::UploadChangedAsset => "UploadChangedAsset",
            TaskType::UploadVideo => "UploadVideo",
            TaskType::ExternalReviewVideo => "ExternalReviewVideo",
            TaskType::ReviewVideo => "ReviewVideo",
        }
    }
    /// Case-insensitive parse.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
    }
    /// Review task (takes Approved/Rejected/ApprovedWithChanges).
    pub fn is_review(self) -> bool {
        matches!(
            self,
            TaskType::ReviewAssets
                | TaskType::ExternalReviewAssets
                | TaskType::ReviewVideo
                | TaskType::ExternalReviewVideo
        )
    }
}

/// Task statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskStatus {
    /// Open.
    Pending,
    /// Done (upload tasks).
    Closed,
    /// Review approved.
    Approved,
    /// Review rejected.
    Rejected,
    /// Review approved with changes.
    ApprovedWithChanges,
}

impl TaskStatus {
    /// Name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Pending => "Pending",
            TaskStatus::Closed => "Closed",
            TaskStatus::Approved => "Approved",
            TaskStatus::Rejected => "Rejected",
            TaskStatus::ApprovedWithChanges => "ApprovedWithChanges",
        }
    }
    /// Case-insensitive parse.
    pub fn parse(s: &str) -> Option<Self> {
        [
            TaskStatus::Pending,
            TaskStatus::Closed,
            TaskStatus::Approved,
            TaskStatus::Rejected,
            TaskStatus::ApprovedWithChanges,
        ]
        .into_iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// Asset processing status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssetStatus {
    /// Uploaded, queued.
    Pending,
    /// Being processed.
    Processing,
    /// Ready.
    Processed,
    /// Unreadable file.
    Failed,
}

impl AssetStatus {
    /// Name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            AssetStatus::Pending => "Pending",
            AssetStatus::Processing => "Processing",
            AssetStatus::Processed => "Processed",
            AssetStatus::Failed => "Failed",
        }
    }
}

/// An account user.
#[derive(Clone, Debug)]
pub struct User {
    /// UID.
    pub uid: String,
    /// Login e-mail.
    pub email: String,
    /// Password.
    pub password: String,
    /// Display name.
    pub full_name: String,
    /// Lite plan (no API access).
    pub lite: bool,
}

impl User {
    /// `{userUID, fullName, email}`.
    pub fn json(&self) -> Value {
        json!({"userUID": self.uid, "fullName": self.full_name, "email": self.email})
    }
}

/// A named UID (template, kanban column, folder).
#[derive(Clone, Debug)]
pub struct Named {
    /// UID.
    pub uid: String,
    /// Name.
    pub name: String,
}

/// A project.
#[derive(Clone, Debug)]
pub struct Project {
    /// UID.
    pub uid: String,
    /// Name.
    pub name: String,
    /// Customer.
    pub customer: Option<String>,
    /// Business project / product.
    pub project: Option<String>,
    /// Design.
    pub design: Option<String>,
    /// Revision.
    pub revision: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Due date.
    pub due_date: Option<DateTime<Utc>>,
    /// Owner UIDs.
    pub owners: Vec<String>,
    /// State.
    pub state: ProjectState,
    /// Template UID.
    pub template_uid: Option<String>,
    /// Folder UID.
    pub folder_uid: Option<String>,
    /// Kanban column UID.
    pub kanban_column_uid: Option<String>,
    /// Creation date.
    pub created: DateTime<Utc>,
    /// Metadata, in insertion order.
    pub metadata: Vec<(String, String)>,
}

/// One asset version.
#[derive(Clone, Debug)]
pub struct Asset {
    /// UID of this version.
    pub uid: String,
    /// Logical asset (shared by all versions).
    pub group: String,
    /// Version number, from 1.
    pub version: u32,
    /// Project.
    pub project_uid: String,
    /// File name.
    pub name: String,
    /// Lower-case extension without dot ("" when none).
    pub ext: String,
    /// Processing status.
    pub status: AssetStatus,
    /// Page count (after processing).
    pub pages: u32,
    /// Upload date.
    pub created: DateTime<Utc>,
    /// Size in bytes.
    pub size: u64,
    /// Stored original.
    pub path: PathBuf,
    /// Thumbnail JPEG (after processing).
    pub thumb: Option<PathBuf>,
    /// Full-size PNG of page 0 for rasters (after processing); None = placeholder pages.
    pub bitmap: Option<PathBuf>,
    /// Times approved.
    pub approved: u32,
    /// Times rejected.
    pub rejected: u32,
    /// Token of the asset's review (proof tool) URL.
    pub view_token: String,
}

/// A reference document: a file or a plain URL.
#[derive(Clone, Debug)]
pub struct RefDoc {
    /// UID.
    pub uid: String,
    /// Project.
    pub project_uid: String,
    /// Name.
    pub name: String,
    /// Stored file (None for URL documents).
    pub path: Option<PathBuf>,
    /// The URL of a URL document.
    pub url: Option<String>,
    /// Size in bytes.
    pub size: u64,
    /// Processed yet.
    pub processed: bool,
    /// Creation date.
    pub created: DateTime<Utc>,
}

/// A task.
#[derive(Clone, Debug)]
pub struct Task {
    /// UID.
    pub uid: String,
    /// Project.
    pub project_uid: String,
    /// Type.
    pub kind: TaskType,
    /// Status.
    pub status: TaskStatus,
    /// Creation date.
    pub created: DateTime<Utc>,
    /// Closing date.
    pub closed: Option<DateTime<Utc>>,
    /// Assignee (None for external reviews).
    pub user_uid: Option<String>,
    /// Creator.
    pub creator_uid: String,
    /// External reviewer's e-mail.
    pub email: Option<String>,
    /// Assets under review.
    pub asset_uids: Vec<String>,
    /// Asset group a new version is requested for (UploadChangedAsset).
    pub requested_group: Option<String>,
    /// Requested asset's name (UploadChangedAsset).
    pub requested_asset_name: Option<String>,
    /// Due date.
    pub due_date: Option<DateTime<Utc>>,
    /// Comment.
    pub comment: Option<String>,
    /// Review URL token (review tasks).
    pub review_token: Option<String>,
    /// External review options, kept verbatim.
    pub options: Value,
}

/// An annotation or a comment (with `parent_uid`).
#[derive(Clone, Debug)]
pub struct Annotation {
    /// UID.
    pub uid: String,
    /// Asset.
    pub asset_uid: String,
    /// Parent annotation (comments).
    pub parent_uid: Option<String>,
    /// Page (zero-based).
    pub page: u32,
    /// Text.
    pub text: String,
    /// Region `{x,y,width,height}`.
    pub region: Option<Value>,
    /// Author UID.
    pub author_uid: String,
    /// Creation date.
    pub created: DateTime<Utc>,
    /// Completed flag.
    pub completed: bool,
    /// Hidden flag.
    pub hidden: bool,
}

/// A registered webhook.
#[derive(Clone, Debug)]
pub struct Webhook {
    /// UID.
    pub uid: String,
    /// Target URL.
    pub url: String,
    /// Secret sent as `Api-Secret`.
    pub secret: String,
    /// Event type filter.
    pub event_type: Option<String>,
    /// Creation date.
    pub created: DateTime<Utc>,
}

impl Webhook {
    /// Wire form.
    pub fn json(&self) -> Value {
        json!({"webhookUID": self.uid, "url": self.url, "secret": self.secret,
               "eventType": self.event_type, "created": fmt_date(&self.created)})
    }
}

/// An issued token.
#[derive(Clone, Debug)]
pub struct Token {
    /// Owner.
    pub user_uid: String,
    /// Expiry.
    pub expires: DateTime<Utc>,
}

/// A generated proof report.
#[derive(Clone, Debug)]
pub struct Report {
    /// File on disk.
    pub path: PathBuf,
    /// Download name.
    pub name: String,
}

/// The whole business state of the emulated tenant.
#[derive(Debug)]
pub struct Data {
    /// Tenant UID.
    pub client_uid: String,
    /// Tenant name.
    pub client_name: String,
    /// Users.
    pub users: Vec<User>,
    /// Templates.
    pub templates: Vec<Named>,
    /// Kanban columns.
    pub columns: Vec<Named>,
    /// Folders.
    pub folders: Vec<Named>,
    /// The tenant's approval workflow, which every project follows (the `Workflow` of the
    /// documentation's event `Project` entity; there is no API to choose another).
    pub workflow: Named,
    /// Projects (creation order).
    pub projects: Vec<Project>,
    /// Assets (upload order).
    pub assets: Vec<Asset>,
    /// Reference documents.
    pub refdocs: Vec<RefDoc>,
    /// Tasks.
    pub tasks: Vec<Task>,
    /// Annotations.
    pub annotations: Vec<Annotation>,
    /// Webhooks.
    pub webhooks: Vec<Webhook>,
    /// Tokens by value.
    pub tokens: HashMap<String, Token>,
    /// Proof reports by id.
    pub reports: BTreeMap<String, Report>,
}

impl Data {
    /// The seeded state for a user list.
    pub fn seeded(users: &[UserSpec]) -> Data {
        let users = users
            .iter()
            .map(|u| User {
                uid: seed_uid(&format!("user:{}", u.email)),
                email: u.email.clone(),
                password: u.password.clone(),
                full_name: u.full_name.clone(),
                lite: u.lite,
            })
            .collect();
        let named = |kind: &str, name: &str| Named {
            uid: seed_uid(&format!("{kind}:{name}")),
            name: name.to_string(),
        };
        Data {
            client_uid: seed_uid("client:ACME Packaging"),
            client_name: "ACME Packaging".into(),
            users,
            templates: vec![named("template", "Default template")],
            columns: ["To do", "In progress", "Done"]
                .iter()
                .map(|n| named("column", n))
                .collect(),
            folders: ["Inbox", "Archive"]
                .iter()
                .map(|n| named("folder", n))
                .collect(),
            workflow: named("workflow", "Default workflow"),
            projects: Vec::new(),
            assets: Vec::new(),
            refdocs: Vec::new(),
            tasks: Vec::new(),
            annotations: Vec::new(),
            webhooks: Vec::new(),
            tokens: HashMap::new(),
            reports: BTreeMap::new(),
        }
    }

    /// User by UID.
    pub fn user(&self, uid: &str) -> Option<&User> {
        self.users.iter().find(|u| u.uid.eq_ignore_ascii_case(uid))
    }
    /// Project by UID.
    pub fn project(&self, uid: &str) -> Option<&Project> {
        self.projects
            .iter()
            .find(|p| p.uid.eq_ignore_ascii_case(uid))
    }
    /// Mutable project by UID.
    pub fn project_mut(&mut self, uid: &str) -> Option<&mut Project> {
        self.projects
            .iter_mut()
            .find(|p| p.uid.eq_ignore_ascii_case(uid))
    }
    /// Asset by UID.
    pub fn asset(&self, uid: &str) -> Option<&Asset> {
        self.assets.iter().find(|a| a.uid.eq_ignore_ascii_case(uid))
    }
    /// Mutable asset by UID.
    pub fn asset_mut(&mut self, uid: &str) -> Option<&mut Asset> {
        self.assets
            .iter_mut()
            .find(|a| a.uid.eq_ignore_ascii_case(uid))
    }
    /// Task by UID.
    pub fn task(&self, uid: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.uid.eq_ignore_ascii_case(uid))
    }
    /// Annotation by UID.
    pub fn annotation(&self, uid: &str) -> Option<&Annotation> {
        self.annotations
            .iter()
            .find(|a| a.uid.eq_ignore_ascii_case(uid))
    }
    /// Reference document by UID.
    pub fn refdoc(&self, uid: &str) -> Option<&RefDoc> {
        self.refdocs
            .iter()
            .find(|r| r.uid.eq_ignore_ascii_case(uid))
    }

    /// Bytes of stored files.
    pub fn storage_used(&self) -> u64 {
        self.assets.iter().map(|a| a.size).sum::<u64>()
            + self.refdocs.iter().map(|r| r.size).sum::<u64>()
    }

    /// `{pendingCount, approvedCount, rejectedCount}` of an asset.
    pub fn asset_review_status(&self, a: &Asset) -> Value {
        let pending = self
            .tasks
            .iter()
            .filter(|t| {
                t.kind.is_review()
                    && t.status == TaskStatus::Pending
                    && t.asset_uids.iter().any(|u| u == &a.uid)
            })
            .count();
        json!({"pendingCount": pending, "approvedCount": a.approved, "rejectedCount": a.rejected})
    }

    /// `{pendingCount, approvedCount, rejectedCount}` of a project.
    pub fn project_review_status(&self, p: &Project) -> Value {
        let pending = self
            .tasks
            .iter()
            .filter(|t| {
                t.project_uid == p.uid && t.kind.is_review() && t.status == TaskStatus::Pending
            })
            .count();
        let (mut ap, mut rj) = (0u32, 0u32);
        for a in self.assets.iter().filter(|a| a.project_uid == p.uid) {
            ap += a.approved;
            rj += a.rejected;
        }
        json!({"pendingCount": pending, "approvedCount": ap, "rejectedCount": rj})
    }

    /// Wire form of an asset; `base` is the absolute URL prefix (`http://host`).
    pub fn asset_json(&self, a: &Asset, base: &str) -> Value {
        let processed = a.status == AssetStatus::Processed;
        json!({
            "assetUID": a.uid,
            "projectUID": a.project_uid,
            "version": a.version,
            "name": a.name,
            "status": a.status.as_str(),
            "reviewStatus": self.asset_review_status(a),
            "pagesCount": a.pages,
            "created": fmt_date(&a.created),
            "fileSize": a.size,
            "reviewUrl": format!("{base}/proof/{}", a.view_token),
            "thumbnailUrl": if processed { Value::String(format!("{base}/files/thumb/{}", a.view_token)) } else { Value::Null },
            "fullSizeBitmapUrl": if processed { Value::String(format!("{base}/files/bitmap/{}/0", a.view_token)) } else { Value::Null },
        })
    }

    /// Wire form of a reference document.
    pub fn refdoc_json(&self, r: &RefDoc, base: &str) -> Value {
        json!({
            "refDocUID": r.uid,
            "projectUID": r.project_uid,
            "name": r.name,
            "url": r.url.clone().unwrap_or_else(|| format!("{base}/files/refdoc/{}", r.uid)),
            "isUrl": r.url.is_some(),
            "fileSize": r.size,
            "status": if r.processed { "Processed" } else { "Pending" },
            "created": fmt_date(&r.created),
        })
    }

    /// Wire form of a task.
    pub fn task_json(&self, t: &Task, base: &str) -> Value {
        let project_name = self.project(&t.project_uid).map(|p| p.name.clone());
        let user = match (&t.user_uid, &t.email) {
            (Some(u), _) => self.user(u).map(User::json).unwrap_or(Value::Null),
            (None, Some(e)) => json!({"userUID": null, "fullName": e, "email": e}),
            _ => Value::Null,
        };
        let mut v = json!({
            "taskUID": t.uid,
            "projectUID": t.project_uid,
            "projectName": project_name,
            "clientUID": self.client_uid,
            "type": t.kind.as_str(),
            "status": t.status.as_str(),
            "created": fmt_date(&t.created),
            "closed": t.closed.as_ref().map(fmt_date),
            "dueDate": t.due_date.as_ref().map(fmt_date),
            "comment": t.comment,
            "user": user,
            "assetUIDs": t.asset_uids,
        });
        // The documentation: `reviewUrl` "appears only for ReviewAsset task" (review tasks),
        // `requestedAssetName` "appears only in UploadChangedAsset task". Absent elsewhere.
        if let Some(m) = v.as_object_mut() {
            if t.kind.is_review() {
                m.insert(
                    "reviewUrl".into(),
                    json!(t.review_token.as_ref().map(|tok| format!("{base}/r/{tok}"))),
                );
            }
            if t.kind == TaskType::UploadChangedAsset {
                m.insert("requestedAssetName".into(), json!(t.requested_asset_name));
            }
        }
        v
    }

    /// Wire form of an annotation.
    pub fn annotation_json(&self, a: &Annotation) -> Value {
        let author = self
            .user(&a.author_uid)
            .map(User::json)
            .unwrap_or(Value::Null);
        json!({
            "annotationUID": a.uid,
            "assetUID": a.asset_uid,
            "parentUID": a.parent_uid,
            "page": a.page,
            "text": a.text,
            "region": a.region,
            "author": author,
            "created": fmt_date(&a.created),
            "isCompleted": a.completed,
            "isHidden": a.hidden,
        })
    }

    /// Wire form of a project (no child collections).
    pub fn project_json(&self, p: &Project) -> Value {
        json!({
            "projectUID": p.uid,
            "name": p.name,
            "projectName": p.name,
            "projectState": p.state.as_str(),
            "state": p.state.as_str(),
            "customer": p.customer,
            "project": p.project,
            "design": p.design,
            "revision": p.revision,
            "description": p.description,
            "tags": p.tags,
            "dueDate": p.due_date.as_ref().map(fmt_date),
            "reviewStatus": self.project_review_status(p),
            "created": fmt_date(&p.created),
            "owners": p.owners,
            "projectOwnersUIDS": p.owners,
            "client": {"clientUID": self.client_uid, "name": self.client_name},
            "clientUID": self.client_uid,
            "templateUID": p.template_uid,
            "folderUID": p.folder_uid,
            "kanbanColumnUID": p.kanban_column_uid,
            "workflow": {"workflowUID": self.workflow.uid, "name": self.workflow.name},
        })
    }

    /// The PascalCase `Project` entity of webhook events: the project as `GET project` gives
    /// it, keys in PascalCase, with the documented `Workflow {WorkflowUID, Name}` and a
    /// `Created` in UTC with the trailing `Z` of the documentation's samples.
    pub fn event_project_json(&self, p: &Project) -> Value {
        let mut v = pascal_keys(&self.project_json(p));
        if let Some(m) = v.as_object_mut() {
            m.insert("Created".into(), json!(fmt_date_z(&p.created)));
        }
        v
    }

    /// Wire form of a client with its users, templates, columns and folders.
    pub fn client_json(&self) -> Value {
        json!({
            "clientUID": self.client_uid,
            "name": self.client_name,
            "users": self.users.iter().filter(|u| !u.lite).map(User::json).collect::<Vec<_>>(),
            "templates": self.templates.iter().map(|t| json!({"templateUID": t.uid, "name": t.name, "data": "{}"})).collect::<Vec<_>>(),
            "kanbanColumns": self.columns.iter().map(|c| json!({"kanbanColumnUID": c.uid, "name": c.name})).collect::<Vec<_>>(),
            "folders": self.folders.iter().map(|f| json!({"folderUID": f.uid, "name": f.name})).collect::<Vec<_>>(),
        })
    }
}

/// Converts camelCase keys to PascalCase recursively (`projectUID` → `ProjectUID`), for the
/// `Project` entity inside webhook events.
pub fn pascal_keys(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let mut c = k.chars();
                    let key = match c.next() {
                        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                        None => String::new(),
                    };
                    (key, pascal_keys(v))
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(pascal_keys).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_uids_are_stable_hex() {
        let a = seed_uid("user:admin@example.com");
        assert_eq!(a, seed_uid("user:admin@example.com"));
        assert_eq!(a.len(), 32);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()));
        assert_eq!(new_uid().len(), 32);
    }

    #[test]
    fn pascal() {
        let v = pascal_keys(&json!({"projectUID": "x", "reviewStatus": {"pendingCount": 1}}));
        assert_eq!(v["ProjectUID"], "x");
        assert_eq!(v["ReviewStatus"]["PendingCount"], 1);
    }
}
