//! `apst_client_builder` and `apst_client`.

use std::ffi::c_char;
use std::time::Duration;

use apst_core::blocking::{CallHooks, Flow, Hooked};

use crate::args::{handle, handle_mut, out_arg, str_arg};
use crate::boundary::{boundary, boundary_always};
use crate::error::{apst_error, apst_result, FfiError};

/// Settings collected by the builder functions; applied to the core builder at build time.
#[derive(Default)]
pub struct apst_client_builder {
    base_url: Option<String>,
    username: Option<String>,
    password: Option<String>,
    token: Option<String>,
    keep_alive_minutes: Option<u32>,
    connect_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    max_attempts: Option<u32>,
    backoff: Option<(Duration, Duration)>,
    retry_deadline: Option<Duration>,
    max_rate_limit_wait: Option<Duration>,
    user_agent: Option<String>,
}

/// A connection to the Approval Studio API (an opaque handle). Create it with
/// `apst_client_builder_build` (or `apst_client_with_cancel_token`), release it with
/// `apst_client_free`. Thread-safe: one client may be used from many threads at once; it
/// shares one connection pool and one token.
pub struct apst_client {
    inner: apst_core::blocking::Client,
    /// Polled by the calling thread during every call made through this handle (the cancel
    /// token attached with `apst_client_with_cancel_token`).
    interrupt: Option<Box<dyn Fn() -> Flow + Send + Sync>>,
}

impl apst_client {
    pub(crate) fn new(inner: apst_core::blocking::Client) -> apst_client {
        apst_client {
            inner,
            interrupt: None,
        }
    }

    /// A handle sharing this client's pool, token and settings whose calls poll `interrupt`.
    pub(crate) fn with_interrupt(
        &self,
        interrupt: Box<dyn Fn() -> Flow + Send + Sync>,
    ) -> apst_client {
        apst_client {
            inner: self.inner.clone(),
            interrupt: Some(interrupt),
        }
    }

    /// The call hooks of this handle (its interrupt, if any).
    pub(crate) fn hooks(&self) -> CallHooks<'_> {
        match &self.interrupt {
            Some(i) => CallHooks::new().interrupt(i.as_ref()),
            None => CallHooks::new(),
        }
    }

    /// The blocking API with this handle's hooks: every export calls through it.
    pub(crate) fn api(&self) -> Hooked<'_> {
        self.inner.with_hooks(self.hooks())
    }

    /// The blocking API with this handle's hooks plus `extra`'s progress hook.
    pub(crate) fn api_with<'a>(&'a self, extra: CallHooks<'a>) -> Hooked<'a> {
        let mut h = self.hooks();
        h.progress = extra.progress;
        self.inner.with_hooks(h)
    }
}

pub(crate) fn shutdown_runtime() {
    apst_core::blocking::shutdown(Duration::from_secs(10));
}

/// Creates a client builder with the defaults: base URL `https://api.approval.studio`, no
/// credentials, connect timeout 10 s, read timeout 60 s, 4 attempts, backoff 200 ms..20 s,
/// retry deadline 120 s, at most 60 s of waiting for a rate limit. Returns NULL only after
/// `apst_shutdown` (or on an internal error).
///
/// Ownership: the caller owns the builder; release it with `apst_client_builder_build` (which
/// consumes it) or `apst_client_builder_free`. Thread-safety: a builder must not be used from
/// two threads at once.
#[no_mangle]
pub extern "C" fn apst_client_builder_new() -> *mut apst_client_builder {
    let mut out: *mut apst_client_builder = std::ptr::null_mut();
    let _ = boundary!(std::ptr::null_mut(), {
        out = Box::into_raw(Box::<apst_client_builder>::default());
        Ok(())
    });
    out
}

/// Releases a builder that was not passed to `apst_client_builder_build`. `builder` may be
/// NULL.
///
/// Ownership: takes ownership of `builder`. Thread-safety: not concurrently with other uses
/// of the same builder. Allowed after `apst_shutdown`.
#[no_mangle]
pub unsafe extern "C" fn apst_client_builder_free(builder: *mut apst_client_builder) {
    if builder.is_null() {
        return;
    }
    let _ = boundary_always!(std::ptr::null_mut(), {
        drop(Box::from_raw(builder));
        Ok(())
    });
}

