//! Everything about talking HTTP to the service, in one place: the auth header and token
//! store (proactive refresh, single-flight re-login on 401), envelope decoding, error mapping,
//! retries with backoff, the shared rate gate, and tracing spans.
//!
//! Retry policy (docs/DESIGN.md). The body of a JSON answer is read *inside* the retry loop,
//! so a response cut off mid-body counts as a failure after sending like a reset does.
//!
//! | outcome | GET, login | PUT, DELETE, idempotent POST | POST creates/uploads |
//! |---|---|---|---|
//! | connect failed | retry | retry | retry |
//! | 429 | wait `Retry-After` (capped), retry | same | same |
//! | 401 | re-login once, replay | same | same |
//! | 5xx, timeout/reset after sending, cut-off body | retry | retry; 404 on a retried DELETE / 406 or 410 on a retried state change = success | `Ambiguous` at once |
//! | other 4xx | fail | fail | fail |
//!
//! A write (anything but a read) whose retries run out after an attempt with an unknown
//! outcome (the last three rows' second line) fails as `Ambiguous`, never as a plain
//! transport or server error: the request may have been applied. An error that comes after
//! the effect is known to be applied (reading a created record back failed) is marked
//! [`Error::applied`](crate::Error::applied).

use crate::error::{Error, ErrorKind, Result};
use crate::models::{wire, LoginResult};
use chrono::{DateTime, Utc};
use rand::Rng;
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;
use tracing::{debug, warn, Instrument};

/// How a request may be retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Retry {
    /// GET: retried on 5xx and failures after sending.
    Read,
    /// PUT, idempotent POSTs: as `Read`.
    Idempotent,
    /// DELETE: as `Read`; a 404 after an attempt with unknown outcome is success.
    Delete,
    /// State change: as `Read`; a 406 (already in that state) or 410 (task no longer pending)
    /// after an attempt with unknown outcome is success.
    StateChange,
    /// Creates and uploads: never retried once sent; unknown outcome → `Ambiguous`.
    Create,
}

/// Builds a fresh multipart form for each attempt (a retry re-opens the file).
pub(crate) type FormFactory =
    Arc<dyn Fn() -> Result<reqwest::multipart::Form> + Send + Sync + 'static>;

/// Request body.
#[derive(Clone)]
pub(crate) enum Payload {
    None,
    Json(Value),
    Multipart(FormFactory),
}

/// One API call.
#[derive(Clone)]
pub(crate) struct Call {
    /// Operation name for spans and errors (`projects.create`).
    pub op: &'static str,
    pub method: Method,
    /// Path template under `/api/v1/` (`project/state`), or an absolute URL in `url`.
    pub path: &'static str,
    /// Absolute URL overriding `path` (download URLs given by the server).
    pub url: Option<url::Url>,
    pub query: Vec<(&'static str, String)>,
    pub payload: Payload,
    pub retry: Retry,
    pub auth: bool,
}

impl Call {
    pub(crate) fn new(op: &'static str, method: Method, path: &'static str, retry: Retry) -> Call {
        Call {
            op,
            method,
            path,
            url: None,
            query: Vec::new(),
            payload: Payload::None,
            retry,
            auth: true,
        }
    }
    pub(crate) fn get(op: &'static str, path: &'static str) -> Call {
        Call::new(op, Method::GET, path, Retry::Read)
    }
    pub(crate) fn delete(op: &'static str, path: &'static str) -> Call {
        Call::new(op, Method::DELETE, path, Retry::Delete)
    }
    pub(crate) fn put(op: &'static str, path: &'static str) -> Call {
        Call::new(op, Method::PUT, path, Retry::Idempotent)
    }
    pub(crate) fn create(op: &'static str, path: &'static str) -> Call {
        Call::new(op, Method::POST, path, Retry::Create)
    }
    pub(crate) fn post_idempotent(op: &'static str, path: &'static str) -> Call {
        Call::new(op, Method::POST, path, Retry::Idempotent)
    }
    pub(crate) fn retry(mut self, r: Retry) -> Call {
        self.retry = r;
        self
    }
    pub(crate) fn q(mut self, k: &'static str, v: impl Into<String>) -> Call {
        self.query.push((k, v.into()));
        self
    }
    pub(crate) fn q_opt(self, k: &'static str, v: Option<impl Into<String>>) -> Call {
        match v {
            Some(v) => self.q(k, v),
            None => self,
        }
    }
    pub(crate) fn json(mut self, v: Value) -> Call {
        self.payload = Payload::Json(v);
        self
    }
    pub(crate) fn multipart(mut self, f: FormFactory) -> Call {
        self.payload = Payload::Multipart(f);
        self
    }
}

/// Resolved configuration of a client.
#[derive(Clone)]
pub(crate) struct Config {
    pub base_url: url::Url,
    pub credentials: Option<(String, SecretString)>,
    pub token: Option<SecretString>,
    pub keep_alive: Option<Duration>,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    pub max_attempts: u32,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    pub retry_deadline: Duration,
    pub max_rate_limit_wait: Duration,
    pub user_agent: String,
}

struct AuthState {
    token: Option<SecretString>,
    /// Refresh proactively after this instant (credentials only).
    refresh_at: Option<Instant>,
    expiration: Option<DateTime<Utc>>,
    generation: u64,
}

/// Shared state of a client.
pub(crate) struct Inner {
    pub cfg: Config,
    http: parking_lot::Mutex<(u32, reqwest::Client)>,
    auth: parking_lot::Mutex<AuthState>,
    login_lock: tokio::sync::Mutex<()>,
    gate: RateGate,
    logins: std::sync::atomic::AtomicU64,
}

fn build_http(cfg: &Config) -> Result<reqwest::Client> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::new(ErrorKind::Transport, format!("TLS setup failed: {e}")))?
        .with_platform_verifier()
        .map_err(|e| Error::new(ErrorKind::Transport, format!("TLS setup failed: {e}")))?
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(cfg.connect_timeout)
        .read_timeout(cfg.read_timeout)
        .pool_idle_timeout(Duration::from_secs(60))
        .user_agent(cfg.user_agent.clone())
        .build()
        .map_err(|e| {
            Error::new(
                ErrorKind::Transport,
                format!("could not build the HTTP client: {e}"),
            )
        })
}

