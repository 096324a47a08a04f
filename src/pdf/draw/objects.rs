//! Indirect objects appended to one buffer, each one's offset recorded for
//! the classic cross-reference table that `finish` writes.

use super::syntax::{PdfBytes, Ref};
use super::PdfError;

pub struct ObjWriter {
    out: Vec<u8>,
    /// Byte offset of each object, by number − 1; `None` while reserved.
    offsets: Vec<Option<usize>>,
}

impl ObjWriter {
    pub fn new() -> Self {
        // the second line's high bytes tell transfer tools the file is binary
        let out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
        ObjWriter { out, offsets: Vec::new() }
    }

    /// Room for `bytes` more of the file.
    pub fn reserve_bytes(&mut self, bytes: usize) {
        self.out.reserve(bytes);
    }

    /// A number for an object to be written later.
    pub fn reserve(&mut self) -> Ref {
        self.offsets.push(None);
        Ref(self.offsets.len() as u32)
    }

    /// Writes object `r`, its body from `body`.
    pub fn obj(&mut self, r: Ref, body: impl FnOnce(&mut Vec<u8>)) {
        self.offsets[r.0 as usize - 1] = Some(self.out.len());
        self.out.int(r.0 as i64).raw(b" 0 obj\n");
        body(&mut self.out);
        self.out.raw(b"\nendobj\n");
    }

    /// Writes a stream: `dict` holds its entries but /Length, `data` is
    /// written as is.
    pub fn stream(&mut self, r: Ref, dict: &[u8], data: &[u8]) {
        self.stream_parts(r, dict, &[data]);
    }

    /// A stream whose data is `parts` one after the other.
    pub fn stream_parts(&mut self, r: Ref, dict: &[u8], parts: &[&[u8]]) {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        self.obj(r, |o| {
            o.raw(b"<<").raw(dict).raw(b"/Length ").int(len as i64).raw(b">>stream\n");
            for p in parts {
                o.raw(p);
            }
            o.raw(b"\nendstream");
        });
    }

    /// The cross-reference table and trailer: the finished file.
    pub fn finish(mut self, root: Ref, info: Ref, id: &[u8]) -> Result<Vec<u8>, PdfError> {
        let xref = self.out.len();
        let n = self.offsets.len() + 1;
        self.out.raw(b"xref\n0 ").int(n as i64).raw(b"\n0000000000 65535 f \n");
        for (k, off) in self.offsets.iter().enumerate() {
            let off = off.ok_or_else(|| PdfError(format!("object {} was reserved but never written", k + 1)))?;
            let mut line = [b'0'; 20];
            line[10..].copy_from_slice(b" 00000 n \n");
            let mut v = off;
            for d in line[..10].iter_mut().rev() {
                *d = b'0' + (v % 10) as u8;
                v /= 10;
            }
            self.out.raw(&line);
        }
        self.out.raw(b"trailer\n<</Size ").int(n as i64);
        self.out.raw(b"/Root ").reference(root).raw(b"/Info ").reference(info);
        self.out.raw(b"/ID[").hex(id).hex(id).raw(b"]>>\nstartxref\n").int(xref as i64).raw(b"\n%%EOF\n");
        Ok(self.out)
    }
}

/// zlib-wrapped deflate, as FlateDecode reads it, one compressor for many
/// streams, with the PDF backend's error.
pub struct Deflater(crate::deflate::Deflater);

/// A zlib stream left open, so that more can be appended once it is known
/// (a page's folio, painted once pages are numbered): the header and
/// blocks, ending on a byte boundary with no final block, and the Adler-32
/// of what they hold. [`Open::close`] ends it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Open {
    pub z: Vec<u8>,
    pub adler: u32,
}

fn failed(e: flate2::CompressError) -> PdfError {
    PdfError(format!("compressing a stream: {e}"))
}

impl Deflater {
    pub fn new(level: u32) -> Self {
        Deflater(crate::deflate::Deflater::zlib(level))
    }

    pub fn deflate(&mut self, data: &[u8]) -> Result<Vec<u8>, PdfError> {
        self.0.deflate(data).map_err(failed)
    }

    /// `data` as an open stream: no final block or trailer is written.
    pub fn open(&mut self, data: &[u8]) -> Result<Open, PdfError> {
        Ok(Open { z: self.0.flush(data).map_err(failed)?, adler: adler32(1, data) })
    }

}

