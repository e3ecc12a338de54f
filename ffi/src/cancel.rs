//! Cancellation from another thread: `apst_cancel_token` and `apst_client_with_cancel_token`.
//!
//! A token is a shared flag. A client handle made with `apst_client_with_cancel_token` hands
//! the core an interrupt hook that reads the flag; the calling thread polls it every 50 ms
//! while it waits for the operation (also while the server stalls, while a retry backs off
//! and while a rate limit is waited out), so a set flag ends the call within about 100 ms
//! with `APST_CANCELLED`; a cancelled download leaves no file.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use apst_core::blocking::Flow;

use crate::args::{handle, out_arg};
use crate::boundary::{boundary, boundary_always};
use crate::client::apst_client;
use crate::error::{apst_error, apst_result};

/// A cancellation token (an opaque handle): a flag that any thread may set to cancel the
/// calls made through the client handles it is attached to (`apst_client_with_cancel_token`).
pub struct apst_cancel_token {
    flag: Arc<AtomicBool>,
}

/// Creates a cancellation token, not cancelled. Attach it to a client with
/// `apst_client_with_cancel_token`; cancel with `apst_cancel_token_cancel`.
///
/// Ownership: on success `*out_token` receives a token owned by the caller (release with
/// `apst_cancel_token_free`); on failure it is set to NULL. Thread-safety: any thread.
#[no_mangle]
pub unsafe extern "C" fn apst_cancel_token_new(
    out_token: *mut *mut apst_cancel_token,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let out = out_arg(out_token, "out_token")?;
        *out = Box::into_raw(Box::new(apst_cancel_token {
            flag: Arc::new(AtomicBool::new(false)),
        }));
        Ok(())
    })
}

/// Cancels: every call running through a client handle this token is attached to returns
/// `APST_CANCELLED` within about 100 ms (a download leaves no file; an upload or a create
/// whose request had already reached the server may still have been applied), and every
/// later call through such a handle fails with `APST_CANCELLED` at once, until
/// `apst_cancel_token_reset`. Cancelling twice is harmless. `token` may be NULL (nothing
/// happens).
///
/// Ownership: borrows `token`. Thread-safety: any thread, while other threads use the token
/// or its clients (that is its purpose); it is one atomic store, so it is also
/// async-signal-safe (a SIGINT handler may call it) and allowed after `apst_shutdown`.
#[no_mangle]
pub unsafe extern "C" fn apst_cancel_token_cancel(token: *const apst_cancel_token) {
    if let Some(t) = token.as_ref() {
        t.flag.store(true, Ordering::SeqCst);
    }
}

/// Whether the token is cancelled. Returns false when `token` is NULL.
///
/// Ownership: borrows `token`. Thread-safety: any thread; async-signal-safe; allowed after
/// `apst_shutdown`.
#[no_mangle]
pub unsafe extern "C" fn apst_cancel_token_is_cancelled(token: *const apst_cancel_token) -> bool {
    token
        .as_ref()
        .is_some_and(|t| t.flag.load(Ordering::SeqCst))
}

/// Re-arms a cancelled token, so that the client handles it is attached to can be used
/// again (e.g. for the next operation after a Cancel button was pressed). Calls that were
/// already cancelled stay cancelled; a call that starts after the reset runs normally.
/// `token` may be NULL (nothing happens).
///
/// Ownership: borrows `token`. Thread-safety: any thread; async-signal-safe; allowed after
/// `apst_shutdown`.
#[no_mangle]
pub unsafe extern "C" fn apst_cancel_token_reset(token: *const apst_cancel_token) {
    if let Some(t) = token.as_ref() {
        t.flag.store(false, Ordering::SeqCst);
    }
}

/// Releases a token. `token` may be NULL. Client handles it was attached to keep working
/// (they hold their own reference to the flag; it can no longer be set, so they are no longer
/// cancellable).
///
/// Ownership: takes ownership of `token`. Thread-safety: not concurrently with other uses of
/// the same token. Allowed after `apst_shutdown`.
#[no_mangle]
pub unsafe extern "C" fn apst_cancel_token_free(token: *mut apst_cancel_token) {
    if token.is_null() {
        return;
    }
    let _ = boundary_always!(std::ptr::null_mut(), {
        drop(Box::from_raw(token));
        Ok(())
    });
}

/// Makes a client handle whose calls are cancelled by `token`: it shares `client`'s
/// connection pool, token and settings (cheap; no network), and every call made through it
/// polls `token` every 50 ms, so `apst_cancel_token_cancel` from any thread (a plugin's Cancel
/// button) stops an in-flight call within about 100 ms with `APST_CANCELLED`, even while the
/// server sends nothing. Calls through `client` itself are not affected. One token may be
/// attached to many handles.
///
/// Ownership: borrows `client` and `token` (the new handle keeps its own reference to the
/// token's flag, so either may be freed first); on success `*out_client` receives a new
/// client owned by the caller (release with `apst_client_free`, independently of `client`);
/// on failure it is set to NULL. Thread-safety: thread-safe; the new handle is thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_client_with_cancel_token(
    client: *const apst_client,
    token: *const apst_cancel_token,
    out_client: *mut *mut apst_client,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let t = handle(token, "token")?;
        let out = out_arg(out_client, "out_client")?;
        let flag = t.flag.clone();
        let interrupt = move || {
            if flag.load(Ordering::SeqCst) {
                Flow::Cancel
            } else {
                Flow::Continue
            }
        };
        *out = Box::into_raw(Box::new(c.with_interrupt(Box::new(interrupt))));
        Ok(())
    })
}
