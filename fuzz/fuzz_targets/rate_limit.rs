//! The 429 and rate-limit headers: `Retry-After` (`transport::retry_after`),
//! `X-Rate-Limit-Reset` against `Date` (`transport::rate_limit_reset`) and the rate gate
//! learning from a sequence of responses (`RateGate::observe`/`acquire`/`close`), as the
//! request loop uses them. Checked: no wait overflows the clock (the loop adds it to
//! `Instant::now()`), `Retry-After: N` is N seconds, the gate never hangs, and once a
//! response says the quota is used up (or a 429 came) the gate is closed until the reset.
#![no_main]

use approvalstudio::__fuzz::{rate_limit_reset, retry_after, RateGate};
use approvalstudio::ErrorKind;
use approvalstudio_fuzz::{header_str, responses};
use libfuzzer_sys::fuzz_target;
use std::time::{Duration, Instant};

fn closed(gate: &RateGate) {
    match gate.acquire(Duration::ZERO, Duration::from_secs(2)) {
        None => panic!("the rate gate hung"),
        Some(Ok(t)) => panic!("the gate let a request through while closed: {t:?}"),
        Some(Err(e)) => {
            assert_eq!(e.kind(), ErrorKind::RateLimited);
            assert!(e.retry_after().is_some());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let gate = RateGate::new();
    for r in responses(data) {
        let ra = retry_after(&r.headers);
        let rr = rate_limit_reset(&r.headers);
        for d in [ra, rr].into_iter().flatten() {
            assert!(
                Instant::now().checked_add(d).is_some(),
                "a wait of {d:?} overflows the clock"
            );
        }
        if let Some(n) = header_str(&r.headers, "retry-after").and_then(|v| v.parse::<u32>().ok()) {
            if n <= 365 * 86_400 {
                assert_eq!(ra, Some(Duration::from_secs(n.into())), "Retry-After: {n}");
            }
        }
        // One request through the gate (never waiting), reporting this response.
        let observed = match gate.acquire(Duration::ZERO, Duration::from_secs(2)) {
            None => panic!("the rate gate hung"),
            Some(Err(e)) => {
                assert_eq!(e.kind(), ErrorKind::RateLimited);
                assert!(e.retry_after().is_some());
                false
            }
            Some(Ok(t)) => {
                gate.observe(t, Some(&r.headers));
                true
            }
        };
        let remaining =
            header_str(&r.headers, "x-rate-limit-remaining").and_then(|v| v.parse::<i64>().ok());
        if observed
            && remaining.is_some_and(|n| n <= 0)
            && rr.is_some_and(|d| d >= Duration::from_secs(5))
        {
            // The quota is used up until the reset.
            closed(&gate);
        }
        if r.status == 429 {
            // What the request loop does with a 429 it will wait for.
            let wait = ra.or(rr).unwrap_or(Duration::from_millis(200));
            gate.close(wait);
            if wait >= Duration::from_secs(5) {
                closed(&gate);
            }
        }
    }
});
