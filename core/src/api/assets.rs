//! Assets: `GET/DELETE asset`, `asset/upload`, `asset/upload_url`, `asset/download`,
//! `asset/proofreport`, plus [`Assets::wait_processed`] and [`Assets::upload_many`].
//!
//! New versions: a new version of an asset is uploaded within an `UploadChangedAsset` task
//! (find it with `client.tasks().list(&[TaskType::UploadChangedAsset])`); build the upload
//! with [`Upload::new_version`], which takes the task's project, the task UID and the
//! requested asset name (a new version keeps the name and the file type of the original).

use crate::error::{Error, ErrorKind, Result};
use crate::models::{decode, uid_from, Asset, AssetStatus};
use crate::transfer::{self, BatchProgressFn, Download, Upload, UrlUpload};
use crate::transport::Call;
use crate::validate as v;
use crate::Client;
use futures_util::StreamExt;
use std::path::PathBuf;
use std::time::Duration;

/// Handle for asset operations (`client.assets()`).
#[derive(Clone, Copy, Debug)]
pub struct Assets<'a> {
    pub(crate) client: &'a Client,
}

impl<'a> Assets<'a> {
    /// `GET asset`.
    pub async fn get(&self, asset_uid: &str) -> Result<Asset> {
        v::uid("assetUID", asset_uid)?;
        let v = self
            .client
            .inner
            .json(&Call::get("assets.get", "asset").q("AssetUID", asset_uid))
            .await?;
        decode(v, "the asset")
    }

    /// `DELETE asset`: unrecoverable; deletes its tasks, comments and attachments.
    pub async fn delete(&self, asset_uid: &str) -> Result<()> {
        v::uid("assetUID", asset_uid)?;
        self.client
            .inner
            .json(&Call::delete("assets.delete", "asset").q("AssetUID", asset_uid))
            .await
            .map(|_| ())
    }

    /// `POST asset/upload`: uploads a file (streamed) or bytes; returns the new asset UID.
    /// Processing continues on the server: see [`Assets::wait_processed`]. Never retried once
    /// sent: an unknown outcome is an `Ambiguous` error.
    pub async fn upload(&self, upload: Upload) -> Result<String> {
        transfer::upload(
            self.client,
            "assets.upload",
            "asset/upload",
            upload,
            &["assetUID"],
        )
        .await
    }

    /// `POST asset/upload_url`: the service fetches a public URL; returns the asset UID.
    pub async fn upload_url(&self, upload: UrlUpload) -> Result<String> {
        transfer::upload_url(
            self.client,
            "assets.upload_url",
            "asset/upload_url",
            upload,
            &["assetUID"],
        )
        .await
    }

    /// Uploads many files to `project_uid`, at most `concurrency` at a time; one result per
    /// path, in order. See [`Assets::upload_many_with`] for combined progress.
    pub async fn upload_many(
        &self,
        project_uid: &str,
        paths: impl IntoIterator<Item = impl Into<PathBuf>>,
        concurrency: usize,
    ) -> Vec<Result<String>> {
        self.upload_many_with(project_uid, paths, concurrency, None)
            .await
    }

    /// [`Assets::upload_many`] with combined progress: `progress` gets the bytes sent over
    /// all files against the sum of their sizes, and the index (in `paths`) of the file that
    /// advanced. Calls are throttled (~100 ms) with a final call when every file is done.
    pub async fn upload_many_with(
        &self,
        project_uid: &str,
        paths: impl IntoIterator<Item = impl Into<PathBuf>>,
        concurrency: usize,
        progress: Option<BatchProgressFn>,
    ) -> Vec<Result<String>> {
        let paths: Vec<PathBuf> = paths.into_iter().map(Into::into).collect();
        let batch = progress.map(|f| transfer::BatchReporter::new(&paths, f));
        let client = self.client.clone();
        let uploads: Vec<Upload> = paths
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                let u = Upload::from_path(project_uid, p);
                match &batch {
                    Some(b) => u.progress_fn(b.file(i)),
                    None => u,
                }
            })
            .collect();
        // The files of a batch have no single commit point: no confirm gate for them.
        let results = transfer::CONFIRM
            .scope(
                None,
                futures_util::stream::iter(uploads)
                    .map(|u| {
                        let client = client.clone();
                        async move { client.assets().upload(u).await }
                    })
                    .buffered(concurrency.max(1))
                    .collect(),
            )
            .await;
        if let Some(b) = batch {
            b.finish();
        }
        results
    }

    /// Polls `GET asset` with backoff until the asset is `Processed` (returned), `Failed`
    /// (a `Server` error) or `timeout` passes (a `Timeout` error).
    pub async fn wait_processed(&self, asset_uid: &str, timeout: Duration) -> Result<Asset> {
        v::uid("assetUID", asset_uid)?;
        v::duration("timeout", timeout)?;
        let deadline = tokio::time::Instant::now() + timeout;
        let mut delay = Duration::from_millis(100);
        loop {
            let a = self
                .get(asset_uid)
                .await
                .map_err(|e| e.within("assets.wait_processed"))?;
            match &a.status {
                Some(AssetStatus::Processed) => return Ok(a),
                Some(AssetStatus::Failed) => {
                    return Err(Error::new(
                        ErrorKind::Server,
                        format!("processing of asset {asset_uid} failed on the server; upload it again or check the file"),
                    )
                    .with_operation("assets.wait_processed"))
                }
                _ => {}
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Err(Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "asset {asset_uid} is still {} after {:.1} s",
                        a.status
                            .map(|s| s.to_string())
                            .unwrap_or_else(|| "unknown".into()),
                        timeout.as_secs_f64()
                    ),
                )
                .with_operation("assets.wait_processed"));
            }
            tokio::time::sleep(delay.min(deadline - now)).await;
            delay = (delay * 3 / 2).min(Duration::from_secs(5));
        }
    }

    /// `GET asset/download`: downloads the original file to `download`'s target (a file, or a
    /// directory to use the server's name); returns the final path. Atomic: on failure no
    /// file is left under the target name.
    pub async fn download(
        &self,
        asset_uid: &str,
        download: impl Into<Download>,
    ) -> Result<PathBuf> {
        v::uid("assetUID", asset_uid)?;
        let download = download.into();
        let call = Call::get("assets.download", "asset/download").q("AssetUID", asset_uid);
        transfer::download(self.client, call, download, &format!("asset-{asset_uid}")).await
    }

    /// `GET asset/proofreport`: the URL of the asset's proof report.
    pub async fn proof_report_url(&self, asset_uid: &str) -> Result<String> {
        v::uid("assetUID", asset_uid)?;
        let v = self
            .client
            .inner
            .json(&Call::get("assets.proof_report", "asset/proofreport").q("AssetUID", asset_uid))
            .await?;
        uid_from(&v, &["downloadURL", "url"], "downloadURL")
    }

    /// Downloads the asset's proof report (PDF) to `download`'s target.
    pub async fn download_proof_report(
        &self,
        asset_uid: &str,
        download: impl Into<Download>,
    ) -> Result<PathBuf> {
        v::uid("assetUID", asset_uid)?;
        let download = download.into();
        let call = Call::get("assets.proof_report", "asset/proofreport").q("AssetUID", asset_uid);
        transfer::download(
            self.client,
            call,
            download,
            &format!("proofreport-{asset_uid}.pdf"),
        )
        .await
    }
}
