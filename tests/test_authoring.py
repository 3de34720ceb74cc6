"""The authoring kit and its guide: docs/authoring.md quotes running code, every public kit name is
documented, families use the kit's public surface only, and the guide's family builds into PDFs."""

import ast
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.pipeline.build import build_sheets
from generator.pipeline.generate import Draw
from generator.pipeline.project import Project
from tests.conftest import pdf_text

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "authoring.md"
sys.path.insert(0, str(ROOT / "scripts"))
reference = importlib.import_module("refresh-guide")


def test_the_guide_quotes_its_family_and_template_exactly():
    guide = GUIDE.read_text(encoding="utf-8")
    quotes = re.findall(r"<!-- quote: (\S+) -->\n```\w*\n(.*?)```", guide, flags=re.S)
    assert [path for path, _ in quotes] == ["problems/tangent_line.py", "templates/problems/tangent-line.tex.j2"]
    for path, quoted in quotes:
        assert quoted == (ROOT / path).read_text(encoding="utf-8"), f"docs/authoring.md no longer quotes {path} as it is"


def test_the_guides_quotes_and_reference_are_current():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "refresh-guide.py"), "--check"], cwd=ROOT)
    assert result.returncode == 0, "run: python scripts/refresh-guide.py"


@pytest.mark.parametrize("module_name", reference.kit_modules())
def test_every_public_kit_name_has_a_docstring(module_name):
    module = importlib.import_module(module_name)
    assert hasattr(module, "__all__"), f"{module_name} lists no public names (__all__)"
    undocumented = [name for name in module.__all__ if not reference.purpose(module_name, name)]
    assert not undocumented, f"{module_name}: no docstring for {undocumented}"


def test_families_import_only_the_kits_public_names_sympy_and_the_standard_library():
    allowed_roots = set(sys.stdlib_module_names) | {"sympy"}
    for path in sorted((ROOT / "problems").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [(alias.name, None) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [(node.module, [alias.name for alias in node.names])]
            else:
                continue
            for module_name, names in modules:
                if module_name == "generator.kit" or module_name.startswith("generator.kit."):
                    public = importlib.import_module(module_name).__all__
                    assert not set(names or []) - set(public), f"{path.name} imports {set(names) - set(public)} from {module_name}"
                else:
                    assert module_name.split(".")[0] in allowed_roots, f"{path.name} imports {module_name}"


GUIDE_SHEET = """
title = "Tangent lines"
course = "Guide"

[[exercise]]
title = "Linearisation"
[[exercise.part]]
family = "tangent-line"
points = 2
canonical = "tangent-line-guide"
options = { level = 2 }
"""


@pytest.mark.parametrize("seed", [None, 3])
def test_the_guides_family_builds_into_both_pdfs(seed, tmp_path, write_sheet):
    sheets = write_sheet("guide", GUIDE_SHEET)
    (target,) = build_sheets(["guide"], Draw(seed), tmp_path / "build", Project(sheet_dir=sheets))
    exercise, solution = (pdf_text(target / f"guide-{kind}.pdf") for kind in ("exercise", "solution"))
    assert "Find the tangent line" in exercise and "Solution" not in exercise
    assert "L(x) =" in solution and "put in f" in solution
    if seed is None:
        assert "xe2x" in exercise.replace(" ", "") and "L(x) = x" in solution