fn header_str<'a>(h: &'a reqwest::header::HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

/// The longest wait a header is taken at: longer ones (`Retry-After: 1e30`, a reset in the
/// year 200000) are read as a year, so `Instant::now() + wait` cannot overflow; any such wait
/// is past the rate-limit cap anyway and fails the call as `RateLimited`.
const MAX_HEADER_WAIT: Duration = Duration::from_secs(365 * 86_400);

/// Parses `Retry-After`: seconds, or an HTTP date.
pub(crate) fn retry_after(h: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = header_str(h, "retry-after")?;
    if let Ok(s) = v.parse::<f64>() {
        if s.is_finite() && s >= 0.0 {
            return Some(
                Duration::try_from_secs_f64(s).map_or(MAX_HEADER_WAIT, |d| d.min(MAX_HEADER_WAIT)),
            );
        }
    }
    DateTime::parse_from_rfc2822(v).ok().map(|d| {
        (d.with_timezone(&Utc) - Utc::now())
            .to_std()
            .unwrap_or_default()
            .min(MAX_HEADER_WAIT)
    })
}

/// Time until `X-Rate-Limit-Reset`. Measured against the local clock, or against the
/// response's `Date` when the two clocks disagree by more than 5 s (a skewed clock on either
/// side then doesn't matter).
pub(crate) fn rate_limit_reset(h: &reqwest::header::HeaderMap) -> Option<Duration> {
    let reset = crate::models::parse_date(header_str(h, "x-rate-limit-reset")?)?;
    let local = Utc::now();
    let now = header_str(h, "date")
        .and_then(|d| DateTime::parse_from_rfc2822(d).ok())
        .map(|d| d.with_timezone(&Utc))
        .filter(|d| (*d - local).num_seconds().abs() > 5)
        .unwrap_or(local);
    // + 50 ms: the header has millisecond precision; never arrive before the window resets.
    Some(
        (reset - now)
            .to_std()
            .map(|d| (d + Duration::from_millis(50)).min(MAX_HEADER_WAIT))
            .unwrap_or_default(),
    )
}

/// The client's shared rate gate. It learns the quota from the `X-Rate-Limit-*` headers:
/// while the budget of the current window lasts, requests go; when it is used up (a response
/// says `X-Rate-Limit-Remaining: 0`, or a 429 came back) every request of the client waits
/// until the reset; after a reset, one probe request goes first and the others wait for the
/// budget it reports, so a herd of waiting requests doesn't burst into 429s.
#[derive(Default)]
pub(crate) struct RateGate {
    st: parking_lot::Mutex<GateState>,
    notify: tokio::sync::Notify,
}

#[derive(Default)]
struct GateState {
    /// Saw rate-limit headers at least once.
    seen: bool,
    /// Requests left in the current window (local estimate).
    remaining: Option<i64>,
    /// When the current window resets.
    reset_at: Option<Instant>,
    /// Closed (429 or budget used up) until then.
    closed_until: Option<Instant>,
    /// A probe request is in flight.
    probe: bool,
}

