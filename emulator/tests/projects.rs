//! Token, users and project operations: success paths, documented errors, state machine.

mod common;

use std::time::Duration;

use common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_login_validate_and_errors() {
    bounded(30, async {
        let c = Ctx::new().await;
        let r = c.get("token/validate").await;
        assert_eq!(r.status, 200);
        let r = c.call(Method::POST, "token/login", Some(json!({"userName": "admin@example.com", "password": "nope"})), false).await;
        assert_envelope(&r, 401, "Invalid");
        let r = c.call(Method::POST, "token/login", Some(json!({"userName": "lite@example.com", "password": "lite-password"})), false).await;
        assert_envelope(&r, 403, "Lite");
        let r = c.call(Method::POST, "token/login", Some(json!({"password": "x"})), false).await;
        assert_problem(&r, "userName");
        // Case-insensitive body field names, keepAliveTime in minutes.
        let r = c.call(Method::POST, "token/login", Some(json!({"USERNAME": "reviewer@example.com", "Password": "reviewer-password", "keepAliveTime": 1})), false).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let exp = chrono::NaiveDateTime::parse_from_str(r.result()["expirationDate"].as_str().unwrap(), "%Y-%m-%dT%H:%M:%S%.f").unwrap().and_utc();
        let left = exp - c.emu.now();
        assert!(left <= chrono::Duration::seconds(61) && left > chrono::Duration::seconds(50));
        // No, bad token → 401 with an empty body.
        let r = c.call(Method::GET, "token/validate", None, false).await;
        assert_eq!(r.status, 401);
        assert!(r.text.is_empty());
        let r = c.http.get(c.url("project")).bearer_auth("garbage").send().await.unwrap();
        assert_eq!(r.status(), 401);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_expiry_by_clock_and_config_ttl() {
    bounded(30, async {
        let c = Ctx::new().await;
        // Default 600 minutes: still valid after 599, expired after 601.
        c.emu.advance_clock(Duration::from_secs(599 * 60));
        assert_eq!(c.get("token/validate").await.status, 200);
        c.emu.advance_clock(Duration::from_secs(2 * 60));
        assert_eq!(c.get("token/validate").await.status, 401);
        assert_eq!(c.get("project").await.status, 401);
        // Control API clock + config TTL.
        let r = c
            .control(Method::POST, "config", Some(json!({"tokenTtlSeconds": 5})))
            .await;
        assert_eq!(r.json["tokenTtlSeconds"], 5);
        let t = c.login("admin@example.com", "admin-password").await;
        let ok = c
            .http
            .get(c.url("token/validate"))
            .bearer_auth(&t)
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 200);
        let r = c
            .control(Method::POST, "clock", Some(json!({"advanceSeconds": 6})))
            .await;
        assert!(r.json["now"].is_string());
        let gone = c
            .http
            .get(c.url("token/validate"))
            .bearer_auth(&t)
            .send()
            .await
            .unwrap();
        assert_eq!(gone.status(), 401);
        assert!(c.control(Method::GET, "clock", None).await.json["now"].is_string());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_and_logged_in() {
    bounded(30, async {
        let c = Ctx::new().await;
        let client = c.client().await;
        assert_eq!(client["name"], "ACME Packaging");
        assert_eq!(client["clientUID"].as_str().unwrap().len(), 32);
        let users: Vec<_> = client["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["email"].as_str().unwrap().to_string())
            .collect();
        assert!(users.contains(&"admin@example.com".to_string()));
        assert!(users.contains(&"reviewer@example.com".to_string()));
        assert_eq!(client["templates"][0]["name"], "Default template");
        let cols: Vec<_> = client["kanbanColumns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].clone())
            .collect();
        assert_eq!(
            cols,
            vec![json!("To do"), json!("In progress"), json!("Done")]
        );
        assert_eq!(client["folders"].as_array().unwrap().len(), 2);
        let me = c.get("user/loggedin").await;
        assert_eq!(me.result()["email"], "admin@example.com");
        assert_eq!(me.result()["fullName"], "Ada Admin");
        // Seeded UIDs are stable across emulators.
        let c2 = Ctx::new().await;
        assert_eq!(c2.client().await["clientUID"], client["clientUID"]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn project_create_list_edit_and_validation() {
    bounded(30, async {
        let c = Ctx::new().await;
        let me = c.me().await;
        let client = c.client().await;
        let folder = client["folders"][0]["folderUID"].as_str().unwrap().to_string();
        let template = client["templates"][0]["templateUID"].as_str().unwrap().to_string();
        let r = c
            .post("project", json!({"projectName": "Carton 330ml", "customer": "ACME", "tags": ["beer", "carton"], "dueDate": "2030-12-07T20:56:38.818Z", "projectOwnersUIDS": [me], "folderUID": folder, "templateUID": template}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let p = r.result().clone();
        let uid = p["projectUID"].as_str().unwrap().to_string();
        assert_eq!(p["name"], "Carton 330ml");
        assert_eq!(p["projectState"], "Active");
        assert_eq!(p["folderUID"], folder.as_str());
        assert_eq!(p["tags"], json!(["beer", "carton"]));
        c.project("Other").await;

        // List: query parameters bound case-insensitively; Query is case-sensitive.
        let r = c.get(&format!("project?projectuid={uid}")).await;
        assert_eq!(r.result().as_array().unwrap().len(), 1);
        assert_eq!(c.get("project").await.result().as_array().unwrap().len(), 2);
        assert_eq!(c.get("project?Query=330").await.result().as_array().unwrap().len(), 1);
        assert_eq!(c.get("project?Query=carton").await.result().as_array().unwrap().len(), 1, "tag match");
        assert_eq!(c.get("project?Query=CARTON").await.result().as_array().unwrap().len(), 0);
        assert_eq!(c.get("project?States=Archived").await.result().as_array().unwrap().len(), 0);
        let r = c.get(&format!("project?ProjectUID={uid}&IsLoadAssets=true&IsLoadTasks=true&IsLoadRefDocs=true&IsLoadMetadata=true")).await;
        let p = &r.result()[0];
        for k in ["assets", "tasks", "refDocs", "metadata"] {
            assert!(p[k].is_array(), "{k}");
        }
        assert_envelope(&c.get("project?ProjectUID=0123456789ABCDEF0123456789ABCDEF").await, 404, "Project not found");
        assert_problem(&c.get("project?States=Nope").await, "States");
        assert_problem(&c.get("project?IsLoadAssets=maybe").await, "IsLoadAssets");

        // Edit.
        let r = c.put("project", json!({"projectUID": uid, "projectName": "Carton 500ml", "projectOwnersUIDS": [me], "description": "bigger"})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.result()["name"], "Carton 500ml");
        assert_eq!(r.result()["customer"], "ACME", "absent fields unchanged");
        assert_envelope(&c.put("project", json!({"projectUID": "00000000000000000000000000000000", "projectName": "x", "projectOwnersUIDS": [me]})).await, 404, "not found");

        // Validation: empty/overlong fields, too many tags, bad dates, types, malformed JSON.
        assert_problem(&c.post("project", json!({"projectName": "", "projectOwnersUIDS": [me]})).await, "projectName");
        assert_problem(&c.post("project", json!({"projectName": "x", "projectOwnersUIDS": []})).await, "projectOwnersUIDS");
        assert_problem(&c.post("project", json!({"projectName": "x", "projectOwnersUIDS": [me], "customer": "c".repeat(51)})).await, "customer");
        assert_problem(&c.post("project", json!({"projectName": "x", "projectOwnersUIDS": [me], "description": "d".repeat(201)})).await, "description");
        let tags: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
        assert_problem(&c.post("project", json!({"projectName": "x", "projectOwnersUIDS": [me], "tags": tags})).await, "tags");
        assert_problem(&c.post("project", json!({"projectName": "x", "projectOwnersUIDS": [me], "tags": ["t".repeat(26)]})).await, "tags");
        assert_problem(&c.post("project", json!({"projectName": "x", "projectOwnersUIDS": [me], "dueDate": "soon"})).await, "dueDate");
        assert_problem(&c.post("project", json!({"projectName": {"a": 1}, "projectOwnersUIDS": [me]})).await, "projectName");
        assert_problem(&c.raw(Method::POST, "project", "application/json", "{\"projectName\": ").await, "$");
        assert_problem(&c.raw(Method::POST, "project", "text/plain", "not json").await, "$");
        assert_problem(&c.raw(Method::POST, "project", "application/json", "").await, "$");
        assert_problem(&c.raw(Method::POST, "project", "application/json", "[1,2]").await, "$");
        // Unknown owner 412, unknown folder 404.
        assert_envelope(&c.post("project", json!({"projectName": "x", "projectOwnersUIDS": ["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"]})).await, 412, "Project owner with the UID [FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF] not available.");
        assert_envelope(&c.post("project", json!({"projectName": "x", "projectOwnersUIDS": [me], "folderUID": "nope"})).await, 404, "Folder");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn project_state_machine_and_delete() {
    bounded(30, async {
        let c = Ctx::new().await;
        let me = c.me().await;
        let p = c.project("States").await;
        let set = |s: &'static str| {
            let p = p.clone();
            let c = &c;
            async move {
                c.put("project/state", json!({"projectUID": p, "state": s}))
                    .await
            }
        };
        // Delete needs Completed/Archived.
        assert_envelope(
            &c.delete(&format!("project?ProjectUID={p}")).await,
            412,
            "Completed or Archived",
        );
        // Same state: HTTP 406 (the body says 412, as documented).
        let r = set("Active").await;
        assert_eq!(r.status, 406);
        assert_eq!(r.json["statusCode"], 412);
        assert_eq!(r.json["message"], "Project already has state Active.");
        assert_problem(&set("InTransit").await, "state");
        assert_problem(&set("Bogus").await, "state");
        assert_envelope(
            &c.put(
                "project/state",
                json!({"projectUID": "0000", "state": "OnHold"}),
            )
            .await,
            404,
            "Project not found",
        );
        assert_eq!(set("OnHold").await.result()["projectState"], "OnHold");
        // A task, deleted by Completed.
        let t = c
            .post("task/asset_upload", json!({"projectUID": p, "userUID": me}))
            .await;
        assert_eq!(t.status, 200, "{}", t.text);
        let tuid = t.result()["taskUID"].as_str().unwrap().to_string();
        assert_eq!(set("Completed").await.result()["projectState"], "Completed");
        assert_envelope(
            &c.get(&format!("task?TaskUID={tuid}")).await,
            404,
            "Task not found",
        );
        // Read-only when Completed.
        assert_envelope(
            &c.put(
                "project",
                json!({"projectUID": p, "projectName": "x", "projectOwnersUIDS": [me]}),
            )
            .await,
            406,
            "Active or OnHold",
        );
        assert_envelope(
            &c.post("task/asset_upload", json!({"projectUID": p, "userUID": me}))
                .await,
            412,
            "[Complete]",
        );
        // Archived passes through InTransit.
        let r = set("Archived").await;
        assert_eq!(r.result()["projectState"], "InTransit");
        assert_envelope(
            &c.put(
                "project",
                json!({"projectUID": p, "projectName": "x", "projectOwnersUIDS": [me]}),
            )
            .await,
            406,
            "InTransit",
        );
        assert_eq!(set("Active").await.status, 406, "no change while InTransit");
        let mut state = String::new();
        for _ in 0..100 {
            let r = c
                .get(&format!(
                    "project?ProjectUID={p}&States=Active,OnHold,Completed,Archived,InTransit"
                ))
                .await;
            state = r.result()[0]["projectState"].as_str().unwrap().to_string();
            if state == "Archived" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(state, "Archived");
        // Archived → Active passes through InTransit too.
        assert_eq!(set("Active").await.result()["projectState"], "InTransit");
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(
            c.get(&format!("project?ProjectUID={p}")).await.result()[0]["projectState"],
            "Active"
        );
        assert_eq!(set("Completed").await.status, 200);
        let r = c.delete(&format!("project?projectuid={p}")).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_envelope(
            &c.delete(&format!("project?ProjectUID={p}")).await,
            404,
            "Project not found",
        );
        assert_problem(&c.delete("project").await, "ProjectUID");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metadata_kanban_folder_and_proofreport() {
    bounded(30, async {
        let c = Ctx::new().await;
        let p = c.project("Meta").await;
        let client = c.client().await;
        let col = client["kanbanColumns"][1]["kanbanColumnUID"]
            .as_str()
            .unwrap()
            .to_string();
        let folder = client["folders"][1]["folderUID"]
            .as_str()
            .unwrap()
            .to_string();

        assert_eq!(
            c.get(&format!("project/meta?ProjectUID={p}"))
                .await
                .result(),
            &json!([])
        );
        assert_eq!(
            c.post(
                "project/meta",
                json!({"projectUID": p, "key": "order", "value": "42"})
            )
            .await
            .status,
            200
        );
        assert_eq!(
            c.post(
                "project/meta",
                json!({"projectUID": p, "key": "order", "value": "43"})
            )
            .await
            .status,
            200
        );
        assert_eq!(
            c.post(
                "project/meta",
                json!({"projectUID": p, "key": "x", "value": ""})
            )
            .await
            .status,
            200
        );
        let r = c.get(&format!("project/meta?ProjectUID={p}")).await;
        assert_eq!(
            r.result(),
            &json!([{"key": "order", "value": "43"}, {"key": "x", "value": ""}])
        );
        assert_eq!(
            c.delete(&format!("project/meta?ProjectUID={p}&Key=x"))
                .await
                .status,
            200
        );
        assert_envelope(
            &c.delete(&format!("project/meta?ProjectUID={p}&Key=x"))
                .await,
            404,
            "Metadata",
        );
        assert_problem(
            &c.post("project/meta", json!({"projectUID": p, "key": ""}))
                .await,
            "key",
        );
        assert_envelope(
            &c.get("project/meta?ProjectUID=nope").await,
            404,
            "Project not found",
        );
        let r = c
            .get(&format!("project?ProjectUID={p}&IsLoadMetadata=true"))
            .await;
        assert_eq!(
            r.result()[0]["metadata"],
            json!([{"key": "order", "value": "43"}])
        );

        let r = c
            .post(
                "project/kanban/column",
                json!({"projectUID": p, "kanbanColumnUID": col}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.result()["kanbanColumnUID"], col.as_str());
        assert_envelope(
            &c.post(
                "project/kanban/column",
                json!({"projectUID": p, "kanbanColumnUID": "nope"}),
            )
            .await,
            404,
            "Kanban column",
        );
        assert_envelope(
            &c.post(
                "project/kanban/column",
                json!({"projectUID": "nope", "kanbanColumnUID": col}),
            )
            .await,
            404,
            "Project with the given UID not found.",
        );
        assert_problem(
            &c.post("project/kanban/column", json!({"projectUID": p}))
                .await,
            "kanbanColumnUID",
        );
        let r = c
            .post(
                "project/folder",
                json!({"projectUID": p, "folderUID": folder}),
            )
            .await;
        assert_eq!(r.result()["folderUID"], folder.as_str());
        assert_envelope(
            &c.post(
                "project/folder",
                json!({"projectUID": p, "folderUID": "nope"}),
            )
            .await,
            404,
            "Folder",
        );
        c.put(
            "project/state",
            json!({"projectUID": p, "state": "Completed"}),
        )
        .await;
        assert_envelope(
            &c.post(
                "project/kanban/column",
                json!({"projectUID": p, "kanbanColumnUID": col}),
            )
            .await,
            406,
            "completed or archived",
        );
        assert_envelope(
            &c.post(
                "project/folder",
                json!({"projectUID": p, "folderUID": folder}),
            )
            .await,
            406,
            "completed or archived",
        );

        // Proof report: a real PDF 1.4 at an absolute URL built from the Host header.
        let r = c.get(&format!("project/proofreport?ProjectUID={p}")).await;
        let url = r.result()["downloadURL"].as_str().unwrap().to_string();
        assert!(url.starts_with(&c.emu.url()), "{url}");
        let pdf = c.http.get(&url).send().await.unwrap();
        assert_eq!(pdf.headers()["content-type"], "application/pdf");
        let bytes = pdf.bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF-1.4"));
        let doc = lopdf::Document::load_mem(&bytes).unwrap();
        assert_eq!(doc.get_pages().len(), 1);
        let r = c
            .http
            .get(c.url(&format!("project/proofreport?ProjectUID={p}")))
            .bearer_auth(&c.token)
            .header("Host", "reports.example:8443")
            .send()
            .await
            .unwrap();
        let v: serde_json::Value = r.json().await.unwrap();
        assert!(v["result"]["downloadURL"]
            .as_str()
            .unwrap()
            .starts_with("http://reports.example:8443/files/report/"));
        assert_envelope(
            &c.get("project/proofreport?ProjectUID=nope").await,
            404,
            "Project not found",
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_route_and_no_500_on_garbage() {
    bounded(30, async {
        let c = Ctx::new().await;
        assert_eq!(c.get("nothing/here").await.status, 404);
        for (m, path) in [
            (Method::POST, "project"),
            (Method::PUT, "project"),
            (Method::PUT, "project/state"),
            (Method::POST, "project/meta"),
            (Method::POST, "task/review_asset"),
            (Method::POST, "task/review_asset_ext"),
            (Method::PUT, "task/complete"),
            (Method::POST, "annotation"),
            (Method::POST, "webhook"),
            (Method::POST, "refdoc/add_url"),
        ] {
            for body in [
                "{",
                "null",
                "\"x\"",
                "{\"projectUID\": [1]}",
                "{\"assetUIDs\": \"A,B\", \"userUID\": 5}",
            ] {
                let r = c.raw(m.clone(), path, "application/json", body).await;
                assert!(
                    r.status == 400 || r.status == 404 || r.status == 412,
                    "{m} {path} {body}: {} {}",
                    r.status,
                    r.text
                );
            }
        }
    })
    .await;
}
