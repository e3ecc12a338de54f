//! Records returned by the API, read tolerantly.
//!
//! Every record:
//! - matches field names case-insensitively (`projectUID`, `ProjectUID` and `projectuid` are
//!   the same field), ignores unknown fields, and never fails because one field has an
//!   unexpected type (that field is left empty; the original is still in [`Project::raw`]);
//! - keeps the JSON it was read from, available through `raw()`;
//! - reads dates without a zone (`2020-10-22T08:09:05.778512`) as UTC;
//! - serializes back to JSON with the API's own (camelCase) field names, which is what the C
//!   ABI hands out.
//!
//! Enums ([`ProjectState`], [`AssetStatus`], [`TaskType`], [`TaskStatus`], [`EmailLanguage`])
//! have an `Other(String)` variant for values this version does not know, and implement
//! `Display`/`FromStr` with the API's spelling.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

pub mod json;

pub use json::WriteJson;

/// Helpers of the tolerant reader.
pub(crate) mod wire {
    use super::*;

    /// What a JSON value is, for error messages.
    pub(crate) fn kind(v: &Value) -> &'static str {
        match v {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "a list",
            Value::Object(_) => "an object",
        }
    }

    /// Lower-cased key → value map of a JSON object.
    pub(crate) fn keys(v: &Value) -> HashMap<String, &Value> {
        let mut m = HashMap::new();
        if let Value::Object(o) = v {
            for (k, v) in o {
                m.entry(k.to_ascii_lowercase()).or_insert(v);
            }
        }
        m
    }

    /// The value of the first of `names` present (case-insensitively) and not null.
    pub(crate) fn lookup<'a>(m: &HashMap<String, &'a Value>, names: &[&str]) -> Option<&'a Value> {
        names
            .iter()
            .filter_map(|n| m.get(&n.to_ascii_lowercase()).copied())
            .find(|v| !v.is_null())
    }

    /// Default reader: serde, and the type's default when the value doesn't fit.
    pub(crate) fn read<T: serde::de::DeserializeOwned + Default>(v: Option<&Value>) -> T {
        match v {
            None => T::default(),
            Some(v) => match serde_json::from_value::<T>(v.clone()) {
                Ok(t) => t,
                Err(_) => {
                    // Tolerate numbers/bools sent as strings and vice versa.
                    let alt = match v {
                        Value::String(s) => serde_json::from_str::<Value>(s).ok(),
                        Value::Number(n) => Some(Value::String(n.to_string())),
                        Value::Bool(b) => Some(Value::String(b.to_string())),
                        _ => None,
                    };
                    alt.and_then(|a| serde_json::from_value::<T>(a).ok())
                        .unwrap_or_default()
                }
            },
        }
    }

    /// Date reader: ISO 8601 with or without a zone (zone-less read as UTC), or a plain date.
    pub(crate) fn date(v: Option<&Value>) -> Option<DateTime<Utc>> {
        v.and_then(|v| v.as_str()).and_then(parse_date)
    }

    /// Reader of a list of strings that also accepts a single comma-separated string.
    pub(crate) fn strings(v: Option<&Value>) -> Vec<String> {
        match v {
            Some(Value::String(s)) => s
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|x| match x {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    Value::Object(_) => {
                        let m = keys(x);
                        lookup(&m, &["userUID", "uid", "id"])
                            .and_then(|v| v.as_str())
                            .map(str::to_string)
                    }
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Reader of a user that also accepts a plain string (taken as the full name).
    pub(crate) fn user(v: Option<&Value>) -> Option<User> {
        match v {
            Some(Value::String(s)) => Some(User {
                full_name: Some(s.clone()),
                raw: Value::String(s.clone()),
                ..User::default()
            }),
            Some(v @ Value::Object(_)) => Some(User::from_raw(v.clone())),
            _ => None,
        }
    }
}

/// Parses an API date: RFC 3339, zone-less ISO 8601 (read as UTC), or a plain date.
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    // chrono's own form, which is what the records serialize to, also for years outside
    // 0000-9999 (`-2020-10-22T00:00:00Z`, `+10000-01-01T00:00:00Z`) that RFC 3339 can't hold.
    if let Ok(d) = s.parse::<DateTime<chrono::FixedOffset>>() {
        return Some(d.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(n.and_utc());
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| n.and_utc())
}

/// Records that can be built from raw JSON by the tolerant reader.
pub trait FromRaw: Sized {
    /// Builds the record from `raw` (never fails; fields that don't fit stay empty).
    fn from_raw(raw: Value) -> Self;
}

macro_rules! record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $field:ident : $ty:ty = $wire:literal $(| $alias:literal)* $(=> $reader:path)?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Default, serde::Serialize)]
        #[non_exhaustive]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(rename = $wire)]
                pub $field: $ty,
            )*
            #[serde(skip)]
            pub(crate) raw: ::serde_json::Value,
        }

        // Debug leaves out `raw`: it may hold secrets (token, webhook secret).
        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($name))
                    $(.field(stringify!($field), &self.$field))*
                    .finish_non_exhaustive()
            }
        }

        impl $name {
            /// The JSON this record was read from (unknown fields included).
            pub fn raw(&self) -> &::serde_json::Value {
                &self.raw
            }
        }

        impl $crate::models::json::WriteJson for $name {
            fn write_json(&self, out: &mut Vec<u8>) -> ::std::io::Result<()> {
                // The same text as the derived `Serialize` through serde_json, with the field
                // names written as constants.
                let mut sep = b'{';
                $(
                    out.push(sep);
                    sep = b',';
                    out.extend_from_slice(concat!("\"", $wire, "\":").as_bytes());
                    $crate::models::json::WriteJson::write_json(&self.$field, out)?;
                )*
                if sep == b'{' {
                    out.push(b'{');
                }
                out.push(b'}');
                Ok(())
            }
        }

        impl $crate::models::FromRaw for $name {
            fn from_raw(raw: ::serde_json::Value) -> Self {
                let m = $crate::models::wire::keys(&raw);
                $(
                    let $field: $ty = {
                        let v = $crate::models::wire::lookup(&m, &[$wire $(, $alias)*]);
                        record!(@read v $(, $reader)?)
                    };
                )*
                drop(m);
                $name { $($field,)* raw }
            }
        }

        impl $crate::models::FromValue for $name {
            fn from_value(v: ::serde_json::Value) -> ::std::result::Result<Self, String> {
                if v.is_object() {
                    Ok(<$name as $crate::models::FromRaw>::from_raw(v))
                } else {
                    Err(format!(
                        concat!("expected a JSON object for ", stringify!($name), ", got {}"),
                        $crate::models::wire::kind(&v)
                    ))
                }
            }
        }

        impl $crate::models::FromValue for Vec<$name> {
            fn from_value(v: ::serde_json::Value) -> ::std::result::Result<Self, String> {
                match v {
                    ::serde_json::Value::Array(items) => items
                        .into_iter()
                        .map(<$name as $crate::models::FromValue>::from_value)
                        .collect(),
                    other => Err(format!(
                        concat!("expected a list of ", stringify!($name), ", got {}"),
                        $crate::models::wire::kind(&other)
                    )),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <::serde_json::Value as serde::Deserialize>::deserialize(d)?;
                if !raw.is_object() {
                    return Err(serde::de::Error::custom(concat!(
                        "expected a JSON object for ",
                        stringify!($name)
                    )));
                }
                Ok(<$name as $crate::models::FromRaw>::from_raw(raw))
            }
        }
    };
    (@read $v:ident) => { $crate::models::wire::read($v) };
    (@read $v:ident, $reader:path) => { $reader($v) };
}

