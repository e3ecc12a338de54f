//! Quickstart: log in, create a project, upload a PDF, wait until it is processed, create a
//! review link and send it, print the short URL, download the proof report.
//!
//! ```sh
//! cargo run -p approvalstudio --example quickstart [-- path/to/file.pdf]
//! ```
//! Talks to `APPROVALSTUDIO_URL` with `APPROVALSTUDIO_USERNAME`/`APPROVALSTUDIO_PASSWORD` when
//! set; otherwise starts the embedded emulator on 127.0.0.1.

use approvalstudio::{Client, Download, NewProject, ReviewLinkOptions, ReviewLinkSend, Upload};
use std::time::Duration;

/// A small valid one-page PDF.
fn sample_pdf() -> Vec<u8> {
    let objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        "<< /Length 58 >>\nstream\nBT /F1 36 Tf 72 720 Td (Carton 330ml artwork) Tj ET\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A server from the environment, or the embedded emulator.
    let mut _emulator = None;
    let (url, user, pass) = match std::env::var("APPROVALSTUDIO_URL") {
        Ok(url) => (
            url,
            std::env::var("APPROVALSTUDIO_USERNAME")?,
            std::env::var("APPROVALSTUDIO_PASSWORD")?,
        ),
        Err(_) => {
            let emu = approvalstudio_emulator::Emulator::start(Default::default()).await?;
            let t = (emu.url(), emu.username(), emu.password());
            println!("started the embedded emulator at {}", t.0);
            _emulator = Some(emu);
            t
        }
    };

    let client = Client::builder()
        .base_url(&url)
        .credentials(&user, &pass)
        .build()?;
    let login = client.login().await?;
    println!("logged in; token valid until {:?}", login.expiration_date);

    let me = client.users().logged_in().await?;
    let project = client
        .projects()
        .create(NewProject::new("Carton 330ml", [me.user_uid.clone()]).customer("ACME"))
        .await?;
    println!("created project {}", project.project_uid);

    let work = tempfile::tempdir()?;
    let pdf = match std::env::args().nth(1) {
        Some(p) => std::path::PathBuf::from(p),
        None => {
            let p = work.path().join("carton-330ml.pdf");
            std::fs::write(&p, sample_pdf())?;
            p
        }
    };
    let asset_uid = client
        .assets()
        .upload(
            Upload::from_path(&project.project_uid, &pdf)
                .progress(|p| println!("  uploaded {} of {} bytes", p.bytes, p.total.unwrap_or(0))),
        )
        .await?;
    let asset = client
        .assets()
        .wait_processed(&asset_uid, Duration::from_secs(120))
        .await?;
    println!(
        "asset {} is {} ({} page(s))",
        asset.asset_uid,
        asset.status.map(|s| s.to_string()).unwrap_or_default(),
        asset.pages_count.unwrap_or(0)
    );

    let links = client.review_links();
    let link = links
        .create(
            &project.project_uid,
            "Round 1",
            ReviewLinkOptions::default(),
        )
        .await?;
    links
        .add_assets(&project.project_uid, &link.id, [asset_uid.clone()])
        .await?;
    let sent = links
        .send(
            &project.project_uid,
            &link.id,
            ReviewLinkSend::new(["buyer@example.com"]),
        )
        .await?;
    for r in &sent {
        println!(
            "review link sent to {}: {}",
            r.email,
            r.short_url.as_deref().unwrap_or("(no URL)")
        );
    }

    let report = client
        .projects()
        .download_proof_report(
            &project.project_uid,
            Download::to(work.path().join("proof-report.pdf")),
        )
        .await?;
    let size = std::fs::metadata(&report)?.len();
    println!(
        "downloaded the proof report ({size} bytes) to {}",
        report.display()
    );
    Ok(())
}
