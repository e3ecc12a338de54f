//! Synchronous client: [`Client`] mirrors every operation of the async client.
//!
//! # Runtime
//! One tokio runtime per process runs all blocking calls. It is created lazily on the first
//! call, recreated after `fork` (it is keyed by the process id; the parent's runtime is
//! leaked in the child, never dropped, since its threads don't exist there), and never dropped
//! inside an async context. [`shutdown`] stops it (for hosts that unload the library).
//! A blocking call made from inside a tokio runtime returns an `InvalidInput` error instead
//! of panicking: use the async [`crate::Client`] there.
//!
//! # Hooks: progress, cancellation and interrupts on the calling thread
//! The operation runs on the runtime; the **calling thread** waits for it and, while it
//! waits, services the [`CallHooks`] every [`CallHooks::poll_interval`] (50 ms by default):
//! - `progress(Progress) -> Flow`: transfer progress, throttled (~100 ms), plus a final call
//!   at 100 % when a transfer succeeds. Returning [`Flow::Cancel`] cancels the operation.
//! - `interrupt() -> Flow`: polled on every tick (and once before the call). Returning
//!   [`Flow::Cancel`] cancels (Python: check signals / Ctrl-C here; C: a stop flag).
//!
//! A cancelled operation returns an [`ErrorKind::Cancelled`] error; a cancelled download
//! leaves no file (its temporary file is removed). Hooks are plain `&dyn Fn` borrowed for the
//! call, need not be `Send`, and are never called on a runtime thread. Calling any blocking
//! operation from inside a hook (re-entrant use) returns an `InvalidInput` error at once
//! instead of deadlocking.
//!
//! ```no_run
//! use approvalstudio::blocking::{CallHooks, Client, Flow};
//! use approvalstudio::Upload;
//! let client = Client::new(
//!     approvalstudio::Client::builder().credentials("admin@example.com", "admin-password"),
//! )?;
//! let progress = |p: approvalstudio::Progress| {
//!     println!("{} of {:?}", p.bytes, p.total);
//!     Flow::Continue
//! };
//! let interrupt = || Flow::Continue; // e.g. check a Ctrl-C flag
//! let hooks = CallHooks::new().progress(&progress).interrupt(&interrupt);
//! let asset_uid = client
//!     .with_hooks(hooks)
//!     .assets()
//!     .upload(Upload::from_path("PROJECT-UID", "artwork.pdf"))?;
//! # Ok::<(), approvalstudio::Error>(())
//! ```

use crate::api::{
    NewAnnotation, NewExternalReviewTask, NewProject, NewReviewTask, NewTask, NewUrlRefDoc,
    NewWebhook, ProjectQuery, ProjectUpdate, TaskCompletion,
};
use crate::error::{Error, ErrorKind, Result};
use crate::models::{
    Annotation, Asset, LoginResult, MetaEntry, Project, ProjectState, RefDoc, Task, TaskType,
    TenantClient, User, Webhook,
};
use crate::review_links::{ReviewLink, ReviewLinkOptions, ReviewLinkRecipient, ReviewLinkSend};
use crate::transfer::{CancellationToken, Download, Progress, ProgressFn, Upload, UrlUpload};
use std::cell::Cell;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a hook wants: go on, or cancel the operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Go on.
    Continue,
    /// Cancel the operation (it returns a `Cancelled` error).
    Cancel,
}

/// Hooks serviced by the calling thread during a blocking call (see the module docs).
#[derive(Clone, Copy)]
pub struct CallHooks<'a> {
    /// Transfer progress; [`Flow::Cancel`] cancels.
    pub progress: Option<&'a (dyn Fn(Progress) -> Flow + 'a)>,
    /// Polled every `poll_interval`; [`Flow::Cancel`] cancels.
    pub interrupt: Option<&'a (dyn Fn() -> Flow + 'a)>,
    /// How often the calling thread services the hooks (default 50 ms).
    pub poll_interval: Duration,
}

impl Default for CallHooks<'_> {
    fn default() -> Self {
        CallHooks {
            progress: None,
            interrupt: None,
            poll_interval: Duration::from_millis(50),
        }
    }
}

impl std::fmt::Debug for CallHooks<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallHooks")
            .field("progress", &self.progress.is_some())
            .field("interrupt", &self.interrupt.is_some())
            .field("poll_interval", &self.poll_interval)
            .finish()
    }
}

impl<'a> CallHooks<'a> {
    /// No hooks.
    pub fn new() -> Self {
        Self::default()
    }
    /// Progress hook.
    pub fn progress(mut self, f: &'a (dyn Fn(Progress) -> Flow + 'a)) -> Self {
        self.progress = Some(f);
        self
    }
    /// Interrupt hook.
    pub fn interrupt(mut self, f: &'a (dyn Fn() -> Flow + 'a)) -> Self {
        self.interrupt = Some(f);
        self
    }
    /// Poll interval (clamped to 1 ms ..= 1 s).
    pub fn poll_interval(mut self, d: Duration) -> Self {
        self.poll_interval = d.clamp(Duration::from_millis(1), Duration::from_secs(1));
        self
    }
    fn is_empty(&self) -> bool {
        self.progress.is_none() && self.interrupt.is_none()
    }
}

