//! Reading the argument dict the Python layer passes to `NativeClient.call` (the Python layer
//! already checked types; these checks only guard direct use of `_native`).

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

pub struct Args<'a, 'py> {
    pub op: &'a str,
    pub d: &'a Bound<'py, PyDict>,
}

impl<'a, 'py> Args<'a, 'py> {
    fn get(&self, k: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        Ok(self.d.get_item(k)?.filter(|v| !v.is_none()))
    }

    fn err(&self, k: &str, what: &str) -> PyErr {
        PyTypeError::new_err(format!("{}(): {k} must be {what}", self.op))
    }

    pub fn str(&self, k: &str) -> PyResult<String> {
        self.opt_str(k)?.ok_or_else(|| self.err(k, "str, not None"))
    }

    pub fn opt_str(&self, k: &str) -> PyResult<Option<String>> {
        match self.get(k)? {
            None => Ok(None),
            Some(v) => v
                .extract::<String>()
                .map(Some)
                .map_err(|_| self.err(k, "str")),
        }
    }

    pub fn strs(&self, k: &str) -> PyResult<Vec<String>> {
        Ok(self.opt_strs(k)?.unwrap_or_default())
    }

    pub fn opt_strs(&self, k: &str) -> PyResult<Option<Vec<String>>> {
        match self.get(k)? {
            None => Ok(None),
            Some(v) => v
                .extract::<Vec<String>>()
                .map(Some)
                .map_err(|_| self.err(k, "a list of str")),
        }
    }

    pub fn opt_bool(&self, k: &str) -> PyResult<Option<bool>> {
        match self.get(k)? {
            None => Ok(None),
            Some(v) => v
                .extract::<bool>()
                .map(Some)
                .map_err(|_| self.err(k, "bool")),
        }
    }

    pub fn bool_or(&self, k: &str, default: bool) -> PyResult<bool> {
        Ok(self.opt_bool(k)?.unwrap_or(default))
    }

    pub fn opt_u32(&self, k: &str) -> PyResult<Option<u32>> {
        match self.get(k)? {
            None => Ok(None),
            Some(v) => v
                .extract::<u32>()
                .map(Some)
                .map_err(|_| self.err(k, "a non-negative int")),
        }
    }

    pub fn opt_f64(&self, k: &str) -> PyResult<Option<f64>> {
        match self.get(k)? {
            None => Ok(None),
            Some(v) => v
                .extract::<f64>()
                .map(Some)
                .map_err(|_| self.err(k, "a number")),
        }
    }

    /// An RFC 3339 date string (the Python layer converts datetime/date objects).
    pub fn opt_date(&self, k: &str) -> PyResult<Option<DateTime<Utc>>> {
        match self.opt_str(k)? {
            None => Ok(None),
            Some(s) => DateTime::parse_from_rfc3339(&s)
                .map(|d| Some(d.with_timezone(&Utc)))
                .map_err(|e| self.err(k, &format!("an RFC 3339 date ({e})"))),
        }
    }

    /// A path given as bytes (`os.fsencode`) or str.
    pub fn path(&self, k: &str) -> PyResult<PathBuf> {
        let v = self
            .get(k)?
            .ok_or_else(|| self.err(k, "a path, not None"))?;
        to_path(&v).ok_or_else(|| self.err(k, "a path (str or bytes)"))
    }

    pub fn paths(&self, k: &str) -> PyResult<Vec<PathBuf>> {
        let v = self.get(k)?.ok_or_else(|| self.err(k, "a list of paths"))?;
        let mut out = Vec::new();
        for x in v.try_iter()? {
            let x = x?;
            out.push(to_path(&x).ok_or_else(|| self.err(k, "a list of paths"))?);
        }
        Ok(out)
    }

    pub fn dict(&self, k: &str) -> PyResult<Option<Bound<'py, PyDict>>> {
        match self.get(k)? {
            None => Ok(None),
            Some(v) => v
                .cast_into::<PyDict>()
                .map(Some)
                .map_err(|_| self.err(k, "a dict")),
        }
    }
}

fn to_path(v: &Bound<'_, PyAny>) -> Option<PathBuf> {
    if let Ok(b) = v.cast::<PyBytes>() {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            return Some(PathBuf::from(std::ffi::OsStr::from_bytes(b.as_bytes())));
        }
        #[cfg(not(unix))]
        {
            return std::str::from_utf8(b.as_bytes()).ok().map(PathBuf::from);
        }
    }
    v.extract::<String>().ok().map(PathBuf::from)
}
