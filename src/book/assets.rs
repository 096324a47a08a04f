//! Images carried by the book: read once, checked to be images, named once.

/// An image of the book, with its bytes: backends never read files.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Path inside the book, e.g. `images/cover.png`.
    pub href: String,
    pub media_type: &'static str,
    pub bytes: std::sync::Arc<[u8]>,
    /// Pixel size, when the format tells it cheaply (PNG, JPEG, GIF).
    pub size: Option<(u32, u32)>,
}

/// The media type from the file's first bytes, or `None` if not an image
/// folio can embed.
pub fn media_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]);
        (head.contains("<svg")).then_some("image/svg+xml")
    }
}

/// Whether a PNG, JPEG or GIF file holds its end marker: a file cut short
/// (a copy stopped midway) is refused rather than embedded broken. PNG
/// ends with its `IEND` chunk; JPEG's `EOI` and GIF's trailer may be
/// followed by padding some tools add.
pub fn is_complete(media_type: &str, bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    match media_type {
        "image/png" => tail.windows(8).any(|w| w == b"IEND\xAE\x42\x60\x82"),
        "image/jpeg" => tail.windows(2).any(|w| w == [0xFF, 0xD9]),
        "image/gif" => tail.contains(&0x3B),
        _ => true,
    }
}

/// The file extension for a media type `media_type` returned.
pub fn extension(media_type: &str) -> &'static str {
    match media_type {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        _ => "svg",
    }
}

/// Width and height in pixels from the header.
pub fn pixel_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let be32 = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    if bytes.starts_with(b"\x89PNG") && bytes.len() >= 24 {
        return Some((be32(&bytes[16..20]), be32(&bytes[20..24])));
    }
    if bytes.starts_with(b"GIF8") && bytes.len() >= 10 {
        return Some((u16::from_le_bytes([bytes[6], bytes[7]]) as u32, u16::from_le_bytes([bytes[8], bytes[9]]) as u32));
    }
    if bytes.starts_with(&[0xFF, 0xD8]) {
        // Walk JPEG segments to the first start-of-frame.
        let mut i = 2;
        while i + 9 < bytes.len() {
            if bytes[i] != 0xFF {
                return None;
            }
            let marker = bytes[i + 1];
            let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
            if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
                let h = u16::from_be_bytes([bytes[i + 5], bytes[i + 6]]) as u32;
                let w = u16::from_be_bytes([bytes[i + 7], bytes[i + 8]]) as u32;
                return Some((w, h));
            }
            i += 2 + len;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_types() {
        assert_eq!(media_type(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(media_type(b"hello"), None);
    }
}
