//! Word lists shipped with folio (`data/`), one word a line in byte order,
//! looked up by binary search in place: nothing to build at start-up, and
//! only the pages a lookup touches are read.

pub struct WordList(&'static str);

impl WordList {
    pub const fn new(sorted: &'static str) -> WordList {
        WordList(sorted)
    }

    pub fn contains(&self, w: &str) -> bool {
        // Bytes, not chars: a midpoint may fall inside a letter; UTF-8 byte
        // order is the lists' order.
        let (s, w) = (self.0.as_bytes(), w.as_bytes());
        let (mut lo, mut hi) = (0, s.len());
        // Invariant: every line starting before `lo` sorts below `w`, every
        // line starting at or after `hi` sorts above it.
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let start = s[lo..mid].iter().rposition(|&b| b == b'\n').map_or(lo, |i| lo + i + 1);
            let end = s[start..].iter().position(|&b| b == b'\n').map_or(s.len(), |i| start + i);
            match s[start..end].cmp(w) {
                std::cmp::Ordering::Equal => return true,
                std::cmp::Ordering::Less => lo = end + 1,
                std::cmp::Ordering::Greater => hi = start,
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::WordList;

    #[test]
    fn finds_every_word_and_nothing_else() {
        let list = WordList::new("a\nabc\nb\nbé\nzz\n");
        for w in ["a", "abc", "b", "bé", "zz"] {
            assert!(list.contains(w), "{w}");
        }
        for w in ["", "ab", "abcd", "bb", "c", "zzz", "é"] {
            assert!(!list.contains(w), "{w}");
        }
        assert!(WordList::new("only").contains("only"));
        assert!(!WordList::new("").contains("x"));
    }

    #[test]
    fn shipped_lists_are_sorted() {
        for (name, list) in [("en-words", super::super::hyphenation::EN_WORDS), ("en-pieces", super::super::hyphenation::EN_PIECES), ("en-compounds", super::super::hyphenation::EN_COMPOUNDS), ("fr-compounds", super::super::hyphenation::FR_COMPOUNDS), ("fr-words", super::super::hyphenation::FR_WORDS)] {
            let lines: Vec<&str> = list.lines().collect();
            assert!(lines.len() > 4_000, "{name}");
            assert!(lines.windows(2).all(|p| p[0] < p[1]), "{name} is not in byte order");
        }
    }
}
