//! Webhook helpers for `approvalstudio.webhooks`: parsing (core `Event::parse`), constant-time
//! secret verification (core `webhook::verify`) and the core's bounded `Deduplicator`.

use approvalstudio::webhook::{self, Event};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use serde_json::Value;

use crate::args::{int_in, py_string};
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
    } else if body.cast::<PyString>().is_ok() {
        py_string("body", body)?.into_bytes()
    } else {
        return Err(errors::bad_type(
            py,
            "body",
            &format!(
                "must be bytes or str, not {}",
                crate::convert::type_name(body)
            ),
        ));
    };
    let event = Event::parse(&bytes).map_err(|e| errors::to_pyerr(py, &e, None))?;
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
pub fn verify_secret(header_value: &Bound<'_, PyAny>, secret: &Bound<'_, PyAny>) -> PyResult<bool> {
    let (h, s) = (
        py_string("header_value", header_value)?,
        py_string("secret", secret)?,
    );
    Ok(webhook::verify(&h, &s))
}

/// The largest `Deduplicator` capacity.
const MAX_CAPACITY: u64 = 100_000_000;

/// Remembers the last `capacity` event ids (thread-safe): deliveries are retried, so the same
/// `EventId` can arrive more than once.
#[pyclass(module = "approvalstudio._native", frozen)]
pub struct Deduplicator {
    inner: webhook::Deduplicator,
}

#[pymethods]
impl Deduplicator {
    /// `capacity`: an int from 1 to 100 000 000 (InvalidInputError otherwise).
    #[new]
    #[pyo3(signature = (capacity=None))]
    fn new(capacity: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let capacity = match capacity.filter(|c| !c.is_none()) {
            None => 10_000,
            Some(c) => int_in("capacity", c, 1, MAX_CAPACITY)? as usize,
        };
        Ok(Deduplicator {
            inner: webhook::Deduplicator::new(capacity),
        })
    }

    /// True the first time `event_id` is seen (and remembers it); False for a repeat.
    fn first_time(&self, event_id: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.inner.first_time(&py_string("event_id", event_id)?))
    }

    /// Whether `event_id` is remembered (a non-str is never remembered).
    fn __contains__(&self, event_id: &Bound<'_, PyAny>) -> bool {
        match event_id.cast::<PyString>() {
            Ok(s) => s.to_cow().map(|s| self.inner.contains(&s)).unwrap_or(false),
            Err(_) => false,
        }
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }
}
