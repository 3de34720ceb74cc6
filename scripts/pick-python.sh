#!/bin/sh
# Print the interpreter `make` builds the virtual environment with.
#
# Debian's own /usr/bin/python3 is preferred when it is Python 3.11 or newer and can make
# virtual environments: it is built with profile-guided and link-time optimisation, and
# generating a class runs about 10% faster on it than on a default pyenv or source build
# of the same Python (measured back to back with bench/bench_build.py). Otherwise python3.
for candidate in /usr/bin/python3 python3; do
    if "$candidate" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
        echo "$candidate"
        exit 0
    fi
done
echo python3
