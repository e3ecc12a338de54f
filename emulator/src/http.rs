//! Wire helpers: the success envelope, error responses (problem details, envelopes, 401,
//! 403), and case-insensitive readers of query parameters and JSON bodies.

use std::collections::{BTreeMap, HashMap};

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{json, Map, Value};

/// Largest JSON body accepted (bytes).
pub const MAX_JSON_BODY: usize = 16 * 1024 * 1024;

/// An error response of the API.
#[derive(Debug)]
pub enum ApiError {
    /// 400 problem details: field → messages.
    Validation(BTreeMap<String, Vec<String>>),
    /// An envelope error: HTTP status, the body's `statusCode` (may differ), message.
    Envelope(StatusCode, u16, String),
    /// 401 with an empty body.
    Unauthorized,
    /// 500 (an infrastructure failure of the emulator itself, e.g. a disk error).
    Internal(String),
}

impl ApiError {
    /// A 400 naming one field.
    pub fn field(name: &str, msg: impl Into<String>) -> Self {
        let mut m = BTreeMap::new();
        m.insert(name.to_string(), vec![msg.into()]);
        ApiError::Validation(m)
    }
    /// An envelope error whose body repeats the HTTP status.
    pub fn status(code: StatusCode, msg: impl Into<String>) -> Self {
        ApiError::Envelope(code, code.as_u16(), msg.into())
    }
    /// 404.
    pub fn not_found(msg: impl Into<String>) -> Self {
        Self::status(StatusCode::NOT_FOUND, msg)
    }
    /// 406.
    pub fn not_acceptable(msg: impl Into<String>) -> Self {
        Self::status(StatusCode::NOT_ACCEPTABLE, msg)
    }
    /// 410.
    pub fn gone(msg: impl Into<String>) -> Self {
        Self::status(StatusCode::GONE, msg)
    }
    /// 412.
    pub fn precondition(msg: impl Into<String>) -> Self {
        Self::status(StatusCode::PRECONDITION_FAILED, msg)
    }
    /// 403.
    pub fn forbidden(msg: impl Into<String>) -> Self {
        Self::status(StatusCode::FORBIDDEN, msg)
    }
    /// 500 from any displayable error.
    pub fn internal(e: impl std::fmt::Display) -> Self {
        ApiError::Internal(e.to_string())
    }
}

/// A `traceId` like ASP.NET's: `|8hex-8hex.`
pub fn trace_id() -> String {
    let u = uuid::Uuid::new_v4().simple().to_string();
    format!("|{}-{}.", &u[..8], &u[8..16])
}

/// The 400 problem-details body.
pub fn problem_body(errors: &BTreeMap<String, Vec<String>>) -> Value {
    json!({
        "errors": errors,
        "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
        "title": "One or more validation errors occurred.",
        "status": 400,
        "traceId": trace_id(),
    })
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Validation(errors) => {
                let mut r =
                    (StatusCode::BAD_REQUEST, axum::Json(problem_body(&errors))).into_response();
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/problem+json; charset=utf-8"),
                );
                r
            }
            ApiError::Envelope(code, body_code, msg) => (
                code,
                axum::Json(json!({"version": "1.0", "statusCode": body_code, "message": msg})),
            )
                .into_response(),
            ApiError::Unauthorized => Response::builder()
                .status(StatusCode::UNAUTHORIZED)
                .header(header::WWW_AUTHENTICATE, "Bearer")
                .body(Body::empty())
                .unwrap_or_default(),
            ApiError::Internal(msg) => {
                tracing::error!("internal error: {msg}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    axum::Json(json!({"version": "1.0", "statusCode": 500, "message": msg})),
                )
                    .into_response()
            }
        }
    }
}

/// Result of a handler.
pub type ApiResult = Result<Response, ApiError>;

/// The success envelope with a result.
pub fn ok(message: &str, result: Value) -> ApiResult {
    Ok(axum::Json(
        json!({"version": "1.0", "statusCode": 200, "message": message, "result": result}),
    )
    .into_response())
}

/// The success envelope without a result.
pub fn ok_empty(message: &str) -> ApiResult {
    Ok(
        axum::Json(json!({"version": "1.0", "statusCode": 200, "message": message}))
            .into_response(),
    )
}

/// The one mandatory UID query parameter `name` of a GET/DELETE (`?AssetUID=...`), or the
/// 400 problem details naming it.
pub fn query_uid(q: &Option<String>, name: &str) -> Result<String, ApiError> {
    let input = Input::from_query(q.as_deref());
    let mut f = Fields::new(&input);
    let uid = f.req_str(name);
    f.finish()?;
    Ok(uid)
}