macro_rules! api_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),* $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the SDK does not know (kept verbatim).
            Other(String),
        }

        impl $name {
            /// The API's spelling of the value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )*
                    $name::Other(s) => s.as_str(),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::models::json::WriteJson for $name {
            fn write_json(&self, out: &mut Vec<u8>) -> ::std::io::Result<()> {
                $crate::models::json::write_str(self.as_str(), out)
            }
        }

        impl FromStr for $name {
            type Err = std::convert::Infallible;
            /// Case-insensitive; unknown values become `Other`.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $( if s.eq_ignore_ascii_case($wire) { return Ok($name::$variant); } )*
                Ok($name::Other(s.to_string()))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = Value::deserialize(d)?;
                match v {
                    Value::String(s) => Ok(s.parse().unwrap_or_else(|e| match e {})),
                    other => Ok($name::Other(other.to_string())),
                }
            }
        }
    };
}

api_enum! {
    /// State of a project.
    pub enum ProjectState {
        /// Work is undergoing.
        Active = "Active",
        /// Postponed.
        OnHold = "OnHold",
        /// Read-only; tasks deleted.
        Completed = "Completed",
        /// Completed and moved to slow storage.
        Archived = "Archived",
        /// Moving to/from archive storage (set by the service only).
        InTransit = "InTransit",
    }
}

