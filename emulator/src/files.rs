//! Files: multipart uploads streamed to disk chunk by chunk, `upload_url` fetches streamed to
//! disk, downloads with `Range`, proof reports, thumbnails, bitmaps, and the public pages
//! behind `reviewUrl`s.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path as UrlPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use futures_util::StreamExt;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use crate::app::App;
use crate::http::{ApiError, Input};
use crate::state::{AssetStatus, TaskStatus};

/// A received file in the data directory's `tmp/`, removed on drop unless kept.
#[derive(Debug)]
pub struct TempUpload {
    /// Where it is.
    pub path: PathBuf,
    /// Base name for the asset.
    pub name: String,
    /// Bytes.
    pub size: u64,
    keep: bool,
}

impl TempUpload {
    /// Moves the file to `dest` and keeps it.
    pub fn persist(mut self, dest: &Path) -> std::io::Result<()> {
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(&self.path, dest)?;
        self.keep = true;
        Ok(())
    }
}

impl Drop for TempUpload {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Longest file name (characters, after reduction to a base name) an upload may give an asset
/// or document: 255, the common file-system limit on one name. The documentation states no
/// limit; docs/API-NOTES.md records this decision. Longer names are a 400 on `FileName`.
pub const MAX_FILE_NAME: usize = 255;

/// The 400 of a file name longer than [`MAX_FILE_NAME`] (`None` when it fits).
pub fn file_name_too_long(name: &str) -> Option<ApiError> {
    let n = name.chars().count();
    (n > MAX_FILE_NAME).then(|| {
        ApiError::field(
            "FileName",
            format!("The length of 'FileName' must be {MAX_FILE_NAME} characters or fewer. You entered {n} characters."),
        )
    })
}

/// Reduces a client-supplied file name to a safe base name (no directories, no traversal).
pub fn base_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        String::new()
    } else {
        cleaned
    }
}

/// Lower-case extension of a name, without dot.
pub fn extension(name: &str) -> String {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// The 403 of a full storage.
pub fn storage_full(limit: u64) -> ApiError {
    let gb = limit as f64 / (1024.0 * 1024.0 * 1024.0);
    ApiError::forbidden(format!(
        "You have reached the storage limit for your plan ({} Gb) and therefore not allowed to upload new assets.",
        trim_float(gb)
    ))
}

fn trim_float(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Remaining storage in bytes (None = unlimited); 403 when nothing is left.
pub fn storage_left(app: &App) -> Result<Option<u64>, ApiError> {
    let limit = app.config.lock().storage_limit_bytes;
    let Some(limit) = limit else { return Ok(None) };
    let used = app.data.lock().storage_used();
    if used >= limit {
        return Err(storage_full(limit));
    }
    Ok(Some(limit - used))
}

struct Sink {
    file: tokio::fs::File,
    upload: TempUpload,
    left: Option<u64>,
    limit: Option<u64>,
}

impl Sink {
    async fn new(app: &App, name: String, left: Option<u64>) -> Result<Sink, ApiError> {
        let dir = app.dir("tmp");
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(ApiError::internal)?;
        let path = dir.join(crate::state::new_uid());
        let file = tokio::fs::File::create(&path)
            .await
            .map_err(ApiError::internal)?;
        let limit = app.config.lock().storage_limit_bytes;
        Ok(Sink {
            file,
            upload: TempUpload {
                path,
                name,
                size: 0,
                keep: false,
            },
            left,
            limit,
        })
    }

    async fn write(&mut self, chunk: &[u8]) -> Result<(), ApiError> {
        self.upload.size += chunk.len() as u64;
        if let (Some(left), Some(limit)) = (self.left, self.limit) {
            if self.upload.size > left {
                return Err(storage_full(limit));
            }
        }
        self.file.write_all(chunk).await.map_err(ApiError::internal)
    }

    async fn finish(mut self) -> Result<TempUpload, ApiError> {
        self.file.flush().await.map_err(ApiError::internal)?;
        self.file.sync_data().await.ok();
        Ok(self.upload)
    }
}

/// Parameters and file of a multipart upload.
pub struct Received {
    /// Query parameters overlaid with the form's text fields.
    pub params: Input,
    /// The file part (the first part that has a file name).
    pub file: Option<TempUpload>,
}

/// Reads a multipart body, streaming the first file part (any part name; `FileName` in the
/// documentation, `attachment` for a PHP client) to disk as its chunks arrive.
pub async fn receive_multipart(
    app: &App,
    req: Request,
    mut params: Input,
    left: Option<u64>,
) -> Result<Received, ApiError> {
    let mut mp = Multipart::from_request(req, &()).await.map_err(|e| {
        ApiError::field("FileName", format!("'FileName' must not be empty: a multipart/form-data body with a file part is required ({}).", e.body_text()))
    })?;
    let mut file: Option<TempUpload> = None;
    let bad = |e: axum::extract::multipart::MultipartError| {
        ApiError::field(
            "FileName",
            format!("The multipart body could not be read: {}.", e.body_text()),
        )
    };
    while let Some(mut field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        match field.file_name().map(str::to_string) {
            Some(fname) if file.is_none() => {
                let fname = base_name(&fname);
                if let Some(e) = file_name_too_long(&fname) {
                    return Err(e);
                }
                let mut sink = Sink::new(app, fname, left).await?;
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    sink.write(&chunk).await?;
                }
                file = Some(sink.finish().await?);
            }
            Some(_) => while field.chunk().await.map_err(bad)?.is_some() {},
            None => {
                let mut text = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    if text.len() + chunk.len() > 64 * 1024 {
                        return Err(ApiError::field(
                            &name,
                            format!("The length of '{name}' must be 65536 characters or fewer."),
                        ));
                    }
                    text.extend_from_slice(&chunk);
                }
                if !name.is_empty() && params.get(&name).is_none() {
                    params.set(
                        &name,
                        Value::String(String::from_utf8_lossy(&text).into_owned()),
                    );
                }
            }
        }
    }
    Ok(Received { params, file })
}

