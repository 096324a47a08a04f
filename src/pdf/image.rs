//! Images as PDF image streams, without decoding them: JPEG goes in as is
//! (DCTDecode), and a PNG's zlib data is already what FlateDecode with the
//! PNG predictors reads. Formats this cannot pass through are refused with
//! a reason, and the caller skips the figure with a warning.

use lopdf::{Dictionary, Object, Stream};

/// An image ready to embed: its stream and its size in pixels.
pub struct Embedded {
    pub stream: Stream,
    /// Transparency, as a soft mask image.
    pub mask: Option<Stream>,
    pub width: u32,
    pub height: u32,
}

fn name(s: &str) -> Object {
    Object::Name(s.as_bytes().to_vec())
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

pub fn embed(bytes: &[u8]) -> Result<Embedded, String> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png(bytes)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        jpeg(bytes)
    } else {
        Err("only PNG and JPEG images can go into the PDF".into())
    }
}

fn png(bytes: &[u8]) -> Result<Embedded, String> {
    let mut pos = 8;
    let mut header = None;
    let mut palette: Option<&[u8]> = None;
    let mut data = Vec::new();
    while pos + 8 <= bytes.len() {
        let len = be32(&bytes[pos..]) as usize;
        let kind = &bytes[pos + 4..pos + 8];
        let body = bytes.get(pos + 8..pos + 8 + len).ok_or("truncated PNG")?;
        match kind {
            b"IHDR" if len >= 13 => header = Some(body),
            b"PLTE" => palette = Some(body),
            b"IDAT" => data.extend_from_slice(body),
            b"IEND" => break,
            _ => {}
        }
        pos += 12 + len;
    }
    let h = header.ok_or("PNG without a header")?;
    let (width, height, depth, color, interlace) = (be32(h), be32(&h[4..]), h[8], h[9], h[12]);
    if interlace != 0 {
        return Err("interlaced PNG".into());
    }
    let (colors, space) = match color {
        0 => (1, name("DeviceGray")),
        2 => (3, name("DeviceRGB")),
        3 => {
            let p = palette.ok_or("indexed PNG without a palette")?;
            let n = (p.len() / 3).max(1) as i64 - 1;
            (
                1,
                Object::Array(vec![
                    name("Indexed"),
                    name("DeviceRGB"),
                    Object::Integer(n),
                    Object::String(p.to_vec(), lopdf::StringFormat::Hexadecimal),
                ]),
            )
        }
        4 | 6 if depth == 8 => return png_with_alpha(width, height, color, &data),
        _ => return Err(format!("PNG colour type {color} at {depth} bits")),
    };
    let mut parms = Dictionary::new();
    parms.set("Predictor", Object::Integer(15));
    parms.set("Colors", Object::Integer(colors));
    parms.set("BitsPerComponent", Object::Integer(depth as i64));
    parms.set("Columns", Object::Integer(width as i64));
    let mut d = image_dict(width, height, depth, space);
    d.set("Filter", name("FlateDecode"));
    d.set("DecodeParms", Object::Dictionary(parms));
    let mut stream = Stream::new(d, data);
    stream.allows_compression = false;
    Ok(Embedded { stream, mask: None, width, height })
}

