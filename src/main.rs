//! The `folio` command line.
//!
//! Exit codes: 0 success, 1 an error in the input (or a failed write),
//! 2 a usage error.

use clap::{Parser, Subcommand, ValueEnum};
use folio::manuscript::{split_front_matter, utf8_text, Manuscript};
use folio::normalise::{self, Step, Vocabulary};
use folio::pipeline::{self, Diagnostic, PrepareOptions, Prepared};
use folio::scaffold::{self, Starter};
use folio::{epub, output, pdf};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "folio", version, about = "Markdown manuscript to EPUB 3 and PDF, from one style sheet")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the book.
    Build {
        #[arg(long, value_enum, default_value = "epub")]
        format: Format,
        /// The manuscript folder (holding book.yaml).
        #[arg(long, default_value = "manuscript")]
        manuscript: PathBuf,
        /// A style sheet to use instead of the one book.yaml names.
        #[arg(long)]
        style: Option<PathBuf>,
        /// Where to write the book.
        #[arg(long, default_value = "build")]
        out: PathBuf,
        /// Leave out chapters marked `published: false`.
        #[arg(long)]
        no_drafts: bool,
        /// With the PDF: also write the layout trace (`<slug>.layout.txt`).
        #[arg(long)]
        dump_layout: bool,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
        /// The edition's version: added to the file names (`<slug>-<V>`) and the metadata.
        #[arg(long, value_name = "V")]
        book_version: Option<String>,
        /// Print the time each stage took.
        #[arg(long)]
        timings: bool,
        /// Build again whenever a file of the manuscript (or the --style
        /// sheet) changes, until interrupted; an error waits for the next
        /// change.
        #[arg(long)]
        watch: bool,
    },
    /// Print a chapter's normalised Markdown (or, with --diff, the change log).
    Normalise {
        /// A chapter file, or `-` for standard input.
        file: String,
        /// The text's language (default: the front matter's, then book.yaml's, then `en`).
        #[arg(long)]
        lang: Option<String>,
        /// Run one step only.
        #[arg(long, value_enum)]
        only: Option<OnlyStep>,
        /// Print the log of changes instead of the text.
        #[arg(long)]
        diff: bool,
        /// Rewrite the file in place (the original is kept as FILE.orig).
        #[arg(long, conflicts_with = "diff")]
        write: bool,
        /// With --write: keep no FILE.orig.
        #[arg(long, requires = "write")]
        no_backup: bool,
    },
    /// Start a new manuscript: book.yaml and a first chapter, ready to build.
    Init {
        /// The folder to create (or an empty one).
        #[arg(value_name = "MANUSCRIPT", default_value = "manuscript")]
        folder: PathBuf,
        #[arg(long, default_value = "Untitled")]
        title: String,
        #[arg(long)]
        author: Option<String>,
        /// The book's language, a BCP 47 tag.
        #[arg(long, default_value = "en")]
        lang: String,
        /// Also copy folio's style sheet and fonts into the folder, to change.
        #[arg(long)]
        style: bool,
    },
    /// Check the manuscript and print warnings with file:line and a suggestion.
    Check {
        /// The manuscript folder (as --manuscript), or one chapter file.
        #[arg(value_name = "MANUSCRIPT", conflicts_with = "manuscript")]
        folder: Option<PathBuf>,
        #[arg(long, default_value = "manuscript")]
        manuscript: PathBuf,
        /// Exit non-zero on any warning.
        #[arg(long)]
        strict: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Epub,
    Pdf,
    All,
}

#[derive(Clone, Copy, ValueEnum)]
enum OnlyStep {
    Hyphenation,
    Kramdown,
    Typography,
}

/// An error for the user: the message says what and where, the code why.
struct Failure {
    message: String,
    code: u8,
}

impl Failure {
    fn input(message: impl ToString) -> Failure {
        Failure { message: message.to_string(), code: 1 }
    }
    fn usage(message: impl ToString) -> Failure {
        Failure { message: message.to_string(), code: 2 }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    // A bug must still end with a message and exit code 1, never a bare 101.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("folio: internal error (a bug in folio, please report it): {info}");
    }));
    match std::panic::catch_unwind(|| run(cli)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(f)) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.code)
        }
        Err(_) => ExitCode::from(1),
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Build { format, manuscript, style, out, no_drafts, dump_layout, quiet, timings, book_version, watch } => {
            let flags = BuildFlags { no_drafts, dump_layout, quiet, timings, book_version };
            if watch {
                watch_and_build(format, &manuscript, style, &out, flags)
            } else {
                build(format, &manuscript, style, &out, flags)
            }
        }
        Command::Normalise { file, lang, only, diff, write, no_backup } => normalise_cmd(&file, lang, only, diff, write, no_backup),
        Command::Check { folder, manuscript, strict } => check(&folder.unwrap_or(manuscript), strict),
        Command::Init { folder, title, author, lang, style } => init(&folder, &Starter { title: &title, author: author.as_deref(), lang: &lang, style }),
    }
}

