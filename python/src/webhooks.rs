//! Webhook helpers for `approvalstudio.webhooks`: parsing (core `Event::parse`), constant-time
//! secret verification (core `webhook::verify`) and the core's bounded `Deduplicator`.

use approvalstudio::webhook::{self, Event};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use serde_json::Value;

use crate::convert::json_to_py;
use crate::errors;

fn envelope_json(e: &Event) -> Value {
    macro_rules! ser {
        ($env:expr) => {
            serde_json::to_value($env).unwrap_or(Value::Null)
        };
    }
    match e {
        Event::ProjectCreated(x) | Event::ProjectEdited(x) | Event::ProjectState(x) => ser!(x),
        Event::AssetUploaded(x) | Event::AssetDeleted(x) => ser!(x),
        Event::RefDocUploaded(x) | Event::RefDocDeleted(x) => ser!(x),
        Event::AnnotationAdded(x) | Event::AnnotationEdited(x) | Event::AnnotationDeleted(x) => {
            ser!(x)
        }
        Event::TaskCreated(x)
        | Event::TaskCompleted(x)
        | Event::TaskDeleted(x)
        | Event::TaskApproved(x)
        | Event::TaskRejected(x) => ser!(x),
        Event::WebhookTest(x) => ser!(x),
        Event::Other { data, .. } => serde_json::json!({ "Data": data }),
        _ => Value::Null,
    }
}

/// Parses a delivery body (bytes or str) into a dict: `event_id`, `event_type`, `created`
/// (RFC 3339 or None), `data` (typed by the core, PascalCase keys) and `raw` (the body).
/// Raises `DecodeError` when it is not a JSON object with an `EventType`.
#[pyfunction]
pub fn parse_event<'py>(py: Python<'py>, body: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    let bytes: Vec<u8> = if let Ok(b) = body.cast::<PyBytes>() {
        b.as_bytes().to_vec()
    } else if let Ok(s) = body.cast::<PyString>() {
        s.to_cow()?.as_bytes().to_vec()
    } else if let Ok(v) = body.extract::<Vec<u8>>() {
        v
    } else {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "body must be bytes or str, not {}",
            crate::convert::type_name(body)
        )));
    };
    let event = Event::parse(&bytes).map_err(|e| errors::to_pyerr(py, &e))?;
    let raw: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let env = envelope_json(&event);
    let data = env
        .as_object()
        .and_then(|o| o.get("Data"))
        .cloned()
        .unwrap_or(Value::Null);
    let d = PyDict::new(py);
    d.set_item("event_id", event.event_id())?;
    d.set_item("event_type", event.event_type())?;
    d.set_item("created", event.created().map(|c| c.to_rfc3339()))?;
    d.set_item("data", json_to_py(py, &data)?)?;
    d.set_item("raw", json_to_py(py, &raw)?)?;
    Ok(d)
}

/// True when `header_value` (the `Api-Secret` header) equals `secret` (constant time).
#[pyfunction]
pub fn verify_secret(header_value: &str, secret: &str) -> bool {
    webhook::verify(header_value, secret)
}

/// Remembers the last `capacity` event ids (thread-safe): deliveries are retried, so the same
/// `EventId` can arrive more than once.
#[pyclass(module = "approvalstudio._native", frozen)]
pub struct Deduplicator {
    inner: webhook::Deduplicator,
}

#[pymethods]
impl Deduplicator {
    #[new]
    #[pyo3(signature = (capacity=10_000))]
    fn new(capacity: usize) -> Self {
        Deduplicator {
            inner: webhook::Deduplicator::new(capacity),
        }
    }

    /// True the first time `event_id` is seen (and remembers it); False for a repeat.
    fn first_time(&self, event_id: &str) -> bool {
        self.inner.first_time(event_id)
    }

    fn __contains__(&self, event_id: &str) -> bool {
        self.inner.contains(event_id)
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }
}
