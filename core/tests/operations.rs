//! Every operation of the API against the in-process emulator (JSON calls through Prism when
//! APST_PRISM=1; binary transfers direct).

mod common;

use approvalstudio::*;
use common::{bounded, pdf_bytes, Env};
use std::time::Duration;

#[tokio::test]
async fn token_login_and_validate() {
    bounded(async {
        let env = Env::start().await;
        let res = env.client.login().await.unwrap();
        assert!(res.token.is_some());
        assert!(res.expiration_date.is_some());
        assert!(!format!("{res:?}").contains(res.token.as_ref().unwrap().expose_secret()));
        env.client.validate().await.unwrap();
        // A caller-supplied token works; a bad one is Unauthorized without credentials.
        let tok = res.token.unwrap().expose_secret().to_string();
        let by_token = Client::builder()
            .base_url(env.api_url())
            .token(tok)
            .build()
            .unwrap();
        by_token.validate().await.unwrap();
        let bad = Client::builder()
            .base_url(env.api_url())
            .token("nope")
            .build()
            .unwrap();
        assert_eq!(
            bad.validate().await.unwrap_err().kind(),
            ErrorKind::Unauthorized
        );
        // Wrong password → Unauthorized; Lite plan → Forbidden.
        let wrong = env.client_as("admin@example.com", "wrong");
        let e = wrong.login().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unauthorized);
        assert!(!e.to_string().contains("wrong"), "no password in errors");
        let lite = env.client_as("lite@example.com", "lite-password");
        assert_eq!(lite.login().await.unwrap_err().kind(), ErrorKind::Forbidden);
    })
    .await
}

#[tokio::test]
async fn users_list_and_logged_in() {
    bounded(async {
        let env = Env::start().await;
        let me = env.client.users().logged_in().await.unwrap();
        assert_eq!(me.email.as_deref(), Some("admin@example.com"));
        let tenants = env.client.users().list().await.unwrap();
        assert_eq!(tenants.len(), 1);
        let t = &tenants[0];
        assert!(t.users.iter().any(|u| u.user_uid == me.user_uid));
        assert!(!t.templates.is_empty());
        assert_eq!(t.kanban_columns.len(), 3);
        assert_eq!(t.folders.len(), 2);
        assert!(t.raw().is_object());
    })
    .await
}