/// Reads the parameters of an `upload_url` call from the query and from a multipart,
/// url-encoded or JSON body.
pub async fn receive_params(app: &App, req: Request) -> Result<Input, ApiError> {
    let params = Input::from_query(req.uri().query());
    let ctype = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ctype.starts_with("multipart/") {
        // A file part, if any, is ignored (its name may serve as FileName).
        let r = receive_multipart(app, req, params, None).await?;
        let mut p = r.params;
        if let Some(f) = r.file {
            if p.get("FileName").is_none() && !f.name.is_empty() {
                p.set("FileName", Value::String(f.name.clone()));
            }
        }
        return Ok(p);
    }
    let body = crate::http::read_body(req.into_body()).await?;
    let mut params = params;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(params);
    }
    if ctype.starts_with("application/x-www-form-urlencoded") {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
        for (k, v) in pairs {
            if params.get(&k).is_none() {
                params.set(&k, Value::String(v));
            }
        }
    } else {
        let input = Input::from_json(&body)?;
        for k in ["URL", "FileName", "ProjectUID", "TaskUID"] {
            if params.get(k).is_none() {
                if let Some(v) = input.get(k) {
                    params.set(k, v.clone());
                }
            }
        }
    }
    Ok(params)
}

/// Checks an `upload_url` URL: absolute http(s).
pub fn check_source_url(raw: &str) -> Result<url::Url, ApiError> {
    match url::Url::parse(raw.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(u),
        _ => Err(ApiError::field(
            "URL",
            format!("'URL' must be an absolute http(s) URL; '{raw}' is not."),
        )),
    }
}

/// Downloads `url` to the data directory, streamed chunk by chunk. The name is `file_name`
/// (reduced to a base name), else `Content-Disposition`'s, else `asset.<ext>` from the
/// content type.
pub async fn fetch_url(
    app: &App,
    url: url::Url,
    file_name: Option<String>,
    left: Option<u64>,
) -> Result<TempUpload, ApiError> {
    let resp = app.http.get(url.clone()).send().await.map_err(|e| {
        ApiError::field(
            "URL",
            format!("The file at '{url}' could not be downloaded: {e}."),
        )
    })?;
    if !resp.status().is_success() {
        return Err(ApiError::field(
            "URL",
            format!(
                "The file at '{url}' could not be downloaded: HTTP {}.",
                resp.status().as_u16()
            ),
        ));
    }
    let from_header = resp
        .headers()
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .and_then(disposition_filename)
        .map(|n| base_name(&n))
        .filter(|n| !n.is_empty() && file_name_too_long(n).is_none());
    let from_type = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| {
            ct.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .and_then(|ct| ext_for_mime(&ct))
        .map(|e| format!("asset.{e}"));
    let file_name = file_name.map(|n| base_name(&n)).filter(|n| !n.is_empty());
    if let Some(e) = file_name.as_deref().and_then(file_name_too_long) {
        return Err(e);
    }
    let name = file_name
        .or(from_header)
        .or(from_type)
        .unwrap_or_else(|| "asset.bin".to_string());
    let mut sink = Sink::new(app, name, left).await?;
    let mut stream = resp.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk
            .map_err(|e| ApiError::field("URL", format!("The download of '{url}' failed: {e}.")))?;
        sink.write(&chunk).await?;
    }
    sink.finish().await
}

