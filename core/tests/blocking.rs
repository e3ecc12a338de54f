//! The blocking client and its calling-thread hooks (progress, cancel, interrupt,
//! re-entrancy), against the emulator and a slow test server.

mod common;

use approvalstudio::blocking::{CallHooks, Client, Flow};
use approvalstudio::*;
use approvalstudio_emulator::{Emulator, EmulatorConfig};
use common::pdf_bytes;
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

fn emulator() -> Emulator {
    Emulator::start_blocking(EmulatorConfig::default().processing_delay(Duration::from_millis(20)))
        .unwrap()
}

fn client(emu: &Emulator) -> Client {
    Client::new(
        approvalstudio::Client::builder()
            .base_url(emu.url())
            .credentials(emu.username(), emu.password()),
    )
    .unwrap()
}

#[test]
fn blocking_client_mirrors_operations_and_hooks_run_on_calling_thread() {
    let emu = emulator();
    let c = client(&emu);
    c.login().unwrap();
    c.validate().unwrap();
    let me = c.users().logged_in().unwrap();
    let tenants = c.users().list().unwrap();
    let p = c
        .projects()
        .create(NewProject::new("Blocking", [me.user_uid.clone()]))
        .unwrap();
    let uid = p.project_uid.clone();
    assert_eq!(
        c.projects().get(&uid).unwrap().name.as_deref(),
        Some("Blocking")
    );
    assert!(!c.projects().list(ProjectQuery::new()).unwrap().is_empty());
    c.projects()
        .update(ProjectUpdate::new(&uid).customer("ACME"))
        .unwrap();
    c.projects().set_meta(&uid, "k", "v").unwrap();
    assert_eq!(c.projects().meta(&uid).unwrap()[0].value, "v");
    c.projects().delete_meta(&uid, "k").unwrap();
    c.projects()
        .move_to_kanban_column(&uid, &tenants[0].kanban_columns[0].kanban_column_uid)
        .unwrap();
    c.projects()
        .move_to_folder(&uid, &tenants[0].folders[0].folder_uid)
        .unwrap();

    // Upload with a progress hook: called on this thread, last call at 100 %.
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("art.pdf");
    let mut bytes = pdf_bytes(2);
    bytes.resize(2_000_000, b' ');
    std::fs::write(&src, &bytes).unwrap();
    let me_thread = thread::current().id();
    let seen: Mutex<Vec<Progress>> = Mutex::new(Vec::new());
    let progress = |p: Progress| {
        assert_eq!(
            thread::current().id(),
            me_thread,
            "hook on the calling thread"
        );
        seen.lock().unwrap().push(p);
        Flow::Continue
    };
    let hooked = c.with_hooks(CallHooks::new().progress(&progress));
    let asset = hooked
        .assets()
        .upload(Upload::from_path(&uid, &src))
        .unwrap();
    let last = *seen.lock().unwrap().last().expect("final progress call");
    assert_eq!(last.bytes, bytes.len() as u64);
    assert_eq!(last.total, Some(bytes.len() as u64));

    let a = c
        .assets()
        .wait_processed(&asset, Duration::from_secs(20))
        .unwrap();
    assert_eq!(a.status, Some(AssetStatus::Processed));
    assert_eq!(c.assets().get(&asset).unwrap().asset_uid, asset);
    seen.lock().unwrap().clear();
    let out = hooked
        .assets()
        .download(&asset, dir.path().join("copy.pdf"))
        .unwrap();
    assert_eq!(std::fs::read(out).unwrap(), bytes);
    assert_eq!(
        seen.lock().unwrap().last().unwrap().bytes,
        bytes.len() as u64
    );
    assert!(c
        .assets()
        .proof_report_url(&asset)
        .unwrap()
        .starts_with("http"));
    c.assets()
        .download_proof_report(&asset, dir.path().join("r.pdf"))
        .unwrap();
    c.projects()
        .download_proof_report(&uid, dir.path().join("pr.pdf"))
        .unwrap();
    assert!(c
        .projects()
        .proof_report_url(&uid)
        .unwrap()
        .starts_with("http"));
    let many = c.assets().upload_many(&uid, [src.clone()], 2).unwrap();
    assert!(many[0].is_ok());
    let from_url = c
        .assets()
        .upload_url(
            UrlUpload::new(&uid, c.assets().proof_report_url(&asset).unwrap()).file_name("u.pdf"),
        )
        .unwrap();
    assert!(!from_url.is_empty());

    // refdocs
    let r = c
        .refdocs()
        .upload(Upload::from_bytes(&uid, "b.txt", b"b".to_vec()))
        .unwrap();
    let r2 = c
        .refdocs()
        .add_url(NewUrlRefDoc::new(&uid, "https://example.com/x"))
        .unwrap();
    let r3 = c
        .refdocs()
        .upload_url(UrlUpload::new(
            &uid,
            c.refdocs().get(&r).unwrap().url.unwrap(),
        ))
        .unwrap();
    c.refdocs().delete(&r2).unwrap();
    c.refdocs().delete(&r3).unwrap();

    // tasks
    let t1 = c
        .tasks()
        .asset_upload(NewTask::new(&uid, &me.user_uid))
        .unwrap();
    let t2 = c
        .tasks()
        .refdoc_upload(NewTask::new(&uid, &me.user_uid))
        .unwrap();
    let t3 = c
        .tasks()
        .review_asset(NewReviewTask::new(&uid, &me.user_uid, [asset.clone()]))
        .unwrap();
    let t4 = c
        .tasks()
        .review_asset_ext(NewExternalReviewTask::new(
            &uid,
            "ext@example.com",
            [asset.clone()],
        ))
        .unwrap();
    assert!(t4.review_url.is_some());
    assert!(!c.tasks().list(&[]).unwrap().is_empty());
    assert_eq!(c.tasks().get(&t1.task_uid).unwrap().task_uid, t1.task_uid);
    c.tasks()
        .complete(TaskCompletion::new(&t1.task_uid))
        .unwrap();
    c.tasks()
        .complete(TaskCompletion::new(&t3.task_uid).status(TaskStatus::Rejected))
        .unwrap();
    c.tasks().delete(&t2.task_uid).unwrap();

    // annotations
    let an = c
        .annotations()
        .create(NewAnnotation::new(&asset, "note"))
        .unwrap();
    assert_eq!(c.annotations().list(&asset).unwrap().len(), 1);
    c.annotations().complete(&an.annotation_uid).unwrap();
    c.annotations().uncomplete(&an.annotation_uid).unwrap();
    c.annotations().hide(&an.annotation_uid).unwrap();
    c.annotations().delete(&an.annotation_uid).unwrap();

    // webhooks
    let w = c
        .webhooks()
        .create(NewWebhook::new("http://127.0.0.1:9/hook"))
        .unwrap();
    assert_eq!(c.webhooks().list().unwrap().len(), 1);
    c.webhooks().test(&w.webhook_uid).unwrap();
    c.webhooks().delete(&w.webhook_uid).unwrap();

    // review links
    let link = c
        .review_links()
        .create(&uid, "R1", ReviewLinkOptions::default())
        .unwrap();
    c.review_links()
        .add_assets(&uid, &link.id, [asset.clone()])
        .unwrap();
    let sent = c
        .review_links()
        .send(&uid, &link.id, ReviewLinkSend::new(["a@example.com"]))
        .unwrap();
    assert!(sent[0].short_url.is_some());
    assert_eq!(
        c.review_links()
            .get(&uid, &link.id)
            .unwrap()
            .recipients
            .len(),
        1
    );
    assert_eq!(c.review_links().list(&uid).unwrap().len(), 1);
    c.review_links().delete(&uid, &link.id).unwrap();

    // delete the asset while the project is open (a Completed project is read-only), then
    // state, delete
    c.assets().delete(&asset).unwrap();
    c.projects()
        .set_state(&uid, ProjectState::Completed)
        .unwrap();
    c.projects().delete(&uid).unwrap();
}