api_enum! {
    /// Processing status of an asset.
    pub enum AssetStatus {
        /// Uploaded, waiting for processing.
        Pending = "Pending",
        /// Being processed.
        Processing = "Processing",
        /// Ready for review.
        Processed = "Processed",
        /// Processing failed.
        Failed = "Failed",
    }
}

api_enum! {
    /// Type of a task.
    pub enum TaskType {
        /// Upload assets.
        UploadAssets = "UploadAssets",
        /// Upload reference documents.
        UploadRefDocs = "UploadRefDocs",
        /// Internal review of assets.
        ReviewAssets = "ReviewAssets",
        /// External review (by email) of assets.
        ExternalReviewAssets = "ExternalReviewAssets",
        /// Upload a new version of an asset.
        UploadChangedAsset = "UploadChangedAsset",
        /// Upload a video.
        UploadVideo = "UploadVideo",
        /// External review of a video.
        ExternalReviewVideo = "ExternalReviewVideo",
        /// Internal review of a video.
        ReviewVideo = "ReviewVideo",
    }
}

api_enum! {
    /// Status of a task.
    pub enum TaskStatus {
        /// Open.
        Pending = "Pending",
        /// Completed (upload tasks).
        Closed = "Closed",
        /// Review approved.
        Approved = "Approved",
        /// Review rejected.
        Rejected = "Rejected",
        /// Review approved with changes.
        ApprovedWithChanges = "ApprovedWithChanges",
    }
}

api_enum! {
    /// Language of the e-mail sent for an external review.
    pub enum EmailLanguage {
        /// English.
        English = "English",
        /// German.
        German = "German",
        /// French.
        French = "French",
        /// Polish.
        Polish = "Polish",
        /// Spanish.
        Spanish = "Spanish",
        /// Hebrew.
        Hebrew = "Hebrew",
        /// Ukrainian.
        Ukrainian = "Ukrainian",
    }
}

/// A secret string received from the API (token, webhook secret): never shown by `Debug`,
/// serialized verbatim (so the C ABI's JSON carries it), compared in constant time by
/// [`crate::webhook::verify`].
#[derive(Clone, Default)]
pub struct ApiSecret(SecretString);

impl ApiSecret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> ApiSecret {
        ApiSecret(SecretString::from(s.into()))
    }
    /// The secret's value. Don't log it.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
    /// The wrapped `secrecy` secret.
    pub fn as_secret(&self) -> &SecretString {
        &self.0
    }
}

impl From<SecretString> for ApiSecret {
    fn from(s: SecretString) -> Self {
        ApiSecret(s)
    }
}

impl fmt::Debug for ApiSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl serde::Serialize for ApiSecret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.expose_secret())
    }
}

impl<'de> serde::Deserialize<'de> for ApiSecret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(ApiSecret::new(s))
    }
}

