"""Keep docs/authoring.md true: the files it quotes, and its reference of every public kit name.

The guide quotes its example family whole (``<!-- quote: PATH -->`` before a fenced block) and
ends with one table per kit module, each public name with the first paragraph of its docstring.
Run ``python scripts/refresh-guide.py`` after changing either; ``--check`` only reports whether
the guide is current (tests/test_authoring.py runs that).
"""

import ast
import dataclasses
import importlib
import inspect
import pkgutil
import re
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "authoring.md"
START, END = "<!-- reference:start -->", "<!-- reference:end -->"


def kit_modules() -> list[str]:
    """``generator.kit`` first, then its modules in name order."""
    import generator.kit

    return ["generator.kit"] + [f"generator.kit.{m.name}" for m in sorted(pkgutil.iter_modules(generator.kit.__path__), key=lambda m: m.name)]


@cache
def _module_body(module_name: str) -> list[ast.stmt]:
    """A kit module's top-level statements, parsed once for all its names."""
    return ast.parse(Path(importlib.import_module(module_name).__file__).read_text(encoding="utf-8")).body


def purpose(module_name: str, name: str) -> str | None:
    """The first paragraph of the docstring of ``name`` where it is defined (a constant's attribute
    docstring), following ``from ... import`` into the module that defines it."""
    body = _module_body(module_name)
    for index, node in enumerate(body):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
            doc = ast.get_docstring(node)
            return _first_paragraph(doc) if doc else None
        if name in _assigned(node):
            # the docstring after this assignment, or after a run of assignments it opens (x = ...; mu = ...; "doc")
            for following in body[index + 1 :]:
                if isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant) and isinstance(following.value.value, str):
                    return _first_paragraph(following.value.value)
                if not _assigned(following):
                    return None
            return None
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("generator."):
            if any((alias.asname or alias.name) == name for alias in node.names):
                original = next(alias.name for alias in node.names if (alias.asname or alias.name) == name)
                return purpose(node.module, original)
    return None


def _assigned(node: ast.stmt) -> set[str]:
    """The names a module-level assignment binds (``a, b = ...`` binds both)."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
    return {leaf.id for target in targets for leaf in ast.walk(target) if isinstance(leaf, ast.Name)}


def _signature(value: object) -> str:
    """``(rng, low, high)`` for a function, the fields for a dataclass; nothing for a constant or a SymPy class."""
    if isinstance(value, type) and not dataclasses.is_dataclass(value):
        return ""
    if not callable(value):
        return ""
    try:
        parameters = inspect.signature(value).parameters.values()
    except (TypeError, ValueError):
        return ""
    shown = [p.name if p.default is inspect.Parameter.empty else f"{p.name}={_default(p.default)}" for p in parameters]
    shown = [f"*{p.name}" if p.kind is inspect.Parameter.VAR_POSITIONAL else f"**{p.name}" if p.kind is inspect.Parameter.VAR_KEYWORD else text for p, text in zip(parameters, shown)]
    return "(" + ", ".join(shown).replace("|", r"\|") + ")"


def _default(value: object) -> str:
    """A default as written in code; a function default (whose repr holds an address) as ``...``."""
    return "..." if callable(value) else repr(value)


def _first_paragraph(doc: str) -> str:
    return " ".join(doc.strip().split("\n\n")[0].split())


def reference() -> str:
    """The section: one table per module, names that an earlier module already lists left out."""
    listed: set[int] = set()
    parts = []
    for module_name in kit_modules():
        module = importlib.import_module(module_name)
        rows = []
        for name in getattr(module, "__all__", []):
            key = id(getattr(module, name))
            if key in listed:
                continue
            listed.add(key)
            text = (purpose(module_name, name) or "UNDOCUMENTED").replace("|", r"\|")
            rows.append(f"| `{name}{_signature(getattr(module, name))}` | {text} |".replace("|`", "| `"))
        if rows:
            parts.append(f"### `{module_name}`\n\n| name | purpose |\n|---|---|\n" + "\n".join(rows) + "\n")
    return "\n".join(parts)


def with_quotes(text: str) -> str:
    """Each quoted block replaced by the current content of the file it names."""

    def current(match: re.Match) -> str:
        content = (ROOT / match.group(1)).read_text(encoding="utf-8")
        return f"<!-- quote: {match.group(1)} -->\n```{match.group(2)}\n{content}```"

    return re.sub(r"<!-- quote: (\S+) -->\n```(\w*)\n.*?```", current, text, flags=re.S)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    text = GUIDE.read_text(encoding="utf-8")
    before, rest = with_quotes(text).split(START)
    _, after = rest.split(END)
    current = f"{before}{START}\n{reference()}{END}{after}"
    if "--check" in sys.argv:
        return 0 if current == text else 1
    GUIDE.write_text(current, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
