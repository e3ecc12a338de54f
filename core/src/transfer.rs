//! Uploads and downloads: streaming, progress, cancellation, atomic writes.
//!
//! - Uploads from a path stream the file in fixed chunks (256 KiB) with a known
//!   `Content-Length`: memory does not grow with the file size. A retry (connect failure)
//!   re-opens the file. Uploads are never retried once sent: an unknown outcome is an
//!   `Ambiguous` error.
//! - Downloads stream to a temporary file beside the target, check the length, fsync and
//!   rename: a failed or cancelled download never leaves a file under the target name. A file
//!   name given by the server is reduced to a base name.
//! - Progress callbacks are throttled (~100 ms) with a final call at 100 %. They run on a
//!   runtime thread; [`crate::blocking`] delivers them on the calling thread instead.
//! - Cancellation: a [`CancellationToken`] set on the [`Upload`]/[`Download`] ends the
//!   operation with [`ErrorKind::Cancelled`](crate::ErrorKind::Cancelled).

use crate::error::{Error, ErrorKind, Result};
use crate::transport::{Call, FormFactory};
use crate::validate::{self as v, base_name};
use crate::Client;
use bytes::Bytes;
use futures_util::StreamExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
pub use tokio_util::sync::CancellationToken;

/// Size of the chunks an upload is read and sent in. Each read of a chunk is one trip to
/// tokio's blocking pool: at 64 KiB those thread hand-offs were most of an upload's client
/// CPU (bench/RESULTS.md); 256 KiB cuts them fourfold for a few hundred KiB per transfer.
pub const CHUNK_SIZE: usize = 256 * 1024;
/// Minimum interval between two progress calls (the final call is always made).
pub const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// Progress of a transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    /// Bytes transferred so far.
    pub bytes: u64,
    /// Total bytes, when known.
    pub total: Option<u64>,
}

impl Progress {
    /// Fraction done in `[0, 1]`, when the total is known.
    pub fn fraction(&self) -> Option<f64> {
        self.total.map(|t| {
            if t == 0 {
                1.0
            } else {
                (self.bytes as f64 / t as f64).min(1.0)
            }
        })
    }
}

/// A progress callback (called on a runtime thread, throttled).
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync + 'static>;

/// Asks the caller about the final progress call of a transfer *before* it commits (the
/// last bytes of an upload are sent, a download is renamed into place); `false` cancels, so
/// a cancel at the last callback leaves nothing behind. Set by [`crate::blocking`] for calls
/// with a progress hook, whose answer comes from the calling thread.
pub(crate) type ConfirmFn =
    Arc<dyn Fn(Progress) -> futures_util::future::BoxFuture<'static, bool> + Send + Sync + 'static>;

tokio::task_local! {
    /// The [`ConfirmFn`] of the running blocking call, if any.
    pub(crate) static CONFIRM: Option<ConfirmFn>;
}

/// The confirm gate of the running call (none outside a hooked blocking call).
fn confirm_gate() -> Option<ConfirmFn> {
    CONFIRM.try_with(|c| c.clone()).ok().flatten()
}

/// What the body stream of an upload saw (shared by every attempt's stream).
#[derive(Default)]
struct BodyFlags {
    /// The final progress call cancelled: the body was cut short on purpose.
    cancelled: std::sync::atomic::AtomicBool,
    /// Reading the local file failed (the message).
    read_error: parking_lot::Mutex<Option<String>>,
}

/// Passes an upload's chunks through: reports progress, records a read error, and asks the
/// confirm gate before the last chunk goes out.
#[derive(Clone)]
struct BodyGate {
    reporter: Reporter,
    confirm: Option<ConfirmFn>,
    flags: Arc<BodyFlags>,
    size: u64,
    sent: Arc<std::sync::atomic::AtomicU64>,
}

