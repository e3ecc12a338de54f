//! Webhook registrations: `GET/POST/DELETE webhook`, `PUT webhook/test`. Parsing and
//! verifying deliveries is in [`crate::webhook`].

use super::Body;
use crate::error::Result;
use crate::models::{decode, decode_created, Webhook};
use crate::transport::Call;
use crate::validate as v;
use crate::Client;

/// Handle for webhook registrations (`client.webhooks()`).
#[derive(Clone, Copy, Debug)]
pub struct Webhooks<'a> {
    pub(crate) client: &'a Client,
}

/// A new webhook (`POST webhook`).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct NewWebhook {
    /// Endpoint URL (http or https), once per tenant.
    pub url: String,
    /// Tenant UID (default: the user's first tenant).
    pub client_uid: Option<String>,
    /// Only this event type (default: all).
    pub event_type: Option<String>,
}

impl NewWebhook {
    /// A webhook posting to `url`.
    pub fn new(url: impl Into<String>) -> Self {
        NewWebhook {
            url: url.into(),
            ..Default::default()
        }
    }
    /// Tenant UID.
    pub fn client_uid(mut self, c: impl Into<String>) -> Self {
        self.client_uid = Some(c.into());
        self
    }
    /// Only this event type (e.g. `task.approved`).
    pub fn event_type(mut self, e: impl Into<String>) -> Self {
        self.event_type = Some(e.into());
        self
    }
}

impl<'a> Webhooks<'a> {
    /// `GET webhook`: the tenant's webhooks (with their secrets).
    pub async fn list(&self) -> Result<Vec<Webhook>> {
        let v = self
            .client
            .inner
            .json(&Call::get("webhooks.list", "webhook"))
            .await?;
        if v.is_null() {
            return Ok(Vec::new());
        }
        decode(v, "the webhook list")
    }

    /// `POST webhook`: registers an endpoint (412 when the URL is already registered).
    pub async fn create(&self, w: NewWebhook) -> Result<Webhook> {
        v::http_url("url", &w.url)?;
        if let Some(c) = &w.client_uid {
            v::uid("clientUID", c)?;
        }
        if let Some(e) = &w.event_type {
            v::non_empty("eventType", e)?;
        }
        let body = Body::new()
            .set("url", w.url)
            .opt("clientUID", w.client_uid)
            .opt("eventType", w.event_type)
            .build();
        let v = self
            .client
            .inner
            .json(&Call::create("webhooks.create", "webhook").json(body))
            .await?;
        decode_created(v, "the webhook", "webhooks.create", "webhookUID")
    }

    /// `DELETE webhook`.
    pub async fn delete(&self, webhook_uid: &str) -> Result<()> {
        v::uid("webhookUID", webhook_uid)?;
        self.client
            .inner
            .json(&Call::delete("webhooks.delete", "webhook").q("WebhookUID", webhook_uid))
            .await
            .map(|_| ())
    }

    /// `PUT webhook/test`: makes the service post a `webhook.test` event.
    pub async fn test(&self, webhook_uid: &str) -> Result<()> {
        v::uid("webhookUID", webhook_uid)?;
        self.client
            .inner
            .json(&Call::put("webhooks.test", "webhook/test").q("WebhookUID", webhook_uid))
            .await
            .map(|_| ())
    }
}
