//! Deflate with one compressor for many streams: setting one up clears
//! some 256 KB of tables, as much work as compressing a chapter or a page.
//! The EPUB (raw deflate in zip entries) and the PDF (zlib streams) share it.

pub struct Deflater {
    z: flate2::Compress,
    /// Room for the worst case, reused; each result is copied out at its size.
    scratch: Vec<u8>,
}

impl Deflater {
    /// A raw deflate stream, as zip entries hold it.
    pub fn raw(level: u32) -> Self {
        Self::new(level, false)
    }

    /// Wrapped in a zlib header and checksum, as PDF's FlateDecode reads it.
    pub fn zlib(level: u32) -> Self {
        Self::new(level, true)
    }

    fn new(level: u32, zlib_header: bool) -> Self {
        Deflater { z: flate2::Compress::new(flate2::Compression::new(level), zlib_header), scratch: Vec::new() }
    }

    /// `data` as one whole stream.
    pub fn deflate(&mut self, data: &[u8]) -> Result<Vec<u8>, flate2::CompressError> {
        self.run(data, flate2::FlushCompress::Finish)
    }

    /// `data` as the start of a stream left open: a sync flush ends its
    /// blocks on a byte boundary, and no final block or trailer is written,
    /// so another stream's blocks can follow.
    pub fn flush(&mut self, data: &[u8]) -> Result<Vec<u8>, flate2::CompressError> {
        self.run(data, flate2::FlushCompress::Sync)
    }

    fn run(&mut self, data: &[u8], flush: flate2::FlushCompress) -> Result<Vec<u8>, flate2::CompressError> {
        self.z.reset();
        self.scratch.clear();
        // deflate's worst case: stored blocks, a few bytes each
        self.scratch.reserve(data.len() + data.len() / 1000 + 64);
        loop {
            let read = self.z.total_in() as usize;
            let status = self.z.compress_vec(&data[read..], &mut self.scratch, flush)?;
            let done = match flush {
                flate2::FlushCompress::Finish => status == flate2::Status::StreamEnd,
                // a flush that filled the room may have more to write
                _ => self.z.total_in() as usize == data.len() && self.scratch.len() < self.scratch.capacity(),
            };
            if done {
                return Ok(self.scratch.clone());
            }
            self.scratch.reserve(self.scratch.capacity().max(64));
        }
    }
}

/// CRC-32 (zip's checksum) of `data`.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(data);
    crc.sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn one_compressor_makes_streams_that_read_back() {
        let mut raw = Deflater::raw(3);
        let mut zlib = Deflater::zlib(3);
        let texts: [Vec<u8>; 3] = [b"chapitre un ".repeat(5000), Vec::new(), (0..=255u8).cycle().take(70_000).collect()];
        for t in &texts {
            let mut back = Vec::new();
            flate2::read::DeflateDecoder::new(&raw.deflate(t).unwrap()[..]).read_to_end(&mut back).unwrap();
            assert_eq!(&back, t);
            back.clear();
            flate2::read::ZlibDecoder::new(&zlib.deflate(t).unwrap()[..]).read_to_end(&mut back).unwrap();
            assert_eq!(&back, t);
        }
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
