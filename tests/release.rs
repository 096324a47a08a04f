//! `make release` on a tagged throw-away clone, twice, in two different
//! folders: the same file names and byte-identical files.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

fn run(dir: &Path, cmd: &str, args: &[&str]) -> String {
    let o = Command::new(cmd).args(args).current_dir(dir).output().unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(o.status.success(), "{cmd} {args:?} in {}: {}{}", dir.display(), String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Clone the committed repository, tag it v9.8.7 and run `make release`
/// with the folio this test suite built.
fn release_in(dir: &Path) -> (Vec<String>, String) {
    let clone = dir.join("folio");
    run(dir, "git", &["clone", "--quiet", "--no-local", repo().to_str().unwrap(), clone.to_str().unwrap()]);
    run(&clone, "git", &["-c", "user.name=t", "-c", "user.email=t@t", "tag", "-a", "v9.8.7", "-m", "test release"]);
    let o = Command::new("make")
        .args(["release", &format!("FOLIO={}", env!("CARGO_BIN_EXE_folio"))])
        .current_dir(&clone)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    assert!(o.status.success(), "make release: {}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let dist = clone.join("dist");
    let mut names: Vec<String> = std::fs::read_dir(&dist).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let opf = zip_texts(&dist.join("titre-provisoire-9.8.7.epub"), |n| n.ends_with(".opf"));
    assert!(opf[0].1.contains("<meta property=\"schema:version\">9.8.7</meta>"), "the EPUB's metadata lacks the version");
    let pdf = lopdf::Document::load(dist.join("titre-provisoire-9.8.7.pdf")).unwrap();
    let info = pdf.trailer.get(b"Info").and_then(|i| i.as_reference()).and_then(|i| pdf.get_dictionary(i)).unwrap();
    assert_eq!(info.get(b"Version").and_then(|v| v.as_str()).ok(), Some(&b"9.8.7"[..]), "the PDF's Info lacks the version");
    (names, std::fs::read_to_string(dist.join("SHA256SUMS")).unwrap())
}

#[test]
fn make_release_twice_gives_identical_files() {
    let (a, sums_a) = release_in(&scratch("release-a"));
    let (b, sums_b) = release_in(&scratch("release-b-elsewhere"));
    assert_eq!(a, vec!["SHA256SUMS", "titre-provisoire-9.8.7.epub", "titre-provisoire-9.8.7.pdf"]);
    assert_eq!(a, b);
    assert_eq!(sums_a, sums_b, "two releases of one commit differ");
    assert_eq!(sums_a.lines().count(), 2);
    println!("{sums_a}");
}
