"""Where a build finds its sheet definitions and templates, and the language it prints in.

The repository's ``sheets/`` and ``templates/`` by default; an instructor can
point the CLI at their own copies with ``--sheet-dir`` and ``--template-dir``.
``--language`` overrides every sheet's ``language`` (docs/languages.md).
"""

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import jinja2

from generator.i18n import check_language
from generator.kit.language import ENGLISH
from generator.pipeline.registry import families
from generator.pipeline.sheet import SHEET_DIR, SheetSpec, load_sheet, sheet_names
from generator.pipeline.templating import TEMPLATE_DIR, environment


@dataclass(frozen=True)
class Project:
    sheet_dir: Path = SHEET_DIR
    template_dir: Path = TEMPLATE_DIR
    language: str | None = None
    """Every sheet in this language, whatever its own ``language`` says (None: each sheet's own)."""

    def __post_init__(self) -> None:
        if self.language is not None:
            check_language(self.language, "--language: ")

    def environment(self, language: str = ENGLISH) -> jinja2.Environment:
        return environment(self.template_dir, language)

    def sheet_names(self) -> list[str]:
        return sheet_names(self.sheet_dir)

    def load_sheet(self, name: str) -> SheetSpec:
        sheet = load_sheet(name, families(), self.sheet_dir)
        if self.language is None:
            return sheet
        return dataclasses.replace(sheet, settings=dataclasses.replace(sheet.settings, language=self.language))