/// Sets the API's base URL (e.g. `"https://api.approval.studio"` or the emulator's URL);
/// paths under `/api/v1/` are appended. Control characters are refused at once; the rest is
/// validated at build time.
///
/// Ownership: borrows `builder` and the arguments (strings are copied).
/// Thread-safety: a builder must not be used from two threads at once.
#[no_mangle]
pub unsafe extern "C" fn apst_client_builder_set_base_url(
    builder: *mut apst_client_builder,
    base_url: *const c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let b = handle_mut(builder, "builder")?;
        let url = str_arg(base_url, "base_url")?;
        // A URL parser drops CR, LF and tabs silently; refuse them instead.
        if let Some(c) = url.chars().find(|c| c.is_control()) {
            return Err(FfiError::invalid(format!(
                "parameter `base_url` must not contain control characters (found {c:?})"
            )));
        }
        b.base_url = Some(url.to_owned());
        Ok(())
    })
}

/// Sets a bearer token obtained elsewhere, instead of credentials. The library never logs
/// it. With credentials too, the token is used first and the credentials to log in again.
///
/// Ownership: borrows `builder` and the arguments (strings are copied).
/// Thread-safety: a builder must not be used from two threads at once.
#[no_mangle]
pub unsafe extern "C" fn apst_client_builder_set_token(
    builder: *mut apst_client_builder,
    token: *const c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let b = handle_mut(builder, "builder")?;
        b.token = Some(str_arg(token, "token")?.to_owned());
        Ok(())
    })
}

/// Sets the token lifetime requested at login, in minutes (`keepAliveTime`; 0 = the
/// server's default of 600; at most 525600, one year).
///
/// Ownership: borrows `builder` and the arguments (strings are copied).
/// Thread-safety: a builder must not be used from two threads at once.
#[no_mangle]
pub unsafe extern "C" fn apst_client_builder_set_keep_alive_minutes(
    builder: *mut apst_client_builder,
    keep_alive_minutes: u32,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let b = handle_mut(builder, "builder")?;
        let max = apst_core::validate::MAX_DURATION.as_secs() / 60;
        if u64::from(keep_alive_minutes) > max {
            return Err(FfiError::invalid(format!(
                "parameter `keep_alive_minutes` must be 0 to {max} (one year), got {keep_alive_minutes}"
            )));
        }
        b.keep_alive_minutes = Some(keep_alive_minutes);
        Ok(())
    })
}

/// Sets the connect timeout in milliseconds (1 to 31536000000, one year).
///
/// Ownership: borrows `builder` and the arguments (strings are copied).
/// Thread-safety: a builder must not be used from two threads at once.
#[no_mangle]
pub unsafe extern "C" fn apst_client_builder_set_connect_timeout_ms(
    builder: *mut apst_client_builder,
    connect_timeout_ms: u64,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let b = handle_mut(builder, "builder")?;
        b.connect_timeout = Some(ms_arg(connect_timeout_ms, "connect_timeout_ms", 1)?);
        Ok(())
    })
}

/// Sets the read timeout in milliseconds (1 to 31536000000, one year): the longest wait for
/// the next bytes of a response. There is no whole-request timeout, so large transfers work.
///
/// Ownership: borrows `builder` and the arguments (strings are copied).
/// Thread-safety: a builder must not be used from two threads at once.
#[no_mangle]
pub unsafe extern "C" fn apst_client_builder_set_read_timeout_ms(
    builder: *mut apst_client_builder,
    read_timeout_ms: u64,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let b = handle_mut(builder, "builder")?;
        b.read_timeout = Some(ms_arg(read_timeout_ms, "read_timeout_ms", 1)?);
        Ok(())
    })
}

/// Sets how many attempts a request gets for retryable failures (1 to 100; 1 disables
/// retries; default 4). POSTs that create something are never retried once sent (they fail
/// with `APST_AMBIGUOUS` instead).
///
/// Ownership: borrows `builder`. Thread-safety: a builder must not be used from two threads
/// at once.
#[no_mangle]
pub unsafe extern "C" fn apst_client_builder_set_max_attempts(
    builder: *mut apst_client_builder,
    max_attempts: u32,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let b = handle_mut(builder, "builder")?;
        if !(1..=100).contains(&max_attempts) {
            return Err(FfiError::invalid(format!(
                "parameter `max_attempts` must be 1 to 100, got {max_attempts}"
            )));
        }
        b.max_attempts = Some(max_attempts);
        Ok(())
    })
}

