//! Webhooks: registrations (`apst_webhook_list/create/delete/test`) and receiving events
//! (`apst_webhook_verify`, `apst_webhook_parse_event`, `apst_webhook_deduplicator_*`).

use std::ffi::c_char;

use apst_core::api::NewWebhook;
use serde::Deserialize;

use crate::args::{give_json, handle, out_arg, parse_object, str_arg};
use crate::boundary::boundary;
use crate::client::apst_client;
use crate::error::{apst_error, apst_result};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewWebhookIn {
    url: String,
    #[serde(rename = "clientUID")]
    client_uid: Option<String>,
    event_type: Option<String>,
}

/// Lists the tenant's webhooks (`GET webhook`): `*out_json` receives a JSON array of
/// `{"webhookUID", "url", "secret", "created", ...}`. The `secret` is what deliveries carry
/// in their `Api-Secret` header (see `apst_webhook_verify`).
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_webhook_list(
    client: *const apst_client,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let out = out_arg(out_json, "out_json")?;
        let list = c.api().webhooks().list()?;
        give_json(out, &list)
    })
}

/// Registers a webhook (`POST webhook`). `params_json`: `{"url", "clientUID"?,
/// "eventType"?}`. `*out_json` receives the Webhook with its `secret`.
/// `APST_PRECONDITION_FAILED` when the URL is already registered for the tenant.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_webhook_create(
    client: *const apst_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let params = str_arg(params_json, "params_json")?;
        let out = out_arg(out_json, "out_json")?;
        let p: NewWebhookIn = parse_object(params, "params_json")?;
        let mut w = NewWebhook::new(p.url);
        if let Some(cu) = p.client_uid {
            w = w.client_uid(cu);
        }
        if let Some(et) = p.event_type {
            w = w.event_type(et);
        }
        let created = c.api().webhooks().create(w)?;
        give_json(out, &created)
    })
}

/// Removes a webhook (`DELETE webhook`).
///
/// Ownership: borrows the inputs. Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_webhook_delete(
    client: *const apst_client,
    webhook_uid: *const c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(webhook_uid, "webhook_uid")?;
        c.api().webhooks().delete(uid)?;
        Ok(())
    })
}

/// Asks the service to post a `webhook.test` event to the webhook (`PUT webhook/test`).
///
/// Ownership: borrows the inputs. Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_webhook_test(
    client: *const apst_client,
    webhook_uid: *const c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(webhook_uid, "webhook_uid")?;
        c.api().webhooks().test(uid)?;
        Ok(())
    })
}

/// Checks a delivery's `Api-Secret` header against the webhook's secret (from
/// `apst_webhook_create`/`apst_webhook_list`) in constant time: `*out_valid` receives true
/// when they match. An empty expected secret never matches.
///
/// Ownership: borrows the inputs. Thread-safety: any thread; no client needed.
#[no_mangle]
pub unsafe extern "C" fn apst_webhook_verify(
    secret_header: *const c_char,
    expected_secret: *const c_char,
    out_valid: *mut bool,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let header = str_arg(secret_header, "secret_header")?;
        let expected = str_arg(expected_secret, "expected_secret")?;
        let out = crate::args::out_val(out_valid, "out_valid")?;
        *out = apst_core::webhook::verify(header, expected);
        Ok(())
    })
}

fn event_json(e: &apst_core::webhook::Event) -> serde_json::Value {
    use apst_core::webhook::Event as E;
    let v = match e {
        E::ProjectCreated(x) | E::ProjectEdited(x) | E::ProjectState(x) => serde_json::to_value(x),
        E::AssetUploaded(x) | E::AssetDeleted(x) => serde_json::to_value(x),
        E::RefDocUploaded(x) | E::RefDocDeleted(x) => serde_json::to_value(x),
        E::AnnotationAdded(x) | E::AnnotationEdited(x) | E::AnnotationDeleted(x) => {
            serde_json::to_value(x)
        }
        E::TaskCreated(x)
        | E::TaskCompleted(x)
        | E::TaskDeleted(x)
        | E::TaskApproved(x)
        | E::TaskRejected(x) => serde_json::to_value(x),
        E::WebhookTest(x) => serde_json::to_value(x),
        E::Other { data, .. } => Ok(serde_json::json!({
            "EventId": e.event_id(),
            "EventType": e.event_type(),
            "Created": e.created(),
            "Data": data,
        })),
        #[allow(unreachable_patterns)]
        _ => Ok(serde_json::json!({
            "EventId": e.event_id(),
            "EventType": e.event_type(),
            "Created": e.created(),
            "Data": null,
        })),
    };
    v.unwrap_or(serde_json::Value::Null)
}