impl BodyGate {
    fn pass(
        &self,
        chunk: std::io::Result<Bytes>,
    ) -> futures_util::future::BoxFuture<'static, std::io::Result<Bytes>> {
        use futures_util::FutureExt;
        use std::sync::atomic::Ordering;
        let c = match chunk {
            Ok(c) => c,
            Err(e) => {
                *self.flags.read_error.lock() = Some(e.to_string());
                return futures_util::future::ready(Err(e)).boxed();
            }
        };
        let sent = self.sent.fetch_add(c.len() as u64, Ordering::Relaxed) + c.len() as u64;
        let p = Progress {
            bytes: sent,
            total: Some(self.size),
        };
        match &self.confirm {
            Some(confirm) if sent >= self.size => {
                let ask = confirm(p);
                let flags = self.flags.clone();
                async move {
                    if ask.await {
                        Ok(c)
                    } else {
                        flags.cancelled.store(true, Ordering::Relaxed);
                        Err(std::io::Error::other("cancelled by the progress callback"))
                    }
                }
                .boxed()
            }
            _ => {
                self.reporter.report(p);
                futures_util::future::ready(Ok(c)).boxed()
            }
        }
    }
}

/// Throttles progress calls and always makes the final one.
#[derive(Clone)]
pub(crate) struct Reporter {
    f: Option<ProgressFn>,
    last: Arc<parking_lot::Mutex<(Option<Instant>, Option<Progress>)>>,
}

impl Reporter {
    pub(crate) fn new(f: Option<ProgressFn>) -> Reporter {
        Reporter {
            f,
            last: Arc::new(parking_lot::Mutex::new((None, None))),
        }
    }
    pub(crate) fn report(&self, p: Progress) {
        if let Some(f) = &self.f {
            let now = Instant::now();
            let mut last = self.last.lock();
            if last
                .0
                .is_none_or(|l| now.duration_since(l) >= PROGRESS_INTERVAL)
            {
                *last = (Some(now), Some(p));
                drop(last);
                f(p);
            }
        }
    }
    /// The final call (skipped when the last call already reported exactly `p`).
    pub(crate) fn finish(&self, p: Progress) {
        if let Some(f) = &self.f {
            let mut last = self.last.lock();
            if last.1 != Some(p) {
                *last = (Some(Instant::now()), Some(p));
                drop(last);
                f(p);
            }
        }
    }
}

/// A progress callback for a batch of uploads: combined progress over all files, and the
/// index of the file that advanced (called on a runtime thread, throttled).
pub type BatchProgressFn = Arc<dyn Fn(Progress, usize) + Send + Sync + 'static>;

/// Adds up the progress of the files of a batch (`upload_many`) into one throttled stream.
pub(crate) struct BatchReporter {
    f: BatchProgressFn,
    state: Arc<parking_lot::Mutex<BatchState>>,
    total: u64,
}

/// What a [`BatchReporter`] has seen so far.
#[derive(Default)]
struct BatchState {
    /// Bytes done per file.
    done: Vec<u64>,
    /// The file that advanced last.
    last_file: usize,
    /// When the last call was made.
    last_call: Option<Instant>,
}

impl BatchReporter {
    /// A reporter for `paths`; the total is the sum of the sizes that can be read now (a
    /// missing file counts 0 and fails in its own upload).
    pub(crate) fn new(paths: &[PathBuf], f: BatchProgressFn) -> BatchReporter {
        let total = paths
            .iter()
            .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
            .sum();
        BatchReporter {
            f,
            state: Arc::new(parking_lot::Mutex::new(BatchState {
                done: vec![0; paths.len()],
                ..BatchState::default()
            })),
            total,
        }
    }

    /// The per-file progress function of file `index`.
    pub(crate) fn file(&self, index: usize) -> ProgressFn {
        let (f, state, total) = (self.f.clone(), self.state.clone(), self.total);
        Arc::new(move |p: Progress| {
            let now = Instant::now();
            let mut s = state.lock();
            if let Some(done) = s.done.get_mut(index) {
                *done = p.bytes;
            }
            s.last_file = index;
            if s.last_call
                .is_some_and(|l| now.duration_since(l) < PROGRESS_INTERVAL)
            {
                return;
            }
            s.last_call = Some(now);
            let combined = Progress {
                bytes: s.done.iter().sum(),
                total: Some(total),
            };
            drop(s);
            f(combined, index)
        })
    }

    /// The final call, once every upload has ended.
    pub(crate) fn finish(&self) {
        let s = self.state.lock();
        let (bytes, index) = (s.done.iter().sum(), s.last_file);
        drop(s);
        (self.f)(
            Progress {
                bytes,
                total: Some(self.total),
            },
            index,
        )
    }
}

