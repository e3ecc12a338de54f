//! Reading the argument dict the Python layer passes to `NativeClient.call` (the Python layer
//! already checked types and encodings; these checks guard direct use of `_native` and raise
//! the same exceptions: `ArgumentTypeError` for a wrong type, `InvalidInputError` for a bad
//! value, each naming the argument).

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

use crate::convert::type_name;
use crate::errors;

/// The arguments of one call, by name.
pub struct Args<'a, 'py> {
    pub d: &'a Bound<'py, PyDict>,
}

/// A Python `str` as a Rust `String`: `ArgumentTypeError` when `v` is not a str,
/// `InvalidInputError` when it holds a lone surrogate (not encodable as UTF-8).
pub fn py_string(name: &str, v: &Bound<'_, PyAny>) -> PyResult<String> {
    let py = v.py();
    let s = v
        .cast::<PyString>()
        .map_err(|_| errors::bad_type(py, name, &format!("must be str, not {}", type_name(v))))?;
    match s.to_cow() {
        Ok(s) => Ok(s.into_owned()),
        Err(_) => Err(errors::bad_value(
            py,
            name,
            "is not encodable as UTF-8 (it holds a lone surrogate); pass text, not bytes \
             decoded with errors='surrogateescape'",
        )),
    }
}

impl<'a, 'py> Args<'a, 'py> {
    fn get(&self, k: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        Ok(self.d.get_item(k)?.filter(|v| !v.is_none()))
    }

    fn type_err(&self, k: &str, what: &str, v: Option<&Bound<'py, PyAny>>) -> PyErr {
        let got = v.map(type_name).unwrap_or_else(|| "None".into());
        errors::bad_type(self.d.py(), k, &format!("must be {what}, not {got}"))
    }

    fn value_err(&self, k: &str, what: &str) -> PyErr {
        errors::bad_value(self.d.py(), k, what)
    }

    pub fn str(&self, k: &str) -> PyResult<String> {
        self.opt_str(k)?
            .ok_or_else(|| self.type_err(k, "str", None))
    }

    pub fn opt_str(&self, k: &str) -> PyResult<Option<String>> {
        match self.get(k)? {
            None => Ok(None),
            Some(v) => py_string(k, &v).map(Some),
        }
    }

    pub fn strs(&self, k: &str) -> PyResult<Vec<String>> {
        Ok(self.opt_strs(k)?.unwrap_or_default())
    }

    pub fn opt_strs(&self, k: &str) -> PyResult<Option<Vec<String>>> {
        let Some(v) = self.get(k)? else {
            return Ok(None);
        };
        let items: Vec<Bound<'py, PyAny>> = match v.cast::<pyo3::types::PyList>() {
            Ok(l) => l.iter().collect(),
            Err(_) => match v.cast::<pyo3::types::PyTuple>() {
                Ok(t) => t.iter().collect(),
                Err(_) => return Err(self.type_err(k, "a list of str", Some(&v))),
            },
        };
        items
            .iter()
            .enumerate()
            .map(|(i, x)| py_string(&format!("{k}[{i}]"), x))
            .collect::<PyResult<Vec<_>>>()
            .map(Some)
    }

    pub fn opt_bool(&self, k: &str) -> PyResult<Option<bool>> {
        match self.get(k)? {
            None => Ok(None),
            Some(v) => v
                .extract::<bool>()
                .map(Some)
                .map_err(|_| self.type_err(k, "bool", Some(&v))),
        }
    }

    pub fn bool_or(&self, k: &str, default: bool) -> PyResult<bool> {
        Ok(self.opt_bool(k)?.unwrap_or(default))
    }

    /// An int in `lo..=hi` (not a bool).
    pub fn opt_int(&self, k: &str, lo: u64, hi: u64) -> PyResult<Option<u64>> {
        let Some(v) = self.get(k)? else {
            return Ok(None);
        };
        int_in(k, &v, lo, hi).map(Some)
    }

    /// A finite number (not a bool).
    pub fn opt_f64(&self, k: &str) -> PyResult<Option<f64>> {
        let Some(v) = self.get(k)? else {
            return Ok(None);
        };
        if v.cast::<pyo3::types::PyBool>().is_ok() || v.cast::<PyString>().is_ok() {
            return Err(self.type_err(k, "a number", Some(&v)));
        }
        let f = v
            .extract::<f64>()
            .map_err(|_| self.type_err(k, "a number", Some(&v)))?;
        if !f.is_finite() {
            return Err(self.value_err(k, &format!("must be a finite number (got {f})")));
        }
        Ok(Some(f))
    }

    /// An RFC 3339 date string (the Python layer converts datetime/date objects).
    pub fn opt_date(&self, k: &str) -> PyResult<Option<DateTime<Utc>>> {
        match self.opt_str(k)? {
            None => Ok(None),
            Some(s) => DateTime::parse_from_rfc3339(&s)
                .map(|d| Some(d.with_timezone(&Utc)))
                .map_err(|e| self.value_err(k, &format!("must be an RFC 3339 date ({e})"))),
        }
    }

    /// A path given as bytes (`os.fsencode`) or str.
    pub fn path(&self, k: &str) -> PyResult<PathBuf> {
        let v = self
            .get(k)?
            .ok_or_else(|| self.type_err(k, "a path", None))?;
        to_path(k, &v)
    }

    pub fn paths(&self, k: &str) -> PyResult<Vec<PathBuf>> {
        let v = self
            .get(k)?
            .ok_or_else(|| self.type_err(k, "a list of paths", None))?;
        let l = v
            .cast::<pyo3::types::PyList>()
            .map_err(|_| self.type_err(k, "a list of paths", Some(&v)))?;
        l.iter()
            .enumerate()
            .map(|(i, x)| to_path(&format!("{k}[{i}]"), &x))
            .collect()
    }

    pub fn dict(&self, k: &str) -> PyResult<Option<Bound<'py, PyDict>>> {
        match self.get(k)? {
            None => Ok(None),
            Some(v) => v
                .cast_into::<PyDict>()
                .map(Some)
                .map_err(|e| self.type_err(k, "a dict", Some(e.into_inner().as_any()))),
        }
    }
}

