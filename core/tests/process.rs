//! Process-level behaviour, one test per binary section: memory stays flat while a large file
//! uploads (streamed in chunks), and the blocking client keeps working in a forked child.

mod common;

use approvalstudio::blocking::Client as BlockingClient;
use approvalstudio::Upload;
use approvalstudio_emulator::{Emulator, EmulatorConfig};
use std::time::Duration;

fn rss_peak_kib() -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[test]
fn large_upload_streams_with_flat_memory_and_survives_fork() {
    let emu = Emulator::start_blocking(
        EmulatorConfig::default().processing_delay(Duration::from_millis(20)),
    )
    .unwrap();
    let c = BlockingClient::new(
        approvalstudio::Client::builder()
            .base_url(emu.url())
            .credentials(emu.username(), emu.password()),
    )
    .unwrap();
    let me = c.users().logged_in().unwrap();
    let project = c
        .projects()
        .create(approvalstudio::NewProject::new("Big", [me.user_uid]))
        .unwrap()
        .project_uid;

    // 256 MiB file (sparse): the upload must not hold it in memory.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.bin");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(256 * 1024 * 1024).unwrap();
    drop(f);
    let before = rss_peak_kib();
    let uid = c
        .assets()
        .upload(Upload::from_path(&project, &path))
        .unwrap();
    let grown_mib = (rss_peak_kib().saturating_sub(before)) / 1024;
    assert!(
        grown_mib < 96,
        "peak RSS grew by {grown_mib} MiB for a 256 MiB upload"
    );
    assert_eq!(
        c.assets().get(&uid).unwrap().file_size,
        Some(256 * 1024 * 1024)
    );

    // fork: the child gets a new runtime and HTTP client (keyed by PID) and can call.
    // SAFETY: the child only makes a blocking call and leaves with _exit.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let ok = c.users().logged_in().is_ok() && c.projects().get(&project).is_ok();
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    let mut status = 0;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if r == pid {
            break;
        }
        if std::time::Instant::now() > deadline {
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("forked child hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "child failed: {status}"
    );
    // And the parent still works.
    c.users().logged_in().unwrap();
}