fn ext_for_mime(ct: &str) -> Option<String> {
    let preferred = match ct {
        "application/pdf" => Some("pdf"),
        "image/png" => Some("png"),
        "image/jpeg" => Some("jpg"),
        "image/tiff" => Some("tif"),
        "text/plain" => Some("txt"),
        "application/octet-stream" => Some("bin"),
        _ => None,
    };
    preferred.map(str::to_string).or_else(|| {
        mime_guess::get_mime_extensions_str(ct)
            .and_then(|e| e.first())
            .map(|e| e.to_string())
    })
}

/// The file name of a `Content-Disposition` header (`filename*=UTF-8''...` preferred).
pub fn disposition_filename(h: &str) -> Option<String> {
    let mut plain = None;
    for part in h.split(';').map(str::trim) {
        let Some((k, v)) = part.split_once('=') else {
            continue;
        };
        let k = k.trim().to_ascii_lowercase();
        let v = v.trim();
        if k == "filename*" {
            let enc = v.splitn(3, '\'').nth(2).unwrap_or(v);
            if let Ok(d) = percent_decode(enc) {
                return Some(d);
            }
        } else if k == "filename" {
            plain = Some(v.trim_matches('"').to_string());
        }
    }
    plain
}

fn percent_decode(s: &str) -> Result<String, ()> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let h = std::str::from_utf8(&b[i + 1..i + 3]).map_err(|_| ())?;
            out.push(u8::from_str_radix(h, 16).map_err(|_| ())?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| ())
}

/// `Content-Disposition: attachment` for a name.
pub fn attachment_header(name: &str) -> HeaderValue {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut v = format!("attachment; filename=\"{ascii}\"");
    if !name.is_ascii() {
        let enc: String = name
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        v.push_str(&format!("; filename*=UTF-8''{enc}"));
    }
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// Serves a file from disk, streamed, with `Content-Length`, `Content-Disposition` and
/// single-range `Range` support (206 / 416).
pub async fn serve_file(
    path: &Path,
    name: &str,
    headers: &HeaderMap,
    attachment: bool,
) -> Response {
    let mut file = match tokio::fs::File::open(path).await {
        Ok(f) => f,
        Err(_) => return ApiError::not_found("File not found.").into_response(),
    };
    let size = match file.metadata().await {
        Ok(m) => m.len(),
        Err(e) => return ApiError::internal(e).into_response(),
    };
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(|r| parse_range(r, size));
    let (status, start, len) = match range {
        None | Some(RangeSpec::Ignore) => (StatusCode::OK, 0, size),
        Some(RangeSpec::Unsatisfiable) => {
            return Response::builder()
                .status(StatusCode::RANGE_NOT_SATISFIABLE)
                .header(header::CONTENT_RANGE, format!("bytes */{size}"))
                .body(Body::empty())
                .unwrap_or_default();
        }
        Some(RangeSpec::Range(s, e)) => (StatusCode::PARTIAL_CONTENT, s, e - s + 1),
    };
    if start > 0 {
        if let Err(e) = file.seek(std::io::SeekFrom::Start(start)).await {
            return ApiError::internal(e).into_response();
        }
    }
    let stream = tokio_util::io::ReaderStream::with_capacity(file.take(len), 256 * 1024);
    let mut b = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, mime.as_ref())
        .header(header::CONTENT_LENGTH, len)
        .header(header::ACCEPT_RANGES, "bytes");
    if attachment {
        b = b.header(header::CONTENT_DISPOSITION, attachment_header(name));
    }
    if status == StatusCode::PARTIAL_CONTENT {
        b = b.header(
            header::CONTENT_RANGE,
            format!("bytes {start}-{}/{size}", start + len - 1),
        );
    }
    b.body(Body::from_stream(stream)).unwrap_or_default()
}

/// A parsed `Range` header.
#[derive(Debug, PartialEq, Eq)]
pub enum RangeSpec {
    /// Not a single byte range we honour: serve everything.
    Ignore,
    /// Outside the file.
    Unsatisfiable,
    /// Inclusive byte range.
    Range(u64, u64),
}

