//! Webhook event delivery: `POST <url>` with `{EventId, EventType, Created, Data}` and the
//! `Api-Secret` header, retried with exponential backoff while the endpoint does not answer
//! 200, for the configured window.

use std::time::Duration;

use rand::Rng;
use serde_json::{json, Value};

use crate::app::{App, DeliveryRecord};
use crate::state::{fmt_date_z, Data, Webhook};

/// Longest delay between two attempts.
pub const BACKOFF_CAP: Duration = Duration::from_secs(60);

/// A 22-character URL-safe event id like the service's (`DY3h1Pl040uIRvL74oKFlQ`).
pub fn event_id() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut rng = rand::rng();
    (0..22)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Emits an event to every webhook of the tenant whose filter accepts it.
pub fn emit(app: &App, data: &Data, event_type: &str, payload: Value) {
    let targets: Vec<Webhook> = data
        .webhooks
        .iter()
        .filter(|w| match &w.event_type {
            None => true,
            Some(t) => t.trim().is_empty() || t.eq_ignore_ascii_case(event_type),
        })
        .cloned()
        .collect();
    if targets.is_empty() {
        return;
    }
    let event = json!({
        "EventId": event_id(),
        "EventType": event_type,
        "Created": fmt_date_z(&app.now()),
        "Data": payload,
    });
    for w in targets {
        spawn_delivery(app, w, event.clone());
    }
}

/// Delivers one event to one webhook in the background.
pub fn spawn_delivery(app: &App, hook: Webhook, event: Value) {
    let app = app.clone();
    let gen = app.generation();
    tokio::spawn(async move {
        let (window, initial) = {
            let c = app.config.lock();
            (c.webhook_retry_window, c.webhook_backoff)
        };
        let started = tokio::time::Instant::now();
        let event_id = event["EventId"].as_str().unwrap_or_default().to_string();
        let event_type = event["EventType"].as_str().unwrap_or_default().to_string();
        let body = event.to_string();
        let mut delay = initial.max(Duration::from_millis(1));
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let res = app
                .http
                .post(&hook.url)
                .header("Content-Type", "application/json")
                .header("Api-Secret", &hook.secret)
                .timeout(Duration::from_secs(10))
                .body(body.clone())
                .send()
                .await;
            let (status, error) = match res {
                Ok(r) => (Some(r.status().as_u16()), None),
                Err(e) => (None, Some(e.to_string())),
            };
            if app.generation() != gen {
                return;
            }
            app.deliveries.lock().push(DeliveryRecord {
                event_id: event_id.clone(),
                event_type: event_type.clone(),
                url: hook.url.clone(),
                attempt,
                status,
                at: crate::state::fmt_date_z(&app.now()),
                error,
            });
            if status == Some(200) {
                return;
            }
            if started.elapsed() + delay > window {
                tracing::info!(%event_id, url = %hook.url, "webhook delivery given up after {attempt} attempts");
                return;
            }
            tokio::select! {
                _ = app.shutdown.cancelled() => return,
                _ = tokio::time::sleep(delay) => {}
            }
            // Stop when the webhook was deleted or the emulator reset meanwhile.
            if app.generation() != gen
                || !app.data.lock().webhooks.iter().any(|w| w.uid == hook.uid)
            {
                return;
            }
            delay = (delay * 2).min(BACKOFF_CAP);
        }
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_unique() {
        let a = super::event_id();
        assert_eq!(a.len(), 22);
        assert_ne!(a, super::event_id());
    }
}
