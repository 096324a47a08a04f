#!/bin/sh
# Regenerate fr-compounds.txt from Debian's hunspell-fr-classical (MPL-2.0).
set -eu
tmp=$(mktemp -d)
cd "$tmp"
apt-get download hunspell-fr-classical hunspell-tools
for f in *.deb; do dpkg-deb -x "$f" x; done
x/usr/bin/unmunch x/usr/share/hunspell/fr.dic x/usr/share/hunspell/fr.aff 2>/dev/null |
  python3 -c '
import re, sys
ok = re.compile(r"^[a-zàâäéèêëîïôöùûüÿçœæ]+(-[a-zàâäéèêëîïôöùûüÿçœæ]+)+$")
ws = set()
for line in sys.stdin:
    w = line.split("/")[0].split()
    if w and ok.match(w[0].lower()) and len(w[0]) >= 4:
        ws.add(w[0].lower())
print("\n".join(sorted(ws)))' > "$OLDPWD/fr-compounds.txt"
