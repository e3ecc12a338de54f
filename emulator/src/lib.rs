//! # Approval Studio emulator
//!
//! An in-process (or standalone) emulator of the Approval Studio REST API for tests and
//! offline development: every documented operation with its status codes, envelopes and
//! state rules, streamed uploads, asynchronous processing, proof reports, webhooks, the rate
//! limit, and a control API under `/_emulator/` (see `CONTROL.md`).
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use approvalstudio_emulator::{Emulator, EmulatorConfig};
//! let emu = Emulator::start(EmulatorConfig::default()).await?;
//! println!("{} {} {}", emu.url(), emu.username(), emu.password());
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod api;
pub mod app;
pub mod config;
pub mod control;
pub mod faults;
pub mod files;
pub mod http;
pub mod images;
pub mod pdf;
pub mod processing;
pub mod ratelimit;
pub mod server;
pub mod state;
pub mod webhook_delivery;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use parking_lot::Mutex;
use tokio_util::sync::CancellationToken;

pub use app::{DeliveryRecord, RequestRecord};
pub use config::{ConfigUpdate, EmulatorConfig, Quota, UserSpec};
pub use faults::{FaultAction, FaultRule};

use app::{App, Shared};

/// A running emulator. Dropping it shuts the server down (and removes a temporary data
/// directory).
pub struct Emulator {
    app: App,
    addr: SocketAddr,
    shutdown: CancellationToken,
    thread: Option<std::thread::JoinHandle<()>>,
    _tmp: Option<tempfile::TempDir>,
}

struct Started {
    app: App,
    addr: SocketAddr,
    shutdown: CancellationToken,
    server: tokio::task::JoinHandle<()>,
    tmp: Option<tempfile::TempDir>,
}

async fn start_inner(cfg: EmulatorConfig) -> anyhow::Result<Started> {
    anyhow::ensure!(
        !cfg.users.is_empty(),
        "the emulator needs at least one user"
    );
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (data_dir, tmp): (PathBuf, Option<tempfile::TempDir>) = match &cfg.data_dir {
        Some(d) => {
            std::fs::create_dir_all(d)
                .with_context(|| format!("creating data dir {}", d.display()))?;
            (d.clone(), None)
        }
        None => {
            let t = tempfile::Builder::new()
                .prefix("approvalstudio-emulator-")
                .tempdir()
                .context("creating a temporary data dir")?;
            (t.path().to_path_buf(), Some(t))
        }
    };
    let tcp = tokio::net::TcpListener::bind(("127.0.0.1", cfg.port))
        .await
        .with_context(|| format!("binding 127.0.0.1:{}", cfg.port))?;
    let addr = tcp.local_addr()?;
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .build()
        .context("building the HTTP client")?;
    let shutdown = CancellationToken::new();
    let app: App = Arc::new(Shared {
        initial: cfg.clone(),
        config: Mutex::new(cfg.clone()),
        data: Mutex::new(state::Data::seeded(&cfg.users)),
        faults: Mutex::new(faults::FaultSet::default()),
        journal: Mutex::new(Vec::new()),
        deliveries: Mutex::new(Vec::new()),
        clock_offset: Mutex::new(chrono::Duration::zero()),
        rate: Mutex::new(ratelimit::RateWindow::default()),
        generation: AtomicU64::new(0),
        seq: AtomicU64::new(0),
        data_dir,
        shutdown: shutdown.clone(),
        http,
        port: addr.port(),
    });
    app.reset();
    let router = server::router(app.clone());
    let server = tokio::spawn(server::serve(tcp, router, app.clone(), shutdown.clone()));
    Ok(Started {
        app,
        addr,
        shutdown,
        server,
        tmp,
    })
}

impl Emulator {
    /// Starts an emulator on the current tokio runtime (binds `127.0.0.1:port`).
    pub async fn start(cfg: EmulatorConfig) -> anyhow::Result<Emulator> {
        let s = start_inner(cfg).await?;
        drop(s.server); // detached; it ends when `shutdown` is cancelled
        Ok(Emulator {
            app: s.app,
            addr: s.addr,
            shutdown: s.shutdown,
            thread: None,
            _tmp: s.tmp,
        })
    }

