//! The documented rate limit: a fixed window of `limit` calls per `period`, measured on the
//! emulator's clock.

use chrono::{DateTime, Utc};

use crate::config::Quota;

/// Outcome of counting one call.
#[derive(Debug, Clone)]
pub struct RateDecision {
    /// Admitted or not.
    pub allowed: bool,
    /// The quota applied.
    pub quota: Quota,
    /// Calls left in this window.
    pub remaining: u32,
    /// When the window resets.
    pub reset: DateTime<Utc>,
    /// Seconds to wait (for a 429).
    pub retry_after: u64,
}

/// The current window.
#[derive(Debug, Default)]
pub struct RateWindow {
    start: Option<DateTime<Utc>>,
    count: u32,
}

impl RateWindow {
    /// Forgets the window.
    pub fn clear(&mut self) {
        *self = RateWindow::default();
    }

    /// Counts one call at `now` against `quota`.
    pub fn check(&mut self, quota: Quota, now: DateTime<Utc>) -> RateDecision {
        let period = chrono::Duration::from_std(quota.period)
            .unwrap_or(chrono::Duration::seconds(60))
            .min(chrono::Duration::days(3660));
        let start = match self.start {
            Some(s) if now >= s && now < s.checked_add_signed(period).unwrap_or(s) => s,
            _ => {
                self.start = Some(now);
                self.count = 0;
                now
            }
        };
        let reset = start.checked_add_signed(period).unwrap_or(start);
        if self.count >= quota.limit {
            let secs = (reset - now).num_milliseconds().max(0) as u64;
            return RateDecision {
                allowed: false,
                quota,
                remaining: 0,
                reset,
                retry_after: secs.div_ceil(1000).max(1),
            };
        }
        self.count += 1;
        RateDecision {
            allowed: true,
            quota,
            remaining: quota.limit - self.count,
            reset,
            retry_after: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn window() {
        let q = Quota::new(2, Duration::from_secs(60));
        let mut w = RateWindow::default();
        let t0 = Utc::now();
        assert_eq!(w.check(q, t0).remaining, 1);
        assert!(w.check(q, t0).allowed);
        let d = w.check(q, t0 + chrono::Duration::seconds(10));
        assert!(!d.allowed);
        assert_eq!(d.retry_after, 50);
        assert!(w.check(q, t0 + chrono::Duration::seconds(61)).allowed);
    }
}
