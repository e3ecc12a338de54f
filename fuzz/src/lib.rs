//! Helpers shared by the fuzz targets: the corpus holds raw HTTP/1.1 messages (what the
//! service sends, what a webhook receiver gets), split here with `httparse`, the parser hyper
//! uses, so the headers reaching the SDK are the ones it can really see.

use approvalstudio::__fuzz::{HeaderMap, HeaderName, HeaderValue};

/// One HTTP response: status code, headers, body.
pub struct Response<'a> {
    /// Status code (as sent; may be outside 100..=999 only if `httparse` allowed it).
    pub status: u16,
    /// Headers (the ones `http` accepts; others are dropped as hyper would reject them).
    pub headers: HeaderMap,
    /// Whatever follows the head.
    pub body: &'a [u8],
}

fn header_map(headers: &[httparse::Header<'_>]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for h in headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(h.name.as_bytes()),
            HeaderValue::from_bytes(h.value),
        ) {
            map.append(n, v);
        }
    }
    map
}

/// Parses one response head from `data`; the rest is its body.
pub fn response(data: &[u8]) -> Option<Response<'_>> {
    let mut hs = [httparse::EMPTY_HEADER; 32];
    let mut r = httparse::Response::new(&mut hs);
    match r.parse(data) {
        Ok(httparse::Status::Complete(n)) => Some(Response {
            status: r.code?,
            headers: header_map(r.headers),
            body: &data[n..],
        }),
        _ => None,
    }
}

/// Parses consecutive response heads (no bodies) until one doesn't parse.
pub fn responses(mut data: &[u8]) -> Vec<Response<'_>> {
    let mut out = Vec::new();
    while out.len() < 64 {
        let mut hs = [httparse::EMPTY_HEADER; 32];
        let mut r = httparse::Response::new(&mut hs);
        match r.parse(data) {
            Ok(httparse::Status::Complete(n)) => {
                if let Some(status) = r.code {
                    out.push(Response {
                        status,
                        headers: header_map(r.headers),
                        body: &[],
                    });
                }
                data = &data[n..];
            }
            _ => break,
        }
    }
    out
}

/// One HTTP request (a webhook delivery): headers and body.
pub struct Request<'a> {
    /// Headers.
    pub headers: HeaderMap,
    /// Whatever follows the head.
    pub body: &'a [u8],
}

/// Parses a request head from `data`; the rest is its body.
pub fn request(data: &[u8]) -> Option<Request<'_>> {
    let mut hs = [httparse::EMPTY_HEADER; 32];
    let mut r = httparse::Request::new(&mut hs);
    match r.parse(data) {
        Ok(httparse::Status::Complete(n)) => Some(Request {
            headers: header_map(r.headers),
            body: &data[n..],
        }),
        _ => None,
    }
}

/// A header as text the way the SDK reads it (`to_str`, trimmed), when it is visible ASCII.
pub fn header_str<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}
