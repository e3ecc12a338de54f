//! Emulator configuration: start-up settings ([`EmulatorConfig`]), users and quotas.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// One user account the emulator accepts at `POST token/login`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSpec {
    /// Login name (an e-mail address).
    pub email: String,
    /// Password in clear text (it is a test double).
    pub password: String,
    /// Display name returned as `fullName`.
    pub full_name: String,
    /// Lite plan: login answers 403.
    pub lite: bool,
}

impl UserSpec {
    /// A Pro user; the full name is derived from the e-mail's local part.
    pub fn new(email: impl Into<String>, password: impl Into<String>) -> Self {
        let email = email.into();
        let full_name = email.split('@').next().unwrap_or("").to_string();
        UserSpec {
            email,
            password: password.into(),
            full_name,
            lite: false,
        }
    }

    /// Sets the display name.
    pub fn full_name(mut self, name: impl Into<String>) -> Self {
        self.full_name = name.into();
        self
    }

    /// Marks the user as a Lite-plan user (login → 403).
    pub fn lite(mut self, lite: bool) -> Self {
        self.lite = lite;
        self
    }

    /// The three seeded users of CONTROL.md.
    pub fn defaults() -> Vec<UserSpec> {
        vec![
            UserSpec::new("admin@example.com", "admin-password").full_name("Ada Admin"),
            UserSpec::new("reviewer@example.com", "reviewer-password").full_name("Rita Reviewer"),
            UserSpec::new("lite@example.com", "lite-password")
                .full_name("Lenny Lite")
                .lite(true),
        ]
    }

    /// Parses the `--users` list: `email:password[:lite],...`.
    pub fn parse_list(s: &str) -> Result<Vec<UserSpec>, String> {
        let mut out = Vec::new();
        for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let parts: Vec<&str> = item.splitn(3, ':').collect();
            if parts.len() < 2 || parts[0].is_empty() || parts[1].is_empty() {
                return Err(format!("bad user `{item}`: expected email:password[:lite]"));
            }
            let lite = match parts.get(2) {
                None => false,
                Some(&"lite") => true,
                Some(other) => return Err(format!("bad user flag `{other}`: only `lite`")),
            };
            out.push(UserSpec::new(parts[0], parts[1]).lite(lite));
        }
        if out.is_empty() {
            return Err("the user list is empty".into());
        }
        Ok(out)
    }
}

/// A request quota: at most `limit` calls per `period` (a fixed window).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quota {
    /// Calls admitted per period.
    pub limit: u32,
    /// Length of the window.
    pub period: Duration,
}

impl Quota {
    /// A quota of `limit` calls per `period`.
    pub fn new(limit: u32, period: Duration) -> Self {
        Quota { limit, period }
    }

    /// The period printed like the service does: `1m`, `30s`, `12h`, `1d`.
    pub fn period_label(&self) -> String {
        format_period(self.period)
    }

    /// Parses `N/PERIOD`, e.g. `2/1m`, `100/30s`.
    pub fn parse(s: &str) -> Result<Quota, String> {
        let (n, p) = s
            .split_once('/')
            .ok_or_else(|| format!("bad quota `{s}`: expected N/PERIOD, e.g. 2/1m"))?;
        let limit: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("bad quota count `{n}`"))?;
        Ok(Quota {
            limit,
            period: parse_period(p.trim())?,
        })
    }
}

impl fmt::Display for Quota {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.limit, self.period_label())
    }
}

/// Parses a period such as `30s`, `1m`, `12h`, `1d` (a bare number means seconds).
pub fn parse_period(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let n: u64 = num.parse().map_err(|_| format!("bad period `{s}`"))?;
    let unit_secs: u64 = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => return Err(format!("bad period unit in `{s}` (use s, m, h or d)")),
    };
    let secs = n
        .checked_mul(unit_secs)
        .filter(|s| *s <= 366 * 86400)
        .ok_or_else(|| format!("period `{s}` is too long (at most 366d)"))?;
    if secs == 0 {
        return Err("the period must be positive".into());
    }
    Ok(Duration::from_secs(secs))
}

