//! Webhook deliveries as a receiver gets them (a raw HTTP request: `Api-Secret` header and
//! body): `webhook::verify`, `Event::parse` and `Deduplicator`. Checked: `verify` is true
//! exactly for the webhook's secret (surrounding whitespace of the header ignored, never for
//! an empty secret); `parse` accepts exactly the JSON objects with a non-empty `EventType`
//! and reads the envelope fields as documented (names case-insensitive); a typed event
//! serialized and parsed again is the same event; the deduplicator behaves as a bounded
//! first-in-first-out set.
#![no_main]

use approvalstudio::models::parse_date;
use approvalstudio::webhook::{verify, Deduplicator, Event, EVENT_TYPES};
use approvalstudio::ErrorKind;
use approvalstudio_fuzz::request;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::collections::VecDeque;

const SECRET: &str = "9f2c1e7a-5b3d-4e8f-a0c6-d1b2e3f4a5b6";

fn field<'a>(o: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a Value> {
    o.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
        .filter(|v| !v.is_null())
}

/// The event as JSON again (`{EventId, EventType, Created, Data}`), for the typed events.
fn to_json(e: &Event) -> Option<Value> {
    let v = match e {
        Event::ProjectCreated(x) | Event::ProjectEdited(x) | Event::ProjectState(x) => {
            serde_json::to_value(x)
        }
        Event::AssetUploaded(x) | Event::AssetDeleted(x) => serde_json::to_value(x),
        Event::RefDocUploaded(x) | Event::RefDocDeleted(x) => serde_json::to_value(x),
        Event::AnnotationAdded(x) | Event::AnnotationEdited(x) | Event::AnnotationDeleted(x) => {
            serde_json::to_value(x)
        }
        Event::TaskCreated(x)
        | Event::TaskCompleted(x)
        | Event::TaskDeleted(x)
        | Event::TaskApproved(x)
        | Event::TaskRejected(x) => serde_json::to_value(x),
        Event::WebhookTest(x) => serde_json::to_value(x),
        _ => return None,
    };
    Some(v.expect("an event serializes"))
}

fn check_verify(header: &str) {
    for expected in [SECRET, header, header.trim(), ""] {
        let want = !expected.is_empty() && header.trim() == expected;
        assert_eq!(verify(header, expected), want, "{header:?} vs {expected:?}");
    }
    // One byte off is never accepted.
    if let Some(c) = header.trim().chars().last() {
        let mut off = header.trim().to_string();
        off.pop();
        off.push(if c == 'x' { 'y' } else { 'x' });
        assert!(!verify(header, &off));
    }
}

fn check_parse(body: &[u8]) -> Option<String> {
    let parsed = Event::parse(body);
    let v: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => {
            assert_eq!(parsed.unwrap_err().kind(), ErrorKind::Decode);
            return None;
        }
    };
    let Value::Object(o) = &v else {
        assert_eq!(parsed.unwrap_err().kind(), ErrorKind::Decode);
        return None;
    };
    let ty = field(o, "EventType")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty());
    let Some(ty) = ty else {
        assert_eq!(
            parsed.unwrap_err().kind(),
            ErrorKind::Decode,
            "no EventType"
        );
        return None;
    };
    let e = parsed.unwrap_or_else(|e| panic!("an object with an EventType parses: {e}"));
    assert_eq!(e.event_type(), ty);
    let id = field(o, "EventId").and_then(Value::as_str).unwrap_or("");
    assert_eq!(e.event_id(), id);
    let created = field(o, "Created")
        .and_then(Value::as_str)
        .and_then(parse_date);
    assert_eq!(e.created(), created);
    let known = EVENT_TYPES.iter().any(|t| t.eq_ignore_ascii_case(ty));
    assert_eq!(known, !matches!(e, Event::Other { .. }), "{ty}");
    if let Some(again) = to_json(&e) {
        let e2 = Event::from_value(again.clone()).expect("a serialized event parses");
        assert_eq!(
            std::mem::discriminant(&e),
            std::mem::discriminant(&e2),
            "same event type"
        );
        assert_eq!(e2.event_id(), e.event_id());
        assert_eq!(e2.event_type(), e.event_type());
        assert_eq!(e2.created(), e.created(), "Created survives {again}");
        assert_eq!(
            to_json(&e2),
            Some(again),
            "serialize(parse(serialize(e))) is stable"
        );
    }
    Some(e.event_id().to_string())
}

fn check_dedup(capacity: usize, ids: &[String]) {
    let d = Deduplicator::new(capacity);
    let mut model: VecDeque<&str> = VecDeque::new();
    for id in ids {
        let first = !model.contains(&id.as_str());
        assert_eq!(d.first_time(id), first, "{id:?}");
        if first {
            model.push_back(id);
            if model.len() > capacity {
                model.pop_front();
            }
        }
        assert!(d.contains(id));
        assert!(!d.first_time(id), "a repeat right away is never new");
        assert_eq!(d.len(), model.len());
    }
}

fuzz_target!(|data: &[u8]| {
    let (header, body) = match request(data) {
        Some(r) => (
            r.headers
                .get("api-secret")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string(),
            r.body,
        ),
        None => (String::new(), data),
    };
    check_verify(&header);
    let id = check_parse(body);
    let mut ids: Vec<String> = id.into_iter().collect();
    ids.extend(
        body.split(|b| *b == b',')
            .take(64)
            .map(|s| String::from_utf8_lossy(s).into_owned()),
    );
    check_dedup(1 + data.len() % 7, &ids);
});