#[tokio::test]
async fn projects_crud_state_meta_moves() {
    bounded(async {
        let env = Env::start().await;
        let c = &env.client;
        let owner = env.owner().await;
        let tenants = c.users().list().await.unwrap();
        let t = &tenants[0];
        let p = c
            .projects()
            .create(
                NewProject::new("Carton 330ml", [owner.clone()])
                    .customer("ACME")
                    .project("Soda")
                    .design("Front")
                    .revision("3")
                    .description("A test")
                    .tags(["red", "blue"])
                    .client_uid(t.client_uid.clone())
                    .template_uid(t.templates[0].template_uid.clone())
                    .folder_uid(t.folders[0].folder_uid.clone())
                    .due_date(chrono::Utc::now() + chrono::Duration::days(3)),
            )
            .await
            .unwrap();
        assert_eq!(p.name.as_deref(), Some("Carton 330ml"));
        assert_eq!(p.state, Some(ProjectState::Active));
        assert_eq!(p.tags, vec!["red", "blue"]);
        assert!(p.owners.contains(&owner));

        // list + query + get + get_with
        let found = c
            .projects()
            .list(ProjectQuery::new().query("Carton"))
            .await
            .unwrap();
        assert!(found.iter().any(|x| x.project_uid == p.project_uid));
        let none = c
            .projects()
            .list(ProjectQuery::new().query("carton"))
            .await
            .unwrap();
        assert!(
            none.iter().all(|x| x.project_uid != p.project_uid),
            "case-sensitive"
        );
        let got = c.projects().get(&p.project_uid).await.unwrap();
        assert_eq!(got.customer.as_deref(), Some("ACME"));
        let full = c
            .projects()
            .get_with(
                ProjectQuery::new()
                    .project_uid(&p.project_uid)
                    .load_assets(true)
                    .load_tasks(true)
                    .load_refdocs(true)
                    .load_metadata(true),
            )
            .await
            .unwrap();
        assert!(full.assets.is_empty());

        // update
        let up = c
            .projects()
            .update(
                ProjectUpdate::new(&p.project_uid)
                    .name("Carton 500ml")
                    .tags(["green"]),
            )
            .await
            .unwrap();
        assert_eq!(up.name.as_deref(), Some("Carton 500ml"));
        assert_eq!(up.tags, vec!["green"]);

        // meta
        c.projects()
            .set_meta(&p.project_uid, "order", "42")
            .await
            .unwrap();
        c.projects()
            .set_meta(&p.project_uid, "order", "43")
            .await
            .unwrap();
        let meta = c.projects().meta(&p.project_uid).await.unwrap();
        assert_eq!(meta.iter().filter(|m| m.key == "order").count(), 1);
        assert_eq!(meta.iter().find(|m| m.key == "order").unwrap().value, "43");
        c.projects()
            .delete_meta(&p.project_uid, "order")
            .await
            .unwrap();
        assert!(c
            .projects()
            .meta(&p.project_uid)
            .await
            .unwrap()
            .iter()
            .all(|m| m.key != "order"));

        // kanban column + folder
        c.projects()
            .move_to_kanban_column(&p.project_uid, &t.kanban_columns[1].kanban_column_uid)
            .await
            .unwrap();
        c.projects()
            .move_to_folder(&p.project_uid, &t.folders[1].folder_uid)
            .await
            .unwrap();
        let moved = c.projects().get(&p.project_uid).await.unwrap();
        assert_eq!(
            moved.folder_uid.as_deref(),
            Some(t.folders[1].folder_uid.as_str())
        );
        let e = c
            .projects()
            .move_to_folder(&p.project_uid, "NOSUCHFOLDER")
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);

        // state: OnHold, already OnHold → 406; delete an Active project → 412.
        c.projects()
            .set_state(&p.project_uid, ProjectState::OnHold)
            .await
            .unwrap();
        let e = c
            .projects()
            .set_state(&p.project_uid, ProjectState::OnHold)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotAcceptable);
        assert_eq!(e.status(), Some(406));
        let e = c.projects().delete(&p.project_uid).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::PreconditionFailed);
        let e = c
            .projects()
            .set_state(&p.project_uid, ProjectState::InTransit)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);

        // proof report (URL over JSON; the PDF download direct)
        let url = c.projects().proof_report_url(&p.project_uid).await.unwrap();
        assert!(url.starts_with("http"));
        let dir = tempfile::tempdir().unwrap();
        let path = env
            .direct
            .projects()
            .download_proof_report(&p.project_uid, Download::to(dir.path().join("report.pdf")))
            .await
            .unwrap();
        assert!(std::fs::read(&path).unwrap().starts_with(b"%PDF-1.4"));

        // Completed → editing is 406; delete works; then 404.
        c.projects()
            .set_state(&p.project_uid, ProjectState::Completed)
            .await
            .unwrap();
        let e = c
            .projects()
            .update(ProjectUpdate::new(&p.project_uid).name("x"))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotAcceptable);
        c.projects().delete(&p.project_uid).await.unwrap();
        let e = c.projects().get(&p.project_uid).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
        let e = c
            .projects()
            .list(ProjectQuery::new().project_uid("NOSUCHPROJECT"))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
    })
    .await
}

