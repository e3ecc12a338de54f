//! `apst-bench`: the Rust half of `bench/run`. Every subcommand prints one line of JSON.
//!
//! - `get URL TOKEN PROJECT_UID CALLS WARMUP`: P5, the blocking client's `GET project` loop
//!   with the query `apst_project_get` sends (assets, tasks, refdocs, metadata loaded).
//! - `tcp BYTES`: loopback TCP bandwidth, one connection on 127.0.0.1 (1 MiB writes/reads).
//! - `tmpfs PATH BYTES`: write bandwidth of a new file (1 MiB writes, fsync), then removes it.
//! - `mkfile PATH BYTES`: writes a file of non-zero bytes (the transfer benchmarks' input).
//! - `copy SRC DST`: file → loopback TCP → file, 1 MiB buffers, reading and writing
//!   overlapped by a thread on each side (what an upload or a download does at the least,
//!   without HTTP), fsync at the end.
//! - `upload URL TOKEN PROJECT_UID FILE`, `download URL TOKEN ASSET_UID TARGET`: one transfer
//!   with the blocking client (for profiling the core's transfer path without C or Python).
//! - `many URL TOKEN PROJECT_UID DIR CONCURRENCY`: `upload_many` of every file in DIR.

use std::io::{Read, Write};
use std::time::Instant;

const BUF: usize = 1 << 20;

fn pattern() -> Vec<u8> {
    // Not zeros (nothing on the path compresses, but keep the data honest); xorshift.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..BUF)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn arg<T: std::str::FromStr>(args: &[String], i: usize, what: &str) -> T {
    args.get(i)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| die(&format!("missing or bad argument {what}")))
}

fn die(msg: &str) -> ! {
    eprintln!("apst-bench: {msg}");
    std::process::exit(2)
}

fn get(args: &[String]) {
    use approvalstudio::{blocking, Client, ProjectQuery};
    let url: String = arg(args, 2, "URL");
    let token: String = arg(args, 3, "TOKEN");
    let uid: String = arg(args, 4, "PROJECT_UID");
    let calls: u64 = arg(args, 5, "CALLS");
    let warmup: u64 = arg(args, 6, "WARMUP");
    let client = blocking::Client::new(Client::builder().base_url(url).token(token))
        .unwrap_or_else(|e| die(&e.to_string()));
    let q = || {
        ProjectQuery::new()
            .project_uid(uid.clone())
            .load_assets(true)
            .load_tasks(true)
            .load_refdocs(true)
            .load_metadata(true)
    };
    for _ in 0..warmup {
        client
            .projects()
            .get_with(q())
            .unwrap_or_else(|e| die(&e.to_string()));
    }
    let t = Instant::now();
    let mut n = 0usize;
    for _ in 0..calls {
        let p = client
            .projects()
            .get_with(q())
            .unwrap_or_else(|e| die(&e.to_string()));
        n += p.project_uid.len();
    }
    let s = t.elapsed().as_secs_f64();
    assert!(n > 0 || calls == 0);
    println!("{{\"seconds\": {s:.6}, \"calls\": {calls}}}");
}

fn client(url: String, token: String) -> approvalstudio::blocking::Client {
    approvalstudio::blocking::Client::new(
        approvalstudio::Client::builder().base_url(url).token(token),
    )
    .unwrap_or_else(|e| die(&e.to_string()))
}

fn transfer(args: &[String], up: bool) {
    let c = client(arg(args, 2, "URL"), arg(args, 3, "TOKEN"));
    let uid: String = arg(args, 4, "UID");
    let path: String = arg(args, 5, "PATH");
    let t = Instant::now();
    if up {
        let asset = c
            .assets()
            .upload(approvalstudio::Upload::from_path(uid, path))
            .unwrap_or_else(|e| die(&e.to_string()));
        let s = t.elapsed().as_secs_f64();
        println!("{{\"seconds\": {s:.6}, \"asset\": \"{asset}\"}}");
    } else {
        c.assets()
            .download(&uid, approvalstudio::Download::to(path))
            .unwrap_or_else(|e| die(&e.to_string()));
        let s = t.elapsed().as_secs_f64();
        println!("{{\"seconds\": {s:.6}}}");
    }
}

fn many(args: &[String]) {
    let c = client(arg(args, 2, "URL"), arg(args, 3, "TOKEN"));
    let project: String = arg(args, 4, "PROJECT_UID");
    let dir: String = arg(args, 5, "DIR");
    let conc: usize = arg(args, 6, "CONCURRENCY");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| die(&format!("{dir}: {e}")))
        .map(|e| e.expect("dir entry").path())
        .collect();
    paths.sort();
    c.users()
        .logged_in()
        .unwrap_or_else(|e| die(&e.to_string()));
    let t = Instant::now();
    let res = c
        .assets()
        .upload_many(&project, paths, conc)
        .unwrap_or_else(|e| die(&e.to_string()));
    let s = t.elapsed().as_secs_f64();
    let uids: Vec<String> = res
        .into_iter()
        .map(|r| format!("\"{}\"", r.unwrap_or_else(|e| die(&e.to_string()))))
        .collect();
    println!("{{\"seconds\": {s:.6}, \"assets\": [{}]}}", uids.join(", "));
}

