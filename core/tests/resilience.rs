//! Auth, retries, rate limits, faults and error kinds against the emulator (direct: fault
//! rules act on the emulator's connections, which a proxy would hide).

mod common;

use approvalstudio::*;
use approvalstudio_emulator::{FaultAction, FaultRule, Quota};
use common::{bounded, builder, fast_config, pdf_bytes, Env};
use std::time::Duration;

fn count_projects(rs: &[Project], name: &str) -> usize {
    rs.iter()
        .filter(|p| p.name.as_deref() == Some(name))
        .count()
}

#[tokio::test]
async fn token_expiry_mid_run_relogs_in_and_replays() {
    bounded(async {
        let env = Env::start().await;
        let c = &env.direct;
        c.users().logged_in().await.unwrap();
        assert_eq!(env.logins(), 1);
        env.emu.advance_clock(Duration::from_secs(11 * 3600));
        env.emu.clear_requests();
        let me = c.users().logged_in().await.unwrap();
        assert_eq!(me.email.as_deref(), Some("admin@example.com"));
        assert_eq!(env.logins(), 1, "one re-login after the 401");
        let calls = env.requests("GET", "/api/v1/user/loggedin");
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].status, Some(401));
        assert_eq!(calls[1].status, Some(200));
    })
    .await
}

#[tokio::test]
async fn proactive_refresh_before_expiration() {
    bounded(async {
        let env = Env::with_config(fast_config().token_ttl(Duration::from_secs(2))).await;
        let c = &env.direct;
        c.users().logged_in().await.unwrap();
        let exp = c.token_expiration().unwrap();
        assert!(exp > chrono::Utc::now());
        tokio::time::sleep(Duration::from_millis(2100)).await;
        c.users().logged_in().await.unwrap();
        assert_eq!(env.logins(), 2);
        assert!(
            env.emu.requests().iter().all(|r| r.status != Some(401)),
            "refreshed before expiry, no 401"
        );
    })
    .await
}

#[tokio::test]
async fn sixty_four_concurrent_calls_on_expired_token_make_one_login() {
    bounded(async {
        let env = Env::start().await;
        let c = env.direct.clone();
        c.login().await.unwrap();
        env.emu.advance_clock(Duration::from_secs(11 * 3600));
        env.emu.clear_requests();
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..64 {
            let c = c.clone();
            set.spawn(async move { c.users().logged_in().await });
        }
        while let Some(r) = set.join_next().await {
            r.unwrap().unwrap();
        }
        assert_eq!(env.logins(), 1, "exactly one login for 64 concurrent 401s");
        assert_eq!(c.login_count(), 2);
    })
    .await
}

#[tokio::test]
async fn rate_gate_holds_all_requests_until_reset() {
    bounded(async {
        let env =
            Env::with_config(fast_config().quota(Quota::new(5, Duration::from_secs(1)))).await;
        let c = env.direct.clone();
        c.login().await.unwrap();
        let mut set = tokio::task::JoinSet::new();
        let start = std::time::Instant::now();
        for _ in 0..20 {
            let c = c.clone();
            set.spawn(async move { c.users().logged_in().await });
        }
        while let Some(r) = set.join_next().await {
            r.unwrap().unwrap();
        }
        let journal = env.emu.requests();
        let ok = journal
            .iter()
            .filter(|r| r.path == "/api/v1/user/loggedin" && r.status == Some(200))
            .count();
        let limited = journal.iter().filter(|r| r.status == Some(429)).count();
        assert_eq!(ok, 20);
        assert!(
            limited <= 2,
            "the gate held the requests: {limited} answers were 429"
        );
        assert!(
            start.elapsed() >= Duration::from_secs(2),
            "21 calls at 5/s take > 2 s"
        );
    })
    .await
}

#[tokio::test]
async fn rate_limited_over_the_cap_and_429_retry_after_honoured() {
    bounded(async {
        let env =
            Env::with_config(fast_config().quota(Quota::new(2, Duration::from_secs(60)))).await;
        let c = builder(&env.emu.url(), &env.emu.username(), &env.emu.password())
            .max_rate_limit_wait(Duration::from_secs(5))
            .build()
            .unwrap();
        c.users().logged_in().await.unwrap(); // login + call = 2
        let e = c.users().logged_in().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::RateLimited);
        assert!(e.retry_after().unwrap() > Duration::from_secs(5));

        // A 429 with a short Retry-After (fault rule) is waited out and retried.
        let env = Env::start().await;
        env.emu.add_fault(
            FaultRule::status("/api/v1/users", 429)
                .retry_after(1)
                .times(1),
        );
        let t = std::time::Instant::now();
        env.direct.users().list().await.unwrap();
        assert!(t.elapsed() >= Duration::from_millis(900));
        assert_eq!(env.requests("GET", "/api/v1/users").len(), 2);
        // A 503 with Retry-After: the retry waits as asked.
        env.emu.add_fault(
            FaultRule::status("/api/v1/users", 503)
                .retry_after(1)
                .times(1),
        );
        let t = std::time::Instant::now();
        env.direct.users().list().await.unwrap();
        assert!(t.elapsed() >= Duration::from_millis(900));
    })
    .await
}