/// Where the content of an upload comes from.
#[derive(Clone, Debug)]
pub enum UploadSource {
    /// A local regular file, streamed.
    Path(PathBuf),
    /// Bytes in memory.
    Bytes(Bytes),
}

/// An upload of an asset or a reference document (`asset/upload`, `refdoc/upload`).
///
/// ```no_run
/// # async fn demo(client: approvalstudio::Client, project_uid: &str) -> approvalstudio::Result<()> {
/// use approvalstudio::Upload;
/// let asset_uid = client
///     .assets()
///     .upload(Upload::from_path(project_uid, "artwork.pdf").progress(|p| {
///         println!("{} / {:?}", p.bytes, p.total)
///     }))
///     .await?;
/// let asset = client.assets().wait_processed(&asset_uid, std::time::Duration::from_secs(60)).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct Upload {
    /// Content.
    pub source: UploadSource,
    /// Project UID (mandatory).
    pub project_uid: String,
    /// Task UID (an UploadAssets/UploadChangedAsset task), optional.
    pub task_uid: Option<String>,
    /// Asset name (default: the file's base name). A name, not a path.
    pub file_name: Option<String>,
    /// MIME type (default: guessed from the name).
    pub content_type: Option<String>,
    /// Progress callback.
    pub progress: Option<ProgressFn>,
    /// Cancellation.
    pub cancel: Option<CancellationToken>,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field(
                "source",
                &match &self.source {
                    UploadSource::Path(p) => format!("path {}", p.display()),
                    UploadSource::Bytes(b) => format!("{} bytes", b.len()),
                },
            )
            .field("project_uid", &self.project_uid)
            .field("task_uid", &self.task_uid)
            .field("file_name", &self.file_name)
            .finish_non_exhaustive()
    }
}

impl Upload {
    /// Uploads the file at `path` to `project_uid`.
    pub fn from_path(project_uid: impl Into<String>, path: impl Into<PathBuf>) -> Upload {
        Upload {
            source: UploadSource::Path(path.into()),
            project_uid: project_uid.into(),
            task_uid: None,
            file_name: None,
            content_type: None,
            progress: None,
            cancel: None,
        }
    }
    /// Uploads `bytes` as `file_name` to `project_uid`.
    pub fn from_bytes(
        project_uid: impl Into<String>,
        file_name: impl Into<String>,
        bytes: impl Into<Bytes>,
    ) -> Upload {
        Upload {
            source: UploadSource::Bytes(bytes.into()),
            project_uid: project_uid.into(),
            task_uid: None,
            file_name: Some(file_name.into()),
            content_type: None,
            progress: None,
            cancel: None,
        }
    }
    /// A new version of an asset, through an `UploadChangedAsset` task: the task's project,
    /// the task UID, and the name of the asset it asks for (a new version keeps the name and
    /// the file type of the original).
    pub fn new_version(task: &crate::models::Task, source: UploadSource) -> Upload {
        Upload {
            source,
            project_uid: task.project_uid.clone().unwrap_or_default(),
            task_uid: Some(task.task_uid.clone()),
            file_name: task.requested_asset_name.clone(),
            content_type: None,
            progress: None,
            cancel: None,
        }
    }
    /// Within a task (UploadAssets or UploadChangedAsset).
    pub fn task(mut self, task_uid: impl Into<String>) -> Upload {
        self.task_uid = Some(task_uid.into());
        self
    }
    /// Asset name (a name, not a path).
    pub fn file_name(mut self, name: impl Into<String>) -> Upload {
        self.file_name = Some(name.into());
        self
    }
    /// MIME type.
    pub fn content_type(mut self, ct: impl Into<String>) -> Upload {
        self.content_type = Some(ct.into());
        self
    }
    /// Progress callback (throttled ~100 ms, final call at 100 %).
    pub fn progress(mut self, f: impl Fn(Progress) + Send + Sync + 'static) -> Upload {
        self.progress = Some(Arc::new(f));
        self
    }
    /// Progress callback as a shared [`ProgressFn`].
    pub fn progress_fn(mut self, f: ProgressFn) -> Upload {
        self.progress = Some(f);
        self
    }
    /// Cancellation token: cancelling it ends the upload with `Cancelled`.
    pub fn cancel_token(mut self, t: CancellationToken) -> Upload {
        self.cancel = Some(t);
        self
    }
}

