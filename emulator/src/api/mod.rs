//! Handlers of the public API (`/api/v1/`), one module per resource group.

pub mod annotations;
pub mod assets;
pub mod projects;
pub mod refdocs;
pub mod tasks;
pub mod token;
pub mod users;
pub mod webhooks;

use serde_json::Value;

use crate::app::App;
use crate::state::Data;

/// Message of GET successes.
pub const GET_OK: &str = "GET Request successful.";
/// Message of POST successes.
pub const POST_OK: &str = "POST Request successful.";
/// Message of PUT successes.
pub const PUT_OK: &str = "PUT Request successful.";
/// Message of DELETE successes.
pub const DELETE_OK: &str = "DELETE Request successful.";

/// The PascalCase `Project` entity of webhook events.
pub fn event_project(data: &Data, project_uid: &str) -> Value {
    data.project(project_uid)
        .map(|p| data.event_project_json(p))
        .unwrap_or(Value::Null)
}

/// Emits an event whose data gets `ProjectUID` and `Project` added.
pub fn emit_with_project(
    app: &App,
    data: &Data,
    event_type: &str,
    project_uid: &str,
    mut payload: Value,
) {
    if let Some(m) = payload.as_object_mut() {
        m.insert("ProjectUID".into(), Value::String(project_uid.to_string()));
        m.insert("Project".into(), event_project(data, project_uid));
    }
    crate::webhook_delivery::emit(app, data, event_type, payload);
}
