"""Randomised maths exercise sheets with verified answer keys.

The package reads like its pipeline: ``sheet`` loads a sheet definition,
``generate`` samples, solves and verifies each problem, ``render`` fills the
Jinja LaTeX templates, ``compile`` runs TeX in isolation and ``write`` moves
the finished files into place. ``build`` strings the stages together and
``cli`` is the thin command-line front end.
"""

__version__ = "0.1.0"
