//! Python bindings of libapprovalstudio: the native module `approvalstudio._native`.
//!
//! The binding only converts types, maps errors to exceptions, releases the GIL during calls
//! and services signals, fork and callbacks; all behaviour lives in the `approvalstudio` core.
//! The public, typed Python API is in `python/approvalstudio/` and calls `NativeClient.call`.

use pyo3::prelude::*;

mod args;
mod calls;
mod client;
mod convert;
mod emulator;
mod errors;
mod logbridge;
mod webhooks;

/// Native part of the `approvalstudio` package (use the package, not this module).
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    logbridge::install();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<client::NativeClient>()?;
    m.add_class::<emulator::EmulatorServer>()?;
    m.add_function(wrap_pyfunction!(logbridge::py_flush_logs, m)?)?;
    m.add_function(wrap_pyfunction!(webhooks::parse_event, m)?)?;
    m.add_function(wrap_pyfunction!(webhooks::verify_secret, m)?)?;
    m.add_class::<webhooks::Deduplicator>()?;
    Ok(())
}
