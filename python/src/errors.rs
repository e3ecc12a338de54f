//! Maps the core's `Error` to the Python exceptions of `approvalstudio.errors`.

use approvalstudio::{Error, ErrorKind};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The Python exception class name for an error kind.
pub fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidInput => "InvalidInputError",
        ErrorKind::Validation => "ValidationError",
        ErrorKind::Unauthorized => "AuthenticationError",
        ErrorKind::Forbidden => "ForbiddenError",
        ErrorKind::NotFound => "NotFoundError",
        ErrorKind::NotAcceptable | ErrorKind::Gone | ErrorKind::PreconditionFailed => {
            "StateConflictError"
        }
        ErrorKind::RateLimited => "RateLimitError",
        ErrorKind::Server => "ServerError",
        ErrorKind::Transport => "TransportError",
        ErrorKind::Timeout => "RequestTimeoutError",
        ErrorKind::Ambiguous => "AmbiguousRequestError",
        ErrorKind::Decode => "DecodeError",
        ErrorKind::Io => "LocalFileError",
        ErrorKind::Cancelled => "CancelledError",
        _ => "ApprovalStudioError",
    }
}

/// Builds `approvalstudio.errors.<Class>(message, status_code=..., ...)` from a core error.
/// `op` is the Python method that was called (`"projects.get"`): it becomes the error's
/// `operation` (the core may name the inner operation, e.g. `projects.list`).
pub fn to_pyerr(py: Python<'_>, e: &Error, op: Option<&str>) -> PyErr {
    match build(py, e, op) {
        Ok(err) => err,
        Err(err) => err,
    }
}

/// The core's wording for Rust users, as a Python user configures the same thing.
fn pythonize(text: &str) -> String {
    text.replace(
        "a token on the ClientBuilder",
        "a token: approvalstudio.Client(url, username=..., password=...) or token=...",
    )
    .replace(
        "(ClientBuilder::credentials)",
        "(approvalstudio.Client(url, username=..., password=...))",
    )
    .replace("ClientBuilder", "approvalstudio.Client")
}

/// The Python argument name of a field the core names the API's way (`projectUID` →
/// `project_uid`, `projectOwnersUIDS` → `owner_uids`).
fn py_arg_name(field: &str) -> String {
    match field {
        "projectOwnersUIDS" => return "owner_uids".into(),
        "projectName" => return "name".into(),
        "target" => return "path".into(),
        "credentials" => return "username/password".into(),
        "maxAttempts" | "max_attempts" => return "max_retries".into(),
        _ => {}
    }
    let mut out = String::with_capacity(field.len() + 4);
    let mut prev_lower = false;
    for c in field.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn build(py: Python<'_>, e: &Error, op: Option<&str>) -> PyResult<PyErr> {
    let module = py.import("approvalstudio.errors")?;
    let cls = module.getattr(class_name(e.kind()))?;
    let mut message = pythonize(e.message());
    let mut description = pythonize(&e.to_string());
    let operation = op.or(e.operation());
    if let (Some(op), Some(inner)) = (op, e.operation()) {
        if op != inner {
            let prefix = format!("{inner} failed: ");
            if let Some(rest) = description.strip_prefix(&prefix) {
                description = format!("{op} failed: {rest}");
            }
        }
    } else if let (Some(op), None) = (op, e.operation()) {
        description = format!("{op} failed: {description}");
    }
    let mut fields: Vec<(String, Vec<String>)> = e
        .fields()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if e.kind() == ErrorKind::InvalidInput {
        // Name the argument as the Python caller wrote it.
        for (k, _) in fields.iter_mut() {
            let py_name = py_arg_name(k);
            if py_name != *k {
                let (from, to) = (format!("{k}:"), format!("{py_name}:"));
                message = message.replacen(&from, &to, 1);
                description = description.replacen(&from, &to, 1);
                *k = py_name;
            }
        }
    }
    let kw = PyDict::new(py);
    kw.set_item("status_code", e.status())?;
    kw.set_item("trace_id", e.trace_id())?;
    kw.set_item("body", e.body())?;
    kw.set_item("retry_after", e.retry_after().map(|d| d.as_secs_f64()))?;
    let f = PyDict::new(py);
    for (k, v) in fields {
        f.set_item(k, v)?;
    }
    kw.set_item("fields", f)?;
    kw.set_item("kind", e.kind().as_str())?;
    kw.set_item("operation", operation)?;
    kw.set_item("applied", e.applied())?;
    kw.set_item("created_uid", e.created_uid())?;
    kw.set_item("description", description)?;
    let obj = cls.call((message,), Some(&kw))?;
    Ok(PyErr::from_value(obj))
}

/// A `RuntimeError` for misuse of the binding (e.g. re-entering the client from a callback).
pub fn runtime(msg: impl Into<String>) -> PyErr {
    PyRuntimeError::new_err(msg.into())
}

/// `ArgumentTypeError("name: what", fields={name: [what]})`: argument `name` has the wrong
/// type.
pub fn bad_type(py: Python<'_>, name: &str, what: &str) -> PyErr {
    argument_error(py, "ArgumentTypeError", name, what)
}

/// `InvalidInputError("name: what", fields={name: [what]})`: argument `name` has a value
/// that is not allowed.
pub fn bad_value(py: Python<'_>, name: &str, what: &str) -> PyErr {
    argument_error(py, "InvalidInputError", name, what)
}

fn argument_error(py: Python<'_>, class: &str, name: &str, what: &str) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let cls = py.import("approvalstudio.errors")?.getattr(class)?;
        let kw = PyDict::new(py);
        let f = PyDict::new(py);
        f.set_item(name, vec![what])?;
        kw.set_item("fields", f)?;
        kw.set_item("kind", ErrorKind::InvalidInput.as_str())?;
        let msg = format!("{name}: {what}");
        kw.set_item("description", &msg)?;
        Ok(PyErr::from_value(cls.call((msg,), Some(&kw))?))
    };
    build().unwrap_or_else(|e| e)
}

/// `approvalstudio.errors.<class>(message)` for an operation `op` whose effect was applied
/// although it failed (`applied=True`).
pub fn applied(py: Python<'_>, class: &str, op: &str, message: &str) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let cls = py.import("approvalstudio.errors")?.getattr(class)?;
        let kw = PyDict::new(py);
        kw.set_item("kind", ErrorKind::Cancelled.as_str())?;
        kw.set_item("operation", op)?;
        kw.set_item("applied", true)?;
        kw.set_item("description", format!("{op} failed: {message}"))?;
        Ok(PyErr::from_value(cls.call((message,), Some(&kw))?))
    };
    build().unwrap_or_else(|e| e)
}