/// Sets the exponential backoff between retries: `base_ms` (default 200) and `cap_ms`
/// (default 20000), with full jitter. Both must be 1 to 31536000000 (one year) and
/// `base_ms <= cap_ms`.
///
/// Ownership: borrows `builder`. Thread-safety: a builder must not be used from two threads
/// at once.
#[no_mangle]
pub unsafe extern "C" fn apst_client_builder_set_backoff_ms(
    builder: *mut apst_client_builder,
    base_ms: u64,
    cap_ms: u64,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let b = handle_mut(builder, "builder")?;
        let base = ms_arg(base_ms, "base_ms", 1)?;
        let cap = ms_arg(cap_ms, "cap_ms", 1)?;
        if base > cap {
            return Err(FfiError::invalid(
                "parameter `base_ms` must not exceed `cap_ms`",
            ));
        }
        b.backoff = Some((base, cap));
        Ok(())
    })
}

/// Sets the overall deadline of one operation including its retries, in milliseconds
/// (1 to 31536000000, one year).
///
/// Ownership: borrows `builder` and the arguments (strings are copied).
/// Thread-safety: a builder must not be used from two threads at once.
#[no_mangle]
pub unsafe extern "C" fn apst_client_builder_set_retry_deadline_ms(
    builder: *mut apst_client_builder,
    retry_deadline_ms: u64,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let b = handle_mut(builder, "builder")?;
        b.retry_deadline = Some(ms_arg(retry_deadline_ms, "retry_deadline_ms", 1)?);
        Ok(())
    })
}

/// Sets the longest `Retry-After` the client waits out by itself on HTTP 429, in
/// milliseconds (0 to 31536000000, one year); a longer one fails with `APST_RATE_LIMITED`.
/// 0 never waits.
///
/// Ownership: borrows `builder` and the arguments (strings are copied).
/// Thread-safety: a builder must not be used from two threads at once.
#[no_mangle]
pub unsafe extern "C" fn apst_client_builder_set_max_rate_limit_wait_ms(
    builder: *mut apst_client_builder,
    max_rate_limit_wait_ms: u64,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let b = handle_mut(builder, "builder")?;
        b.max_rate_limit_wait = Some(ms_arg(max_rate_limit_wait_ms, "max_rate_limit_wait_ms", 0)?);
        Ok(())
    })
}

/// Sets the `User-Agent` header (e.g. `"MyPlugin/2.1 approvalstudio-c/0.1.0"`); it replaces
/// the default `approvalstudio-rust/VERSION`.
///
/// Ownership: borrows `builder` and the arguments (strings are copied).
/// Thread-safety: a builder must not be used from two threads at once.
#[no_mangle]
pub unsafe extern "C" fn apst_client_builder_set_user_agent(
    builder: *mut apst_client_builder,
    user_agent: *const c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let b = handle_mut(builder, "builder")?;
        b.user_agent = Some(str_arg(user_agent, "user_agent")?.to_owned());
        Ok(())
    })
}

/// A duration argument in milliseconds: `min` to one year (the core's
/// `validate::MAX_DURATION`, which `ClientBuilder::build` enforces too), checked when it is
/// given so the error names the C parameter.
pub(crate) fn ms_arg(ms: u64, name: &str, min: u64) -> Result<Duration, FfiError> {
    let max = u64::try_from(apst_core::validate::MAX_DURATION.as_millis()).unwrap_or(u64::MAX);
    if ms < min || ms > max {
        return Err(FfiError::invalid(format!(
            "parameter `{name}` must be {min} to {max} ms (one year), got {ms}"
        )));
    }
    Ok(Duration::from_millis(ms))
}

/// Sets the credentials used to log in (`POST token/login`) and to log in again when the
/// token expires. Both are copied; the library never logs the password.
///
/// Ownership: borrows all arguments. Thread-safety: a builder must not be used from two
/// threads at once.
#[no_mangle]
pub unsafe extern "C" fn apst_client_builder_set_credentials(
    builder: *mut apst_client_builder,
    username: *const c_char,
    password: *const c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let b = handle_mut(builder, "builder")?;
        let u = str_arg(username, "username")?.to_owned();
        let p = str_arg(password, "password")?.to_owned();
        b.username = Some(u);
        b.password = Some(p);
        Ok(())
    })
}

