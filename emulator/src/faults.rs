//! Fault injection rules (`/_emulator/faults`): match method and path, then answer with a
//! status, add latency, reset the connection or truncate the body.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// What a matching fault does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum FaultAction {
    /// Answer `status` (+ `Retry-After`) without handling the request.
    #[default]
    Status,
    /// Close the connection without a response (after handling when `after`).
    Reset,
    /// Handle, announce the full `Content-Length`, send half of the body, close.
    Truncate,
    /// Add `latencyMs`, then handle normally.
    Delay,
}

impl FaultAction {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            FaultAction::Status => "status",
            FaultAction::Reset => "reset",
            FaultAction::Truncate => "truncate",
            FaultAction::Delay => "delay",
        }
    }
}

/// A fault rule, as in CONTROL.md.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultRule {
    /// HTTP method to match (None = any).
    #[serde(default)]
    pub method: Option<String>,
    /// Exact path; a trailing `*` makes it a prefix.
    pub path: String,
    /// The action.
    #[serde(default)]
    pub action: FaultAction,
    /// Status for `status` (default 503).
    #[serde(default)]
    pub status: Option<u16>,
    /// `Retry-After` seconds for `status`.
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// Body for `status` (default: a JSON envelope).
    #[serde(default)]
    pub body: Option<String>,
    /// Added latency in milliseconds (any action).
    #[serde(default)]
    pub latency_ms: Option<u64>,
    /// For `reset`: handle the request first.
    #[serde(default)]
    pub after: bool,
    /// Only the first N matching calls.
    #[serde(default)]
    pub times: Option<u64>,
    /// Apply with this probability.
    #[serde(default)]
    pub probability: Option<f64>,
    /// Seed of the probability generator.
    #[serde(default)]
    pub seed: Option<u64>,
}

impl FaultRule {
    /// A rule for `path` with an action (builder start).
    pub fn new(path: impl Into<String>, action: FaultAction) -> Self {
        FaultRule {
            path: path.into(),
            action,
            ..Default::default()
        }
    }
    /// A `status` rule.
    pub fn status(path: impl Into<String>, status: u16) -> Self {
        FaultRule {
            status: Some(status),
            ..Self::new(path, FaultAction::Status)
        }
    }
    /// Restricts to one method.
    pub fn method(mut self, m: impl Into<String>) -> Self {
        self.method = Some(m.into());
        self
    }
    /// Only the first `n` matching calls.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }
    /// Sets `Retry-After`.
    pub fn retry_after(mut self, s: u64) -> Self {
        self.retry_after = Some(s);
        self
    }
    /// Sets the latency.
    pub fn latency_ms(mut self, ms: u64) -> Self {
        self.latency_ms = Some(ms);
        self
    }
    /// Handle first (for `reset`).
    pub fn after(mut self, after: bool) -> Self {
        self.after = after;
        self
    }
    /// Seeded probability.
    pub fn probability(mut self, p: f64, seed: u64) -> Self {
        self.probability = Some(p);
        self.seed = Some(seed);
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        if let Some(m) = &self.method {
            if !m.eq_ignore_ascii_case(method) {
                return false;
            }
        }
        match self.path.strip_suffix('*') {
            Some(prefix) => path
                .to_ascii_lowercase()
                .starts_with(&prefix.to_ascii_lowercase()),
            None => path.eq_ignore_ascii_case(&self.path),
        }
    }
}

struct Entry {
    id: String,
    rule: FaultRule,
    hits: u64,
    rng: StdRng,
}

/// The installed rules.
#[derive(Default)]
pub struct FaultSet {
    entries: Vec<Entry>,
    next: u64,
}

impl FaultSet {
    /// Adds a rule, returns its id.
    pub fn add(&mut self, rule: FaultRule) -> String {
        self.next += 1;
        let id = format!("fault-{}", self.next);
        let rng = StdRng::seed_from_u64(rule.seed.unwrap_or_else(rand::random));
        self.entries.push(Entry {
            id: id.clone(),
            rule,
            hits: 0,
            rng,
        });
        id
    }
    /// Removes one rule; false when unknown.
    pub fn remove(&mut self, id: &str) -> bool {
        let n = self.entries.len();
        self.entries.retain(|e| e.id != id);
        n != self.entries.len()
    }
    /// Removes all rules.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
    /// Rules with `faultId` and `hits`.
    pub fn list(&self) -> Vec<serde_json::Value> {
        self.entries
            .iter()
            .map(|e| {
                let mut v = serde_json::to_value(&e.rule).unwrap_or_default();
                if let Some(m) = v.as_object_mut() {
                    m.insert("faultId".into(), e.id.clone().into());
                    m.insert("hits".into(), e.hits.into());
                }
                v
            })
            .collect()
    }
    /// The first rule that applies to this call (counting the hit), if any.
    pub fn pick(&mut self, method: &str, path: &str) -> Option<FaultRule> {
        for e in self.entries.iter_mut() {
            if !e.rule.matches(method, path) {
                continue;
            }
            if let Some(t) = e.rule.times {
                if e.hits >= t {
                    continue;
                }
            }
            if let Some(p) = e.rule.probability {
                if e.rng.random::<f64>() >= p {
                    continue;
                }
            }
            e.hits += 1;
            return Some(e.rule.clone());
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_prefix() {
        let mut s = FaultSet::default();
        s.add(FaultRule::status("/api/v1/project*", 503).times(2));
        assert!(s.pick("GET", "/api/v1/project/meta").is_some());
        assert!(s.pick("GET", "/api/v1/project").is_some());
        assert!(s.pick("GET", "/api/v1/project").is_none());
        assert!(s.pick("GET", "/api/v1/asset").is_none());
    }

    #[test]
    fn seeded_probability_is_reproducible() {
        let run = || {
            let mut s = FaultSet::default();
            s.add(FaultRule::status("/x", 500).probability(0.5, 42));
            (0..32)
                .map(|_| s.pick("GET", "/x").is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(), run());
        assert!(run().iter().any(|b| *b) && run().iter().any(|b| !*b));
    }
}
