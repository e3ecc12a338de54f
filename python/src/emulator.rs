//! `_native.EmulatorServer`: the Rust emulator started in-process (see `approvalstudio.testing`).

use approvalstudio_emulator::{Emulator, EmulatorConfig, UserSpec};
use parking_lot::Mutex;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// An emulator server running on its own thread inside this process (127.0.0.1, free port).
/// Use `approvalstudio.testing.Emulator`, which adds the control API.
#[pyclass(module = "approvalstudio._native", frozen)]
pub struct EmulatorServer {
    inner: Mutex<Option<Emulator>>,
    url: String,
    username: String,
    password: String,
    pid: u32,
}

#[pymethods]
impl EmulatorServer {
    #[new]
    #[pyo3(signature = (users=None))]
    fn new(py: Python<'_>, users: Option<Vec<(String, String, bool)>>) -> PyResult<Self> {
        let mut cfg = EmulatorConfig::default();
        if let Some(users) = users {
            if users.is_empty() {
                return Err(pyo3::exceptions::PyValueError::new_err(
                    "users must not be empty",
                ));
            }
            cfg = cfg.users(
                users
                    .into_iter()
                    .map(|(e, p, lite)| UserSpec::new(e, p).lite(lite))
                    .collect(),
            );
        }
        let emu = py
            .detach(move || Emulator::start_blocking(cfg))
            .map_err(|e| PyRuntimeError::new_err(format!("could not start the emulator: {e:#}")))?;
        Ok(EmulatorServer {
            url: emu.url(),
            username: emu.username(),
            password: emu.password(),
            inner: Mutex::new(Some(emu)),
            pid: std::process::id(),
        })
    }

    /// Base URL, `http://127.0.0.1:PORT`.
    #[getter]
    fn url(&self) -> String {
        self.url.clone()
    }

    /// The first seeded user's login.
    #[getter]
    fn username(&self) -> String {
        self.username.clone()
    }

    /// The first seeded user's password.
    #[getter]
    fn password(&self) -> String {
        self.password.clone()
    }

    /// True until `close()`.
    #[getter]
    fn running(&self) -> bool {
        self.inner.lock().is_some()
    }

    /// Stops the server (idempotent). In a forked child the parent's server is left alone.
    fn close(&self, py: Python<'_>) {
        let emu = self.inner.lock().take();
        if let Some(emu) = emu {
            if std::process::id() == self.pid {
                py.detach(move || drop(emu));
            } else {
                // The server's thread only exists in the parent: never join it here.
                std::mem::forget(emu);
            }
        }
    }

    fn __repr__(&self) -> String {
        format!("EmulatorServer(url={:?})", self.url)
    }
}

impl Drop for EmulatorServer {
    fn drop(&mut self) {
        if let Some(emu) = self.inner.get_mut().take() {
            if std::process::id() == self.pid {
                drop(emu);
            } else {
                std::mem::forget(emu);
            }
        }
    }
}
