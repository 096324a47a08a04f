//! Writing files so that nothing is ever half-written: a temporary file in
//! the same folder, synced, then renamed over the target.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Write `bytes` to `path` atomically. On error the previous file, if any,
/// is untouched and no temporary file is left behind.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let tmp: PathBuf = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The longest slug, in bytes: file names stop at 255 bytes, and the
/// version and extension are added to it.
const MAX_SLUG: usize = 80;

/// A file name from a title: lowercase ASCII, words joined by `-`; a long
/// title's first words (at most [`MAX_SLUG`] bytes).
pub fn slug(title: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut s = String::new();
    for c in title.nfd() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if c.is_ascii() || c.is_whitespace() || (!c.is_alphanumeric() && !unicode_normalization::char::is_combining_mark(c)) {
            if !s.ends_with('-') && !s.is_empty() {
                s.push('-');
            }
        } else if c == 'œ' || c == 'Œ' {
            s.push_str("oe");
        } else if c == 'æ' || c == 'Æ' {
            s.push_str("ae");
        }
    }
    let mut s = s.trim_end_matches('-').to_string();
    if s.len() > MAX_SLUG {
        // (ASCII: any byte is a char boundary) at a word's end if there is one
        let cut = if s.as_bytes()[MAX_SLUG] == b'-' { MAX_SLUG } else { s[..MAX_SLUG].rfind('-').unwrap_or(MAX_SLUG) };
        s.truncate(cut);
    }
    if s.is_empty() {
        "book".into()
    } else {
        s
    }
}

/// A version string made safe for a file name: `1.0.0-3-gabc` stays, a
/// slash or space becomes `-`.
pub fn file_safe(v: &str) -> String {
    v.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-' | '_') { c } else { '-' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Pas tout à fait des hommes"), "pas-tout-a-fait-des-hommes");
        assert_eq!(slug("Noir & Blanc"), "noir-blanc");
        assert_eq!(slug("«»"), "book");
        assert_eq!(slug("L’homme qui rit\u{202f}?"), "l-homme-qui-rit");
        assert_eq!(file_safe("1.0.0-3-gab/c d"), "1.0.0-3-gab-c-d");
        assert_eq!(slug(&"a".repeat(300)), "a".repeat(80));
        assert_eq!(slug(&"Le long titre ".repeat(30)), format!("{}le-long", "le-long-titre-".repeat(5)), "cut at a word's end");
        assert_eq!(slug(&format!("{} b", "a".repeat(80))), "a".repeat(80));
    }

    #[test]
    fn atomic_write_replaces() {
        let dir = std::env::temp_dir().join(format!("folio-out-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
