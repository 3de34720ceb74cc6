"""All problem families, found by scanning the ``problems`` package.

Each module there defines ``FAMILY``; adding a family is adding a module.
"""

import importlib
import pkgutil

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