/// Formats a period in the largest whole unit: `1m`, `90s`, `2h`, `1d`.
pub fn format_period(d: Duration) -> String {
    let s = d.as_secs().max(1);
    if s % 86400 == 0 {
        format!("{}d", s / 86400)
    } else if s % 3600 == 0 {
        format!("{}h", s / 3600)
    } else if s % 60 == 0 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// Start-up configuration of an emulator (see CONTROL.md). `Default` plus builder setters.
#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    /// TCP port on 127.0.0.1 (0 = any free port).
    pub port: u16,
    /// Where uploaded files live (None = a temporary directory removed on drop).
    pub data_dir: Option<PathBuf>,
    /// Accepted users; the first is what `username()`/`password()` return.
    pub users: Vec<UserSpec>,
    /// Token lifetime overriding `keepAliveTime` (None = `keepAliveTime`, default 600 min).
    pub token_ttl: Option<Duration>,
    /// Request quota for `/api/v1/` (None = unlimited).
    pub quota: Option<Quota>,
    /// Delay of each asynchronous processing step (Pending→Processing→Processed).
    pub processing_delay: Duration,
    /// How long a project stays `InTransit` when archived or unarchived.
    pub transit_delay: Duration,
    /// Total bytes of stored files before uploads answer 403 (None = unlimited).
    pub storage_limit_bytes: Option<u64>,
    /// How long undelivered webhook events are retried.
    pub webhook_retry_window: Duration,
    /// First retry delay of webhook deliveries (doubles each attempt, capped at 60 s).
    pub webhook_backoff: Duration,
    /// Longest time a connection may take to send a request's headers, and to start the next
    /// request on a kept-alive connection (default 30 s, hyper's default); then it is closed.
    /// Read when a connection is accepted.
    pub header_read_timeout: Duration,
    /// A connection that carries no byte in either direction for this long is closed (None =
    /// never; default 120 s). Read when a connection is accepted.
    pub idle_timeout: Option<Duration>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            port: 0,
            data_dir: None,
            users: UserSpec::defaults(),
            token_ttl: None,
            quota: None,
            processing_delay: Duration::from_millis(200),
            transit_delay: Duration::from_millis(300),
            storage_limit_bytes: None,
            webhook_retry_window: Duration::from_secs(30 * 60),
            webhook_backoff: Duration::from_secs(1),
            header_read_timeout: Duration::from_secs(30),
            idle_timeout: Some(Duration::from_secs(120)),
        }
    }
}

impl EmulatorConfig {
    /// Sets the port (0 = any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }
    /// Sets the data directory (kept after drop).
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }
    /// Replaces the user list (must not be empty).
    pub fn users(mut self, users: Vec<UserSpec>) -> Self {
        self.users = users;
        self
    }
    /// Sets a token lifetime overriding `keepAliveTime`.
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = Some(ttl);
        self
    }
    /// Sets a request quota.
    pub fn quota(mut self, quota: Quota) -> Self {
        self.quota = Some(quota);
        self
    }
    /// Sets the delay of each processing step.
    pub fn processing_delay(mut self, d: Duration) -> Self {
        self.processing_delay = d;
        self
    }
    /// Sets how long archiving/unarchiving keeps a project `InTransit`.
    pub fn transit_delay(mut self, d: Duration) -> Self {
        self.transit_delay = d;
        self
    }
    /// Sets the storage limit in bytes.
    pub fn storage_limit_bytes(mut self, limit: u64) -> Self {
        self.storage_limit_bytes = Some(limit);
        self
    }
    /// Sets the webhook retry window.
    pub fn webhook_retry_window(mut self, d: Duration) -> Self {
        self.webhook_retry_window = d;
        self
    }
    /// Sets the header-read timeout (also the keep-alive wait for the next request).
    pub fn header_read_timeout(mut self, d: Duration) -> Self {
        self.header_read_timeout = d;
        self
    }
    /// Sets the idle timeout of connections (None = never).
    pub fn idle_timeout(mut self, d: Option<Duration>) -> Self {
        self.idle_timeout = d;
        self
    }
    /// Sets the initial webhook retry delay.
    pub fn webhook_backoff(mut self, d: Duration) -> Self {
        self.webhook_backoff = d;
        self
    }
}

/// A partial configuration update, as accepted by `POST /_emulator/config` and
/// [`crate::Emulator::set_config`]. `None` leaves a field unchanged; the double options
/// distinguish "unchanged" from "set to null".
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigUpdate {
    /// Token TTL in seconds (`null` = back to `keepAliveTime`).
    #[serde(default, deserialize_with = "double_option")]
    pub token_ttl_seconds: Option<Option<u64>>,
    /// Quota (`null` = unlimited).
    #[serde(default, deserialize_with = "double_option")]
    pub quota: Option<Option<QuotaJson>>,
    /// Processing step delay in milliseconds.
    #[serde(default)]
    pub processing_delay_ms: Option<u64>,
    /// InTransit duration in milliseconds.
    #[serde(default)]
    pub transit_delay_ms: Option<u64>,
    /// Storage limit in bytes (`null` = unlimited).
    #[serde(default, deserialize_with = "double_option")]
    pub storage_limit_bytes: Option<Option<u64>>,
    /// Webhook retry window in seconds.
    #[serde(default)]
    pub webhook_retry_window_seconds: Option<u64>,
    /// Initial webhook retry delay in milliseconds.
    #[serde(default)]
    pub webhook_backoff_ms: Option<u64>,
    /// Header-read timeout in milliseconds (applies to connections accepted afterwards).
    #[serde(default)]
    pub header_read_timeout_ms: Option<u64>,
    /// Idle timeout in milliseconds (`null` = never; connections accepted afterwards).
    #[serde(default, deserialize_with = "double_option")]
    pub idle_timeout_ms: Option<Option<u64>>,
}

