//! Client-side validation of documented limits: an [`ErrorKind::InvalidInput`] error naming the
//! field and what is allowed, before anything is sent.
//!
//! [`ErrorKind::InvalidInput`]: crate::ErrorKind::InvalidInput

use crate::error::{Error, Result};
use std::path::Path;
use std::time::Duration;

/// Max length of customer, project, design, revision.
pub const MAX_SHORT_FIELD: usize = 50;
/// Max length of a project description.
pub const MAX_DESCRIPTION: usize = 200;
/// Max number of tags.
pub const MAX_TAGS: usize = 20;
/// Max length of one tag.
pub const MAX_TAG_LEN: usize = 25;
/// Max number of project owners.
pub const MAX_OWNERS: usize = 20;
/// Max length (characters) of an uploaded file's name, as the service (emulator) enforces it
/// (docs/API-NOTES.md: the documentation is silent; 255, the usual limit on one file name).
pub const MAX_FILE_NAME: usize = 255;
/// Largest value of an int32 field of the service's model (`keepAliveTime`, annotation `page`).
pub const MAX_INT32: u64 = i32::MAX as u64;

/// An uploaded file's name: at most [`MAX_FILE_NAME`] characters.
pub(crate) fn file_name(field: &str, name: &str) -> Result<()> {
    let n = name.chars().count();
    if n > MAX_FILE_NAME {
        return Err(Error::invalid_input(
            field,
            format!("the file name must be at most {MAX_FILE_NAME} characters (got {n}); pass a shorter file_name"),
        ));
    }
    Ok(())
}

/// A count the service reads as an int32: at most [`MAX_INT32`].
pub(crate) fn int32(field: &str, v: u64) -> Result<()> {
    if v > MAX_INT32 {
        return Err(Error::invalid_input(
            field,
            format!("must be at most {MAX_INT32} (got {v})"),
        ));
    }
    Ok(())
}

/// Longest duration any setting or timeout accepts (one year): longer ones are rejected with
/// an [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) error naming the argument,
/// so no clock arithmetic can overflow.
pub const MAX_DURATION: Duration = Duration::from_secs(365 * 24 * 3600);

/// Checks a duration argument: at most [`MAX_DURATION`].
pub fn duration(field: &str, d: Duration) -> Result<Duration> {
    if d > MAX_DURATION {
        return Err(Error::invalid_input(
            field,
            format!(
                "must be at most {} s (one year), got {} s",
                MAX_DURATION.as_secs(),
                d.as_secs()
            ),
        ));
    }
    Ok(d)
}

/// A duration given in seconds as a float (the Python face): finite, not negative, at most
/// [`MAX_DURATION`].
pub fn seconds(field: &str, secs: f64) -> Result<Duration> {
    if !secs.is_finite() || secs < 0.0 {
        return Err(Error::invalid_input(
            field,
            format!("must be a finite number of seconds >= 0, got {secs}"),
        ));
    }
    if secs > MAX_DURATION.as_secs_f64() {
        return Err(Error::invalid_input(
            field,
            format!(
                "must be at most {} s (one year), got {secs:e} s",
                MAX_DURATION.as_secs()
            ),
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// A duration given in milliseconds (the C face): at most [`MAX_DURATION`].
pub fn millis(field: &str, ms: u64) -> Result<Duration> {
    duration(field, Duration::from_millis(ms))
}

pub(crate) fn non_empty(field: &str, v: &str) -> Result<()> {
    if v.trim().is_empty() {
        return Err(Error::invalid_input(field, "must not be empty"));
    }
    Ok(())
}

/// Longest UID accepted (the service's are 32 hex digits; a GUID with dashes and braces is 38).
pub const MAX_UID: usize = 64;
/// Longest metadata key (the contract's `maxLength`).
pub const MAX_META_KEY: usize = 256;
/// Longest metadata value (the contract's `maxLength`).
pub const MAX_META_VALUE: usize = 1_000_000;
/// Longest review link name (it becomes the e-mail subject).
pub const MAX_LINK_NAME: usize = 200;

/// Longest free-text search (`projects.list(query=...)`): it travels in the URL.
pub const MAX_QUERY: usize = 1000;

/// A UID: 1 to [`MAX_UID`] ASCII letters, digits, `-`, `_`, `{`, `}` (GUIDs in any spelling).
/// Public for the C and Python faces, to name their own argument in the error.
pub fn uid(field: &str, v: &str) -> Result<()> {
    if v.is_empty() {
        return Err(Error::invalid_input(field, "must be a non-empty UID"));
    }
    if v.len() > MAX_UID
        || !v
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '{' | '}'))
    {
        let shown: String = v.chars().take(40).collect();
        return Err(Error::invalid_input(
            field,
            format!(
                "must be a UID: at most {MAX_UID} ASCII letters, digits, '-', '_', '{{', '}}' (got {shown:?}{})",
                if v.chars().count() > 40 { "..." } else { "" }
            ),
        ));
    }
    Ok(())
}

/// No control characters (CR, LF, NUL, ...): for values that end up in a URL or a header.
pub(crate) fn no_control(field: &str, v: &str) -> Result<()> {
    if let Some(c) = v.chars().find(|c| c.is_control()) {
        return Err(Error::invalid_input(
            field,
            format!("must not contain control characters (found {c:?})"),
        ));
    }
    Ok(())
}

/// A bearer token: 1 to 8192 visible ASCII characters (it goes into a header).
pub(crate) fn token(field: &str, v: &str) -> Result<()> {
    if v.is_empty() || v.len() > 8192 || !v.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid_input(
            field,
            "must be 1 to 8192 visible ASCII characters (no spaces, CR/LF or NUL)",
        ));
    }
    Ok(())
}

