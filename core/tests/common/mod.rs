//! Test harness: an in-process emulator on 127.0.0.1 and clients for it.
//!
//! With `APST_PRISM=1`, the JSON API calls of `Env::client` go through Prism's validation
//! proxy (`prism proxy spec/openapi.yaml <emulator> --errors`), so any request or response
//! that violates the contract fails the test. `Env::direct` always talks to the emulator
//! (binary uploads/downloads: Prism corrupts binary bodies), and so do control-API calls.
#![allow(dead_code)]

use approvalstudio::Client;
use approvalstudio_emulator::{Emulator, EmulatorConfig, RequestRecord};
use std::future::Future;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Upper bound of one test.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(90);

pub struct Prism {
    child: Child,
    pub url: String,
    log: std::path::PathBuf,
}

/// Lines of a Prism log that report a contract violation (request or response) or a request
/// Prism refused.
pub fn violations(log: &str) -> Vec<String> {
    log.lines()
        .filter(|l| {
            l.contains("Violation")
                || l.contains("[VALIDATOR]")
                || l.contains("Request terminated with error")
        })
        .map(str::to_string)
        .collect()
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let _ = std::fs::remove_file(&self.log);
        let v = violations(&log);
        if !v.is_empty() && !std::thread::panicking() {
            panic!(
                "Prism reported {} contract violation(s):\n{}",
                v.len(),
                v.join("\n")
            );
        }
    }
}

pub fn prism_enabled() -> bool {
    std::env::var("APST_PRISM").is_ok_and(|v| v == "1")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `prism proxy` in front of `upstream`; waits until it answers.
pub async fn start_prism(upstream: &str) -> Prism {
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/openapi.yaml");
    let port = free_port();
    let log = std::env::temp_dir().join(format!("apst-prism-{port}.log"));
    let out = std::fs::File::create(&log).unwrap();
    let child = Command::new("prism")
        .args([
            "proxy",
            spec,
            upstream,
            "--errors",
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
        ])
        .stdout(Stdio::from(out.try_clone().unwrap()))
        .stderr(Stdio::from(out))
        .spawn()
        .expect(
            "APST_PRISM=1 needs `prism` on PATH (source scripts/env.sh; bash scripts/setup.sh)",
        );
    let prism = Prism {
        child,
        url: format!("http://127.0.0.1:{port}"),
        log: log.clone(),
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "prism did not start; see {}",
            log.display()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    prism
}

pub struct Env {
    pub emu: Emulator,
    pub prism: Option<Prism>,
    /// Client for JSON calls (through Prism when enabled).
    pub client: Client,
    /// Client straight to the emulator (binary transfers).
    pub direct: Client,
}

pub fn fast_config() -> EmulatorConfig {
    EmulatorConfig::default()
        .processing_delay(Duration::from_millis(20))
        .transit_delay(Duration::from_millis(50))
}

pub fn builder(url: &str, user: &str, pass: &str) -> approvalstudio::ClientBuilder {
    Client::builder()
        .base_url(url)
        .credentials(user, pass)
        .backoff_base(Duration::from_millis(20))
        .backoff_cap(Duration::from_millis(200))
        .retry_deadline(Duration::from_secs(30))
        .read_timeout(Duration::from_secs(20))
}

impl Env {
    pub async fn start() -> Env {
        Env::with_config(fast_config()).await
    }

    pub async fn with_config(cfg: EmulatorConfig) -> Env {
        let emu = Emulator::start(cfg).await.expect("emulator starts");
        let prism = if prism_enabled() {
            Some(start_prism(&emu.url()).await)
        } else {
            None
        };
        let api_url = prism.as_ref().map(|p| p.url.clone()).unwrap_or(emu.url());
        let client = builder(&api_url, &emu.username(), &emu.password())
            .build()
            .unwrap();
        let direct = builder(&emu.url(), &emu.username(), &emu.password())
            .build()
            .unwrap();
        Env {
            emu,
            prism,
            client,
            direct,
        }
    }

    /// URL for JSON clients (Prism when enabled).
    pub fn api_url(&self) -> String {
        self.prism
            .as_ref()
            .map(|p| p.url.clone())
            .unwrap_or(self.emu.url())
    }

    /// A client for another seeded user.
    pub fn client_as(&self, user: &str, pass: &str) -> Client {
        builder(&self.api_url(), user, pass).build().unwrap()
    }

    /// Journal entries for `method path`.
    pub fn requests(&self, method: &str, path: &str) -> Vec<RequestRecord> {
        self.emu
            .requests()
            .into_iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method) && r.path == path)
            .collect()
    }

    pub fn logins(&self) -> usize {
        self.requests("POST", "/api/v1/token/login").len()
    }

    pub async fn owner(&self) -> String {
        self.client.users().logged_in().await.unwrap().user_uid
    }

    /// A new Active project owned by the admin.
    pub async fn project(&self, name: &str) -> String {
        let owner = self.owner().await;
        self.client
            .projects()
            .create(approvalstudio::NewProject::new(name, [owner]))
            .await
            .unwrap()
            .project_uid
    }

    /// Uploads a small valid PDF (direct) and waits until processed; returns its UID.
    pub async fn processed_pdf(&self, project_uid: &str, name: &str) -> String {
        let uid = self
            .direct
            .assets()
            .upload(approvalstudio::Upload::from_bytes(
                project_uid,
                name,
                pdf_bytes(1),
            ))
            .await
            .unwrap();
        self.direct
            .assets()
            .wait_processed(&uid, Duration::from_secs(20))
            .await
            .unwrap();
        uid
    }
}

/// Runs a test body with the harness's time bound.
pub async fn bounded<F: Future<Output = ()>>(f: F) {
    tokio::time::timeout(TEST_TIMEOUT, f)
        .await
        .expect("test timed out");
}

/// A minimal valid PDF with `pages` pages.
pub fn pdf_bytes(pages: usize) -> Vec<u8> {
    let mut objs: Vec<String> = Vec::new();
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 3 + i)).collect();
    objs.push("<< /Type /Catalog /Pages 2 0 R >>".into());
    objs.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        kids.join(" "),
        pages
    ));
    for _ in 0..pages {
        objs.push("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>".into());
    }
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{}\nendobj\n", i + 1, o).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{}\n%%EOF\n",
            objs.len() + 1,
            xref
        )
        .as_bytes(),
    );
    out
}
