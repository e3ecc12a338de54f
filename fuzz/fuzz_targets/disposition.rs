//! File names from outside: `Content-Disposition` of a download (`transfer::disposition_name`)
//! and `validate::base_name`. Checked: a name never has a path separator or control
//! character, is never empty, `.` or `..`, has no surrounding whitespace, is its own base
//! name; a good name is kept as it is, also through `filename="..."` and the RFC 5987
//! `filename*=UTF-8''...` form.
#![no_main]

use approvalstudio::__fuzz::{disposition_name, HeaderMap, HeaderValue};
use approvalstudio::validate::base_name;
use libfuzzer_sys::fuzz_target;

fn check(n: &Option<String>, from: &str) {
    let Some(n) = n else { return };
    assert!(!n.is_empty(), "empty name from {from:?}");
    assert!(
        !n.contains(['/', '\\']),
        "{n:?} from {from:?} has a separator"
    );
    assert!(
        !n.chars().any(char::is_control),
        "{n:?} has a control character"
    );
    assert!(n != "." && n != "..", "{n:?} from {from:?}");
    assert_eq!(n.trim(), n, "surrounding whitespace");
    assert_eq!(
        base_name(n).as_deref(),
        Some(n.as_str()),
        "not a fixed point"
    );
}

fn disposition(value: &[u8]) -> Option<String> {
    let v = HeaderValue::from_bytes(value).ok()?;
    let mut h = HeaderMap::new();
    h.insert("content-disposition", v);
    disposition_name(&h)
}

fn good(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.trim() == s
        && !s.contains(['/', '\\'])
        && !s.chars().any(char::is_control)
}

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let b = base_name(&s);
    check(&b, &s);
    if good(&s) {
        assert_eq!(b.as_deref(), Some(&*s), "a good name is kept");
    }
    check(&disposition(data), &s);
    if good(&s) {
        // The RFC 5987 form carries any name.
        let mut enc = String::from("attachment; filename*=UTF-8''");
        for byte in s.bytes() {
            if byte.is_ascii_alphanumeric() || b".-_".contains(&byte) {
                enc.push(byte as char);
            } else {
                enc.push_str(&format!("%{byte:02X}"));
            }
        }
        assert_eq!(disposition(enc.as_bytes()).as_deref(), Some(&*s), "{enc}");
        // The plain form, for names that need no quoting.
        if s.bytes().all(|c| c.is_ascii_graphic() || c == b' ') && !s.contains(['"', ';']) {
            let plain = format!("attachment; filename=\"{s}\"");
            assert_eq!(
                disposition(plain.as_bytes()).as_deref(),
                Some(&*s),
                "{plain}"
            );
        }
    }
});