/// An int in `lo..=hi` (not a bool), named `k` in errors.
pub fn int_in(k: &str, v: &Bound<'_, PyAny>, lo: u64, hi: u64) -> PyResult<u64> {
    let py = v.py();
    if v.cast::<pyo3::types::PyBool>().is_ok() || v.cast::<pyo3::types::PyInt>().is_err() {
        return Err(errors::bad_type(
            py,
            k,
            &format!("must be int, not {}", type_name(v)),
        ));
    }
    match v.extract::<i128>() {
        Ok(n) if n >= i128::from(lo) && n <= i128::from(hi) => Ok(n as u64),
        _ => Err(errors::bad_value(
            py,
            k,
            &format!("must be an int from {lo} to {hi}"),
        )),
    }
}

/// A UID, checked by the core's own rule (`approvalstudio::validate::uid`), for checks the
/// binding must make before the core sees the value (a composite call, a batch).
pub fn uid(py: Python<'_>, k: &str, v: &str) -> PyResult<()> {
    approvalstudio::validate::uid(k, v).map_err(|e| errors::to_pyerr(py, &e, None))
}

/// A finite number of seconds from 0 to one year, as checked by the core.
pub fn seconds(py: Python<'_>, k: &str, t: f64) -> PyResult<std::time::Duration> {
    approvalstudio::validate::seconds(k, t).map_err(|e| errors::to_pyerr(py, &e, None))
}

fn to_path(k: &str, v: &Bound<'_, PyAny>) -> PyResult<PathBuf> {
    let py = v.py();
    let p = if let Ok(b) = v.cast::<PyBytes>() {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            PathBuf::from(std::ffi::OsStr::from_bytes(b.as_bytes()))
        }
        #[cfg(not(unix))]
        {
            PathBuf::from(
                std::str::from_utf8(b.as_bytes())
                    .map_err(|_| errors::bad_value(py, k, "is not valid UTF-8"))?,
            )
        }
    } else if v.cast::<PyString>().is_ok() {
        PathBuf::from(py_string(k, v)?)
    } else {
        return Err(errors::bad_type(
            py,
            k,
            &format!("must be a path (str or bytes), not {}", type_name(v)),
        ));
    };
    if p.as_os_str().is_empty() {
        return Err(errors::bad_value(py, k, "must not be empty"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        if p.as_os_str().as_bytes().contains(&0) {
            return Err(errors::bad_value(py, k, "must not contain a NUL character"));
        }
    }
    Ok(p)
}