/// Reports a ticket back to the gate exactly once, also when the request is cancelled.
struct TicketGuard<'a> {
    gate: &'a RateGate,
    ticket: Option<Ticket>,
}

impl TicketGuard<'_> {
    fn observe(&mut self, h: Option<&reqwest::header::HeaderMap>) {
        if let Some(t) = self.ticket.take() {
            self.gate.observe(t, h);
        }
    }
}

impl Drop for TicketGuard<'_> {
    fn drop(&mut self) {
        self.observe(None);
    }
}

/// What a request got from the gate (a probe must report back).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ticket {
    Free,
    Budget,
    Probe,
}

impl RateGate {
    pub(crate) async fn acquire(
        &self,
        op: &str,
        max_wait: Duration,
        deadline: Instant,
    ) -> Result<Ticket> {
        loop {
            let wait_until = {
                let mut st = self.st.lock();
                let now = Instant::now();
                let mut until = None;
                if let Some(u) = st.closed_until {
                    if u > now {
                        until = Some(u);
                    } else {
                        st.closed_until = None;
                        st.remaining = None;
                    }
                }
                if until.is_none() {
                    if !st.seen {
                        return Ok(Ticket::Free);
                    }
                    match st.remaining {
                        Some(n) if n > 0 => {
                            st.remaining = Some(n - 1);
                            return Ok(Ticket::Budget);
                        }
                        Some(_) => match st.reset_at {
                            Some(r) if r > now => until = Some(r),
                            _ => st.remaining = None,
                        },
                        None => {}
                    }
                }
                if until.is_none() && st.remaining.is_none() && !st.probe {
                    st.probe = true;
                    return Ok(Ticket::Probe);
                }
                until
            };
            match wait_until {
                Some(u) => {
                    let wait = u.saturating_duration_since(Instant::now());
                    if wait > max_wait || u > deadline {
                        return Err(Error::new(
                            ErrorKind::RateLimited,
                            format!(
                                "the API quota is used up for {:.0} s more, longer than allowed to wait",
                                wait.as_secs_f64().ceil()
                            ),
                        )
                        .with_retry_after(Some(wait))
                        .with_operation(op));
                    }
                    debug!(
                        wait_ms = wait.as_millis() as u64,
                        "rate gate closed, waiting"
                    );
                    tokio::time::sleep_until(u).await;
                }
                None => {
                    // Wait for the probe's answer (re-check now and then).
                    let _ = tokio::time::timeout(Duration::from_millis(50), self.notify.notified())
                        .await;
                }
            }
        }
    }

    /// Learns from a response's headers (or from no response: `h` None) and releases a probe.
    pub(crate) fn observe(&self, ticket: Ticket, h: Option<&reqwest::header::HeaderMap>) {
        let mut st = self.st.lock();
        if ticket == Ticket::Probe {
            st.probe = false;
        }
        if let Some(h) = h {
            let rem = header_str(h, "x-rate-limit-remaining").and_then(|v| v.parse::<i64>().ok());
            let reset = rate_limit_reset(h).map(|d| Instant::now() + d);
            if let Some(rem) = rem {
                st.seen = true;
                let new_window = match (reset, st.reset_at) {
                    (Some(r), Some(old)) => r > old + Duration::from_millis(500),
                    (Some(_), None) => true,
                    _ => false,
                };
                st.remaining = Some(match st.remaining {
                    Some(cur) if !new_window => cur.min(rem),
                    _ => rem,
                });
                if reset.is_some() {
                    st.reset_at = reset;
                }
                if rem <= 0 {
                    if let Some(r) = reset {
                        debug!("quota used up, closing the gate until the reset");
                        st.closed_until = Some(st.closed_until.map_or(r, |c| c.max(r)));
                    }
                }
            }
        }
        drop(st);
        self.notify.notify_waiters();
    }

    /// Closes the gate until `until` (a 429), never shortening it.
    pub(crate) fn close(&self, until: Instant) {
        let mut st = self.st.lock();
        st.seen = true;
        st.remaining = Some(0);
        st.closed_until = Some(st.closed_until.map_or(until, |c| c.max(until)));
    }
}