#[tokio::test]
async fn project_archive_passes_through_in_transit() {
    bounded(async {
        let env = Env::start().await;
        let uid = env.project("Archive me").await;
        env.client
            .projects()
            .set_state(&uid, ProjectState::Archived)
            .await
            .unwrap();
        let mut seen = Vec::new();
        for _ in 0..100 {
            let p = env.client.projects().get(&uid).await.unwrap();
            let s = p.state.clone().unwrap();
            seen.push(s.clone());
            if s == ProjectState::Archived {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(seen.last(), Some(&ProjectState::Archived));
        env.client.projects().delete(&uid).await.unwrap();
    })
    .await
}

#[tokio::test]
async fn assets_upload_get_download_proofreport_delete() {
    bounded(async {
        let env = Env::start().await;
        let d = &env.direct;
        let project = env.project("Assets").await;
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("artwork.pdf");
        let bytes = pdf_bytes(3);
        std::fs::write(&src, &bytes).unwrap();
        let calls = std::sync::Arc::new(parking_lot::Mutex::new(Vec::<Progress>::new()));
        let c2 = calls.clone();
        let uid = d
            .assets()
            .upload(Upload::from_path(&project, &src).progress(move |p| c2.lock().push(p)))
            .await
            .unwrap();
        let last = *calls.lock().last().unwrap();
        assert_eq!(last.bytes, bytes.len() as u64);
        assert_eq!(last.fraction(), Some(1.0));

        let a = env
            .client
            .assets()
            .wait_processed(&uid, Duration::from_secs(20))
            .await
            .unwrap();
        assert_eq!(a.status, Some(AssetStatus::Processed));
        assert_eq!(a.name.as_deref(), Some("artwork.pdf"));
        assert_eq!(a.pages_count, Some(3));
        assert_eq!(a.file_size, Some(bytes.len() as u64));
        let got = env.client.assets().get(&uid).await.unwrap();
        assert_eq!(got.version, Some(1));

        // download to a file and to a directory (server name, base name only)
        let out = d
            .assets()
            .download(&uid, dir.path().join("copy.pdf"))
            .await
            .unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), bytes);
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let out2 = d.assets().download(&uid, &sub).await.unwrap();
        assert_eq!(out2.parent().unwrap(), sub.as_path());
        assert_eq!(std::fs::read(&out2).unwrap(), bytes);

        // proof report: URL via JSON, PDF direct
        let url = env.client.assets().proof_report_url(&uid).await.unwrap();
        assert!(url.starts_with("http"));
        let rep = d
            .assets()
            .download_proof_report(&uid, dir.path().join("asset-report.pdf"))
            .await
            .unwrap();
        assert!(std::fs::read(rep).unwrap().starts_with(b"%PDF"));

        // from bytes
        let uid2 = d
            .assets()
            .upload(Upload::from_bytes(&project, "second.pdf", pdf_bytes(1)))
            .await
            .unwrap();
        assert_ne!(uid, uid2);

        // delete, then 404
        env.client.assets().delete(&uid2).await.unwrap();
        let e = env.client.assets().get(&uid2).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
        let e = d
            .assets()
            .upload(Upload::from_bytes("NOSUCHPROJECT", "x.pdf", pdf_bytes(1)))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
    })
    .await
}

#[tokio::test]
async fn assets_upload_url_many_and_new_version() {
    bounded(async {
        let env = Env::start().await;
        let d = &env.direct;
        let project = env.project("More assets").await;
        let first = env.processed_pdf(&project, "label.pdf").await;

        // upload_url: the emulator fetches a URL it serves itself (the proof report PDF).
        let src_url = env.client.assets().proof_report_url(&first).await.unwrap();
        let from_url = env
            .client
            .assets()
            .upload_url(UrlUpload::new(&project, &src_url).file_name("fetched.pdf"))
            .await
            .unwrap();
        let a = env
            .client
            .assets()
            .wait_processed(&from_url, Duration::from_secs(20))
            .await
            .unwrap();
        assert_eq!(a.name.as_deref(), Some("fetched.pdf"));

        // upload_many: one result per path, in order (a missing file fails alone).
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for i in 0..4 {
            let p = dir.path().join(format!("m{i}.pdf"));
            std::fs::write(&p, pdf_bytes(1)).unwrap();
            paths.push(p);
        }
        paths.insert(2, dir.path().join("missing.pdf"));
        let results = d.assets().upload_many(&project, paths, 2).await;
        assert_eq!(results.len(), 5);
        assert!(
            results[0].is_ok() && results[1].is_ok() && results[3].is_ok() && results[4].is_ok()
        );
        assert_eq!(
            results[2].as_ref().unwrap_err().kind(),
            ErrorKind::InvalidInput
        );

        // upload_many_with: combined progress over all files, ending at the sum of sizes.
        let seen = std::sync::Arc::new(parking_lot::Mutex::new(Vec::new()));
        let sink = seen.clone();
        let two = vec![dir.path().join("m0.pdf"), dir.path().join("m1.pdf")];
        let size: u64 = two
            .iter()
            .map(|p| std::fs::metadata(p).unwrap().len())
            .sum();
        let results = d
            .assets()
            .upload_many_with(
                &project,
                two,
                2,
                Some(std::sync::Arc::new(move |p: Progress, i: usize| {
                    sink.lock().push((p, i))
                })),
            )
            .await;
        assert!(results.iter().all(|r| r.is_ok()));
        {
            let seen = seen.lock();
            let (last, _) = *seen.last().expect("at least the final progress call");
            assert_eq!(last.bytes, size);
            assert_eq!(last.total, Some(size));
            assert!(seen.iter().all(|(p, i)| p.bytes <= size && *i < 2));
        }

        // new version through an UploadChangedAsset task
        let owner = env.owner().await;
        let task = env
            .client
            .tasks()
            .asset_upload(NewTask::new(&project, &owner).changed_asset_uid(&first))
            .await
            .unwrap();
        assert_eq!(task.task_type, Some(TaskType::UploadChangedAsset));
        assert_eq!(task.requested_asset_name.as_deref(), Some("label.pdf"));
        let v2 = d
            .assets()
            .upload(Upload::new_version(
                &task,
                UploadSource::Bytes(pdf_bytes(2).into()),
            ))
            .await
            .unwrap();
        let a2 = env
            .client
            .assets()
            .wait_processed(&v2, Duration::from_secs(20))
            .await
            .unwrap();
        assert_eq!(a2.version, Some(2));
        assert_eq!(a2.name.as_deref(), Some("label.pdf"));
        // a different file type is refused (412)
        let task = env
            .client
            .tasks()
            .asset_upload(NewTask::new(&project, &owner).changed_asset_uid(&first))
            .await
            .unwrap();
        let e = d
            .assets()
            .upload(
                Upload::new_version(&task, UploadSource::Bytes(b"hello".to_vec().into()))
                    .file_name("label.txt"),
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::PreconditionFailed);
    })
    .await
}

