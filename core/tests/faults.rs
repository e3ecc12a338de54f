//! Issue 10's regression tests: a cut-off body is retried where safe, a write whose outcome
//! may be applied is `Ambiguous`, an applied effect is never a plain failure, a cancel at the
//! final progress call leaves nothing behind, a local read failure is `Io`, durations are
//! range-checked, and values that end up in URLs or headers are validated.

mod common;

use approvalstudio::blocking::{CallHooks, Flow};
use approvalstudio::*;
use approvalstudio_emulator::{FaultAction, FaultRule};
use common::{bounded, builder, pdf_bytes, Env};
use std::time::Duration;

/// An emulator on its own thread and a blocking client of it (for the hook tests).
fn start_blocking() -> (approvalstudio_emulator::Emulator, blocking::Client) {
    let emu = approvalstudio_emulator::Emulator::start_blocking(common::fast_config()).unwrap();
    let c = blocking::Client::new(builder(&emu.url(), &emu.username(), &emu.password())).unwrap();
    (emu, c)
}

/// A new project owned by the logged-in user (blocking).
fn blocking_project(c: &blocking::Client, name: &str) -> String {
    let owner = c.users().logged_in().unwrap().user_uid;
    c.projects()
        .create(NewProject::new(name, [owner]))
        .unwrap()
        .project_uid
}

fn truncate(method: &str, path: &str) -> FaultRule {
    FaultRule::new(path, FaultAction::Truncate).method(method)
}

#[tokio::test]
async fn a_truncated_body_is_retried_for_reads_and_idempotent_writes() {
    bounded(async {
        let env = Env::start().await;
        let c = &env.direct;
        let project = env.project("Truncated").await;

        // Login and a GET: the first answer is cut off mid-body, the retry succeeds.
        let fresh = builder(&env.emu.url(), &env.emu.username(), &env.emu.password())
            .build()
            .unwrap();
        env.emu
            .add_fault(truncate("POST", "/api/v1/token/login").times(1));
        env.emu
            .add_fault(truncate("GET", "/api/v1/user/loggedin").times(1));
        fresh
            .users()
            .logged_in()
            .await
            .expect("login and GET retried");

        env.emu
            .add_fault(truncate("GET", "/api/v1/project").times(1));
        assert_eq!(
            c.projects().get(&project).await.unwrap().project_uid,
            project
        );

        env.emu
            .add_fault(truncate("POST", "/api/v1/project/meta").times(1));
        c.projects().set_meta(&project, "k", "v").await.unwrap();
        let meta = c.projects().meta(&project).await.unwrap();
        assert_eq!(meta.iter().filter(|m| m.key == "k").count(), 1);

        env.emu
            .add_fault(truncate("PUT", "/api/v1/project/state").times(1));
        c.projects()
            .set_state(&project, ProjectState::OnHold)
            .await
            .expect("state change: the retry's 406 'already OnHold' is success");
        assert_eq!(
            c.projects().get(&project).await.unwrap().state,
            Some(ProjectState::OnHold)
        );
        let calls = env.requests("PUT", "/api/v1/project/state");
        assert_eq!(
            calls.len(),
            2,
            "one retry after the cut-off body: {calls:?}"
        );
    })
    .await
}

#[tokio::test]
async fn a_write_that_may_be_applied_is_ambiguous_when_retries_run_out() {
    bounded(async {
        let env = Env::start().await;
        let c = &env.direct;
        let project = env.project("Ambiguous writes").await;
        // Every answer cut off: the metadata write is applied each time, the client can't know.
        env.emu.add_fault(truncate("POST", "/api/v1/project/meta"));
        let e = c.projects().set_meta(&project, "k", "v").await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Ambiguous, "{e}");
        assert_eq!(e.operation(), Some("projects.set_meta"));
        env.emu.clear_faults();
        // Reset after handling on a state change: Ambiguous too, never a plain transport error.
        env.emu.add_fault(
            FaultRule::new("/api/v1/project", FaultAction::Reset)
                .method("PUT")
                .after(true),
        );
        let e = c
            .projects()
            .update(ProjectUpdate::new(&project).customer("ACME"))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Ambiguous, "{e}");
        env.emu.clear_faults();
        // A read is never Ambiguous: it is a transport error.
        env.emu.add_fault(truncate("GET", "/api/v1/user/loggedin"));
        let e = c.users().logged_in().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
        // A 503 that was not handled on a write is Ambiguous too (a 5xx may have been applied).
        env.emu.clear_faults();
        env.emu
            .add_fault(FaultRule::status("/api/v1/project/meta", 500).method("POST"));
        let e = c.projects().set_meta(&project, "k", "v").await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Ambiguous, "{e}");
        assert_eq!(e.status(), Some(500));
    })
    .await
}