/// Full-jitter exponential backoff: uniform in `[0, min(cap, base * 2^(attempt-1))]`.
pub(crate) fn backoff(base: Duration, cap: Duration, attempt: u32) -> Duration {
    let exp = base
        .checked_mul(1u32 << attempt.saturating_sub(1).min(20))
        .unwrap_or(cap)
        .min(cap);
    let ms = exp.as_millis() as u64;
    if ms == 0 {
        return Duration::ZERO;
    }
    Duration::from_millis(rand::rng().random_range(0..=ms))
}

const MAX_ERROR_BODY: usize = 4096;

/// Maps a non-success response to an [`Error`] (HTTP status wins over the body's statusCode).
pub(crate) fn map_error(
    status: StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &str,
) -> Error {
    let code = status.as_u16();
    let kind = match code {
        400 => ErrorKind::Validation,
        401 => ErrorKind::Unauthorized,
        403 => ErrorKind::Forbidden,
        404 => ErrorKind::NotFound,
        406 => ErrorKind::NotAcceptable,
        409 | 412 => ErrorKind::PreconditionFailed,
        410 => ErrorKind::Gone,
        429 => ErrorKind::RateLimited,
        _ if code < 500 => ErrorKind::Validation,
        _ => ErrorKind::Server,
    };
    let mut message = String::new();
    let mut fields = BTreeMap::new();
    let mut trace_id = None;
    if let Ok(v) = serde_json::from_str::<Value>(body) {
        let m = wire::keys(&v);
        if let Some(Value::Object(errs)) = wire::lookup(&m, &["errors"]) {
            for (k, msgs) in errs {
                let list: Vec<String> = match msgs {
                    Value::Array(a) => a
                        .iter()
                        .map(|x| x.as_str().map(str::to_string).unwrap_or(x.to_string()))
                        .collect(),
                    Value::String(s) => vec![s.clone()],
                    other => vec![other.to_string()],
                };
                fields.insert(k.clone(), list);
            }
        }
        trace_id = wire::lookup(&m, &["traceId"])
            .and_then(|v| v.as_str())
            .map(str::to_string);
        if let Some(s) = wire::lookup(&m, &["message", "title", "detail"]).and_then(|v| v.as_str())
        {
            message = s.to_string();
        }
    } else {
        message = body.trim().chars().take(500).collect();
    }
    if message.is_empty() {
        message = match code {
            401 => "the token is missing, invalid or expired".to_string(),
            _ => format!(
                "the server answered {}",
                status.canonical_reason().unwrap_or("an error")
            ),
        };
    }
    let mut body_kept: String = body.chars().take(MAX_ERROR_BODY).collect();
    if body_kept.is_empty() {
        body_kept = String::new();
    }
    Error::new(kind, message)
        .with_status(code)
        .with_fields(fields)
        .with_trace_id(trace_id)
        .with_retry_after(if code == 429 {
            retry_after(headers)
        } else {
            None
        })
        .with_body(if body_kept.is_empty() {
            None
        } else {
            Some(body_kept)
        })
}

/// Unwraps the success envelope: `result` when present, else `null` for a bare envelope,
/// else the whole body (tolerant of servers that send the payload bare).
pub(crate) fn unwrap_envelope(body: &[u8]) -> Result<Value> {
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(Value::Null);
    }
    let v: Value = serde_json::from_slice(body).map_err(|e| {
        Error::decode(format!("the response is not JSON: {e}")).with_body(Some(
            String::from_utf8_lossy(&body[..body.len().min(MAX_ERROR_BODY)]).into_owned(),
        ))
    })?;
    let Value::Object(mut o) = v else {
        return Ok(v);
    };
    if let Some(k) = o.keys().find(|k| k.eq_ignore_ascii_case("result")).cloned() {
        // Moved out, not cloned: the envelope is dropped here anyway.
        return Ok(o.remove(&k).unwrap_or(Value::Null));
    }
    let envelope_keys = ["version", "statuscode", "message"];
    if !o.is_empty()
        && o.keys()
            .all(|k| envelope_keys.contains(&k.to_ascii_lowercase().as_str()))
    {
        return Ok(Value::Null);
    }
    Ok(Value::Object(o))
}

fn transport_error(op: &str, e: &reqwest::Error, after_send: bool) -> Error {
    let kind = if e.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Transport
    };
    let mut msg = e.to_string();
    let mut src: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    let what = if after_send {
        "the connection failed after the request was sent"
    } else {
        "could not connect"
    };
    Error::new(kind, format!("{what} ({msg})")).with_operation(op)
}