/// Parses a webhook delivery. `body`/`body_len` are the raw request body (need not be
/// NUL-terminated). When `expected_secret` is given, `secret_header` (the delivery's
/// `Api-Secret` header) must match it, or the call fails with `APST_UNAUTHORIZED`.
/// `secret_header` and `expected_secret` may be NULL (no check, not recommended). `*out_json` receives the event normalized to
/// `{"EventId", "EventType", "Created", "Data": {...}}` (Data fields in the API's names);
/// unknown event types are passed through with their raw Data. A body that is not a JSON
/// object with an `EventType` gives `APST_DECODE`.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: any thread; no client needed.
#[no_mangle]
pub unsafe extern "C" fn apst_webhook_parse_event(
    body: *const u8,
    body_len: usize,
    secret_header: *const c_char,
    expected_secret: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        if body.is_null() {
            return Err(crate::error::FfiError::null("body"));
        }
        let header = crate::args::opt_str_arg(secret_header, "secret_header")?;
        let expected = crate::args::opt_str_arg(expected_secret, "expected_secret")?;
        let out = out_arg(out_json, "out_json")?;
        if let Some(expected) = expected {
            if !apst_core::webhook::verify(header.unwrap_or(""), expected) {
                return Err(crate::error::FfiError::new(
                    apst_result::APST_UNAUTHORIZED,
                    "webhook delivery rejected: its Api-Secret header does not match the \
                     webhook's secret; answer it with HTTP 401 and do not process it",
                ));
            }
        }
        let bytes = std::slice::from_raw_parts(body, body_len);
        let event = apst_core::webhook::Event::parse(bytes)?;
        give_json(out, &event_json(&event))
    })
}

/// Remembers recently seen webhook event ids, so redelivered events (same `EventId`) can be
/// skipped. Opaque; thread-safe.
pub struct apst_webhook_deduplicator {
    inner: apst_core::webhook::Deduplicator,
}

/// Creates a deduplicator remembering the last `capacity` event ids (`capacity` >= 1).
///
/// Ownership: `*out_dedup` is owned by the caller (`apst_webhook_deduplicator_free`).
/// Thread-safety: the deduplicator may be used from many threads at once.
#[no_mangle]
pub unsafe extern "C" fn apst_webhook_deduplicator_new(
    capacity: usize,
    out_dedup: *mut *mut apst_webhook_deduplicator,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let out = out_arg(out_dedup, "out_dedup")?;
        if capacity == 0 {
            return Err(crate::error::FfiError::invalid(
                "parameter `capacity` must be at least 1",
            ));
        }
        *out = Box::into_raw(Box::new(apst_webhook_deduplicator {
            inner: apst_core::webhook::Deduplicator::new(capacity),
        }));
        Ok(())
    })
}

/// Records `event_id` and tells whether it is seen for the first time (`*out_first` =
/// true: process the event) or is a redelivery (false: acknowledge and skip it).
///
/// Ownership: borrows the inputs. Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_webhook_deduplicator_first_time(
    dedup: *const apst_webhook_deduplicator,
    event_id: *const c_char,
    out_first: *mut bool,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let d = handle(dedup, "dedup")?;
        let id = str_arg(event_id, "event_id")?;
        let out = crate::args::out_val(out_first, "out_first")?;
        *out = d.inner.first_time(id);
        Ok(())
    })
}

/// Releases a deduplicator. `dedup` may be NULL.
///
/// Ownership: takes ownership of `dedup`. Thread-safety: not concurrently with other uses
/// of it. Allowed after `apst_shutdown`.
#[no_mangle]
pub unsafe extern "C" fn apst_webhook_deduplicator_free(dedup: *mut apst_webhook_deduplicator) {
    if dedup.is_null() {
        return;
    }
    let _ = crate::boundary::boundary_always!(std::ptr::null_mut(), {
        drop(Box::from_raw(dedup));
        Ok(())
    });
}
