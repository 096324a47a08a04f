//! Ace by DAISY, the EPUB accessibility checker, on the manuscript's EPUB and
//! on a corpus novel with a cover: no violation of any impact.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// $FOLIO_ACE, else the copy `make test-deps` installs in `.tools/ace`.
fn ace() -> PathBuf {
    let p = std::env::var("FOLIO_ACE").map(PathBuf::from).unwrap_or_else(|_| repo().join(".tools/ace/node_modules/.bin/ace-cli"));
    assert!(p.is_file(), "Ace is not installed at {}: run `make test-deps`", p.display());
    p
}

/// Violations as (document, rule, impact).
fn violations(epub: &Path, report_dir: &Path) -> Vec<(String, String, String)> {
    let browser = std::env::var("PUPPETEER_EXECUTABLE_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let o = Command::new(ace()).arg("-s").arg("-f").arg("-o").arg(report_dir).arg(epub).env("PUPPETEER_EXECUTABLE_PATH", browser).output().expect("run ace");
    assert!(o.status.success(), "Ace failed: {}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let report = std::fs::read_to_string(report_dir.join("report.json")).expect("Ace's report.json");
    // The report is JSON; each violation is an assertion with an "earl:impact".
    let mut out = Vec::new();
    let mut rest = report.as_str();
    while let Some(i) = rest.find("\"earl:impact\"") {
        let before = &rest[..i];
        let title = before.rfind("\"dct:title\"").map(|t| before[t..].split('"').nth(3).unwrap_or("").to_string()).unwrap_or_default();
        let impact = rest[i..].split('"').nth(3).unwrap_or("").to_string();
        out.push((epub.display().to_string(), title, impact));
        rest = &rest[i + 13..];
    }
    out
}

fn assert_no_violation(name: &str, dir: &Path) {
    let out = scratch(&format!("ace-{name}"));
    build(dir, &out, "epub", "1700000000");
    let v = violations(&only_file(&out, "epub"), &out.join("ace"));
    println!("{name}: Ace found {} violations", v.len());
    assert!(v.is_empty(), "Ace violations in {name}: {v:#?}");
}

#[test]
fn ace_reports_no_violation_on_the_manuscript() {
    assert_no_violation("manuscript", &repo().join("manuscript"));
}

/// A novel with a cover image and many chapters.
#[test]
fn corpus_ace_reports_no_violation_on_noir_et_blanc() {
    assert_no_violation("noir-et-blanc", &corpus("noir-et-blanc"));
}

/// Tables, definition lists, a figure with its caption and what an HTML
/// block makes (a heading, a list), which the manuscripts above lack.
#[test]
fn ace_reports_no_violation_on_tables_and_definition_lists() {
    let m = scratch("ace-structures-src");
    std::fs::write(m.join("book.yaml"), "title: Structures\nlanguage: fr\n").unwrap();
    std::fs::write(m.join("carte.png"), png(120, 80, [0, 90, 160])).unwrap();
    let md = "# Un\n\nAvant.\n\n| Ville | Habitants |\n|:--|--:|\n| Paris | 2 100 000 |\n\nApocope\n: Chute de la fin d'un mot.\n\n\
        ![Une carte de Paris](carte.png \"La carte, en 1900\")\n\n<h2>Une partie</h2><ul><li>un<li>deux</ul>\n\nAprès.\n";
    std::fs::write(m.join("a.md"), md).unwrap();
    assert_no_violation("structures", &m);
}
