//! The async [`Client`] and its [`ClientBuilder`].

use crate::api::{Annotations, Assets, Projects, RefDocs, Tasks, Users, Webhooks};
use crate::error::{Error, Result};
use crate::models::LoginResult;
use crate::review_links::ReviewLinks;
use crate::transport::{Call, Config, Inner};
use chrono::{DateTime, Utc};
use secrecy::SecretString;
use std::sync::Arc;
use std::time::Duration;

/// Default base URL of the service.
pub const DEFAULT_BASE_URL: &str = "https://api.approval.studio";

/// Async client of the Approval Studio API. Cheap to clone (an `Arc`), `Send + Sync`; clones
/// share the token, the connection pool and the rate gate.
///
/// ```no_run
/// # async fn demo() -> approvalstudio::Result<()> {
/// use approvalstudio::{Client, NewProject};
/// let client = Client::builder()
///     .credentials("admin@example.com", "admin-password")
///     .build()?;
/// let me = client.users().logged_in().await?;
/// let project = client
///     .projects()
///     .create(NewProject::new("Carton 330ml", [me.user_uid.clone()]).customer("ACME"))
///     .await?;
/// println!("{}", project.project_uid);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.cfg.base_url.as_str())
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`]. Defaults: base URL `https://api.approval.studio`, connect timeout
/// 10 s, read timeout 60 s, 4 attempts, backoff base 200 ms and cap 20 s, retry deadline
/// 120 s, at most 60 s of waiting for a rate limit.
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    username: Option<String>,
    password: Option<SecretString>,
    token: Option<SecretString>,
    keep_alive: Option<Duration>,
    connect_timeout: Duration,
    read_timeout: Duration,
    max_attempts: u32,
    backoff_base: Duration,
    backoff_cap: Duration,
    retry_deadline: Duration,
    max_rate_limit_wait: Duration,
    user_agent: String,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[REDACTED]"))
            .field("token", &self.token.as_ref().map(|_| "[REDACTED]"))
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.to_string(),
            username: None,
            password: None,
            token: None,
            keep_alive: None,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            max_attempts: 4,
            backoff_base: Duration::from_millis(200),
            backoff_cap: Duration::from_secs(20),
            retry_deadline: Duration::from_secs(120),
            max_rate_limit_wait: Duration::from_secs(60),
            user_agent: format!("approvalstudio-rust/{}", env!("CARGO_PKG_VERSION")),
        }
    }
}

