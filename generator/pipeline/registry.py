"""All problem families, found by scanning the ``problems`` package.

Each module there defines ``FAMILY``; adding a family is adding a module.
"""

import importlib
import pkgutil
from pathlib import Path

import problems
from generator.kit.family import Family
from generator.speed import remembered


@remembered(None)
def families() -> dict[str, Family]:
    """Every family by name, in name order."""
    found: dict[str, Family] = {}
    for info in sorted(pkgutil.iter_modules(problems.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"problems.{info.name}")
        family = module.FAMILY
        if family.name in found:
            raise RuntimeError(f"two families are named {family.name!r}")
        found[family.name] = family
    return found


@remembered(None)
def module_files() -> dict[str, Path]:
    """Every family's module file by family name: where its reasons are written (``sheets check`` reads them)."""
    found = {}
    for info in pkgutil.iter_modules(problems.__path__):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"problems.{info.name}")
            found[module.FAMILY.name] = Path(module.__file__)
    return found
