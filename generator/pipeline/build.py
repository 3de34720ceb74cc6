"""The build driver: gather everything, then compile, then write.

Every sheet is generated and rendered before TeX runs, and every document is
compiled before anything is written, so any error leaves ``build/`` as it was.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator import __version__
from generator.errors import ConfigError
from generator.kit.family import Variant
from generator.pipeline.compile import compile_documents, require_tex
from generator.pipeline.generate import Draw, sheet_variants
from generator.pipeline.lifecycle import temporary_directory
from generator.pipeline.project import Project
from generator.pipeline.registry import families as all_families
from generator.pipeline.render import (
    KINDS,
    Instance,
    render_documents,
    render_exercises,
)
from generator.pipeline.sheet import SheetSpec
from generator.pipeline.write import ensure_writable, locked, publish


@dataclass(frozen=True)
class PreparedSheet:
    """One sheet instance, generated and rendered, not yet compiled."""

    sheet: SheetSpec
    draw: Draw
    variants: list[Variant]
    sources: Mapping[str, str]

    def stem(self, kind: str) -> str:
        return f"{self.sheet.name}-{kind}"


def prepare_sheet(name: str, draw: Draw, project: Project = Project()) -> PreparedSheet:
    """Load, sample, solve, verify and render one sheet (no TeX, no writing)."""
    families = all_families()
    sheet = project.load_sheet(name)
    variants = sheet_variants(sheet, families, draw)
    env = project.environment()
    instance = Instance("sheet", draw, render_exercises(env, sheet, variants, families))
    sources = render_documents(env, sheet, [instance], families)
    return PreparedSheet(sheet, draw, variants, sources)


def answers_document(prepared: PreparedSheet) -> dict:
    """What answers.json holds: enough for a grader to check every answer."""
    sheet = prepared.sheet
    return {
        "sheet": sheet.name,
        "title": sheet.title,
        "course": sheet.course,
        "seed": prepared.draw.seed,
        "student": prepared.draw.student,
        "generator": f"sheets {__version__}",
        "problems": [variant.to_json() for variant in prepared.variants],
    }


def build_sheets(names: list[str] | None, draw: Draw, out_dir: Path, project: Project = Project()) -> list[Path]:
    """Build each named sheet (all sheets if none) and return the output directories."""
    require_tex()
    ensure_writable(out_dir)
    names = names or project.sheet_names()
    if not names:
        raise ConfigError(f"no sheet definitions (*.toml) in {project.sheet_dir}")
    prepared = [prepare_sheet(name, draw, project) for name in names]
    sources = {p.stem(kind): p.sources[kind] for p in prepared for kind in KINDS}
    with temporary_directory("tex") as workdir:
        pdfs = compile_documents(sources, workdir)
    targets = []
    for p in prepared:
        files = {"answers.json": (json.dumps(answers_document(p), indent=2) + "\n").encode()}
        for kind in KINDS:
            files[f"{p.stem(kind)}.tex"] = sources[p.stem(kind)].encode("utf-8")
            files[f"{p.stem(kind)}.pdf"] = pdfs[p.stem(kind)]
        target = out_dir / p.sheet.name / draw.name
        with locked(target):
            publish(files, target)
        targets.append(target)
    return targets