impl ClientBuilder {
    /// Base URL of the service (scheme and host, optionally a path prefix); the API lives
    /// under `{base_url}/api/v1/`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }
    /// Username and password: the client logs in on first use, refreshes the token before it
    /// expires and logs in again (once, shared by all concurrent calls) on a 401.
    pub fn credentials(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self.password = Some(SecretString::from(password.into()));
        self
    }
    /// Credentials with the password already in a `secrecy` secret.
    pub fn credentials_secret(
        mut self,
        username: impl Into<String>,
        password: SecretString,
    ) -> Self {
        self.username = Some(username.into());
        self.password = Some(password);
        self
    }
    /// A token obtained elsewhere. Without credentials, a 401 is returned as `Unauthorized`.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(SecretString::from(token.into()));
        self
    }
    /// How long a token obtained by login stays valid (`keepAliveTime`, rounded up to
    /// minutes; the service's default is 600 minutes).
    pub fn keep_alive(mut self, d: Duration) -> Self {
        self.keep_alive = Some(d);
        self
    }
    /// Timeout for establishing a connection.
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }
    /// Timeout between two reads of a response (no whole-request timeout, so transfers of any
    /// size work).
    pub fn read_timeout(mut self, d: Duration) -> Self {
        self.read_timeout = d;
        self
    }
    /// Attempts per request for retryable failures (at least 1).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }
    /// Base of the exponential backoff.
    pub fn backoff_base(mut self, d: Duration) -> Self {
        self.backoff_base = d;
        self
    }
    /// Cap of the exponential backoff.
    pub fn backoff_cap(mut self, d: Duration) -> Self {
        self.backoff_cap = d;
        self
    }
    /// Overall deadline of one call including all retries and rate-limit waits.
    pub fn retry_deadline(mut self, d: Duration) -> Self {
        self.retry_deadline = d;
        self
    }
    /// Longest wait for a rate limit (`Retry-After`) before failing with `RateLimited`.
    pub fn max_rate_limit_wait(mut self, d: Duration) -> Self {
        self.max_rate_limit_wait = d;
        self
    }
    /// The `User-Agent` header.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// Builds the client (does not contact the server).
    pub fn build(self) -> Result<Client> {
        let mut base = url::Url::parse(self.base_url.trim()).map_err(|e| {
            Error::invalid_input(
                "base_url",
                format!("not a valid URL ({e}): {}", self.base_url),
            )
        })?;
        if base.scheme() != "http" && base.scheme() != "https" {
            return Err(Error::invalid_input(
                "base_url",
                "must be an http or https URL",
            ));
        }
        let mut path = base.path().trim_end_matches('/').to_string();
        if !path.ends_with("/api/v1") {
            path.push_str("/api/v1");
        }
        path.push('/');
        base.set_path(&path);
        base.set_query(None);
        let credentials = match (self.username, self.password) {
            (Some(u), Some(p)) => {
                if u.trim().is_empty() {
                    return Err(Error::invalid_input("username", "must not be empty"));
                }
                crate::validate::no_control("username", &u)?;
                Some((u, p))
            }
            (None, None) => None,
            _ => {
                return Err(Error::invalid_input(
                    "credentials",
                    "username and password go together",
                ))
            }
        };
        use crate::validate::duration;
        if let Some(t) = &self.token {
            crate::validate::token("token", secrecy::ExposeSecret::expose_secret(t))?;
        }
        crate::validate::no_control("user_agent", &self.user_agent)?;
        if let Some(k) = self.keep_alive {
            duration("keep_alive", k)?;
        }
        duration("connect_timeout", self.connect_timeout)?;
        duration("read_timeout", self.read_timeout)?;
        duration("backoff_base", self.backoff_base)?;
        duration("backoff_cap", self.backoff_cap)?;
        duration("retry_deadline", self.retry_deadline)?;
        duration("max_rate_limit_wait", self.max_rate_limit_wait)?;
        if self.max_attempts > 100 {
            return Err(Error::invalid_input(
                "max_attempts",
                format!("must be 1 to 100, got {}", self.max_attempts),
            ));
        }
        let cfg = Config {
            base_url: base,
            credentials,
            token: self.token,
            keep_alive: self.keep_alive,
            connect_timeout: self.connect_timeout,
            read_timeout: self.read_timeout,
            max_attempts: self.max_attempts,
            backoff_base: self.backoff_base,
            backoff_cap: self.backoff_cap,
            retry_deadline: self.retry_deadline,
            max_rate_limit_wait: self.max_rate_limit_wait,
            user_agent: self.user_agent,
        };
        Ok(Client {
            inner: Arc::new(Inner::new(cfg)?),
        })
    }
}

impl Client {
    /// A builder with the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The API base URL (ends in `/api/v1/`).
    pub fn base_url(&self) -> &str {
        self.inner.cfg.base_url.as_str()
    }

    /// Logs in now with the configured credentials (`POST token/login`). Not needed before
    /// other calls: the client logs in on first use.
    pub async fn login(&self) -> Result<LoginResult> {
        self.inner
            .login()
            .await
            .map_err(|e| e.with_operation("token.login"))
    }

    /// Checks the current token (`GET token/validate`): `Ok(())` while it is valid. With
    /// credentials, a missing or rejected token is replaced by logging in first.
    pub async fn validate(&self) -> Result<()> {
        self.inner
            .json(&Call::get("token.validate", "token/validate"))
            .await
            .map(|_| ())
    }

    /// Expiration of the current token, when known.
    pub fn token_expiration(&self) -> Option<DateTime<Utc>> {
        self.inner.token_expiration()
    }

    /// Whether the client holds a token.
    pub fn is_logged_in(&self) -> bool {
        self.inner.has_token()
    }

    /// Number of logins this client made (diagnostics, tests).
    pub fn login_count(&self) -> u64 {
        self.inner.login_count()
    }

    /// Projects (`project*` operations).
    pub fn projects(&self) -> Projects<'_> {
        Projects { client: self }
    }
    /// Assets (`asset*` operations), uploads and downloads.
    pub fn assets(&self) -> Assets<'_> {
        Assets { client: self }
    }
    /// Reference documents (`refdoc*` operations).
    pub fn refdocs(&self) -> RefDocs<'_> {
        RefDocs { client: self }
    }
    /// Tasks (`task*` operations).
    pub fn tasks(&self) -> Tasks<'_> {
        Tasks { client: self }
    }
    /// Annotations (`annotation*` operations).
    pub fn annotations(&self) -> Annotations<'_> {
        Annotations { client: self }
    }
    /// Users and tenants (`users`, `user/loggedin`).
    pub fn users(&self) -> Users<'_> {
        Users { client: self }
    }
    /// Webhook registrations (`webhook*` operations).
    pub fn webhooks(&self) -> Webhooks<'_> {
        Webhooks { client: self }
    }
    /// Review links (client-side, stored as project metadata).
    pub fn review_links(&self) -> ReviewLinks<'_> {
        ReviewLinks { client: self }
    }
}