#[tokio::test]
async fn refdocs_all_operations() {
    bounded(async {
        let env = Env::start().await;
        let project = env.project("Refdocs").await;
        let r1 = env
            .direct
            .refdocs()
            .upload(Upload::from_bytes(&project, "brief.txt", b"brief".to_vec()))
            .await
            .unwrap();
        let doc = env.client.refdocs().get(&r1).await.unwrap();
        assert_eq!(doc.name.as_deref(), Some("brief.txt"));
        let r2 = env
            .client
            .refdocs()
            .add_url(NewUrlRefDoc::new(&project, "https://example.com/spec").name("Spec"))
            .await
            .unwrap();
        assert_eq!(
            env.client.refdocs().get(&r2).await.unwrap().url.as_deref(),
            Some("https://example.com/spec")
        );
        let src = doc.url.clone().unwrap();
        let r3 = env
            .client
            .refdocs()
            .upload_url(UrlUpload::new(&project, src).file_name("copy.txt"))
            .await
            .unwrap();
        assert_eq!(
            env.client.refdocs().get(&r3).await.unwrap().name.as_deref(),
            Some("copy.txt")
        );
        let full = env
            .client
            .projects()
            .get_with(ProjectQuery::new().project_uid(&project).load_refdocs(true))
            .await
            .unwrap();
        assert_eq!(full.ref_docs.len(), 3);
        env.client.refdocs().delete(&r1).await.unwrap();
        let e = env.client.refdocs().delete(&r1).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert!(e.message().contains("Reference document not found"), "{e}");
    })
    .await
}

#[tokio::test]
async fn tasks_all_operations() {
    bounded(async {
        let env = Env::start().await;
        let c = &env.client;
        let project = env.project("Tasks").await;
        let asset = env.processed_pdf(&project, "a.pdf").await;
        let me = env.owner().await;
        let up = c
            .tasks()
            .asset_upload(NewTask::new(&project, &me).comment("please"))
            .await
            .unwrap();
        assert_eq!(up.task_type, Some(TaskType::UploadAssets));
        let rd = c
            .tasks()
            .refdoc_upload(NewTask::new(&project, &me))
            .await
            .unwrap();
        assert_eq!(rd.task_type, Some(TaskType::UploadRefDocs));
        let rv = c
            .tasks()
            .review_asset(NewReviewTask::new(&project, &me, [asset.clone()]).comment("look"))
            .await
            .unwrap();
        assert_eq!(rv.task_type, Some(TaskType::ReviewAssets));
        let ext = c
            .tasks()
            .review_asset_ext(
                NewExternalReviewTask::new(&project, "buyer@example.com", [asset.clone()])
                    .email_subject("Please review")
                    .email_language(EmailLanguage::German)
                    .password("pw")
                    .allow_download_assets(true)
                    .read_only(false)
                    .due_date(chrono::Utc::now() + chrono::Duration::days(1)),
            )
            .await
            .unwrap();
        assert_eq!(ext.task_type, Some(TaskType::ExternalReviewAssets));
        assert!(ext.review_url.as_deref().unwrap().starts_with("http"));

        let mine = c.tasks().list(&[]).await.unwrap();
        assert!(mine.iter().any(|t| t.task_uid == up.task_uid));
        let only = c.tasks().list(&[TaskType::ReviewAssets]).await.unwrap();
        assert!(only
            .iter()
            .all(|t| t.task_type == Some(TaskType::ReviewAssets)));
        assert_eq!(
            c.tasks().get(&rv.task_uid).await.unwrap().asset_uids,
            vec![asset.clone()]
        );

        c.tasks()
            .complete(TaskCompletion::new(&up.task_uid))
            .await
            .unwrap();
        c.tasks()
            .complete(
                TaskCompletion::new(&rv.task_uid)
                    .status(TaskStatus::Approved)
                    .comment("ok"),
            )
            .await
            .unwrap();
        assert_eq!(
            c.tasks().get(&rv.task_uid).await.unwrap().status,
            Some(TaskStatus::Approved)
        );
        let e = c
            .tasks()
            .complete(TaskCompletion::new(&up.task_uid))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Gone);
        let e = c
            .tasks()
            .complete(TaskCompletion::new(&rd.task_uid).status(TaskStatus::Pending))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);

        c.tasks().delete(&rd.task_uid).await.unwrap();
        assert_eq!(
            c.tasks().get(&rd.task_uid).await.unwrap_err().kind(),
            ErrorKind::NotFound
        );
        let e = c
            .tasks()
            .review_asset(NewReviewTask::new(&project, "NOSUCHUSER", [asset.clone()]))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::PreconditionFailed);
    })
    .await
}

