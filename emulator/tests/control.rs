//! Control API, fault rules, rate limit, request journal, reset, library start modes and CLI.

mod common;

use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

use approvalstudio_emulator::{Emulator, EmulatorConfig, FaultAction, FaultRule, Quota};
use common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quota_429_and_headers() {
    bounded(30, async {
        let c = Ctx::with(fast_config().quota(Quota::new(3, Duration::from_secs(60)))).await;
        // Login used one call.
        let r = c.get("users").await;
        assert_eq!(r.status, 200);
        assert_eq!(r.headers["x-rate-limit-limit"], "1m");
        assert_eq!(r.headers["x-rate-limit-remaining"], "1");
        assert!(r.headers["x-rate-limit-reset"]
            .to_str()
            .unwrap()
            .ends_with('Z'));
        assert_eq!(c.get("users").await.headers["x-rate-limit-remaining"], "0");
        let r = c.get("users").await;
        assert_eq!(r.status, 429);
        assert_eq!(
            r.text,
            "API calls quota exceeded! maximum admitted 3 per 1m."
        );
        assert!(r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain"));
        let ra: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&ra));
        assert_eq!(r.headers["x-rate-limit-limit"], "1m");
        assert_eq!(r.headers["x-rate-limit-remaining"], "0");
        let reset = r.headers["x-rate-limit-reset"].to_str().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(reset).is_ok(),
            "{reset}"
        );
        // The control API is never limited; the clock moves the window.
        assert_eq!(
            c.control(Method::GET, "health", None).await.json,
            json!({"status": "ok"})
        );
        c.emu.advance_clock(Duration::from_secs(61));
        assert_eq!(c.get("users").await.status, 200);
        // Quota via the control API, then removed.
        let r = c
            .control(
                Method::POST,
                "config",
                Some(json!({"quota": {"limit": 1, "period": "30s"}})),
            )
            .await;
        assert_eq!(r.json["quota"], json!({"limit": 1, "period": "30s"}));
        assert_eq!(c.get("users").await.status, 200);
        let r = c.get("users").await;
        assert_eq!(
            r.text,
            "API calls quota exceeded! maximum admitted 1 per 30s."
        );
        c.control(Method::POST, "config", Some(json!({"quota": null})))
            .await;
        let r = c.get("users").await;
        assert_eq!(r.status, 200);
        assert!(r.headers.get("x-rate-limit-limit").is_none());
        // Through the library.
        c.emu.set_config(
            c.emu
                .config()
                .quota(Quota::new(1, Duration::from_secs(3600))),
        );
        c.get("users").await;
        assert_eq!(
            c.get("users").await.text,
            "API calls quota exceeded! maximum admitted 1 per 1h."
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_status_times_and_journal() {
    bounded(30, async {
        let c = Ctx::new().await;
        let id = c.emu.add_fault(FaultRule::status("/api/v1/users", 503).retry_after(2).times(2));
        for _ in 0..2 {
            let r = c.get("users").await;
            assert_eq!(r.status, 503);
            assert_eq!(r.headers["retry-after"], "2");
        }
        assert_eq!(c.get("users").await.status, 200);
        let faults = c.control(Method::GET, "faults", None).await;
        assert_eq!(faults.json[0]["faultId"], id.as_str());
        assert_eq!(faults.json[0]["hits"], 2);
        // Prefix + method + custom body via the control API.
        let r = c.control(Method::POST, "faults", Some(json!({"method": "POST", "path": "/api/v1/project*", "action": "status", "status": 500, "body": "boom"}))).await;
        let fid = r.json["faultId"].as_str().unwrap().to_string();
        let me = c.me().await;
        let r = c.post("project/meta", json!({"projectUID": "x", "key": "k", "value": "v"})).await;
        assert_eq!((r.status, r.text.as_str()), (500, "boom"));
        assert_eq!(c.get("project").await.status, 200, "GET not matched");
        assert_eq!(c.control(Method::DELETE, &format!("faults/{fid}"), None).await.status, 200);
        assert_eq!(c.control(Method::DELETE, &format!("faults/{fid}"), None).await.status, 404);
        assert_eq!(c.post("project", json!({"projectName": "ok", "projectOwnersUIDS": [me]})).await.status, 200);
        // Journal: method, path, query, status, fault; filters.
        let j = c.control(Method::GET, "requests?method=GET&path=/api/v1/users", None).await;
        let rows = j.json.as_array().unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0]["status"], 503);
        assert_eq!(rows[0]["fault"], "status");
        assert_eq!(rows[2]["status"], 200);
        assert!(rows[2]["fault"].is_null());
        let q = c.control(Method::GET, "requests?path=/api/v1/project*", None).await;
        assert!(q.json.as_array().unwrap().iter().any(|r| r["method"] == "POST" && r["fault"] == "status"));
        assert!(c.emu.requests().iter().all(|r| !r.path.starts_with("/_emulator")));
        c.control(Method::DELETE, "requests", None).await;
        assert_eq!(c.control(Method::GET, "requests", None).await.json, json!([]));
        c.control(Method::DELETE, "faults", None).await;
        assert_eq!(c.control(Method::GET, "faults", None).await.json, json!([]));
        // Bad rules are 400s.
        assert_eq!(c.control(Method::POST, "faults", Some(json!({"path": "/x", "action": "explode"}))).await.status, 400);
        assert_eq!(c.control(Method::POST, "faults", Some(json!({"path": "/x", "probability": 2.0}))).await.status, 400);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_delay_reset_after_and_truncate() {
    bounded(30, async {
        let c = Ctx::new().await;
        // delay
        c.emu.add_fault(
            FaultRule::new("/api/v1/users", FaultAction::Delay)
                .latency_ms(300)
                .times(1),
        );
        let t = Instant::now();
        assert_eq!(c.get("users").await.status, 200);
        assert!(t.elapsed() >= Duration::from_millis(300));
        // reset before handling: no response, no state change.
        c.emu.add_fault(
            FaultRule::new("/api/v1/project", FaultAction::Reset)
                .method("POST")
                .times(1),
        );
        let me = c.me().await;
        let err = c
            .http
            .post(c.url("project"))
            .bearer_auth(&c.token)
            .json(&json!({"projectName": "lost", "projectOwnersUIDS": [me]}))
            .send()
            .await;
        assert!(err.is_err(), "connection reset expected");
        assert_eq!(
            c.get("project?Query=lost")
                .await
                .result()
                .as_array()
                .unwrap()
                .len(),
            0
        );
        // reset after handling: the project exists although the client saw an error.
        c.emu.add_fault(
            FaultRule::new("/api/v1/project", FaultAction::Reset)
                .method("POST")
                .after(true)
                .times(1),
        );
        let err = c
            .http
            .post(c.url("project"))
            .bearer_auth(&c.token)
            .json(&json!({"projectName": "applied", "projectOwnersUIDS": [me]}))
            .send()
            .await;
        assert!(err.is_err());
        assert_eq!(
            c.get("project?Query=applied")
                .await
                .result()
                .as_array()
                .unwrap()
                .len(),
            1
        );
        let j = c.emu.requests();
        let last = j.iter().rev().find(|r| r.method == "POST").unwrap();
        assert_eq!(last.fault.as_deref(), Some("reset"));
        assert!(last.status.is_none());
        // truncate: full Content-Length announced, half the body, then closed.
        c.emu
            .add_fault(FaultRule::new("/api/v1/users", FaultAction::Truncate).times(1));
        let r = c
            .http
            .get(c.url("users"))
            .bearer_auth(&c.token)
            .send()
            .await
            .unwrap();
        let announced: usize = r.headers()["content-length"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(announced > 0);
        assert!(r.bytes().await.is_err(), "body must be cut short");
        // The next request works (the connection pool recovers).
        assert_eq!(c.get("users").await.status, 200);
        // Truncated download of a file.
        let p = c.project("Trunc").await;
        let a = c.upload(&p, "f.bin", vec![1u8; 200_000]).await;
        c.emu
            .add_fault(FaultRule::new("/api/v1/asset/download", FaultAction::Truncate).times(1));
        let r = c
            .http
            .get(c.url(&format!("asset/download?AssetUID={a}")))
            .bearer_auth(&c.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["content-length"], "200000");
        assert!(r.bytes().await.is_err());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_seeded_probability_is_reproducible() {
    bounded(30, async {
        let c = Ctx::new().await;
        let mut runs = Vec::new();
        for _ in 0..2 {
            c.emu.clear_faults();
            c.emu
                .add_fault(FaultRule::status("/api/v1/users", 503).probability(0.5, 7));
            let mut statuses = Vec::new();
            for _ in 0..20 {
                statuses.push(c.get("users").await.status);
            }
            runs.push(statuses);
        }
        assert_eq!(runs[0], runs[1]);
        assert!(runs[0].contains(&503) && runs[0].contains(&200));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_and_config_round_trip() {
    bounded(30, async {
        let c = Ctx::new().await;
        let p = c.project("Gone after reset").await;
        c.emu.add_fault(FaultRule::status("/nothing", 500));
        c.emu.advance_clock(Duration::from_secs(3600));
        let cfg = c.control(Method::POST, "config", Some(json!({"processingDelayMs": 5, "webhookRetryWindowSeconds": 60, "webhookBackoffMs": 10, "transitDelayMs": 50, "storageLimitBytes": 10}))).await;
        assert_eq!(cfg.json["processingDelayMs"], 5);
        assert_eq!(cfg.json["storageLimitBytes"], 10);
        assert_eq!(c.control(Method::GET, "config", None).await.json["webhookBackoffMs"], 10);
        assert_eq!(c.control(Method::POST, "config", Some(json!({"quota": {"limit": 1, "period": "1y"}}))).await.status, 400);
        assert_eq!(c.control(Method::POST, "reset", None).await.status, 200);
        // Tokens are gone too: log in again.
        assert_eq!(c.get("users").await.status, 401);
        let c = Ctx { token: c.login("admin@example.com", "admin-password").await, ..c };
        assert_envelope(&c.get(&format!("project?ProjectUID={p}")).await, 404, "Project not found");
        assert_eq!(c.control(Method::GET, "faults", None).await.json, json!([]));
        let now = c.emu.now();
        assert!((now - chrono::Utc::now()).num_seconds().abs() < 5);
        assert_eq!(c.control(Method::GET, "config", None).await.json["processingDelayMs"], 20);
        assert!(c.control(Method::GET, "requests", None).await.json.as_array().unwrap().len() == 3, "users (401), login, project");
        c.emu.reset();
        assert_eq!(c.get("users").await.status, 401);
    })
    .await;
}

#[test]
fn start_blocking_from_sync_code() {
    let emu = Emulator::start_blocking(EmulatorConfig::default()).unwrap();
    assert!(emu.url().starts_with("http://127.0.0.1:"));
    assert_eq!(emu.username(), "admin@example.com");
    assert_eq!(emu.password(), "admin-password");
    let mut s = std::net::TcpStream::connect(emu.addr()).unwrap();
    use std::io::{Read, Write};
    s.write_all(b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    let addr = emu.addr();
    drop(emu);
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "shut down on drop"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_blocking_inside_a_runtime_and_custom_users() {
    bounded(30, async {
        let cfg = EmulatorConfig::default().users(
            approvalstudio_emulator::UserSpec::parse_list("me@x.org:pw,lite@x.org:pw:lite")
                .unwrap(),
        );
        let emu = Emulator::start_blocking(cfg).unwrap();
        assert_eq!(emu.username(), "me@x.org");
        let http = reqwest::Client::new();
        let r = http
            .post(format!("{}/api/v1/token/login", emu.url()))
            .json(&json!({"userName": "me@x.org", "password": "pw"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let r = http
            .post(format!("{}/api/v1/token/login", emu.url()))
            .json(&json!({"userName": "lite@x.org", "password": "pw"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        drop(emu);
    })
    .await;
}

#[test]
fn cli_serve_and_exec() {
    let bin = env!("CARGO_BIN_EXE_approvalstudio-emulator");
    // exec: exports the variables, returns the child's exit code.
    let out = std::process::Command::new(bin)
        .args(["exec", "--quota", "5/1m", "--", "sh", "-c", "echo \"$APPROVALSTUDIO_URL $APPROVALSTUDIO_USERNAME $APPROVALSTUDIO_PASSWORD\"; exit 7"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(
        line.starts_with("http://127.0.0.1:") && line.contains("admin@example.com admin-password"),
        "{line}"
    );
    let out = std::process::Command::new(bin)
        .args(["exec", "--", "true"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // serve: prints the URL, serves, stops on SIGTERM.
    let mut child = std::process::Command::new(bin)
        .args([
            "serve",
            "--port",
            "0",
            "--users",
            "u@x.org:pw",
            "--token-ttl",
            "60",
            "--processing-delay-ms",
            "5",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect("listening line")
        .to_string();
    let addr = url.trim_start_matches("http://").to_string();
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    use std::io::{Read, Write};
    s.write_all(b"GET /_emulator/config HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.contains("\"tokenTtlSeconds\":60"), "{out}");
    let _ = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            assert_eq!(st.code(), Some(0));
            break;
        }
        assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
    // Bad flags: a clear error, exit 2.
    let out = std::process::Command::new(bin)
        .args(["serve", "--quota", "lots"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
