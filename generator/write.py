"""Publish a finished set of files into ``build/`` all at once.

Files are written into a hidden staging directory beside the target and the
directory is then renamed into place, so a reader sees either the previous
complete build or the new complete one: never a half-written mix, never an
exercise PDF from one run beside a solution PDF from another.
"""

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from generator.errors import ConfigError


def ensure_writable(out_dir: Path) -> None:
    """Fail before any work when ``out_dir`` could not be created or written (changes nothing)."""
    existing = out_dir.absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise ConfigError(f"cannot write to {out_dir}: {existing} is not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(f"cannot write to {out_dir}: permission denied on {existing}")


def publish(files: Mapping[str, bytes], target: Path) -> None:
    """Replace directory ``target`` with exactly ``files`` (name -> content)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
        staging.chmod(0o755)
    except OSError as exc:
        raise ConfigError(f"cannot write to {target.parent}: {exc.strerror}") from None
    try:
        for name, content in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        _swap_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_into_place(staging: Path, target: Path) -> None:
    if not target.exists():
        os.rename(staging, target)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.rename(target, retired / target.name)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(retired / target.name, target)
        raise
    finally:
        shutil.rmtree(retired, ignore_errors=True)


def publish_file(content: bytes, target: Path) -> None:
    """Replace one file atomically (write beside it, then rename over it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
