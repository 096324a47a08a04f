//! `folio init`: a new manuscript builds at once into a valid EPUB and a
//! PDF, its style sheet copy builds the same book as the built-in one, and
//! nothing is ever overwritten.

mod common;
use common::*;

const EPOCH: &str = "1700000000";

fn init(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    folio().arg("init").arg(dir).args(args).output().unwrap()
}

#[test]
fn a_new_manuscript_builds_at_once() {
    let d = scratch("new");
    let m = d.join("livre");
    let o = init(&m, &["--title", "Mon livre : essai", "--author", "Ann", "--lang", "fr", "--style"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    build(&m, &d.join("out"), "all", EPOCH);
    let epub = only_file(&d.join("out"), "epub");
    assert!(epub.ends_with("mon-livre-essai.epub"), "{}", epub.display());
    epubcheck(&epub);
    let text = String::from_utf8(std::process::Command::new("pdftotext").arg(only_file(&d.join("out"), "pdf")).arg("-").output().unwrap().stdout).unwrap();
    assert!(text.contains("Mon livre : essai") && text.contains("Chapitre un") && text.contains("Le texte du chapitre commence ici."), "{text}");
    // The copied sheet and fonts make the same PDF as the built-in ones.
    std::fs::write(m.join("book.yaml"), std::fs::read_to_string(m.join("book.yaml")).unwrap().replace("\nstyle: style.yaml", "\n# style: style.yaml")).unwrap();
    build(&m, &d.join("builtin"), "pdf", EPOCH);
    assert_eq!(std::fs::read(only_file(&d.join("out"), "pdf")).unwrap(), std::fs::read(only_file(&d.join("builtin"), "pdf")).unwrap());
}

#[test]
fn init_overwrites_nothing_and_checks_its_options() {
    let d = scratch("again");
    let m = d.join("m");
    std::fs::create_dir_all(&m).unwrap();
    std::fs::write(m.join("01.md"), "# Mine\n").unwrap();
    let o = init(&m, &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("01.md: already there; folio init overwrites nothing"), "{err}");
    assert!(!m.join("book.yaml").exists(), "nothing written");
    assert_eq!(std::fs::read_to_string(m.join("01.md")).unwrap(), "# Mine\n");
    let o = init(&d.join("n"), &["--lang", "fr_FR"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("write `fr-FR`"), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!d.join("n").exists());
}
