//! Every message of the vendor documentation, verbatim. The messages are EXTRACTED from
//! `spec/vendor-docs.txt` (a copy of the vendor's API documentation, the project's source of
//! truth): the `"message"` of every sample envelope (with its `-or-` alternatives), every
//! `Error: ...` line and the 429's `Content:` line. Each extracted text must be listed in
//! `TABLE` below, either as produced by the emulator (a request that yields it, checked
//! verbatim with the documented HTTP status and, where the sample shows one, the body's
//! `statusCode`), or as the description of a response whose sample envelope carries another,
//! documented (and produced) message. A new message in the documentation fails this test until
//! it is classified. Placeholders of the documentation (`XXXX`, `ZZZZ`, `XXX Gb`) match any
//! value.
mod common;

use std::collections::BTreeSet;

use common::*;
use reqwest::Method;
use serde_json::json;

const DOCS: &str = include_str!("../../spec/vendor-docs.txt");

/// How the emulator answers with a documented text.
enum Use {
    /// A request yields it: HTTP status and, when the sample envelope shows one, its body's
    /// `statusCode` (the documentation's 406-with-412 and 412-with-404 are reproduced).
    Produced(u16, Option<u16>),
    /// The prose of a response whose sample envelope carries this other (produced) message.
    DescribedBy(&'static str),
    /// Not a message (with the reason).
    NotAMessage(&'static str),
}

const NOT_MUTABLE: &str = "Project editing is possible only when the project is Active or OnHold. Completed, Archived or InTransit projects are not mutable. Please see PUT /api/v1/project/state.";
const TASK_STATE: &str = "You cannot create a task for a project in the state [Complete].";

const TABLE: &[(&str, Use)] = &[
    ("Project not found or already deleted.", Use::Produced(404, Some(404))),
    ("Project not found.", Use::Produced(404, Some(404))),
    ("Project already has state XXXX.", Use::Produced(406, Some(412))),
    ("GET Request successful.", Use::Produced(200, Some(200))),
    ("POST Request successful.", Use::Produced(200, Some(200))),
    ("Asset not found.", Use::Produced(404, Some(404))),
    ("Asset uploaded successfully and is pending to process. Track its status to catch when it is ready to use.", Use::Produced(200, Some(200))),
    ("Asset uploaded successfully and is pending to process. Track it's status to catch when it'd ready to use.", Use::Produced(200, Some(200))),
    ("Document uploaded successfully and is pending to process. Track its status to catch when it is ready to use.", Use::Produced(200, Some(200))),
    ("Document uploaded successfully and is pending to process. Track it's status to catch when it'd ready to use.", Use::Produced(200, Some(200))),
    ("Project UID provided is either invalid or points to a non-existing or inactive project.", Use::Produced(404, Some(404))),
    ("Task UID provided is either invalid or points to a non-existing or inactive task.", Use::Produced(404, Some(404))),
    ("Only task types UploadAssets and UploadChangedAsset are allowed.", Use::Produced(412, Some(412))),
    ("File to upload must be the same type as the original file (.pdf).", Use::Produced(412, Some(412))),
    ("Reference document not found or it was already deleted.", Use::Produced(404, Some(404))),
    (TASK_STATE, Use::Produced(412, Some(412))),
    ("Annotation not found.", Use::Produced(404, Some(404))),
    ("You can delete only your annotation.", Use::Produced(412, Some(404))),
    ("Annotation was uncompleted.", Use::Produced(200, Some(200))),
    ("API calls quota exceeded! maximum admitted 2 per 1m.", Use::Produced(429, None)),
    ("The user uses Lite payment plan option. API is available only for Pro users. Please consult our support on this: https://approval.studio/contact/", Use::Produced(403, None)),
    ("Folder with the given UID not available for this project.", Use::Produced(404, None)),
    ("Project owner with the UID [XXXXXXXXXX] not available.", Use::Produced(412, None)),
    (NOT_MUTABLE, Use::Produced(406, None)),
    ("Project must be either Completed or Archived to be deleted.", Use::Produced(412, None)),
    ("Project with the given UID not found.", Use::Produced(404, None)),
    ("Kanban column with the given UID not available for this project.", Use::Produced(404, None)),
    ("Can\u{2019}t edit completed or archived projects.", Use::Produced(406, None)),
    ("You have reached the storage limit for your plan (XXX Gb) and therefore not allowed to upload new assets.", Use::Produced(403, None)),
    ("User with UID [ZZZZZZZZZZZZZ] not found.", Use::Produced(412, None)),
    ("Annotation is already completed.", Use::Produced(406, None)),
    ("Webhook with the given URL is already registered for this tenant. API does not allow to setup duplicates.", Use::Produced(412, None)),
    // Prose whose response has a sample envelope with a shorter message.
    ("Project with the given ID not found or it has been already deleted.", Use::DescribedBy("Project not found or already deleted.")),
    ("Project with the given ID not found, and, therefore project deletion failed.", Use::DescribedBy("Project not found.")),
    ("Project with the given ID not found and therefore proof report generation failed.", Use::DescribedBy("Project not found.")),
    ("The project with the given ID already has the requested state; no updating made.", Use::DescribedBy("Project already has state XXXX.")),
    ("Asset with the given ID not found.", Use::DescribedBy("Asset not found.")),
    ("Project UID is either invalid or points to a non-existing or inactive project.", Use::DescribedBy("Project UID provided is either invalid or points to a non-existing or inactive project.")),
    ("Task UID is either invalid or points to a non-existing or inactive task.", Use::DescribedBy("Task UID provided is either invalid or points to a non-existing or inactive task.")),
    ("In case when it is UploadChangedAsset task: the file to upload must be the same type as the original file.", Use::DescribedBy("File to upload must be the same type as the original file (.pdf).")),
    ("Reference document UID is either invalid or points to a non-existing or deleted document.", Use::DescribedBy("Reference document not found or it was already deleted.")),
    ("You cannot create a task for a project in the state Complete. Only projects that are Active or OnHold can have tasks.", Use::DescribedBy(TASK_STATE)),
    ("You cannot create a task for a project in the state [Complete]. Only projects that are Active or OnHold can have tasks.", Use::DescribedBy(TASK_STATE)),
    ("Only the user that created the annotation or comment can delete it. You cannot delete other\u{2019}s users\u{2019} annotations and this annotation does not belong to you. Deletion failed.", Use::DescribedBy("You can delete only your annotation.")),
    ("Annotation with the given ID not found.", Use::DescribedBy("Annotation not found.")),
    ("Parameters\u{2019} validation failed.", Use::NotAMessage("the 400's caption: its body is the problem details (\"See HTTP code 400 description\"), checked below")),
];

/// The documented texts: sample envelopes' messages, `Error:` lines, the 429 `Content:` line.
fn extract(doc: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = doc;
    while let Some(i) = rest.find("\"message\"") {
        let after = &rest[i + "\"message\"".len()..];
        let Some(after) = after.trim_start().strip_prefix(':') else {
            rest = after;
            continue;
        };
        let mut s = after.trim_start();
        // A string, then any number of `-or- "..."` alternatives.
        while let Some(body) = s.strip_prefix('"') {
            let end = body
                .find('"')
                .expect("unterminated message in the documentation");
            out.insert(body[..end].split_whitespace().collect::<Vec<_>>().join(" "));
            s = &body[end + 1..];
            match s.trim_start().strip_prefix("-or-") {
                Some(next) => s = next.trim_start(),
                None => break,
            }
        }
        rest = s;
    }
    for line in doc.lines() {
        for prefix in ["Error: ", "Content: "] {
            if let Some(m) = line.strip_prefix(prefix) {
                out.insert(m.trim().to_string());
            }
        }
    }
    out
}

/// `text` matches the documented `template`, whose placeholders (runs of 3+ `X` or `Z`) stand
/// for any non-empty value.
fn matches_template(template: &str, text: &str) -> bool {
    let mut parts: Vec<String> = vec![String::new()];
    let chars: Vec<char> = template.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|&&x| x == c).count();
        if (c == 'X' || c == 'Z') && run >= 3 {
            parts.push(String::new());
            i += run;
        } else {
            parts.last_mut().unwrap().push(c);
            i += 1;
        }
    }
    if parts.len() == 1 {
        return template == text;
    }
    let (first, last) = (&parts[0], parts.last().unwrap());
    let Some(mut rest) = text.strip_prefix(first.as_str()) else {
        return false;
    };
    // Each placeholder stands for at least one character.
    for mid in &parts[1..parts.len() - 1] {
        match rest.get(1..).and_then(|r| r.find(mid.as_str())) {
            Some(j) => rest = &rest[1 + j + mid.len()..],
            None => return false,
        }
    }
    rest.len() > last.len() && rest.ends_with(last.as_str())
}

