"""Shared test helpers: reading PDFs back and writing throwaway sheet files."""

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator import speed

speed.install()  # as the CLI and every worker do: the tests run what builds run (tests/test_speed.py runs without)
# Builds in tests generate afresh, never from the user's variant cache (a warm cache would let tests/test_faults.py's
# builds end before their worker is killed); tests/test_cache.py switches it on with a --cache-dir of its own.
os.environ.setdefault("SHEETS_NO_CACHE", "1")

MINIMAL_SHEET = """
title = "Tiny"
course = "Test Course"

[[exercise]]
title = "Differentiate"
[[exercise.part]]
family = "derivative"
points = 2
canonical = "idl-math-background-1.3a"
options = { count = 3 }
"""


def pdf_text(path: Path) -> str:
    """All text of a PDF, whitespace folded, as a reader would copy it."""
    reader = PdfReader(path)
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def write_sheet(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write ``<tmp>/sheets/<name>.toml`` and return the sheets directory."""
    directory = tmp_path / "sheets"
    directory.mkdir()

    def write(name: str, text: str) -> Path:
        (directory / f"{name}.toml").write_text(text, encoding="utf-8")
        return directory

    return write


def wait_for(condition: Callable[[], object], seconds: float) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` pass; whether it held (processes end and start asynchronously)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())