/// Optional UIDs: each one that is set must be a UID.
pub(crate) fn opt_uids(list: &[(&str, &Option<String>)]) -> Result<()> {
    for (field, val) in list {
        if let Some(val) = val {
            uid(field, val)?;
        }
    }
    Ok(())
}

pub(crate) fn uids(field: &str, v: &[String], min: usize, max: usize) -> Result<()> {
    if v.len() < min || v.len() > max {
        return Err(Error::invalid_input(
            field,
            if max == usize::MAX {
                format!("must hold at least {min} UID(s) (got {})", v.len())
            } else {
                format!("must hold {min} to {max} UIDs (got {})", v.len())
            },
        ));
    }
    for u in v {
        uid(field, u)?;
    }
    Ok(())
}

pub(crate) fn max_len(field: &str, v: Option<&str>, max: usize) -> Result<()> {
    if let Some(v) = v {
        let n = v.chars().count();
        if n > max {
            return Err(Error::invalid_input(
                field,
                format!("must be at most {max} characters (got {n})"),
            ));
        }
    }
    Ok(())
}

pub(crate) fn tags(v: &[String]) -> Result<()> {
    if v.len() > MAX_TAGS {
        return Err(Error::invalid_input(
            "tags",
            format!("at most {MAX_TAGS} tags (got {})", v.len()),
        ));
    }
    for t in v {
        non_empty("tags", t)?;
        max_len("tags", Some(t), MAX_TAG_LEN)?;
    }
    Ok(())
}

/// A plausible e-mail address: `local@domain.tld`, no spaces.
pub(crate) fn email(field: &str, v: &str) -> Result<()> {
    let ok = !v.chars().any(|c| c.is_whitespace() || c.is_control())
        && v.matches('@').count() == 1
        && v.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty()
                && d.contains('.')
                && !d.starts_with('.')
                && !d.ends_with('.')
                && !d.contains("..")
        })
        && v.len() <= 254;
    if !ok {
        return Err(Error::invalid_input(
            field,
            format!("must be an e-mail address like name@example.com (got {v:?})"),
        ));
    }
    Ok(())
}

/// An http(s) URL.
pub(crate) fn http_url(field: &str, v: &str) -> Result<url::Url> {
    // The URL parser drops tabs and newlines silently; the service would store them.
    no_control(field, v)?;
    if v.chars().any(char::is_whitespace) {
        return Err(Error::invalid_input(
            field,
            "must be a URL without spaces (percent-encode them as %20)",
        ));
    }
    let u = url::Url::parse(v)
        .map_err(|e| Error::invalid_input(field, format!("must be an http(s) URL ({e})")))?;
    if u.scheme() != "http" && u.scheme() != "https" {
        return Err(Error::invalid_input(field, "must be an http or https URL"));
    }
    Ok(u)
}

/// A file that exists and is a regular file; returns its size.
pub(crate) fn regular_file(field: &str, p: &Path) -> Result<u64> {
    let md = std::fs::metadata(p)
        .map_err(|e| Error::invalid_input(field, format!("cannot read {}: {e}", p.display())))?;
    if !md.is_file() {
        return Err(Error::invalid_input(
            field,
            format!("{} is not a regular file", p.display()),
        ));
    }
    Ok(md.len())
}

/// A file name (not a path): the base name of `name`, without control characters, not `.`
/// or `..`. Returns `None` when nothing usable is left.
pub fn base_name(name: &str) -> Option<String> {
    let last = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>();
    let last = last.trim().to_string();
    if last.is_empty() || last == "." || last == ".." {
        None
    } else {
        Some(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn lengths_and_counts() {
        assert!(max_len("customer", Some(&"x".repeat(50)), 50).is_ok());
        let e = max_len("customer", Some(&"x".repeat(51)), 50).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.fields().contains_key("customer"));
        assert!(tags(&vec!["a".to_string(); 21]).is_err());
        assert!(tags(&["x".repeat(26)]).is_err());
        assert!(tags(&["ok".to_string()]).is_ok());
        assert!(uids("projectOwnersUIDS", &[], 1, 20).is_err());
        assert!(uids("projectOwnersUIDS", &["A".into()], 1, 20).is_ok());
        assert!(uid("projectUID", "").is_err());
        assert!(uid("projectUID", "a b").is_err());
    }

    #[test]
    fn service_limits() {
        assert!(file_name("file_name", &"n".repeat(255)).is_ok());
        let e = file_name("file_name", &"é".repeat(256)).unwrap_err();
        assert!(e.fields().contains_key("file_name"));
        assert!(int32("page", MAX_INT32).is_ok());
        assert!(int32("page", MAX_INT32 + 1).is_err());
    }

    #[test]
    fn emails() {
        assert!(email("email", "a@b.co").is_ok());
        for bad in [
            "", "a", "a@b", "@b.co", "a@@b.co", "a b@c.de", "a@.b", "a@b..c",
        ] {
            assert!(email("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn base_names() {
        assert_eq!(base_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(base_name("C:\\x\\y.pdf").as_deref(), Some("y.pdf"));
        assert_eq!(base_name(".."), None);
        assert_eq!(base_name("dir/"), None);
    }

    #[test]
    fn files() {
        let d = tempfile::tempdir().unwrap();
        assert!(regular_file("path", d.path()).is_err());
        assert!(regular_file("path", &d.path().join("missing")).is_err());
        let f = d.path().join("f");
        std::fs::write(&f, b"abc").unwrap();
        assert_eq!(regular_file("path", &f).unwrap(), 3);
    }
}