thread_local! {
    static IN_HOOK: Cell<bool> = const { Cell::new(false) };
}

struct HookGuard;
impl HookGuard {
    fn enter() -> HookGuard {
        IN_HOOK.with(|h| h.set(true));
        HookGuard
    }
}
impl Drop for HookGuard {
    fn drop(&mut self) {
        IN_HOOK.with(|h| h.set(false));
    }
}

static RUNTIME: parking_lot::Mutex<Option<(u32, Arc<tokio::runtime::Runtime>)>> =
    parking_lot::Mutex::new(None);

/// The process's runtime, created on first use and after `fork`.
fn runtime() -> Result<Arc<tokio::runtime::Runtime>> {
    let pid = std::process::id();
    let mut g = RUNTIME.lock();
    if let Some((p, rt)) = &*g {
        if *p == pid {
            return Ok(rt.clone());
        }
    }
    if let Some((_, old)) = g.take() {
        // Forked child: the parent's worker threads don't exist here; never drop it.
        std::mem::forget(old);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("approvalstudio-rt")
        .enable_all()
        .build()
        .map_err(|e| Error::io("cannot start the tokio runtime", e))?;
    let rt = Arc::new(rt);
    *g = Some((pid, rt.clone()));
    Ok(rt)
}

/// Stops the process's runtime (waiting up to `timeout` for its threads), e.g. before a host
/// unloads the library. A later blocking call starts a new one. Does nothing when called
/// from inside an async context or while calls are running.
pub fn shutdown(timeout: Duration) {
    if tokio::runtime::Handle::try_current().is_ok() {
        return;
    }
    let taken = {
        let mut g = RUNTIME.lock();
        match g.take() {
            Some((p, rt)) if p == std::process::id() => Some(rt),
            Some(other) => {
                std::mem::forget(other);
                None
            }
            None => None,
        }
    };
    if let Some(rt) = taken {
        match Arc::try_unwrap(rt) {
            Ok(rt) => rt.shutdown_timeout(timeout),
            Err(shared) => {
                // In use by running calls: they hold it; put it back.
                *RUNTIME.lock() = Some((std::process::id(), shared));
            }
        }
    }
}

/// Blocking client. Cheap to clone; share it between threads.
#[derive(Clone, Debug)]
pub struct Client {
    inner: crate::Client,
}

/// A client with hooks for the calls made through it (see [`Client::with_hooks`]).
#[derive(Clone, Copy, Debug)]
pub struct Hooked<'a> {
    client: &'a Client,
    hooks: CallHooks<'a>,
}

