//! Projects: `GET/POST/PUT/DELETE project`, `project/proofreport`, `project/state`,
//! `project/meta`, `project/kanban/column`, `project/folder`.

use super::Body;
use crate::error::{Error, ErrorKind, Result};
use crate::models::{decode, uid_from, MetaEntry, Project, ProjectState};
use crate::transfer::{self, Download};
use crate::transport::{Call, Retry};
use crate::validate as v;
use crate::Client;
use chrono::{DateTime, Utc};
use std::path::PathBuf;

/// Handle for project operations (`client.projects()`).
#[derive(Clone, Copy, Debug)]
pub struct Projects<'a> {
    pub(crate) client: &'a Client,
}

/// Filter and options of `GET project` ([`Projects::list`]).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct ProjectQuery {
    /// Only this project.
    pub project_uid: Option<String>,
    /// States to include (server default: Active, OnHold, Completed).
    pub states: Vec<ProjectState>,
    /// Case-sensitive substring over name, customer, project, design, revision, description,
    /// tags.
    pub query: Option<String>,
    /// Include assets.
    pub load_assets: Option<bool>,
    /// Only the latest version of each asset (server default true).
    pub load_last_version_assets: Option<bool>,
    /// Include active tasks.
    pub load_tasks: Option<bool>,
    /// Include reference documents.
    pub load_refdocs: Option<bool>,
    /// Include metadata.
    pub load_metadata: Option<bool>,
}

impl ProjectQuery {
    /// An empty query (server defaults).
    pub fn new() -> Self {
        Self::default()
    }
    /// Only the project with this UID.
    pub fn project_uid(mut self, uid: impl Into<String>) -> Self {
        self.project_uid = Some(uid.into());
        self
    }
    /// Only projects in these states.
    pub fn states(mut self, states: impl IntoIterator<Item = ProjectState>) -> Self {
        self.states = states.into_iter().collect();
        self
    }
    /// Free-text, case-sensitive search.
    pub fn query(mut self, q: impl Into<String>) -> Self {
        self.query = Some(q.into());
        self
    }
    /// Include assets.
    pub fn load_assets(mut self, on: bool) -> Self {
        self.load_assets = Some(on);
        self
    }
    /// Only latest asset versions (with `load_assets`).
    pub fn load_last_version_assets(mut self, on: bool) -> Self {
        self.load_last_version_assets = Some(on);
        self
    }
    /// Include active tasks.
    pub fn load_tasks(mut self, on: bool) -> Self {
        self.load_tasks = Some(on);
        self
    }
    /// Include reference documents.
    pub fn load_refdocs(mut self, on: bool) -> Self {
        self.load_refdocs = Some(on);
        self
    }
    /// Include metadata.
    pub fn load_metadata(mut self, on: bool) -> Self {
        self.load_metadata = Some(on);
        self
    }
}

/// A new project ([`Projects::create`]).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct NewProject {
    /// Tenant UID (default: the first tenant of the user).
    pub client_uid: Option<String>,
    /// Project name (mandatory).
    pub name: String,
    /// Customer (≤ 50 chars).
    pub customer: Option<String>,
    /// Business project or product (≤ 50 chars).
    pub project: Option<String>,
    /// Design (≤ 50 chars).
    pub design: Option<String>,
    /// Revision (≤ 50 chars).
    pub revision: Option<String>,
    /// Description (≤ 200 chars).
    pub description: Option<String>,
    /// Tags (≤ 20 of ≤ 25 chars).
    pub tags: Vec<String>,
    /// Due date (UTC).
    pub due_date: Option<DateTime<Utc>>,
    /// Owner UIDs (1..20).
    pub owners: Vec<String>,
    /// Template UID.
    pub template_uid: Option<String>,
    /// Folder UID.
    pub folder_uid: Option<String>,
}