/// Case-insensitive field source: query parameters or a JSON object.
#[derive(Debug, Default)]
pub struct Input {
    /// lower-case name → value.
    values: HashMap<String, Value>,
}

impl Input {
    /// Parses a raw query string. Repeated keys are joined with commas.
    pub fn from_query(q: Option<&str>) -> Input {
        let mut values: HashMap<String, Value> = HashMap::new();
        if let Some(q) = q {
            let pairs: Vec<(String, String)> = serde_urlencoded::from_str(q).unwrap_or_default();
            for (k, v) in pairs {
                let key = k.to_ascii_lowercase();
                match values.get_mut(&key) {
                    Some(Value::String(old)) => {
                        old.push(',');
                        old.push_str(&v);
                    }
                    _ => {
                        values.insert(key, Value::String(v));
                    }
                }
            }
        }
        Input { values }
    }

    /// Parses a JSON object body (any content type). Malformed JSON and non-objects are 400s
    /// under the field `$`, like ASP.NET.
    pub fn from_json(bytes: &[u8]) -> Result<Input, ApiError> {
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(ApiError::field(
                "$",
                "A non-empty request body is required.",
            ));
        }
        let v: Value = serde_json::from_slice(bytes).map_err(|e| {
            ApiError::field(
                "$",
                format!("The request body is not valid JSON: {e}. Path: $ | LineNumber: {} | BytePositionInLine: {}.", e.line().saturating_sub(1), e.column()),
            )
        })?;
        match v {
            Value::Object(m) => Ok(Input::from_map(m)),
            _ => Err(ApiError::field(
                "$",
                "The JSON value could not be converted to the request model (an object is expected).",
            )),
        }
    }

    /// From a JSON object.
    pub fn from_map(m: Map<String, Value>) -> Input {
        Input {
            values: m
                .into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
        }
    }

    /// Sets a value (used for multipart form fields).
    pub fn set(&mut self, name: &str, v: Value) {
        self.values.insert(name.to_ascii_lowercase(), v);
    }

    /// Raw value by name (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(&name.to_ascii_lowercase())
    }
}

/// Whether a string is empty or only whitespace. "Whitespace" is Unicode's `White_Space`
/// property (Rust's `char::is_whitespace`, .NET's `char.IsWhiteSpace`, which the service's
/// validators use): TAB..CR, space, NEL, NBSP, U+1680, U+2000..U+200A, U+2028, U+2029,
/// U+202F, U+205F, U+3000. spec/openapi.yaml's `NonBlank` pattern lists the same set.
pub fn is_blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// Reads fields from an [`Input`] and collects validation errors named by field.
pub struct Fields<'a> {
    input: &'a Input,
    errors: BTreeMap<String, Vec<String>>,
}

impl<'a> Fields<'a> {
    /// Starts reading.
    pub fn new(input: &'a Input) -> Self {
        Fields {
            input,
            errors: BTreeMap::new(),
        }
    }

    /// Records an error on a field.
    pub fn error(&mut self, name: &str, msg: impl Into<String>) {
        self.errors
            .entry(name.to_string())
            .or_default()
            .push(msg.into());
    }

