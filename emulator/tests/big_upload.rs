//! A 1 GiB multipart upload, generated on the fly, streamed to disk by the emulator: the
//! process's peak RSS must grow by well under 100 MiB. (Own test binary: nothing else runs
//! in this process meanwhile.)

mod common;

use std::time::{Duration, Instant};

use bytes::Bytes;
use common::*;

const GIB: u64 = 1024 * 1024 * 1024;
const CHUNK: usize = 4 * 1024 * 1024;

fn status_kib(field: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    s.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_gib_upload_streams_to_disk() {
    bounded(240, async {
        let c = Ctx::new().await;
        let p = c.project("Big").await;
        // Warm up the upload path so one-time allocations are not counted.
        c.upload(&p, "warm.bin", vec![0u8; 1024 * 1024]).await;

        let boundary = "----approvalstudio-big-upload-boundary";
        let head = Bytes::from(format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"FileName\"; filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        ));
        let tail = Bytes::from(format!("\r\n--{boundary}--\r\n"));
        let chunk = Bytes::from((0..CHUNK).map(|i| (i % 251) as u8).collect::<Vec<u8>>());
        let n = (GIB as usize) / CHUNK;
        let total = head.len() as u64 + GIB + tail.len() as u64;
        let parts = std::iter::once(head)
            .chain(std::iter::repeat_n(chunk, n))
            .chain(std::iter::once(tail))
            .map(Ok::<Bytes, std::io::Error>);
        let body = reqwest::Body::wrap_stream(futures_util::stream::iter(parts));

        let rss_before = status_kib("VmRSS:");
        let started = Instant::now();
        let r = c
            .http
            .post(c.url(&format!("asset/upload?ProjectUID={p}")))
            .bearer_auth(&c.token)
            .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
            .header("Content-Length", total)
            .body(body)
            .send()
            .await
            .unwrap();
        let r = Ctx::resp(r).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let elapsed = started.elapsed();
        let hwm_after = status_kib("VmHWM:");
        let growth_mib = hwm_after.saturating_sub(rss_before) / 1024;
        eprintln!("1 GiB upload in {elapsed:?}; RSS before {} MiB, peak after {} MiB, growth {growth_mib} MiB", rss_before / 1024, hwm_after / 1024);
        assert!(growth_mib < 100, "peak RSS grew by {growth_mib} MiB");

        let a = r.result()["assetUID"].as_str().unwrap().to_string();
        let asset = c.wait_asset(&a).await;
        assert_eq!(asset["fileSize"], GIB);
        assert_eq!(asset["name"], "big.bin");
        // The last bytes are the pattern's.
        let d = c
            .http
            .get(c.url(&format!("asset/download?AssetUID={a}")))
            .bearer_auth(&c.token)
            .header("Range", "bytes=-4")
            .send()
            .await
            .unwrap();
        assert_eq!(d.status(), 206);
        let expect: Vec<u8> = (CHUNK - 4..CHUNK).map(|i| (i % 251) as u8).collect();
        assert_eq!(d.bytes().await.unwrap().as_ref(), expect.as_slice());
        tokio::time::sleep(Duration::from_millis(1)).await;
    })
    .await;
}
