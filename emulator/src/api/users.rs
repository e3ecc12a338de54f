//! `users`, `user/loggedin`.

use axum::extract::State;
use axum::http::HeaderMap;
use serde_json::Value;

use super::GET_OK;
use crate::app::App;
use crate::http::{ok, ApiResult};

/// `GET users` → `[Client]`.
pub async fn users(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    app.auth(&headers)?;
    let data = app.data.lock();
    ok(GET_OK, Value::Array(vec![data.client_json()]))
}

/// `GET user/loggedin` → `User`.
pub async fn logged_in(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    let user = app.auth(&headers)?;
    ok(GET_OK, user.json())
}
