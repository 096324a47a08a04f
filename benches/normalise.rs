//! The normaliser on a 1 MB chapter, and on 2 MB to check it stays linear.
//! `cargo bench --bench normalise` (prints MB/s; not a timed test).
//! Text: the corpus novels (Lizzie Crowdagger, CC BY-SA 4.0) from
//! `../shared/corpus`, with PDF-style breaks added, else a synthetic text.

use folio::normalise::{normalise, Options, Vocabulary};
use std::time::Instant;

fn source() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/pas-tout-a-fait-des-hommes");
    let mut s = String::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        let mut files: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "md")).collect();
        files.sort();
        for f in files {
            s.push_str(&std::fs::read_to_string(f).unwrap_or_default());
            s.push_str("\n\n");
        }
    }
    if s.is_empty() {
        s = "Il leur ap- prit à utiliser les ordina-\nteurs : « Quoi ? » dit-elle... `code` https://x.org/a-b\n\n".repeat(200);
    }
    // Break a word now and then, as a PDF copy does.
    s.replace("ment ", "ment- ").replace("tion ", "ti- on ")
}

fn run(size: usize, text: &str) -> f64 {
    let mut chapter = String::with_capacity(size + text.len());
    while chapter.len() < size {
        chapter.push_str(text);
    }
    let vocab = Vocabulary::from_texts([chapter.as_str()]);
    let opts = Options::all("fr");
    let _ = normalise(&chapter, &opts, &vocab); // warm-up (loads patterns and lists)
    let runs = 5;
    let t = Instant::now();
    let mut changes = 0;
    for _ in 0..runs {
        changes = normalise(&chapter, &opts, &vocab).changes.len();
    }
    let secs = t.elapsed().as_secs_f64() / runs as f64;
    let mb = chapter.len() as f64 / 1e6;
    println!("normalise {:.2} MB chapter: {:.1} ms, {:.1} MB/s ({changes} changes)", mb, secs * 1e3, mb / secs);
    secs / mb
}

fn main() {
    let text = source();
    let one = run(1_000_000, &text);
    let two = run(2_000_000, &text);
    println!("time per MB, 2 MB vs 1 MB: {:.2}x (1.0 = linear)", two / one);
    // One long line of unclosed openers: must not go quadratic.
    run(1_000_000, "<a {:x [^y `z ");
    // Nor one of pandoc's unclosed openers.
    run(1_000_000, "[x ^[y a~b ]{ ");
    // Nor lines each opening an inline note never closed (each looks ahead).
    run(1_000_000, "x ^[y a\n");
    // Nor unclosed `<code>` and tags that might go on over lines.
    run(1_000_000, "<code>x <a b c\n");
    // Nor one long line of note calls and brackets that might end link texts.
    run(1_000_000, "[^a]] x[^1]]( ]]");
    run(1_000_000, "x[^1]](");
}
