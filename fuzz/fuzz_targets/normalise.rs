//! The normaliser on arbitrary text, in French and English: it must not
//! panic, and every change it logs must point at a line of the input.
#![no_main]
use folio::normalise::{normalise, Options, Vocabulary};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let vocab = Vocabulary::from_texts([text]);
    let lines = text.lines().count().max(1);
    for lang in ["fr", "en"] {
        let out = normalise(text, &Options::all(lang), &vocab);
        for c in &out.changes {
            assert!(c.line >= 1 && c.line <= lines + 1, "change at line {} of {lines}", c.line);
        }
    }
});
