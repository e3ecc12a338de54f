//! Webhooks: list, create (412 on a duplicate URL), delete, test.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use serde_json::{json, Value};

use super::{DELETE_OK, GET_OK, POST_OK};
use crate::app::App;
use crate::http::{json_input, ok, ok_empty, query_uid, ApiError, ApiResult, Fields};
use crate::state::{new_uid, Webhook};

/// Every documented event type.
pub const EVENT_TYPES: [&str; 16] = [
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

/// 404 message for an unknown webhook.
pub const WEBHOOK_NOT_FOUND: &str = "Webhook not found.";

/// `GET webhook` → `[Webhook]`.
pub async fn list(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    app.auth(&headers)?;
    let data = app.data.lock();
    ok(
        GET_OK,
        Value::Array(data.webhooks.iter().map(Webhook::json).collect()),
    )
}

/// `POST webhook` `{url, clientUID?, eventType?}` → `Webhook`.
pub async fn create(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    app.auth(&headers)?;
    let input = json_input(body).await?;
    let mut f = Fields::new(&input);
    let url = f.req_str("url");
    f.max_len("url", Some(&url), 2048);
    if !url.is_empty() {
        match url::Url::parse(url.trim()) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
            _ => f.error(
                "url",
                format!("'url' must be an absolute http(s) URL; '{url}' is not."),
            ),
        }
    }
    let event_type = f.opt_str("eventType").filter(|e| !e.trim().is_empty());
    let event_type = match event_type {
        None => None,
        Some(e) => match EVENT_TYPES
            .iter()
            .find(|t| t.eq_ignore_ascii_case(e.trim()))
        {
            Some(t) => Some(t.to_string()),
            None => {
                f.error(
                    "eventType",
                    format!("'eventType' must be one of the documented event types; '{e}' is not."),
                );
                None
            }
        },
    };
    let client = f.opt_str("clientUID").filter(|c| !c.trim().is_empty());
    f.finish()?;
    let mut data = app.data.lock();
    if let Some(c) = client {
        if !c.eq_ignore_ascii_case(&data.client_uid) {
            return Err(ApiError::precondition(format!(
                "Client with the UID [{c}] not available."
            )));
        }
    }
    let url = url.trim().to_string();
    if data.webhooks.iter().any(|w| w.url == url) {
        return Err(ApiError::precondition(
            "Webhook with the given URL is already registered for this tenant. API does not allow to setup duplicates.",
        ));
    }
    let w = Webhook {
        uid: new_uid(),
        url,
        secret: new_uid(),
        event_type,
        created: app.now(),
    };
    let j = w.json();
    data.webhooks.push(w);
    ok(POST_OK, j)
}

/// `DELETE webhook` `?WebhookUID`.
pub async fn delete(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    app.auth(&headers)?;
    let uid = query_uid(&q, "WebhookUID")?;
    let mut data = app.data.lock();
    let n = data.webhooks.len();
    data.webhooks.retain(|w| !w.uid.eq_ignore_ascii_case(&uid));
    if data.webhooks.len() == n {
        return Err(ApiError::not_found(WEBHOOK_NOT_FOUND));
    }
    ok_empty(DELETE_OK)
}

/// `PUT webhook/test` `?WebhookUID`: posts a `webhook.test` event to that webhook.
pub async fn test(State(app): State<App>, headers: HeaderMap, RawQuery(q): RawQuery) -> ApiResult {
    app.auth(&headers)?;
    let uid = query_uid(&q, "WebhookUID")?;
    let w = {
        let data = app.data.lock();
        data.webhooks
            .iter()
            .find(|w| w.uid.eq_ignore_ascii_case(&uid))
            .cloned()
            .ok_or_else(|| ApiError::not_found(WEBHOOK_NOT_FOUND))?
    };
    let event = json!({
        "EventId": crate::webhook_delivery::event_id(),
        "EventType": "webhook.test",
        "Created": crate::state::fmt_date_z(&app.now()),
        "Data": {"WebhookUID": w.uid, "Url": w.url, "Message": "This is a test event."},
    });
    crate::webhook_delivery::spawn_delivery(&app, w, event);
    ok_empty("Test event sent.")
}