#[tokio::test]
async fn annotations_all_operations() {
    bounded(async {
        let env = Env::start().await;
        let c = &env.client;
        let project = env.project("Annotations").await;
        let asset = env.processed_pdf(&project, "a.pdf").await;
        let a = c
            .annotations()
            .create(
                NewAnnotation::new(&asset, "Logo too small")
                    .page(0)
                    .region(0.1, 0.2, 0.3, 0.4),
            )
            .await
            .unwrap();
        assert_eq!(a.text.as_deref(), Some("Logo too small"));
        let reply = c
            .annotations()
            .create(NewAnnotation::new(&asset, "Agreed").parent_uid(&a.annotation_uid))
            .await
            .unwrap();
        assert_eq!(reply.parent_uid.as_deref(), Some(a.annotation_uid.as_str()));
        let all = c.annotations().list(&asset).await.unwrap();
        assert_eq!(all.len(), 2);
        c.annotations().complete(&a.annotation_uid).await.unwrap();
        assert_eq!(
            c.annotations()
                .complete(&a.annotation_uid)
                .await
                .unwrap_err()
                .kind(),
            ErrorKind::NotAcceptable
        );
        c.annotations().uncomplete(&a.annotation_uid).await.unwrap();
        c.annotations().hide(&reply.annotation_uid).await.unwrap();

        // someone else's annotation: hide 406, delete 412
        let other = env.client_as("reviewer@example.com", "reviewer-password");
        assert_eq!(
            other
                .annotations()
                .hide(&a.annotation_uid)
                .await
                .unwrap_err()
                .kind(),
            ErrorKind::NotAcceptable
        );
        assert_eq!(
            other
                .annotations()
                .delete(&a.annotation_uid)
                .await
                .unwrap_err()
                .kind(),
            ErrorKind::PreconditionFailed
        );
        c.annotations().delete(&reply.annotation_uid).await.unwrap();
        c.annotations().delete(&a.annotation_uid).await.unwrap();
        assert!(c.annotations().list(&asset).await.unwrap().is_empty());
    })
    .await
}