/// Runs `f` (given the async client and a progress sink when a progress hook is set) on the
/// runtime while the calling thread services `hooks`.
fn run<T, F, Fut>(client: &crate::Client, hooks: CallHooks<'_>, f: F) -> Result<T>
where
    F: FnOnce(crate::Client, Option<ProgressFn>) -> Fut,
    Fut: Future<Output = Result<T>> + Send + 'static,
    T: Send + 'static,
{
    if IN_HOOK.with(|h| h.get()) {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "re-entrant call: a blocking operation was called from inside a progress or interrupt hook; return from the hook first",
        ));
    }
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "a blocking call was made inside an async (tokio) context; use the async approvalstudio::Client there",
        ));
    }
    if let Some(i) = hooks.interrupt {
        let _g = HookGuard::enter();
        if i() == Flow::Cancel {
            return Err(Error::cancelled());
        }
    }
    let rt = runtime()?;
    let cancel = CancellationToken::new();
    let latest: Arc<parking_lot::Mutex<Option<Progress>>> = Arc::new(parking_lot::Mutex::new(None));
    let sink: Option<ProgressFn> = hooks.progress.map(|_| {
        let latest = latest.clone();
        Arc::new(move |p: Progress| *latest.lock() = Some(p)) as ProgressFn
    });
    let fut = f(client.clone(), sink);
    // If this thread leaves early (a hook panicked), the operation is cancelled, not orphaned.
    let _cancel_on_exit = cancel.clone().drop_guard();
    let (tx, rx) = channel::<Msg<T>>();
    // With a progress hook, a transfer asks this thread about its final progress call before
    // it commits, so a cancel there leaves nothing behind (see `transfer::ConfirmFn`).
    let confirm: Option<crate::transfer::ConfirmFn> = hooks.progress.map(|_| {
        let tx = tx.clone();
        Arc::new(move |p: Progress| {
            let (otx, orx) = tokio::sync::oneshot::channel();
            let sent = tx.send(Msg::Confirm(p, otx)).is_ok();
            Box::pin(async move { sent && orx.await.unwrap_or(false) })
                as futures_util::future::BoxFuture<'static, bool>
        }) as crate::transfer::ConfirmFn
    });
    let c2 = cancel.clone();
    rt.spawn(async move {
        let r = crate::transfer::CONFIRM
            .scope(confirm, crate::transfer::cancellable(Some(&c2), fut))
            .await;
        let _ = tx.send(Msg::Done(r));
    });
    let mut delivered: Option<Progress> = None;
    let mut last_delivery: Option<Instant> = None;
    let lost = || {
        Error::new(
            ErrorKind::Io,
            "the operation's task ended without a result (runtime shut down or panic)",
        )
    };
    loop {
        let msg = if hooks.is_empty() {
            rx.recv().map_err(|_| lost())
        } else {
            match rx.recv_timeout(hooks.poll_interval) {
                Ok(m) => Ok(m),
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(lost()),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    if cancel.is_cancelled() {
                        continue;
                    }
                    let _g = HookGuard::enter();
                    if let Some(i) = hooks.interrupt {
                        if i() == Flow::Cancel {
                            cancel.cancel();
                            continue;
                        }
                    }
                    if let Some(p) = hooks.progress {
                        let cur = *latest.lock();
                        if let Some(cur) = cur {
                            let due = last_delivery
                                .is_none_or(|t| t.elapsed() >= crate::transfer::PROGRESS_INTERVAL);
                            if news(cur, delivered) && due {
                                delivered = Some(cur);
                                last_delivery = Some(Instant::now());
                                if p(cur) == Flow::Cancel {
                                    cancel.cancel();
                                }
                            }
                        }
                    }
                    continue;
                }
            }
        };
        let r = match msg? {
            Msg::Confirm(p, answer) => {
                // The transfer's final progress call, before it commits: its answer counts.
                let go = match hooks.progress {
                    // Already seen (a throttled call delivered the same bytes): its answer
                    // was Continue.
                    Some(_) if !news(p, delivered) => !cancel.is_cancelled(),
                    Some(hook) if !cancel.is_cancelled() => {
                        let _g = HookGuard::enter();
                        delivered = Some(p);
                        last_delivery = Some(Instant::now());
                        hook(p) == Flow::Continue
                    }
                    _ => !cancel.is_cancelled(),
                };
                let _ = answer.send(go);
                continue;
            }
            Msg::Done(r) => r,
        };
        if r.is_ok() {
            if let Some(p) = hooks.progress {
                let cur = *latest.lock();
                if let Some(cur) = cur {
                    if news(cur, delivered) {
                        let _g = HookGuard::enter();
                        // A final call of an operation without a commit point (a batch): the
                        // operation is done, so its answer is moot.
                        let _ = p(cur);
                    }
                }
            }
        }
        return r;
    }
}

/// The channel from an operation's runtime task to the calling thread: the interface of
/// `std::sync::mpsc` on a mutex and a condition variable, because a blocking `mpsc` receive
/// makes std allocate a `Thread` handle for the calling thread, freed only when that thread
/// exits. A C host's main thread never exits as a thread (`exit()` runs no thread-local
/// destructors), so memory checkers reported the handle as "possibly lost" after
/// `apst_shutdown` (issue 10, item 12). std's `Mutex`/`Condvar` allocate nothing per thread.
struct Chan<T> {
    state: std::sync::Mutex<ChanState<T>>,
    ready: std::sync::Condvar,
}

struct ChanState<T> {
    queue: std::collections::VecDeque<T>,
    senders: usize,
    receiver_alive: bool,
}

struct ChanSender<T>(Arc<Chan<T>>);
struct ChanReceiver<T>(Arc<Chan<T>>);

fn channel<T>() -> (ChanSender<T>, ChanReceiver<T>) {
    let chan = Arc::new(Chan {
        state: std::sync::Mutex::new(ChanState {
            queue: std::collections::VecDeque::new(),
            senders: 1,
            receiver_alive: true,
        }),
        ready: std::sync::Condvar::new(),
    });
    (ChanSender(chan.clone()), ChanReceiver(chan))
}

impl<T> Chan<T> {
    fn lock(&self) -> std::sync::MutexGuard<'_, ChanState<T>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl<T> ChanSender<T> {
    fn send(&self, v: T) -> std::result::Result<(), std::sync::mpsc::SendError<T>> {
        let mut g = self.0.lock();
        if !g.receiver_alive {
            return Err(std::sync::mpsc::SendError(v));
        }
        g.queue.push_back(v);
        self.0.ready.notify_all();
        Ok(())
    }
}

impl<T> Clone for ChanSender<T> {
    fn clone(&self) -> Self {
        self.0.lock().senders += 1;
        ChanSender(self.0.clone())
    }
}

