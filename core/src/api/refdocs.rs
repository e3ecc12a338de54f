//! Reference documents: `refdoc/upload`, `refdoc/upload_url`, `refdoc/add_url`,
//! `GET/DELETE refdoc`.

use super::Body;
use crate::error::{Error, Result};
use crate::models::{created_uid_from, decode, RefDoc};
use crate::transfer::{self, Upload, UrlUpload};
use crate::transport::Call;
use crate::validate as v;
use crate::Client;

/// Handle for reference document operations (`client.refdocs()`).
#[derive(Clone, Copy, Debug)]
pub struct RefDocs<'a> {
    pub(crate) client: &'a Client,
}

/// A plain URL attached to a project as a reference document (`refdoc/add_url`).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct NewUrlRefDoc {
    /// Project UID.
    pub project_uid: String,
    /// The URL (http or https).
    pub url: String,
    /// Display name.
    pub name: Option<String>,
}

impl NewUrlRefDoc {
    /// Attaches `url` to `project_uid`.
    pub fn new(project_uid: impl Into<String>, url: impl Into<String>) -> Self {
        NewUrlRefDoc {
            project_uid: project_uid.into(),
            url: url.into(),
            name: None,
        }
    }
    /// Display name.
    pub fn name(mut self, n: impl Into<String>) -> Self {
        self.name = Some(n.into());
        self
    }
}

const UID: &[&str] = &["refDocUID", "refdocUID"];

impl<'a> RefDocs<'a> {
    /// `POST refdoc/upload`: uploads a file (streamed) or bytes; returns the refdoc UID.
    pub async fn upload(&self, upload: Upload) -> Result<String> {
        transfer::upload(self.client, "refdocs.upload", "refdoc/upload", upload, UID).await
    }

    /// `POST refdoc/upload_url`: the service fetches a public URL; returns the refdoc UID.
    pub async fn upload_url(&self, upload: UrlUpload) -> Result<String> {
        transfer::upload_url(
            self.client,
            "refdocs.upload_url",
            "refdoc/upload_url",
            upload,
            UID,
        )
        .await
    }

    /// `POST refdoc/add_url`: attaches a plain URL; returns the refdoc UID.
    pub async fn add_url(&self, r: NewUrlRefDoc) -> Result<String> {
        v::uid("projectUID", &r.project_uid)?;
        v::http_url("url", &r.url)?;
        if let Some(n) = &r.name {
            if n.trim().is_empty() {
                return Err(Error::invalid_input("name", "must not be blank when set"));
            }
        }
        let body = Body::new()
            .set("projectUID", r.project_uid)
            .set("url", r.url)
            .opt("name", r.name)
            .build();
        let v = self
            .client
            .inner
            .json(&Call::create("refdocs.add_url", "refdoc/add_url").json(body))
            .await?;
        created_uid_from(&v, UID, "refDocUID", "refdocs.add_url")
    }

    /// `GET refdoc`.
    pub async fn get(&self, ref_doc_uid: &str) -> Result<RefDoc> {
        v::uid("refDocUID", ref_doc_uid)?;
        let v = self
            .client
            .inner
            .json(&Call::get("refdocs.get", "refdoc").q("RefDocUID", ref_doc_uid))
            .await?;
        decode(v, "the reference document")
    }

    /// `DELETE refdoc`.
    pub async fn delete(&self, ref_doc_uid: &str) -> Result<()> {
        v::uid("refDocUID", ref_doc_uid)?;
        self.client
            .inner
            .json(&Call::delete("refdocs.delete", "refdoc").q("RefDocUID", ref_doc_uid))
            .await
            .map(|_| ())
    }
}