/// Parses `bytes=a-b`, `bytes=a-`, `bytes=-n` against a size.
pub fn parse_range(h: &str, size: u64) -> RangeSpec {
    let Some(spec) = h.trim().strip_prefix("bytes=") else {
        return RangeSpec::Ignore;
    };
    if spec.contains(',') {
        return RangeSpec::Ignore;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return RangeSpec::Ignore;
    };
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() {
        let Ok(n) = b.parse::<u64>() else {
            return RangeSpec::Ignore;
        };
        if n == 0 || size == 0 {
            return RangeSpec::Unsatisfiable;
        }
        return RangeSpec::Range(size.saturating_sub(n), size - 1);
    }
    let Ok(start) = a.parse::<u64>() else {
        return RangeSpec::Ignore;
    };
    if start >= size {
        return RangeSpec::Unsatisfiable;
    }
    let end = if b.is_empty() {
        size - 1
    } else {
        match b.parse::<u64>() {
            Ok(e) if e >= start => e.min(size - 1),
            _ => return RangeSpec::Ignore,
        }
    };
    RangeSpec::Range(start, end)
}

/// Stores a generated proof report; returns its id.
pub async fn store_report(app: &App, pdf: Vec<u8>, name: String) -> Result<String, ApiError> {
    let id = crate::state::new_uid();
    let dir = app.dir("reports");
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(ApiError::internal)?;
    let path = dir.join(format!("{id}.pdf"));
    tokio::fs::write(&path, pdf)
        .await
        .map_err(ApiError::internal)?;
    app.data
        .lock()
        .reports
        .insert(id.clone(), crate::state::Report { path, name });
    Ok(id)
}

async fn report(
    State(app): State<App>,
    UrlPath(id): UrlPath<String>,
    headers: HeaderMap,
) -> Response {
    let r = app.data.lock().reports.get(&id).cloned();
    match r {
        Some(r) => serve_file(&r.path, &r.name, &headers, false).await,
        None => ApiError::not_found("Report not found.").into_response(),
    }
}

/// The processed asset whose thumbnail and bitmap URLs carry `token` (None until processed).
fn processed_by_token(app: &App, token: &str) -> Option<crate::state::Asset> {
    app.data
        .lock()
        .assets
        .iter()
        .find(|a| a.view_token == token && a.status == AssetStatus::Processed)
        .cloned()
}

async fn thumb(State(app): State<App>, UrlPath(token): UrlPath<String>) -> Response {
    let Some(a) = processed_by_token(&app, &token) else {
        return ApiError::not_found("Asset not found.").into_response();
    };
    let bytes = match &a.thumb {
        Some(p) => tokio::fs::read(p).await.ok(),
        None => None,
    };
    let bytes = match bytes {
        Some(b) => b,
        None => match crate::images::placeholder_jpeg(200, 150, &a.ext) {
            Ok(b) => b,
            Err(e) => return ApiError::internal(e).into_response(),
        },
    };
    ([(header::CONTENT_TYPE, "image/jpeg")], bytes).into_response()
}

async fn bitmap(
    State(app): State<App>,
    UrlPath((token, page)): UrlPath<(String, String)>,
) -> Response {
    let Some(a) = processed_by_token(&app, &token) else {
        return ApiError::not_found("Asset not found.").into_response();
    };
    let page = match page.trim().parse::<i64>() {
        Ok(p) if p >= 0 && p < i64::from(a.pages) => p,
        _ => return ApiError::not_found("Page not found.").into_response(),
    };
    if let (Some(p), 0) = (&a.bitmap, page) {
        if let Ok(b) = tokio::fs::read(p).await {
            return ([(header::CONTENT_TYPE, "image/png")], b).into_response();
        }
    }
    match crate::images::placeholder_png(800, 600, &format!("{}:{page}", a.ext)) {
        Ok(b) => ([(header::CONTENT_TYPE, "image/png")], b).into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

async fn refdoc_file(
    State(app): State<App>,
    UrlPath(uid): UrlPath<String>,
    headers: HeaderMap,
) -> Response {
    let r = app.data.lock().refdoc(&uid).cloned();
    match r.and_then(|r| r.path.clone().map(|p| (p, r.name))) {
        Some((p, name)) => serve_file(&p, &name, &headers, true).await,
        None => ApiError::not_found("Reference document not found or it was already deleted.")
            .into_response(),
    }
}

fn page(title: &str, body: &str) -> Html<String> {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    Html(format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{}</title></head><body><h1>{}</h1>{}</body></html>",
        esc(title),
        esc(title),
        body
    ))
}

async fn proof_page(State(app): State<App>, UrlPath(token): UrlPath<String>) -> Response {
    let data = app.data.lock();
    match data.assets.iter().find(|a| a.view_token == token) {
        Some(a) => page(
            &format!("Proof: {}", a.name),
            &format!(
                "<p>Version {}, {} page(s), status {}.</p>",
                a.version,
                a.pages,
                a.status.as_str()
            ),
        )
        .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            page("Not found", "<p>This link is not valid.</p>"),
        )
            .into_response(),
    }
}