#[tokio::test]
async fn review_link_create_is_a_create_retried_without_duplicates() {
    bounded(async {
        let env = Env::start().await;
        let c = &env.direct;
        let project = env.project("Links").await;
        env.emu
            .add_fault(truncate("POST", "/api/v1/project/meta").times(1));
        let link = c
            .review_links()
            .create(&project, "Round 1", ReviewLinkOptions::default())
            .await
            .expect("retried after a cut-off answer");
        let links = c.review_links().list(&project).await.unwrap();
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].id, link.id);

        env.emu.add_fault(truncate("POST", "/api/v1/project/meta"));
        let e = c
            .review_links()
            .create(&project, "Round 2", ReviewLinkOptions::default())
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Ambiguous, "{e}");
        assert_eq!(e.operation(), Some("review_links.create"));
        env.emu.clear_faults();
        let names: Vec<String> = c
            .review_links()
            .list(&project)
            .await
            .unwrap()
            .into_iter()
            .map(|l| l.name)
            .collect();
        assert_eq!(
            names.iter().filter(|n| *n == "Round 2").count(),
            1,
            "the ambiguous create was applied once: {names:?}"
        );
    })
    .await
}

#[test]
fn durations_and_counts_are_range_checked() {
    let b = || Client::builder().base_url("http://127.0.0.1:9");
    for (name, builder) in [
        (
            "read_timeout",
            b().read_timeout(Duration::from_secs(u64::MAX)),
        ),
        ("connect_timeout", b().connect_timeout(Duration::MAX)),
        ("retry_deadline", b().retry_deadline(Duration::MAX)),
        (
            "backoff_cap",
            b().backoff_cap(Duration::from_secs(400 * 86400)),
        ),
        ("keep_alive", b().keep_alive(Duration::MAX)),
        ("max_attempts", b().max_attempts(1000)),
    ] {
        let e = builder.build().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{name}: {e}");
        assert!(e.fields().contains_key(name), "{name}: {e}");
    }
    assert!(validate::seconds("timeout", 1e20).is_err());
    assert!(validate::seconds("timeout", f64::NAN).is_err());
    assert!(validate::seconds("timeout", -1.0).is_err());
    assert_eq!(
        validate::seconds("timeout", 1.5).unwrap(),
        Duration::from_millis(1500)
    );
    assert!(validate::millis("timeout_ms", u64::MAX).is_err());
}

#[tokio::test]
async fn wait_processed_with_a_huge_timeout_is_invalid_input() {
    let env = Env::start().await;
    let e = env
        .direct
        .assets()
        .wait_processed("ABC", Duration::from_secs(u64::MAX))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert!(e.fields().contains_key("timeout"));
}

#[test]
fn values_for_urls_and_headers_are_validated() {
    let e = Client::builder()
        .base_url("http://127.0.0.1:9")
        .token("abc\r\nX-Evil: 1")
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.fields().contains_key("token"));
    assert!(
        !e.to_string().contains("X-Evil"),
        "no secret in errors: {e}"
    );

    let (_emu, c) = start_blocking();
    let c = &c;
    for url in [
        "http://127.0.0.1/hook\r\nx",
        "http://127.0.0.1/ho\nok",
        "http://127.0.0.1/a\0b",
        "http://127.0.0.1/a b",
    ] {
        let e = c.webhooks().create(NewWebhook::new(url)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{url:?}: {e}");
        assert!(e.fields().contains_key("url"));
        let e = c
            .refdocs()
            .add_url(NewUrlRefDoc::new("ABC", url))
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{url:?}: {e}");
    }
    let e = c
        .projects()
        .list(ProjectQuery::new().query("x".repeat(100_000)))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert!(e.fields().contains_key("query"));
    for bad in ["", "a/b", "a b", "x".repeat(65).as_str(), "é", "a\nb"] {
        let e = c
            .review_links()
            .add_assets("ABC", "DEF", [bad])
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{bad:?}: {e}");
        assert!(e.fields().contains_key("assetUIDs"), "{bad:?}: {e}");
    }
    // Documented limits of metadata and review link names, checked before sending.
    let e = c
        .projects()
        .set_meta("ABC", &"k".repeat(257), "v")
        .unwrap_err();
    assert!(e.fields().contains_key("key"), "{e}");
    let e = c.projects().delete_meta("ABC", "a\nb").unwrap_err();
    assert!(e.fields().contains_key("key"), "{e}");
    let e = c
        .review_links()
        .create("ABC", &"n".repeat(201), ReviewLinkOptions::default())
        .unwrap_err();
    assert!(e.fields().contains_key("name"), "{e}");
    // Errors of composite operations name the operation the caller called.
    let e = c.projects().get("NOPE").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.to_string().starts_with("projects.get failed"), "{e}");
}