fn tcp(args: &[String]) {
    let bytes: u64 = arg(args, 2, "BYTES");
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| die(&e.to_string()));
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().expect("accept");
        let mut buf = vec![0u8; BUF];
        let mut got = 0u64;
        loop {
            match s.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => got += n as u64,
                Err(e) => panic!("read: {e}"),
            }
        }
        (got, Instant::now())
    });
    let buf = pattern();
    let t = Instant::now();
    let mut c = std::net::TcpStream::connect(addr).unwrap_or_else(|e| die(&e.to_string()));
    let mut left = bytes;
    while left > 0 {
        let n = left.min(BUF as u64) as usize;
        c.write_all(&buf[..n])
            .unwrap_or_else(|e| die(&e.to_string()));
        left -= n as u64;
    }
    drop(c);
    let (got, end) = server.join().expect("server thread");
    if got != bytes {
        die(&format!("received {got} of {bytes} bytes"));
    }
    let s = end.duration_since(t).as_secs_f64();
    println!("{{\"seconds\": {s:.6}, \"bytes\": {bytes}}}");
}

/// Moves 1 MiB buffers from `read` to `write` through a thread and a bounded channel, so
/// reading and writing overlap (as the HTTP stacks' do); returns the bytes moved.
fn pipeline(mut read: impl Read + Send + 'static, mut write: impl Write) -> u64 {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
    let reader = std::thread::spawn(move || loop {
        let mut buf = vec![0u8; BUF];
        let n = read.read(&mut buf).expect("read");
        if n == 0 {
            break;
        }
        buf.truncate(n);
        if tx.send(buf).is_err() {
            break;
        }
    });
    let mut moved = 0u64;
    for buf in rx {
        write.write_all(&buf).expect("write");
        moved += buf.len() as u64;
    }
    reader.join().expect("reader thread");
    moved
}

fn copy(args: &[String]) {
    let src: String = arg(args, 2, "SRC");
    let dst: String = arg(args, 3, "DST");
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| die(&e.to_string()));
    let addr = listener.local_addr().unwrap();
    let dst2 = dst.clone();
    let server = std::thread::spawn(move || {
        let (s, _) = listener.accept().expect("accept");
        let f = std::fs::File::create(&dst2).expect("create DST");
        let got = pipeline(s, &f);
        f.sync_all().expect("fsync DST");
        (got, Instant::now())
    });
    let t = Instant::now();
    let f = std::fs::File::open(&src).unwrap_or_else(|e| die(&format!("{src}: {e}")));
    let c = std::net::TcpStream::connect(addr).unwrap_or_else(|e| die(&e.to_string()));
    let sent = pipeline(f, &c);
    drop(c);
    let (got, end) = server.join().expect("server thread");
    std::fs::remove_file(&dst).ok();
    if got != sent {
        die(&format!("received {got} of {sent} bytes"));
    }
    let s = end.duration_since(t).as_secs_f64();
    println!("{{\"seconds\": {s:.6}, \"bytes\": {sent}}}");
}

fn write_file(path: &str, bytes: u64) -> f64 {
    let buf = pattern();
    let t = Instant::now();
    let mut f = std::fs::File::create(path).unwrap_or_else(|e| die(&format!("{path}: {e}")));
    let mut left = bytes;
    while left > 0 {
        let n = left.min(BUF as u64) as usize;
        f.write_all(&buf[..n])
            .unwrap_or_else(|e| die(&format!("{path}: {e}")));
        left -= n as u64;
    }
    f.sync_all()
        .unwrap_or_else(|e| die(&format!("{path}: {e}")));
    t.elapsed().as_secs_f64()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("get") => get(&args),
        Some("tcp") => tcp(&args),
        Some("upload") => transfer(&args, true),
        Some("download") => transfer(&args, false),
        Some("many") => many(&args),
        Some("copy") => copy(&args),
        Some("tmpfs") => {
            let path: String = arg(&args, 2, "PATH");
            let bytes: u64 = arg(&args, 3, "BYTES");
            let s = write_file(&path, bytes);
            std::fs::remove_file(&path).ok();
            println!("{{\"seconds\": {s:.6}, \"bytes\": {bytes}}}");
        }
        Some("mkfile") => {
            let path: String = arg(&args, 2, "PATH");
            let bytes: u64 = arg(&args, 3, "BYTES");
            let s = write_file(&path, bytes);
            println!("{{\"seconds\": {s:.6}, \"bytes\": {bytes}}}");
        }
        _ => die("usage: apst-bench get|tcp|tmpfs|mkfile|upload|download|many|copy ..."),
    }
}
