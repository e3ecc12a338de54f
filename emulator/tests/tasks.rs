//! Tasks, external review links, review status counts, annotations and webhooks (CRUD,
//! delivery with Api-Secret, retries with backoff, event filter).

mod common;

use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use common::*;
use parking_lot::Mutex;
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn task_creation_get_all_delete_and_errors() {
    bounded(60, async {
        let c = Ctx::new().await;
        let me = c.me().await;
        let rita = c.user_uid("reviewer@example.com").await;
        let p = c.project("Tasks").await;
        let a = c.upload(&p, "a.png", png(8, 8)).await;
        c.wait_asset(&a).await;

        let t1 = c.post("task/asset_upload", json!({"projectUID": p, "userUID": me, "dueDate": "2030-01-02", "comment": "please"})).await;
        assert_eq!(t1.status, 200, "{}", t1.text);
        assert_eq!(t1.result()["type"], "UploadAssets");
        assert_eq!(t1.result()["status"], "Pending");
        assert_eq!(t1.result()["projectName"], "Tasks");
        assert_eq!(t1.result()["user"]["email"], "admin@example.com");
        let t2 = c.post("task/refdoc_upload", json!({"projectUID": p, "userUID": me})).await;
        assert_eq!(t2.result()["type"], "UploadRefDocs");
        let t3 = c.post("task/review_asset", json!({"projectUID": p, "userUID": me, "assetUIDs": [a]})).await;
        assert_eq!(t3.result()["type"], "ReviewAssets");
        assert!(t3.result()["reviewUrl"].as_str().unwrap().starts_with(&c.emu.url()));
        let t4 = c.post("task/review_asset", json!({"projectUID": p, "userUID": rita, "assetUIDs": [a]})).await;
        let t4uid = t4.result()["taskUID"].as_str().unwrap().to_string();

        // task/all: the caller's tasks, filtered by Types (case-insensitive parameter name).
        assert_eq!(c.get("task/all").await.result().as_array().unwrap().len(), 3);
        assert_eq!(c.get("task/all?types=ReviewAssets").await.result().as_array().unwrap().len(), 1);
        assert_eq!(c.get("task/all?Types=UploadAssets,UploadRefDocs").await.result().as_array().unwrap().len(), 2);
        assert_problem(&c.get("task/all?Types=Nope").await, "Types");
        let g = c.get(&format!("task?TaskUID={t4uid}")).await;
        assert_eq!(g.result()["user"]["email"], "reviewer@example.com");
        assert_envelope(&c.get("task?TaskUID=nope").await, 404, "Task not found");

        // Review status counts.
        assert_eq!(c.get(&format!("asset?AssetUID={a}")).await.result()["reviewStatus"]["pendingCount"], 2);
        assert_eq!(c.get(&format!("project?ProjectUID={p}")).await.result()[0]["reviewStatus"]["pendingCount"], 2);

        // Creation errors.
        assert_envelope(&c.post("task/asset_upload", json!({"projectUID": "nope", "userUID": me})).await, 404, "Project not found");
        assert_envelope(&c.post("task/asset_upload", json!({"projectUID": p, "userUID": "FFFF"})).await, 412, "User with UID [FFFF] not found.");
        assert_envelope(&c.post("task/review_asset", json!({"projectUID": p, "userUID": me, "assetUIDs": ["nope"]})).await, 404, "nope");
        let other = c.project("Other").await;
        assert_envelope(&c.post("task/review_asset", json!({"projectUID": other, "userUID": me, "assetUIDs": [a]})).await, 404, "not found in the project");
        assert_problem(&c.post("task/review_asset", json!({"projectUID": p, "userUID": me, "assetUIDs": []})).await, "assetUIDs");
        assert_problem(&c.post("task/asset_upload", json!({"projectUID": p})).await, "userUID");
        assert_problem(&c.post("task/asset_upload", json!({"projectUID": p, "userUID": me, "dueDate": "2030-13-45"})).await, "dueDate");
        c.put("project/state", json!({"projectUID": other, "state": "OnHold"})).await;
        assert_eq!(c.post("task/asset_upload", json!({"projectUID": other, "userUID": me})).await.status, 200, "OnHold allows tasks");
        c.put("project/state", json!({"projectUID": other, "state": "Completed"})).await;
        assert_envelope(&c.post("task/asset_upload", json!({"projectUID": other, "userUID": me})).await, 412, "You cannot create a task for a project in the state [Complete].");

        // Delete.
        assert_eq!(c.delete(&format!("task?TaskUID={t4uid}")).await.status, 200);
        assert_envelope(&c.delete(&format!("task?TaskUID={t4uid}")).await, 404, "Task not found");
        assert_problem(&c.delete("task").await, "TaskUID");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn task_complete_rules_and_counts() {
    bounded(60, async {
        let c = Ctx::new().await;
        let me = c.me().await;
        let p = c.project("Complete").await;
        let a = c.upload(&p, "a.png", png(8, 8)).await;
        c.wait_asset(&a).await;
        let up = c
            .post("task/asset_upload", json!({"projectUID": p, "userUID": me}))
            .await
            .result()["taskUID"]
            .as_str()
            .unwrap()
            .to_string();
        let rv = c
            .post(
                "task/review_asset",
                json!({"projectUID": p, "userUID": me, "assetUIDs": [a]}),
            )
            .await
            .result()["taskUID"]
            .as_str()
            .unwrap()
            .to_string();
        let rv2 = c
            .post(
                "task/review_asset",
                json!({"projectUID": p, "userUID": me, "assetUIDs": [a]}),
            )
            .await
            .result()["taskUID"]
            .as_str()
            .unwrap()
            .to_string();
        let ext = c
            .post(
                "task/review_asset_ext",
                json!({"projectUID": p, "email": "guest@example.org", "assetUIDs": [a]}),
            )
            .await
            .result()["taskUID"]
            .as_str()
            .unwrap()
            .to_string();

        // Upload task: no status; a review status is a 412 (it depends on the stored task).
        assert_envelope(
            &c.put(
                "task/complete",
                json!({"taskUID": up, "status": "Approved"}),
            )
            .await,
            412,
            "not valid for UploadAssets tasks",
        );
        let r = c.put("task/complete", json!({"taskUID": up})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.result()["status"], "Closed");
        assert!(r.result()["closed"].is_string());
        assert_envelope(
            &c.put("task/complete", json!({"taskUID": up})).await,
            410,
            "already completed",
        );
        // Review tasks take a decision (412 without one; an unknown status is a 400).
        assert_envelope(
            &c.put("task/complete", json!({"taskUID": rv})).await,
            412,
            "for review tasks",
        );
        assert_problem(
            &c.put("task/complete", json!({"taskUID": rv, "status": "Maybe"}))
                .await,
            "status",
        );
        assert_eq!(
            c.put(
                "task/complete",
                json!({"taskUID": rv, "status": "Approved"})
            )
            .await
            .result()["status"],
            "Approved"
        );
        assert_eq!(
            c.put(
                "task/complete",
                json!({"taskUID": rv2, "status": "Rejected", "comment": "no"})
            )
            .await
            .result()["status"],
            "Rejected"
        );
        // External review tasks are completed by the reviewer, not the API.
        assert_envelope(
            &c.put("task/complete", json!({"taskUID": ext})).await,
            412,
            "can't be completed manually",
        );
        assert_envelope(
            &c.put("task/complete", json!({"taskUID": "nope"})).await,
            404,
            "Task not found",
        );
        assert_problem(&c.put("task/complete", json!({})).await, "taskUID");
        let rs = c.get(&format!("asset?AssetUID={a}")).await.result()["reviewStatus"].clone();
        assert_eq!(
            rs,
            json!({"pendingCount": 1, "approvedCount": 1, "rejectedCount": 1})
        );
        let rs =
            c.get(&format!("project?ProjectUID={p}")).await.result()[0]["reviewStatus"].clone();
        assert_eq!(
            rs,
            json!({"pendingCount": 1, "approvedCount": 1, "rejectedCount": 1})
        );
        // task/all lists only pending tasks assigned to the caller: the pending external
        // review (no assignee in the account) is not among them, though the caller created it.
        assert_eq!(
            c.get("task/all").await.result().as_array().unwrap().len(),
            0,
            "{}",
            c.get("task/all").await.text
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn external_review_link_lifecycle() {
    bounded(60, async {
        let c = Ctx::new().await;
        let p = c.project("External").await;
        let a = c.upload(&p, "a.pdf", pdf(1)).await;
        c.wait_asset(&a).await;
        let body = json!({"projectUID": p, "email": "guest@example.org", "assetUIDs": [a], "dueDate": "2030-01-01",
            "password": "s3cret", "emailSubject": "Please review", "emailLanguage": "german", "comment": "thanks",
            "isAllowDownloadAssets": true, "isReadOnly": false});
        let r = c.post("task/review_asset_ext", body).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.result()["type"], "ExternalReviewAssets");
        assert_eq!(r.result()["user"]["email"], "guest@example.org");
        let url = r.result()["reviewUrl"].as_str().unwrap().to_string();
        let tuid = r.result()["taskUID"].as_str().unwrap().to_string();
        assert_eq!(c.http.get(&url).send().await.unwrap().status(), 200);
        assert_eq!(c.http.post(format!("{url}/approve")).send().await.unwrap().status(), 200);
        // The task ended and the link expired.
        let t = c.get(&format!("task?TaskUID={tuid}")).await;
        assert_eq!(t.result()["status"], "Approved");
        assert_eq!(c.http.get(&url).send().await.unwrap().status(), 410);
        assert_eq!(c.http.post(format!("{url}/reject")).send().await.unwrap().status(), 410);
        assert_eq!(c.get(&format!("asset?AssetUID={a}")).await.result()["reviewStatus"]["approvedCount"], 1);
        // Reject ends it too; a deleted task's link is unknown (404).
        let r = c.post("task/review_asset_ext", json!({"projectUID": p, "email": "g2@example.org", "assetUIDs": [a]})).await;
        let url2 = r.result()["reviewUrl"].as_str().unwrap().to_string();
        assert_eq!(c.http.post(format!("{url2}/reject")).send().await.unwrap().status(), 200);
        assert_eq!(c.http.get(&url2).send().await.unwrap().status(), 410);
        let r = c.post("task/review_asset_ext", json!({"projectUID": p, "email": "g3@example.org", "assetUIDs": [a]})).await;
        let url3 = r.result()["reviewUrl"].as_str().unwrap().to_string();
        c.delete(&format!("task?TaskUID={}", r.result()["taskUID"].as_str().unwrap())).await;
        assert_eq!(c.http.get(&url3).send().await.unwrap().status(), 404);
        // Read-only sessions can't decide.
        let r = c.post("task/review_asset_ext", json!({"projectUID": p, "email": "g4@example.org", "assetUIDs": [a], "isReadOnly": true})).await;
        let url4 = r.result()["reviewUrl"].as_str().unwrap().to_string();
        assert_eq!(c.http.post(format!("{url4}/approve")).send().await.unwrap().status(), 403);
        // Validation.
        assert_problem(&c.post("task/review_asset_ext", json!({"projectUID": p, "email": "nope", "assetUIDs": [a]})).await, "email");
        assert_problem(&c.post("task/review_asset_ext", json!({"projectUID": p, "email": "a@b.cd", "assetUIDs": [a], "emailLanguage": "Klingon"})).await, "emailLanguage");
        assert_problem(&c.post("task/review_asset_ext", json!({"projectUID": p, "email": "a@b.cd"})).await, "assetUIDs");
        assert_envelope(&c.post("task/review_asset_ext", json!({"projectUID": "nope", "email": "a@b.cd", "assetUIDs": [a]})).await, 404, "Project not found");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn annotations_ownership_and_states() {
    bounded(60, async {
        let c = Ctx::new().await;
        let p = c.project("Notes").await;
        let a = c.upload(&p, "a.pdf", pdf(2)).await;
        c.wait_asset(&a).await;
        let r = c.post("annotation", json!({"assetUID": a, "text": "Logo too small", "page": 1, "region": {"x": 10, "y": 20, "width": 30, "height": 40}})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let n = r.result().clone();
        let nuid = n["annotationUID"].as_str().unwrap().to_string();
        assert_eq!(n["page"], 1);
        assert_eq!(n["region"]["width"], 30);
        assert_eq!(n["author"]["email"], "admin@example.com");
        assert_eq!(n["isCompleted"], false);
        let cmt = c.post("annotation", json!({"assetUID": a, "text": "agreed", "parentUID": nuid})).await;
        assert_eq!(cmt.result()["parentUID"], nuid.as_str());
        assert_eq!(cmt.result()["page"], 1);
        let list = c.get(&format!("annotation/all?AssetUID={a}")).await;
        assert_eq!(list.result().as_array().unwrap().len(), 2);
        // Validation and 404s.
        assert_problem(&c.post("annotation", json!({"assetUID": a, "text": ""})).await, "text");
        assert_problem(&c.post("annotation", json!({"assetUID": a, "text": "x", "page": -1})).await, "page");
        // A page the asset doesn't have is a check against stored data: 412, not 400; the
        // binder's own limit is int32.
        assert_envelope(&c.post("annotation", json!({"assetUID": a, "text": "x", "page": 2})).await, 412, "beyond the asset's last page");
        assert_problem(&c.post("annotation", json!({"assetUID": a, "text": "x", "page": 2147483648u64})).await, "page");
        assert_problem(&c.post("annotation", json!({"assetUID": a, "text": "x", "region": {"x": "left"}})).await, "region");
        assert_envelope(&c.post("annotation", json!({"assetUID": "nope", "text": "x"})).await, 404, "Asset not found");
        assert_envelope(&c.post("annotation", json!({"assetUID": a, "text": "x", "parentUID": "nope"})).await, 404, "Annotation not found");
        // Complete / uncomplete: 406 when already so.
        assert_eq!(c.put("annotation/complete", json!({"annotationUID": nuid})).await.json["message"], "Annotation was completed.");
        assert_envelope(&c.put("annotation/complete", json!({"annotationUID": nuid})).await, 406, "already completed");
        assert_eq!(c.put("annotation/uncomplete", json!({"annotationUID": nuid})).await.json["message"], "Annotation was uncompleted.");
        assert_envelope(&c.put("annotation/uncomplete", json!({"annotationUID": nuid})).await, 406, "already uncompleted");
        assert_envelope(&c.put("annotation/complete", json!({"annotationUID": "nope"})).await, 404, "Annotation not found");
        assert_problem(&c.put("annotation/hide", json!({})).await, "annotationUID");
        // Another user can't hide (406) or delete (412) it.
        let rt = c.login("reviewer@example.com", "reviewer-password").await;
        let hide = c.http.put(c.url("annotation/hide")).bearer_auth(&rt).json(&json!({"annotationUID": nuid})).send().await.unwrap();
        assert_eq!(hide.status(), 406);
        let del = c.http.delete(c.url(&format!("annotation?AnnotationUID={nuid}"))).bearer_auth(&rt).send().await.unwrap();
        assert_eq!(del.status(), 412);
        let v: Value = del.json().await.unwrap();
        assert_eq!(v["message"], "You can delete only your annotation.");
        // The author can.
        let r = c.put("annotation/hide", json!({"annotationUID": nuid})).await;
        assert_eq!(r.result()["isHidden"], true);
        assert_eq!(c.delete(&format!("annotation?AnnotationUID={nuid}")).await.status, 200);
        assert_eq!(c.get(&format!("annotation/all?AssetUID={a}")).await.result().as_array().unwrap().len(), 0, "comments go with it");
        assert_envelope(&c.delete(&format!("annotation?AnnotationUID={nuid}")).await, 404, "Annotation not found");
    })
    .await;
}

/// A webhook receiver that answers 500 to the first `fail` posts, then 200.
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<(HeaderMap, Value)>>>,
    fail: Arc<Mutex<u32>>,
}

async fn receiver(fail: u32) -> (String, Receiver) {
    let rec = Receiver {
        fail: Arc::new(Mutex::new(fail)),
        ..Default::default()
    };
    let r2 = rec.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let rec = r2.clone();
            async move {
                let v: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                rec.got.lock().push((headers, v));
                let mut f = rec.fail.lock();
                if *f > 0 {
                    *f -= 1;
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::OK
                }
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.ok() });
    (format!("http://{addr}/hook"), rec)
}

async fn wait_for(rec: &Receiver, pred: impl Fn(&[(HeaderMap, Value)]) -> bool) {
    for _ in 0..300 {
        if pred(&rec.got.lock()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "webhook condition not reached: {:?}",
        rec.got
            .lock()
            .iter()
            .map(|(_, v)| v["EventType"].clone())
            .collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_crud_test_and_retry() {
    bounded(60, async {
        let c = Ctx::with(fast_config().webhook_backoff(Duration::from_millis(50))).await;
        let (url, rec) = receiver(2).await;
        let r = c.post("webhook", json!({"url": url})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let w = r.result().clone();
        let wuid = w["webhookUID"].as_str().unwrap().to_string();
        let secret = w["secret"].as_str().unwrap().to_string();
        assert_envelope(
            &c.post("webhook", json!({"url": url})).await,
            412,
            "already registered",
        );
        assert_problem(&c.post("webhook", json!({"url": "nope"})).await, "url");
        assert_problem(
            &c.post(
                "webhook",
                json!({"url": "http://x.example/h", "eventType": "bogus"}),
            )
            .await,
            "eventType",
        );
        assert_eq!(c.get("webhook").await.result().as_array().unwrap().len(), 1);

        // webhook/test: delivered after two failures, same EventId each time, with Api-Secret.
        assert_eq!(
            c.put_q(&format!("webhook/test?WebhookUID={wuid}"))
                .await
                .status,
            200
        );
        wait_for(&rec, |g| g.len() >= 3).await;
        {
            let got = rec.got.lock();
            let ids: Vec<_> = got.iter().map(|(_, v)| v["EventId"].clone()).collect();
            assert!(ids.iter().all(|i| *i == ids[0]));
            for (h, v) in got.iter() {
                assert_eq!(h["api-secret"], secret.as_str());
                assert_eq!(v["EventType"], "webhook.test");
                assert!(v["Created"].is_string() && v["Data"].is_object());
            }
        }
        let d = c.control(Method::GET, "webhooks/deliveries", None).await;
        let attempts: Vec<_> = d
            .json
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["attempt"].as_u64().unwrap(),
                    x["status"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(attempts, vec![(1, 500), (2, 500), (3, 200)]);
        assert_eq!(c.emu.deliveries().len(), 3);

        // Real events: project.created, asset.uploaded (PascalCase data, camelCase Task inside).
        let p = c.project("Hooked").await;
        let a = c.upload(&p, "a.png", png(4, 4)).await;
        c.wait_asset(&a).await;
        let me = c.me().await;
        c.post(
            "task/review_asset",
            json!({"projectUID": p, "userUID": me, "assetUIDs": [a]}),
        )
        .await;
        wait_for(&rec, |g| {
            let types: Vec<_> = g
                .iter()
                .map(|(_, v)| v["EventType"].as_str().unwrap_or("").to_string())
                .collect();
            ["project.created", "asset.uploaded", "task.created"]
                .iter()
                .all(|t| types.iter().any(|x| x == t))
        })
        .await;
        {
            let got = rec.got.lock();
            let created = got
                .iter()
                .find(|(_, v)| v["EventType"] == "project.created")
                .unwrap();
            assert_eq!(created.1["Data"]["ProjectUID"], p.as_str());
            assert_eq!(created.1["Data"]["Name"], "Hooked");
            assert_eq!(created.1["Data"]["Project"]["ProjectUID"], p.as_str());
            let task = got
                .iter()
                .find(|(_, v)| v["EventType"] == "task.created")
                .unwrap();
            assert!(task.1["Data"]["TaskUID"].is_string());
            assert_eq!(task.1["Data"]["Task"]["type"], "ReviewAssets");
            // Retries repeat an EventId; distinct events never share one.
            let mut ids: Vec<_> = got
                .iter()
                .map(|(_, v)| v["EventId"].as_str().unwrap().to_string())
                .collect();
            ids.dedup();
            let distinct: std::collections::HashSet<_> = ids.iter().collect();
            assert_eq!(
                distinct.len(),
                ids.len(),
                "distinct events have distinct ids"
            );
        }
        // Delete.
        assert_eq!(
            c.delete(&format!("webhook?WebhookUID={wuid}")).await.status,
            200
        );
        assert_envelope(
            &c.delete(&format!("webhook?WebhookUID={wuid}")).await,
            404,
            "Webhook not found",
        );
        assert_envelope(
            &c.put_q(&format!("webhook/test?WebhookUID={wuid}")).await,
            404,
            "Webhook not found",
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_event_filter_every_event_type_and_retry_window() {
    bounded(60, async {
        let c = Ctx::with(
            fast_config()
                .webhook_backoff(Duration::from_millis(20))
                .webhook_retry_window(Duration::from_millis(300)),
        )
        .await;
        let (all_url, all) = receiver(0).await;
        let (state_url, only_state) = receiver(0).await;
        let (dead_url, dead) = receiver(1_000_000).await;
        c.post("webhook", json!({"url": all_url})).await;
        c.post(
            "webhook",
            json!({"url": state_url, "eventType": "project.state"}),
        )
        .await;
        c.post(
            "webhook",
            json!({"url": dead_url, "eventType": "refdoc.deleted"}),
        )
        .await;
        let me = c.me().await;
        let p = c.project("Events").await;
        c.put(
            "project",
            json!({"projectUID": p, "projectName": "Events 2", "projectOwnersUIDS": [me]}),
        )
        .await;
        let a = c.upload(&p, "a.png", png(4, 4)).await;
        c.wait_asset(&a).await;
        let n = c
            .post("annotation", json!({"assetUID": a, "text": "x"}))
            .await
            .result()["annotationUID"]
            .as_str()
            .unwrap()
            .to_string();
        c.put("annotation/complete", json!({"annotationUID": n}))
            .await;
        c.delete(&format!("annotation?AnnotationUID={n}")).await;
        let rv = c
            .post(
                "task/review_asset",
                json!({"projectUID": p, "userUID": me, "assetUIDs": [a]}),
            )
            .await
            .result()["taskUID"]
            .as_str()
            .unwrap()
            .to_string();
        c.put(
            "task/complete",
            json!({"taskUID": rv, "status": "Approved"}),
        )
        .await;
        let rv = c
            .post(
                "task/review_asset",
                json!({"projectUID": p, "userUID": me, "assetUIDs": [a]}),
            )
            .await
            .result()["taskUID"]
            .as_str()
            .unwrap()
            .to_string();
        c.put(
            "task/complete",
            json!({"taskUID": rv, "status": "Rejected"}),
        )
        .await;
        let t = c
            .post("task/asset_upload", json!({"projectUID": p, "userUID": me}))
            .await
            .result()["taskUID"]
            .as_str()
            .unwrap()
            .to_string();
        c.delete(&format!("task?TaskUID={t}")).await;
        let d = c
            .post(
                "refdoc/add_url",
                json!({"projectUID": p, "url": "https://example.com"}),
            )
            .await
            .result()["refDocUID"]
            .as_str()
            .unwrap()
            .to_string();
        c.delete(&format!("refdoc?RefDocUID={d}")).await;
        c.delete(&format!("asset?AssetUID={a}")).await;
        c.put("project/state", json!({"projectUID": p, "state": "OnHold"}))
            .await;
        let expected = [
            "project.created",
            "project.edited",
            "project.state",
            "asset.uploaded",
            "asset.deleted",
            "refdoc.uploaded",
            "refdoc.deleted",
            "annotation.added",
            "annotation.edited",
            "annotation.deleted",
            "task.created",
            "task.completed",
            "task.deleted",
            "task.approved",
            "task.rejected",
        ];
        wait_for(&all, |g| {
            let types: Vec<_> = g
                .iter()
                .map(|(_, v)| v["EventType"].as_str().unwrap_or("").to_string())
                .collect();
            expected.iter().all(|t| types.iter().any(|x| x == t))
        })
        .await;
        let edited = all
            .got
            .lock()
            .iter()
            .find(|(_, v)| v["EventType"] == "project.edited")
            .unwrap()
            .1
            .clone();
        assert_eq!(edited["Data"]["Attribute"], "Name");
        assert_eq!(edited["Data"]["Value"], "Events 2");
        wait_for(&only_state, |g| !g.is_empty()).await;
        assert!(only_state
            .got
            .lock()
            .iter()
            .all(|(_, v)| v["EventType"] == "project.state"));
        // The failing endpoint is retried with backoff until the window closes, then dropped.
        wait_for(&dead, |g| g.len() >= 3).await;
        tokio::time::sleep(Duration::from_millis(700)).await;
        let n = dead.got.lock().len();
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(
            dead.got.lock().len(),
            n,
            "no more attempts after the window"
        );
        assert!(n < 12, "backoff grows: {n} attempts in 300 ms");
    })
    .await;
}