record! {
    /// Result of `POST token/login`.
    pub struct LoginResult {
        /// The bearer token (secret).
        token: Option<ApiSecret> = "token",
        /// When the token expires (UTC).
        expiration_date: Option<DateTime<Utc>> = "expirationDate" => wire::date,
    }
}

record! {
    /// Review counters of a project or an asset.
    pub struct ReviewStatus {
        /// Non-completed review tasks.
        pending_count: Option<u64> = "pendingCount",
        /// Approvals made.
        approved_count: Option<u64> = "approvedCount",
        /// Rejections made.
        rejected_count: Option<u64> = "rejectedCount",
    }
}

record! {
    /// A user (of a tenant, a task's assignee, the logged-in user).
    pub struct User {
        /// User UID.
        user_uid: String = "userUID" | "uid",
        /// Full name.
        full_name: Option<String> = "fullName" | "name",
        /// E-mail address.
        email: Option<String> = "email",
    }
}

record! {
    /// The tenant a project belongs to, as embedded in a project.
    pub struct ProjectClient {
        /// Tenant UID.
        client_uid: String = "clientUID",
        /// Tenant name.
        name: Option<String> = "name",
    }
}

record! {
    /// A metadata entry of a project.
    pub struct MetaEntry {
        /// Key.
        key: String = "key",
        /// Value.
        value: String = "value",
    }
}

record! {
    /// An asset (one version of a file under review).
    pub struct Asset {
        /// Asset UID (of this version).
        asset_uid: String = "assetUID",
        /// Project UID, when the server sends it.
        project_uid: Option<String> = "projectUID",
        /// Version number (1 for the first).
        version: Option<u32> = "version",
        /// Name (the file name it was uploaded with).
        name: Option<String> = "name" | "fileName",
        /// Processing status.
        status: Option<AssetStatus> = "status",
        /// Review counters.
        review_status: Option<ReviewStatus> = "reviewStatus",
        /// Number of pages.
        pages_count: Option<u32> = "pagesCount",
        /// When it was uploaded (UTC).
        created: Option<DateTime<Utc>> = "created" => wire::date,
        /// File size in bytes.
        file_size: Option<u64> = "fileSize",
        /// URL of the proof tool for this asset.
        review_url: Option<String> = "reviewUrl",
        /// URL of a thumbnail.
        thumbnail_url: Option<String> = "thumbnailUrl",
        /// URL of a full-size bitmap; ends in `/{page}` (zero-based).
        full_size_bitmap_url: Option<String> = "fullSizeBitmapUrl",
    }
}

impl Asset {
    /// True when processing has finished, successfully or not.
    pub fn is_settled(&self) -> bool {
        matches!(
            self.status,
            Some(AssetStatus::Processed) | Some(AssetStatus::Failed)
        )
    }
}

record! {
    /// A reference document (a file or a plain URL attached to a project).
    pub struct RefDoc {
        /// Reference document UID.
        ref_doc_uid: String = "refDocUID",
        /// Project UID.
        project_uid: Option<String> = "projectUID",
        /// Name.
        name: Option<String> = "name" | "fileName",
        /// URL (for URL reference documents) or download URL.
        url: Option<String> = "url",
        /// File size in bytes (file reference documents).
        file_size: Option<u64> = "fileSize",
        /// When it was added (UTC).
        created: Option<DateTime<Utc>> = "created" => wire::date,
    }
}

record! {
    /// A task.
    pub struct Task {
        /// Task UID.
        task_uid: String = "taskUID",
        /// Project UID.
        project_uid: Option<String> = "projectUID",
        /// Project name.
        project_name: Option<String> = "projectName",
        /// Tenant UID.
        client_uid: Option<String> = "clientUID",
        /// Type.
        task_type: Option<TaskType> = "type" | "taskType",
        /// Status.
        status: Option<TaskStatus> = "status",
        /// When it was created (UTC).
        created: Option<DateTime<Utc>> = "created" => wire::date,
        /// When it was closed (UTC).
        closed: Option<DateTime<Utc>> = "closed" => wire::date,
        /// Due date (UTC).
        due_date: Option<DateTime<Utc>> = "dueDate" => wire::date,
        /// The assignee.
        user: Option<User> = "user" => wire::user,
        /// Recipient e-mail of an external review.
        email: Option<String> = "email",
        /// URL of the proof tool session (review tasks): the short URL to distribute.
        review_url: Option<String> = "reviewUrl",
        /// Name of the asset a new version is requested for (UploadChangedAsset tasks).
        requested_asset_name: Option<String> = "requestedAssetName",
        /// Assets under review.
        asset_uids: Vec<String> = "assetUIDs" => wire::strings,
        /// Comment.
        comment: Option<String> = "comment",
    }
}