/// Write a new manuscript into `dir`, overwriting nothing: a file already
/// there stops it before anything is written.
fn init(dir: &Path, s: &Starter) -> Result<(), Failure> {
    folio::manuscript::check_language(s.lang).map_err(|hint| Failure::usage(format!("--lang {}: {hint}", s.lang)))?;
    if s.title.trim().is_empty() {
        return Err(Failure::usage("--title is empty: give the book's title"));
    }
    let files = scaffold::files(s);
    if let Some((name, _)) = files.iter().find(|(name, _)| dir.join(name).exists()) {
        return Err(Failure::input(format!("{}: already there; folio init overwrites nothing (choose another folder, or move the file)", dir.join(name).display())));
    }
    for (name, bytes) in &files {
        let path = dir.join(name);
        let parent = path.parent().unwrap_or(dir);
        std::fs::create_dir_all(parent).map_err(|e| Failure::input(format!("{}: cannot create the folder: {e}", parent.display())))?;
        output::write_atomic(&path, bytes).map_err(|e| Failure::input(format!("{}: cannot write: {e}", path.display())))?;
    }
    eprintln!("wrote {} ({} files); build it with `folio build --manuscript {}`", dir.display(), files.len(), dir.display());
    Ok(())
}

/// `SOURCE_DATE_EPOCH`, else the newest manuscript file's time.
fn build_time(default: i64) -> Result<i64, Failure> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v.trim().parse().map_err(|_| Failure::usage(format!("SOURCE_DATE_EPOCH={v} is not a Unix time in seconds"))),
        Err(_) => Ok(default),
    }
}

fn prepare(dir: &Path, style: Option<PathBuf>, no_drafts: bool) -> Result<Prepared, Failure> {
    pipeline::prepare(dir, &PrepareOptions { no_drafts, style }).map_err(Failure::input)
}

/// `folio build --watch`: build, then poll the manuscript folder (and the
/// `--style` sheet) and build again when a file changes. Polling, a few
/// times a second, needs no platform API and costs nothing noticeable on
/// a folder of chapters.
fn watch_and_build(format: Format, dir: &Path, style: Option<PathBuf>, out: &Path, flags: BuildFlags) -> Result<(), Failure> {
    let mut roots = vec![dir.to_path_buf()];
    roots.extend(style.clone());
    // The books written must not count as changes, if written inside.
    std::fs::create_dir_all(out).map_err(|e| Failure::input(format!("{}: cannot create the output folder: {e}", out.display())))?;
    let out_dir = std::fs::canonicalize(out).unwrap_or_else(|_| out.to_path_buf());
    loop {
        let seen = snapshot(&roots, &out_dir);
        if let Err(f) = build(format, dir, style.clone(), out, flags.clone()) {
            eprintln!("error: {}", f.message);
        }
        eprintln!("watching {} for changes (Ctrl-C to stop)", dir.display());
        while snapshot(&roots, &out_dir) == seen {
            std::thread::sleep(std::time::Duration::from_millis(250));
        }
        // An editor saves in several writes: let it finish.
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Every file under `roots` but hidden ones (an editor's swap files, the
/// atomic writes' temporaries) and those in `skip`: path, time, size. A
/// linked folder is not entered (a link to a parent would never end).
fn snapshot(roots: &[PathBuf], skip: &Path) -> Vec<(PathBuf, Option<std::time::SystemTime>, u64)> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = roots.to_vec();
    while let Some(p) = stack.pop() {
        let hidden = p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) && !roots.contains(&p);
        if hidden {
            continue;
        }
        let Ok(meta) = std::fs::metadata(&p) else { continue };
        if meta.is_dir() {
            let linked = std::fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_symlink());
            if (linked && !roots.contains(&p)) || std::fs::canonicalize(&p).is_ok_and(|c| c == skip) {
                continue;
            }
            if let Ok(rd) = std::fs::read_dir(&p) {
                stack.extend(rd.filter_map(|e| e.ok()).map(|e| e.path()));
            }
        } else {
            out.push((p, meta.modified().ok(), meta.len()));
        }
    }
    out.sort();
    out
}

