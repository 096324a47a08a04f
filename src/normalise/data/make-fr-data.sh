#!/bin/sh
# Regenerate fr-compounds.txt and fr-words.txt.gz from Debian's
# hunspell-fr-classical (MPL-2.0).
set -eu
tmp=$(mktemp -d)
cd "$tmp"
apt-get download hunspell-fr-classical hunspell-tools
for f in *.deb; do dpkg-deb -x "$f" x; done
x/usr/bin/unmunch x/usr/share/hunspell/fr.dic x/usr/share/hunspell/fr.aff 2>/dev/null > forms.txt
python3 -c '
import re, sys
L = "a-zàâäéèêëîïôöùûüÿçœæ"
ok = re.compile(rf"^([{L}]+\x27)?[{L}]+(-[{L}]+)+$")
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
# search), gzip'd without a time stamp so that the file is reproducible.
python3 -c '
import re, sys
ok = re.compile(r"^[a-zàâäéèêëîïôöùûüÿçœæ]{2,}$")
ws = set()
for line in sys.stdin:
    w = line.split("/")[0].split()
    w = w[0].lower() if w else ""
    if ok.match(w):
        ws.add(w)
sys.stdout.write("".join(w + "\n" for w in sorted(ws, key=lambda w: w.encode())))' < forms.txt | gzip -9 -n > "$OLDPWD/fr-words.txt.gz"
