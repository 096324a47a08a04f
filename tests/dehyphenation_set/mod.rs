//! The de-hyphenation evaluation set: generator and scorer (used by
//! `tests/dehyphenation.rs`; compiled alone it holds no test).
#![allow(dead_code)]

use hyphenation::{Hyphenator, Language, Load, Standard};

/// xorshift64*: deterministic, no dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Prose that must come back unchanged.
    Plain,
    /// A word broken at a hyphenation point: must be joined.
    Join,
    /// A compound broken at its own hyphen: must keep it.
    Keep,
    /// Looks like a break but is not: must come back unchanged.
    Distractor,
}

#[derive(Debug, Clone)]
pub struct Token {
    pub text: String,
    pub kind: Kind,
    /// For a broken token: the part before the break, hyphen included.
    pub prefix: String,
    pub suffix: String,
}

pub struct Set {
    pub text: String,
    pub tokens: Vec<Token>,
}

/// Prose paragraphs only: no headings, lists, code, links, HTML or rules.
fn paragraphs(text: &str) -> Vec<Vec<String>> {
    let mut v = Vec::new();
    for block in text.split("\n\n") {
        let lines: Vec<&str> = block.lines().filter(|l| !l.trim().is_empty()).collect();
        if lines.is_empty() {
            continue;
        }
        let markup = lines.iter().any(|l| {
            let t = l.trim_start();
            t.starts_with(['#', '*', '-', '>', '|', '<', '[', '{', '`', '=', '+']) || t.starts_with(|c: char| c.is_ascii_digit())
        });
        if markup || block.contains(['`', '<', '{', '|', '\\']) || block.contains("](") || block.contains("://") || block.contains("- ") || block.contains("-\n") {
            continue;
        }
        v.push(block.split_whitespace().map(String::from).collect());
    }
    v
}

/// Legal break points of `tok` (byte offsets), from the patterns, on the
/// word after any elision; none in tokens with digits or hyphens.
fn word_breaks(h: &Standard, tok: &str) -> Vec<usize> {
    if tok.contains(|c: char| c.is_ascii_digit() || c == '-') {
        return Vec::new();
    }
    let start = tok.rfind(['\'', '’']).map_or(0, |i| i + tok[i..].chars().next().unwrap().len_utf8());
    let Some(ws) = tok[start..].find(char::is_alphabetic).map(|i| start + i) else { return Vec::new() };
    let we = tok[ws..].find(|c: char| !c.is_alphabetic()).map_or(tok.len(), |i| ws + i);
    let core = &tok[ws..we];
    let lower = core.to_lowercase();
    if core.chars().count() < 5 || lower.len() != core.len() {
        return Vec::new();
    }
    h.hyphenate(&lower).breaks.into_iter().map(|b| ws + b).collect()
}

/// Hyphens of a compound: between two letters.
fn compound_breaks(tok: &str) -> Vec<usize> {
    let b: Vec<(usize, char)> = tok.char_indices().collect();
    (1..b.len().saturating_sub(1)).filter(|&i| b[i].1 == '-' && b[i - 1].1.is_alphabetic() && b[i + 1].1.is_alphabetic()).map(|i| b[i].0 + 1).collect()
}

fn distractor(rng: &mut Rng, words: &[String], lang: &str) -> String {
    let mut w = || words[rng.below(words.len() as u64) as usize].clone();
    let (a, b, c) = (w(), w(), w());
    let cap = |s: &str| {
        let mut cs = s.chars();
        cs.next().map(|f| f.to_uppercase().chain(cs).collect::<String>()).unwrap_or_default()
    };
    let (pre, conj) = if lang == "fr" {
        (["pré", "post", "micro", "macro", "anti", "pro", "sous", "sur", "inter", "extra", "néo", "semi"], ["et", "ou"])
    } else {
        (["pre", "post", "micro", "macro", "anti", "pro", "sub", "super", "inter", "extra", "neo", "semi"], ["and", "or"])
    };
    let p1 = pre[rng.below(pre.len() as u64) as usize];
    let p2 = pre[rng.below(pre.len() as u64) as usize];
    let cj = conj[rng.below(2) as usize];
    match rng.below(9) {
        // A fixed tail: a corpus word here would become false evidence.
        0 => format!("Les {p1}- {cj} {p2}-{} du {b}.", if lang == "fr" { "opératoires" } else { "operative" }),
        1 => format!("{} - {} - {}", cap(&a), cap(&b), cap(&c)),
        2 => format!("— {}, {a} {b}.\n— {} ?", cap(&c), cap(&a)),
        3 => format!("- {a}-\n- {b}\n- {c}"),
        4 => format!("Le code `{a}- {b}` et ``{c}-\n{a}`` reste."),
        5 => format!("```\n{a}-\n{b} - {c}\n```"),
        6 => format!("Voir https://example.org/{a}- {b} ou <https://example.org/{c}->."),
        7 => format!("{}-\n---", cap(&a)),
        _ => format!("Un <span title=\"{a}- {b}\">{c}</span>, [lien](http://x.org/{a}- \"{b}\")."),
    }
}