impl Inner {
    pub(crate) fn new(cfg: Config) -> Result<Inner> {
        let http = build_http(&cfg)?;
        let token = cfg.token.clone();
        Ok(Inner {
            http: parking_lot::Mutex::new((std::process::id(), http)),
            auth: parking_lot::Mutex::new(AuthState {
                generation: if token.is_some() { 1 } else { 0 },
                token,
                refresh_at: None,
                expiration: None,
            }),
            login_lock: tokio::sync::Mutex::new(()),
            gate: RateGate::default(),
            logins: std::sync::atomic::AtomicU64::new(0),
            cfg,
        })
    }

    /// The HTTP client; rebuilt after `fork` (its pool belongs to the parent's runtime).
    fn http(&self) -> Result<reqwest::Client> {
        let pid = std::process::id();
        let mut g = self.http.lock();
        if g.0 != pid {
            *g = (pid, build_http(&self.cfg)?);
        }
        Ok(g.1.clone())
    }

    pub(crate) fn url(&self, path: &str) -> Result<url::Url> {
        self.cfg
            .base_url
            .join(path)
            .map_err(|e| Error::invalid_input("base_url", format!("cannot join {path}: {e}")))
    }

    /// Number of logins this client performed (diagnostics).
    pub(crate) fn login_count(&self) -> u64 {
        self.logins.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub(crate) fn token_expiration(&self) -> Option<DateTime<Utc>> {
        self.auth.lock().expiration
    }

    pub(crate) fn has_token(&self) -> bool {
        self.auth.lock().token.is_some()
    }

    /// Logs in with the configured credentials and stores the token.
    pub(crate) async fn login(&self) -> Result<LoginResult> {
        let (user, pass) = self.cfg.credentials.clone().ok_or_else(|| {
            Error::invalid_input(
                "credentials",
                "login needs a username and password: configure credentials on the client",
            )
        })?;
        let mut body = serde_json::json!({
            "userName": user,
            "password": pass.expose_secret(),
        });
        if let Some(k) = self.cfg.keep_alive {
            body["keepAliveTime"] = Value::from(k.as_secs().div_ceil(60));
        }
        let mut call = Call::post_idempotent("token.login", "token/login")
            .retry(Retry::Read)
            .json(body);
        call.auth = false;
        let started = Instant::now();
        let v = self.json(&call).await.map_err(|e| {
            if e.kind() == ErrorKind::Unauthorized {
                let msg = format!("login rejected: {}", e.message());
                Error::new(ErrorKind::Unauthorized, msg)
                    .with_status(401)
                    .with_operation("token.login")
            } else {
                e
            }
        })?;
        let res: LoginResult = crate::models::decode(v, "the login result")?;
        let token = res
            .token
            .clone()
            .filter(|t| !t.expose_secret().is_empty())
            .ok_or_else(|| Error::decode("the login response carries no token"))?;
        let refresh_at = res.expiration_date.and_then(|exp| {
            let ttl = (exp - Utc::now()).to_std().ok()?;
            let margin = (ttl / 10).min(Duration::from_secs(60));
            Some(started + ttl - margin)
        });
        self.logins
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut st = self.auth.lock();
        st.token = Some(token.as_secret().clone());
        st.refresh_at = refresh_at;
        st.expiration = res.expiration_date;
        st.generation += 1;
        debug!(generation = st.generation, "logged in");
        Ok(res)
    }

    /// Single-flight re-login: only the first caller that saw generation `seen` logs in; the
    /// others wait for it and use its token.
    async fn relogin(&self, seen: u64) -> Result<()> {
        if self.cfg.credentials.is_none() {
            return Err(Error::new(
                ErrorKind::Unauthorized,
                "the token was rejected and no credentials are configured to log in again",
            )
            .with_status(401));
        }
        let _g = self.login_lock.lock().await;
        if self.auth.lock().generation != seen {
            return Ok(());
        }
        self.login().await.map(|_| ())
    }

    async fn token_for_request(&self) -> Result<(SecretString, u64)> {
        for _ in 0..3 {
            let (tok, gen, stale) = {
                let st = self.auth.lock();
                let stale = self.cfg.credentials.is_some()
                    && (st.token.is_none() || st.refresh_at.is_some_and(|r| Instant::now() >= r));
                (st.token.clone(), st.generation, stale)
            };
            if stale {
                self.relogin(gen).await?;
                continue;
            }
            return match tok {
                Some(t) => Ok((t, gen)),
                None => Err(Error::new(
                    ErrorKind::Unauthorized,
                    "no token: configure credentials (username and password) or a token on the client",
                )),
            };
        }
        Err(Error::new(
            ErrorKind::Unauthorized,
            "could not obtain a token after logging in",
        ))
    }

    /// Sends `call` with retries; returns the successful response (or the "already done"
    /// response of a retried DELETE/state change). The caller reads the body (downloads
    /// stream it and retry themselves).
    pub(crate) async fn send(&self, call: &Call) -> Result<reqwest::Response> {
        match self.traced(call, false).await? {
            Answer::Response(r) => Ok(r),
            Answer::Body(..) => Err(Error::decode("internal: the response body was read")),
        }
    }

    /// Sends `call` with retries and reads the whole body inside the retry loop, so a
    /// response cut off mid-body is retried like any other failure after sending.
    async fn send_read(&self, call: &Call) -> Result<(StatusCode, bytes::Bytes)> {
        match self.traced(call, true).await? {
            Answer::Body(status, bytes) => Ok((status, bytes)),
            Answer::Response(_) => Err(Error::decode("internal: the response body was not read")),
        }
    }

    /// [`Inner::send_inner`] in the operation's tracing span, errors tagged with it (boxed:
    /// keeps the futures of the many operations small).
    fn traced<'a>(
        &'a self,
        call: &'a Call,
        read_body: bool,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Answer>> + Send + 'a>> {
        let span = tracing::info_span!(
            "approvalstudio.op",
            op = call.op,
            method = %call.method,
            path = call.path
        );
        Box::pin(async move {
            self.send_inner(call, read_body)
                .instrument(span)
                .await
                .map_err(|e| e.with_operation(call.op))
        })
    }

