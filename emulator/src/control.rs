//! The control API under `/_emulator/` (CONTROL.md): health, reset, config, faults, request
//! journal, clock, webhook deliveries. No auth, never rate-limited, not journaled.

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::app::App;
use crate::config::{config_json, ConfigUpdate};
use crate::faults::FaultRule;
use crate::http::{read_body, Input};
use crate::state::fmt_date_z;

fn bad(msg: impl Into<String>) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": msg.into()}))).into_response()
}

async fn parse<T: serde::de::DeserializeOwned>(body: Body) -> Result<T, Response> {
    let bytes = read_body(body).await.map_err(|_| bad("unreadable body"))?;
    let bytes = if bytes.iter().all(u8::is_ascii_whitespace) {
        bytes::Bytes::from_static(b"{}")
    } else {
        bytes
    };
    serde_json::from_slice(&bytes).map_err(|e| bad(format!("invalid JSON: {e}")))
}

async fn health() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

async fn reset(State(app): State<App>) -> Json<Value> {
    app.reset();
    Json(json!({"status": "ok"}))
}

async fn config_get(State(app): State<App>) -> Json<Value> {
    let c = app.config.lock().clone();
    Json(config_json(&c, app.port, &app.data_dir))
}

async fn config_set(State(app): State<App>, body: Body) -> Response {
    let upd: ConfigUpdate = match parse(body).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let mut c = app.config.lock().clone();
    if let Err(e) = upd.apply(&mut c) {
        return bad(e);
    }
    *app.config.lock() = c.clone();
    app.rate.lock().clear();
    Json(config_json(&c, app.port, &app.data_dir)).into_response()
}

async fn faults_list(State(app): State<App>) -> Json<Value> {
    Json(Value::Array(app.faults.lock().list()))
}

async fn faults_add(State(app): State<App>, body: Body) -> Response {
    let rule: FaultRule = match parse(body).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    if rule.path.is_empty() {
        return bad("`path` must not be empty");
    }
    if let Some(s) = rule.status {
        if !(200..=599).contains(&s) {
            return bad("`status` must be within 200..599");
        }
    }
    if let Some(p) = rule.probability {
        if !(0.0..=1.0).contains(&p) {
            return bad("`probability` must be within 0..1");
        }
    }
    let id = app.faults.lock().add(rule);
    Json(json!({"faultId": id})).into_response()
}

async fn faults_clear(State(app): State<App>) -> Json<Value> {
    app.faults.lock().clear();
    Json(json!({"status": "ok"}))
}

async fn fault_delete(State(app): State<App>, Path(id): Path<String>) -> Response {
    if app.faults.lock().remove(&id) {
        Json(json!({"status": "ok"})).into_response()
    } else {
        (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such fault"})),
        )
            .into_response()
    }
}

async fn requests_list(State(app): State<App>, RawQuery(q): RawQuery) -> Json<Value> {
    let input = Input::from_query(q.as_deref());
    let method = input
        .get("method")
        .and_then(Value::as_str)
        .map(str::to_string);
    let path = input
        .get("path")
        .and_then(Value::as_str)
        .map(str::to_string);
    let j = app.journal.lock();
    let items: Vec<Value> = j
        .iter()
        .filter(|r| {
            method
                .as_ref()
                .is_none_or(|m| r.method.eq_ignore_ascii_case(m))
        })
        .filter(|r| match &path {
            None => true,
            Some(p) => match p.strip_suffix('*') {
                Some(pre) => r.path.starts_with(pre),
                None => r.path.eq_ignore_ascii_case(p),
            },
        })
        .filter_map(|r| serde_json::to_value(r).ok())
        .collect();
    Json(Value::Array(items))
}

async fn requests_clear(State(app): State<App>) -> Json<Value> {
    app.journal.lock().clear();
    Json(json!({"status": "ok"}))
}

async fn clock_get(State(app): State<App>) -> Json<Value> {
    Json(json!({"now": fmt_date_z(&app.now())}))
}

async fn clock_advance(State(app): State<App>, body: Body) -> Response {
    let v: Value = match parse(body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let secs = v.get("advanceSeconds").and_then(Value::as_f64);
    let Some(secs) = secs.filter(|s| s.is_finite() && s.abs() < 1e10) else {
        return bad("`advanceSeconds` (a number) is required");
    };
    {
        let add = chrono::Duration::milliseconds((secs * 1000.0) as i64);
        let mut off = app.clock_offset.lock();
        *off = off.checked_add(&add).unwrap_or(*off);
    }
    Json(json!({"now": fmt_date_z(&app.now())})).into_response()
}

async fn deliveries(State(app): State<App>) -> Json<Value> {
    Json(serde_json::to_value(&*app.deliveries.lock()).unwrap_or(Value::Array(vec![])))
}

/// Routes of the control API.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/_emulator/health", get(health))
        .route("/_emulator/reset", axum::routing::post(reset))
        .route("/_emulator/config", get(config_get).post(config_set))
        .route(
            "/_emulator/faults",
            get(faults_list).post(faults_add).delete(faults_clear),
        )
        .route("/_emulator/faults/{id}", delete(fault_delete))
        .route(
            "/_emulator/requests",
            get(requests_list).delete(requests_clear),
        )
        .route("/_emulator/clock", get(clock_get).post(clock_advance))
        .route("/_emulator/webhooks/deliveries", get(deliveries))
}