record! {
    /// A region of a page (annotation).
    pub struct Region {
        /// Left.
        x: f64 = "x",
        /// Top.
        y: f64 = "y",
        /// Width.
        width: f64 = "width",
        /// Height.
        height: f64 = "height",
    }
}

record! {
    /// An annotation on an asset, or a comment on an annotation (`parent_uid` set).
    pub struct Annotation {
        /// Annotation UID.
        annotation_uid: String = "annotationUID",
        /// Asset UID.
        asset_uid: Option<String> = "assetUID",
        /// Parent annotation UID (comments).
        parent_uid: Option<String> = "parentUID",
        /// Page (zero-based).
        page: Option<u32> = "page",
        /// Text.
        text: Option<String> = "text",
        /// Region on the page.
        region: Option<Region> = "region",
        /// Author (a plain string is read as the full name).
        author: Option<User> = "author" => wire::user,
        /// When it was written (UTC).
        created: Option<DateTime<Utc>> = "created" => wire::date,
        /// Completed flag.
        is_completed: Option<bool> = "isCompleted",
        /// Hidden flag.
        is_hidden: Option<bool> = "isHidden",
    }
}

record! {
    /// A project template.
    pub struct Template {
        /// Template UID.
        template_uid: String = "templateUID",
        /// Name.
        name: Option<String> = "name",
        /// Template data (usually JSON, sometimes a string).
        data: Option<Value> = "data",
    }
}

record! {
    /// A kanban column of the dashboard.
    pub struct KanbanColumn {
        /// Column UID.
        kanban_column_uid: String = "kanbanColumnUID",
        /// Name.
        name: Option<String> = "name",
    }
}

record! {
    /// A folder of the dashboard.
    pub struct Folder {
        /// Folder UID.
        folder_uid: String = "folderUID",
        /// Name.
        name: Option<String> = "name",
    }
}

record! {
    /// A tenant (the API calls it client) with its users, templates, columns and folders.
    pub struct TenantClient {
        /// Tenant UID.
        client_uid: String = "clientUID",
        /// Name.
        name: Option<String> = "name",
        /// Active users.
        users: Vec<User> = "users",
        /// Project templates.
        templates: Vec<Template> = "templates",
        /// Kanban columns.
        kanban_columns: Vec<KanbanColumn> = "kanbanColumns",
        /// Folders.
        folders: Vec<Folder> = "folders",
    }
}