impl<T> Drop for ChanSender<T> {
    fn drop(&mut self) {
        let mut g = self.0.lock();
        g.senders -= 1;
        if g.senders == 0 {
            self.0.ready.notify_all();
        }
    }
}

impl<T> ChanReceiver<T> {
    fn recv(&self) -> std::result::Result<T, std::sync::mpsc::RecvError> {
        let mut g = self.0.lock();
        loop {
            if let Some(v) = g.queue.pop_front() {
                return Ok(v);
            }
            if g.senders == 0 {
                return Err(std::sync::mpsc::RecvError);
            }
            g = self.0.ready.wait(g).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn recv_timeout(
        &self,
        d: Duration,
    ) -> std::result::Result<T, std::sync::mpsc::RecvTimeoutError> {
        let deadline = Instant::now() + d;
        let mut g = self.0.lock();
        loop {
            if let Some(v) = g.queue.pop_front() {
                return Ok(v);
            }
            if g.senders == 0 {
                return Err(std::sync::mpsc::RecvTimeoutError::Disconnected);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(std::sync::mpsc::RecvTimeoutError::Timeout);
            }
            g = self
                .0
                .ready
                .wait_timeout(g, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }
}

impl<T> Drop for ChanReceiver<T> {
    fn drop(&mut self) {
        let mut g = self.0.lock();
        g.receiver_alive = false;
        // Messages still queued (a Confirm's answer sender) are dropped here, outside no
        // lock of theirs: dropping a oneshot sender only wakes its receiver.
        g.queue.clear();
    }
}

/// True when `cur` is ahead of what the hook has seen: the final call of a transfer (asked
/// before it commits) can overtake an older throttled value, so the hook is called only with
/// progress that moved forward (never backwards, never a repeat).
fn news(cur: Progress, delivered: Option<Progress>) -> bool {
    delivered.is_none_or(|d| cur.bytes > d.bytes)
}

/// What the runtime sends the calling thread of a blocking call.
enum Msg<T> {
    /// The operation's result.
    Done(Result<T>),
    /// A transfer asks about its final progress call (see `transfer::ConfirmFn`).
    Confirm(Progress, tokio::sync::oneshot::Sender<bool>),
}

fn chain(a: Option<ProgressFn>, b: Option<ProgressFn>) -> Option<ProgressFn> {
    match (a, b) {
        (Some(a), Some(b)) => Some(Arc::new(move |p| {
            a(p);
            b(p)
        })),
        (a, None) => a,
        (None, b) => b,
    }
}

impl Client {
    /// Builds a blocking client from an async client builder.
    pub fn new(builder: crate::ClientBuilder) -> Result<Client> {
        Ok(Client {
            inner: builder.build()?,
        })
    }

    /// Wraps an async client (they share token, pool and rate gate).
    pub fn from_async(client: crate::Client) -> Client {
        Client { inner: client }
    }

    /// The async client inside.
    pub fn as_async(&self) -> &crate::Client {
        &self.inner
    }

    /// Calls made through the returned handle service `hooks` on the calling thread.
    pub fn with_hooks<'a>(&'a self, hooks: CallHooks<'a>) -> Hooked<'a> {
        Hooked {
            client: self,
            hooks,
        }
    }

    fn hooked(&self) -> Hooked<'_> {
        Hooked {
            client: self,
            hooks: CallHooks::default(),
        }
    }

    /// Runs any async operation of the async client synchronously with `hooks` (the generic
    /// form behind every method of this module; the progress sink, when given, is to be put
    /// on an [`Upload`]/[`Download`]).
    pub fn run<T, F, Fut>(&self, hooks: CallHooks<'_>, f: F) -> Result<T>
    where
        F: FnOnce(crate::Client, Option<ProgressFn>) -> Fut,
        Fut: Future<Output = Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        run(&self.inner, hooks, f)
    }

    /// `POST token/login`.
    pub fn login(&self) -> Result<LoginResult> {
        self.hooked().login()
    }
    /// `GET token/validate`.
    pub fn validate(&self) -> Result<()> {
        self.hooked().validate()
    }
    /// Projects.
    pub fn projects(&self) -> Projects<'_> {
        self.hooked().projects()
    }
    /// Assets.
    pub fn assets(&self) -> Assets<'_> {
        self.hooked().assets()
    }
    /// Reference documents.
    pub fn refdocs(&self) -> RefDocs<'_> {
        self.hooked().refdocs()
    }
    /// Tasks.
    pub fn tasks(&self) -> Tasks<'_> {
        self.hooked().tasks()
    }
    /// Annotations.
    pub fn annotations(&self) -> Annotations<'_> {
        self.hooked().annotations()
    }
    /// Users.
    pub fn users(&self) -> Users<'_> {
        self.hooked().users()
    }
    /// Webhooks.
    pub fn webhooks(&self) -> Webhooks<'_> {
        self.hooked().webhooks()
    }
    /// Review links.
    pub fn review_links(&self) -> ReviewLinks<'_> {
        self.hooked().review_links()
    }
}

