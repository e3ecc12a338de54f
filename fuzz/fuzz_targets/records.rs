//! Records decoded from a response's `result` (every record type, one object or a list), as
//! `models::decode` reads them. Checked: decoding never fails for an object (or a list of
//! objects) and fails with the record's name otherwise; the C ABI's writer (`WriteJson`)
//! writes exactly what serde_json writes; that JSON decodes to the same record; `Debug` never
//! shows a secret (webhook secret, token).
#![no_main]

use approvalstudio::__fuzz::{decode, RECORDS};
use approvalstudio::models::parse_date;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k);
            strings(x, out)
        }),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<Value>(data) else {
        let _ = parse_date(&String::from_utf8_lossy(data));
        return;
    };
    let mut texts = Vec::new();
    strings(&v, &mut texts);
    for t in texts {
        let _ = parse_date(t);
    }
    let fits = match &v {
        Value::Object(_) => true,
        Value::Array(a) => a.iter().all(Value::is_object),
        _ => false,
    };
    for name in RECORDS {
        let d = match decode(name, v.clone()).expect("a known record") {
            Err(msg) => {
                assert!(!fits, "{name} from {v}: {msg}");
                assert!(msg.contains(name), "{msg}");
                continue;
            }
            Ok(d) => d,
        };
        assert!(fits);
        let fast = d.write_json.as_ref().expect("records always write");
        assert_eq!(fast, &d.serde_json, "{name}: WriteJson == serde_json");
        let back: Value = serde_json::from_str(fast).expect("the output is JSON");
        let again = decode(name, back.clone())
            .unwrap()
            .expect("the output decodes");
        assert_eq!(
            again.write_json.as_ref().unwrap(),
            fast,
            "{name}: decode(write(r)) == r"
        );
        if let Some(secret) = &d.secret {
            if secret.len() >= 6 && secret.bytes().all(|b| b.is_ascii_alphanumeric()) {
                // Unless another field carries the same text, Debug must not show it.
                let mut others = back.clone();
                if let Value::Object(o) = &mut others {
                    o.remove("secret");
                    o.remove("token");
                }
                if !others.to_string().contains(secret.as_str()) {
                    assert!(
                        !d.debug.contains(secret.as_str()),
                        "{name} Debug shows the secret"
                    );
                }
            }
        }
    }
});