    /// An optional string (`null` and absent = None; numbers and booleans are converted like
    /// a lenient model binder; objects and arrays are 400).
    pub fn opt_str(&mut self, name: &str) -> Option<String> {
        match self.input.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::Bool(b)) => Some(b.to_string()),
            Some(_) => {
                self.error(
                    name,
                    format!(
                        "The JSON value could not be converted to System.String. Path: $.{name}."
                    ),
                );
                None
            }
        }
    }

    /// A mandatory non-empty string.
    pub fn req_str(&mut self, name: &str) -> String {
        match self.opt_str(name) {
            Some(s) if !is_blank(&s) => s,
            Some(_) | None => {
                if !self.errors.contains_key(name) {
                    self.error(name, format!("'{name}' must not be empty."));
                }
                String::new()
            }
        }
    }

    /// Checks a maximum length (characters).
    pub fn max_len(&mut self, name: &str, v: Option<&str>, max: usize) {
        if let Some(s) = v {
            let n = s.chars().count();
            if n > max {
                self.error(
                    name,
                    format!("The length of '{name}' must be {max} characters or fewer. You entered {n} characters."),
                );
            }
        }
    }

    /// An optional array of strings (a comma-separated string is accepted too).
    pub fn opt_str_list(&mut self, name: &str) -> Option<Vec<String>> {
        match self.input.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Array(a)) => {
                let mut out = Vec::new();
                for v in a {
                    match v {
                        Value::String(s) => out.push(s.clone()),
                        _ => {
                            self.error(name, format!("The JSON value could not be converted to System.String[]. Path: $.{name}."));
                            return None;
                        }
                    }
                }
                Some(out)
            }
            Some(Value::String(s)) => Some(
                s.split(',')
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect(),
            ),
            Some(_) => {
                self.error(
                    name,
                    format!(
                        "The JSON value could not be converted to System.String[]. Path: $.{name}."
                    ),
                );
                None
            }
        }
    }

    /// An optional boolean (`"true"`/`"false"` strings accepted).
    pub fn opt_bool(&mut self, name: &str) -> Option<bool> {
        match self.input.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                _ => {
                    self.error(name, format!("The value '{s}' is not valid for {name}."));
                    None
                }
            },
            Some(other) => {
                self.error(
                    name,
                    format!("The value '{other}' is not valid for {name}."),
                );
                None
            }
        }
    }

    /// An optional integer (`"5"` accepted).
    pub fn opt_i64(&mut self, name: &str) -> Option<i64> {
        match self.input.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => match n.as_i64() {
                Some(i) => Some(i),
                None => {
                    self.error(name, format!("The value '{n}' is not valid for {name}."));
                    None
                }
            },
            Some(Value::String(s)) => match s.trim().parse() {
                Ok(i) => Some(i),
                Err(_) => {
                    self.error(name, format!("The value '{s}' is not valid for {name}."));
                    None
                }
            },
            Some(other) => {
                self.error(
                    name,
                    format!("The value '{other}' is not valid for {name}."),
                );
                None
            }
        }
    }

    /// An optional date: RFC 3339, a zone-less date-time (read as UTC) or a plain date.
    pub fn opt_date(&mut self, name: &str) -> Option<DateTime<Utc>> {
        let s = self.opt_str(name)?;
        if s.trim().is_empty() {
            return None;
        }
        match parse_date(&s) {
            Some(d) => Some(d),
            None => {
                self.error(
                    name,
                    format!("The value '{s}' is not a valid date for '{name}'."),
                );
                None
            }
        }
    }

    /// Raw JSON value.
    pub fn raw(&self, name: &str) -> Option<&Value> {
        self.input.get(name).filter(|v| !v.is_null())
    }

    /// Ends reading: 400 with every collected error, if any.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.errors))
        }
    }
}

/// Parses the date forms the API accepts.
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return Some(d.and_utc());
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

/// Reads a whole (small) request body; too large or broken bodies are 400s.
pub async fn read_body(body: Body) -> Result<bytes::Bytes, ApiError> {
    axum::body::to_bytes(body, MAX_JSON_BODY)
        .await
        .map_err(|e| ApiError::field("$", format!("The request body could not be read: {e}.")))
}

/// Reads a JSON object body.
pub async fn json_input(body: Body) -> Result<Input, ApiError> {
    let bytes = read_body(body).await?;
    Input::from_json(&bytes)
}

/// The absolute URL prefix of this request (`http://host:port`) from its `Host` header.
pub fn base_url(headers: &axum::http::HeaderMap, fallback: &str) -> String {
    match headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
        Some(h) if !h.is_empty() && h.chars().all(|c| c.is_ascii_graphic()) => {
            let proto = headers
                .get("x-forwarded-proto")
                .and_then(|h| h.to_str().ok())
                .filter(|p| *p == "https")
                .unwrap_or("http");
            format!("{proto}://{h}")
        }
        _ => fallback.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_is_case_insensitive() {
        let i = Input::from_query(Some("projectuid=A&IsLoadAssets=true"));
        let mut f = Fields::new(&i);
        assert_eq!(f.opt_str("ProjectUID").as_deref(), Some("A"));
        assert_eq!(f.opt_bool("isloadassets"), Some(true));
        assert!(f.finish().is_ok());
    }

    #[test]
    fn dates() {
        assert!(parse_date("2020-12-04").is_some());
        assert!(parse_date("2020-12-07T20:56:38.818Z").is_some());
        assert!(parse_date("2020-10-22T08:09:05.778512").is_some());
        assert!(parse_date("not a date").is_none());
    }

    #[test]
    fn bad_json_is_400() {
        assert!(matches!(
            Input::from_json(b"{"),
            Err(ApiError::Validation(_))
        ));
        assert!(matches!(
            Input::from_json(b"[1]"),
            Err(ApiError::Validation(_))
        ));
        assert!(Input::from_json(br#"{"A":1}"#).is_ok());
    }
}