macro_rules! handles {
    ($($(#[$m:meta])* $name:ident => $acc:ident),*) => {
        $(
            $(#[$m])*
            #[derive(Clone, Copy, Debug)]
            pub struct $name<'a> {
                h: Hooked<'a>,
            }
        )*
        impl<'a> Hooked<'a> {
            $(
                /// The resource handle, with this handle's hooks.
                pub fn $acc(&self) -> $name<'a> {
                    $name { h: *self }
                }
            )*
        }
    };
}

handles!(
    /// Blocking project operations.
    Projects => projects,
    /// Blocking asset operations.
    Assets => assets,
    /// Blocking reference document operations.
    RefDocs => refdocs,
    /// Blocking task operations.
    Tasks => tasks,
    /// Blocking annotation operations.
    Annotations => annotations,
    /// Blocking user operations.
    Users => users,
    /// Blocking webhook operations.
    Webhooks => webhooks,
    /// Blocking review link operations.
    ReviewLinks => review_links
);

impl<'a> Hooked<'a> {
    fn run<T, F, Fut>(&self, f: F) -> Result<T>
    where
        F: FnOnce(crate::Client, Option<ProgressFn>) -> Fut,
        Fut: Future<Output = Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        run(&self.client.inner, self.hooks, f)
    }
    /// `POST token/login`.
    pub fn login(&self) -> Result<LoginResult> {
        self.run(|c, _| async move { c.login().await })
    }
    /// `GET token/validate`.
    pub fn validate(&self) -> Result<()> {
        self.run(|c, _| async move { c.validate().await })
    }
}

/// Owned copy of a `&str` argument for the `'static` future.
fn s(v: &str) -> String {
    v.to_string()
}

impl Projects<'_> {
    /// See [`crate::api::Projects::list`].
    pub fn list(&self, q: ProjectQuery) -> Result<Vec<Project>> {
        self.h.run(|c, _| async move { c.projects().list(q).await })
    }
    /// See [`crate::api::Projects::get`].
    pub fn get(&self, project_uid: &str) -> Result<Project> {
        let u = s(project_uid);
        self.h.run(|c, _| async move { c.projects().get(&u).await })
    }
    /// See [`crate::api::Projects::get_with`].
    pub fn get_with(&self, q: ProjectQuery) -> Result<Project> {
        self.h
            .run(|c, _| async move { c.projects().get_with(q).await })
    }
    /// See [`crate::api::Projects::create`].
    pub fn create(&self, p: NewProject) -> Result<Project> {
        self.h
            .run(|c, _| async move { c.projects().create(p).await })
    }
    /// See [`crate::api::Projects::update`].
    pub fn update(&self, p: ProjectUpdate) -> Result<Project> {
        self.h
            .run(|c, _| async move { c.projects().update(p).await })
    }
    /// See [`crate::api::Projects::delete`].
    pub fn delete(&self, project_uid: &str) -> Result<()> {
        let u = s(project_uid);
        self.h
            .run(|c, _| async move { c.projects().delete(&u).await })
    }
    /// See [`crate::api::Projects::proof_report_url`].
    pub fn proof_report_url(&self, project_uid: &str) -> Result<String> {
        let u = s(project_uid);
        self.h
            .run(|c, _| async move { c.projects().proof_report_url(&u).await })
    }
    /// See [`crate::api::Projects::download_proof_report`].
    pub fn download_proof_report(
        &self,
        project_uid: &str,
        d: impl Into<Download>,
    ) -> Result<PathBuf> {
        let u = s(project_uid);
        let mut d = d.into();
        self.h.run(|c, sink| async move {
            d.progress = chain(d.progress.take(), sink);
            c.projects().download_proof_report(&u, d).await
        })
    }
    /// See [`crate::api::Projects::set_state`].
    pub fn set_state(&self, project_uid: &str, state: ProjectState) -> Result<()> {
        let u = s(project_uid);
        self.h
            .run(|c, _| async move { c.projects().set_state(&u, state).await })
    }
    /// See [`crate::api::Projects::meta`].
    pub fn meta(&self, project_uid: &str) -> Result<Vec<MetaEntry>> {
        let u = s(project_uid);
        self.h
            .run(|c, _| async move { c.projects().meta(&u).await })
    }
    /// See [`crate::api::Projects::set_meta`].
    pub fn set_meta(&self, project_uid: &str, key: &str, value: &str) -> Result<()> {
        let (u, k, v) = (s(project_uid), s(key), s(value));
        self.h
            .run(|c, _| async move { c.projects().set_meta(&u, &k, &v).await })
    }
    /// See [`crate::api::Projects::delete_meta`].
    pub fn delete_meta(&self, project_uid: &str, key: &str) -> Result<()> {
        let (u, k) = (s(project_uid), s(key));
        self.h
            .run(|c, _| async move { c.projects().delete_meta(&u, &k).await })
    }
    /// See [`crate::api::Projects::move_to_kanban_column`].
    pub fn move_to_kanban_column(&self, project_uid: &str, column_uid: &str) -> Result<()> {
        let (u, k) = (s(project_uid), s(column_uid));
        self.h
            .run(|c, _| async move { c.projects().move_to_kanban_column(&u, &k).await })
    }
    /// See [`crate::api::Projects::move_to_folder`].
    pub fn move_to_folder(&self, project_uid: &str, folder_uid: &str) -> Result<()> {
        let (u, k) = (s(project_uid), s(folder_uid));
        self.h
            .run(|c, _| async move { c.projects().move_to_folder(&u, &k).await })
    }
}

