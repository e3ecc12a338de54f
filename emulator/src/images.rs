//! Raster work: thumbnails (JPEG) and full-size bitmaps (PNG) of PNG/JPEG assets, and
//! generated placeholder images for formats the emulator does not rasterise.

use std::io::Cursor;
use std::path::Path;

use image::{DynamicImage, ImageFormat, ImageReader, Rgb, RgbImage};

/// Longest side of a thumbnail.
pub const THUMB_SIZE: u32 = 200;

fn encode(img: &DynamicImage, fmt: ImageFormat) -> Result<Vec<u8>, String> {
    let mut buf = Cursor::new(Vec::new());
    img.write_to(&mut buf, fmt).map_err(|e| e.to_string())?;
    Ok(buf.into_inner())
}

/// Decodes a PNG/JPEG file; returns (thumbnail JPEG, full-size PNG).
pub fn render(path: &Path) -> Result<(Vec<u8>, Vec<u8>), String> {
    let img = ImageReader::open(path)
        .map_err(|e| e.to_string())?
        .with_guessed_format()
        .map_err(|e| e.to_string())?
        .decode()
        .map_err(|e| format!("unreadable image: {e}"))?;
    let thumb = DynamicImage::ImageRgb8(img.thumbnail(THUMB_SIZE, THUMB_SIZE).to_rgb8());
    let full = if img.color().has_alpha() {
        DynamicImage::ImageRgba8(img.to_rgba8())
    } else {
        DynamicImage::ImageRgb8(img.to_rgb8())
    };
    Ok((
        encode(&thumb, ImageFormat::Jpeg)?,
        encode(&full, ImageFormat::Png)?,
    ))
}

fn placeholder(w: u32, h: u32, label: &str) -> RgbImage {
    // A colour derived from the label, a frame and two diagonals: recognisable, deterministic.
    let hash = label
        .bytes()
        .fold(7u32, |a, b| a.wrapping_mul(31).wrapping_add(u32::from(b)));
    let accent = Rgb([
        (hash & 0x7f) as u8 + 64,
        ((hash >> 8) & 0x7f) as u8 + 64,
        ((hash >> 16) & 0x7f) as u8 + 64,
    ]);
    let mut img = RgbImage::from_pixel(w, h, Rgb([236, 236, 236]));
    for x in 0..w {
        for y in 0..h {
            let frame = x < 4 || y < 4 || x >= w - 4 || y >= h - 4;
            let dx = x as i64 * h as i64;
            let dy = y as i64 * w as i64;
            let diag = (dx - dy).abs() < (w.max(h) as i64) * 2
                || (dx - (h as i64 * w as i64 - dy)).abs() < (w.max(h) as i64) * 2;
            if frame || diag {
                img.put_pixel(x, y, accent);
            }
        }
    }
    img
}

/// A placeholder PNG.
pub fn placeholder_png(w: u32, h: u32, label: &str) -> Result<Vec<u8>, String> {
    encode(
        &DynamicImage::ImageRgb8(placeholder(w.max(8), h.max(8), label)),
        ImageFormat::Png,
    )
}

/// A placeholder JPEG.
pub fn placeholder_jpeg(w: u32, h: u32, label: &str) -> Result<Vec<u8>, String> {
    encode(
        &DynamicImage::ImageRgb8(placeholder(w.max(8), h.max(8), label)),
        ImageFormat::Jpeg,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_encode() {
        let p = super::placeholder_png(40, 30, "pdf").unwrap();
        assert_eq!(&p[1..4], b"PNG");
        let j = super::placeholder_jpeg(40, 30, "pdf").unwrap();
        assert_eq!(&j[..2], &[0xFF, 0xD8]);
    }
}
