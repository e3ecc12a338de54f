//! Resource handles, one module per resource group of the API. Each handle borrows the
//! [`Client`](crate::Client) and is obtained from it (`client.projects()`, ...).

pub mod annotations;
pub mod assets;
pub mod projects;
pub mod refdocs;
pub mod tasks;
pub mod users;
pub mod webhooks;

pub use annotations::{Annotations, NewAnnotation};
pub use assets::Assets;
pub use projects::{NewProject, ProjectQuery, ProjectUpdate, Projects};
pub use refdocs::{NewUrlRefDoc, RefDocs};
pub use tasks::{NewExternalReviewTask, NewReviewTask, NewTask, TaskCompletion, Tasks};
pub use users::Users;
pub use webhooks::{NewWebhook, Webhooks};

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

/// JSON body builder that leaves out unset optional fields.
#[derive(Default)]
pub(crate) struct Body(Map<String, Value>);

impl Body {
    pub(crate) fn new() -> Body {
        Body(Map::new())
    }
    pub(crate) fn set(mut self, k: &str, v: impl Into<Value>) -> Body {
        self.0.insert(k.to_string(), v.into());
        self
    }
    pub(crate) fn opt(self, k: &str, v: Option<impl Into<Value>>) -> Body {
        match v {
            Some(v) => self.set(k, v),
            None => self,
        }
    }
    pub(crate) fn date(self, k: &str, v: Option<DateTime<Utc>>) -> Body {
        self.opt(k, v.map(fmt_date))
    }
    pub(crate) fn build(self) -> Value {
        Value::Object(self.0)
    }
}

/// Formats a date the way the API expects it (ISO 8601 UTC with `Z`).
pub(crate) fn fmt_date(d: DateTime<Utc>) -> String {
    d.to_rfc3339_opts(SecondsFormat::Millis, true)
}
