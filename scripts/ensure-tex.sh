#!/bin/sh
# Make sure pdflatex, latexmk, babel's German and the fonts students' names need are available; install them
# from Debian's packages when they are missing and apt-get can be used (as root or via sudo).
set -eu
PACKAGES="texlive-latex-base texlive-latex-recommended lmodern latexmk texlive-lang-german"
# texlive-lang-german: babel's ngerman (hyphenation, quotation marks) for German sheets: ngerman.ldf.
# Names in any script (generator/pipeline/names.py, docs/classes.md), one key file each:
#   texlive-lang-other                 Vietnamese, T5 (vntex): t5enc.def
#   texlive-lang-greek                 Greek, LGR (greek-fontenc, cbfonts): lgrenc.def, lgrlmr.fd
#   texlive-lang-cyrillic, cm-super    Cyrillic, T2A, and its Type 1 fonts at every size: t2aenc.def, sfrm1095.pfb
#   latex-cjk-common                   CJKutf8.sty (texlive-lang-cjk only recommends it)
#   latex-cjk-chinese-arphic-gbsn00lp  simplified Chinese (GB 2312): c70gbsn.fd
#   latex-cjk-chinese-arphic-bsmi00lp  traditional Chinese (Big5): c70bsmi.fd
#   latex-cjk-japanese-wadalab         Japanese (JIS X 0208): c70min.fd
#   texlive-lang-korean                Korean, every Hangul syllable (Nanum Myeongjo): c70nanummj.fd
NAME_PACKAGES="texlive-lang-other texlive-lang-greek texlive-lang-cyrillic cm-super latex-cjk-common \
latex-cjk-chinese-arphic-gbsn00lp latex-cjk-chinese-arphic-bsmi00lp latex-cjk-japanese-wadalab texlive-lang-korean"
KEY_FILES="lmodern.sty mathtools.sty ngerman.ldf pdfrender.sty t5enc.def lgrenc.def lgrlmr.fd t2aenc.def sfrm1095.pfb \
CJKutf8.sty c70gbsn.fd c70bsmi.fd c70min.fd c70nanummj.fd"

# kpsewhich fails when any one of the files is missing.
if command -v pdflatex >/dev/null 2>&1 && command -v latexmk >/dev/null 2>&1 \
   && kpsewhich $KEY_FILES >/dev/null 2>&1; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: pdflatex/latexmk or fonts not found and apt-get is not available; install TeX Live with: $PACKAGES $NAME_PACKAGES" >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "error: TeX is missing; run as root or install: sudo apt-get install $PACKAGES $NAME_PACKAGES" >&2
    exit 1
fi
echo "Installing TeX Live from Debian's packages: $PACKAGES $NAME_PACKAGES"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $PACKAGES $NAME_PACKAGES >/dev/null
