//! Annotations: `annotation/all`, `annotation`, `annotation/hide`, `annotation/complete`,
//! `annotation/uncomplete`.

use super::Body;
use crate::error::Result;
use crate::models::{decode, decode_created, Annotation, Region};
use crate::transport::{Call, Retry};
use crate::validate as v;
use crate::Client;

/// Handle for annotation operations (`client.annotations()`).
#[derive(Clone, Copy, Debug)]
pub struct Annotations<'a> {
    pub(crate) client: &'a Client,
}

/// A new annotation, or a comment on one (`parent_uid`) (`POST annotation`).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct NewAnnotation {
    /// Asset UID.
    pub asset_uid: String,
    /// Text (mandatory).
    pub text: String,
    /// Page (zero-based).
    pub page: Option<u32>,
    /// Region on the page.
    pub region: Option<Region>,
    /// Parent annotation: makes this a comment.
    pub parent_uid: Option<String>,
}

impl NewAnnotation {
    /// An annotation with `text` on `asset_uid`.
    pub fn new(asset_uid: impl Into<String>, text: impl Into<String>) -> Self {
        NewAnnotation {
            asset_uid: asset_uid.into(),
            text: text.into(),
            ..Default::default()
        }
    }
    /// Page (zero-based).
    pub fn page(mut self, p: u32) -> Self {
        self.page = Some(p);
        self
    }
    /// Region on the page.
    pub fn region(mut self, x: f64, y: f64, width: f64, height: f64) -> Self {
        self.region = Some(Region {
            x,
            y,
            width,
            height,
            raw: serde_json::Value::Null,
        });
        self
    }
    /// Makes this a comment on `parent_uid`.
    pub fn parent_uid(mut self, p: impl Into<String>) -> Self {
        self.parent_uid = Some(p.into());
        self
    }
}

impl<'a> Annotations<'a> {
    /// `GET annotation/all`: annotations and comments of an asset.
    pub async fn list(&self, asset_uid: &str) -> Result<Vec<Annotation>> {
        v::uid("assetUID", asset_uid)?;
        let v = self
            .client
            .inner
            .json(&Call::get("annotations.list", "annotation/all").q("AssetUID", asset_uid))
            .await?;
        if v.is_null() {
            return Ok(Vec::new());
        }
        decode(v, "the annotation list")
    }

    /// `POST annotation`.
    pub async fn create(&self, a: NewAnnotation) -> Result<Annotation> {
        v::uid("assetUID", &a.asset_uid)?;
        v::non_empty("text", &a.text)?;
        if let Some(p) = a.page {
            v::int32("page", u64::from(p))?;
        }
        if let Some(p) = &a.parent_uid {
            v::uid("parentUID", p)?;
        }
        let body = Body::new()
            .set("assetUID", a.asset_uid)
            .set("text", a.text)
            .opt("page", a.page)
            .opt(
                "region",
                a.region.map(|r| {
                    serde_json::json!({"x": r.x, "y": r.y, "width": r.width, "height": r.height})
                }),
            )
            .opt("parentUID", a.parent_uid)
            .build();
        let v = self
            .client
            .inner
            .json(&Call::create("annotations.create", "annotation").json(body))
            .await?;
        decode_created(v, "the annotation", "annotations.create", "annotationUID")
    }

    /// `DELETE annotation` (only the author's own; 412 otherwise).
    pub async fn delete(&self, annotation_uid: &str) -> Result<()> {
        v::uid("annotationUID", annotation_uid)?;
        self.client
            .inner
            .json(
                &Call::delete("annotations.delete", "annotation")
                    .q("AnnotationUID", annotation_uid),
            )
            .await
            .map(|_| ())
    }

    async fn put(
        &self,
        op: &'static str,
        path: &'static str,
        uid: &str,
        retry: Retry,
    ) -> Result<()> {
        v::uid("annotationUID", uid)?;
        let body = Body::new().set("annotationUID", uid).build();
        self.client
            .inner
            .json(&Call::put(op, path).retry(retry).json(body))
            .await
            .map(|_| ())
    }

    /// `PUT annotation/hide` (only the author's own; 406 otherwise).
    pub async fn hide(&self, annotation_uid: &str) -> Result<()> {
        self.put(
            "annotations.hide",
            "annotation/hide",
            annotation_uid,
            Retry::Idempotent,
        )
        .await
    }

    /// `PUT annotation/complete` (406 when already completed; a retried call that finds it
    /// completed counts as success).
    pub async fn complete(&self, annotation_uid: &str) -> Result<()> {
        self.put(
            "annotations.complete",
            "annotation/complete",
            annotation_uid,
            Retry::StateChange,
        )
        .await
    }

    /// `PUT annotation/uncomplete` (406 when not completed).
    pub async fn uncomplete(&self, annotation_uid: &str) -> Result<()> {
        self.put(
            "annotations.uncomplete",
            "annotation/uncomplete",
            annotation_uid,
            Retry::StateChange,
        )
        .await
    }
}
