//! `folio build --watch`: builds, then builds again when a chapter changes;
//! a broken manuscript prints its error and waits for the next change; the
//! books it writes inside the folder do not set it off again.

mod common;
use common::*;
use std::io::{BufRead, BufReader};
use std::sync::mpsc;
use std::time::Duration;

/// Kills the watcher however the test ends: a failed assertion must not
/// leave it running.
struct Watcher(std::process::Child);

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn watch_builds_again_on_each_change() {
    let m = manuscript_of_texts("watch", &[("book.yaml", "title: Veille\nlanguage: fr\n"), ("a.md", "# Un\n\nPremier jet.\n")]);
    // The output inside the folder: it must not count as a change.
    let out = m.join("build");
    let mut child = Watcher(folio().args(["build", "--watch", "--manuscript"]).arg(&m).arg("--out").arg(&out).env("SOURCE_DATE_EPOCH", "1700000000").stderr(std::process::Stdio::piped()).spawn().unwrap());
    let (tx, rx) = mpsc::channel();
    let stderr = child.0.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // The lines up to the next "watching", or a panic after 30 s.
    let next_round = || -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let line = rx.recv_timeout(Duration::from_secs(30)).expect("folio --watch went quiet");
            if line.starts_with("watching ") {
                return lines;
            }
            lines.push(line);
        }
    };
    let first = next_round();
    assert!(first.iter().any(|l| l.starts_with("wrote ") && l.ends_with(")")), "{first:?}");
    let epub = only_file(&out, "epub");
    let before = std::fs::read(&epub).unwrap();
    std::thread::sleep(Duration::from_millis(1100)); // a new modification time
    std::fs::write(m.join("a.md"), "# Un\n\nSecond jet, bien meilleur.\n").unwrap();
    let second = next_round();
    assert!(second.iter().any(|l| l.starts_with("wrote ")), "{second:?}");
    assert!(std::fs::read(&epub).unwrap() != before, "the EPUB was not written again");
    assert!(epub_chapters(&epub).iter().any(|(_, x)| x.contains("Second jet")));
    // A broken book.yaml: the error, and it keeps watching.
    std::thread::sleep(Duration::from_millis(1100));
    std::fs::write(m.join("book.yaml"), "title: [Veille\n").unwrap();
    let third = next_round();
    assert!(third.iter().any(|l| l.starts_with("error: ") && l.contains("book.yaml")), "{third:?}");
    std::fs::write(m.join("book.yaml"), "title: Veille\nlanguage: fr\n").unwrap();
    let fourth = next_round();
    assert!(fourth.iter().any(|l| l.starts_with("wrote ")), "{fourth:?}");
    // Nothing changes: no build (its own books do not set it off).
    assert!(rx.recv_timeout(Duration::from_millis(1500)).is_err(), "built again with nothing changed");
    assert!(child.0.try_wait().unwrap().is_none(), "still watching");
}