#[tokio::test]
async fn server_errors_get_retried_posts_are_ambiguous_never_duplicated() {
    bounded(async {
        let env = Env::start().await;
        let c = &env.direct;
        let owner = env.owner().await;
        // GET with 503 twice: retried, succeeds on the third attempt.
        env.emu.add_fault(
            FaultRule::status("/api/v1/project", 503)
                .method("GET")
                .times(2),
        );
        c.projects().list(ProjectQuery::new()).await.unwrap();
        assert_eq!(env.requests("GET", "/api/v1/project").len(), 3);
        // GET with 500 on every attempt: Server after max_attempts (4).
        env.emu.clear_faults();
        env.emu.clear_requests();
        env.emu
            .add_fault(FaultRule::status("/api/v1/users", 500).method("GET"));
        let e = c.users().list().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Server);
        assert_eq!(e.status(), Some(500));
        assert_eq!(env.requests("GET", "/api/v1/users").len(), 4);

        // POST create with 503: Ambiguous, not retried.
        env.emu.clear_faults();
        env.emu.clear_requests();
        env.emu.add_fault(
            FaultRule::status("/api/v1/project", 503)
                .method("POST")
                .times(1),
        );
        let e = c
            .projects()
            .create(NewProject::new("P503", [owner.clone()]))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Ambiguous);
        assert!(e.to_string().contains("may have been applied"), "{e}");
        assert_eq!(env.requests("POST", "/api/v1/project").len(), 1);

        // POST create with reset after handling: Ambiguous, created exactly once.
        env.emu.add_fault(
            FaultRule::new("/api/v1/project", FaultAction::Reset)
                .method("POST")
                .after(true)
                .times(1),
        );
        let e = c
            .projects()
            .create(NewProject::new("Preset", [owner.clone()]))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Ambiguous);
        let all = c.projects().list(ProjectQuery::new()).await.unwrap();
        assert_eq!(count_projects(&all, "Preset"), 1);
        assert_eq!(count_projects(&all, "P503"), 0);

        // Upload with reset after handling: Ambiguous, one asset.
        let project = env.project("Uploads").await;
        env.emu.add_fault(
            FaultRule::new("/api/v1/asset/upload", FaultAction::Reset)
                .method("POST")
                .after(true)
                .times(1),
        );
        let e = c
            .assets()
            .upload(Upload::from_bytes(&project, "a.pdf", pdf_bytes(1)))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Ambiguous);
        let p = c
            .projects()
            .get_with(ProjectQuery::new().project_uid(&project).load_assets(true))
            .await
            .unwrap();
        assert_eq!(p.assets.len(), 1);

        // GET with reset (before handling) and with reset after: retried, succeeds.
        env.emu
            .add_fault(FaultRule::new("/api/v1/users", FaultAction::Reset).times(1));
        c.users().list().await.unwrap();
        env.emu.add_fault(
            FaultRule::new("/api/v1/users", FaultAction::Reset)
                .after(true)
                .times(1),
        );
        c.users().list().await.unwrap();
    })
    .await
}

#[tokio::test]
async fn latency_timeouts_retry_gets_and_make_posts_ambiguous() {
    bounded(async {
        let env = Env::start().await;
        let c = builder(&env.emu.url(), &env.emu.username(), &env.emu.password())
            .read_timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let owner = c.users().logged_in().await.unwrap().user_uid;
        env.emu.add_fault(
            FaultRule::new("/api/v1/users", FaultAction::Delay)
                .latency_ms(1000)
                .times(1),
        );
        let t = std::time::Instant::now();
        c.users().list().await.unwrap();
        // The first attempt timed out (300 ms) and the retry succeeded well before the 1 s delay.
        assert!(
            t.elapsed() >= Duration::from_millis(300) && t.elapsed() < Duration::from_millis(1000)
        );
        assert_eq!(
            env.requests("GET", "/api/v1/users")
                .iter()
                .filter(|r| r.status == Some(200))
                .count(),
            1
        );
        // Every attempt slow: Timeout.
        env.emu
            .add_fault(FaultRule::new("/api/v1/users", FaultAction::Delay).latency_ms(1000));
        let e = c.users().list().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Timeout);
        // A slow create: Ambiguous, never sent twice.
        env.emu.add_fault(
            FaultRule::new("/api/v1/project", FaultAction::Delay)
                .method("POST")
                .latency_ms(1000)
                .times(1),
        );
        let e = c
            .projects()
            .create(NewProject::new("Slow", [owner]))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Ambiguous);
        tokio::time::sleep(Duration::from_millis(1200)).await;
        let all = env
            .direct
            .projects()
            .list(ProjectQuery::new())
            .await
            .unwrap();
        // Not retried: at most one (the emulator drops a request whose client went away).
        assert!(count_projects(&all, "Slow") <= 1);
        assert!(env.requests("POST", "/api/v1/project").len() <= 1);
    })
    .await
}