/// A PNG with an alpha channel: decoded, its colour and alpha split into an
/// image and its soft mask.
fn png_with_alpha(width: u32, height: u32, color: u8, data: &[u8]) -> Result<Embedded, String> {
    use std::io::{Read, Write};
    let channels = if color == 6 { 4 } else { 2 };
    let row = width as usize * channels;
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(data).read_to_end(&mut raw).map_err(|e| format!("PNG data: {e}"))?;
    if raw.len() < (row + 1) * height as usize {
        return Err("truncated PNG data".into());
    }
    let mut prev = vec![0u8; row];
    let mut cur = vec![0u8; row];
    let (mut colour, mut alpha) = (Vec::new(), Vec::new());
    for y in 0..height as usize {
        let line = &raw[y * (row + 1)..(y + 1) * (row + 1)];
        let filter = line[0];
        for i in 0..row {
            let a = if i >= channels { cur[i - channels] as i16 } else { 0 };
            let b = prev[i] as i16;
            let c = if i >= channels { prev[i - channels] as i16 } else { 0 };
            let pred = match filter {
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                4 => {
                    let p = a + b - c;
                    let (pa, pb, pc) = ((p - a).abs(), (p - b).abs(), (p - c).abs());
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                _ => 0,
            };
            cur[i] = line[1 + i].wrapping_add(pred as u8);
        }
        for px in cur.chunks(channels) {
            colour.extend_from_slice(&px[..channels - 1]);
            alpha.push(px[channels - 1]);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let deflate = |v: &[u8]| -> Result<Vec<u8>, String> {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(v).and_then(|_| z.finish()).map_err(|e| format!("compressing an image: {e}"))
    };
    let space = if color == 6 { name("DeviceRGB") } else { name("DeviceGray") };
    let mut d = image_dict(width, height, 8, space);
    d.set("Filter", name("FlateDecode"));
    let mut m = image_dict(width, height, 8, name("DeviceGray"));
    m.set("Filter", name("FlateDecode"));
    let mut stream = Stream::new(d, deflate(&colour)?);
    stream.allows_compression = false;
    let mut mask = Stream::new(m, deflate(&alpha)?);
    mask.allows_compression = false;
    Ok(Embedded { stream, mask: Some(mask), width, height })
}

fn jpeg(bytes: &[u8]) -> Result<Embedded, String> {
    // walk the segments to the start of frame
    let mut i = 2;
    // Adobe's APP14 segment: its CMYK is stored inverted.
    let mut adobe = false;
    while i + 9 < bytes.len() {
        if bytes[i] != 0xFF {
            return Err("malformed JPEG".into());
        }
        let marker = bytes[i + 1];
        let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
        adobe |= marker == 0xEE && bytes[i + 4..].starts_with(b"Adobe");
        if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            let depth = bytes[i + 4];
            let height = u16::from_be_bytes([bytes[i + 5], bytes[i + 6]]) as u32;
            let width = u16::from_be_bytes([bytes[i + 7], bytes[i + 8]]) as u32;
            let space = match bytes[i + 9] {
                1 => name("DeviceGray"),
                3 => name("DeviceRGB"),
                4 => name("DeviceCMYK"),
                n => return Err(format!("JPEG with {n} colour components")),
            };
            let cmyk = bytes[i + 9] == 4;
            let mut d = image_dict(width, height, depth, space);
            d.set("Filter", name("DCTDecode"));
            if cmyk && adobe {
                d.set("Decode", Object::Array([1, 0, 1, 0, 1, 0, 1, 0].into_iter().map(Object::Integer).collect()));
            }
            let mut stream = Stream::new(d, bytes.to_vec());
            stream.allows_compression = false;
            return Ok(Embedded { stream, mask: None, width, height });
        }
        i += 2 + len;
    }
    Err("JPEG without a frame header".into())
}

fn image_dict(width: u32, height: u32, depth: u8, space: Object) -> Dictionary {
    let mut d = Dictionary::new();
    d.set("Type", name("XObject"));
    d.set("Subtype", name("Image"));
    d.set("Width", Object::Integer(width as i64));
    d.set("Height", Object::Integer(height as i64));
    d.set("ColorSpace", space);
    d.set("BitsPerComponent", Object::Integer(depth as i64));
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG of `width`×1 pixels of the given colour type.
    fn tiny_png(color: u8, width: u32) -> Vec<u8> {
        use std::io::Write;
        let chunk = |out: &mut Vec<u8>, kind: &[u8], body: &[u8]| {
            out.extend_from_slice(&(body.len() as u32).to_be_bytes());
            out.extend_from_slice(kind);
            out.extend_from_slice(body);
            out.extend_from_slice(&[0; 4]); // CRC: not checked by the embedder
        };
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&1u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, color, 0, 0, 0]);
        chunk(&mut png, b"IHDR", &ihdr);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        let _ = z.write_all(&vec![0u8; 1 + 4 * width as usize]);
        chunk(&mut png, b"IDAT", &z.finish().unwrap());
        chunk(&mut png, b"IEND", &[]);
        png
    }

    #[test]
    fn png_passes_through_with_its_predictor() {
        let e = embed(&tiny_png(2, 3)).unwrap();
        assert_eq!((e.width, e.height), (3, 1));
        let parms = e.stream.dict.get(b"DecodeParms").unwrap().as_dict().unwrap();
        assert_eq!(parms.get(b"Colors").unwrap().as_i64().unwrap(), 3);
        assert_eq!(parms.get(b"Predictor").unwrap().as_i64().unwrap(), 15);
        // with alpha: decoded, split into colour and mask
        let e = embed(&tiny_png(6, 3)).unwrap();
        assert!(e.mask.is_some());
        assert!(e.stream.dict.get(b"DecodeParms").is_err());
    }

    /// A JPEG's segments up to its frame header: `components` colours,
    /// with Adobe's APP14 segment or not.
    fn jpeg_head(components: u8, adobe: bool) -> Vec<u8> {
        let mut j = vec![0xFF, 0xD8];
        if adobe {
            j.extend([0xFF, 0xEE, 0x00, 0x0E]);
            j.extend(b"Adobe\x00\x64\x00\x00\x00\x00\x02");
        }
        j.extend([0xFF, 0xC0, 0x00, 0x0B + 3 * components, 8, 0, 1, 0, 1, components]);
        j.extend((0..components).flat_map(|c| [c + 1, 0x11, 0]));
        j.extend([0xFF, 0xD9]);
        j
    }

    #[test]
    fn adobe_cmyk_is_decoded_inverted() {
        let decode = |j: &[u8]| embed(j).unwrap().stream.dict.get(b"Decode").is_ok();
        assert!(decode(&jpeg_head(4, true)));
        assert!(!decode(&jpeg_head(4, false)));
        assert!(!decode(&jpeg_head(3, true)));
    }

    #[test]
    fn refuses_what_it_cannot_pass_through() {
        assert!(embed(b"GIF89a....").is_err());
        assert!(embed(b"\x89PNG\r\n\x1a\n").is_err());
        assert!(embed(&[0xFF, 0xD8, 0xFF, 0x00]).is_err());
    }
}
