#!/bin/sh
# Regenerate the word lists from Debian's packages: fr-compounds.txt and
# fr-words.txt.gz from hunspell-fr-classical (MPL-2.0), en-compounds.txt
# from hunspell-en-gb (LGPL), en-words.txt and en-pieces.txt from SCOWL
# (wamerican, wbritish). See README.md.
set -eu
tmp=$(mktemp -d)
cd "$tmp"
apt-get download hunspell-fr-classical hunspell-en-gb hunspell-tools
for f in *.deb; do dpkg-deb -x "$f" x; done
x/usr/bin/unmunch x/usr/share/hunspell/fr.dic x/usr/share/hunspell/fr.aff 2>/dev/null > forms.txt
python3 -c '
import re, sys
L = "a-zàâäéèêëîïôöùûüÿçœæ"
# An elided word may follow a hyphen (chef-d\x27œuvre, va-t\x27en).
ok = re.compile(rf"^([{L}]+\x27)?[{L}]+(-[{L}]+(\x27[{L}]+)?)+$")
ws = set()
for line in sys.stdin:
    w = line.split("/")[0].split()
    w = w[0].lower().replace("\u2019", "\x27") if w else ""
    if len(w) >= 4 and ok.match(w):
        ws.add(w)
# An elided form only when the elision is part of the word (c\x27est-à-dire).
ws = sorted(w for w in ws if "\x27" not in w or w.split("\x27", 1)[1] not in ws)
print("\n".join(ws))' < forms.txt > "$OLDPWD/fr-compounds.txt"
# Words without hyphen or apostrophe, in byte order (looked up by binary
# search), gzip'd without a time stamp so that the file is reproducible;
# and the few with an elided letter inside (aujourd\x27hui, prud\x27homme),
# not the elisions of a word before another (jusqu\x27alors, l\x27arbre).
python3 -c '
import re, sys
ok = re.compile(r"^[a-zàâäéèêëîïôöùûüÿçœæ]{2,}$|^(?!entr)[a-zàâäéèêëîïôöùûüÿçœæ]{2,}[dltmsnjc]\x27[a-zàâäéèêëîïôöùûüÿçœæ]{2,}$")
ws = set()
for line in sys.stdin:
    w = line.split("/")[0].split()
    w = w[0].lower() if w else ""
    if ok.match(w):
        ws.add(w)
sys.stdout.write("".join(w + "\n" for w in sorted(ws, key=lambda w: w.encode())))' < forms.txt | gzip -9 -n > "$OLDPWD/fr-words.txt.gz"
x/usr/bin/unmunch x/usr/share/hunspell/en_GB.dic x/usr/share/hunspell/en_GB.aff 2>/dev/null > forms.txt
python3 -c '
import re, sys
ok = re.compile(r"^[a-z]+(-[a-z]+)+$")
# The hyphenated entries of the dictionary, lower case.
base = set()
for line in open("x/usr/share/hunspell/en_GB.dic", encoding="utf-8"):
    w = line.strip().split("/")[0]
    if ok.match(w):
        base.add(w)
# With their inflections (not the prefixed forms the affixes also make,
# many of them no words: "outbed-wettingation").
endings = ["s", "es", "ed", "d", "ing", "er", "ers", "r", "rs", "ly", "ness", "est", "st"]
words, forms = set(), set(base)
for line in open("forms.txt", encoding="utf-8", errors="replace"):
    w = line.split("/")[0].split()
    w = w[0] if w else ""
    words.add(w.lower())
    if ok.match(w):
        for e in endings:
            stem = w[: -len(e)]
            if w.endswith(e) and (stem in base or stem + "e" in base or (stem.endswith("i") and stem[:-1] + "y" in base)):
                forms.add(w)
                break
# Only the compounds the dictionary does not also spell closed up
# ("re-sort" and "resort", "south-east" and "southeast"): a spelling
# the dictionary leaves open is no evidence.
sys.stdout.write("".join(f + "\n" for f in sorted(forms) if f.replace("-", "") not in words))' > "$OLDPWD/en-compounds.txt"
# en-words.txt (SCOWL 35) and en-pieces.txt (SCOWL 50's words of four
# letters or more that SCOWL 35 lacks), lower-case ASCII, in byte order.
apt-get download wamerican-small wbritish-small wamerican wbritish
for f in wamerican*.deb wbritish*.deb; do dpkg-deb -x "$f" x; done
cat x/usr/share/dict/american-english-small x/usr/share/dict/british-english-small | grep -E '^[a-z]+$' | LC_ALL=C sort -u > "$OLDPWD/en-words.txt"
cat x/usr/share/dict/american-english x/usr/share/dict/british-english | grep -E '^[a-z]{4,}$' | LC_ALL=C sort -u | LC_ALL=C comm -23 - "$OLDPWD/en-words.txt" > "$OLDPWD/en-pieces.txt"