record! {
    /// A project.
    pub struct Project {
        /// Project UID.
        project_uid: String = "projectUID",
        /// Name.
        name: Option<String> = "name" | "projectName",
        /// State.
        state: Option<ProjectState> = "projectState" | "state",
        /// Customer.
        customer: Option<String> = "customer",
        /// Business project or product name.
        project: Option<String> = "project",
        /// Design.
        design: Option<String> = "design",
        /// Revision.
        revision: Option<String> = "revision",
        /// Description.
        description: Option<String> = "description",
        /// Tags.
        tags: Vec<String> = "tags" => wire::strings,
        /// Due date (UTC).
        due_date: Option<DateTime<Utc>> = "dueDate" => wire::date,
        /// Review counters.
        review_status: Option<ReviewStatus> = "reviewStatus",
        /// When it was created (UTC).
        created: Option<DateTime<Utc>> = "created" => wire::date,
        /// Owner UIDs.
        owners: Vec<String> = "owners" | "projectOwnersUIDS" | "projectOwners" => wire::strings,
        /// The tenant, when embedded.
        client: Option<ProjectClient> = "client",
        /// Tenant UID, when sent flat.
        client_uid: Option<String> = "clientUID",
        /// Template UID.
        template_uid: Option<String> = "templateUID",
        /// Kanban column UID.
        kanban_column_uid: Option<String> = "kanbanColumnUID",
        /// Folder UID.
        folder_uid: Option<String> = "folderUID",
        /// Assets (with `ProjectQuery::load_assets`).
        assets: Vec<Asset> = "assets",
        /// Active tasks (with `ProjectQuery::load_tasks`).
        tasks: Vec<Task> = "tasks",
        /// Reference documents (with `ProjectQuery::load_refdocs`).
        ref_docs: Vec<RefDoc> = "refDocs" | "referenceDocuments",
        /// Metadata (with `ProjectQuery::load_metadata`).
        metadata: Vec<MetaEntry> = "metadata" | "meta",
    }
}

record! {
    /// A webhook registration. Its `secret` is redacted in `Debug`.
    pub struct Webhook {
        /// Webhook UID.
        webhook_uid: String = "webhookUID",
        /// Endpoint URL.
        url: Option<String> = "url",
        /// The secret sent in the `Api-Secret` header of every delivery.
        secret: Option<ApiSecret> = "secret",
        /// When it was registered (UTC).
        created: Option<DateTime<Utc>> = "created" => wire::date,
        /// Tenant UID, when sent.
        client_uid: Option<String> = "clientUID",
        /// Event type filter, when set.
        event_type: Option<String> = "eventType",
    }
}

/// Records (and lists of records) built straight from a `result` value that is already
/// parsed: no second pass through serde (`serde_json::from_value` would rebuild every map of
/// the value before the record keeps it as `raw`).
pub(crate) trait FromValue: Sized {
    /// The record, or what the value is instead of one.
    fn from_value(v: Value) -> Result<Self, String>;
}

/// Decodes a record or a list of records from an API `result` value.
pub(crate) fn decode<T: FromValue>(v: Value, what: &str) -> crate::Result<T> {
    T::from_value(v)
        .map_err(|e| crate::Error::decode(format!("could not read {what} from the response: {e}")))
}

/// [`decode`] of what a create answered: the create was applied, so a failure says so
/// (with the new resource's UID when the answer has it under `uid_key`).
pub(crate) fn decode_created<T: FromValue>(
    v: Value,
    what: &str,
    op: &str,
    uid_key: &str,
) -> crate::Result<T> {
    let uid = uid_from(&v, &[uid_key], uid_key).ok();
    decode(v, what).map_err(|e| e.after_applied(op, uid.as_deref()))
}

/// [`uid_from`] of what a create answered (a failure says the create was applied).
pub(crate) fn created_uid_from(
    v: &Value,
    names: &[&str],
    what: &str,
    op: &str,
) -> crate::Result<String> {
    uid_from(v, names, what).map_err(|e| e.after_applied(op, None))
}