/// An upload from a public URL (`asset/upload_url`, `refdoc/upload_url`).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct UrlUpload {
    /// Project UID.
    pub project_uid: String,
    /// Public http(s) URL of the file.
    pub url: String,
    /// Name (default: from `Content-Disposition` or the content type).
    pub file_name: Option<String>,
    /// Task UID.
    pub task_uid: Option<String>,
}

impl UrlUpload {
    /// Fetches `url` into `project_uid`.
    pub fn new(project_uid: impl Into<String>, url: impl Into<String>) -> UrlUpload {
        UrlUpload {
            project_uid: project_uid.into(),
            url: url.into(),
            ..Default::default()
        }
    }
    /// Name.
    pub fn file_name(mut self, n: impl Into<String>) -> UrlUpload {
        self.file_name = Some(n.into());
        self
    }
    /// Task UID.
    pub fn task(mut self, t: impl Into<String>) -> UrlUpload {
        self.task_uid = Some(t.into());
        self
    }
}

/// Where and how to download (asset, proof report).
#[derive(Clone)]
#[non_exhaustive]
pub struct Download {
    /// A file path, or an existing directory (the server's file name is used inside it).
    pub target: PathBuf,
    /// Progress callback.
    pub progress: Option<ProgressFn>,
    /// Cancellation.
    pub cancel: Option<CancellationToken>,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl Download {
    /// Downloads to `target` (a file path or an existing directory).
    pub fn to(target: impl Into<PathBuf>) -> Download {
        Download {
            target: target.into(),
            progress: None,
            cancel: None,
        }
    }
    /// Progress callback.
    pub fn progress(mut self, f: impl Fn(Progress) + Send + Sync + 'static) -> Download {
        self.progress = Some(Arc::new(f));
        self
    }
    /// Progress callback as a shared [`ProgressFn`].
    pub fn progress_fn(mut self, f: ProgressFn) -> Download {
        self.progress = Some(f);
        self
    }
    /// Cancellation token.
    pub fn cancel_token(mut self, t: CancellationToken) -> Download {
        self.cancel = Some(t);
        self
    }
}

impl<T: Into<PathBuf>> From<T> for Download {
    fn from(t: T) -> Download {
        Download::to(t)
    }
}

/// Runs `fut`, ending it with `Cancelled` when `cancel` fires (the future is dropped, which
/// closes the connection and removes temporary files).
pub(crate) async fn cancellable<T>(
    cancel: Option<&CancellationToken>,
    fut: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    match cancel {
        None => fut.await,
        Some(t) => {
            if t.is_cancelled() {
                return Err(Error::cancelled());
            }
            tokio::select! {
                biased;
                _ = t.cancelled() => Err(Error::cancelled()),
                r = fut => r,
            }
        }
    }
}

/// Validates an upload and builds its multipart form factory; returns it with the size.
fn upload_form(
    u: &Upload,
    reporter: Reporter,
    confirm: Option<ConfirmFn>,
    flags: Arc<BodyFlags>,
) -> Result<(FormFactory, u64)> {
    v::uid("projectUID", &u.project_uid)?;
    if let Some(t) = &u.task_uid {
        v::uid("taskUID", t)?;
    }
    let (size, default_name) = match &u.source {
        UploadSource::Path(p) => {
            let size = v::regular_file("path", p)?;
            // Only needed when no explicit `file_name` is given: a path whose name is not
            // UTF-8 can still be uploaded under a name the caller chooses.
            let name = p.file_name().and_then(|n| n.to_str()).and_then(base_name);
            (size, name)
        }
        UploadSource::Bytes(b) => (b.len() as u64, None),
    };
    let name = match &u.file_name {
        Some(n) => {
            let b = base_name(n).ok_or_else(|| {
                Error::invalid_input("file_name", "must be a file name, not empty, '.' or '..'")
            })?;
            if b != *n {
                return Err(Error::invalid_input(
                    "file_name",
                    format!("must be a name, not a path (use {b:?})"),
                ));
            }
            b
        }
        None => default_name.ok_or_else(|| match &u.source {
            UploadSource::Path(_) => Error::invalid_input(
                "path",
                "has no usable file name (not UTF-8, or '.'/'..'): pass file_name explicitly",
            ),
            UploadSource::Bytes(_) => Error::invalid_input("file_name", "must not be empty"),
        })?,
    };
    v::file_name(
        if u.file_name.is_some() { "file_name" } else { "path" },
        &name,
    )?;
    let mime = u.content_type.clone().unwrap_or_else(|| {
        mime_guess::from_path(&name)
            .first_or_octet_stream()
            .to_string()
    });
    let source = u.source.clone();
    let factory: FormFactory = Arc::new(move || {
        let gate = BodyGate {
            reporter: reporter.clone(),
            confirm: confirm.clone(),
            flags: flags.clone(),
            size,
            sent: Arc::default(),
        };
        let body = match &source {
            UploadSource::Path(p) => {
                let f = std::fs::File::open(p)
                    .map_err(|e| Error::io(format!("cannot open {}", p.display()), e))?;
                let f = tokio::fs::File::from_std(f);
                let stream = tokio_util::io::ReaderStream::with_capacity(f, CHUNK_SIZE)
                    .then(move |chunk| gate.pass(chunk));
                reqwest::Body::wrap_stream(stream)
            }
            UploadSource::Bytes(b) => {
                let b = b.clone();
                let chunks: Vec<std::io::Result<Bytes>> = (0..b.len())
                    .step_by(CHUNK_SIZE)
                    .map(|i| Ok(b.slice(i..(i + CHUNK_SIZE).min(b.len()))))
                    .collect();
                let stream = futures_util::stream::iter(chunks).then(move |c| gate.pass(c));
                reqwest::Body::wrap_stream(stream)
            }
        };
        let part = reqwest::multipart::Part::stream_with_length(body, size)
            .file_name(name.clone())
            .mime_str(&mime)
            .map_err(|e| Error::invalid_input("content_type", format!("not a MIME type: {e}")))?;
        Ok(reqwest::multipart::Form::new().part("FileName", part))
    });
    Ok((factory, size))
}

/// `POST {path}` multipart upload; returns the UID in the result (`uid_names`).
pub(crate) async fn upload(
    client: &Client,
    op: &'static str,
    path: &'static str,
    u: Upload,
    uid_names: &[&str],
) -> Result<String> {
    let reporter = Reporter::new(u.progress.clone());
    let confirm = confirm_gate();
    let flags = Arc::new(BodyFlags::default());
    let (factory, size) = upload_form(&u, reporter.clone(), confirm.clone(), flags.clone())?;
    if size == 0 {
        // No chunk to hold back: the final progress call is asked before sending.
        if let Some(c) = &confirm {
            if !c(Progress {
                bytes: 0,
                total: Some(0),
            })
            .await
            {
                return Err(Error::cancelled().with_operation(op));
            }
        }
    }
    let call = Call::create(op, path)
        .q("ProjectUID", u.project_uid.clone())
        .q_opt("TaskUID", u.task_uid.clone())
        .multipart(factory);
    let r = cancellable(u.cancel.as_ref(), client.inner.json(&call)).await;
    // A body cut short by us (a cancel at the final progress call, or a failed read of the
    // file) never reached the server whole: nothing was created, whatever the transport said.
    if flags.cancelled.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(Error::new(
            ErrorKind::Cancelled,
            "cancelled by the progress callback before the last bytes were sent: nothing was uploaded",
        )
        .with_operation(op));
    }
    if let Some(msg) = flags.read_error.lock().take() {
        let what = match &u.source {
            UploadSource::Path(p) => p.display().to_string(),
            UploadSource::Bytes(_) => "the upload's bytes".to_string(),
        };
        let mut e = Error::new(
            ErrorKind::Io,
            format!("reading {what} failed during the upload ({msg}): nothing was uploaded"),
        )
        .with_operation(op);
        e = e.with_field("path", format!("reading failed: {msg}"));
        return Err(e);
    }
    let v = r?;
    let uid = crate::models::created_uid_from(&v, uid_names, uid_names[0], op)?;
    reporter.finish(Progress {
        bytes: size,
        total: Some(size),
    });
    Ok(uid)
}

