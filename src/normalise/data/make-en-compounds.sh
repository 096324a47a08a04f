#!/bin/sh
# Regenerate en-compounds.txt from Debian's hunspell-en-gb (LGPL-3).
set -eu
tmp=$(mktemp -d)
cd "$tmp"
apt-get download hunspell-en-gb hunspell-tools
for f in *.deb; do dpkg-deb -x "$f" x; done
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
