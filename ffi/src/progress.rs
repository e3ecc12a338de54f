//! Progress callbacks for uploads and downloads, run on the calling thread through the
//! core's blocking call hooks.

use std::ffi::{c_int, c_void};

use apst_core::blocking::{CallHooks, Flow, Hooked};

use crate::client::apst_client;
use apst_core::Progress;

/// Progress of a transfer, passed to an `apst_progress_callback`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct apst_progress {
    /// Bytes transferred so far.
    pub bytes_done: u64,
    /// Total bytes; meaningful only when `total_known` is true.
    pub bytes_total: u64,
    /// Whether `bytes_total` is known.
    pub total_known: bool,
}

/// Receives transfer progress, on the thread that called the transfer function, at most
/// about every 100 ms, and once more at 100 % just before the transfer commits (before the
/// last bytes of an upload are sent, before a download is moved into place). `p` is valid
/// only during the call. Return 0 to go on, non-zero to cancel the transfer (the function then
/// returns `APST_CANCELLED`), the final call included: a cancelled upload created nothing, a
/// cancelled download leaves no file (an existing target is untouched). For
/// `apst_asset_upload_many` the final call comes when every file is done and cannot cancel.
/// To cancel while no bytes move (a stalled server), use `apst_client_with_cancel_token`. Calling a blocking library
/// function from inside the callback returns `APST_INVALID_INPUT` at once (no deadlock).
/// A C++ callback must not let exceptions escape.
pub type apst_progress_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, p: *const apst_progress) -> c_int>;

/// Runs `f` with the client's API carrying its hooks (cancel token) and a progress hook
/// that forwards progress to the C callback (if any).
pub(crate) fn with_progress<T>(
    client: &apst_client,
    cb: apst_progress_callback,
    userdata: *mut c_void,
    f: impl FnOnce(Hooked<'_>) -> T,
) -> T {
    match cb {
        None => f(client.api()),
        Some(cb) => {
            let hook = move |p: Progress| {
                let cp = apst_progress {
                    bytes_done: p.bytes,
                    bytes_total: p.total.unwrap_or(0),
                    total_known: p.total.is_some(),
                };
                // SAFETY: the caller's contract: `cb` may be called with `userdata` on this
                // thread during the call.
                if unsafe { cb(userdata, &cp) } != 0 {
                    Flow::Cancel
                } else {
                    Flow::Continue
                }
            };
            f(client.api_with(CallHooks::new().progress(&hook)))
        }
    }
}
