//! `folio normalise --write` refuses to replace a file that changed while it
//! was being normalised (it reads the file, normalises, reads it again and
//! compares). Made deterministic with a named pipe in place of the file:
//! each read of the "file" is served by the test, so the second read can be
//! given other text, always between the two reads. Linux only (`mkfifo`,
//! `/proc`).

mod common;
use common::*;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Does process `pid` have `path` open?
fn has_open(pid: u32, path: &Path) -> bool {
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).into_iter().flatten().flatten();
    fds.filter_map(|e| std::fs::read_link(e.path()).ok()).any(|t| t == path)
}

/// Runs `folio normalise --write` on a named pipe and serves `first` to its
/// first read of the file, `second` to its re-read.
fn write_through_pipe(name: &str, first: &str, second: &str) -> (Output, std::path::PathBuf) {
    let dir = std::fs::canonicalize(scratch(name)).unwrap();
    let pipe = dir.join("chapter.md");
    assert!(Command::new("mkfifo").arg(&pipe).status().expect("mkfifo").success());
    let child = folio().args(["normalise", "--lang", "en", "--write"]).arg(&pipe).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let (pid, path) = (child.id(), pipe.clone());
    let (first, second) = (first.to_string(), second.to_string());
    // In a thread: if folio failed before reading, the wait below returns
    // and reports it instead of a test blocked on the pipe.
    std::thread::spawn(move || {
        let wait_until = |open: bool| {
            let deadline = Instant::now() + Duration::from_secs(60);
            while has_open(pid, &path) != open && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(2));
            }
        };
        // Opening blocks until folio opens the pipe to read; closing ends
        // its read. The first read must be seen open, then closed, before
        // the pipe is opened again, else both texts would go to it.
        let mut w = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        w.write_all(first.as_bytes()).unwrap();
        wait_until(true);
        drop(w);
        wait_until(false);
        let mut w = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        w.write_all(second.as_bytes()).unwrap();
    });
    (child.wait_with_output().unwrap(), pipe)
}

#[test]
fn normalise_write_refuses_a_file_changed_meanwhile() {
    use std::os::unix::fs::FileTypeExt;
    let (o, pipe) = write_through_pipe("write-changed", "A ter- rible day.\n", "A ter- rible day, edited.\n");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("the file changed while it was being normalised; nothing written"), "{err}");
    // Nothing written: the pipe is still there, and no backup.
    assert!(std::fs::symlink_metadata(&pipe).unwrap().file_type().is_fifo());
    assert!(!pipe.with_extension("md.orig").exists());
}

/// The control: the same file served twice unchanged is written.
#[test]
fn normalise_write_writes_an_unchanged_file() {
    let text = "A ter- rible day.\n";
    let (o, pipe) = write_through_pipe("write-unchanged", text, text);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read_to_string(&pipe).unwrap(), "A terrible day.\n");
    assert_eq!(std::fs::read_to_string(pipe.with_extension("md.orig")).unwrap(), text);
}