/// Re-wrap the prose of `texts` with breaks, plus distractors.
pub fn generate(texts: &[String], rng: &mut Rng, lang: &str) -> Set {
    let mut h = Standard::from_embedded(if lang == "fr" { Language::French } else { Language::EnglishUS }).expect("patterns");
    // TeX's minima for both languages: what a PDF copy shows.
    h.minima = (2, 3);
    let mut text = String::new();
    let mut tokens = Vec::new();
    let mut n_par = 0;
    for t in texts {
        let paras = paragraphs(t);
        let words: Vec<String> = paras.iter().flatten().filter(|w| w.chars().count() >= 4 && w.chars().all(|c| c.is_alphabetic() && c.is_lowercase())).cloned().collect();
        for para in paras {
            n_par += 1;
            if n_par % 12 == 0 && !words.is_empty() {
                let d = distractor(rng, &words, lang);
                tokens.extend(d.split_whitespace().map(|s| Token { text: s.into(), kind: Kind::Distractor, prefix: String::new(), suffix: String::new() }));
                text.push_str(&d);
                text.push_str("\n\n");
            }
            let width = 60 + rng.below(11) as usize;
            let mut line = String::new(); // the current output line
            let mut col = 0; // its width, counted from the last real break
            for tok in para {
                let len = tok.chars().count();
                let room = width.saturating_sub(col + 1);
                let cb = compound_breaks(&tok);
                let fits = |b: &usize| tok[..*b].chars().count() < room;
                let brk = if !cb.is_empty() && col > 0 && (len > room || rng.chance(35)) {
                    cb.iter().copied().rfind(fits).map(|b| (b, Kind::Keep))
                } else if len > room && col > 0 && cb.is_empty() && rng.chance(80) {
                    word_breaks(&h, &tok).into_iter().rfind(|b| tok[..*b].chars().count() < room).map(|b| (b, Kind::Join))
                } else {
                    None
                };
                if let Some((b, kind)) = brk {
                    let (prefix, suffix) = if kind == Kind::Keep { (tok[..b].to_string(), tok[b..].to_string()) } else { (format!("{}-", &tok[..b]), tok[b..].to_string()) };
                    line.push(' ');
                    line.push_str(&prefix);
                    // PDF copies give `ter- rible` inside a line or `ter-⏎rible`.
                    line.push(if rng.chance(40) { ' ' } else { '\n' });
                    line.push_str(&suffix);
                    col = suffix.chars().count();
                    tokens.push(Token { text: tok.clone(), kind, prefix, suffix });
                    continue;
                }
                if col == 0 {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                } else if len > room {
                    line.push('\n');
                    col = 0;
                } else {
                    line.push(' ');
                    col += 1;
                }
                line.push_str(&tok);
                col += len;
                tokens.push(Token { text: tok, kind: Kind::Plain, prefix: String::new(), suffix: String::new() });
            }
            text.push_str(line.trim_start());
            text.push_str("\n\n");
        }
    }
    Set { text, tokens }
}

#[derive(Debug, Default)]
pub struct Score {
    pub join_ok: usize,
    pub join_total: usize,
    pub keep_ok: usize,
    pub keep_total: usize,
    pub collateral: usize,
    pub distractors: usize,
    pub distractors_ok: usize,
    pub errors: Vec<String>,
}

impl Score {
    pub fn overall(&self) -> f64 {
        (self.join_ok + self.keep_ok) as f64 / (self.join_total + self.keep_total).max(1) as f64
    }
    pub fn add(&mut self, o: &Score) {
        self.join_ok += o.join_ok;
        self.join_total += o.join_total;
        self.keep_ok += o.keep_ok;
        self.keep_total += o.keep_total;
        self.collateral += o.collateral;
        self.distractors += o.distractors;
        self.distractors_ok += o.distractors_ok;
        self.errors.extend(o.errors.iter().cloned());
    }
    pub fn line(&self, name: &str) -> String {
        let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
        format!(
            "dehyphenation {name}: overall {:.2}% ({}/{}), joins {:.2}% ({}/{}), kept hyphens {:.2}% ({}/{}), collateral changes {}, distractors untouched {}/{}",
            100.0 * self.overall(),
            self.join_ok + self.keep_ok,
            self.join_total + self.keep_total,
            pct(self.join_ok, self.join_total),
            self.join_ok,
            self.join_total,
            pct(self.keep_ok, self.keep_total),
            self.keep_ok,
            self.keep_total,
            self.collateral,
            self.distractors_ok,
            self.distractors
        )
    }
}

