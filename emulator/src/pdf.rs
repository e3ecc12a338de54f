//! Proof reports: plain single-layer PDF 1.4 files written with `pdf-writer`, listing the
//! review status of a project or an asset.

use chrono::{DateTime, Utc};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

use crate::state::{fmt_date, Asset, Data, Project, TaskStatus};

const LINES_PER_PAGE: usize = 48;

fn ascii(s: &str) -> String {
    s.chars()
        .map(|c| if (' '..='~').contains(&c) { c } else { '?' })
        .collect()
}

/// Renders lines of text as an A4 PDF 1.4 (Helvetica), paginated.
pub fn render(title: &str, lines: &[String]) -> Vec<u8> {
    let mut pdf = Pdf::new();
    pdf.set_version(1, 4);
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let font = Ref::new(3);
    let info = Ref::new(4);
    let mut next = 5;
    let chunks: Vec<&[String]> = if lines.is_empty() {
        vec![&[][..]]
    } else {
        lines.chunks(LINES_PER_PAGE).collect()
    };
    let mut page_ids = Vec::new();
    let total = chunks.len();
    for (i, chunk) in chunks.iter().enumerate() {
        let page = Ref::new(next);
        let content = Ref::new(next + 1);
        next += 2;
        page_ids.push(page);
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, 595.0, 842.0));
        p.parent(tree);
        p.contents(content);
        p.resources().fonts().pair(Name(b"F1"), font);
        p.finish();
        let mut c = Content::new();
        c.begin_text();
        c.set_font(Name(b"F1"), 16.0);
        c.next_line(50.0, 790.0);
        c.show(Str(ascii(title).as_bytes()));
        c.set_font(Name(b"F1"), 10.0);
        c.set_leading(14.0);
        c.next_line(0.0, -28.0);
        for line in chunk.iter() {
            c.show(Str(ascii(line).as_bytes()));
            c.next_line_using_leading();
        }
        c.end_text();
        c.begin_text();
        c.set_font(Name(b"F1"), 8.0);
        c.next_line(50.0, 30.0);
        c.show(Str(format!(
            "Page {} of {total} - Approval Studio emulator",
            i + 1
        )
        .as_bytes()));
        c.end_text();
        pdf.stream(content, &c.finish());
    }
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(page_ids.len() as i32);
    pdf.type1_font(font).base_font(Name(b"Helvetica"));
    pdf.document_info(info)
        .title(pdf_writer::TextStr(&ascii(title)))
        .producer(pdf_writer::TextStr("approvalstudio-emulator"));
    pdf.finish()
}

fn asset_lines(data: &Data, a: &Asset, out: &mut Vec<String>) {
    let rs = data.asset_review_status(a);
    out.push(format!(
        "Asset: {} (version {}, {})",
        a.name, a.version, a.uid
    ));
    out.push(format!(
        "  Status: {}, pages: {}, size: {} bytes, uploaded {}",
        a.status.as_str(),
        a.pages,
        a.size,
        fmt_date(&a.created)
    ));
    out.push(format!(
        "  Review: {} pending, {} approved, {} rejected",
        rs["pendingCount"], rs["approvedCount"], rs["rejectedCount"]
    ));
    for t in data
        .tasks
        .iter()
        .filter(|t| t.kind.is_review() && t.asset_uids.contains(&a.uid))
    {
        let who = match (&t.user_uid, &t.email) {
            (Some(u), _) => data
                .user(u)
                .map(|u| u.full_name.clone())
                .unwrap_or_default(),
            (None, Some(e)) => e.clone(),
            _ => String::new(),
        };
        let when = t
            .closed
            .as_ref()
            .map(fmt_date)
            .unwrap_or_else(|| "-".into());
        let status = if t.status == TaskStatus::Pending {
            "Pending"
        } else {
            t.status.as_str()
        };
        out.push(format!(
            "  - {} by {who}: {status} ({when})",
            t.kind.as_str()
        ));
    }
    let notes = data
        .annotations
        .iter()
        .filter(|n| n.asset_uid == a.uid && !n.hidden)
        .count();
    out.push(format!("  Annotations: {notes}"));
}

/// The proof report of a project.
pub fn project_report(data: &Data, p: &Project, now: DateTime<Utc>) -> Vec<u8> {
    let rs = data.project_review_status(p);
    let mut lines = vec![
        format!("Project: {} ({})", p.name, p.uid),
        format!("State: {}", p.state.as_str()),
        format!("Customer: {}", p.customer.clone().unwrap_or_default()),
        format!(
            "Review status: {} pending, {} approved, {} rejected",
            rs["pendingCount"], rs["approvedCount"], rs["rejectedCount"]
        ),
        format!("Generated: {}", fmt_date(&now)),
        String::new(),
    ];
    for a in data.assets.iter().filter(|a| a.project_uid == p.uid) {
        asset_lines(data, a, &mut lines);
    }
    render(&format!("Proof report: {}", p.name), &lines)
}

/// The proof report of an asset.
pub fn asset_report(data: &Data, a: &Asset, now: DateTime<Utc>) -> Vec<u8> {
    let mut lines = vec![format!("Generated: {}", fmt_date(&now)), String::new()];
    asset_lines(data, a, &mut lines);
    render(&format!("Proof report: {}", a.name), &lines)
}

#[cfg(test)]
mod tests {
    #[test]
    fn is_pdf_14_and_parses() {
        let lines: Vec<String> = (0..100).map(|i| format!("line {i} ü")).collect();
        let pdf = super::render("Title", &lines);
        assert!(pdf.starts_with(b"%PDF-1.4"));
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        assert_eq!(doc.get_pages().len(), 3);
    }
}
