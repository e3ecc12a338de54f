//! C ABI of the Approval Studio client: `libapprovalstudio.so` / `libapprovalstudio.a`.
//!
//! Conventions (see `include/approvalstudio.h`):
//! - every fallible function returns an `apst_result` and takes `apst_error **err` last (may be
//!   NULL); on failure `*err` receives a new error to release with `apst_error_free`;
//! - records cross as JSON in the API's own field names; returned `char *` are owned by the
//!   caller and released with `apst_string_free`;
//! - every export body runs inside a `catch_unwind` boundary: a panic becomes `APST_PANIC`;
//! - callbacks run on the calling thread (progress) or any thread (log);
//! - a call through a client handle made by `apst_client_with_cancel_token` is cancelled
//!   from any thread by `apst_cancel_token_cancel` (the core's interrupt hook);
//! - one `apst_client` may be used from many threads at once.
//!
//! All behaviour (validation, retries, throttling, atomic downloads, review links) lives in
//! the core crate; this crate only converts types, checks pointers/UTF-8/JSON, maps errors and
//! guards panics.
#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

mod args;
mod boundary;
mod cancel;
mod client;
mod convert;
mod error;
mod log;
mod progress;
mod resources;

use std::ffi::c_char;

pub use args::apst_string_free;
pub use cancel::*;
pub use client::*;
pub use error::*;
pub use log::*;
pub use progress::*;
pub use resources::*;

/// Major version of the library (semantic versioning).
pub const APST_VERSION_MAJOR: u32 = 0;
/// Minor version of the library.
pub const APST_VERSION_MINOR: u32 = 1;
/// Patch version of the library.
pub const APST_VERSION_PATCH: u32 = 0;
/// Version of the binary interface; it is the soname's number (`libapprovalstudio.so.0`) and
/// changes only when existing functions change incompatibly.
pub const APST_ABI_VERSION: u32 = 0;

const fn parse_u32(s: &str) -> u32 {
    let b = s.as_bytes();
    let mut i = 0;
    let mut n = 0u32;
    while i < b.len() {
        n = n * 10 + (b[i] - b'0') as u32;
        i += 1;
    }
    n
}
const _: () = assert!(parse_u32(env!("CARGO_PKG_VERSION_MAJOR")) == APST_VERSION_MAJOR);
const _: () = assert!(parse_u32(env!("CARGO_PKG_VERSION_MINOR")) == APST_VERSION_MINOR);
const _: () = assert!(parse_u32(env!("CARGO_PKG_VERSION_PATCH")) == APST_VERSION_PATCH);

/// The library's version as `"MAJOR.MINOR.PATCH"`. Compare with the `APST_VERSION_*` macros
/// to detect a header/library mismatch.
///
/// Ownership: static string; never free it. Thread-safety: any thread, also after
/// `apst_shutdown`.
#[no_mangle]
pub extern "C" fn apst_version() -> *const c_char {
    static V: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    V.as_ptr().cast()
}

/// Shuts the library down before a host unloads it (or before exit, so memory checkers see
/// no live threads): removes the log callback, stops and joins the background runtime's
/// threads. Afterwards every function except the `*_free` functions, the error accessors,
/// `apst_version` and `apst_result_str` fails with `APST_SHUT_DOWN`; there is no restart.
/// Calling it again does nothing.
///
/// Ownership: handles still alive stay owned by the caller and may (and should) be freed
/// afterwards. Thread-safety: any thread, once no other thread is inside a library call.
#[no_mangle]
pub extern "C" fn apst_shutdown() {
    let _ = std::panic::catch_unwind(|| {
        if boundary::mark_shut_down() {
            log::clear();
            client::shutdown_runtime();
        }
    });
}