macro_rules! opt_setters {
    ($t:ty { $($(#[$m:meta])* $name:ident),* }) => {
        impl $t {
            $(
                $(#[$m])*
                pub fn $name(mut self, v: impl Into<String>) -> Self {
                    self.$name = Some(v.into());
                    self
                }
            )*
        }
    };
}
pub(crate) use opt_setters;

impl NewProject {
    /// A project named `name` owned by `owners` (user UIDs, see `client.users()`).
    pub fn new(
        name: impl Into<String>,
        owners: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        NewProject {
            name: name.into(),
            owners: owners.into_iter().map(Into::into).collect(),
            ..Default::default()
        }
    }
    /// Tags.
    pub fn tags(mut self, tags: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }
    /// Due date.
    pub fn due_date(mut self, d: DateTime<Utc>) -> Self {
        self.due_date = Some(d);
        self
    }

    fn validate(&self) -> Result<()> {
        v::non_empty("projectName", &self.name)?;
        validate_fields(
            &self.customer,
            &self.project,
            &self.design,
            &self.revision,
            &self.description,
            &self.tags,
        )?;
        v::uids("projectOwnersUIDS", &self.owners, 1, v::MAX_OWNERS)?;
        v::opt_uids(&[
            ("clientUID", &self.client_uid),
            ("templateUID", &self.template_uid),
            ("folderUID", &self.folder_uid),
        ])
    }
}

opt_setters!(NewProject {
    /// Tenant UID.
    client_uid,
    /// Customer (≤ 50 chars).
    customer,
    /// Business project or product (≤ 50 chars).
    project,
    /// Design (≤ 50 chars).
    design,
    /// Revision (≤ 50 chars).
    revision,
    /// Description (≤ 200 chars).
    description,
    /// Template UID.
    template_uid,
    /// Folder UID.
    folder_uid
});

fn validate_fields(
    customer: &Option<String>,
    project: &Option<String>,
    design: &Option<String>,
    revision: &Option<String>,
    description: &Option<String>,
    tags: &[String],
) -> Result<()> {
    v::max_len("customer", customer.as_deref(), v::MAX_SHORT_FIELD)?;
    v::max_len("project", project.as_deref(), v::MAX_SHORT_FIELD)?;
    v::max_len("design", design.as_deref(), v::MAX_SHORT_FIELD)?;
    v::max_len("revision", revision.as_deref(), v::MAX_SHORT_FIELD)?;
    v::max_len("description", description.as_deref(), v::MAX_DESCRIPTION)?;
    v::tags(tags)
}

/// Changes to a project ([`Projects::update`]); unset fields are left as they are.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct ProjectUpdate {
    /// The project (mandatory).
    pub project_uid: String,
    /// New name.
    pub name: Option<String>,
    /// Customer.
    pub customer: Option<String>,
    /// Business project or product.
    pub project: Option<String>,
    /// Design.
    pub design: Option<String>,
    /// Revision.
    pub revision: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Tags (replaces the list when set).
    pub tags: Option<Vec<String>>,
    /// Due date.
    pub due_date: Option<DateTime<Utc>>,
    /// Owners (replaces the list when set).
    pub owners: Option<Vec<String>>,
    /// Template UID.
    pub template_uid: Option<String>,
    /// Folder UID.
    pub folder_uid: Option<String>,
    /// Tenant (client) UID: sent as `clientUID` (the service's default is the caller's first).
    pub client_uid: Option<String>,
}

impl ProjectUpdate {
    /// Changes to `project_uid`.
    pub fn new(project_uid: impl Into<String>) -> Self {
        ProjectUpdate {
            project_uid: project_uid.into(),
            ..Default::default()
        }
    }
    /// Replace the tags.
    pub fn tags(mut self, tags: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.tags = Some(tags.into_iter().map(Into::into).collect());
        self
    }
    /// Replace the owners.
    pub fn owners(mut self, owners: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.owners = Some(owners.into_iter().map(Into::into).collect());
        self
    }
    /// Due date.
    pub fn due_date(mut self, d: DateTime<Utc>) -> Self {
        self.due_date = Some(d);
        self
    }
}

opt_setters!(ProjectUpdate {
    /// New name.
    name,
    /// Customer (≤ 50 chars).
    customer,
    /// Business project or product (≤ 50 chars).
    project,
    /// Design (≤ 50 chars).
    design,
    /// Revision (≤ 50 chars).
    revision,
    /// Description (≤ 200 chars).
    description,
    /// Template UID.
    template_uid,
    /// Folder UID.
    folder_uid,
    /// Tenant (client) UID.
    client_uid
});

/// A metadata key: not blank, at most [`v::MAX_META_KEY`] characters, no control characters.
fn meta_key(key: &str) -> Result<()> {
    v::non_empty("key", key)?;
    v::max_len("key", Some(key), v::MAX_META_KEY)?;
    v::no_control("key", key)
}

fn bool_str(b: bool) -> String {
    if b { "true" } else { "false" }.to_string()
}

impl<'a> Projects<'a> {
    /// `GET project`: projects matching `query`.
    pub async fn list(&self, query: ProjectQuery) -> Result<Vec<Project>> {
        if let Some(u) = &query.project_uid {
            v::uid("projectUID", u)?;
        }
        if let Some(q) = &query.query {
            v::max_len("query", Some(q), v::MAX_QUERY)?;
            v::no_control("query", q)?;
        }
        let states = if query.states.is_empty() {
            None
        } else {
            Some(
                query
                    .states
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            )
        };
        let call = Call::get("projects.list", "project")
            .q_opt("ProjectUID", query.project_uid)
            .q_opt("States", states)
            .q_opt("Query", query.query)
            .q_opt("IsLoadAssets", query.load_assets.map(bool_str))
            .q_opt(
                "IsLoadLastVerAssets",
                query.load_last_version_assets.map(bool_str),
            )
            .q_opt("IsLoadTasks", query.load_tasks.map(bool_str))
            .q_opt("IsLoadRefDocs", query.load_refdocs.map(bool_str))
            .q_opt("IsLoadMetadata", query.load_metadata.map(bool_str));
        let v = self.client.inner.json(&call).await?;
        let v = match v {
            serde_json::Value::Null => serde_json::Value::Array(vec![]),
            o @ serde_json::Value::Object(_) => serde_json::Value::Array(vec![o]),
            other => other,
        };
        decode(v, "the project list")
    }

    /// `GET project?ProjectUID=`: one project, any state.
    pub async fn get(&self, project_uid: &str) -> Result<Project> {
        self.get_with(ProjectQuery::new().project_uid(project_uid))
            .await
    }

    /// `GET project?ProjectUID=` with options (load assets, tasks, ...); the query's
    /// `project_uid` must be set. All states are included unless `states` is set.
    pub async fn get_with(&self, mut query: ProjectQuery) -> Result<Project> {
        let uid = query.project_uid.clone().unwrap_or_default();
        v::uid("projectUID", &uid)?;
        if query.states.is_empty() {
            query.states = vec![
                ProjectState::Active,
                ProjectState::OnHold,
                ProjectState::Completed,
                ProjectState::Archived,
                ProjectState::InTransit,
            ];
        }
        self.list(query)
            .await
            .map_err(|e| e.within("projects.get"))?
            .into_iter()
            .find(|p| p.project_uid == uid)
            .ok_or_else(|| {
                Error::new(ErrorKind::NotFound, format!("project {uid} not found"))
                    .with_operation("projects.get")
            })
    }

    /// `POST project`: creates a project. Not retried once sent: an unknown outcome is an
    /// `Ambiguous` error (list before creating again).
    pub async fn create(&self, p: NewProject) -> Result<Project> {
        p.validate()?;
        let body = Body::new()
            .opt("clientUID", p.client_uid)
            .set("projectName", p.name)
            .opt("customer", p.customer)
            .opt("project", p.project)
            .opt("design", p.design)
            .opt("revision", p.revision)
            .opt("description", p.description)
            .opt("tags", (!p.tags.is_empty()).then_some(p.tags))
            .date("dueDate", p.due_date)
            .set("projectOwnersUIDS", p.owners)
            .opt("templateUID", p.template_uid)
            .opt("folderUID", p.folder_uid)
            .build();
        let v = self
            .client
            .inner
            .json(&Call::create("projects.create", "project").json(body))
            .await?;
        self.project_result("projects.create", v).await
    }

    /// The project a create or update answered (read back when the answer is only its UID).
    /// The write was applied: a failure from here on says so.
    async fn project_result(&self, op: &str, v: serde_json::Value) -> Result<Project> {
        let uid = uid_from(&v, &["projectUID"], "project UID")
            .map_err(|e| e.after_applied(op, None).within(op))?;
        let has_more = v.as_object().is_some_and(|o| o.len() > 1);
        let r = if has_more {
            decode(v, "the project")
        } else {
            self.get(&uid).await
        };
        r.map_err(|e| e.after_applied(op, Some(&uid)).within(op))
    }

    /// `PUT project`: edits a project (406 unless Active or OnHold). The service replaces the
    /// project's fields, so the current project is read first and unset fields keep their
    /// values.
    pub async fn update(&self, u: ProjectUpdate) -> Result<Project> {
        v::uid("projectUID", &u.project_uid)?;
        if let Some(n) = &u.name {
            v::non_empty("projectName", n)?;
        }
        validate_fields(
            &u.customer,
            &u.project,
            &u.design,
            &u.revision,
            &u.description,
            u.tags.as_deref().unwrap_or(&[]),
        )?;
        if let Some(o) = &u.owners {
            v::uids("projectOwnersUIDS", o, 1, v::MAX_OWNERS)?;
        }
        v::opt_uids(&[
            ("clientUID", &u.client_uid),
            ("templateUID", &u.template_uid),
            ("folderUID", &u.folder_uid),
        ])?;
        // PUT replaces the project: start from its current fields so unset ones are kept.
        let cur = self
            .get(&u.project_uid)
            .await
            .map_err(|e| e.within("projects.update"))?;
        let keep = |new: Option<String>, old: &Option<String>| new.or_else(|| old.clone());
        let body = Body::new()
            .set("projectUID", u.project_uid.clone())
            .opt("clientUID", u.client_uid)
            .opt("projectName", keep(u.name, &cur.name))
            .opt("customer", keep(u.customer, &cur.customer))
            .opt("project", keep(u.project, &cur.project))
            .opt("design", keep(u.design, &cur.design))
            .opt("revision", keep(u.revision, &cur.revision))
            .opt("description", keep(u.description, &cur.description))
            .set("tags", u.tags.unwrap_or(cur.tags))
            .date("dueDate", u.due_date.or(cur.due_date))
            .set("projectOwnersUIDS", u.owners.unwrap_or(cur.owners))
            .opt("templateUID", keep(u.template_uid, &cur.template_uid))
            .opt("folderUID", keep(u.folder_uid, &cur.folder_uid))
            .build();
        let v = self
            .client
            .inner
            .json(&Call::put("projects.update", "project").json(body))
            .await?;
        if v.is_null() {
            return self.get(&u.project_uid).await.map_err(|e| {
                e.after_applied("projects.update", None)
                    .within("projects.update")
            });
        }
        self.project_result("projects.update", v).await
    }

    /// `DELETE project`: deletes a Completed or Archived project (412 otherwise).
    pub async fn delete(&self, project_uid: &str) -> Result<()> {
        v::uid("projectUID", project_uid)?;
        self.client
            .inner
            .json(&Call::delete("projects.delete", "project").q("ProjectUID", project_uid))
            .await
            .map(|_| ())
    }

    /// `GET project/proofreport`: the URL of the project's proof report (PDF).
    pub async fn proof_report_url(&self, project_uid: &str) -> Result<String> {
        v::uid("projectUID", project_uid)?;
        let v = self
            .client
            .inner
            .json(
                &Call::get("projects.proof_report", "project/proofreport")
                    .q("ProjectUID", project_uid),
            )
            .await?;
        uid_from(&v, &["downloadURL", "url"], "downloadURL")
    }

    /// Downloads the project's proof report to `download`'s target (a file, or a directory
    /// to use the server's file name); returns the final path.
    pub async fn download_proof_report(
        &self,
        project_uid: &str,
        download: Download,
    ) -> Result<PathBuf> {
        v::uid("projectUID", project_uid)?;
        let call =
            Call::get("projects.proof_report", "project/proofreport").q("ProjectUID", project_uid);
        transfer::download(
            self.client,
            call,
            download,
            &format!("proofreport-{project_uid}.pdf"),
        )
        .await
    }

    /// `PUT project/state`. `InTransit` can't be requested. A retried call that finds the
    /// project already in `state` counts as success.
    pub async fn set_state(&self, project_uid: &str, state: ProjectState) -> Result<()> {
        v::uid("projectUID", project_uid)?;
        if state == ProjectState::InTransit {
            return Err(Error::invalid_input(
                "state",
                "InTransit is set by the service itself; request Active, OnHold, Completed or Archived",
            ));
        }
        if let ProjectState::Other(s) = &state {
            return Err(Error::invalid_input(
                "state",
                format!("unknown state {s:?}"),
            ));
        }
        let body = Body::new()
            .set("projectUID", project_uid)
            .set("state", state.to_string())
            .build();
        self.client
            .inner
            .json(
                &Call::put("projects.set_state", "project/state")
                    .retry(Retry::StateChange)
                    .json(body),
            )
            .await
            .map(|_| ())
    }

    /// `GET project/meta`: the project's metadata.
    pub async fn meta(&self, project_uid: &str) -> Result<Vec<MetaEntry>> {
        v::uid("projectUID", project_uid)?;
        let v = self
            .client
            .inner
            .json(&Call::get("projects.meta", "project/meta").q("ProjectUID", project_uid))
            .await?;
        if v.is_null() {
            return Ok(Vec::new());
        }
        decode(v, "the metadata")
    }

    /// `POST project/meta`: sets (upserts) a metadata entry.
    pub async fn set_meta(&self, project_uid: &str, key: &str, value: &str) -> Result<()> {
        v::uid("projectUID", project_uid)?;
        meta_key(key)?;
        v::max_len("value", Some(value), v::MAX_META_VALUE)?;
        let body = Body::new()
            .set("projectUID", project_uid)
            .set("key", key)
            .set("value", value)
            .build();
        self.client
            .inner
            .json(&Call::post_idempotent("projects.set_meta", "project/meta").json(body))
            .await
            .map(|_| ())
    }

    /// `DELETE project/meta`: removes a metadata entry.
    pub async fn delete_meta(&self, project_uid: &str, key: &str) -> Result<()> {
        v::uid("projectUID", project_uid)?;
        meta_key(key)?;
        self.client
            .inner
            .json(
                &Call::delete("projects.delete_meta", "project/meta")
                    .q("ProjectUID", project_uid)
                    .q("Key", key),
            )
            .await
            .map(|_| ())
    }

    /// `POST project/kanban/column`: moves the project to a kanban column (UIDs from
    /// `client.users().list()`).
    pub async fn move_to_kanban_column(
        &self,
        project_uid: &str,
        kanban_column_uid: &str,
    ) -> Result<()> {
        v::uid("projectUID", project_uid)?;
        v::uid("kanbanColumnUID", kanban_column_uid)?;
        let body = Body::new()
            .set("projectUID", project_uid)
            .set("kanbanColumnUID", kanban_column_uid)
            .build();
        self.client
            .inner
            .json(
                &Call::post_idempotent("projects.move_to_kanban_column", "project/kanban/column")
                    .json(body),
            )
            .await
            .map(|_| ())
    }

    /// `POST project/folder`: moves the project to a folder.
    pub async fn move_to_folder(&self, project_uid: &str, folder_uid: &str) -> Result<()> {
        v::uid("projectUID", project_uid)?;
        v::uid("folderUID", folder_uid)?;
        let body = Body::new()
            .set("projectUID", project_uid)
            .set("folderUID", folder_uid)
            .build();
        self.client
            .inner
            .json(&Call::post_idempotent("projects.move_to_folder", "project/folder").json(body))
            .await
            .map(|_| ())
    }
}