/// `POST {path}` upload from a URL.
pub(crate) async fn upload_url(
    client: &Client,
    op: &'static str,
    path: &'static str,
    u: UrlUpload,
    uid_names: &[&str],
) -> Result<String> {
    v::uid("projectUID", &u.project_uid)?;
    v::http_url("url", &u.url)?;
    if let Some(t) = &u.task_uid {
        v::uid("taskUID", t)?;
    }
    if let Some(n) = &u.file_name {
        if base_name(n).as_deref() != Some(n.as_str()) {
            return Err(Error::invalid_input(
                "file_name",
                "must be a file name, not a path",
            ));
        }
        v::file_name("file_name", n)?;
    }
    let call = Call::create(op, path)
        .q("ProjectUID", u.project_uid)
        .q("URL", u.url)
        .q_opt("FileName", u.file_name)
        .q_opt("TaskUID", u.task_uid);
    let v = client.inner.json(&call).await?;
    crate::models::created_uid_from(&v, uid_names, uid_names[0], op)
}

/// The file name in a `Content-Disposition` header, reduced to a base name.
pub(crate) fn disposition_name(h: &reqwest::header::HeaderMap) -> Option<String> {
    let cd = h.get(reqwest::header::CONTENT_DISPOSITION)?.to_str().ok()?;
    let mut plain = None;
    for part in cd.split(';').map(str::trim) {
        if let Some(v) = part.strip_prefix("filename*=") {
            let v = v.trim_matches('"');
            let enc = v.rsplit("''").next().unwrap_or(v);
            let decoded = percent_decode(enc);
            if let Some(b) = base_name(&decoded) {
                return Some(b);
            }
        } else if let Some(v) = part.strip_prefix("filename=") {
            plain = base_name(v.trim_matches('"'));
        }
    }
    plain
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn is_json(h: &reqwest::header::HeaderMap) -> bool {
    h.get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.contains("json"))
}

