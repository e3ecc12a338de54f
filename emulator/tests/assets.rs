//! Assets and reference documents: uploads (multipart, URL), processing, versions,
//! downloads with Range, bitmaps, proof reports, storage limit, refdocs.

mod common;

use std::time::Duration;

use axum::response::IntoResponse;
use common::*;
use reqwest::Method;
use serde_json::json;

/// A local file server for upload_url: /file.png (with Content-Disposition), /plain (PDF
/// without a name), /missing (404).
async fn file_server(png: Vec<u8>, pdf: Vec<u8>) -> String {
    let app = axum::Router::new()
        .route(
            "/file.png",
            axum::routing::get(move || {
                let png = png.clone();
                async move {
                    (
                        [
                            ("content-type", "image/png"),
                            (
                                "content-disposition",
                                "attachment; filename=\"from-header.png\"",
                            ),
                        ],
                        png,
                    )
                        .into_response()
                }
            }),
        )
        .route(
            "/plain",
            axum::routing::get(move || {
                let pdf = pdf.clone();
                async move { ([("content-type", "application/pdf")], pdf).into_response() }
            }),
        );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.ok() });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_process_get_download_bitmaps() {
    bounded(60, async {
        let c = Ctx::new().await;
        let p = c.project("Assets").await;
        let png = png(640, 480);
        let a = c.upload(&p, "carton.png", png.clone()).await;
        let r = c.get(&format!("asset?AssetUID={a}")).await;
        assert!(["Pending", "Processing", "Processed"]
            .contains(&r.result()["status"].as_str().unwrap()));
        let asset = c.wait_asset(&a).await;
        assert_eq!(asset["status"], "Processed");
        assert_eq!(asset["name"], "carton.png");
        assert_eq!(asset["version"], 1);
        assert_eq!(asset["pagesCount"], 1);
        assert_eq!(asset["fileSize"], png.len());
        assert_eq!(
            asset["reviewStatus"],
            json!({"pendingCount": 0, "approvedCount": 0, "rejectedCount": 0})
        );
        // Thumbnail JPEG, full-size PNG at /0; other pages 404.
        let thumb = c
            .http
            .get(asset["thumbnailUrl"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(thumb.status(), 200);
        let tb = thumb.bytes().await.unwrap();
        let ti = image::load_from_memory(&tb).unwrap();
        assert!(ti.width() <= 200 && ti.height() <= 200);
        let full_url = asset["fullSizeBitmapUrl"].as_str().unwrap().to_string();
        assert!(full_url.ends_with("/0"));
        let full = c
            .http
            .get(&full_url)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let fi = image::load_from_memory_with_format(&full, image::ImageFormat::Png).unwrap();
        assert_eq!((fi.width(), fi.height()), (640, 480));
        let base = full_url.trim_end_matches('0');
        for bad in ["1", "-1", "x"] {
            assert_eq!(
                c.http
                    .get(format!("{base}{bad}"))
                    .send()
                    .await
                    .unwrap()
                    .status(),
                404,
                "{bad}"
            );
        }
        assert_eq!(
            c.http
                .get(asset["reviewUrl"].as_str().unwrap())
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        // Download: original bytes, Content-Length, Content-Disposition, Range.
        let d = c
            .http
            .get(c.url(&format!("asset/download?AssetUID={a}")))
            .bearer_auth(&c.token)
            .send()
            .await
            .unwrap();
        assert_eq!(d.status(), 200);
        assert_eq!(
            d.headers()["content-length"],
            png.len().to_string().as_str()
        );
        assert!(d.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("carton.png"));
        assert_eq!(d.bytes().await.unwrap().as_ref(), png.as_slice());
        let d = c
            .http
            .get(c.url(&format!("asset/download?AssetUID={a}")))
            .bearer_auth(&c.token)
            .header("Range", "bytes=10-19")
            .send()
            .await
            .unwrap();
        assert_eq!(d.status(), 206);
        assert_eq!(
            d.headers()["content-range"],
            format!("bytes 10-19/{}", png.len()).as_str()
        );
        assert_eq!(d.bytes().await.unwrap().as_ref(), &png[10..20]);
        let d = c
            .http
            .get(c.url(&format!("asset/download?AssetUID={a}")))
            .bearer_auth(&c.token)
            .header("Range", "bytes=99999999-")
            .send()
            .await
            .unwrap();
        assert_eq!(d.status(), 416);
        assert_envelope(
            &c.get("asset/download?AssetUID=nope").await,
            404,
            "Asset not found",
        );
        // JPEG too.
        let j = c.upload(&p, "photo.JPG", jpeg(300, 100)).await;
        let ja = c.wait_asset(&j).await;
        assert_eq!(ja["status"], "Processed");
        // Asset proof report.
        let r = c.get(&format!("asset/proofreport?AssetUID={a}")).await;
        let bytes = c
            .http
            .get(r.result()["downloadURL"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert!(bytes.starts_with(b"%PDF-1.4"));
        assert_envelope(
            &c.get("asset/proofreport?AssetUID=nope").await,
            404,
            "Asset not found",
        );
        assert_envelope(&c.get("asset?AssetUID=nope").await, 404, "Asset not found");
        assert_problem(&c.get("asset").await, "AssetUID");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pdf_pages_failed_files_and_placeholders() {
    bounded(60, async {
        let c = Ctx::new().await;
        let p = c.project("PDFs").await;
        let a = c.upload(&p, "drawing.pdf", pdf(3)).await;
        let asset = c.wait_asset(&a).await;
        assert_eq!(asset["status"], "Processed");
        assert_eq!(asset["pagesCount"], 3);
        let base = asset["fullSizeBitmapUrl"]
            .as_str()
            .unwrap()
            .trim_end_matches('0')
            .to_string();
        for page in 0..3 {
            let r = c.http.get(format!("{base}{page}")).send().await.unwrap();
            assert_eq!(r.status(), 200);
            assert!(
                image::load_from_memory(&r.bytes().await.unwrap()).is_ok(),
                "placeholder page {page}"
            );
        }
        assert_eq!(
            c.http
                .get(format!("{base}3"))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        // Unreadable files fail.
        let bad = c
            .upload(&p, "broken.pdf", b"%PDF-1.4 not really".to_vec())
            .await;
        assert_eq!(c.wait_asset(&bad).await["status"], "Failed");
        let bad = c.upload(&p, "broken.png", b"not a png".to_vec()).await;
        assert_eq!(c.wait_asset(&bad).await["status"], "Failed");
        // Other formats: one page, placeholder images.
        let other = c.upload(&p, "notes.txt", b"hello".to_vec()).await;
        let o = c.wait_asset(&other).await;
        assert_eq!(o["status"], "Processed");
        assert_eq!(
            c.http
                .get(o["thumbnailUrl"].as_str().unwrap())
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_variants_and_errors() {
    bounded(60, async {
        let c = Ctx::new().await;
        let p = c.project("Uploads").await;
        // PHP client: part named `attachment`; a path as file name is reduced to a base name;
        // parameters as form fields.
        let form = reqwest::multipart::Form::new()
            .text("ProjectUID", p.clone())
            .part("attachment", reqwest::multipart::Part::bytes(b"abc".to_vec()).file_name("../../etc/passwd.txt"));
        let r = Ctx::resp(c.http.post(c.url("asset/upload")).bearer_auth(&c.token).multipart(form).send().await.unwrap()).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["message"], "Asset uploaded successfully and is pending to process. Track its status to catch when it is ready to use.");
        let a = r.result()["assetUID"].as_str().unwrap().to_string();
        assert_eq!(c.get(&format!("asset?AssetUID={a}")).await.result()["name"], "passwd.txt");
        // Lower-case query name.
        assert_eq!(c.upload_to(&format!("projectuid={p}"), "FileName", "x.txt", b"x".to_vec()).await.status, 200);
        // Missing file part, missing project, not multipart.
        let form = reqwest::multipart::Form::new().text("ProjectUID", p.clone());
        let r = Ctx::resp(c.http.post(c.url("asset/upload")).bearer_auth(&c.token).multipart(form).send().await.unwrap()).await;
        assert_problem(&r, "FileName");
        assert_problem(&c.upload_to("", "FileName", "x.txt", b"x".to_vec()).await, "ProjectUID");
        assert_problem(&c.raw(Method::POST, &format!("asset/upload?ProjectUID={p}"), "application/json", "{}").await, "FileName");
        assert_envelope(&c.upload_to("ProjectUID=nope", "FileName", "x.txt", b"x".to_vec()).await, 404, "Project UID provided is either invalid");
        // 401 before anything.
        let form = reqwest::multipart::Form::new().part("FileName", reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("x.txt"));
        assert_eq!(c.http.post(c.url(&format!("asset/upload?ProjectUID={p}"))).multipart(form).send().await.unwrap().status(), 401);
        // Tasks: unknown 404, wrong type 412.
        assert_envelope(&c.upload_to(&format!("ProjectUID={p}&TaskUID=nope"), "FileName", "x.txt", b"x".to_vec()).await, 404, "Task UID provided");
        let me = c.me().await;
        let review = c.post("task/review_asset", json!({"projectUID": p, "userUID": me, "assetUIDs": [a]})).await;
        let rt = review.result()["taskUID"].as_str().unwrap().to_string();
        assert_envelope(&c.upload_to(&format!("ProjectUID={p}&TaskUID={rt}"), "FileName", "x.txt", b"x".to_vec()).await, 412, "Only task types UploadAssets and UploadChangedAsset are allowed.");
        let up = c.post("task/asset_upload", json!({"projectUID": p, "userUID": me})).await;
        let ut = up.result()["taskUID"].as_str().unwrap().to_string();
        assert_eq!(c.upload_to(&format!("ProjectUID={p}&TaskUID={ut}"), "FileName", "y.txt", b"y".to_vec()).await.status, 200);
        // Closed project → 404.
        c.put("project/state", json!({"projectUID": p, "state": "Completed"})).await;
        assert_envelope(&c.upload_to(&format!("ProjectUID={p}"), "FileName", "x.txt", b"x".to_vec()).await, 404, "inactive project");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_versions_same_type_only() {
    bounded(60, async {
        let c = Ctx::new().await;
        let me = c.me().await;
        let p = c.project("Versions").await;
        let v1 = c.upload(&p, "label.pdf", pdf(1)).await;
        c.wait_asset(&v1).await;
        let t = c
            .post(
                "task/asset_upload",
                json!({"projectUID": p, "userUID": me, "assetUID": v1}),
            )
            .await;
        assert_eq!(t.result()["type"], "UploadChangedAsset");
        assert_eq!(t.result()["requestedAssetName"], "label.pdf");
        let tuid = t.result()["taskUID"].as_str().unwrap().to_string();
        assert_envelope(
            &c.upload_to(
                &format!("ProjectUID={p}&TaskUID={tuid}"),
                "FileName",
                "label.png",
                png(10, 10),
            )
            .await,
            412,
            "File to upload must be the same type as the original file (.pdf).",
        );
        let r = c
            .upload_to(
                &format!("ProjectUID={p}&TaskUID={tuid}"),
                "FileName",
                "label-v2.pdf",
                pdf(2),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let v2 = r.result()["assetUID"].as_str().unwrap().to_string();
        let a2 = c.wait_asset(&v2).await;
        assert_eq!(a2["version"], 2);
        assert_eq!(a2["name"], "label.pdf", "a new version keeps its name");
        assert_eq!(a2["pagesCount"], 2);
        let r = c
            .get(&format!("project?ProjectUID={p}&IsLoadAssets=true"))
            .await;
        assert_eq!(r.result()[0]["assets"].as_array().unwrap().len(), 1);
        assert_eq!(r.result()[0]["assets"][0]["assetUID"], v2.as_str());
        let r = c
            .get(&format!(
                "project?ProjectUID={p}&IsLoadAssets=true&IsLoadLastVerAssets=false"
            ))
            .await;
        assert_eq!(r.result()[0]["assets"].as_array().unwrap().len(), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_asset_removes_tasks_and_annotations() {
    bounded(60, async {
        let c = Ctx::new().await;
        let me = c.me().await;
        let p = c.project("Delete").await;
        let a = c.upload(&p, "a.png", png(20, 20)).await;
        c.wait_asset(&a).await;
        let t = c
            .post(
                "task/review_asset",
                json!({"projectUID": p, "userUID": me, "assetUIDs": [a]}),
            )
            .await;
        let tuid = t.result()["taskUID"].as_str().unwrap().to_string();
        let n = c
            .post("annotation", json!({"assetUID": a, "text": "fix"}))
            .await;
        assert_eq!(n.status, 200);
        assert_eq!(c.delete(&format!("asset?AssetUID={a}")).await.status, 200);
        assert_envelope(
            &c.get(&format!("asset?AssetUID={a}")).await,
            404,
            "Asset not found",
        );
        assert_envelope(
            &c.get(&format!("task?TaskUID={tuid}")).await,
            404,
            "Task not found",
        );
        assert_envelope(
            &c.get(&format!("annotation/all?AssetUID={a}")).await,
            404,
            "Asset not found",
        );
        assert_envelope(
            &c.delete(&format!("asset?AssetUID={a}")).await,
            404,
            "Asset not found",
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_limit_is_403() {
    bounded(60, async {
        let c = Ctx::with(fast_config().storage_limit_bytes(1000)).await;
        let p = c.project("Full").await;
        let r = c
            .upload_to(
                &format!("ProjectUID={p}"),
                "FileName",
                "big.bin",
                vec![7u8; 1500],
            )
            .await;
        assert_envelope(&r, 403, "storage limit");
        c.upload(&p, "small.bin", vec![7u8; 600]).await;
        assert_envelope(
            &c.upload_to(
                &format!("ProjectUID={p}"),
                "FileName",
                "more.bin",
                vec![7u8; 600],
            )
            .await,
            403,
            "storage limit",
        );
        // Nothing left behind in tmp/.
        let tmp = std::fs::read_dir(c.emu.data_dir().join("tmp"))
            .unwrap()
            .count();
        assert_eq!(tmp, 0);
        // Via the control API.
        c.control(
            Method::POST,
            "config",
            Some(json!({"storageLimitBytes": null})),
        )
        .await;
        c.upload(&p, "more.bin", vec![7u8; 600]).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_url_names_and_errors() {
    bounded(60, async {
        let c = Ctx::new().await;
        let p = c.project("FromUrl").await;
        let srv = file_server(png(50, 40), pdf(2)).await;
        // Name from Content-Disposition.
        let r = c
            .post_form(
                "asset/upload_url",
                &[("ProjectUID", &p), ("URL", &format!("{srv}/file.png"))],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let a = c.wait_asset(r.result()["assetUID"].as_str().unwrap()).await;
        assert_eq!(a["name"], "from-header.png");
        assert_eq!(a["status"], "Processed");
        // Name from FileName (query parameters).
        let r = c
            .call(
                Method::POST,
                &format!(
                    "asset/upload_url?ProjectUID={p}&URL={srv}/file.png&FileName=dir/given.png"
                ),
                None,
                true,
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(
            c.get(&format!(
                "asset?AssetUID={}",
                r.result()["assetUID"].as_str().unwrap()
            ))
            .await
            .result()["name"],
            "given.png"
        );
        // asset.<ext> from the content type.
        let r = c
            .post_form(
                "asset/upload_url",
                &[("ProjectUID", &p), ("URL", &format!("{srv}/plain"))],
            )
            .await;
        let a = c.wait_asset(r.result()["assetUID"].as_str().unwrap()).await;
        assert_eq!(a["name"], "asset.pdf");
        assert_eq!(a["pagesCount"], 2);
        // Errors.
        assert_problem(
            &c.post_form("asset/upload_url", &[("ProjectUID", &p)]).await,
            "URL",
        );
        assert_problem(
            &c.post_form(
                "asset/upload_url",
                &[("ProjectUID", &p), ("URL", "ftp://x/y")],
            )
            .await,
            "URL",
        );
        assert_problem(
            &c.post_form(
                "asset/upload_url",
                &[("ProjectUID", &p), ("URL", &format!("{srv}/missing"))],
            )
            .await,
            "URL",
        );
        assert_envelope(
            &c.post_form(
                "asset/upload_url",
                &[("ProjectUID", "nope"), ("URL", &format!("{srv}/plain"))],
            )
            .await,
            404,
            "Project UID provided",
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refdocs_upload_url_add_get_delete() {
    bounded(60, async {
        let c = Ctx::new().await;
        let p = c.project("RefDocs").await;
        let srv = file_server(png(5, 5), pdf(1)).await;
        let form = reqwest::multipart::Form::new().part(
            "FileName",
            reqwest::multipart::Part::bytes(b"spec".to_vec()).file_name("spec.docx"),
        );
        let r = Ctx::resp(
            c.http
                .post(c.url(&format!("refdoc/upload?ProjectUID={p}")))
                .bearer_auth(&c.token)
                .multipart(form)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert!(r.json["message"]
            .as_str()
            .unwrap()
            .starts_with("Document uploaded successfully"));
        let d1 = r.result()["refDocUID"].as_str().unwrap().to_string();
        let g = c.get(&format!("refdoc?RefDocUID={d1}")).await;
        assert_eq!(g.result()["name"], "spec.docx");
        let file = c
            .http
            .get(g.result()["url"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(file.as_ref(), b"spec");
        let r = c
            .post_form(
                "refdoc/upload_url",
                &[
                    ("ProjectUID", &p),
                    ("URL", &format!("{srv}/plain")),
                    ("FileName", "brief.pdf"),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let d2 = r.result()["refDocUID"].as_str().unwrap().to_string();
        assert_eq!(
            c.get(&format!("refdoc?RefDocUID={d2}")).await.result()["name"],
            "brief.pdf"
        );
        let r = c
            .post(
                "refdoc/add_url",
                json!({"projectUID": p, "url": "https://example.com/brand", "name": "Brand book"}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let d3 = r.result()["refDocUID"].as_str().unwrap().to_string();
        assert_eq!(
            c.get(&format!("refdoc?RefDocUID={d3}")).await.result()["url"],
            "https://example.com/brand"
        );
        assert_problem(
            &c.post(
                "refdoc/add_url",
                json!({"projectUID": p, "url": "not a url"}),
            )
            .await,
            "url",
        );
        assert_envelope(
            &c.post(
                "refdoc/add_url",
                json!({"projectUID": "nope", "url": "https://example.com"}),
            )
            .await,
            404,
            "Project UID provided",
        );
        let r = c
            .get(&format!("project?ProjectUID={p}&IsLoadRefDocs=true"))
            .await;
        assert_eq!(r.result()[0]["refDocs"].as_array().unwrap().len(), 3);
        assert_eq!(
            c.delete(&format!("refdoc?RefDocUID={d1}")).await.status,
            200
        );
        assert_envelope(
            &c.get(&format!("refdoc?RefDocUID={d1}")).await,
            404,
            "Reference document not found or it was already deleted.",
        );
        assert_envelope(
            &c.delete(&format!("refdoc?RefDocUID={d1}")).await,
            404,
            "Reference document not found",
        );
        let form = reqwest::multipart::Form::new().part(
            "FileName",
            reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("x.txt"),
        );
        let r = Ctx::resp(
            c.http
                .post(c.url("refdoc/upload?ProjectUID=nope"))
                .bearer_auth(&c.token)
                .multipart(form)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_envelope(&r, 404, "Project UID provided");
        tokio::time::sleep(Duration::from_millis(10)).await;
    })
    .await;
}
