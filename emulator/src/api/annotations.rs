//! Annotations and comments: list, create, delete, hide, complete, uncomplete.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{json, Value};

use super::{emit_with_project, DELETE_OK, GET_OK, POST_OK};
use crate::api::assets::{check_mutable, ASSET_NOT_FOUND};
use crate::app::App;
use crate::http::{json_input, ok, ok_empty, query_uid, ApiError, ApiResult, Fields};
use crate::state::{new_uid, Annotation, Data};

/// 404 message for an unknown annotation.
pub const ANNOTATION_NOT_FOUND: &str = "Annotation not found.";

/// `GET annotation/all` `?AssetUID` → `[Annotation]`.
pub async fn all(State(app): State<App>, headers: HeaderMap, RawQuery(q): RawQuery) -> ApiResult {
    app.auth(&headers)?;
    let uid = query_uid(&q, "AssetUID")?;
    let data = app.data.lock();
    let a = data
        .asset(&uid)
        .ok_or_else(|| ApiError::not_found(ASSET_NOT_FOUND))?;
    let list: Vec<Value> = data
        .annotations
        .iter()
        .filter(|x| x.asset_uid == a.uid)
        .map(|x| data.annotation_json(x))
        .collect();
    ok(GET_OK, Value::Array(list))
}

fn valid_region(v: &Value) -> bool {
    let Some(m) = v.as_object() else { return false };
    ["x", "y", "width", "height"].iter().all(|k| {
        m.iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(k))
            .and_then(|(_, v)| v.as_f64())
            .is_some_and(|n| n.is_finite() && n >= 0.0)
    })
}

fn normalise_region(v: &Value) -> Value {
    let get = |k: &str| {
        v.as_object()
            .and_then(|m| m.iter().find(|(key, _)| key.eq_ignore_ascii_case(k)))
            .map(|(_, v)| v.clone())
            .unwrap_or(Value::Null)
    };
    json!({"x": get("x"), "y": get("y"), "width": get("width"), "height": get("height")})
}

fn project_of(data: &Data, asset_uid: &str) -> String {
    data.asset(asset_uid)
        .map(|a| a.project_uid.clone())
        .unwrap_or_default()
}

/// `POST annotation` `{assetUID, text, page?, region?, parentUID?}` → `Annotation`.
pub async fn create(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    let user = app.auth(&headers)?;
    let input = json_input(body).await?;
    let mut f = Fields::new(&input);
    let asset_uid = f.req_str("assetUID");
    let text = f.req_str("text");
    f.max_len("text", Some(&text), 4000);
    // An int32 in the service's model (the spec's `format: int32`); whether the page exists
    // is checked against the asset below (412), like any other check against stored data.
    let page = f.opt_i64("page");
    if page.is_some_and(|p| !(0..=i64::from(i32::MAX)).contains(&p)) {
        f.error(
            "page",
            format!("'page' must be between 0 and {}.", i32::MAX),
        );
    }
    let region = f.raw("region").cloned();
    if let Some(r) = &region {
        if !valid_region(r) {
            f.error(
                "region",
                "'region' must be an object with numeric x, y, width and height, none negative.",
            );
        }
    }
    let parent = f.opt_str("parentUID").filter(|p| !p.trim().is_empty());
    f.finish()?;
    let mut data = app.data.lock();
    let asset = data
        .asset(&asset_uid)
        .cloned()
        .ok_or_else(|| ApiError::not_found(ASSET_NOT_FOUND))?;
    check_mutable(&data, &asset.project_uid)?;
    let mut page = u32::try_from(page.unwrap_or(0)).unwrap_or(u32::MAX);
    let parent_uid = match parent {
        Some(p) => {
            let pa = data
                .annotation(&p)
                .filter(|x| x.asset_uid == asset.uid)
                .ok_or_else(|| ApiError::not_found(ANNOTATION_NOT_FOUND))?;
            page = pa.page;
            Some(pa.uid.clone())
        }
        None => None,
    };
    if asset.pages > 0 && page >= asset.pages {
        return Err(ApiError::precondition(format!(
            "Page {page} is beyond the asset's last page (the asset has {} pages, numbered from 0).",
            asset.pages
        )));
    }
    let a = Annotation {
        uid: new_uid(),
        asset_uid: asset.uid.clone(),
        parent_uid,
        page,
        text: text.clone(),
        region: region.as_ref().map(normalise_region),
        author_uid: user.uid.clone(),
        created: app.now(),
        completed: false,
        hidden: false,
    };
    let aj = data.annotation_json(&a);
    let uid = a.uid.clone();
    data.annotations.push(a);
    emit_with_project(
        &app,
        &data,
        "annotation.added",
        &asset.project_uid,
        json!({"AnnotationUID": uid, "AssetUID": asset.uid, "Text": text}),
    );
    ok(POST_OK, aj)
}

