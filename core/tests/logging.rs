//! Tracing: spans per operation and attempt, and no secret at any level.

mod common;

use common::{bounded, Env};
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn spans_per_operation_and_attempt_without_secrets() {
    let buf = Buf::default();
    let b2 = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || b2.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let mut token = String::new();
    let mut secret = String::new();
    bounded(async {
        let env = Env::start().await;
        env.emu
            .add_fault(approvalstudio_emulator::FaultRule::status("/api/v1/users", 503).times(1));
        env.direct.users().list().await.unwrap();
        let login = env.direct.login().await.unwrap();
        token =
            approvalstudio::ExposeSecret::expose_secret(login.token.as_ref().unwrap().as_secret())
                .to_string();
        let w = env
            .direct
            .webhooks()
            .create(approvalstudio::NewWebhook::new("http://127.0.0.1:9/x"))
            .await
            .unwrap();
        secret = w.secret.as_ref().unwrap().expose_secret().to_string();
        env.direct.webhooks().list().await.unwrap();
        let _ = env.direct.users().logged_in().await;
    })
    .await;
    let out = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(out.contains("approvalstudio.op"), "operation span");
    assert!(out.contains("approvalstudio.attempt"), "attempt span");
    assert!(
        out.contains("op=\"users.list\"") || out.contains("op=users.list"),
        "{out}"
    );
    assert!(out.contains("backoff_ms"), "retry with backoff logged");
    assert!(out.contains("status=503"));
    assert!(!out.contains("admin-password"), "password leaked");
    assert!(!token.is_empty() && !out.contains(&token), "token leaked");
    assert!(
        !secret.is_empty() && !out.contains(&secret),
        "webhook secret leaked"
    );
}