    /// Starts an emulator on its own thread and runtime: usable from synchronous code and
    /// from inside another runtime.
    pub fn start_blocking(cfg: EmulatorConfig) -> anyhow::Result<Emulator> {
        let (tx, rx) = std::sync::mpsc::channel::<anyhow::Result<Started>>();
        let (done_tx, done_rx) = std::sync::mpsc::channel::<tokio::task::JoinHandle<()>>();
        let thread = std::thread::Builder::new()
            .name("approvalstudio-emulator".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("approvalstudio-emulator-rt")
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = tx.send(Err(
                            anyhow::Error::new(e).context("building the emulator runtime")
                        ));
                        return;
                    }
                };
                rt.block_on(async move {
                    match start_inner(cfg).await {
                        Ok(started) => {
                            let stop = started.shutdown.clone();
                            let _ = tx.send(Ok(started));
                            stop.cancelled().await;
                            if let Ok(server) = done_rx.recv() {
                                let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
                            }
                        }
                        Err(e) => {
                            let _ = tx.send(Err(e));
                        }
                    }
                });
                rt.shutdown_timeout(Duration::from_secs(1));
            })
            .context("spawning the emulator thread")?;
        let s = rx
            .recv()
            .context("the emulator thread ended before starting")??;
        let _ = done_tx.send(s.server);
        Ok(Emulator {
            app: s.app,
            addr: s.addr,
            shutdown: s.shutdown,
            thread: Some(thread),
            _tmp: s.tmp,
        })
    }

    /// Base URL, `http://127.0.0.1:PORT` (the API is under `{url}/api/v1/`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The first configured user's login name.
    pub fn username(&self) -> String {
        self.app.initial.users[0].email.clone()
    }

    /// The first configured user's password.
    pub fn password(&self) -> String {
        self.app.initial.users[0].password.clone()
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.app.data_dir
    }

    /// Restores the seeded state; clears faults, journals and the clock offset; restores the
    /// start configuration.
    pub fn reset(&self) {
        self.app.reset();
    }

    /// Installs a fault rule; returns its id.
    pub fn add_fault(&self, rule: FaultRule) -> String {
        self.app.faults.lock().add(rule)
    }

    /// Removes one fault rule (false when unknown).
    pub fn remove_fault(&self, id: &str) -> bool {
        self.app.faults.lock().remove(id)
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.app.faults.lock().clear();
    }

    /// The request journal (API and file requests; control requests are not recorded).
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.app.journal.lock().clone()
    }

    /// Clears the request journal.
    pub fn clear_requests(&self) {
        self.app.journal.lock().clear();
    }

    /// The webhook delivery journal.
    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        self.app.deliveries.lock().clone()
    }

    /// The current configuration.
    pub fn config(&self) -> EmulatorConfig {
        self.app.config.lock().clone()
    }

    /// Replaces the runtime-changeable configuration (token TTL, quota, delays, storage
    /// limit, webhook retry settings); `port`, `data_dir` and `users` are ignored.
    /// Typical use: `emu.set_config(emu.config().quota(Quota::new(2, 60s)))`.
    pub fn set_config(&self, cfg: EmulatorConfig) {
        let mut c = self.app.config.lock();
        let (port, dir, users) = (c.port, c.data_dir.clone(), c.users.clone());
        *c = cfg;
        c.port = port;
        c.data_dir = dir;
        c.users = users;
        self.app.rate.lock().clear();
    }

    /// Applies a partial update, as `POST /_emulator/config` does.
    pub fn update_config(&self, update: &ConfigUpdate) -> Result<(), String> {
        let mut c = self.app.config.lock().clone();
        update.apply(&mut c)?;
        self.set_config(c);
        Ok(())
    }

    /// Moves the emulator's clock forward (tokens, quota windows and rate-limit resets move
    /// with it).
    pub fn advance_clock(&self, d: Duration) {
        let add = chrono::Duration::from_std(d).unwrap_or(chrono::Duration::zero());
        let mut off = self.app.clock_offset.lock();
        *off = off.checked_add(&add).unwrap_or(*off);
    }

    /// The emulator's current time.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.app.now()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.shutdown.cancel();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("url", &self.url())
            .finish()
    }
}