/// Downloads what `call` returns (the body itself, or a JSON envelope with `downloadURL`
/// that is followed) to `d.target`, atomically.
pub(crate) async fn download(
    client: &Client,
    call: Call,
    d: Download,
    fallback_name: &str,
) -> Result<PathBuf> {
    let op = call.op;
    // Checked before anything is sent, for every kind of download (asset, proof reports).
    check_target(&d.target).map_err(|e| e.with_operation(op))?;
    let cancel = d.cancel.clone();
    cancellable(
        cancel.as_ref(),
        download_inner(client, call, d, fallback_name),
    )
    .await
    .map_err(|e| e.with_operation(op))
}

async fn download_inner(
    client: &Client,
    call: Call,
    d: Download,
    fallback_name: &str,
) -> Result<PathBuf> {
    let reporter = Reporter::new(d.progress.clone());
    let max_attempts = client.inner.cfg.max_attempts.max(1);
    let mut attempt = 0;
    loop {
        attempt += 1;
        match download_once(client, &call, &d, fallback_name, &reporter).await {
            Ok(p) => return Ok(p),
            Err(e)
                if attempt < max_attempts
                    && matches!(e.kind(), ErrorKind::Transport | ErrorKind::Timeout) =>
            {
                let delay = crate::transport::backoff(
                    client.inner.cfg.backoff_base,
                    client.inner.cfg.backoff_cap,
                    attempt,
                );
                tracing::warn!(attempt, backoff_ms = delay.as_millis() as u64, error = %e.message(), "download failed, retrying");
                tokio::time::sleep(delay).await;
            }
            Err(e) => return Err(e),
        }
    }
}

