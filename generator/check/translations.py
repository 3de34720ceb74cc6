"""``sheets check --language de``: the messages of each family that print in English in that language.

A family's text is translated where the family lives: its template (trans blocks, ``_()``) and the
reasons its module writes (``Step`` strings, ``Reason``, ``N_``). A family without translations still
builds in any language; this lists what is missing, as warnings, so that it can be translated
(docs/languages.md). The messages are extracted from the files as ``make translations`` does, so a
family added since the catalogue was last updated is covered too.
"""

from collections.abc import Iterable, Iterator

from generator.i18n import file_messages, missing_messages
from generator.pipeline.registry import families, module_files
from generator.pipeline.templating import TEMPLATE_DIR


def translation_warnings(names: Iterable[str], language: str) -> Iterator[str]:
    """Warnings for each family: messages ``language``'s catalogue lacks (or only guesses), reasons written
    as f-strings (no catalogue can hold them), a template that marks no text at all."""
    for name in names:
        template = TEMPLATE_DIR / families()[name].template
        module = module_files()[name]
        in_template, _ = file_messages(template)
        in_module, f_strings = file_messages(module)
        missing = missing_messages(language, in_template + in_module)
        if missing:
            listed = "".join(f"\n    {msgid!r}" for msgid in missing)
            yield f"warning: {name}: {len(missing)} messages have no {language} translation (docs/languages.md):{listed}"
        for line in f_strings:
            yield f"warning: {name}: the reason at problems/{module.name}:{line} is an f-string, which no catalogue holds; write it as Reason(...)"
        if not in_template and template.read_text(encoding="utf-8").strip():
            yield f"warning: {name}: templates/{families()[name].template} marks no text for translation, so it prints in English"