    /// The retry loop. For a write (anything but [`Retry::Read`]), an error after an attempt
    /// whose outcome is unknown (failure after sending, a cut-off body, a 5xx) is returned as
    /// `Ambiguous`: the request may have been applied.
    async fn send_inner(&self, call: &Call, read_body: bool) -> Result<Answer> {
        let mut maybe_applied = false;
        let r = self.attempts(call, read_body, &mut maybe_applied).await;
        match r {
            Err(e)
                if maybe_applied
                    && call.retry != Retry::Read
                    && !matches!(e.kind(), ErrorKind::Ambiguous | ErrorKind::Cancelled) =>
            {
                let detail = e.message().to_string();
                Err(ambiguous(call.op, &detail, Some(e)))
            }
            r => r,
        }
    }

    async fn attempts(
        &self,
        call: &Call,
        read_body: bool,
        maybe_applied: &mut bool,
    ) -> Result<Answer> {
        let cfg = &self.cfg;
        let deadline = Instant::now() + cfg.retry_deadline;
        let max_attempts = cfg.max_attempts.max(1);
        let mut attempt: u32 = 0;
        let mut rate_waits: u32 = 0;
        let mut replayed = false;
        let url = match &call.url {
            Some(u) => u.clone(),
            None => self.url(call.path)?,
        };
        loop {
            attempt += 1;
            let (token, gen) = if call.auth {
                let (t, g) = self.token_for_request().await?;
                (Some(t), g)
            } else {
                (None, 0)
            };
            let mut req = self.http()?.request(call.method.clone(), url.clone());
            if !call.query.is_empty() {
                req = req.query(&call.query);
            }
            if let Some(t) = &token {
                req = req.bearer_auth(t.expose_secret());
            }
            req = match &call.payload {
                Payload::None => req,
                Payload::Json(v) => req.json(v),
                Payload::Multipart(f) => req.multipart(f()?),
            };
            let aspan = tracing::debug_span!(
                "approvalstudio.attempt",
                method = %call.method,
                path = call.path,
                attempt,
                status = tracing::field::Empty
            );
            // The token is taken before waiting at the gate: a login goes through the gate too.
            let ticket = self
                .gate
                .acquire(call.op, cfg.max_rate_limit_wait, deadline)
                .await?;
            let mut guard = TicketGuard {
                gate: &self.gate,
                ticket: Some(ticket),
            };
            let res = req.send().instrument(aspan.clone()).await;
            guard.observe(res.as_ref().ok().map(|r| r.headers()));
            // Decide: Ok(response) to return, or an error plus whether to retry.
            // A 503 may say when to come back (`Retry-After`, honoured up to the rate-limit cap).
            let mut server_delay: Option<Duration> = None;
            let (err, retry) = match res {
                Err(e) => {
                    // `is_connect`: the connection was never established, nothing was sent.
                    let after_send = !e.is_connect();
                    if after_send && call.retry == Retry::Create {
                        let base = transport_error(call.op, &e, true);
                        return Err(ambiguous(call.op, base.message(), None));
                    }
                    if after_send {
                        *maybe_applied = true;
                    }
                    (transport_error(call.op, &e, after_send), true)
                }
                Ok(resp) => {
                    let status = resp.status();
                    aspan.record("status", status.as_u16());
                    let done = status.is_success()
                        || (*maybe_applied
                            && ((call.retry == Retry::Delete && status == StatusCode::NOT_FOUND)
                                || (call.retry == Retry::StateChange
                                    && (status == StatusCode::NOT_ACCEPTABLE
                                        || status == StatusCode::GONE))));
                    if done {
                        if !status.is_success() {
                            debug!(status = status.as_u16(), "retried request already applied");
                        }
                        if !read_body {
                            return Ok(Answer::Response(resp));
                        }
                        match resp.bytes().instrument(aspan.clone()).await {
                            Ok(b) => return Ok(Answer::Body(status, b)),
                            Err(e) => {
                                // Cut off mid-body: the request was handled, the answer lost.
                                if call.retry == Retry::Create {
                                    let base = transport_error(call.op, &e, true);
                                    return Err(ambiguous(call.op, base.message(), None));
                                }
                                *maybe_applied = true;
                                (transport_error(call.op, &e, true), true)
                            }
                        }
                    } else {
                        let headers = resp.headers().clone();
                        let body = read_error_body(resp).await;
                        let err = map_error(status, &headers, &body);
                        match status.as_u16() {
                            401 if call.auth && !replayed && cfg.credentials.is_some() => {
                                replayed = true;
                                attempt -= 1;
                                debug!("401: re-login (single-flight) and replay");
                                self.relogin(gen).await?;
                                continue;
                            }
                            429 => {
                                let wait = retry_after(&headers)
                                    .or_else(|| rate_limit_reset(&headers))
                                    .unwrap_or_else(|| {
                                        backoff(cfg.backoff_base, cfg.backoff_cap, rate_waits + 1)
                                    });
                                let until = Instant::now() + wait;
                                rate_waits += 1;
                                if wait > cfg.max_rate_limit_wait
                                    || until > deadline
                                    || rate_waits > 20
                                {
                                    return Err(err.with_retry_after(Some(wait)));
                                }
                                warn!(
                                    wait_ms = wait.as_millis() as u64,
                                    "429: closing the rate gate and waiting"
                                );
                                self.gate.close(until);
                                attempt -= 1;
                                continue;
                            }
                            500..=599 => {
                                if call.retry == Retry::Create {
                                    let msg = err.message().to_string();
                                    return Err(ambiguous(call.op, &msg, Some(err)));
                                }
                                *maybe_applied = true;
                                server_delay =
                                    retry_after(&headers).filter(|d| *d <= cfg.max_rate_limit_wait);
                                (err, true)
                            }
                            _ => (err, false),
                        }
                    }
                }
            };
            if !retry || attempt >= max_attempts {
                return Err(err);
            }
            let delay =
                server_delay.unwrap_or_else(|| backoff(cfg.backoff_base, cfg.backoff_cap, attempt));
            if Instant::now() + delay >= deadline {
                return Err(err);
            }
            warn!(
                parent: &aspan,
                attempt,
                backoff_ms = delay.as_millis() as u64,
                error = %err.message(),
                "retrying"
            );
            tokio::time::sleep(delay).await;
        }
    }