/// Extracts a UID field from a result that is either an object (`{"assetUID": ..}`) or a
/// plain string.
pub(crate) fn uid_from(v: &Value, names: &[&str], what: &str) -> crate::Result<String> {
    if let Value::String(s) = v {
        if !s.is_empty() {
            return Ok(s.clone());
        }
    }
    let m = wire::keys(v);
    wire::lookup(&m, names)
        .and_then(|v| v.as_str())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or_else(|| crate::Error::decode(format!("the response carries no {what}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_unreadable_create_answer_is_an_applied_error_with_the_uid() {
        // The create was answered 200, but the record can't be read: never a plain Decode
        // error, which a caller would retry into a duplicate.
        let e = decode_created::<Task>(
            json!(["not", "a task"]),
            "the task",
            "tasks.review_asset",
            "taskUID",
        )
        .unwrap_err();
        assert!(e.applied(), "{e}");
        assert!(!e.is_retryable());
        assert!(
            e.message().starts_with("tasks.review_asset was applied"),
            "{e}"
        );
        let e =
            created_uid_from(&json!({}), &["assetUID"], "assetUID", "assets.upload").unwrap_err();
        assert!(e.applied());
        assert_eq!(e.created_uid(), None);
        let t: Task =
            decode_created(json!({"taskUID": "ABC"}), "the task", "op", "taskUID").unwrap();
        assert_eq!(t.task_uid, "ABC");
    }

    #[test]
    fn case_insensitive_unknown_ignored_raw_kept() {
        let v = json!({"ProjectUID": "P1", "NAME": "n", "projectState": "OnHold",
                       "extra": 1, "created": "2020-10-22T08:09:05.778512",
                       "reviewStatus": {"PendingCount": 2}, "tags": ["a", "b"]});
        let p: Project = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(p.project_uid, "P1");
        assert_eq!(p.name.as_deref(), Some("n"));
        assert_eq!(p.state, Some(ProjectState::OnHold));
        assert_eq!(p.review_status.as_ref().unwrap().pending_count, Some(2));
        assert_eq!(p.raw()["extra"], 1);
        assert_eq!(p.tags, vec!["a", "b"]);
        assert_eq!(
            p.created.unwrap().to_rfc3339(),
            "2020-10-22T08:09:05.778512+00:00"
        );
    }

    #[test]
    fn wrong_types_tolerated() {
        let a: Asset = serde_json::from_value(
            json!({"assetUID": "A", "version": "2", "pagesCount": {"x": 1}, "status": "Weird"}),
        )
        .unwrap();
        assert_eq!(a.version, Some(2));
        assert_eq!(a.pages_count, None);
        assert_eq!(a.status, Some(AssetStatus::Other("Weird".into())));
    }

    #[test]
    fn enums_roundtrip() {
        assert_eq!(
            "onhold".parse::<ProjectState>().unwrap(),
            ProjectState::OnHold
        );
        assert_eq!(
            TaskType::ExternalReviewAssets.to_string(),
            "ExternalReviewAssets"
        );
        assert_eq!(
            serde_json::to_value(TaskStatus::ApprovedWithChanges).unwrap(),
            json!("ApprovedWithChanges")
        );
    }

    #[test]
    fn secret_not_in_debug_but_serialized() {
        let w: Webhook =
            serde_json::from_value(json!({"webhookUID": "W", "secret": "s3cr3t"})).unwrap();
        assert!(!format!("{w:?}").contains("s3cr3t"));
        assert_eq!(serde_json::to_value(&w).unwrap()["secret"], "s3cr3t");
    }

    #[test]
    fn dates() {
        assert!(parse_date("2021-02-18T14:08:08.615088Z").is_some());
        assert!(parse_date("2020-12-07").is_some());
        assert!(parse_date("nope").is_none());
    }

    #[test]
    fn dates_outside_four_digit_years_read_back() {
        // Found by fuzz/fuzz_targets/records.rs: `-2020-10-22` was read, but the record's
        // JSON (`"-2020-10-22T00:00:00Z"`) was not: a record did not survive its own JSON.
        for s in ["-2020-10-22", "+10000-01-01T00:00:00", "0000-01-01"] {
            let d = parse_date(s).unwrap();
            let written = serde_json::to_value(d).unwrap();
            assert_eq!(
                parse_date(written.as_str().unwrap()),
                Some(d),
                "{s} -> {written}"
            );
            let a = Asset::from_raw(json!({"assetUID": "A", "created": s}));
            let again = Asset::from_raw(serde_json::to_value(&a).unwrap());
            assert_eq!(again.created, Some(d));
        }
    }

    #[test]
    fn uid_extraction() {
        assert_eq!(
            uid_from(&json!({"AssetUID": "X"}), &["assetUID"], "asset UID").unwrap(),
            "X"
        );
        assert!(uid_from(&json!({}), &["assetUID"], "asset UID").is_err());
    }
}