#[derive(Clone)]
struct BuildFlags {
    no_drafts: bool,
    dump_layout: bool,
    quiet: bool,
    timings: bool,
    book_version: Option<String>,
}

fn build(format: Format, dir: &Path, style: Option<PathBuf>, out: &Path, flags: BuildFlags) -> Result<(), Failure> {
    let BuildFlags { no_drafts, dump_layout, quiet, timings, book_version } = flags;
    let started = std::time::Instant::now();
    let mut p = prepare(dir, style, no_drafts)?;
    if book_version.is_some() {
        p.book.meta.version = book_version;
    }
    if !quiet {
        for w in &p.report.warnings {
            eprintln!("warning: {w}");
        }
    }
    let modified = build_time(p.newest_source)?;
    let generator = format!("folio {}", env!("CARGO_PKG_VERSION"));
    std::fs::create_dir_all(out).map_err(|e| Failure::input(format!("{}: cannot create the output folder: {e}", out.display())))?;
    let slug = match &p.book.meta.version {
        Some(v) => format!("{}-{}", output::slug(&p.book.meta.title), output::file_safe(v)),
        None => output::slug(&p.book.meta.title),
    };
    let write = |name: String, bytes: &[u8]| -> Result<(), Failure> {
        let path = out.join(name);
        output::write_atomic(&path, bytes).map_err(|e| Failure::input(format!("{}: cannot write: {e} (is the output folder writable?)", path.display())))?;
        if !quiet {
            eprintln!("wrote {} ({} KB)", path.display(), bytes.len().div_ceil(1024));
        }
        Ok(())
    };
    // With both formats, the EPUB is written on a second core meanwhile.
    let (book, style) = (&p.book, &p.style);
    let eopts = epub::EpubOptions { modified, generator: generator.clone() };
    let popts = pdf::PdfOptions { modified, generator, layout: dump_layout };
    let (epub_result, pdf_result) = std::thread::scope(|s| {
        let e = matches!(format, Format::Epub | Format::All).then(|| {
            s.spawn(|| {
                let t0 = std::time::Instant::now();
                (epub::write(book, style, &eopts), t0.elapsed())
            })
        });
        let pdf = matches!(format, Format::Pdf | Format::All).then(|| pdf::write(book, style, &popts));
        (e.map(|h| h.join()), pdf)
    });
    let mut outputs = Vec::new();
    if let Some(r) = epub_result {
        let (bytes, d) = r.map_err(|_| Failure::input("internal error in the EPUB backend (a bug in folio, please report it)"))?;
        p.timings.add("epub write", d);
        outputs.push((format!("{slug}.epub"), bytes.map_err(Failure::input)?));
    }
    if let Some(out) = pdf_result {
        let out = out.map_err(Failure::input)?;
        for &(stage, d) in &out.timings {
            p.timings.add(stage, d);
        }
        if !quiet {
            for w in &out.warnings {
                eprintln!("warning: PDF: {w}");
            }
        }
        outputs.push((format!("{slug}.pdf"), out.bytes));
        if let Some(layout) = out.layout {
            outputs.push((format!("{slug}.layout.txt"), layout.into_bytes()));
        }
    }
    // Written only once every backend has succeeded.
    for (name, bytes) in &outputs {
        write(name.clone(), bytes)?;
    }
    if timings {
        for (stage, d) in &p.timings.0 {
            eprintln!("timing: {stage:<13} {:8.2} ms", d.as_secs_f64() * 1e3);
        }
        eprintln!("timing: {:<13} {:8.2} ms", "total", started.elapsed().as_secs_f64() * 1e3);
    }
    // The process ends here: freeing the book and its outputs piece by
    // piece would only delay the exit (milliseconds on a novel).
    std::mem::forget((p, outputs));
    Ok(())
}

/// A chapter file (or standard input) and what the normaliser made of it.
struct FileRun {
    original: String,
    shown: String,
    /// Everything before the body: BOM-less front matter.
    head: String,
    /// The line of the file where the body starts.
    body_line: usize,
    normalised: normalise::Normalised,
}

