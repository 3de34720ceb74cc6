"""Real TeX: failures are explained, PDFs are reproducible."""

import pytest

from generator.compile import compile_documents
from generator.errors import CompileError

GOOD = r"""\documentclass{article}
\pdftrailerid{}
\begin{document}
Hello, reproducible world.
\end{document}
"""

BROKEN = r"""\documentclass{article}
\begin{document}
Intro.
%% part 2b: family derivative, template templates/problems/derivative.tex.j2
Fine line.
\undefinedmacro
%% end of part 2b
\end{document}
"""


def test_good_document_compiles_to_the_same_bytes_twice(tmp_path):
    first = compile_documents({"doc": GOOD}, tmp_path / "one")["doc"]
    second = compile_documents({"doc": GOOD}, tmp_path / "two")["doc"]
    assert first.startswith(b"%PDF") and first == second


def test_tex_error_names_message_line_part_and_template(tmp_path):
    with pytest.raises(CompileError) as caught:
        compile_documents({"doc": BROKEN}, tmp_path)
    message = str(caught.value)
    assert message.startswith("doc.tex:6: TeX error: Undefined control sequence.")
    assert "part 2b, family derivative, template templates/problems/derivative.tex.j2" in message
    assert "\n" not in message


def test_error_outside_any_part_blames_the_sheet_template(tmp_path):
    source = BROKEN.replace("Intro.", r"\alsoundefined")
    with pytest.raises(CompileError, match=r"doc\.tex:3: .*sheet template"):
        compile_documents({"doc": source}, tmp_path)


def test_shell_escape_is_off(tmp_path):
    source = GOOD.replace("Hello", r"\immediate\write18{touch pwned}Hello")
    compile_documents({"doc": source}, tmp_path)
    assert not (tmp_path / "pwned").exists()


def test_reading_files_outside_the_working_directory_is_refused(tmp_path):
    source = GOOD.replace("Hello", r"\input{/etc/hostname}Hello")
    with pytest.raises(CompileError, match="doc.tex:4"):
        compile_documents({"doc": source}, tmp_path)
