//! Entry points for the fuzz targets in `fuzz/` (see `fuzz/README.md`): thin wrappers around
//! the crate-private parsers that read bytes from outside (response envelope, error bodies,
//! 429 headers, the rate gate's header observation, `Content-Disposition`, record decoding).
//! Not part of the API: hidden from the documentation, may change at any time.

use crate::error::Result;
use crate::models::json::WriteJson;
use crate::models::{FromValue, *};
use serde_json::Value;
use std::time::Duration;

pub use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// `transport::unwrap_envelope`: the `result` of a success response body.
pub fn unwrap_envelope(body: &[u8]) -> Result<Value> {
    crate::transport::unwrap_envelope(body)
}

/// `transport::map_error` for an HTTP status code (`None` when `status` is not a valid code,
/// 100 to 999).
pub fn map_error(status: u16, headers: &HeaderMap, body: &str) -> Option<crate::Error> {
    let status = reqwest::StatusCode::from_u16(status).ok()?;
    Some(crate::transport::map_error(status, headers, body))
}

/// `transport::retry_after`: the wait a `Retry-After` header asks for.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    crate::transport::retry_after(headers)
}

/// `transport::rate_limit_reset`: the time until `X-Rate-Limit-Reset`.
pub fn rate_limit_reset(headers: &HeaderMap) -> Option<Duration> {
    crate::transport::rate_limit_reset(headers)
}

/// `transfer::disposition_name`: the file name of a `Content-Disposition` header.
pub fn disposition_name(headers: &HeaderMap) -> Option<String> {
    crate::transfer::disposition_name(headers)
}

/// What a request got from the rate gate (opaque).
#[derive(Debug)]
pub struct GateTicket(crate::transport::Ticket);

/// A client's rate gate (`transport::RateGate`), driven on a current-thread runtime (one per
/// thread, shared by the gates of that thread).
pub struct RateGate {
    gate: crate::transport::RateGate,
    rt: std::rc::Rc<tokio::runtime::Runtime>,
}

thread_local! {
    static RUNTIME: std::rc::Rc<tokio::runtime::Runtime> = std::rc::Rc::new(
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a current-thread tokio runtime"),
    );
}

impl Default for RateGate {
    fn default() -> Self {
        RateGate::new()
    }
}

impl RateGate {
    /// A fresh gate (nothing learnt yet).
    pub fn new() -> RateGate {
        RateGate {
            gate: crate::transport::RateGate::default(),
            rt: RUNTIME.with(|rt| rt.clone()),
        }
    }

    /// `RateGate::acquire` with at most `max_wait` of waiting (deadline: `max_wait` from now).
    /// `None` when it has not returned within `hang_after` (a hang).
    pub fn acquire(&self, max_wait: Duration, hang_after: Duration) -> Option<Result<GateTicket>> {
        self.rt.block_on(async {
            let deadline = tokio::time::Instant::now() + max_wait;
            tokio::time::timeout(hang_after, self.gate.acquire("fuzz.op", max_wait, deadline))
                .await
                .ok()
                .map(|r| r.map(GateTicket))
        })
    }

    /// `RateGate::observe`: reports a ticket back with the response's headers (`None`: no
    /// response).
    pub fn observe(&self, ticket: GateTicket, headers: Option<&HeaderMap>) {
        let _rt = self.rt.enter();
        self.gate.observe(ticket.0, headers);
    }

    /// `RateGate::close` for `wait` from now (a 429).
    pub fn close(&self, wait: Duration) {
        let _rt = self.rt.enter();
        self.gate.close(tokio::time::Instant::now() + wait);
    }
}

/// A record decoded from a `result` value, as the C ABI and the Rust API see it.
#[derive(Debug)]
pub struct Decoded {
    /// [`WriteJson`] output (what the C ABI hands out).
    pub write_json: std::io::Result<String>,
    /// `serde_json::to_string` of the record.
    pub serde_json: String,
    /// `Debug` of the record.
    pub debug: String,
    /// The record's secret (`Webhook::secret`, `LoginResult::token`), when it has one.
    pub secret: Option<String>,
}

fn decoded<T: WriteJson + serde::Serialize + std::fmt::Debug>(
    r: &T,
    secret: Option<String>,
) -> Decoded {
    Decoded {
        write_json: r.to_json(),
        serde_json: serde_json::to_string(r).unwrap_or_else(|e| format!("serde_json: {e}")),
        debug: format!("{r:?}"),
        secret,
    }
}

macro_rules! records {
    (@secret $r:ident) => { None };
    (@secret $r:ident, $s:ident) => {
        $r.$s.as_ref().map(|s| s.expose_secret().to_string())
    };
    ($($t:ident $(=> $s:ident)?),* $(,)?) => {
        /// The record types `decode` knows.
        pub const RECORDS: &[&str] = &[$(stringify!($t)),*];

        /// Decodes `v` as the record type `name` (an object) or a list of it (an array), the
        /// way `models::decode` reads a response's `result`. `None` for an unknown name.
        pub fn decode(name: &str, v: Value) -> Option<std::result::Result<Decoded, String>> {
            match name {
                $(stringify!($t) => Some(if v.is_array() {
                    <Vec<$t> as FromValue>::from_value(v).map(|l| decoded(&l, None))
                } else {
                    <$t as FromValue>::from_value(v).map(|r| {
                        let secret = records!(@secret r $(, $s)?);
                        decoded(&r, secret)
                    })
                }),)*
                _ => None,
            }
        }
    };
}

records!(
    Annotation,
    Asset,
    Folder,
    KanbanColumn,
    LoginResult => token,
    MetaEntry,
    Project,
    ProjectClient,
    RefDoc,
    Region,
    ReviewStatus,
    Task,
    Template,
    TenantClient,
    User,
    Webhook => secret,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrappers_reach_the_parsers() {
        assert_eq!(
            unwrap_envelope(br#"{"statusCode":200,"result":{"a":1}}"#).unwrap(),
            serde_json::json!({"a": 1})
        );
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        assert_eq!(map_error(429, &h, "").unwrap().status(), Some(429));
        assert!(map_error(7, &h, "").is_none());
        let d = decode(
            "Webhook",
            serde_json::json!({"webhookUID": "W", "secret": "s3cret"}),
        )
        .unwrap()
        .unwrap();
        assert_eq!(d.secret.as_deref(), Some("s3cret"));
        assert_eq!(d.write_json.unwrap(), d.serde_json);
        assert!(decode("Nope", Value::Null).is_none());
        let g = RateGate::new();
        let t = g
            .acquire(Duration::ZERO, Duration::from_secs(1))
            .unwrap()
            .unwrap();
        g.observe(t, Some(&h));
        g.close(Duration::from_secs(60));
        let e = g
            .acquire(Duration::ZERO, Duration::from_secs(1))
            .unwrap()
            .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::RateLimited);
    }
}