impl Assets<'_> {
    /// See [`crate::api::Assets::get`].
    pub fn get(&self, asset_uid: &str) -> Result<Asset> {
        let u = s(asset_uid);
        self.h.run(|c, _| async move { c.assets().get(&u).await })
    }
    /// See [`crate::api::Assets::delete`].
    pub fn delete(&self, asset_uid: &str) -> Result<()> {
        let u = s(asset_uid);
        self.h
            .run(|c, _| async move { c.assets().delete(&u).await })
    }
    /// See [`crate::api::Assets::upload`]; progress also goes to the progress hook.
    pub fn upload(&self, mut upload: Upload) -> Result<String> {
        self.h.run(|c, sink| async move {
            upload.progress = chain(upload.progress.take(), sink);
            c.assets().upload(upload).await
        })
    }
    /// See [`crate::api::Assets::upload_url`].
    pub fn upload_url(&self, upload: UrlUpload) -> Result<String> {
        self.h
            .run(|c, _| async move { c.assets().upload_url(upload).await })
    }
    /// See [`crate::api::Assets::upload_many`]; the combined progress of all files goes to
    /// the progress hook.
    pub fn upload_many(
        &self,
        project_uid: &str,
        paths: impl IntoIterator<Item = impl Into<PathBuf>>,
        concurrency: usize,
    ) -> Result<Vec<Result<String>>> {
        let u = s(project_uid);
        let paths: Vec<PathBuf> = paths.into_iter().map(Into::into).collect();
        self.h.run(|c, sink| async move {
            let batch = sink.map(|f| -> crate::BatchProgressFn { Arc::new(move |p, _| f(p)) });
            Ok(c.assets()
                .upload_many_with(&u, paths, concurrency, batch)
                .await)
        })
    }
    /// See [`crate::api::Assets::wait_processed`].
    pub fn wait_processed(&self, asset_uid: &str, timeout: Duration) -> Result<Asset> {
        let u = s(asset_uid);
        self.h
            .run(|c, _| async move { c.assets().wait_processed(&u, timeout).await })
    }
    /// See [`crate::api::Assets::download`]; progress also goes to the progress hook.
    pub fn download(&self, asset_uid: &str, d: impl Into<Download>) -> Result<PathBuf> {
        let u = s(asset_uid);
        let mut d = d.into();
        self.h.run(|c, sink| async move {
            d.progress = chain(d.progress.take(), sink);
            c.assets().download(&u, d).await
        })
    }
    /// See [`crate::api::Assets::proof_report_url`].
    pub fn proof_report_url(&self, asset_uid: &str) -> Result<String> {
        let u = s(asset_uid);
        self.h
            .run(|c, _| async move { c.assets().proof_report_url(&u).await })
    }
    /// See [`crate::api::Assets::download_proof_report`].
    pub fn download_proof_report(
        &self,
        asset_uid: &str,
        d: impl Into<Download>,
    ) -> Result<PathBuf> {
        let u = s(asset_uid);
        let mut d = d.into();
        self.h.run(|c, sink| async move {
            d.progress = chain(d.progress.take(), sink);
            c.assets().download_proof_report(&u, d).await
        })
    }
}

impl RefDocs<'_> {
    /// See [`crate::api::RefDocs::upload`]; progress also goes to the progress hook.
    pub fn upload(&self, mut upload: Upload) -> Result<String> {
        self.h.run(|c, sink| async move {
            upload.progress = chain(upload.progress.take(), sink);
            c.refdocs().upload(upload).await
        })
    }
    /// See [`crate::api::RefDocs::upload_url`].
    pub fn upload_url(&self, upload: UrlUpload) -> Result<String> {
        self.h
            .run(|c, _| async move { c.refdocs().upload_url(upload).await })
    }
    /// See [`crate::api::RefDocs::add_url`].
    pub fn add_url(&self, r: NewUrlRefDoc) -> Result<String> {
        self.h
            .run(|c, _| async move { c.refdocs().add_url(r).await })
    }
    /// See [`crate::api::RefDocs::get`].
    pub fn get(&self, ref_doc_uid: &str) -> Result<RefDoc> {
        let u = s(ref_doc_uid);
        self.h.run(|c, _| async move { c.refdocs().get(&u).await })
    }
    /// See [`crate::api::RefDocs::delete`].
    pub fn delete(&self, ref_doc_uid: &str) -> Result<()> {
        let u = s(ref_doc_uid);
        self.h
            .run(|c, _| async move { c.refdocs().delete(&u).await })
    }
}

