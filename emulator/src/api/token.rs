//! `token/login`, `token/validate`.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::json;

use crate::app::App;
use crate::http::{json_input, ok, ok_empty, ApiError, ApiResult, Fields};
use crate::state::{fmt_date, Token};

/// Message of a Lite-plan login.
pub const LITE_MESSAGE: &str = "The user uses Lite payment plan option. API is available only for Pro users. Please consult our support on this: https://approval.studio/contact/";

/// `POST token/login` `{userName, password, keepAliveTime?}` → `{token, expirationDate}`.
pub async fn login(State(app): State<App>, body: Body) -> ApiResult {
    let input = json_input(body).await?;
    let mut f = Fields::new(&input);
    let user_name = f.req_str("userName");
    let password = f.req_str("password");
    let keep = f.opt_i64("keepAliveTime");
    // The service binds keepAliveTime to an int32 (the spec's `format: int32`): a value
    // outside 0..=2147483647 is a model-binding 400, not a clamped lifetime.
    if let Some(k) = keep {
        if !(0..=i64::from(i32::MAX)).contains(&k) {
            f.error(
                "keepAliveTime",
                format!(
                    "'keepAliveTime' must be between 0 and {} (minutes); {k} is not.",
                    i32::MAX
                ),
            );
        }
    }
    f.finish()?;
    let minutes = match keep {
        Some(k) if k > 0 => k,
        _ => 600,
    };
    let ttl = match app.config.lock().token_ttl {
        Some(d) => chrono::Duration::from_std(d).unwrap_or(chrono::Duration::minutes(600)),
        None => chrono::Duration::minutes(minutes),
    };
    let mut data = app.data.lock();
    let user = data
        .users
        .iter()
        .find(|u| u.email.eq_ignore_ascii_case(user_name.trim()) && u.password == password)
        .cloned();
    let Some(user) = user else {
        return Err(ApiError::status(
            StatusCode::UNAUTHORIZED,
            "Invalid user name or password.",
        ));
    };
    if user.lite {
        return Err(ApiError::forbidden(LITE_MESSAGE));
    }
    let token = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let now = app.now();
    let expires = now
        .checked_add_signed(ttl)
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC);
    data.tokens.insert(
        token.clone(),
        Token {
            user_uid: user.uid.clone(),
            expires,
        },
    );
    ok(
        "Token created.",
        json!({"token": token, "expirationDate": fmt_date(&expires)}),
    )
}

/// `GET token/validate`: 200 while the token is valid, else 401.
pub async fn validate(State(app): State<App>, headers: HeaderMap) -> ApiResult {
    app.auth(&headers)?;
    ok_empty("Token is valid.")
}