async fn download_once(
    client: &Client,
    call: &Call,
    d: &Download,
    fallback_name: &str,
    reporter: &Reporter,
) -> Result<PathBuf> {
    let mut resp = client.inner.send(call).await?;
    if is_json(resp.headers()) {
        let bytes = resp.bytes().await.map_err(|e| {
            Error::new(
                ErrorKind::Transport,
                format!("reading the response failed: {e}"),
            )
        })?;
        let v = crate::transport::unwrap_envelope(&bytes)?;
        let link = crate::models::uid_from(&v, &["downloadURL", "url"], "downloadURL")?;
        let url = client
            .inner
            .cfg
            .base_url
            .join(&link)
            .map_err(|e| Error::decode(format!("bad downloadURL {link:?}: {e}")))?;
        let same_origin = url.origin() == client.inner.cfg.base_url.origin();
        let mut follow = Call::get(call.op, "(downloadURL)");
        follow.url = Some(url);
        follow.auth = same_origin;
        resp = client.inner.send(&follow).await?;
    }
    let target = if d.target.is_dir() {
        let name = disposition_name(resp.headers())
            .or_else(|| {
                resp.url()
                    .path_segments()
                    .and_then(|mut s| s.next_back())
                    .and_then(base_name)
                    .filter(|n| n.contains('.'))
            })
            .unwrap_or_else(|| fallback_name.to_string());
        d.target.join(name)
    } else {
        d.target.clone()
    };
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let expected = resp.content_length();
    let tmp = tempfile::Builder::new()
        .prefix(".apst-download-")
        .suffix(".part")
        .tempfile_in(&parent)
        .map_err(|e| Error::io(format!("cannot create a file in {}", parent.display()), e))?;
    let std_file = tmp
        .as_file()
        .try_clone()
        .map_err(|e| Error::io("cannot open the temporary file", e))?;
    let mut file = tokio::fs::File::from_std(std_file);
    let mut written = 0u64;
    use tokio::io::AsyncWriteExt;
    loop {
        let chunk = resp.chunk().await.map_err(|e| {
            let kind = if e.is_timeout() {
                ErrorKind::Timeout
            } else {
                ErrorKind::Transport
            };
            Error::new(
                kind,
                format!("the download broke off after {written} bytes: {e}"),
            )
        })?;
        let Some(chunk) = chunk else { break };
        file.write_all(&chunk)
            .await
            .map_err(|e| Error::io("writing the download failed", e))?;
        written += chunk.len() as u64;
        reporter.report(Progress {
            bytes: written,
            total: expected,
        });
    }
    if let Some(exp) = expected {
        if exp != written {
            return Err(Error::new(
                ErrorKind::Transport,
                format!("the download is incomplete: {written} of {exp} bytes"),
            ));
        }
    }
    file.flush()
        .await
        .map_err(|e| Error::io("writing the download failed", e))?;
    file.sync_all()
        .await
        .map_err(|e| Error::io("fsync of the download failed", e))?;
    drop(file);
    if let Some(confirm) = confirm_gate() {
        // The final progress call may still cancel: the temporary file is removed and the
        // target is untouched.
        if !confirm(Progress {
            bytes: written,
            total: Some(written),
        })
        .await
        {
            return Err(Error::cancelled());
        }
    }
    tmp.persist(&target).map_err(|e| {
        Error::io(
            format!("cannot rename the download to {}", target.display()),
            e.error,
        )
    })?;
    #[cfg(unix)]
    if let Ok(dir) = std::fs::File::open(&parent) {
        let _ = dir.sync_all();
    }
    reporter.finish(Progress {
        bytes: written,
        total: Some(written),
    });
    Ok(target)
}

/// Checks that `path` can be a download target: an existing directory, or a file path whose
/// parent directory exists.
pub(crate) fn check_target(path: &Path) -> Result<()> {
    if path.as_os_str().is_empty() {
        return Err(Error::invalid_input("target", "must not be empty"));
    }
    if path.is_dir() {
        return Ok(());
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !parent.is_dir() {
        return Err(Error::invalid_input(
            "target",
            format!("the directory {} does not exist", parent.display()),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disposition() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(
            reqwest::header::CONTENT_DISPOSITION,
            "attachment; filename=\"../../evil.pdf\"".parse().unwrap(),
        );
        assert_eq!(disposition_name(&h).as_deref(), Some("evil.pdf"));
        h.insert(
            reqwest::header::CONTENT_DISPOSITION,
            "attachment; filename=a.pdf; filename*=UTF-8''b%20c.pdf"
                .parse()
                .unwrap(),
        );
        assert_eq!(disposition_name(&h).as_deref(), Some("b c.pdf"));
    }

    #[test]
    fn reporter_throttles_and_finishes() {
        let calls = Arc::new(parking_lot::Mutex::new(Vec::new()));
        let c2 = calls.clone();
        let r = Reporter::new(Some(Arc::new(move |p: Progress| c2.lock().push(p.bytes))));
        for i in 0..1000 {
            r.report(Progress {
                bytes: i,
                total: Some(1000),
            });
        }
        r.finish(Progress {
            bytes: 1000,
            total: Some(1000),
        });
        let c = calls.lock();
        assert!(c.len() < 10);
        assert_eq!(*c.last().unwrap(), 1000);
    }
}
