//! Asynchronous processing of uploaded files: `Pending → Processing → Processed` (or
//! `Failed`), one configured delay per step; page counts, thumbnails and bitmaps.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::app::App;
use crate::state::AssetStatus;

/// Largest PDF whose pages are counted by parsing it (bigger ones count as one page).
pub const MAX_PARSED_PDF: u64 = 256 * 1024 * 1024;

/// What processing found out about a file.
#[derive(Debug)]
pub struct Analysis {
    /// Page count.
    pub pages: u32,
    /// Thumbnail JPEG, when rasterised.
    pub thumb: Option<PathBuf>,
    /// Full-size PNG of page 0, when rasterised.
    pub bitmap: Option<PathBuf>,
}

/// Analyses a stored file: PDFs are parsed for their page count, PNG/JPEG images decoded
/// (thumbnail + full-size PNG), other formats count one page with placeholder images. An
/// unreadable file (empty, a broken PDF or image) is an error.
pub fn analyze(path: &Path, ext: &str, derived: &Path, uid: &str) -> Result<Analysis, String> {
    let size = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
    if size == 0 {
        return Err("empty file".into());
    }
    match ext {
        "pdf" => {
            if size > MAX_PARSED_PDF {
                return Ok(Analysis {
                    pages: 1,
                    thumb: None,
                    bitmap: None,
                });
            }
            let doc = lopdf::Document::load(path).map_err(|e| format!("unreadable PDF: {e}"))?;
            let pages = doc.get_pages().len() as u32;
            if pages == 0 {
                return Err("PDF without pages".into());
            }
            Ok(Analysis {
                pages,
                thumb: None,
                bitmap: None,
            })
        }
        "png" | "jpg" | "jpeg" => {
            std::fs::create_dir_all(derived).map_err(|e| e.to_string())?;
            let (thumb, full) = crate::images::render(path)?;
            let tp = derived.join(format!("{uid}.jpg"));
            let bp = derived.join(format!("{uid}.png"));
            std::fs::write(&tp, thumb).map_err(|e| e.to_string())?;
            std::fs::write(&bp, full).map_err(|e| e.to_string())?;
            Ok(Analysis {
                pages: 1,
                thumb: Some(tp),
                bitmap: Some(bp),
            })
        }
        _ => Ok(Analysis {
            pages: 1,
            thumb: None,
            bitmap: None,
        }),
    }
}

async fn pause(app: &App) -> bool {
    let delay = app.config.lock().processing_delay;
    tokio::select! {
        _ = app.shutdown.cancelled() => false,
        _ = tokio::time::sleep(delay) => true,
    }
}

/// Starts processing an asset in the background.
pub fn spawn_asset(app: &App, uid: String) {
    let app = app.clone();
    let gen = app.generation();
    tokio::spawn(async move {
        if !pause(&app).await || app.generation() != gen {
            return;
        }
        let (path, ext) = {
            let mut data = app.data.lock();
            let Some(a) = data.asset_mut(&uid) else {
                return;
            };
            a.status = AssetStatus::Processing;
            (a.path.clone(), a.ext.clone())
        };
        if !pause(&app).await || app.generation() != gen {
            return;
        }
        let derived = app.dir("derived");
        let u = uid.clone();
        let result = tokio::task::spawn_blocking(move || analyze(&path, &ext, &derived, &u))
            .await
            .unwrap_or_else(|e| Err(format!("processing crashed: {e}")));
        if app.generation() != gen {
            return;
        }
        let mut data = app.data.lock();
        let Some(a) = data.asset_mut(&uid) else {
            return;
        };
        match result {
            Ok(an) => {
                a.status = AssetStatus::Processed;
                a.pages = an.pages;
                a.thumb = an.thumb;
                a.bitmap = an.bitmap;
                let (project, name) = (a.project_uid.clone(), a.name.clone());
                crate::api::emit_with_project(
                    &app,
                    &data,
                    "asset.uploaded",
                    &project,
                    json!({"AssetUID": uid, "Name": name}),
                );
            }
            Err(e) => {
                tracing::info!(asset = %uid, "asset processing failed: {e}");
                a.status = AssetStatus::Failed;
            }
        }
    });
}

/// Marks a reference document processed after one delay and emits `refdoc.uploaded`.
pub fn spawn_refdoc(app: &App, uid: String) {
    let app = app.clone();
    let gen = app.generation();
    tokio::spawn(async move {
        if !pause(&app).await || app.generation() != gen {
            return;
        }
        let mut data = app.data.lock();
        let Some(r) = data.refdocs.iter_mut().find(|r| r.uid == uid) else {
            return;
        };
        r.processed = true;
        let (project, name) = (r.project_uid.clone(), r.name.clone());
        crate::api::emit_with_project(
            &app,
            &data,
            "refdoc.uploaded",
            &project,
            json!({"RefDocUID": uid, "Name": name}),
        );
    });
}
