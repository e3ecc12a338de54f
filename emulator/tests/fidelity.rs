//! Issue 18: where the emulator must be as strict as the service. Read-only Completed and
//! Archived projects, the documented shapes (event `Project` entity, task fields, `task/all`),
//! the model binder's validation, and the server's header-read and idle timeouts.
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use parking_lot::Mutex;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const NOT_MUTABLE: &str = "Project editing is possible only when the project is Active or OnHold. Completed, Archived or InTransit projects are not mutable. Please see PUT /api/v1/project/state.";

fn uid(r: &Resp, key: &str) -> String {
    r.result()[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {}", r.text))
        .to_string()
}

async fn wait_state(c: &Ctx, p: &str, want: &str) {
    for _ in 0..200 {
        let r = c
            .get(&format!(
                "project?ProjectUID={p}&States=Active,OnHold,Completed,Archived,InTransit"
            ))
            .await;
        if r.result()[0]["projectState"] == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("project {p} never reached {want}");
}

/// Every write on a Completed or Archived project's content answers the documented
/// read-only statuses; reads keep working; reopening (Active) makes writes work again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completed_and_archived_projects_are_read_only() {
    bounded(60, async {
        let c = Ctx::new().await;
        let me = c.me().await;
        for target in ["Completed", "Archived"] {
            let p = c.project(&format!("Read-only {target}")).await;
            let a = c.upload(&p, "art.png", png(8, 8)).await;
            c.wait_asset(&a).await;
            let r = c
                .post(
                    "refdoc/add_url",
                    json!({"projectUID": p, "url": "https://example.com/brief"}),
                )
                .await;
            let doc = uid(&r, "refDocUID");
            let n = uid(
                &c.post("annotation", json!({"assetUID": a, "text": "note"}))
                    .await,
                "annotationUID",
            );
            let t = uid(
                &c.post("task/asset_upload", json!({"projectUID": p, "userUID": me}))
                    .await,
                "taskUID",
            );
            assert_eq!(
                c.post(
                    "project/meta",
                    json!({"projectUID": p, "key": "k", "value": "v"})
                )
                .await
                .status,
                200
            );
            let r = c
                .put("project/state", json!({"projectUID": p, "state": target}))
                .await;
            assert_eq!(r.status, 200, "{}", r.text);
            wait_state(&c, &p, target).await;

            let writes = vec![
                (
                    "DELETE asset",
                    c.delete(&format!("asset?AssetUID={a}")).await,
                ),
                (
                    "DELETE refdoc",
                    c.delete(&format!("refdoc?RefDocUID={doc}")).await,
                ),
                (
                    "POST annotation",
                    c.post("annotation", json!({"assetUID": a, "text": "late"}))
                        .await,
                ),
                (
                    "DELETE annotation",
                    c.delete(&format!("annotation?AnnotationUID={n}")).await,
                ),
                (
                    "PUT annotation/complete",
                    c.put("annotation/complete", json!({"annotationUID": n}))
                        .await,
                ),
                (
                    "PUT annotation/hide",
                    c.put("annotation/hide", json!({"annotationUID": n})).await,
                ),
                (
                    "POST project/meta",
                    c.post(
                        "project/meta",
                        json!({"projectUID": p, "key": "k2", "value": "v"}),
                    )
                    .await,
                ),
                (
                    "DELETE project/meta",
                    c.delete(&format!("project/meta?ProjectUID={p}&Key=k"))
                        .await,
                ),
                (
                    "PUT project",
                    c.put(
                        "project",
                        json!({"projectUID": p, "projectName": "x", "projectOwnersUIDS": [me]}),
                    )
                    .await,
                ),
            ];
            for (op, r) in &writes {
                assert_eq!(r.status, 406, "{target}: {op}: {}", r.text);
                assert_eq!(r.json["message"], NOT_MUTABLE, "{target}: {op}");
            }
            // Tasks: Completed deleted them (404); Archived keeps them, read-only (406).
            let del = c.delete(&format!("task?TaskUID={t}")).await;
            let done = c.put("task/complete", json!({"taskUID": t})).await;
            let want = if target == "Completed" { 404 } else { 406 };
            assert_eq!(del.status, want, "{target}: DELETE task: {}", del.text);
            assert_eq!(
                done.status, want,
                "{target}: PUT task/complete: {}",
                done.text
            );
            // New tasks: 412; uploads: 404 "inactive project"; moves: 406.
            assert_envelope(
                &c.post("task/asset_upload", json!({"projectUID": p, "userUID": me}))
                    .await,
                412,
                "You cannot create a task for a project in the state [",
            );
            assert_envelope(
                &upload_at(
                    &c,
                    &format!("asset/upload?ProjectUID={p}"),
                    "b.png",
                    png(4, 4),
                )
                .await,
                404,
                "inactive project",
            );
            assert_envelope(
                &c.post(
                    "refdoc/add_url",
                    json!({"projectUID": p, "url": "https://example.com/x"}),
                )
                .await,
                404,
                "inactive project",
            );
            // Nothing changed, and reads work.
            assert_eq!(c.get(&format!("asset?AssetUID={a}")).await.status, 200);
            assert_eq!(c.get(&format!("refdoc?RefDocUID={doc}")).await.status, 200);
            let notes = c.get(&format!("annotation/all?AssetUID={a}")).await;
            assert_eq!(
                notes.result().as_array().unwrap().len(),
                1,
                "{}",
                notes.text
            );
            assert_eq!(notes.result()[0]["isCompleted"], false);
            assert_eq!(notes.result()[0]["isHidden"], false);
            let meta = c.get(&format!("project/meta?ProjectUID={p}")).await;
            assert_eq!(meta.result(), &json!([{"key": "k", "value": "v"}]));
            // Reopened, the same writes work again.
            let r = c
                .put("project/state", json!({"projectUID": p, "state": "Active"}))
                .await;
            assert_eq!(r.status, 200, "{}", r.text);
            wait_state(&c, &p, "Active").await;
            let r = c.delete(&format!("annotation?AnnotationUID={n}")).await;
            assert_eq!(r.status, 200, "{}", r.text);
            assert_eq!(c.delete(&format!("asset?AssetUID={a}")).await.status, 200);
        }
    })
    .await;
}

#[derive(Clone, Default)]
struct Hook(Arc<Mutex<Vec<Value>>>);

async fn hook() -> (String, Hook) {
    let h = Hook::default();
    let h2 = h.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: String| {
            let h = h2.clone();
            async move {
                h.0.lock()
                    .push(serde_json::from_str(&body).unwrap_or(Value::Null));
                axum::http::StatusCode::OK
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.ok() });
    (format!("http://{addr}/hook"), h)
}

/// The documented shapes: the event `Project` entity (`Workflow {WorkflowUID, Name}`,
/// `Created` with `Z`), `reviewUrl` only on review tasks, `requestedAssetName` only on
/// UploadChangedAsset tasks, `task/all` only the caller's assigned tasks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_shapes() {
    bounded(60, async {
        let c = Ctx::new().await;
        let me = c.me().await;
        let reviewer = c.user_uid("reviewer@example.com").await;
        let (url, got) = hook().await;
        assert_eq!(c.post("webhook", json!({"url": url})).await.status, 200);
        let p = c.project("Shapes").await;
        let a = c.upload(&p, "art.png", png(8, 8)).await;
        c.wait_asset(&a).await;
        let mut ev = Value::Null;
        for _ in 0..200 {
            if let Some(e) = got
                .0
                .lock()
                .iter()
                .find(|e| e["EventType"] == "project.created")
            {
                ev = e.clone();
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let pe = &ev["Data"]["Project"];
        assert_eq!(pe["ProjectUID"], p.as_str(), "{ev}");
        assert!(
            pe["Workflow"]["WorkflowUID"]
                .as_str()
                .is_some_and(|s| !s.is_empty()),
            "{pe}"
        );
        assert!(pe["Workflow"]["Name"].is_string(), "{pe}");
        let created = pe["Created"].as_str().unwrap();
        assert!(created.ends_with('Z') && created.contains('T'), "{created}");
        assert!(pe["Client"]["ClientUID"].is_string() && pe["ReviewStatus"].is_object());
        // GET project carries the same workflow (the event entity is "as in GET project").
        let gp = c.get(&format!("project?ProjectUID={p}")).await;
        assert_eq!(
            gp.result()[0]["workflow"]["workflowUID"],
            pe["Workflow"]["WorkflowUID"]
        );

        let up = c
            .post("task/asset_upload", json!({"projectUID": p, "userUID": me}))
            .await;
        let changed = c
            .post(
                "task/asset_upload",
                json!({"projectUID": p, "userUID": me, "assetUID": a}),
            )
            .await;
        let refd = c
            .post(
                "task/refdoc_upload",
                json!({"projectUID": p, "userUID": me}),
            )
            .await;
        let rv = c
            .post(
                "task/review_asset",
                json!({"projectUID": p, "userUID": me, "assetUIDs": [a]}),
            )
            .await;
        let other = c
            .post(
                "task/review_asset",
                json!({"projectUID": p, "userUID": reviewer, "assetUIDs": [a]}),
            )
            .await;
        let ext = c
            .post(
                "task/review_asset_ext",
                json!({"projectUID": p, "email": "guest@example.org", "assetUIDs": [a]}),
            )
            .await;
        for (r, review_url, requested) in [
            (&up, false, false),
            (&changed, false, true),
            (&refd, false, false),
            (&rv, true, false),
            (&ext, true, false),
        ] {
            assert_eq!(r.status, 200, "{}", r.text);
            let t = uid(r, "taskUID");
            for v in [
                r.result().clone(),
                c.get(&format!("task?TaskUID={t}")).await.result().clone(),
            ] {
                let m = v.as_object().unwrap();
                assert_eq!(m.contains_key("reviewUrl"), review_url, "{v}");
                assert_eq!(m.contains_key("requestedAssetName"), requested, "{v}");
                if review_url {
                    assert!(v["reviewUrl"].as_str().unwrap().starts_with("http"));
                }
                if requested {
                    assert_eq!(v["requestedAssetName"], "art.png");
                }
            }
        }
        // task/all: assigned to the caller only (not the reviewer's task, not the external
        // review the caller created).
        let all = c.get("task/all").await;
        let mut got: Vec<String> = all
            .result()
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["taskUID"].as_str().unwrap().to_string())
            .collect();
        got.sort();
        let mut want = vec![
            uid(&up, "taskUID"),
            uid(&changed, "taskUID"),
            uid(&refd, "taskUID"),
            uid(&rv, "taskUID"),
        ];
        want.sort();
        assert_eq!(got, want, "{}", all.text);
        assert!(!got.contains(&uid(&other, "taskUID")) && !got.contains(&uid(&ext, "taskUID")));
        // The reviewer sees their own.
        let rtoken = c.login("reviewer@example.com", "reviewer-password").await;
        let r = c
            .http
            .get(c.url("task/all"))
            .bearer_auth(rtoken)
            .send()
            .await
            .unwrap();
        let r = Ctx::resp(r).await;
        assert_eq!(r.result().as_array().unwrap().len(), 1, "{}", r.text);
        assert_eq!(r.result()[0]["taskUID"], uid(&other, "taskUID").as_str());
    })
    .await;
}

/// What the service's model binder rejects with a 400.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_binder_validation() {
    bounded(60, async {
        let c = Ctx::new().await;
        let me = c.me().await;
        let login = |k: Value| {
            let c = &c;
            async move {
                c.call(
                    Method::POST,
                    "token/login",
                    Some(json!({"userName": "admin@example.com", "password": "admin-password", "keepAliveTime": k})),
                    false,
                )
                .await
            }
        };
        // keepAliveTime is an int32 (minutes).
        assert_problem(&login(json!(2_147_483_648u64)).await, "keepAliveTime");
        assert_problem(&login(json!(-1)).await, "keepAliveTime");
        assert_problem(&login(json!(1.5)).await, "keepAliveTime");
        let r = login(json!(2_147_483_647u64)).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let exp = r.result()["expirationDate"].as_str().unwrap();
        assert!(exp.starts_with("6"), "int32 minutes ≈ 4085 years ahead: {exp}");
        let r = login(json!(0)).await;
        assert_eq!(r.status, 200, "0 = the default 600 minutes");

        // Owners: blank UIDs are a 400, not an unknown owner.
        for owners in [json!(["", ""]), json!([" "]), json!([me, "\u{a0}"])] {
            let r = c
                .post("project", json!({"projectName": "x", "projectOwnersUIDS": owners}))
                .await;
            assert_problem(&r, "projectOwnersUIDS");
        }
        // Whitespace is Unicode White_Space: NBSP, VT, NEL, ideographic space... are blank.
        for blank in ["\u{a0}", "\u{b}", "\u{85}", "\u{3000}", " \t\r\n", "\u{2028}"] {
            let r = c
                .post("project", json!({"projectName": blank, "projectOwnersUIDS": [me]}))
                .await;
            assert_problem(&r, "projectName");
        }
        // ...and characters outside it are not (ZWSP, BOM, the file separator U+001C).
        for not_blank in ["\u{200b}", "\u{feff}", "\u{1c}"] {
            let r = c
                .post("project", json!({"projectName": not_blank, "projectOwnersUIDS": [me]}))
                .await;
            assert_eq!(r.status, 200, "{not_blank:?}: {}", r.text);
        }

        // File names: at most 255 characters (after reduction to a base name).
        let p = c.project("Names").await;
        let long = format!("{}.png", "n".repeat(252));
        assert_eq!(long.chars().count(), 256);
        let r = upload_at(&c, &format!("asset/upload?ProjectUID={p}"), &long, png(4, 4)).await;
        assert_problem(&r, "FileName");
        let r = upload_at(&c, &format!("refdoc/upload?ProjectUID={p}"), &long, png(4, 4)).await;
        assert_problem(&r, "FileName");
        let huge = format!("{}.png", "h".repeat(200_000));
        let r = upload_at(&c, &format!("asset/upload?ProjectUID={p}"), &huge, png(4, 4)).await;
        assert_problem(&r, "FileName");
        let fits = format!("{}.png", "é".repeat(251));
        assert_eq!(fits.chars().count(), 255);
        let r = upload_at(&c, &format!("asset/upload?ProjectUID={p}"), &fits, png(4, 4)).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let a = uid(&r, "assetUID");
        assert_eq!(c.get(&format!("asset?AssetUID={a}")).await.result()["name"], fits.as_str());
        // A path's directories don't count.
        let path = format!("{}/{}", "d".repeat(300), "short.png");
        let r = upload_at(&c, &format!("asset/upload?ProjectUID={p}"), &path, png(4, 4)).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let a2 = uid(&r, "assetUID");
        let asset = c.wait_asset(&a).await;
        let thumb = asset["thumbnailUrl"].as_str().unwrap();
        let r = c
            .call(
                Method::POST,
                &format!("asset/upload_url?ProjectUID={p}&URL={thumb}&FileName={long}"),
                None,
                true,
            )
            .await;
        assert_problem(&r, "FileName");
        assert_eq!(c.get(&format!("asset?AssetUID={a2}")).await.result()["name"], "short.png");

        // Annotation pages: int32 in the binder; beyond the asset's pages a 412.
        assert_problem(
            &c.post("annotation", json!({"assetUID": a, "text": "x", "page": 2_147_483_648u64}))
                .await,
            "page",
        );
        assert_envelope(
            &c.post("annotation", json!({"assetUID": a, "text": "x", "page": 100_001}))
                .await,
            412,
            "beyond the asset's last page",
        );
    })
    .await;
}