/// `DELETE annotation` `?AnnotationUID` (412 unless the caller wrote it; comments go too).
pub async fn delete(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let user = app.auth(&headers)?;
    let uid = query_uid(&q, "AnnotationUID")?;
    let mut data = app.data.lock();
    let a = data
        .annotation(&uid)
        .cloned()
        .ok_or_else(|| ApiError::not_found(ANNOTATION_NOT_FOUND))?;
    check_mutable(&data, &project_of(&data, &a.asset_uid))?;
    if a.author_uid != user.uid {
        // HTTP 412 whose body says 404, as the documentation's sample shows (reproduced like
        // the 406-with-412 of `PUT project/state`).
        return Err(ApiError::Envelope(
            StatusCode::PRECONDITION_FAILED,
            404,
            "You can delete only your annotation.".into(),
        ));
    }
    data.annotations
        .retain(|x| x.uid != a.uid && x.parent_uid.as_deref() != Some(a.uid.as_str()));
    let project = project_of(&data, &a.asset_uid);
    emit_with_project(
        &app,
        &data,
        "annotation.deleted",
        &project,
        json!({"AnnotationUID": a.uid, "AssetUID": a.asset_uid}),
    );
    ok_empty(DELETE_OK)
}

enum Edit {
    Hide,
    Complete,
    Uncomplete,
}

async fn edit(app: App, headers: HeaderMap, body: Body, what: Edit) -> ApiResult {
    let user = app.auth(&headers)?;
    let input = json_input(body).await?;
    let mut f = Fields::new(&input);
    let uid = f.req_str("annotationUID");
    f.finish()?;
    let mut data = app.data.lock();
    if let Some(a) = data.annotation(&uid) {
        let project = project_of(&data, &a.asset_uid);
        check_mutable(&data, &project)?;
    }
    let Some(a) = data
        .annotations
        .iter_mut()
        .find(|x| x.uid.eq_ignore_ascii_case(&uid))
    else {
        return Err(ApiError::not_found(ANNOTATION_NOT_FOUND));
    };
    let (attr, value, msg) = match what {
        Edit::Hide => {
            if a.author_uid != user.uid {
                return Err(ApiError::not_acceptable(
                    "You can hide only your annotation.",
                ));
            }
            a.hidden = true;
            ("IsHidden", true, "Annotation was hidden.")
        }
        Edit::Complete => {
            if a.completed {
                return Err(ApiError::not_acceptable("Annotation is already completed."));
            }
            a.completed = true;
            ("IsCompleted", true, "Annotation was completed.")
        }
        Edit::Uncomplete => {
            if !a.completed {
                return Err(ApiError::not_acceptable(
                    "Annotation is already uncompleted.",
                ));
            }
            a.completed = false;
            ("IsCompleted", false, "Annotation was uncompleted.")
        }
    };
    let a = a.clone();
    let project = project_of(&data, &a.asset_uid);
    emit_with_project(
        &app,
        &data,
        "annotation.edited",
        &project,
        json!({"AnnotationUID": a.uid, "AssetUID": a.asset_uid, "Attribute": attr, "Value": value}),
    );
    ok(msg, data.annotation_json(&a))
}

/// `PUT annotation/hide` `{annotationUID}` (406 unless the caller wrote it).
pub async fn hide(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    edit(app, headers, body, Edit::Hide).await
}

/// `PUT annotation/complete` `{annotationUID}` (406 when already completed).
pub async fn complete(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    edit(app, headers, body, Edit::Complete).await
}

/// `PUT annotation/uncomplete` `{annotationUID}` (406 when not completed).
pub async fn uncomplete(State(app): State<App>, headers: HeaderMap, body: Body) -> ApiResult {
    edit(app, headers, body, Edit::Uncomplete).await
}