async fn review_page(State(app): State<App>, UrlPath(token): UrlPath<String>) -> Response {
    let data = app.data.lock();
    let Some(t) = data
        .tasks
        .iter()
        .find(|t| t.review_token.as_deref() == Some(token.as_str()))
    else {
        return (
            StatusCode::NOT_FOUND,
            page("Not found", "<p>This review link is not valid.</p>"),
        )
            .into_response();
    };
    if t.status != TaskStatus::Pending {
        return (
            StatusCode::GONE,
            page(
                "Review ended",
                "<p>This review session has ended; the link expired.</p>",
            ),
        )
            .into_response();
    }
    let names: Vec<String> = t
        .asset_uids
        .iter()
        .filter_map(|u| data.asset(u).map(|a| a.name.clone()))
        .collect();
    let read_only = t
        .options
        .get("isReadOnly")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let buttons = if read_only {
        String::new()
    } else {
        format!("<form method=\"post\" action=\"/r/{token}/approve\"><button>Approve</button></form><form method=\"post\" action=\"/r/{token}/reject\"><button>Reject</button></form>")
    };
    page(
        "Review",
        &format!("<p>Assets: {}</p>{buttons}", names.join(", ")),
    )
    .into_response()
}

async fn review_decide(app: App, token: String, status: TaskStatus) -> Response {
    let uid = {
        let data = app.data.lock();
        match data
            .tasks
            .iter()
            .find(|t| t.review_token.as_deref() == Some(token.as_str()))
        {
            None => {
                return (
                    StatusCode::NOT_FOUND,
                    page("Not found", "<p>This review link is not valid.</p>"),
                )
                    .into_response()
            }
            Some(t) if t.status != TaskStatus::Pending => {
                return (
                    StatusCode::GONE,
                    page(
                        "Review ended",
                        "<p>This review session has ended; the link expired.</p>",
                    ),
                )
                    .into_response()
            }
            Some(t)
                if t.options
                    .get("isReadOnly")
                    .and_then(Value::as_bool)
                    .unwrap_or(false) =>
            {
                return (
                    StatusCode::FORBIDDEN,
                    page("Read-only", "<p>This review session is read-only.</p>"),
                )
                    .into_response()
            }
            Some(t) => t.uid.clone(),
        }
    };
    match crate::api::tasks::finish_task(&app, &uid, status, None) {
        Ok(()) => page(
            "Thank you",
            &format!("<p>Your decision ({}) was recorded.</p>", status.as_str()),
        )
        .into_response(),
        Err(e) => e.into_response(),
    }
}

async fn review_approve(State(app): State<App>, UrlPath(token): UrlPath<String>) -> Response {
    review_decide(app, token, TaskStatus::Approved).await
}

async fn review_reject(State(app): State<App>, UrlPath(token): UrlPath<String>) -> Response {
    review_decide(app, token, TaskStatus::Rejected).await
}

/// Public (token-addressed) file and page routes.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/files/report/{id}", get(report))
        .route("/files/thumb/{token}", get(thumb))
        .route("/files/bitmap/{token}/{page}", get(bitmap))
        .route("/files/refdoc/{uid}", get(refdoc_file))
        .route("/proof/{token}", get(proof_page))
        .route("/r/{token}", get(review_page))
        .route("/r/{token}/approve", post(review_approve))
        .route("/r/{token}/reject", post(review_reject))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(base_name("../../etc/passwd"), "passwd");
        assert_eq!(base_name("C:\\x\\a.pdf"), "a.pdf");
        assert_eq!(base_name(".."), "");
        assert_eq!(
            disposition_filename("attachment; filename=\"a b.pdf\"").as_deref(),
            Some("a b.pdf")
        );
        assert_eq!(
            disposition_filename("attachment; filename*=UTF-8''%C3%A9.png").as_deref(),
            Some("é.png")
        );
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9", 100), RangeSpec::Range(0, 9));
        assert_eq!(parse_range("bytes=90-", 100), RangeSpec::Range(90, 99));
        assert_eq!(parse_range("bytes=-10", 100), RangeSpec::Range(90, 99));
        assert_eq!(parse_range("bytes=100-", 100), RangeSpec::Unsatisfiable);
        assert_eq!(parse_range("bytes=0-1,3-4", 100), RangeSpec::Ignore);
    }
}