struct Fx {
    me: String,
    project: String,
    completed: String,
    asset: String,
    review_task: String,
    changed_task: String,
    reviewer_note: String,
    thumb: String,
    column: String,
}

async fn fixtures(c: &Ctx) -> Fx {
    let me = c.me().await;
    let reviewer = c.user_uid("reviewer@example.com").await;
    let project = c.project("Messages").await;
    let asset = c.upload(&project, "drawing.pdf", pdf(1)).await;
    let a = c.wait_asset(&asset).await;
    let thumb = a["thumbnailUrl"].as_str().unwrap().to_string();
    let t = c
        .post(
            "task/review_asset",
            json!({"projectUID": project, "userUID": reviewer, "assetUIDs": [asset]}),
        )
        .await;
    let review_task = t.result()["taskUID"].as_str().unwrap().to_string();
    let t = c
        .post(
            "task/asset_upload",
            json!({"projectUID": project, "userUID": me, "assetUID": asset}),
        )
        .await;
    assert_eq!(t.result()["type"], "UploadChangedAsset", "{}", t.text);
    let changed_task = t.result()["taskUID"].as_str().unwrap().to_string();
    let rtoken = c.login("reviewer@example.com", "reviewer-password").await;
    let r = c
        .http
        .post(c.url("annotation"))
        .bearer_auth(rtoken)
        .json(&json!({"assetUID": asset, "text": "Reviewer's note"}))
        .send()
        .await
        .unwrap();
    let reviewer_note = Ctx::resp(r).await.result()["annotationUID"]
        .as_str()
        .unwrap()
        .to_string();
    let completed = c.project("Messages, completed").await;
    let r = c
        .put(
            "project/state",
            json!({"projectUID": completed, "state": "Completed"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let column = c.client().await["kanbanColumns"][0]["kanbanColumnUID"]
        .as_str()
        .unwrap()
        .to_string();
    Fx {
        me,
        project,
        completed,
        asset,
        review_task,
        changed_task,
        reviewer_note,
        thumb,
        column,
    }
}

const NOPE: &str = "0123456789ABCDEF0123456789ABCDEF";

/// The requests that yield a documented message (each must yield it).
async fn produce(c: &Ctx, fx: &Fx, text: &str) -> Vec<Resp> {
    let Fx {
        me,
        project: p,
        completed: done,
        asset: a,
        ..
    } = fx;
    match text {
        "Project not found or already deleted." => vec![
            c.put("project", json!({"projectUID": NOPE, "projectName": "x", "projectOwnersUIDS": [me]})).await,
        ],
        "Project not found." => vec![
            c.delete(&format!("project?ProjectUID={NOPE}")).await,
            c.get(&format!("project/proofreport?ProjectUID={NOPE}")).await,
            c.put("project/state", json!({"projectUID": NOPE, "state": "OnHold"})).await,
        ],
        "Project already has state XXXX." => vec![
            c.put("project/state", json!({"projectUID": p, "state": "Active"})).await,
        ],
        "GET Request successful." => vec![
            c.get(&format!("asset?AssetUID={a}")).await,
            c.get("webhook").await,
        ],
        "POST Request successful." => vec![
            c.post("webhook", json!({"url": "http://127.0.0.1:9/messages"})).await,
        ],
        "Asset not found." => vec![
            c.get(&format!("asset?AssetUID={NOPE}")).await,
            c.delete(&format!("asset?AssetUID={NOPE}")).await,
        ],
        "Asset uploaded successfully and is pending to process. Track its status to catch when it is ready to use." => vec![
            upload_at(c, &format!("asset/upload?ProjectUID={p}"), "art.png", png(4, 4)).await,
        ],
        "Asset uploaded successfully and is pending to process. Track it's status to catch when it'd ready to use." => vec![
            c.call(Method::POST, &format!("asset/upload_url?ProjectUID={p}&URL={}", fx.thumb), None, true).await,
        ],
        "Document uploaded successfully and is pending to process. Track its status to catch when it is ready to use." => vec![
            upload_at(c, &format!("refdoc/upload?ProjectUID={p}"), "brief.png", png(4, 4)).await,
        ],
        "Document uploaded successfully and is pending to process. Track it's status to catch when it'd ready to use." => vec![
            c.call(Method::POST, &format!("refdoc/upload_url?ProjectUID={p}&URL={}", fx.thumb), None, true).await,
        ],
        "Project UID provided is either invalid or points to a non-existing or inactive project." => vec![
            upload_at(c, &format!("asset/upload?ProjectUID={NOPE}"), "art.png", png(4, 4)).await,
            upload_at(c, &format!("asset/upload?ProjectUID={done}"), "art.png", png(4, 4)).await,
            upload_at(c, &format!("refdoc/upload?ProjectUID={NOPE}"), "brief.png", png(4, 4)).await,
            c.call(Method::POST, &format!("asset/upload_url?ProjectUID={NOPE}&URL={}", fx.thumb), None, true).await,
        ],
        "Task UID provided is either invalid or points to a non-existing or inactive task." => vec![
            upload_at(c, &format!("asset/upload?ProjectUID={p}&TaskUID={NOPE}"), "art.png", png(4, 4)).await,
        ],
        "Only task types UploadAssets and UploadChangedAsset are allowed." => vec![
            upload_at(c, &format!("asset/upload?ProjectUID={p}&TaskUID={}", fx.review_task), "art.png", png(4, 4)).await,
        ],
        "File to upload must be the same type as the original file (.pdf)." => vec![
            upload_at(c, &format!("asset/upload?ProjectUID={p}&TaskUID={}", fx.changed_task), "art.png", png(4, 4)).await,
        ],
        "Reference document not found or it was already deleted." => vec![
            c.get(&format!("refdoc?RefDocUID={NOPE}")).await,
            c.delete(&format!("refdoc?RefDocUID={NOPE}")).await,
        ],
        TASK_STATE => vec![
            c.post("task/asset_upload", json!({"projectUID": done, "userUID": me})).await,
            c.post("task/review_asset_ext", json!({"projectUID": done, "email": "a@example.com", "assetUIDs": [a]})).await,
        ],
        "Annotation not found." => vec![
            c.delete(&format!("annotation?AnnotationUID={NOPE}")).await,
            c.put("annotation/complete", json!({"annotationUID": NOPE})).await,
        ],
        "You can delete only your annotation." => vec![
            c.delete(&format!("annotation?AnnotationUID={}", fx.reviewer_note)).await,
        ],
        "Annotation was uncompleted." => {
            let n = c.post("annotation", json!({"assetUID": a, "text": "to uncomplete"})).await;
            let n = n.result()["annotationUID"].as_str().unwrap().to_string();
            assert_eq!(c.put("annotation/complete", json!({"annotationUID": n})).await.status, 200);
            vec![c.put("annotation/uncomplete", json!({"annotationUID": n})).await]
        }
        "Annotation is already completed." => {
            let n = c.post("annotation", json!({"assetUID": a, "text": "to complete"})).await;
            let n = n.result()["annotationUID"].as_str().unwrap().to_string();
            assert_eq!(c.put("annotation/complete", json!({"annotationUID": n})).await.status, 200);
            vec![c.put("annotation/complete", json!({"annotationUID": n})).await]
        }
        "API calls quota exceeded! maximum admitted 2 per 1m." => {
            let q = Ctx::with(fast_config().quota(approvalstudio_emulator::Quota::new(2, std::time::Duration::from_secs(60)))).await;
            // The login spent one call; one more, then the documented 429.
            q.get("token/validate").await;
            let r = q.get("token/validate").await;
            vec![Resp { json: json!({"message": r.text}), ..r }]
        }
        "The user uses Lite payment plan option. API is available only for Pro users. Please consult our support on this: https://approval.studio/contact/" => vec![
            c.call(Method::POST, "token/login", Some(json!({"userName": "lite@example.com", "password": "lite-password"})), false).await,
        ],
        "Folder with the given UID not available for this project." => vec![
            c.post("project", json!({"projectName": "x", "projectOwnersUIDS": [me], "folderUID": NOPE})).await,
            c.post("project/folder", json!({"projectUID": p, "folderUID": NOPE})).await,
        ],
        "Project owner with the UID [XXXXXXXXXX] not available." => vec![
            c.post("project", json!({"projectName": "x", "projectOwnersUIDS": [NOPE]})).await,
        ],
        NOT_MUTABLE => vec![
            c.put("project", json!({"projectUID": done, "projectName": "x", "projectOwnersUIDS": [me]})).await,
        ],
        "Project must be either Completed or Archived to be deleted." => vec![
            c.delete(&format!("project?ProjectUID={p}")).await,
        ],
        "Project with the given UID not found." => vec![
            c.post("project/kanban/column", json!({"projectUID": NOPE, "kanbanColumnUID": fx.column})).await,
            c.post("project/folder", json!({"projectUID": NOPE, "folderUID": NOPE})).await,
        ],
        "Kanban column with the given UID not available for this project." => vec![
            c.post("project/kanban/column", json!({"projectUID": p, "kanbanColumnUID": NOPE})).await,
        ],
        "Can\u{2019}t edit completed or archived projects." => {
            let folder = c.client().await["folders"][0]["folderUID"].as_str().unwrap().to_string();
            vec![
                c.post("project/kanban/column", json!({"projectUID": done, "kanbanColumnUID": fx.column})).await,
                c.post("project/folder", json!({"projectUID": done, "folderUID": folder})).await,
            ]
        }
        "You have reached the storage limit for your plan (XXX Gb) and therefore not allowed to upload new assets." => {
            c.emu.set_config(c.emu.config().storage_limit_bytes(1));
            let r = upload_at(c, &format!("asset/upload?ProjectUID={p}"), "art.png", png(4, 4)).await;
            let mut cfg = c.emu.config();
            cfg.storage_limit_bytes = None;
            c.emu.set_config(cfg);
            vec![r]
        }
        "User with UID [ZZZZZZZZZZZZZ] not found." => vec![
            c.post("task/asset_upload", json!({"projectUID": p, "userUID": NOPE})).await,
        ],
        "Webhook with the given URL is already registered for this tenant. API does not allow to setup duplicates." => {
            c.post("webhook", json!({"url": "http://127.0.0.1:9/twice"})).await;
            vec![c.post("webhook", json!({"url": "http://127.0.0.1:9/twice"})).await]
        }
        other => panic!("no request produces {other:?}: add one to produce()"),
    }
}

#[test]
fn extraction_finds_the_documented_messages() {
    let found = extract(DOCS);
    // Spot checks of the extractor itself: a multi-line message, an `-or-` alternative, an
    // inline envelope, an `Error:` line and the 429 `Content:` line.
    for m in [
        "Asset uploaded successfully and is pending to process. Track its status to catch when it is ready to use.",
        "Task UID provided is either invalid or points to a non-existing or inactive task.",
        "Document uploaded successfully and is pending to process. Track it's status to catch when it'd ready to use.",
        "Project must be either Completed or Archived to be deleted.",
        "API calls quota exceeded! maximum admitted 2 per 1m.",
    ] {
        assert!(found.contains(m), "not extracted: {m}");
    }
    assert!(found.len() >= 40, "only {} texts extracted", found.len());
    assert!(matches_template(
        "Project already has state XXXX.",
        "Project already has state Active."
    ));
    assert!(!matches_template(
        "Project already has state XXXX.",
        "Project already has state ."
    ));
    assert!(matches_template("(XXX Gb) x [ZZZZ].", "(0.5 Gb) x [A1]."));
    assert!(!matches_template("Asset not found.", "Asset not found"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_message_is_produced_verbatim() {
    bounded(90, async {
        let found = extract(DOCS);
        let listed: BTreeSet<String> = TABLE.iter().map(|(t, _)| t.to_string()).collect();
        let unknown: Vec<_> = found.difference(&listed).collect();
        assert!(
            unknown.is_empty(),
            "documented texts not classified in TABLE: {unknown:#?}"
        );
        let stale: Vec<_> = listed.difference(&found).collect();
        assert!(
            stale.is_empty(),
            "TABLE lists texts the documentation lacks: {stale:#?}"
        );

        let c = Ctx::new().await;
        let fx = fixtures(&c).await;
        let mut produced = 0;
        for (text, used) in TABLE {
            match used {
                Use::Produced(status, body_status) => {
                    for r in produce(&c, &fx, text).await {
                        assert_eq!(r.status, *status, "{text}: {}", r.text);
                        let msg = r.json["message"].as_str().unwrap_or_default();
                        assert!(
                            matches_template(text, msg),
                            "documented {text:?}\n produced {msg:?}"
                        );
                        if let Some(b) = body_status {
                            assert_eq!(r.json["statusCode"], *b, "{text}: body statusCode");
                            assert_eq!(r.json["version"], "1.0", "{text}");
                        }
                    }
                    produced += 1;
                }
                Use::DescribedBy(target) => {
                    assert!(
                        TABLE
                            .iter()
                            .any(|(t, u)| t == target && matches!(u, Use::Produced(..))),
                        "{text}: described message {target:?} is not produced"
                    );
                }
                Use::NotAMessage(reason) => assert!(!reason.is_empty(), "{text}: say why"),
            }
        }
        assert!(produced >= 30, "{produced}");
        // The 400 ("Parameters' validation failed. See HTTP code 400 description"): the
        // documented problem details, with the documented wording per field.
        let r = c
            .post("project", json!({"projectOwnersUIDS": [fx.me]}))
            .await;
        assert_problem(&r, "projectName");
        assert_eq!(
            r.json["errors"]["projectName"][0],
            "'projectName' must not be empty."
        );
    })
    .await;
}
