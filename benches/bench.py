#!/usr/bin/env python3
"""`make bench`: folio's build time and memory on the benchmark book, and the
peers' on the same book when they are installed.

For each format: median wall time, median CPU time (user + system) and peak
resident memory over RUNS runs; the time of each stage from one instrumented
run (`folio build --timings`); the same book 10x larger, for linearity; and,
when pandoc / typst are installed (`pip install typst pypandoc-binary`), the
peers on the same book, runs interleaved A B A B, with the ratio folio/peer.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLIO = Path(os.environ.get("FOLIO", ROOT / "target/release/folio"))
BOOK = Path(os.environ.get("BENCH_BOOK", ROOT.parent / "shared/corpus/pas-tout-a-fait-des-hommes"))
CORPUS = BOOK.parent
RUNS = int(os.environ.get("RUNS", "7"))


def run(cmd, **kw):
    """Run once: (wall s, cpu s, peak RSS MB)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{err}")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


def medians(samples):
    return tuple(statistics.median(s[i] for s in samples) for i in range(3))


def folio_cmd(fmt, book, out):
    return [FOLIO, "build", "--quiet", "--format", fmt, "--manuscript", book, "--out", out]


def line(name, m, extra=""):
    print(f"| {name:<34} | {m[0]:8.3f} s | {m[1]:8.3f} s | {m[2]:7.1f} MB |{extra}")


def header():
    print(f"| {'what':<34} | {'wall':>10} | {'cpu':>10} | {'peak RSS':>10} |")
    print(f"|{'-' * 36}|{'-' * 12}|{'-' * 12}|{'-' * 12}|")


def big_book(tmp, times):
    """The whole corpus, `times` over, as one manuscript (copied to tmp)."""
    d = Path(tmp) / f"corpus-x{times}"
    d.mkdir()
    chapters = []
    for n in range(times):
        for novel in sorted(p for p in CORPUS.iterdir() if (p / "book.yaml").is_file()):
            for f in sorted(novel.glob("*.md")):
                name = f"{n:02}-{novel.name}-{f.name}"
                shutil.copy(f, d / name)
                chapters.append(name)
    (d / "book.yaml").write_text("title: Corpus\nlanguage: fr\nchapters:\n" + "".join(f"  - {c}\n" for c in chapters))
    return d


def main():
    if not FOLIO.is_file():
        sys.exit(f"{FOLIO} is missing: run `cargo build --release` first")
    out = tempfile.mkdtemp(prefix="folio-bench-")
    try:
        measure(out)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def measure(out):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    md_kb = sum(f.stat().st_size for f in BOOK.glob("*.md")) / 1024
    print(f"benchmark book: {BOOK.name} ({md_kb:.0f} KB of Markdown), {RUNS} runs each, medians\n")
    header()
    results = {}
    for fmt in ["epub", "pdf", "all"]:
        run(folio_cmd(fmt, BOOK, out), env=env)  # warm the page cache
        results[fmt] = medians([run(folio_cmd(fmt, BOOK, out), env=env) for _ in range(RUNS)])
        line(f"folio --format {fmt}", results[fmt])

    # The EPUB is written on a second core meanwhile, so the stages add up
    # to more than the total. Shaping, line breaking and pagination run on
    # two threads: each shows its share of the wall time they took together.
    print("\nstages (one instrumented run, --format all):")
    p = subprocess.run([FOLIO, "build", "--quiet", "--timings", "--format", "all", "--manuscript", BOOK, "--out", out], env=env, capture_output=True, text=True)
    print("".join(f"  {l[len('timing: '):]}\n" for l in p.stderr.splitlines() if l.startswith("timing: ")), end="")

    with tempfile.TemporaryDirectory() as tmp:
        x1, x10 = big_book(tmp, 1), big_book(tmp, 10)
        print("\nlinearity (whole corpus, 1x and 10x):")
        header()
        for fmt in ["epub", "pdf"]:
            a = medians([run(folio_cmd(fmt, x1, out), env=env) for _ in range(3)])
            b = medians([run(folio_cmd(fmt, x10, out), env=env) for _ in range(3)])
            line(f"folio {fmt}, corpus x1", a)
            line(f"folio {fmt}, corpus x10", b, f" time x{b[0] / a[0]:.1f}, memory x{b[2] / a[2]:.1f}")

    peers(out, env, results)


def peers(out, env, results):
    """pandoc (EPUB) and typst (PDF from pandoc's conversion), interleaved with folio."""
    pandoc = shutil.which("pandoc")
    if not pandoc:
        try:
            import pypandoc  # noqa: F401  (pypandoc-binary ships the binary)
            pandoc = pypandoc.get_pandoc_path()
        except Exception:
            pandoc = None
    typst = [shutil.which("typst"), "compile"] if shutil.which("typst") else None
    if not typst:
        try:
            import typst as _  # noqa: F401  (pip's typst: the compiler as a Python module)
            # One Python start-up (~30 ms) is counted in this peer's time.
            typst = [sys.executable, "-c", "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2])"]
        except ImportError:
            typst = None
    if not (pandoc or typst):
        print("\npeers: not installed (pip install typst pypandoc-binary)")
        return
    files = []
    for l in (BOOK / "book.yaml").read_text().splitlines():
        l = l.strip().removeprefix("- ").removeprefix("file:").strip()
        if l.endswith(".md"):
            files.append(str(BOOK / l))
    print("\npeers, interleaved A B A B:")
    header()
    if pandoc:
        epub = Path(out) / "peer.epub"
        pairs = [(run(folio_cmd("epub", BOOK, out), env=env), run([pandoc, "-o", epub, *files], env=env)) for _ in range(RUNS)]
        f, p = medians([a for a, _ in pairs]), medians([b for _, b in pairs])
        line("pandoc EPUB", p, f" folio/pandoc = {f[0] / p[0]:.3f}")
    if pandoc and typst:
        typ = Path(out) / "book.typ"
        # `@name` in the text is not a citation here.
        subprocess.run([pandoc, "-f", "markdown-citations", "-s", "-t", "typst", "-o", typ, *files], check=True)
        pdf = Path(out) / "peer.pdf"
        pairs = [(run(folio_cmd("pdf", BOOK, out), env=env), run([*typst, typ, pdf], env=env)) for _ in range(RUNS)]
        f, p = medians([a for a, _ in pairs]), medians([b for _, b in pairs])
        line("typst compile (pandoc's .typ)", p, f" folio/typst = {f[0] / p[0]:.3f}")


if __name__ == "__main__":
    main()