/// The Markdown blocks of `text`, in order: what a re-wrap must not change
/// (a word moved up must not leave `- a` to open a list item).
pub fn blocks(text: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    Parser::new_ext(text, Options::ENABLE_FOOTNOTES | Options::ENABLE_TABLES)
        .filter_map(|e| match e {
            Event::Start(t) => match t {
                Tag::Paragraph => Some("paragraph".to_string()),
                Tag::Heading { level, .. } => Some(format!("heading {level}")),
                Tag::BlockQuote(_) => Some("quote".into()),
                Tag::CodeBlock(_) => Some("code".into()),
                Tag::HtmlBlock => Some("html".into()),
                Tag::List(start) => Some(format!("list {start:?}")),
                Tag::Item => Some("item".into()),
                Tag::Table(_) => Some("table".into()),
                Tag::FootnoteDefinition(_) => Some("note".into()),
                _ => None,
            },
            Event::Rule => Some("rule".into()),
            _ => None,
        })
        .collect()
}

/// Score the normaliser's output for `set`: token by token, and the blocks
/// of the whole (each block added, lost or changed is a collateral change).
pub fn score(set: &Set, output: &str) -> Score {
    let mut s = score_tokens(&set.tokens, output);
    let (before, after) = (blocks(&set.text), blocks(output));
    let changed = before.iter().zip(&after).filter(|(a, b)| a != b).count() + before.len().abs_diff(after.len());
    if changed > 0 {
        s.collateral += changed;
        let first = before.iter().zip(&after).position(|(a, b)| a != b).unwrap_or(before.len().min(after.len()));
        s.errors.push(format!("Blocks: {changed} changed, the first at block {first}: {:?} became {:?}", before.get(first), after.get(first)));
    }
    s
}

/// Compare the normaliser's output with the expected tokens.
pub fn score_tokens(expected: &[Token], output: &str) -> Score {
    let out: Vec<&str> = output.split_whitespace().collect();
    let mut s = Score::default();
    let mut o = 0;
    let get = |i: usize| out.get(i).copied().unwrap_or("");
    let mut i = 0;
    while i < expected.len() {
        let t = &expected[i];
        let got = get(o);
        match t.kind {
            Kind::Join | Kind::Keep => {
                let (ok, total) = if t.kind == Kind::Join { (&mut s.join_ok, &mut s.join_total) } else { (&mut s.keep_ok, &mut s.keep_total) };
                *total += 1;
                if got == t.text {
                    *ok += 1;
                    o += 1;
                } else if got == t.prefix && get(o + 1) == t.suffix {
                    s.errors.push(format!("{:?}: left {:?} {:?}", t.kind, t.prefix, t.suffix));
                    o += 2;
                } else {
                    s.errors.push(format!("{:?}: expected {:?}, got {:?}", t.kind, t.text, got));
                    o += 1;
                }
            }
            Kind::Plain | Kind::Distractor => {
                if t.kind == Kind::Distractor {
                    s.distractors += 1;
                }
                if got == t.text {
                    if t.kind == Kind::Distractor {
                        s.distractors_ok += 1;
                    }
                    o += 1;
                } else {
                    if t.kind == Kind::Plain {
                        s.collateral += 1;
                    }
                    s.errors.push(format!("{:?}: expected {:?}, got {:?}", t.kind, t.text, got));
                    // Resynchronise after a merge of two tokens or a split of one.
                    let next = expected.get(i + 1).map_or("", |t| t.text.as_str());
                    if get(o + 1) == next || next.is_empty() {
                        o += 1;
                    } else if get(o + 2) == next {
                        o += 2;
                    } else if got.starts_with(t.text.trim_end_matches('-')) {
                        o += 1;
                        i += 1;
                        if t.kind == Kind::Distractor {
                            s.distractors += 1;
                        } else {
                            s.collateral += 1;
                        }
                    } else {
                        o += 1;
                    }
                }
            }
        }
        i += 1;
    }
    s
}