/// Builds the client. Consumes `builder` in every case (success or failure): do not use or
/// free it afterwards. Nothing is sent yet; the first call logs in (or call
/// `apst_client_login`). Invalid settings give `APST_INVALID_INPUT`.
///
/// Ownership: on success `*out_client` receives a client owned by the caller (release with
/// `apst_client_free`); on failure it is set to NULL. Thread-safety: the builder must not be
/// used concurrently; the resulting client is thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_client_builder_build(
    builder: *mut apst_client_builder,
    out_client: *mut *mut apst_client,
    err: *mut *mut apst_error,
) -> apst_result {
    // Take ownership first so the builder is consumed even when the call is rejected.
    let owned = if builder.is_null() {
        None
    } else {
        Some(Box::from_raw(builder))
    };
    boundary!(err, {
        let out = out_arg(out_client, "out_client")?;
        let b = owned.ok_or_else(|| FfiError::null("builder"))?;
        let client = build(*b)?;
        *out = Box::into_raw(Box::new(apst_client::new(client)));
        Ok(())
    })
}

fn build(b: apst_client_builder) -> Result<apst_core::blocking::Client, FfiError> {
    let mut cb = apst_core::Client::builder();
    if let Some(u) = b.base_url {
        cb = cb.base_url(u);
    }
    if let (Some(u), Some(p)) = (b.username, b.password) {
        cb = cb.credentials(u, p);
    }
    if let Some(t) = b.token {
        cb = cb.token(t);
    }
    if let Some(m) = b.keep_alive_minutes.filter(|m| *m > 0) {
        cb = cb.keep_alive(Duration::from_secs(u64::from(m) * 60));
    }
    if let Some(d) = b.connect_timeout {
        cb = cb.connect_timeout(d);
    }
    if let Some(d) = b.read_timeout {
        cb = cb.read_timeout(d);
    }
    if let Some(n) = b.max_attempts {
        cb = cb.max_attempts(n);
    }
    if let Some((base, cap)) = b.backoff {
        cb = cb.backoff_base(base).backoff_cap(cap);
    }
    if let Some(d) = b.retry_deadline {
        cb = cb.retry_deadline(d);
    }
    if let Some(d) = b.max_rate_limit_wait {
        cb = cb.max_rate_limit_wait(d);
    }
    if let Some(ua) = b.user_agent {
        cb = cb.user_agent(ua);
    }
    Ok(apst_core::blocking::Client::new(cb)?)
}

/// Releases a client. `client` may be NULL. Calls still running on other threads with this
/// client must have returned first.
///
/// Ownership: takes ownership of `client`. Thread-safety: not concurrently with other uses of
/// the same client. Allowed after `apst_shutdown`.
#[no_mangle]
pub unsafe extern "C" fn apst_client_free(client: *mut apst_client) {
    if client.is_null() {
        return;
    }
    let _ = boundary_always!(std::ptr::null_mut(), {
        drop(Box::from_raw(client));
        Ok(())
    });
}

/// Logs in now with the builder's credentials (`POST token/login`) instead of lazily at the
/// first call. Wrong credentials give `APST_UNAUTHORIZED`; a plan without API access
/// `APST_FORBIDDEN`.
///
/// Ownership: borrows `client`. Thread-safety: thread-safe; concurrent logins are merged.
#[no_mangle]
pub unsafe extern "C" fn apst_client_login(
    client: *const apst_client,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        c.api().login()?;
        Ok(())
    })
}

/// Checks that the current token is valid (`GET token/validate`): `*out_valid` receives
/// true or false. A token the server rejects is not an error here.
///
/// Ownership: borrows `client`; writes `*out_valid`. Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_client_validate_token(
    client: *const apst_client,
    out_valid: *mut bool,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let out = crate::args::out_val(out_valid, "out_valid")?;
        *out = match c.api().validate() {
            Ok(()) => true,
            Err(e) if e.kind() == apst_core::ErrorKind::Unauthorized => false,
            Err(e) => return Err(e.into()),
        };
        Ok(())
    })
}
