//! Annotations: `apst_annotation_*`.

use std::ffi::c_char;

use apst_core::api::NewAnnotation;
use serde::Deserialize;

use crate::args::{give_json, handle, out_arg, parse_object, str_arg};
use crate::boundary::boundary;
use crate::client::apst_client;
use crate::error::{apst_error, apst_result};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionIn {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewAnnotationIn {
    #[serde(rename = "assetUID")]
    asset_uid: String,
    text: String,
    page: Option<u32>,
    region: Option<RegionIn>,
    #[serde(rename = "parentUID")]
    parent_uid: Option<String>,
}

/// Lists the annotations and comments of an asset (`GET annotation/all`): `*out_json`
/// receives a JSON array of Annotation records.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_annotation_list(
    client: *const apst_client,
    asset_uid: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(asset_uid, "asset_uid")?;
        let out = out_arg(out_json, "out_json")?;
        let list = c.api().annotations().list(uid)?;
        give_json(out, &list)
    })
}

/// Adds an annotation to an asset, or a comment to an annotation (`POST annotation`).
/// `params_json`: `{"assetUID", "text", "page"? (zero-based), "region"? {"x","y","width",
/// "height"}, "parentUID"?}`. `*out_json` receives the Annotation.
///
/// Ownership: borrows the inputs; `*out_json` is owned by the caller (`apst_string_free`).
/// Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_annotation_create(
    client: *const apst_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let params = str_arg(params_json, "params_json")?;
        let out = out_arg(out_json, "out_json")?;
        let p: NewAnnotationIn = parse_object(params, "params_json")?;
        let mut a = NewAnnotation::new(p.asset_uid, p.text);
        if let Some(page) = p.page {
            a = a.page(page);
        }
        if let Some(r) = p.region {
            a = a.region(r.x, r.y, r.width, r.height);
        }
        if let Some(parent) = p.parent_uid {
            a = a.parent_uid(parent);
        }
        let created = c.api().annotations().create(a)?;
        give_json(out, &created)
    })
}

/// Deletes an annotation (`DELETE annotation`); `APST_PRECONDITION_FAILED` unless the
/// caller wrote it.
///
/// Ownership: borrows the inputs. Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_annotation_delete(
    client: *const apst_client,
    annotation_uid: *const c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(annotation_uid, "annotation_uid")?;
        c.api().annotations().delete(uid)?;
        Ok(())
    })
}

/// Hides an annotation (`PUT annotation/hide`); `APST_NOT_ACCEPTABLE` unless the caller
/// wrote it.
///
/// Ownership: borrows the inputs. Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_annotation_hide(
    client: *const apst_client,
    annotation_uid: *const c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(annotation_uid, "annotation_uid")?;
        c.api().annotations().hide(uid)?;
        Ok(())
    })
}

/// Marks an annotation completed (`PUT annotation/complete`); `APST_NOT_ACCEPTABLE` when
/// it already is.
///
/// Ownership: borrows the inputs. Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_annotation_complete(
    client: *const apst_client,
    annotation_uid: *const c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(annotation_uid, "annotation_uid")?;
        c.api().annotations().complete(uid)?;
        Ok(())
    })
}

/// Marks an annotation not completed (`PUT annotation/uncomplete`); `APST_NOT_ACCEPTABLE`
/// when it already is.
///
/// Ownership: borrows the inputs. Thread-safety: thread-safe.
#[no_mangle]
pub unsafe extern "C" fn apst_annotation_uncomplete(
    client: *const apst_client,
    annotation_uid: *const c_char,
    err: *mut *mut apst_error,
) -> apst_result {
    boundary!(err, {
        let c = handle(client, "client")?;
        let uid = str_arg(annotation_uid, "annotation_uid")?;
        c.api().annotations().uncomplete(uid)?;
        Ok(())
    })
}