/// The last (here the only) progress call of a small transfer can still cancel.
#[test]
fn a_cancel_at_the_final_progress_call_leaves_nothing() {
    let (env, c) = start_blocking();
    let project = blocking_project(&c, "Last call");
    let calls = std::cell::Cell::new(0);
    let cancel = |_p: Progress| {
        calls.set(calls.get() + 1);
        Flow::Cancel
    };
    let hooks = CallHooks::new().progress(&cancel);
    let e = c
        .with_hooks(hooks)
        .assets()
        .upload(Upload::from_bytes(&project, "small.pdf", pdf_bytes(1)))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cancelled, "{e}");
    assert_eq!(calls.get(), 1, "the only progress call is the final one");
    let p = c
        .projects()
        .get_with(ProjectQuery::new().project_uid(&project).load_assets(true))
        .unwrap();
    assert!(p.assets.is_empty(), "nothing was uploaded: {:?}", p.assets);

    // Download: cancelled at the final call, no file, and an existing target is untouched.
    let asset = c
        .assets()
        .upload(Upload::from_bytes(&project, "keep.pdf", pdf_bytes(1)))
        .unwrap();
    c.assets()
        .wait_processed(&asset, Duration::from_secs(20))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.pdf");
    calls.set(0);
    let e = c
        .with_hooks(hooks)
        .assets()
        .download(&asset, Download::to(&target))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cancelled, "{e}");
    assert!(calls.get() >= 1);
    assert!(!target.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temporary file"
    );
    std::fs::write(&target, b"old").unwrap();
    let e = c
        .with_hooks(hooks)
        .assets()
        .download(&asset, Download::to(&target))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cancelled);
    assert_eq!(std::fs::read(&target).unwrap(), b"old");

    // Continue at the final call: both complete, the final call made exactly once.
    let seen = std::cell::RefCell::new(Vec::new());
    let go = |p: Progress| {
        seen.borrow_mut().push(p);
        Flow::Continue
    };
    let out = c
        .with_hooks(CallHooks::new().progress(&go))
        .assets()
        .download(&asset, Download::to(&target))
        .unwrap();
    let seen = seen.into_inner();
    let last = *seen.last().unwrap();
    assert_eq!(Some(last.bytes), last.total);
    assert_eq!(seen.iter().filter(|p| **p == last).count(), 1, "{seen:?}");
    assert!(std::fs::read(out).unwrap().starts_with(b"%PDF"));
    drop(env);
}

#[cfg(target_os = "linux")]
#[test]
fn a_local_read_failure_during_an_upload_is_io_naming_the_path() {
    let (_env, c) = start_blocking();
    let project = blocking_project(&c, "Unreadable");
    let dir = tempfile::tempdir().unwrap();
    // A directory opened as a file reads with EISDIR; /proc/self/mem reads with EIO.
    let e = c
        .assets()
        .upload(Upload::from_path(&project, "/proc/self/mem").file_name("mem.bin"))
        .unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Io | ErrorKind::InvalidInput),
        "{e}"
    );
    assert_ne!(e.kind(), ErrorKind::Ambiguous);
    assert!(e.to_string().contains("/proc/self/mem"), "{e}");
    drop(dir);
    let p = c
        .projects()
        .get_with(ProjectQuery::new().project_uid(&project).load_assets(true))
        .unwrap();
    assert!(p.assets.is_empty());
}
