//! Compresses the built-in fonts once, at compile time: a build that embeds
//! them in the EPUB copies these bytes instead of deflating 800 KB to 1.6 MB
//! of fonts each time (a third of the EPUB's compression work). Also
//! unpacks the French word list, shipped gzip'd (1.3 MB instead of 6.6 MB).

use std::io::{Read, Write};
use std::path::Path;

const FONTS: [&str; 4] = ["Vollkorn-Regular.ttf", "Vollkorn-Italic.ttf", "Vollkorn-Bold.ttf", "Vollkorn-BoldItalic.ttf"];

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for name in FONTS {
        let src = Path::new("fonts").join(name);
        println!("cargo::rerun-if-changed={}", src.display());
        let bytes = std::fs::read(&src).unwrap_or_else(|e| panic!("reading {}: {e}", src.display()));
        let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&bytes).expect("deflating into memory");
        let deflated = z.finish().expect("deflating into memory");
        let mut crc = flate2::Crc::new();
        crc.update(&bytes);
        // the CRC-32 of the font, then its raw deflate stream
        let mut packed = crc.sum().to_le_bytes().to_vec();
        packed.extend_from_slice(&deflated);
        std::fs::write(Path::new(&out).join(format!("{name}.deflate")), packed).expect("writing OUT_DIR");
    }
    let words = Path::new("src/normalise/data/fr-words.txt.gz");
    println!("cargo::rerun-if-changed={}", words.display());
    let gz = std::fs::File::open(words).unwrap_or_else(|e| panic!("reading {}: {e}", words.display()));
    let mut text = String::new();
    flate2::read::GzDecoder::new(gz).read_to_string(&mut text).unwrap_or_else(|e| panic!("unpacking {}: {e}", words.display()));
    std::fs::write(Path::new(&out).join("fr-words.txt"), text).expect("writing OUT_DIR");
}