/// A connection that sends its headers slowly is closed after the header-read timeout; one
/// that goes quiet is closed after the idle timeout; a normal client is unaffected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_idle_connections_are_closed() {
    bounded(30, async {
        let cfg = fast_config()
            .header_read_timeout(Duration::from_millis(400))
            .idle_timeout(Some(Duration::from_millis(800)));
        let c = Ctx::with(cfg).await;
        let addr = c.emu.addr();

        // Slowloris: one header byte every 100 ms never completes the head.
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        let started = Instant::now();
        s.write_all(b"GET /api/v1/token/validate HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        let mut closed_after = None;
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if s.write_all(b"X").await.is_err() {
                closed_after = Some(started.elapsed());
                break;
            }
            let mut buf = [0u8; 512];
            match tokio::time::timeout(Duration::from_millis(1), s.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => {
                    closed_after = Some(started.elapsed());
                    break;
                }
                Ok(Ok(n)) => {
                    // hyper may answer 408 before closing: that is a close too.
                    let text = String::from_utf8_lossy(&buf[..n]).to_string();
                    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
                }
                Err(_) => {}
            }
        }
        let t = closed_after.expect("a slow-header connection must be closed");
        assert!(t >= Duration::from_millis(300) && t < Duration::from_secs(5), "{t:?}");

        // A connection that says nothing at all is closed too.
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        let started = Instant::now();
        let mut buf = [0u8; 256];
        let n = tokio::time::timeout(Duration::from_secs(5), async {
            let mut total = 0;
            loop {
                match s.read(&mut buf).await {
                    Ok(0) | Err(_) => return total,
                    Ok(n) => total += n,
                }
            }
        })
        .await
        .expect("a silent connection must be closed");
        let _ = n;
        assert!(started.elapsed() < Duration::from_secs(3));

        // A stalled body: the head is complete, the body never comes (idle timeout).
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        let started = Instant::now();
        s.write_all(b"POST /api/v1/token/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
            .await
            .unwrap();
        tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                match s.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
            }
        })
        .await
        .expect("a connection with a stalled body must be closed");
        assert!(started.elapsed() >= Duration::from_millis(700), "{:?}", started.elapsed());

        // Ordinary requests still work, before and after a pause on a kept-alive pool.
        assert_eq!(c.get("token/validate").await.status, 200);
        tokio::time::sleep(Duration::from_millis(900)).await;
        assert_eq!(c.get("token/validate").await.status, 200);
    })
    .await;
}