#[tokio::test]
async fn webhooks_register_test_verify_delete() {
    bounded(async {
        use axum::{body::Bytes, http::HeaderMap, routing::post, Router};
        let env = Env::start().await;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(Option<String>, Bytes)>();
        let app = Router::new().route(
            "/hook",
            post(move |h: HeaderMap, body: Bytes| {
                let tx = tx.clone();
                async move {
                    let secret = h
                        .get("Api-Secret")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string);
                    let _ = tx.send((secret, body));
                    "ok"
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });

        let w = env
            .client
            .webhooks()
            .create(NewWebhook::new(&url))
            .await
            .unwrap();
        assert!(w.secret.is_some());
        assert!(!format!("{w:?}").contains(w.secret.as_ref().unwrap().expose_secret()));
        let e = env
            .client
            .webhooks()
            .create(NewWebhook::new(&url))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::PreconditionFailed);
        let list = env.client.webhooks().list().await.unwrap();
        assert!(list.iter().any(|x| x.webhook_uid == w.webhook_uid));

        env.client.webhooks().test(&w.webhook_uid).await.unwrap();
        let dedup = webhook::Deduplicator::new(100);
        let (secret, body) = tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .unwrap()
            .unwrap();
        assert!(webhook::verify(
            secret.as_deref().unwrap(),
            w.secret.as_ref().unwrap().expose_secret()
        ));
        assert!(webhook::verify_webhook(secret.as_deref().unwrap(), &w));
        assert!(!webhook::verify(
            "forged",
            w.secret.as_ref().unwrap().expose_secret()
        ));
        let ev = webhook::Event::parse(&body).unwrap();
        assert!(matches!(ev, webhook::Event::WebhookTest(_)), "{ev:?}");
        assert!(dedup.first_time(ev.event_id()));
        assert!(!dedup.first_time(ev.event_id()));

        // a real event: project.created
        let uid = env.project("Hooked").await;
        let mut got = None;
        while let Ok(Some((_, body))) =
            tokio::time::timeout(Duration::from_secs(20), rx.recv()).await
        {
            if let Ok(webhook::Event::ProjectCreated(e)) = webhook::Event::parse(&body) {
                got = Some(e);
                break;
            }
        }
        let e = got.expect("project.created delivered");
        assert_eq!(e.data.project_uid, uid);

        env.client.webhooks().delete(&w.webhook_uid).await.unwrap();
        assert!(env
            .client
            .webhooks()
            .list()
            .await
            .unwrap()
            .iter()
            .all(|x| x.webhook_uid != w.webhook_uid));
    })
    .await
}

#[tokio::test]
async fn review_links_create_add_send_get_list() {
    bounded(async {
        let env = Env::start().await;
        let c = &env.client;
        let project = env.project("Review links").await;
        let a1 = env.processed_pdf(&project, "front.pdf").await;
        let a2 = env.processed_pdf(&project, "back.pdf").await;
        let opts = ReviewLinkOptions::default();
        assert!(opts.allow_approvals && opts.enable_downloading && !opts.current_version_only);
        let link = c
            .review_links()
            .create(&project, "Round 1", opts)
            .await
            .unwrap();
        let link = c
            .review_links()
            .add_assets(&project, &link.id, [a1.clone(), a2.clone(), a1.clone()])
            .await
            .unwrap();
        assert_eq!(link.asset_uids, vec![a1.clone(), a2.clone()]);
        let sent = c
            .review_links()
            .send(
                &project,
                &link.id,
                ReviewLinkSend::new(["x@example.com", "y@example.com"]),
            )
            .await
            .unwrap();
        assert_eq!(sent.len(), 2);
        for r in &sent {
            let t = c.tasks().get(&r.task_uid).await.unwrap();
            assert_eq!(t.task_type, Some(TaskType::ExternalReviewAssets));
            assert_eq!(r.short_url, t.review_url);
            assert!(r.short_url.as_deref().unwrap().starts_with("http"));
        }
        // Another client (another process) reads it back from project metadata.
        let other = env.client_as("admin@example.com", "admin-password");
        let back = other.review_links().get(&project, &link.id).await.unwrap();
        assert_eq!(back.recipients.len(), 2);
        assert_eq!(
            back.short_url_for("y@example.com"),
            sent[1].short_url.as_deref()
        );
        let all = other.review_links().list(&project).await.unwrap();
        assert_eq!(all.len(), 1);

        // read-only, password, current version only
        let link2 = c
            .review_links()
            .create(
                &project,
                "Round 2",
                ReviewLinkOptions::new()
                    .allow_approvals(false)
                    .current_version_only(true)
                    .password("pw"),
            )
            .await
            .unwrap();
        c.review_links()
            .add_assets(&project, &link2.id, [a1.clone()])
            .await
            .unwrap();
        let e = c
            .review_links()
            .send(&project, &link2.id, ReviewLinkSend::new(["z@example.com"]))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        let sent2 = c
            .review_links()
            .send(
                &project,
                &link2.id,
                ReviewLinkSend::new(["z@example.com"]).password("pw"),
            )
            .await
            .unwrap();
        assert_eq!(sent2.len(), 1);
        assert_eq!(c.review_links().list(&project).await.unwrap().len(), 2);
        c.review_links().delete(&project, &link2.id).await.unwrap();
        assert_eq!(
            c.review_links()
                .get(&project, &link2.id)
                .await
                .unwrap_err()
                .kind(),
            ErrorKind::NotFound
        );
    })
    .await
}