/// JSON form of a quota: `{"limit": 2, "period": "1m"}`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct QuotaJson {
    /// Calls per period.
    pub limit: u32,
    /// Period like `1m`.
    pub period: String,
}

fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

impl ConfigUpdate {
    /// Applies the update to a configuration.
    pub fn apply(&self, cfg: &mut EmulatorConfig) -> Result<(), String> {
        if let Some(t) = self.token_ttl_seconds {
            cfg.token_ttl = t.map(Duration::from_secs);
        }
        if let Some(q) = &self.quota {
            cfg.quota = match q {
                None => None,
                Some(q) => Some(Quota::new(q.limit, parse_period(&q.period)?)),
            };
        }
        if let Some(ms) = self.processing_delay_ms {
            cfg.processing_delay = Duration::from_millis(ms);
        }
        if let Some(ms) = self.transit_delay_ms {
            cfg.transit_delay = Duration::from_millis(ms);
        }
        if let Some(l) = self.storage_limit_bytes {
            cfg.storage_limit_bytes = l;
        }
        if let Some(s) = self.webhook_retry_window_seconds {
            cfg.webhook_retry_window = Duration::from_secs(s);
        }
        if let Some(ms) = self.webhook_backoff_ms {
            cfg.webhook_backoff = Duration::from_millis(ms);
        }
        if let Some(ms) = self.header_read_timeout_ms {
            if ms == 0 {
                return Err("headerReadTimeoutMs must be at least 1".into());
            }
            cfg.header_read_timeout = Duration::from_millis(ms);
        }
        if let Some(ms) = self.idle_timeout_ms {
            if ms == Some(0) {
                return Err("idleTimeoutMs must be at least 1 (or null for none)".into());
            }
            cfg.idle_timeout = ms.map(Duration::from_millis);
        }
        Ok(())
    }
}

/// The JSON view of the configuration served by `GET /_emulator/config`.
pub fn config_json(
    cfg: &EmulatorConfig,
    port: u16,
    data_dir: &std::path::Path,
) -> serde_json::Value {
    serde_json::json!({
        "port": port,
        "dataDir": data_dir.display().to_string(),
        "users": cfg.users.iter().map(|u| serde_json::json!({"email": u.email, "fullName": u.full_name, "lite": u.lite})).collect::<Vec<_>>(),
        "tokenTtlSeconds": cfg.token_ttl.map(|d| d.as_secs()),
        "quota": cfg.quota.map(|q| serde_json::json!({"limit": q.limit, "period": q.period_label()})),
        "processingDelayMs": cfg.processing_delay.as_millis() as u64,
        "transitDelayMs": cfg.transit_delay.as_millis() as u64,
        "storageLimitBytes": cfg.storage_limit_bytes,
        "webhookRetryWindowSeconds": cfg.webhook_retry_window.as_secs(),
        "webhookBackoffMs": cfg.webhook_backoff.as_millis() as u64,
        "headerReadTimeoutMs": cfg.header_read_timeout.as_millis() as u64,
        "idleTimeoutMs": cfg.idle_timeout.map(|d| d.as_millis() as u64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_round_trip() {
        let q = Quota::parse("2/1m").unwrap();
        assert_eq!(q.limit, 2);
        assert_eq!(q.period_label(), "1m");
        assert_eq!(Quota::parse("5/90s").unwrap().period_label(), "90s");
        assert!(Quota::parse("x/1m").is_err());
        assert!(Quota::parse("1/1y").is_err());
    }

    #[test]
    fn users_parse() {
        let u = UserSpec::parse_list("a@b.c:pw,l@b.c:pw2:lite").unwrap();
        assert_eq!(u.len(), 2);
        assert!(u[1].lite);
        assert!(UserSpec::parse_list("nopass").is_err());
    }
}
