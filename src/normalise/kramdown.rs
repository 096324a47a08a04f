//! kramdown habits that CommonMark reads differently: `####Titre` (no
//! space) is a heading for kramdown, a paragraph for CommonMark.
//! IAL lines (`{:.text-center}`) are left where they are: the parser
//! attaches them to the block above.

use super::protect::{self, Mask};
use super::{Change, Step};

pub fn run(text: &str, mask: &Mask, changes: &mut Vec<Change>) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (li, &(a, b)) in protect::line_spans(text).iter().enumerate() {
        let line = &text[a..b];
        let lead = line.len() - line.trim_start_matches(' ').len();
        let hashes = line[lead..].bytes().take_while(|&c| c == b'#').count();
        let body = &line[lead + hashes..];
        out.push_str(line);
        if lead <= 3 && (1..=6).contains(&hashes) && !mask.get(a) && body.starts_with(char::is_alphabetic) {
            out.truncate(out.len() - body.len());
            out.push(' ');
            out.push_str(body);
            changes.push(Change { line: li + 1, step: Step::Kramdown, before: line.to_string(), after: format!("{} {}", &line[..lead + hashes], body) });
        }
        if b < text.len() {
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> String {
        run(s, &protect::protect(s), &mut Vec::new())
    }

    #[test]
    fn heading_space() {
        assert_eq!(k("####Histoire 1\n{:.text-center}\n"), "#### Histoire 1\n{:.text-center}\n");
        assert_eq!(k("#Titre"), "# Titre");
        let mut c = Vec::new();
        run("a\n##Été", &protect::protect("a\n##Été"), &mut c);
        assert_eq!(c, vec![Change { line: 2, step: Step::Kramdown, before: "##Été".into(), after: "## Été".into() }]);
    }

    #[test]
    fn must_not_change() {
        for s in ["#### Déjà bon", "#1 en tête", "####### Sept", "```\n####Code\n```", "    ####Indenté", "`####x`", "texte ##pas un titre", "#\n"] {
            assert_eq!(k(s), s, "{s}");
        }
    }
}
