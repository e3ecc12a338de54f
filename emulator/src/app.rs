//! Shared state of a running emulator: configuration, business data, faults, journals, clock.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::config::EmulatorConfig;
use crate::faults::FaultSet;
use crate::http::ApiError;
use crate::ratelimit::RateWindow;
use crate::state::{Data, ProjectState, User};

/// One journal entry of `/_emulator/requests`.
#[derive(Clone, Debug, Serialize)]
pub struct RequestRecord {
    /// Sequence number from 1.
    pub seq: u64,
    /// Method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Raw query string.
    pub query: Option<String>,
    /// Status sent (None when the connection was reset).
    pub status: Option<u16>,
    /// When it was received (emulator clock).
    pub at: String,
    /// Fault action applied, if any.
    pub fault: Option<String>,
}

/// One webhook delivery attempt of `/_emulator/webhooks/deliveries`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryRecord {
    /// Event id.
    pub event_id: String,
    /// Event type.
    pub event_type: String,
    /// Target.
    pub url: String,
    /// Attempt number from 1.
    pub attempt: u32,
    /// HTTP status received (None: no answer).
    pub status: Option<u16>,
    /// When (emulator clock).
    pub at: String,
    /// Transport error, if any.
    pub error: Option<String>,
}

/// Everything a running emulator shares between requests and background tasks.
pub struct Shared {
    /// Configuration at start (restored by reset).
    pub initial: EmulatorConfig,
    /// Current configuration.
    pub config: Mutex<EmulatorConfig>,
    /// Business state.
    pub data: Mutex<Data>,
    /// Fault rules.
    pub faults: Mutex<FaultSet>,
    /// Request journal.
    pub journal: Mutex<Vec<RequestRecord>>,
    /// Webhook delivery journal.
    pub deliveries: Mutex<Vec<DeliveryRecord>>,
    /// Clock offset added to the wall clock.
    pub clock_offset: Mutex<chrono::Duration>,
    /// Rate-limit window.
    pub rate: Mutex<RateWindow>,
    /// Bumped by reset: background work of older generations stops.
    pub generation: AtomicU64,
    /// Journal sequence.
    pub seq: AtomicU64,
    /// Data directory.
    pub data_dir: PathBuf,
    /// Cancelled when the emulator shuts down.
    pub shutdown: CancellationToken,
    /// HTTP client for `upload_url` and webhook delivery.
    pub http: reqwest::Client,
    /// Bound port.
    pub port: u16,
}

/// Handle to [`Shared`].
pub type App = Arc<Shared>;

impl Shared {
    /// The emulator's clock (wall clock plus the advanced offset).
    pub fn now(&self) -> DateTime<Utc> {
        let now = Utc::now();
        now.checked_add_signed(*self.clock_offset.lock())
            .unwrap_or(now)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn local_base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Current generation.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Restores the seeded state: data, faults, journals, clock, config; removes stored files.
    pub fn reset(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        *self.config.lock() = self.initial.clone();
        *self.data.lock() = Data::seeded(&self.initial.users);
        self.faults.lock().clear();
        self.journal.lock().clear();
        self.deliveries.lock().clear();
        *self.clock_offset.lock() = chrono::Duration::zero();
        self.rate.lock().clear();
        for sub in ["assets", "refdocs", "derived", "reports", "tmp"] {
            let p = self.data_dir.join(sub);
            let _ = std::fs::remove_dir_all(&p);
            let _ = std::fs::create_dir_all(&p);
        }
    }

    /// The caller of a request from its bearer token, or 401.
    pub fn auth(&self, headers: &axum::http::HeaderMap) -> Result<User, ApiError> {
        let token = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| {
                let h = h.trim();
                match (h.get(..7), h.get(7..)) {
                    (Some(scheme), Some(rest)) if scheme.eq_ignore_ascii_case("bearer ") => {
                        Some(rest.trim().to_string()).filter(|t| !t.is_empty())
                    }
                    _ => None,
                }
            })
            .ok_or(ApiError::Unauthorized)?;
        let now = self.now();
        let data = self.data.lock();
        let t = data.tokens.get(&token).ok_or(ApiError::Unauthorized)?;
        if t.expires <= now {
            return Err(ApiError::Unauthorized);
        }
        data.user(&t.user_uid)
            .cloned()
            .ok_or(ApiError::Unauthorized)
    }

    /// Path of a subdirectory of the data directory.
    pub fn dir(&self, sub: &str) -> PathBuf {
        self.data_dir.join(sub)
    }
}

/// Changes a project's state, with the InTransit passage for archiving and unarchiving,
/// emitting `project.state` events. Returns the state set now.
pub fn change_project_state(
    app: &App,
    project_uid: &str,
    target: ProjectState,
) -> Option<ProjectState> {
    let mut data = app.data.lock();
    let p = data.project_mut(project_uid)?;
    let from = p.state;
    let uid = p.uid.clone();
    let via_transit = target == ProjectState::Archived || from == ProjectState::Archived;
    let now_state = if via_transit {
        ProjectState::InTransit
    } else {
        target
    };
    p.state = now_state;
    let mut deleted_tasks = Vec::new();
    if target == ProjectState::Completed {
        let (gone, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut data.tasks)
            .into_iter()
            .partition(|t| t.project_uid == uid);
        data.tasks = kept;
        deleted_tasks = gone;
    }
    let base = app.local_base();
    let pj = data
        .project(&uid)
        .map(|p| data.event_project_json(p))
        .unwrap_or_default();
    for t in &deleted_tasks {
        let tj = data.task_json(t, &base);
        crate::webhook_delivery::emit(
            app,
            &data,
            "task.deleted",
            serde_json::json!({"TaskUID": t.uid, "ProjectUID": uid, "Project": pj, "Task": tj}),
        );
    }
    crate::webhook_delivery::emit(
        app,
        &data,
        "project.state",
        serde_json::json!({"ProjectUID": uid, "State": now_state.as_str(), "PreviousState": from.as_str(), "Project": pj}),
    );
    drop(data);
    if via_transit {
        let app2 = app.clone();
        let gen = app.generation();
        let delay = app.config.lock().transit_delay;
        tokio::spawn(async move {
            tokio::select! {
                _ = app2.shutdown.cancelled() => return,
                _ = tokio::time::sleep(delay) => {}
            }
            if app2.generation() != gen {
                return;
            }
            let data = &mut *app2.data.lock();
            let Some(p) = data.project_mut(&uid) else {
                return;
            };
            if p.state != ProjectState::InTransit {
                return;
            }
            p.state = target;
            let pj = data
                .project(&uid)
                .map(|p| data.event_project_json(p))
                .unwrap_or_default();
            crate::webhook_delivery::emit(
                &app2,
                data,
                "project.state",
                serde_json::json!({"ProjectUID": uid, "State": target.as_str(), "PreviousState": "InTransit", "Project": pj}),
            );
        });
    }
    Some(now_state)
}
