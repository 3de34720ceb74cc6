"""``sheets new NAME``: a new problem family from a skeleton that already passes ``sheets check``.

Three files, each with TODOs that point into docs/authoring.md: the module
``problems/<module>.py``, its template ``templates/problems/<name>.tex.j2`` and its test
``tests/problems/test_<module>.py``. A name that is not a lowercase-hyphenated word, or
that a family or file already has, is refused before anything is written.
"""

import re
from pathlib import Path

from generator.errors import SheetError

SKELETON = Path(__file__).resolve().parent / "skeleton"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
"""The checkout a family is added to: ``problems/``, ``templates/`` and ``tests/`` live here."""
NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


def new_family(name: str, root: Path, taken: set[str]) -> list[Path]:
    """Write the three files of family ``name`` under project ``root``; the paths written."""
    if not NAME.fullmatch(name):
        raise SheetError(f"family name {name!r}: use lowercase letters, digits and hyphens, e.g. 'tangent-line'")
    if name in taken:
        raise SheetError(f"a family named {name!r} exists already (sheets list)")
    module = name.replace("-", "_")
    targets = {
        "family.py.txt": root / "problems" / f"{module}.py",
        "template.tex.j2.txt": root / "templates" / "problems" / f"{name}.tex.j2",
        "test.py.txt": root / "tests" / "problems" / f"test_{module}.py",
    }
    existing = [str(path) for path in targets.values() if path.exists()]
    if existing:
        raise SheetError(f"not overwriting {', '.join(existing)}")
    for skeleton, path in targets.items():
        text = (SKELETON / skeleton).read_text(encoding="utf-8")
        path.write_text(text.replace("__NAME__", name).replace("__MODULE__", module), encoding="utf-8")
    return list(targets.values())
