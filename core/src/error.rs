//! The one error type of the SDK: [`Error`] with an [`ErrorKind`] and accessors.
//!
//! Every message says what failed, carries the server's own text when there is one, and ends
//! with what to do about it. No secret (password, token, webhook secret) ever appears in an
//! error.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// `Result` with the SDK's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of failure an [`Error`] is. Stable across the Rust, C and Python faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An argument was rejected before anything was sent (see [`Error::fields`] for its name).
    InvalidInput,
    /// HTTP 400: the server rejected the parameters; [`Error::fields`] has its field errors.
    Validation,
    /// HTTP 401: wrong credentials, or a token that is missing, invalid or expired.
    Unauthorized,
    /// HTTP 403: storage limit reached, or the account's plan has no API access.
    Forbidden,
    /// HTTP 404: the resource does not exist (or was deleted).
    NotFound,
    /// HTTP 406: not possible in the resource's current state (e.g. already in that state).
    NotAcceptable,
    /// HTTP 410: the resource is no longer pending (e.g. a task already completed).
    Gone,
    /// HTTP 412 (and 409): a precondition of the operation does not hold.
    PreconditionFailed,
    /// HTTP 429: the API quota is exhausted and waiting would exceed the configured cap.
    RateLimited,
    /// HTTP 5xx (or another unexpected status) after all retries.
    Server,
    /// The connection failed or broke.
    Transport,
    /// A connect or read timeout, or the retry deadline passed.
    Timeout,
    /// A non-idempotent request (create, upload) failed after it was sent: it may have been
    /// applied. Check (e.g. list) before trying again.
    Ambiguous,
    /// The response could not be decoded.
    Decode,
    /// A local file could not be read or written.
    Io,
    /// The operation was cancelled by the caller (cancellation token, progress callback or
    /// interrupt hook).
    Cancelled,
}