impl Tasks<'_> {
    /// See [`crate::api::Tasks::list`].
    pub fn list(&self, types: &[TaskType]) -> Result<Vec<Task>> {
        let t = types.to_vec();
        self.h.run(|c, _| async move { c.tasks().list(&t).await })
    }
    /// See [`crate::api::Tasks::get`].
    pub fn get(&self, task_uid: &str) -> Result<Task> {
        let u = s(task_uid);
        self.h.run(|c, _| async move { c.tasks().get(&u).await })
    }
    /// See [`crate::api::Tasks::delete`].
    pub fn delete(&self, task_uid: &str) -> Result<()> {
        let u = s(task_uid);
        self.h.run(|c, _| async move { c.tasks().delete(&u).await })
    }
    /// See [`crate::api::Tasks::asset_upload`].
    pub fn asset_upload(&self, t: NewTask) -> Result<Task> {
        self.h
            .run(|c, _| async move { c.tasks().asset_upload(t).await })
    }
    /// See [`crate::api::Tasks::refdoc_upload`].
    pub fn refdoc_upload(&self, t: NewTask) -> Result<Task> {
        self.h
            .run(|c, _| async move { c.tasks().refdoc_upload(t).await })
    }
    /// See [`crate::api::Tasks::review_asset`].
    pub fn review_asset(&self, t: NewReviewTask) -> Result<Task> {
        self.h
            .run(|c, _| async move { c.tasks().review_asset(t).await })
    }
    /// See [`crate::api::Tasks::review_asset_ext`].
    pub fn review_asset_ext(&self, t: NewExternalReviewTask) -> Result<Task> {
        self.h
            .run(|c, _| async move { c.tasks().review_asset_ext(t).await })
    }
    /// See [`crate::api::Tasks::complete`].
    pub fn complete(&self, t: TaskCompletion) -> Result<()> {
        self.h
            .run(|c, _| async move { c.tasks().complete(t).await })
    }
}

impl Annotations<'_> {
    /// See [`crate::api::Annotations::list`].
    pub fn list(&self, asset_uid: &str) -> Result<Vec<Annotation>> {
        let u = s(asset_uid);
        self.h
            .run(|c, _| async move { c.annotations().list(&u).await })
    }
    /// See [`crate::api::Annotations::create`].
    pub fn create(&self, a: NewAnnotation) -> Result<Annotation> {
        self.h
            .run(|c, _| async move { c.annotations().create(a).await })
    }
    /// See [`crate::api::Annotations::delete`].
    pub fn delete(&self, annotation_uid: &str) -> Result<()> {
        let u = s(annotation_uid);
        self.h
            .run(|c, _| async move { c.annotations().delete(&u).await })
    }
    /// See [`crate::api::Annotations::hide`].
    pub fn hide(&self, annotation_uid: &str) -> Result<()> {
        let u = s(annotation_uid);
        self.h
            .run(|c, _| async move { c.annotations().hide(&u).await })
    }
    /// See [`crate::api::Annotations::complete`].
    pub fn complete(&self, annotation_uid: &str) -> Result<()> {
        let u = s(annotation_uid);
        self.h
            .run(|c, _| async move { c.annotations().complete(&u).await })
    }
    /// See [`crate::api::Annotations::uncomplete`].
    pub fn uncomplete(&self, annotation_uid: &str) -> Result<()> {
        let u = s(annotation_uid);
        self.h
            .run(|c, _| async move { c.annotations().uncomplete(&u).await })
    }
}

impl Users<'_> {
    /// See [`crate::api::Users::list`].
    pub fn list(&self) -> Result<Vec<TenantClient>> {
        self.h.run(|c, _| async move { c.users().list().await })
    }
    /// See [`crate::api::Users::logged_in`].
    pub fn logged_in(&self) -> Result<User> {
        self.h
            .run(|c, _| async move { c.users().logged_in().await })
    }
}

