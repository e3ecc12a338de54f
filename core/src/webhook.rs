//! Receiving webhook deliveries: [`Event::parse`] for the raw body, [`verify`] for the
//! `Api-Secret` header (constant time), and a bounded [`Deduplicator`] by `EventId` (the
//! service redelivers until it gets HTTP 200, so the same event can arrive more than once).
//!
//! ```
//! use approvalstudio::webhook::{verify, Deduplicator, Event};
//! let body = br#"{"EventId":"e1","EventType":"asset.uploaded","Created":"2021-02-19T12:57:53Z",
//!               "Data":{"ProjectUID":"P","AssetUID":"A","Name":"a.pdf"}}"#;
//! assert!(verify("s3cret", "s3cret"));
//! let dedup = Deduplicator::new(10_000);
//! let event = Event::parse(body).unwrap();
//! if dedup.first_time(event.event_id()) {
//!     if let Event::AssetUploaded(e) = &event {
//!         assert_eq!(e.data.asset_uid, "A");
//!     }
//! }
//! assert!(!dedup.first_time("e1"));
//! ```

use crate::error::{Error, Result};
use crate::models::{wire, FromRaw, Project, Task};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::{HashSet, VecDeque};
use subtle::ConstantTimeEq;

/// Name of the header carrying the webhook secret.
pub const SECRET_HEADER: &str = "Api-Secret";

/// Checks the `Api-Secret` header against the webhook's secret, in constant time (for equal
/// lengths). An empty expected secret never matches.
pub fn verify(secret_header: &str, expected_secret: &str) -> bool {
    let a = secret_header.trim().as_bytes();
    let b = expected_secret.as_bytes();
    if b.is_empty() || a.len() != b.len() {
        return false;
    }
    a.ct_eq(b).into()
}

/// [`verify`] against a webhook record's secret.
pub fn verify_webhook(secret_header: &str, webhook: &crate::models::Webhook) -> bool {
    webhook
        .secret
        .as_ref()
        .is_some_and(|s| verify(secret_header, s.expose_secret()))
}

/// An event with its envelope fields and typed data.
#[derive(Clone, Debug, serde::Serialize)]
#[non_exhaustive]
pub struct Envelope<D> {
    /// `EventId` (unique per event; redeliveries repeat it).
    #[serde(rename = "EventId")]
    pub event_id: String,
    /// `EventType`.
    #[serde(rename = "EventType")]
    pub event_type: String,
    /// `Created` (UTC).
    #[serde(rename = "Created")]
    pub created: Option<DateTime<Utc>>,
    /// `Data`, typed.
    #[serde(rename = "Data")]
    pub data: D,
}