#[tokio::test]
async fn retried_delete_404_and_state_change_406_count_as_success() {
    bounded(async {
        let env = Env::start().await;
        let c = &env.direct;
        let uid = env.project("Delete me").await;
        env.emu.add_fault(
            FaultRule::new("/api/v1/project/state", FaultAction::Reset)
                .method("PUT")
                .after(true)
                .times(1),
        );
        c.projects()
            .set_state(&uid, ProjectState::Completed)
            .await
            .unwrap();
        let puts = env.requests("PUT", "/api/v1/project/state");
        assert_eq!(puts.last().unwrap().status, Some(406));
        env.emu.add_fault(
            FaultRule::new("/api/v1/project", FaultAction::Reset)
                .method("DELETE")
                .after(true)
                .times(1),
        );
        c.projects().delete(&uid).await.unwrap();
        let dels = env.requests("DELETE", "/api/v1/project");
        assert_eq!(dels.last().unwrap().status, Some(404));
        // Without a retry, 404 is an error.
        assert_eq!(
            c.projects().delete(&uid).await.unwrap_err().kind(),
            ErrorKind::NotFound
        );
    })
    .await
}

#[tokio::test]
async fn truncated_or_cancelled_download_leaves_no_file() {
    bounded(async {
        let env = Env::start().await;
        let project = env.project("Downloads").await;
        let big: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let uid = env
            .direct
            .assets()
            .upload(Upload::from_bytes(&project, "big.bin", big.clone()))
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("big.bin");
        env.emu.add_fault(FaultRule::new(
            "/api/v1/asset/download",
            FaultAction::Truncate,
        ));
        let e = env
            .direct
            .assets()
            .download(&uid, &target)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
        assert!(!target.exists());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "no temp file left"
        );
        assert_eq!(
            env.requests("GET", "/api/v1/asset/download").len(),
            4,
            "retried"
        );

        // Reset mid-way (after handling) likewise.
        env.emu.clear_faults();
        env.emu
            .add_fault(FaultRule::new("/api/v1/asset/download", FaultAction::Reset).after(true));
        assert!(env.direct.assets().download(&uid, &target).await.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

        // Cancelled through a token from the progress callback.
        env.emu.clear_faults();
        env.emu.add_fault(
            FaultRule::new("/api/v1/asset/download", FaultAction::Delay).latency_ms(300),
        );
        let token = CancellationToken::new();
        let t2 = token.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            t2.cancel();
        });
        let e = env
            .direct
            .assets()
            .download(&uid, Download::to(&target).cancel_token(token))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Cancelled);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

        // And then it works.
        env.emu.clear_faults();
        env.direct.assets().download(&uid, &target).await.unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), big);
    })
    .await
}