impl Webhooks<'_> {
    /// See [`crate::api::Webhooks::list`].
    pub fn list(&self) -> Result<Vec<Webhook>> {
        self.h.run(|c, _| async move { c.webhooks().list().await })
    }
    /// See [`crate::api::Webhooks::create`].
    pub fn create(&self, w: NewWebhook) -> Result<Webhook> {
        self.h
            .run(|c, _| async move { c.webhooks().create(w).await })
    }
    /// See [`crate::api::Webhooks::delete`].
    pub fn delete(&self, webhook_uid: &str) -> Result<()> {
        let u = s(webhook_uid);
        self.h
            .run(|c, _| async move { c.webhooks().delete(&u).await })
    }
    /// See [`crate::api::Webhooks::test`].
    pub fn test(&self, webhook_uid: &str) -> Result<()> {
        let u = s(webhook_uid);
        self.h
            .run(|c, _| async move { c.webhooks().test(&u).await })
    }
}

impl ReviewLinks<'_> {
    /// See [`crate::review_links::ReviewLinks::create`].
    pub fn create(
        &self,
        project_uid: &str,
        name: &str,
        options: ReviewLinkOptions,
    ) -> Result<ReviewLink> {
        let (u, n) = (s(project_uid), s(name));
        self.h
            .run(|c, _| async move { c.review_links().create(&u, &n, options).await })
    }
    /// See [`crate::review_links::ReviewLinks::get`].
    pub fn get(&self, project_uid: &str, link_id: &str) -> Result<ReviewLink> {
        let (u, l) = (s(project_uid), s(link_id));
        self.h
            .run(|c, _| async move { c.review_links().get(&u, &l).await })
    }
    /// See [`crate::review_links::ReviewLinks::list`].
    pub fn list(&self, project_uid: &str) -> Result<Vec<ReviewLink>> {
        let u = s(project_uid);
        self.h
            .run(|c, _| async move { c.review_links().list(&u).await })
    }
    /// See [`crate::review_links::ReviewLinks::add_assets`].
    pub fn add_assets(
        &self,
        project_uid: &str,
        link_id: &str,
        asset_uids: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<ReviewLink> {
        let (u, l) = (s(project_uid), s(link_id));
        let a: Vec<String> = asset_uids.into_iter().map(Into::into).collect();
        self.h
            .run(|c, _| async move { c.review_links().add_assets(&u, &l, a).await })
    }
    /// See [`crate::review_links::ReviewLinks::delete`].
    pub fn delete(&self, project_uid: &str, link_id: &str) -> Result<()> {
        let (u, l) = (s(project_uid), s(link_id));
        self.h
            .run(|c, _| async move { c.review_links().delete(&u, &l).await })
    }
    /// See [`crate::review_links::ReviewLinks::send`].
    pub fn send(
        &self,
        project_uid: &str,
        link_id: &str,
        send: ReviewLinkSend,
    ) -> Result<Vec<ReviewLinkRecipient>> {
        let (u, l) = (s(project_uid), s(link_id));
        self.h
            .run(|c, _| async move { c.review_links().send(&u, &l, send).await })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offline() -> Client {
        Client::new(
            crate::Client::builder()
                .base_url("http://127.0.0.1:9")
                .token("t"),
        )
        .unwrap()
    }

    #[test]
    fn inside_runtime_is_an_error_not_a_panic() {
        let c = offline();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let e = rt.block_on(async { c.users().logged_in() }).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.message().contains("async"));
    }

    #[test]
    fn reentrant_call_from_hook_is_an_error() {
        let c = offline();
        let inner: parking_lot::Mutex<Option<Error>> = parking_lot::Mutex::new(None);
        let interrupt = || {
            *inner.lock() = c.users().logged_in().err();
            Flow::Continue
        };
        let _ = c
            .with_hooks(CallHooks::new().interrupt(&interrupt))
            .users()
            .logged_in();
        let e = inner.lock().take().unwrap();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.message().contains("re-entrant"));
    }

    #[test]
    fn channel_delivers_in_order_times_out_and_disconnects() {
        use std::sync::mpsc::{RecvError, RecvTimeoutError};
        let (tx, rx) = channel::<u32>();
        assert_eq!(
            rx.recv_timeout(Duration::from_millis(5)),
            Err(RecvTimeoutError::Timeout)
        );
        let tx2 = tx.clone();
        let t = std::thread::spawn(move || {
            tx2.send(1).unwrap();
            tx2.send(2).unwrap();
        });
        assert_eq!(rx.recv(), Ok(1));
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(2));
        t.join().unwrap();
        drop(tx);
        assert_eq!(rx.recv(), Err(RecvError));
        assert_eq!(
            rx.recv_timeout(Duration::from_millis(1)),
            Err(RecvTimeoutError::Disconnected)
        );
        let (tx, rx) = channel::<u32>();
        drop(rx);
        assert!(tx.send(3).is_err());
    }

    #[test]
    fn interrupt_cancels() {
        let c = offline();
        let stop = || Flow::Cancel;
        let e = c
            .with_hooks(CallHooks::new().interrupt(&stop))
            .users()
            .logged_in()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Cancelled);
    }
}