impl Open {
    /// What ends this stream with `tail` appended: `tail` in stored blocks,
    /// the last one final, then the zlib trailer, the Adler-32 of all the
    /// data. A page's folio is a few dozen bytes: deflating it would save a
    /// dozen of them for a compressor's reset, a quarter of a million
    /// instructions a page.
    pub fn close(&self, tail: &[u8]) -> Vec<u8> {
        const MOST: usize = u16::MAX as usize;
        let mut end = Vec::with_capacity(tail.len() + 5 * (tail.len() / MOST + 1) + 4);
        let blocks = tail.len().div_ceil(MOST).max(1);
        for (k, block) in tail.chunks(MOST).chain(tail.is_empty().then_some(&tail[..0])).enumerate() {
            // BFINAL on the last, BTYPE 00 (stored); the open stream ends on
            // a byte boundary, so the header has its byte of its own
            end.push(u8::from(k + 1 == blocks));
            let n = block.len() as u16;
            end.extend_from_slice(&n.to_le_bytes());
            end.extend_from_slice(&(!n).to_le_bytes());
            end.extend_from_slice(block);
        }
        end.extend_from_slice(&adler32(self.adler, tail).to_be_bytes());
        end
    }
}

/// Adler-32 (zlib's checksum) of `data` continued from `adler` (1: of nothing).
pub fn adler32(adler: u32, data: &[u8]) -> u32 {
    let mut a = adler2::Adler32::from_checksum(adler);
    a.write_slice(data);
    a.checksum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_xref_table_finds_every_object() {
        let mut w = ObjWriter::new();
        let (catalog, pages, info, data) = (w.reserve(), w.reserve(), w.reserve(), w.reserve());
        // written out of order, as pages and fonts are
        let z = Deflater::new(6).deflate(b"BT ET").unwrap();
        w.stream(data, b"/Filter/FlateDecode", &z);
        w.obj(pages, |o| {
            o.raw(b"<</Type/Pages/Count 0/Kids[]>>");
        });
        w.obj(info, |o| {
            o.raw(b"<</Title").text("Été (1)").raw(b">>");
        });
        w.obj(catalog, |o| {
            o.raw(b"<</Type/Catalog/Pages ").reference(pages).raw(b">>");
        });
        let bytes = w.finish(catalog, info, &[7; 16]).unwrap();
        let doc = lopdf::Document::load_mem(&bytes).unwrap();
        let title = doc.get_dictionary((info.0, 0)).unwrap().get(b"Title").unwrap();
        assert_eq!(lopdf::decode_text_string(title).unwrap(), "Été (1)");
        let stream = doc.get_object((data.0, 0)).unwrap().as_stream().unwrap();
        assert_eq!(stream.decompressed_content().unwrap(), b"BT ET");
        assert_eq!(doc.trailer.get(b"ID").unwrap().as_array().unwrap().len(), 2);
    }

    #[test]
    fn an_open_stream_closed_with_a_tail_inflates_to_both() {
        let body: Vec<u8> = (0..20_000u32).map(|k| (k * k % 251) as u8).collect();
        let tail = b"BT /F 9 Tf (12) Tj ET\n";
        let open = Deflater::new(3).open(&body).unwrap();
        let long: Vec<u8> = (0..150_000u32).map(|k| (k % 7) as u8).collect();
        for tail in [&tail[..], b"", &long[..]] {
            let mut z = open.z.clone();
            z.extend(open.close(tail));
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::ZlibDecoder::new(&z[..]), &mut out).unwrap();
            assert_eq!(out, [&body[..], tail].concat());
        }
        // of nothing, and of one chunk or many: as zlib has it
        assert_eq!(adler32(1, b""), 1);
        assert_eq!(adler32(1, b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(adler32(1, &body[..7000]), &body[7000..]), adler32(1, &body));
    }

    #[test]
    fn an_object_reserved_and_never_written_is_an_error() {
        let mut w = ObjWriter::new();
        let (root, info) = (w.reserve(), w.reserve());
        w.obj(root, |o| {
            o.raw(b"<<>>");
        });
        assert!(w.finish(root, info, &[0; 16]).is_err());
    }
}
