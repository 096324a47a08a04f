//! Ids of headings, and what a link's fragment (`#part`) points at.
//!
//! Every heading gets an id, as kramdown gives one: the one the author
//! wrote (`## Part {#part}`), else one made from its words. A fragment
//! finds the element of that id, or the heading whose words make it the
//! way kramdown (Jekyll) or GitHub make ids, so that links written for
//! either site still lead somewhere.

use super::{visit_blocks_mut, Block, Chapter, Inline};

/// The id folio gives a heading: its words, lower case, joined by `-`;
/// letters of every script kept; `section` when none is left.
pub fn slug(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            id.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-') && !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    while id.ends_with('-') {
        id.pop();
    }
    if id.is_empty() {
        id.push_str("section");
    }
    id
}

/// GitHub's id: lower case, punctuation dropped, each space a `-`.
fn github(text: &str) -> String {
    text.chars()
        .filter(|&c| c.is_alphanumeric() || c == '_' || c == '-' || c == ' ')
        .flat_map(char::to_lowercase)
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// kramdown's id (Jekyll's default): ASCII letters, digits, spaces and `-`
/// only, from the first letter; each space a `-`.
fn kramdown(text: &str) -> String {
    let from = text.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(text.len());
    let id: String = text[from..]
        .chars()
        .filter(|&c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
        .map(|c| if c == ' ' { '-' } else { c.to_ascii_lowercase() })
        .collect();
    if id.is_empty() {
        "section".into()
    } else {
        id
    }
}

/// What a chapter's fragments can point at: its ids, and the ids kramdown
/// and GitHub would have given its title and headings.
#[derive(Debug, Default)]
pub struct Anchors {
    /// Squashed id or alias → where it leads (the first given: ids first).
    names: std::collections::HashMap<String, Place>,
}

/// Where a fragment leads in its chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Its start: its title, or `#` alone.
    Start,
    /// The element of this id.
    Id(String),
}

impl Anchors {
    /// Where `fragment` (as written after `#`) leads.
    pub fn find(&self, fragment: &str) -> Option<&Place> {
        if fragment.is_empty() {
            return Some(&Place::Start);
        }
        self.get(&key(fragment))
    }

    /// Where the fragment of this [`key`] leads (not the empty one).
    pub fn get(&self, key: &str) -> Option<&Place> {
        if key.is_empty() {
            return None;
        }
        self.names.get(key)
    }

    /// Every name it knows (keys as [`key`] makes them) and its place.
    pub fn entries(&self) -> impl Iterator<Item = (&String, &Place)> {
        self.names.iter()
    }

    fn add(&mut self, name: String, place: Place) {
        self.names.entry(name).or_insert(place);
    }
}

/// The ids given in a chapter, in order, and how to make one unique fast:
/// a chapter of thousands of `## Part` headings tries each number once.
#[derive(Default)]
struct Ids {
    order: Vec<String>,
    set: std::collections::HashSet<String>,
    /// For each id asked for, the next number to try (`part-2`).
    next: std::collections::HashMap<String, usize>,
}

impl Ids {
    /// `id`, or `id-1`, `id-2`... the first not given yet; now given.
    fn unique(&mut self, id: String) -> String {
        let id = if self.set.contains(&id) {
            let n = self.next.entry(id.clone()).or_insert(1);
            while self.set.contains(&format!("{id}-{n}")) {
                *n += 1;
            }
            *n += 1;
            format!("{id}-{}", *n - 1)
        } else {
            id
        };
        self.set.insert(id.clone());
        self.order.push(id.clone());
        id
    }
}

/// Gives every heading of a chapter without an id its [`slug`], made unique
/// in the chapter (`part`, `part-1`, `part-2`) against every id in it, and
/// returns what fragments can find (a repeated id finds its first element;
/// the chapter's title, and the id written on it, its start).
pub fn name_headings(chapter: &mut Chapter) -> Anchors {
    let mut taken = Ids::default();
    // The ids the backends give the title and the notes are no one else's:
    // an author's `{#ch001-title}` is renamed as a repeated id is.
    taken.set.extend(generated_ids(chapter));
    let blocks = &mut chapter.blocks;
    // Ids written, each kept once: a repeated one is made unique (the
    // parser warned), as a file must not hold one id twice.
    let mut written = Vec::new();
    visit_blocks_mut(blocks, &mut |b| {
        if let Some(id) = b.attrs_mut().and_then(|a| a.id.as_mut()) {
            let given = taken.unique(id.clone());
            written.push((std::mem::replace(id, given.clone()), given));
        }
    });
    // the title first, as the first heading of its file
    let mut headings: Vec<(String, Place)> = vec![(chapter.title.clone(), Place::Start)];
    visit_blocks_mut(blocks, &mut |b| {
        if let Block::Heading { attrs, content, .. } = b {
            let text = Inline::plain_text(content);
            let id = attrs.id.get_or_insert_with(|| taken.unique(slug(&text)));
            headings.push((text, Place::Id(id.clone())));
        }
    });
    let mut anchors = Anchors::default();
    for id in &taken.order {
        anchors.add(squash(id), Place::Id(id.clone()));
    }
    // (a written id renamed because folio's own has it still finds it)
    for (written, given) in written {
        anchors.add(squash(&written), Place::Id(given));
    }
    if let Some(id) = &chapter.title_id {
        anchors.add(squash(id), Place::Start);
    }
    // Each site numbers its repeated ids in the order of the headings.
    for make in [kramdown as fn(&str) -> String, github] {
        let mut made = Ids::default();
        for (text, place) in &headings {
            let alias = made.unique(make(text));
            anchors.add(squash(&alias), place.clone());
        }
    }
    anchors
}

/// The ids a chapter's XHTML gives its title, its notes and their calls
/// (`ch001-title`, `ch001-note1`, `ch001-ref1`, a second call `ch001-ref1-2`).
fn generated_ids(chapter: &mut Chapter) -> Vec<String> {
    let mut calls = vec![0usize; chapter.notes.len()];
    let mut count = |i: &mut Inline| {
        if let Inline::NoteRef(n) = i {
            if let Some(k) = calls.get_mut(*n) {
                *k += 1;
            }
        }
    };
    super::visit_mut(&mut chapter.blocks, &mut count, &mut |_| {});
    for note in &mut chapter.notes {
        super::visit_mut(&mut note.blocks, &mut count, &mut |_| {});
    }
    let id = &chapter.id;
    let mut ids = vec![format!("{id}-title")];
    for (i, k) in calls.iter().enumerate() {
        let n = i + 1;
        ids.push(format!("{id}-note{n}"));
        ids.push(format!("{id}-ref{n}"));
        ids.extend((2..=*k).map(|k| format!("{id}-ref{n}-{k}")));
    }
    ids
}

/// A fragment (as written after `#`) as names are compared: decoded, without
/// case or runs of `-`.
pub fn key(fragment: &str) -> String {
    squash(&percent_decoded(fragment))
}

/// Compared without case or runs of `-`: `#Part--two` finds `part-two`.
fn squash(id: &str) -> String {
    let mut s = String::with_capacity(id.len());
    for c in id.trim_matches('-').chars().flat_map(char::to_lowercase) {
        if c != '-' || !s.ends_with('-') {
            s.push(c);
        }
    }
    s
}

/// `%C3%A9` → `é`; a `%` not followed by two hex digits stays.
pub fn percent_decoded(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |k: usize| b.get(k).and_then(|&c| (c as char).to_digit(16));
        match (b[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::Attrs;

    fn h(text: &str, id: Option<&str>) -> Block {
        Block::Heading { level: 2, content: vec![Inline::Text(text.into())], attrs: Attrs { id: id.map(String::from), classes: vec![] } }
    }

    fn chapter(title: &str, title_id: Option<&str>, blocks: Vec<Block>) -> Chapter {
        let (id, lang, source) = ("ch001".into(), "fr".into(), "a.md".into());
        Chapter { id, title: title.into(), title_id: title_id.map(String::from), lang, date: None, draft: false, source, blocks, notes: vec![] }
    }

    #[test]
    fn slugs_keep_every_script_s_letters() {
        assert_eq!(slug("Qu’est-ce que c’est\u{202f}?"), "quest-ce-que-cest");
        assert_eq!(slug("Les élèves, 2\u{a0}: la suite…"), "les-élèves-2-la-suite");
        assert_eq!(slug("  — * —  "), "section");
        assert_eq!(kramdown("1. Les élèves"), "les-lves");
        assert_eq!(github("1. Les élèves!"), "1-les-élèves");
    }

    #[test]
    fn every_heading_gets_a_unique_id() {
        let mut c = chapter("T", None, vec![h("Part", None), Block::Quote(vec![h("Part", None)]), h("Other", Some("part-1")), h("Part", None), h("Again", Some("part-1"))]);
        let anchors = name_headings(&mut c);
        assert_eq!(anchors.find("part-1"), Some(&Place::Id("part-1".into())), "the first of a repeated id");
        let ids: Vec<String> = c
            .blocks
            .iter()
            .flat_map(|b| match b {
                Block::Quote(q) => q.clone(),
                b => vec![b.clone()],
            })
            .map(|b| match b {
                Block::Heading { attrs, .. } => attrs.id.unwrap(),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(ids, ["part", "part-2", "part-1", "part-3", "part-1-1"]);
    }

    /// `ch001-title`, `ch001-note1`, `ch001-ref1` are the XHTML's own: an
    /// author's heading of that id (or words) is renamed, and still found.
    #[test]
    fn ids_folio_makes_are_no_heading_s() {
        let mut c = chapter("T", None, vec![
            Block::Para { content: vec![Inline::NoteRef(0), Inline::NoteRef(0)], attrs: Attrs::default() },
            h("X", Some("ch001-title")),
            h("ch001 title", None),
            h("Y", Some("ch001-note1")),
            h("Z", Some("ch001-ref1-2")),
        ]);
        c.notes.push(crate::book::Note { label: "1".into(), blocks: vec![] });
        let anchors = name_headings(&mut c);
        let ids: Vec<_> = c.blocks[1..].iter().map(|b| match b {
            Block::Heading { attrs, .. } => attrs.id.clone().unwrap(),
            _ => unreachable!(),
        }).collect();
        assert_eq!(ids, ["ch001-title-1", "ch001-title-2", "ch001-note1-1", "ch001-ref1-2-1"]);
        assert_eq!(anchors.find("ch001-title"), Some(&Place::Id("ch001-title-1".into())));
        assert_eq!(anchors.find("ch001-note1"), Some(&Place::Id("ch001-note1-1".into())));
    }

    #[test]
    fn fragments_find_ids_and_the_ids_sites_would_make() {
        let mut c = chapter("Le début", Some("debut"), vec![
            h("Les élèves", None),
            h("Intro", None),
            h("Intro", None),
            Block::Para { content: vec![], attrs: Attrs { id: Some("note-a".into()), classes: vec![] } },
            h("A -- B", None),
        ]);
        let anchors = name_headings(&mut c);
        let find = |f: &str| match anchors.find(f) {
            Some(Place::Id(id)) => Some(id.clone()),
            Some(Place::Start) => Some("START".into()),
            None => None,
        };
        assert_eq!(find("les-élèves").as_deref(), Some("les-élèves"));
        assert_eq!(find("les-%C3%A9l%C3%A8ves").as_deref(), Some("les-élèves"));
        assert_eq!(find("les-lves").as_deref(), Some("les-élèves"), "kramdown drops what is not ASCII");
        assert_eq!(find("intro-1").as_deref(), Some("intro-1"));
        assert_eq!(find("Intro").as_deref(), Some("intro"));
        assert_eq!(find("note-a").as_deref(), Some("note-a"));
        assert_eq!(find("a----b").as_deref(), Some("a-b"), "runs of `-` do not count");
        assert_eq!(find("outro"), None);
        assert_eq!(find("le-début").as_deref(), Some("START"), "the title leads to the start");
        assert_eq!(find("le-dbut").as_deref(), Some("START"));
        assert_eq!(find("debut").as_deref(), Some("START"), "as the id written on it does");
        assert_eq!(find("").as_deref(), Some("START"), "`#` alone leads to the top");
    }
}