fn normalise_file(file: &str, lang: Option<String>, only: Option<OnlyStep>) -> Result<FileRun, Failure> {
    // (A locale's `fr_FR` is taken for `fr-FR`.)
    let lang = lang.map(|tag| tag.replace('_', "-"));
    if let Some(tag) = &lang {
        folio::manuscript::check_language(tag).map_err(|hint| Failure::usage(format!("--lang {tag:?} is no language tag: {hint}")))?;
    }
    let (original, shown) = if file == "-" {
        let mut b = Vec::new();
        std::io::stdin().read_to_end(&mut b).map_err(|e| Failure::input(format!("<stdin>: cannot read: {e}")))?;
        (utf8_text(Path::new("<stdin>"), b).map_err(Failure::input)?, "<stdin>".to_string())
    } else {
        let s = std::fs::read(file).map_err(|e| Failure::input(format!("{file}: cannot read: {e}")))?;
        (utf8_text(Path::new(file), s).map_err(Failure::input)?, file.to_string())
    };
    let text = original.strip_prefix('\u{feff}').unwrap_or(&original).replace("\r\n", "\n");
    let (front, body, body_line) = split_front_matter(&text, &shown).map_err(Failure::input)?;
    // The book beside the file, if any, gives its language and vocabulary.
    let book = Path::new(file).parent().filter(|_| file != "-").and_then(|d| Manuscript::load(if d.as_os_str().is_empty() { Path::new(".") } else { d }).ok());
    let lang = lang.or(front.lang.clone()).or_else(|| book.as_ref().map(|b| b.meta.language.clone())).unwrap_or_else(|| "en".into());
    let primary = lang.split('-').next().unwrap_or("").to_ascii_lowercase();
    if primary != "fr" && primary != "en" {
        eprintln!("warning: {shown}: the normaliser knows French and English; for `{lang}` it mends hyphen breaks on the text's own evidence and leaves the typography as typed");
    }
    let vocab = match &book {
        Some(b) => pipeline::vocabulary(b),
        None => Vocabulary::from_texts([body]),
    };
    // The book's switches, as a build would apply them; `--only` on top.
    let mut opts = match &book {
        Some(b) => pipeline::book_options(&b.meta.typography, &lang),
        None => normalise::Options::all(&lang),
    };
    if let Some(only) = only {
        let step = match only {
            OnlyStep::Hyphenation => Step::Hyphenation,
            OnlyStep::Kramdown => Step::Kramdown,
            OnlyStep::Typography => Step::Typography,
        };
        opts.switches.only(step);
    }
    let normalised = normalise::normalise(body, &opts, &vocab);
    let head = text[..text.len() - body.len()].to_string();
    Ok(FileRun { original, shown, head, body_line, normalised })
}

fn normalise_cmd(file: &str, lang: Option<String>, only: Option<OnlyStep>, diff: bool, write: bool, no_backup: bool) -> Result<(), Failure> {
    if write && file == "-" {
        return Err(Failure::usage("--write needs a file, not standard input"));
    }
    let FileRun { original, shown, head, body_line, normalised: n } = normalise_file(file, lang, only)?;
    if diff {
        for c in &n.changes {
            println!("{shown}:{}: [{}] {:?} -> {:?}", c.line + body_line - 1, c.step.name(), c.before, c.after);
        }
        for w in &n.warnings {
            println!("{shown}:{}: warning: {} ({})", w.line + body_line - 1, w.message, w.suggestion);
        }
        return Ok(());
    }
    let result = format!("{head}{}", n.text);
    if write {
        // Refuse if the file changed while we worked on it.
        let now = std::fs::read(file).map_err(|e| Failure::input(format!("{file}: cannot re-read: {e}")))?;
        if now != original.as_bytes() {
            return Err(Failure::input(format!("{file}: the file changed while it was being normalised; nothing written, run again")));
        }
        if result == original {
            return Ok(());
        }
        if !no_backup {
            output::write_atomic(Path::new(&format!("{file}.orig")), original.as_bytes()).map_err(|e| Failure::input(format!("{file}.orig: cannot write the backup: {e}")))?;
        }
        output::write_atomic(Path::new(file), result.as_bytes()).map_err(|e| Failure::input(format!("{file}: cannot write: {e}")))?;
        eprintln!("{file}: {} changes written", n.changes.len());
    } else {
        print!("{result}");
    }
    Ok(())
}

/// Lint a manuscript folder, or one chapter file with the book beside it
/// giving its language and vocabulary.
fn check(path: &Path, strict: bool) -> Result<(), Failure> {
    let warnings = if path.is_file() {
        let run = normalise_file(&path.to_string_lossy(), None, None)?;
        run.normalised.warnings.iter().map(|w| Diagnostic::of_normaliser(&run.shown, run.body_line, w)).collect()
    } else {
        prepare(path, None, false)?.report.warnings
    };
    for w in &warnings {
        println!("warning: {w}");
    }
    let n = warnings.len();
    eprintln!("{n} warning{}", if n == 1 { "" } else { "s" });
    if strict && n > 0 {
        return Err(Failure::input(format!("{n} warning{} (--strict)", if n == 1 { "" } else { "s" })));
    }
    Ok(())
}