/// A server whose asset download answers with a `downloadURL` that streams slowly.
fn slow_server() -> (String, thread::JoinHandle<()>) {
    use axum::{body::Body, routing::get, Json, Router};
    let (tx, rx) = std::sync::mpsc::channel();
    let h = thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let base = format!("http://{}", listener.local_addr().unwrap());
            let b2 = base.clone();
            let app = Router::new()
                .route(
                    "/api/v1/asset/download",
                    get(move || {
                        let b = b2.clone();
                        async move {
                            Json(
                                serde_json::json!({"result": {"downloadURL": format!("{b}/slow")}}),
                            )
                        }
                    }),
                )
                .route(
                    "/slow",
                    get(|| async {
                        let stream = futures_util::stream::unfold(0u32, |i| async move {
                            if i >= 100 {
                                return None;
                            }
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            Some((
                                Ok::<_, std::io::Error>(bytes::Bytes::from(vec![7u8; 1000])),
                                i + 1,
                            ))
                        });
                        axum::response::Response::builder()
                            .header("content-length", "100000")
                            .header(
                                "content-disposition",
                                "attachment; filename=\"../slow.bin\"",
                            )
                            .body(Body::from_stream(stream))
                            .unwrap()
                    }),
                );
            tx.send(base).unwrap();
            axum::serve(listener, app).await.unwrap();
        })
    });
    (rx.recv().unwrap(), h)
}

