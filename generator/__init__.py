"""Randomised maths exercise sheets with verified answer keys.

Two layers, one folder each:

* ``generator.pipeline``: load → generate → render → compile → split → write, driven by
  ``build``; ``cli`` is the thin command-line front end and ``check`` is ``sheets check``.
* ``generator.kit``: what problem families (``problems/``) are written with: sampling,
  rewriting and tidying, notation and its printer, worked steps, numeric checks.

``speed`` holds every speed trick (memos and patches); none of them changes a result.
"""

import os

__version__ = "0.1.0"

# SymPy sizes its caches when it is first imported (1,000 results per function by default);
# a class build works through the same pieces for student after student, which a larger
# cache keeps. Results do not depend on it; a value set in the environment wins. The one speed
# setting outside generator/speed.py, because it must come before SymPy is imported.
os.environ.setdefault("SYMPY_CACHE_SIZE", "50000")
