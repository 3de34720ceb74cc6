#!/bin/sh
# Make sure pdflatex and latexmk are available; install them from Debian's
# packages when they are missing and apt-get can be used (as root or via sudo).
# texlive-lang-german: babel's ngerman (hyphenation, quotation marks) for German sheets.
set -eu
PACKAGES="texlive-latex-base texlive-latex-recommended lmodern latexmk texlive-lang-german"

if command -v pdflatex >/dev/null 2>&1 && command -v latexmk >/dev/null 2>&1 \
   && kpsewhich lmodern.sty mathtools.sty ngerman.ldf >/dev/null 2>&1; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: pdflatex/latexmk not found and apt-get is not available; install TeX Live with: $PACKAGES" >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "error: TeX is missing; run as root or install: sudo apt-get install $PACKAGES" >&2
    exit 1
fi
echo "Installing TeX Live from Debian's packages: $PACKAGES"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