    /// Sends `call` and decodes the envelope's `result` (the body is read inside the retry
    /// loop: see [`Inner::send_read`]).
    pub(crate) async fn json(&self, call: &Call) -> Result<Value> {
        let (status, bytes) = self.send_read(call).await?;
        if !status.is_success() {
            // An "already applied" outcome of a retried DELETE/state change.
            return Ok(Value::Null);
        }
        unwrap_envelope(&bytes).map_err(|e| e.with_operation(call.op))
    }
}

/// What the retry loop returns: the response (streamed by the caller) or its whole body.
enum Answer {
    Response(reqwest::Response),
    Body(StatusCode, bytes::Bytes),
}

fn ambiguous(op: &str, detail: &str, from: Option<Error>) -> Error {
    let status = from.as_ref().and_then(|e| e.status());
    let mut e = Error::new(
        ErrorKind::Ambiguous,
        format!("{op}: the outcome is unknown, the request may have been applied ({detail})"),
    )
    .with_operation(op);
    if let Some(s) = status {
        e = e.with_status(s);
    }
    if let Some(f) = from {
        e = e.with_body(f.body().map(str::to_string));
    }
    e
}

async fn read_error_body(resp: reqwest::Response) -> String {
    match tokio::time::timeout(Duration::from_secs(10), resp.bytes()).await {
        Ok(Ok(b)) => String::from_utf8_lossy(&b[..b.len().min(64 * 1024)]).into_owned(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_bounded_and_grows() {
        let base = Duration::from_millis(200);
        let cap = Duration::from_secs(20);
        for attempt in 1..12 {
            for _ in 0..50 {
                let d = backoff(base, cap, attempt);
                let bound = (base * (1 << (attempt - 1))).min(cap);
                assert!(d <= bound, "{d:?} > {bound:?}");
            }
        }
        // Full jitter: not always the maximum.
        let samples: Vec<_> = (0..50).map(|_| backoff(base, cap, 5)).collect();
        assert!(samples.iter().any(|d| *d < Duration::from_millis(3200)));
        assert_eq!(backoff(Duration::ZERO, cap, 3), Duration::ZERO);
    }

    #[test]
    fn envelope() {
        assert_eq!(
            unwrap_envelope(br#"{"version":"1.0","statusCode":200,"message":"ok","result":[1]}"#)
                .unwrap(),
            serde_json::json!([1])
        );
        assert_eq!(
            unwrap_envelope(br#"{"version":"1.0","statusCode":200,"message":"ok"}"#).unwrap(),
            Value::Null
        );
        assert_eq!(unwrap_envelope(b"").unwrap(), Value::Null);
        assert!(unwrap_envelope(b"<html>").is_err());
    }

    #[test]
    fn huge_header_waits_are_capped_not_a_panic() {
        // Found by fuzz/fuzz_targets/rate_limit.rs: `Retry-After: 018446744073709551616.25` on
        // a 429 panicked in `Duration::from_secs_f64` (map_error and the request loop), and a
        // wait past the clock's range overflowed `Instant::now() + wait`.
        for v in ["018446744073709551616.25", "1e300", "9.3e18", "31536001"] {
            let mut h = reqwest::header::HeaderMap::new();
            h.insert("retry-after", v.parse().unwrap());
            assert_eq!(retry_after(&h), Some(MAX_HEADER_WAIT), "{v}");
            assert!(Instant::now().checked_add(MAX_HEADER_WAIT).is_some());
            let e = map_error(StatusCode::TOO_MANY_REQUESTS, &h, "");
            assert_eq!(e.kind(), ErrorKind::RateLimited);
            assert_eq!(e.retry_after(), Some(MAX_HEADER_WAIT));
        }
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("retry-after", "58".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(58)));
        h.insert(
            "x-rate-limit-reset",
            "+200000-01-01T00:00:00Z".parse().unwrap(),
        );
        assert_eq!(rate_limit_reset(&h), Some(MAX_HEADER_WAIT));
    }

    #[test]
    fn envelope_numbers_are_read_exactly() {
        // Found by fuzz/fuzz_targets/envelope.rs: serde_json's default float parser read this
        // 1 ULP off (2.2222222222222224e70), so what the SDK handed on differed from what the
        // server sent; the workspace enables serde_json's `float_roundtrip`.
        let v = unwrap_envelope(br#"{"result":[2.2222222222222227e70,0.1]}"#).unwrap();
        assert_eq!(v[0].as_f64(), Some(2.2222222222222227e70));
        // Round trip through the text form (its exponent spelling depends on the formatter).
        let back: Value = serde_json::from_str(&v.to_string()).unwrap();
        assert_eq!(back[0].as_f64(), Some(2.2222222222222227e70));
    }

    #[test]
    fn error_mapping_status_wins_and_fields_kept() {
        let h = reqwest::header::HeaderMap::new();
        let e = map_error(
            StatusCode::NOT_ACCEPTABLE,
            &h,
            r#"{"version":"1.0","statusCode":412,"message":"Project already has state Active."}"#,
        );
        assert_eq!(e.kind(), ErrorKind::NotAcceptable);
        assert_eq!(e.status(), Some(406));
        assert_eq!(e.message(), "Project already has state Active.");
        let e = map_error(
            StatusCode::BAD_REQUEST,
            &h,
            r#"{"errors":{"projectName":["'projectName' must not be empty."]},"title":"One or more validation errors occurred.","status":400,"traceId":"|a4a."}"#,
        );
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert_eq!(e.fields()["projectName"].len(), 1);
        assert_eq!(e.trace_id(), Some("|a4a."));
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("retry-after", "58".parse().unwrap());
        let e = map_error(
            StatusCode::TOO_MANY_REQUESTS,
            &h,
            "API calls quota exceeded! maximum admitted 2 per 1m.",
        );
        assert_eq!(e.kind(), ErrorKind::RateLimited);
        assert_eq!(e.retry_after(), Some(Duration::from_secs(58)));
        assert!(e.message().contains("quota exceeded"));
    }
}
