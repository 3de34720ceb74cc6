"""Where a build finds its sheet definitions and templates.

The repository's ``sheets/`` and ``templates/`` by default; an instructor can
point the CLI at their own copies with ``--sheet-dir`` and ``--template-dir``.
"""

from dataclasses import dataclass
from pathlib import Path

import jinja2

from generator.pipeline.registry import families
from generator.pipeline.sheet import SHEET_DIR, SheetSpec, load_sheet, sheet_names
from generator.pipeline.templating import TEMPLATE_DIR, environment


@dataclass(frozen=True)
class Project:
    sheet_dir: Path = SHEET_DIR
    template_dir: Path = TEMPLATE_DIR

    def environment(self) -> jinja2.Environment:
        return environment(self.template_dir)

    def sheet_names(self) -> list[str]:
        return sheet_names(self.sheet_dir)

    def load_sheet(self, name: str) -> SheetSpec:
        return load_sheet(name, families(), self.sheet_dir)
