//! The HTTP server: an accept loop whose connections can be killed (for the `reset` and
//! `truncate` faults and for shutdown) and time out (header read, idle), the gate middleware
//! (journal, faults, rate limit) and the router.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};

use crate::app::{App, RequestRecord};
use crate::faults::FaultAction;
use crate::http::ApiError;
use crate::state::fmt_date_z;

/// A TCP connection that fails all I/O once its token is cancelled, or once it has carried
/// no byte in either direction for its idle timeout (a stalled body or a reader that stopped
/// reading: the connection is closed instead of held forever).
pub struct KillableIo {
    inner: TcpStream,
    token: CancellationToken,
    cancelled: Pin<Box<WaitForCancellationFutureOwned>>,
    idle: Option<Duration>,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl KillableIo {
    fn new(inner: TcpStream, token: CancellationToken, idle: Option<Duration>) -> Self {
        let cancelled = Box::pin(token.clone().cancelled_owned());
        // Without an idle timeout the deadline is never polled.
        let first = idle.unwrap_or(Duration::from_secs(86_400));
        KillableIo {
            inner,
            token,
            cancelled,
            idle,
            deadline: Box::pin(tokio::time::sleep(first)),
        }
    }

    fn check(&mut self, cx: &mut Context<'_>) -> Result<(), io::Error> {
        if self.token.is_cancelled() || self.cancelled.as_mut().poll(cx).is_ready() {
            return Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "connection killed",
            ));
        }
        Ok(())
    }

    /// Traffic: the idle deadline moves.
    fn touch(&mut self) {
        if let Some(d) = self.idle {
            self.deadline
                .as_mut()
                .reset(tokio::time::Instant::now() + d);
        }
    }

    /// Pending I/O: an error once the idle deadline has passed (the waker is registered).
    fn idle_expired(&mut self, cx: &mut Context<'_>) -> Option<io::Error> {
        (self.idle.is_some() && self.deadline.as_mut().poll(cx).is_ready())
            .then(|| io::Error::new(io::ErrorKind::TimedOut, "connection idle for too long"))
    }
}

impl AsyncRead for KillableIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Err(e) = self.check(cx) {
            return Poll::Ready(Err(e));
        }
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    self.touch();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending => match self.idle_expired(cx) {
                Some(e) => Poll::Ready(Err(e)),
                None => Poll::Pending,
            },
            other => other,
        }
    }
}