macro_rules! event_data {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $f:ident : $t:ty = $w:literal $(=> $r:path)?),* $(,)? }) => {
        record! {
            $(#[$m])*
            pub struct $name {
                $($(#[$fm])* $f: $t = $w $(=> $r)?,)*
            }
        }
    };
}

event_data!(
    /// Data of `project.*` events.
    ProjectData {
        /// Project UID.
        project_uid: String = "ProjectUID",
        /// Project name (`project.created`).
        name: Option<String> = "Name",
        /// Changed attribute (`project.edited`).
        attribute: Option<String> = "Attribute",
        /// New value (`project.edited`, `project.state`).
        value: Option<Value> = "Value",
        /// The project.
        project: Option<Project> = "Project",
    }
);

event_data!(
    /// Data of `asset.*` events.
    AssetData {
        /// Project UID.
        project_uid: String = "ProjectUID",
        /// Asset UID.
        asset_uid: String = "AssetUID",
        /// Asset name.
        name: Option<String> = "Name",
        /// The project.
        project: Option<Project> = "Project",
    }
);

event_data!(
    /// Data of `refdoc.*` events.
    RefDocData {
        /// Project UID.
        project_uid: String = "ProjectUID",
        /// Reference document UID.
        ref_doc_uid: String = "RefDocUID",
        /// Name.
        name: Option<String> = "Name",
        /// The project.
        project: Option<Project> = "Project",
    }
);

event_data!(
    /// Data of `annotation.*` events.
    AnnotationData {
        /// Project UID.
        project_uid: String = "ProjectUID",
        /// Annotation UID.
        annotation_uid: String = "AnnotationUID",
        /// Asset UID.
        asset_uid: String = "AssetUID",
        /// Text.
        text: Option<String> = "Text",
        /// The project.
        project: Option<Project> = "Project",
    }
);

event_data!(
    /// Data of `task.*` events.
    TaskData {
        /// Task UID.
        task_uid: String = "TaskUID",
        /// The project.
        project: Option<Project> = "Project",
        /// The task.
        task: Option<Task> = "Task",
    }
);

/// A webhook event, by `EventType` (the documentation's sample bodies of some types are
/// copies of others: the type is taken from `EventType`, never guessed from the data).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Event {
    /// `project.created`.
    ProjectCreated(Envelope<ProjectData>),
    /// `project.edited`.
    ProjectEdited(Envelope<ProjectData>),
    /// `project.state`.
    ProjectState(Envelope<ProjectData>),
    /// `asset.uploaded` (uploaded and processed).
    AssetUploaded(Envelope<AssetData>),
    /// `asset.deleted`.
    AssetDeleted(Envelope<AssetData>),
    /// `refdoc.uploaded`.
    RefDocUploaded(Envelope<RefDocData>),
    /// `refdoc.deleted`.
    RefDocDeleted(Envelope<RefDocData>),
    /// `annotation.added`.
    AnnotationAdded(Envelope<AnnotationData>),
    /// `annotation.edited`.
    AnnotationEdited(Envelope<AnnotationData>),
    /// `annotation.deleted`.
    AnnotationDeleted(Envelope<AnnotationData>),
    /// `task.created`.
    TaskCreated(Envelope<TaskData>),
    /// `task.completed`.
    TaskCompleted(Envelope<TaskData>),
    /// `task.deleted`.
    TaskDeleted(Envelope<TaskData>),
    /// `task.approved`.
    TaskApproved(Envelope<TaskData>),
    /// `task.rejected`.
    TaskRejected(Envelope<TaskData>),
    /// `webhook.test`.
    WebhookTest(Envelope<Value>),
    /// An event type this version does not know.
    Other {
        /// `EventId`.
        event_id: String,
        /// `EventType`.
        event_type: String,
        /// `Created`.
        created: Option<DateTime<Utc>>,
        /// `Data`, raw.
        data: Value,
    },
}

/// Every documented event type.
pub const EVENT_TYPES: &[&str] = &[
    "project.created",
    "project.edited",
    "project.state",
    "asset.uploaded",
    "asset.deleted",
    "refdoc.uploaded",
    "refdoc.deleted",
    "annotation.added",
    "annotation.edited",
    "annotation.deleted",
    "task.created",
    "task.completed",
    "task.deleted",
    "task.approved",
    "task.rejected",
    "webhook.test",
];

impl Event {
    /// Parses a delivery's raw body (`{EventId, EventType, Created, Data}`, field names
    /// case-insensitive). Fails with `Decode` when it is not a JSON object with an
    /// `EventType`.
    pub fn parse(body: &[u8]) -> Result<Event> {
        let v: Value = serde_json::from_slice(body)
            .map_err(|e| Error::decode(format!("the webhook body is not JSON: {e}")))?;
        Event::from_value(v)
    }

    /// Like [`Event::parse`], from a JSON value.
    pub fn from_value(v: Value) -> Result<Event> {
        if !v.is_object() {
            return Err(Error::decode("the webhook body is not a JSON object"));
        }
        let m = wire::keys(&v);
        let s = |n: &str| {
            wire::lookup(&m, &[n])
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let event_type = s("EventType")
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Error::decode("the webhook body has no EventType"))?;
        let event_id = s("EventId").unwrap_or_default();
        let created = wire::date(wire::lookup(&m, &["Created"]));
        let data = wire::lookup(&m, &["Data"]).cloned().unwrap_or(Value::Null);
        fn env<D: FromRaw>(
            id: String,
            t: String,
            c: Option<DateTime<Utc>>,
            d: Value,
        ) -> Envelope<D> {
            Envelope {
                event_id: id,
                event_type: t,
                created: c,
                data: D::from_raw(d),
            }
        }
        let (id, t, c, d) = (event_id, event_type.clone(), created, data);
        Ok(match event_type.to_ascii_lowercase().as_str() {
            "project.created" => Event::ProjectCreated(env(id, t, c, d)),
            "project.edited" => Event::ProjectEdited(env(id, t, c, d)),
            "project.state" => Event::ProjectState(env(id, t, c, d)),
            "asset.uploaded" => Event::AssetUploaded(env(id, t, c, d)),
            "asset.deleted" => Event::AssetDeleted(env(id, t, c, d)),
            "refdoc.uploaded" => Event::RefDocUploaded(env(id, t, c, d)),
            "refdoc.deleted" => Event::RefDocDeleted(env(id, t, c, d)),
            "annotation.added" => Event::AnnotationAdded(env(id, t, c, d)),
            "annotation.edited" => Event::AnnotationEdited(env(id, t, c, d)),
            "annotation.deleted" => Event::AnnotationDeleted(env(id, t, c, d)),
            "task.created" => Event::TaskCreated(env(id, t, c, d)),
            "task.completed" => Event::TaskCompleted(env(id, t, c, d)),
            "task.deleted" => Event::TaskDeleted(env(id, t, c, d)),
            "task.approved" => Event::TaskApproved(env(id, t, c, d)),
            "task.rejected" => Event::TaskRejected(env(id, t, c, d)),
            "webhook.test" => Event::WebhookTest(Envelope {
                event_id: id,
                event_type: t,
                created: c,
                data: d,
            }),
            _ => Event::Other {
                event_id: id,
                event_type: t,
                created: c,
                data: d,
            },
        })
    }

    /// `EventId`.
    pub fn event_id(&self) -> &str {
        self.parts().0
    }

    /// `EventType` as sent.
    pub fn event_type(&self) -> &str {
        self.parts().1
    }

    /// `Created`.
    pub fn created(&self) -> Option<DateTime<Utc>> {
        self.parts().2
    }

    fn parts(&self) -> (&str, &str, Option<DateTime<Utc>>) {
        macro_rules! p {
            ($e:expr) => {
                (&$e.event_id[..], &$e.event_type[..], $e.created)
            };
        }
        match self {
            Event::ProjectCreated(e) | Event::ProjectEdited(e) | Event::ProjectState(e) => p!(e),
            Event::AssetUploaded(e) | Event::AssetDeleted(e) => p!(e),
            Event::RefDocUploaded(e) | Event::RefDocDeleted(e) => p!(e),
            Event::AnnotationAdded(e)
            | Event::AnnotationEdited(e)
            | Event::AnnotationDeleted(e) => {
                p!(e)
            }
            Event::TaskCreated(e)
            | Event::TaskCompleted(e)
            | Event::TaskDeleted(e)
            | Event::TaskApproved(e)
            | Event::TaskRejected(e) => p!(e),
            Event::WebhookTest(e) => p!(e),
            Event::Other {
                event_id,
                event_type,
                created,
                ..
            } => (event_id, event_type, *created),
        }
    }
}

/// Remembers the last `capacity` event ids; thread-safe.
#[derive(Debug)]
pub struct Deduplicator {
    capacity: usize,
    state: parking_lot::Mutex<(HashSet<String>, VecDeque<String>)>,
}

impl Deduplicator {
    /// Remembers up to `capacity` ids (at least 1); the oldest are forgotten first.
    pub fn new(capacity: usize) -> Deduplicator {
        Deduplicator {
            capacity: capacity.max(1),
            state: parking_lot::Mutex::new((HashSet::new(), VecDeque::new())),
        }
    }

    /// True the first time `event_id` is seen (then remembers it); false for a repeat.
    pub fn first_time(&self, event_id: &str) -> bool {
        let mut st = self.state.lock();
        if st.0.contains(event_id) {
            return false;
        }
        st.0.insert(event_id.to_string());
        st.1.push_back(event_id.to_string());
        while st.1.len() > self.capacity {
            if let Some(old) = st.1.pop_front() {
                st.0.remove(&old);
            }
        }
        true
    }

    /// Whether `event_id` is remembered (without recording it).
    pub fn contains(&self, event_id: &str) -> bool {
        self.state.lock().0.contains(event_id)
    }

    /// Number of remembered ids.
    pub fn len(&self) -> usize {
        self.state.lock().1.len()
    }

    /// True when nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_every_type() {
        for t in EVENT_TYPES {
            let body = format!(
                r#"{{"EventId":"id-{t}","EventType":"{t}","Created":"2021-02-18T23:22:33.2944308Z","Data":{{"ProjectUID":"P","TaskUID":"T","Task":{{"taskUID":"T","type":"ReviewAssets"}}}}}}"#
            );
            let e = Event::parse(body.as_bytes()).unwrap();
            assert_eq!(e.event_type(), *t);
            assert_eq!(e.event_id(), format!("id-{t}"));
            assert!(e.created().is_some());
            assert!(!matches!(e, Event::Other { .. }), "{t}");
        }
    }

    #[test]
    fn task_event_and_other() {
        let e = Event::parse(br#"{"eventid":"x","eventtype":"task.approved","data":{"TaskUID":"T","Task":{"taskUID":"T","status":"Approved"}}}"#).unwrap();
        match e {
            Event::TaskApproved(e) => {
                assert_eq!(e.data.task_uid, "T");
                assert_eq!(
                    e.data.task.unwrap().status,
                    Some(crate::TaskStatus::Approved)
                );
            }
            other => panic!("{other:?}"),
        }
        let e = Event::parse(br#"{"EventId":"y","EventType":"brand.new","Data":{"a":1}}"#).unwrap();
        assert!(matches!(e, Event::Other { ref event_type, .. } if event_type == "brand.new"));
        assert!(Event::parse(b"[]").is_err());
        assert!(Event::parse(b"{}").is_err());
        assert!(Event::parse(b"not json").is_err());
    }

    #[test]
    fn verify_constant_time() {
        assert!(verify("abc", "abc"));
        assert!(verify(" abc ", "abc"));
        assert!(!verify("abd", "abc"));
        assert!(!verify("ab", "abc"));
        assert!(!verify("", ""));
    }

    #[test]
    fn dedup_bounded() {
        let d = Deduplicator::new(2);
        assert!(d.first_time("a"));
        assert!(!d.first_time("a"));
        assert!(d.first_time("b"));
        assert!(d.first_time("c"));
        assert_eq!(d.len(), 2);
        assert!(d.first_time("a"), "a was evicted");
    }
}