#[test]
fn progress_cancel_and_interrupt_leave_no_file_and_reentry_is_an_error() {
    let (base, _h) = slow_server();
    let c = Client::new(approvalstudio::Client::builder().base_url(&base).token("t")).unwrap();
    let dir = tempfile::tempdir().unwrap();

    // Progress hook returns Cancel after the first call.
    let calls = Mutex::new(0);
    let progress = |_p: Progress| {
        *calls.lock().unwrap() += 1;
        Flow::Cancel
    };
    let e = c
        .with_hooks(CallHooks::new().progress(&progress))
        .assets()
        .download("A1", dir.path())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cancelled);
    assert_eq!(*calls.lock().unwrap(), 1);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no partial file"
    );

    // Interrupt hook (e.g. Ctrl-C) after ~200 ms.
    let start = std::time::Instant::now();
    let interrupt = || {
        if start.elapsed() > Duration::from_millis(200) {
            Flow::Cancel
        } else {
            Flow::Continue
        }
    };
    let e = c
        .with_hooks(CallHooks::new().interrupt(&interrupt))
        .assets()
        .download("A1", dir.path())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cancelled);
    assert!(start.elapsed() < Duration::from_millis(1500));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    // Re-entrant use of the client from the hook: a clear error, no deadlock.
    let inner_err = Mutex::new(None);
    let reenter = |_p: Progress| {
        let mut g = inner_err.lock().unwrap();
        if g.is_none() {
            *g = Some(c.users().logged_in().unwrap_err());
        }
        Flow::Continue
    };
    let path = c
        .with_hooks(CallHooks::new().progress(&reenter))
        .assets()
        .download("A1", dir.path())
        .unwrap();
    // The server's name, reduced to a base name.
    assert_eq!(path, dir.path().join("slow.bin"));
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 100_000);
    let e = inner_err.lock().unwrap().take().unwrap();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.message().contains("re-entrant"));
}

#[test]
fn blocking_call_inside_a_runtime_is_an_error() {
    let emu = emulator();
    let c = client(&emu);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let e = rt.block_on(async { c.users().logged_in() }).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    drop(rt);
    assert!(c.users().logged_in().is_ok());
}