#[tokio::test]
async fn every_error_kind() {
    bounded(async {
        let env = Env::start().await;
        let c = &env.direct;
        let owner = env.owner().await;
        let project = env.project("Errors").await;

        // InvalidInput: named field, nothing sent.
        env.emu.clear_requests();
        let e = c
            .projects()
            .create(NewProject::new("x", [owner.clone()]).customer("c".repeat(51)))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.fields().contains_key("customer"));
        for bad in [
            NewProject::new("", [owner.clone()]),
            NewProject::new("x", Vec::<String>::new()),
            NewProject::new("x", [owner.clone()]).description("d".repeat(201)),
            NewProject::new("x", [owner.clone()]).tags(vec!["t"; 21]),
            NewProject::new("x", [owner.clone()]).tags(["t".repeat(26)]),
        ] {
            assert_eq!(
                c.projects().create(bad).await.unwrap_err().kind(),
                ErrorKind::InvalidInput
            );
        }
        let e = c
            .tasks()
            .review_asset_ext(NewExternalReviewTask::new(&project, "not-an-email", ["A"]))
            .await
            .unwrap_err();
        assert!(e.fields().contains_key("email"));
        let e = c
            .assets()
            .upload(Upload::from_path(&project, "/nonexistent/file.pdf"))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        let e = c
            .assets()
            .upload(Upload::from_path(&project, "/tmp"))
            .await
            .unwrap_err();
        assert!(e.message().contains("not a regular file"));
        assert_eq!(
            c.assets().get("").await.unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
        assert!(env.emu.requests().is_empty(), "nothing sent");

        // Validation (400) with field errors kept, from the server.
        let e = c
            .projects()
            .list(ProjectQuery::new().states([ProjectState::Other("Bogus".into())]))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
        assert_eq!(e.status(), Some(400));
        assert!(!e.fields().is_empty());
        assert!(e.trace_id().is_some());

        // Unauthorized, Forbidden.
        let bad = Client::builder()
            .base_url(env.emu.url())
            .token("bad")
            .build()
            .unwrap();
        assert_eq!(
            bad.users().list().await.unwrap_err().kind(),
            ErrorKind::Unauthorized
        );
        let lite = builder(&env.emu.url(), "lite@example.com", "lite-password")
            .build()
            .unwrap();
        let e = lite.users().list().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Forbidden);
        assert_eq!(e.status(), Some(403));

        // NotFound, NotAcceptable, Gone, PreconditionFailed.
        assert_eq!(
            c.assets().get("NOSUCHASSET").await.unwrap_err().kind(),
            ErrorKind::NotFound
        );
        c.projects()
            .set_state(&project, ProjectState::OnHold)
            .await
            .unwrap();
        let e = c
            .projects()
            .set_state(&project, ProjectState::OnHold)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotAcceptable);
        assert!(e.message().contains("already"), "server text kept: {e}");
        let t = c
            .tasks()
            .asset_upload(NewTask::new(&project, &owner))
            .await
            .unwrap();
        c.tasks()
            .complete(TaskCompletion::new(&t.task_uid))
            .await
            .unwrap();
        assert_eq!(
            c.tasks()
                .complete(TaskCompletion::new(&t.task_uid))
                .await
                .unwrap_err()
                .kind(),
            ErrorKind::Gone
        );
        assert_eq!(
            c.projects().delete(&project).await.unwrap_err().kind(),
            ErrorKind::PreconditionFailed
        );

        // Forbidden: storage limit on upload.
        env.emu
            .update_config(
                &serde_json::from_value(serde_json::json!({"storageLimitBytes": 10})).unwrap(),
            )
            .unwrap();
        let e = c
            .assets()
            .upload(Upload::from_bytes(&project, "a.pdf", pdf_bytes(1)))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Forbidden);

        // RateLimited: 429 with a Retry-After beyond the cap.
        env.emu.add_fault(
            FaultRule::status("/api/v1/users", 429)
                .retry_after(3600)
                .times(1),
        );
        let e = c.users().list().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::RateLimited);
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3600)));

        // Server (500 every time), Decode (200 with a non-JSON body).
        env.emu.clear_faults();
        env.emu.add_fault(FaultRule::status("/api/v1/users", 500));
        assert_eq!(
            c.users().list().await.unwrap_err().kind(),
            ErrorKind::Server
        );
        env.emu.clear_faults();
        let mut rule = FaultRule::status("/api/v1/users", 200);
        rule.body = Some("<html>not json</html>".into());
        env.emu.add_fault(rule.times(1));
        assert_eq!(
            c.users().list().await.unwrap_err().kind(),
            ErrorKind::Decode
        );
        env.emu.clear_faults();

        // Transport: nothing listens.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dead = builder(&format!("http://127.0.0.1:{port}"), "a", "b")
            .max_attempts(2)
            .build()
            .unwrap();
        assert_eq!(
            dead.users().list().await.unwrap_err().kind(),
            ErrorKind::Transport
        );

        // Timeout: slower than the read timeout on every attempt.
        let slow = builder(&env.emu.url(), &env.emu.username(), &env.emu.password())
            .read_timeout(Duration::from_millis(200))
            .max_attempts(2)
            .build()
            .unwrap();
        slow.login().await.unwrap();
        env.emu
            .add_fault(FaultRule::new("/api/v1/users", FaultAction::Delay).latency_ms(600));
        assert_eq!(
            slow.users().list().await.unwrap_err().kind(),
            ErrorKind::Timeout
        );
        env.emu.clear_faults();

        // Ambiguous: see server_errors_get_retried_posts_are_ambiguous_never_duplicated.
        // Io: the download target's name is taken by a non-empty directory.
        env.emu
            .update_config(
                &serde_json::from_value(serde_json::json!({"storageLimitBytes": null})).unwrap(),
            )
            .unwrap();
        let p2 = env.project("Io").await;
        let a = c
            .assets()
            .upload(Upload::from_bytes(&p2, "a.pdf", pdf_bytes(1)))
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a.pdf").join("inner")).unwrap();
        let e = c
            .assets()
            .download(&a, Download::to(dir.path()))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Io, "{e}");

        // Cancelled: an upload whose token is already cancelled.
        let token = CancellationToken::new();
        token.cancel();
        let e = c
            .assets()
            .upload(Upload::from_bytes(&p2, "b.pdf", pdf_bytes(1)).cancel_token(token))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Cancelled);
    })
    .await
}