impl ErrorKind {
    /// A stable snake_case name of the kind (`"not_found"`, `"rate_limited"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Validation => "validation",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not_found",
            ErrorKind::NotAcceptable => "not_acceptable",
            ErrorKind::Gone => "gone",
            ErrorKind::PreconditionFailed => "precondition_failed",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Server => "server",
            ErrorKind::Transport => "transport",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Ambiguous => "ambiguous",
            ErrorKind::Decode => "decode",
            ErrorKind::Io => "io",
            ErrorKind::Cancelled => "cancelled",
        }
    }

    /// What a caller should do about an error of this kind (used in `Display`).
    fn advice(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "fix the argument and call again",
            ErrorKind::Validation => "fix the listed fields and call again",
            ErrorKind::Unauthorized => "check the username/password or supply a fresh token",
            ErrorKind::Forbidden => {
                "the account's plan or storage does not allow this; contact the account admin"
            }
            ErrorKind::NotFound => "check the UID; the resource may have been deleted",
            ErrorKind::NotAcceptable => "check the resource's current state before calling",
            ErrorKind::Gone => "the resource is no longer pending; re-read it",
            ErrorKind::PreconditionFailed => "check the preconditions named by the server",
            ErrorKind::RateLimited => "wait for the quota to reset (see retry_after) and retry",
            ErrorKind::Server => "the service failed; retry later or contact support",
            ErrorKind::Transport => "check the network and the base URL, then retry",
            ErrorKind::Timeout => "retry later, or raise the timeouts/retry deadline",
            ErrorKind::Ambiguous => {
                "the request may have been applied: check (e.g. list) before trying again"
            }
            ErrorKind::Decode => "the server sent an unexpected response; report it",
            ErrorKind::Io => "check the local path and permissions",
            ErrorKind::Cancelled => "the operation was cancelled by the caller",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error of the SDK. Cheap to move (boxed); see [`Error::kind`] and the accessors.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: String,
    operation: Option<String>,
    status: Option<u16>,
    retry_after: Option<Duration>,
    trace_id: Option<String>,
    fields: BTreeMap<String, Vec<String>>,
    body: Option<String>,
    applied: bool,
    created_uid: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    /// A new error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                operation: None,
                status: None,
                retry_after: None,
                trace_id: None,
                fields: BTreeMap::new(),
                body: None,
                applied: false,
                created_uid: None,
                source: None,
            }),
        }
    }

    /// An [`ErrorKind::InvalidInput`] error naming the offending argument `field`.
    pub fn invalid_input(field: &str, message: impl Into<String>) -> Error {
        let message = message.into();
        let mut e = Error::new(ErrorKind::InvalidInput, format!("{field}: {message}"));
        e.inner.fields.insert(field.to_string(), vec![message]);
        e
    }

    /// An [`ErrorKind::Cancelled`] error.
    pub fn cancelled() -> Error {
        Error::new(ErrorKind::Cancelled, "operation cancelled")
    }

    pub(crate) fn io(context: impl Into<String>, err: std::io::Error) -> Error {
        let msg = format!("{}: {}", context.into(), err);
        Error::new(ErrorKind::Io, msg).with_source(err)
    }

    pub(crate) fn decode(context: impl Into<String>) -> Error {
        Error::new(ErrorKind::Decode, context)
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        self.inner.source = Some(Box::new(source));
        self
    }

    pub(crate) fn with_status(mut self, status: u16) -> Error {
        self.inner.status = Some(status);
        self
    }

    pub(crate) fn with_retry_after(mut self, d: Option<Duration>) -> Error {
        self.inner.retry_after = d;
        self
    }

    pub(crate) fn with_trace_id(mut self, t: Option<String>) -> Error {
        self.inner.trace_id = t;
        self
    }

    pub(crate) fn with_fields(mut self, fields: BTreeMap<String, Vec<String>>) -> Error {
        self.inner.fields = fields;
        self
    }

    /// Adds `field` with `message` to [`Error::fields`] (names the argument at fault).
    pub(crate) fn with_field(mut self, field: &str, message: impl Into<String>) -> Error {
        self.inner
            .fields
            .entry(field.to_string())
            .or_default()
            .push(message.into());
        self
    }

    pub(crate) fn with_body(mut self, body: Option<String>) -> Error {
        self.inner.body = body;
        self
    }

    /// Names `op` as the failed operation, replacing the name of a step it is built on
    /// (`projects.get` over `projects.list`): the error names what the caller called.
    pub(crate) fn within(mut self, op: &str) -> Error {
        self.inner.operation = Some(op.to_string());
        self
    }

    /// Marks an error of a step that came after the call's effect was applied (e.g. reading
    /// back a created project failed, or a progress callback cancelled after an upload was
    /// accepted): the message says so, [`Error::applied`] is true and [`Error::created_uid`]
    /// names what was created.
    pub(crate) fn after_applied(mut self, what: &str, created_uid: Option<&str>) -> Error {
        if self.inner.applied {
            return self;
        }
        let uid = created_uid.map(|u| format!(" ({u})")).unwrap_or_default();
        self.inner.message = format!(
            "{what}{uid} was applied on the server, but then: {}",
            self.inner.message
        );
        self.inner.applied = true;
        self.inner.created_uid = created_uid.map(str::to_string);
        self
    }

    pub(crate) fn with_operation(mut self, op: &str) -> Error {
        if self.inner.operation.is_none() {
            self.inner.operation = Some(op.to_string());
        }
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// The message: the server's own text when there was one, else a description.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The operation that failed (e.g. `"projects.create"`), when known.
    pub fn operation(&self) -> Option<&str> {
        self.inner.operation.as_deref()
    }

    /// For [`ErrorKind::RateLimited`]: how long the server asked to wait.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// The server's trace id (400 problem details), for support requests.
    pub fn trace_id(&self) -> Option<&str> {
        self.inner.trace_id.as_deref()
    }

    /// Field errors: for [`ErrorKind::Validation`] the server's per-field messages; for
    /// [`ErrorKind::InvalidInput`] the offending argument's name with what is allowed.
    pub fn fields(&self) -> &BTreeMap<String, Vec<String>> {
        &self.inner.fields
    }

    /// The response body as text (truncated to 4 KiB), when there was one.
    pub fn body(&self) -> Option<&str> {
        self.inner.body.as_deref()
    }

    /// True when the call's effect is known to have been applied although the call returned
    /// this error (a later step failed, or the caller cancelled after the server accepted the
    /// request). Do not repeat the call: see [`Error::created_uid`]. (An effect that *may*
    /// have been applied is [`ErrorKind::Ambiguous`] instead.)
    pub fn applied(&self) -> bool {
        self.inner.applied
    }

    /// With [`Error::applied`]: the UID of the resource the call created (the asset of an
    /// upload cancelled after it was accepted, a project whose read-back failed).
    pub fn created_uid(&self) -> Option<&str> {
        self.inner.created_uid.as_deref()
    }

    /// True when retrying the same call later may succeed (rate limit, server, transport,
    /// timeout).
    pub fn is_retryable(&self) -> bool {
        !self.inner.applied
            && matches!(
                self.kind(),
                ErrorKind::RateLimited
                    | ErrorKind::Server
                    | ErrorKind::Transport
                    | ErrorKind::Timeout
            )
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.inner.kind)
            .field("message", &self.inner.message);
        if let Some(op) = &self.inner.operation {
            d.field("operation", op);
        }
        if let Some(s) = self.inner.status {
            d.field("status", &s);
        }
        if let Some(r) = self.inner.retry_after {
            d.field("retry_after", &r);
        }
        if let Some(t) = &self.inner.trace_id {
            d.field("trace_id", t);
        }
        if !self.inner.fields.is_empty() {
            d.field("fields", &self.inner.fields);
        }
        if self.inner.applied {
            d.field("applied", &true);
        }
        if let Some(u) = &self.inner.created_uid {
            d.field("created_uid", u);
        }
        d.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(op) = &self.inner.operation {
            write!(f, "{op} failed: ")?;
        }
        f.write_str(&self.inner.message)?;
        if let Some(s) = self.inner.status {
            write!(f, " (HTTP {s})")?;
        }
        if self.inner.kind == ErrorKind::Validation && !self.inner.fields.is_empty() {
            let parts: Vec<String> = self
                .inner
                .fields
                .iter()
                .map(|(k, v)| format!("{k}: {}", v.join("; ")))
                .collect();
            write!(f, " [{}]", parts.join(", "))?;
        }
        if let Some(r) = self.inner.retry_after {
            write!(f, " (retry after {} s)", r.as_secs_f64().ceil())?;
        }
        if let Some(t) = &self.inner.trace_id {
            write!(f, " (trace id {t})")?;
        }
        write!(f, "; {}", self.inner.kind.advice())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|e| e.as_ref() as &(dyn std::error::Error + 'static))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::io("I/O error", e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_message_status_and_advice() {
        let e = Error::new(ErrorKind::NotFound, "Project not found.")
            .with_status(404)
            .with_operation("projects.get");
        let s = e.to_string();
        assert!(s.starts_with("projects.get failed: Project not found. (HTTP 404)"));
        assert!(s.contains("check the UID"));
    }

    #[test]
    fn invalid_input_names_field() {
        let e = Error::invalid_input("customer", "at most 50 characters");
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.fields().contains_key("customer"));
        assert!(e.to_string().contains("customer"));
    }
}