impl AsyncWrite for KillableIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Err(e) = self.check(cx) {
            return Poll::Ready(Err(e));
        }
        match Pin::new(&mut self.inner).poll_write(cx, buf) {
            Poll::Ready(Ok(n)) => {
                self.touch();
                Poll::Ready(Ok(n))
            }
            Poll::Pending => match self.idle_expired(cx) {
                Some(e) => Poll::Ready(Err(e)),
                None => Poll::Pending,
            },
            other => other,
        }
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Err(e) = self.check(cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The kill switch of the connection a request arrived on (a request extension, as
/// `ConnectInfo<ConnKill>`).
#[derive(Clone, Debug)]
pub struct ConnKill(pub CancellationToken);

/// Accepts connections on `tcp` until `root` is cancelled and serves each with hyper
/// (HTTP/1.1, and h2c with prior knowledge). Each connection gets a child token of `root`
/// (killed by the `reset`/`truncate` faults and at shutdown), the config's header-read timeout
/// (also the longest wait for the next request on a kept-alive connection) and its idle
/// timeout.
pub async fn serve(tcp: TcpListener, router: Router, app: App, root: CancellationToken) {
    loop {
        let stream = tokio::select! {
            _ = root.cancelled() => return,
            r = tcp.accept() => match r {
                Ok((s, _)) => s,
                Err(e) => {
                    tracing::debug!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let (header_timeout, idle) = {
            let c = app.config.lock();
            (c.header_read_timeout, c.idle_timeout)
        };
        let token = root.child_token();
        let io = hyper_util::rt::TokioIo::new(KillableIo::new(stream, token.clone(), idle));
        let kill = ConnKill(token.clone());
        let router = router.clone();
        let svc = hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(ConnectInfo(kill.clone()));
            tower::ServiceExt::oneshot(router.clone(), req.map(Body::new))
        });
        tokio::spawn(async move {
            let mut b =
                hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
            b.http1()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(header_timeout);
            b.http2().timer(hyper_util::rt::TokioTimer::new());
            let conn = b.serve_connection_with_upgrades(io, svc);
            tokio::pin!(conn);
            tokio::select! {
                r = conn.as_mut() => {
                    if let Err(e) = r {
                        tracing::trace!("connection ended: {e}");
                    }
                }
                _ = token.cancelled() => {}
            }
        });
    }
}

fn record(
    app: &App,
    method: &str,
    path: &str,
    query: Option<String>,
    status: Option<u16>,
    at: String,
    fault: Option<String>,
) {
    let seq = app.seq.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
    let mut j = app.journal.lock();
    j.push(RequestRecord {
        seq,
        method: method.to_string(),
        path: path.to_string(),
        query,
        status,
        at,
        fault,
    });
    // Bound the journal.
    if j.len() > 100_000 {
        j.drain(..10_000);
    }
}

/// Journal, faults and rate limit around every non-control request.
pub async fn gate(State(app): State<App>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/_emulator") {
        return next.run(req).await;
    }
    let method = req.method().to_string();
    let query = req.uri().query().map(str::to_string);
    let at = fmt_date_z(&app.now());
    let kill = req
        .extensions()
        .get::<ConnectInfo<ConnKill>>()
        .map(|c| c.0 .0.clone());
    let fault = app.faults.lock().pick(&method, &path);
    let fault_name = fault.as_ref().map(|f| f.action.as_str().to_string());

    if let Some(ms) = fault.as_ref().and_then(|f| f.latency_ms) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if let Some(f) = &fault {
        match f.action {
            FaultAction::Status => {
                let code = StatusCode::from_u16(
                    f.status.filter(|s| (200..=599).contains(s)).unwrap_or(503),
                )
                .unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
                let mut resp = match &f.body {
                    Some(b) => (code, b.clone()).into_response(),
                    None => ApiError::Envelope(code, code.as_u16(), "Injected fault.".into())
                        .into_response(),
                };
                if let Some(ra) = f.retry_after {
                    if let Ok(v) = HeaderValue::from_str(&ra.to_string()) {
                        resp.headers_mut().insert(header::RETRY_AFTER, v);
                    }
                }
                record(
                    &app,
                    &method,
                    &path,
                    query,
                    Some(code.as_u16()),
                    at,
                    fault_name,
                );
                return resp;
            }
            FaultAction::Reset if !f.after => {
                record(&app, &method, &path, query, None, at, fault_name);
                return killed_response(kill);
            }
            _ => {}
        }
    }

    let resp = if path.starts_with("/api/") {
        rate_limited(&app, req, next).await
    } else {
        next.run(req).await
    };

    match fault.as_ref().map(|f| f.action) {
        Some(FaultAction::Reset) => {
            record(&app, &method, &path, query, None, at, fault_name);
            // Drain nothing: the response is dropped with the connection.
            drop(resp);
            killed_response(kill)
        }
        Some(FaultAction::Truncate) => {
            record(
                &app,
                &method,
                &path,
                query,
                Some(resp.status().as_u16()),
                at,
                fault_name,
            );
            truncate(resp, kill).await
        }
        _ => {
            record(
                &app,
                &method,
                &path,
                query,
                Some(resp.status().as_u16()),
                at,
                fault_name,
            );
            resp
        }
    }
}

fn killed_response(kill: Option<CancellationToken>) -> Response {
    match kill {
        Some(k) => {
            k.cancel();
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        None => {
            // No kill switch: abort the body right after the head.
            let s = futures_util::stream::once(async {
                Err::<bytes::Bytes, io::Error>(io::Error::new(
                    io::ErrorKind::ConnectionReset,
                    "reset",
                ))
            });
            Response::new(Body::from_stream(s))
        }
    }
}

async fn truncate(resp: Response, kill: Option<CancellationToken>) -> Response {
    let (mut parts, body) = resp.into_parts();
    let known = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .or_else(|| axum::body::HttpBody::size_hint(&body).exact());
    let (total, stream): (
        u64,
        futures_util::stream::BoxStream<'static, Result<bytes::Bytes, axum::Error>>,
    ) = match known {
        Some(n) => (n, body.into_data_stream().boxed()),
        None => match axum::body::to_bytes(body, usize::MAX).await {
            Ok(b) => (
                b.len() as u64,
                futures_util::stream::once(async move { Ok(b) }).boxed(),
            ),
            Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
    };
    let half = total / 2;
    let s = futures_util::stream::unfold((stream, 0u64, false), move |(mut data, sent, done)| {
        let kill = kill.clone();
        async move {
            if done {
                return None;
            }
            if sent >= half {
                // Let hyper flush what was sent, then drop the connection.
                tokio::time::sleep(Duration::from_millis(100)).await;
                if let Some(k) = &kill {
                    k.cancel();
                }
                return Some((
                    Err(io::Error::new(
                        io::ErrorKind::ConnectionAborted,
                        "truncated by fault",
                    )),
                    (data, sent, true),
                ));
            }
            match data.next().await {
                Some(Ok(chunk)) => {
                    let room = (half - sent) as usize;
                    let c = if chunk.len() > room {
                        chunk.slice(..room)
                    } else {
                        chunk
                    };
                    let n = c.len() as u64;
                    Some((Ok(c), (data, sent + n, false)))
                }
                Some(Err(e)) => Some((Err(io::Error::other(e)), (data, sent, true))),
                None => None,
            }
        }
    });
    parts.headers.remove(header::TRANSFER_ENCODING);
    if let Ok(v) = HeaderValue::from_str(&total.to_string()) {
        parts.headers.insert(header::CONTENT_LENGTH, v);
    }
    Response::from_parts(parts, Body::from_stream(s))
}

async fn rate_limited(app: &App, req: Request, next: Next) -> Response {
    let quota = app.config.lock().quota;
    let Some(quota) = quota else {
        return next.run(req).await;
    };
    let d = app.rate.lock().check(quota, app.now());
    let reset = d.reset.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    let mut resp = if d.allowed {
        next.run(req).await
    } else {
        let mut r = (
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "API calls quota exceeded! maximum admitted {} per {}.",
                quota.limit,
                quota.period_label()
            ),
        )
            .into_response();
        if let Ok(v) = HeaderValue::from_str(&d.retry_after.to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        r
    };
    let h = resp.headers_mut();
    for (k, v) in [
        ("x-rate-limit-limit", quota.period_label()),
        ("x-rate-limit-remaining", d.remaining.to_string()),
        ("x-rate-limit-reset", reset),
    ] {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    }
    resp
}

async fn fallback() -> Response {
    ApiError::not_found("Resource not found.").into_response()
}

/// Builds the whole router.
pub fn router(app: App) -> Router {
    use crate::api::{annotations, assets, projects, refdocs, tasks, token, users, webhooks};
    let mut api = Router::new()
        .route("/token/login", post(token::login))
        .route("/token/validate", get(token::validate))
        .route(
            "/project",
            get(projects::list)
                .post(projects::create)
                .put(projects::update)
                .delete(projects::delete),
        )
        .route("/project/proofreport", get(projects::proofreport))
        .route("/project/state", put(projects::set_state))
        .route(
            "/project/meta",
            get(projects::meta_get)
                .post(projects::meta_set)
                .delete(projects::meta_delete),
        )
        .route("/project/kanban/column", post(projects::kanban_column))
        .route("/project/folder", post(projects::folder))
        .route("/refdoc", get(refdocs::get_one).delete(refdocs::delete))
        .route("/refdoc/upload", post(refdocs::upload))
        .route("/refdoc/upload_url", post(refdocs::upload_url))
        .route("/refdoc/add_url", post(refdocs::add_url))
        .route("/task/all", get(tasks::all))
        .route("/task", get(tasks::get_one).delete(tasks::delete))
        .route("/task/asset_upload", post(tasks::asset_upload))
        .route("/task/refdoc_upload", post(tasks::refdoc_upload))
        .route("/task/review_asset", post(tasks::review_asset))
        .route("/task/review_asset_ext", post(tasks::review_asset_ext))
        .route("/task/complete", put(tasks::complete))
        .route("/annotation/all", get(annotations::all))
        .route(
            "/annotation",
            post(annotations::create).delete(annotations::delete),
        )
        .route("/annotation/hide", put(annotations::hide))
        .route("/annotation/complete", put(annotations::complete))
        .route("/annotation/uncomplete", put(annotations::uncomplete))
        .route("/users", get(users::users))
        .route("/user/loggedin", get(users::logged_in))
        .route(
            "/webhook",
            get(webhooks::list)
                .post(webhooks::create)
                .delete(webhooks::delete),
        )
        .route("/webhook/test", put(webhooks::test));
    // The documentation's tables also spell the asset paths in the plural.
    for prefix in ["/asset", "/assets"] {
        api = api
            .route(prefix, get(assets::get_one).delete(assets::delete))
            .route(&format!("{prefix}/upload"), post(assets::upload))
            .route(&format!("{prefix}/upload_url"), post(assets::upload_url))
            .route(&format!("{prefix}/download"), get(assets::download))
            .route(&format!("{prefix}/proofreport"), get(assets::proofreport));
    }
    Router::new()
        .nest("/api/v1", api)
        .merge(crate::files::routes())
        .merge(crate::control::routes())
        .fallback(fallback)
        .layer(axum::middleware::from_fn_with_state(app.clone(), gate))
        .layer(DefaultBodyLimit::disable())
        .with_state(app)
}
