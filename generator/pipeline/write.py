"""Publish a finished set of files into ``build/`` all at once.

Files are written into a hidden staging directory beside the target and the
directory is then renamed into place, so a reader sees either the previous
complete build or the new complete one: never a half-written mix, never an
exercise PDF from one run beside a solution PDF from another.

A write that fails (a full disk, a file size limit, permissions) removes what it
had staged and is reported as one ``OutputError``: the previous build stays. Two
builds into one directory take turns (``locked``): the second waits for the
first to finish writing.
"""

import ctypes
import errno
import fcntl
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from generator.errors import ConfigError, OutputError
from generator.pipeline.lifecycle import alive, raise_if_stopped

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def ensure_writable(out_dir: Path) -> None:
    """Fail before any work when ``out_dir`` could not be created or written (changes nothing)."""
    existing = out_dir.absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise ConfigError(f"cannot write to {out_dir}: {existing} is not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(f"cannot write to {out_dir}: permission denied on {existing}")


def publish(files: Mapping[str, bytes], target: Path, kept: Mapping[str, Path] | None = None) -> None:
    """Replace directory ``target`` with exactly ``files`` (name -> content) and ``kept``.

    ``kept`` (name -> a file on the same file system, such as one in ``target``) is hard-linked in,
    not copied, where the file system can: ``sheets merge`` keeps a class's PDFs as they are, and a class build
    takes its students' PDFs from a folder ``beside`` the target.
    """
    staging = _hidden_beside(target, "staging")
    try:
        staging.chmod(0o755)  # it becomes the target
        for name, content in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        for name, source in (kept or {}).items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(source, path)
        raise_if_stopped()
        _swap_into_place(staging, target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise _failed(target, exc) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


@contextmanager
def beside(target: Path, purpose: str) -> Iterator[Path]:
    """A hidden folder beside ``target`` (``.seed-1.<purpose>-<pid>-…``) for files on their way into it, on its file
    system and under its folder's permissions; removed at the end, with the folders made for it if they are still empty.
    One left by a killed build is swept by the next build into ``target``'s folder, as a staging folder is."""
    made = _missing(target.parent)
    folder = _hidden_beside(target, purpose)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        for parent in made:  # a build that failed leaves no empty folders behind
            try:
                parent.rmdir()
            except OSError:  # not empty: what this build published, or another build's
                break


def _hidden_beside(target: Path, purpose: str) -> Path:
    """A new folder ``.<target>.<purpose>-<pid>-<random>`` beside ``target``, after sweeping those of dead builds."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        sweep_leftovers(target)
        return Path(tempfile.mkdtemp(prefix=f".{target.name}.{purpose}-{os.getpid()}-", dir=target.parent))
    except OSError as exc:
        raise OutputError(f"cannot write to {target.parent}: {exc.strerror}") from None


def _missing(folder: Path) -> list[Path]:
    """``folder`` and those above it that do not exist yet, innermost first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def _link_or_copy(source: Path, path: Path) -> None:
    try:
        os.link(source, path)
    except OSError:  # a file system without hard links
        shutil.copyfile(source, path)


def sweep_leftovers(target: Path) -> None:
    """Remove what a build killed while writing left beside ``target`` (its process is gone)."""
    for path in target.parent.glob(f".{target.name}.*-*-*"):
        owner = path.name.rsplit("-", 2)[-2]
        if path.is_dir() and owner.isdigit() and not alive(int(owner)):
            shutil.rmtree(path, ignore_errors=True)


def _swap_into_place(staging: Path, target: Path) -> None:
    if not target.exists():
        os.rename(staging, target)
        return
    if _exchange(staging, target):  # atomic: there is never a moment without a build
        shutil.rmtree(staging, ignore_errors=True)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-{os.getpid()}-", dir=target.parent))
    os.rename(target, retired / target.name)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(retired / target.name, target)
        raise
    finally:
        shutil.rmtree(retired, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``); False where unsupported."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):  # a file system or kernel without it
        return False
    raise OSError(code, os.strerror(code), str(second))


def publish_file(content: bytes, target: Path) -> None:
    """Replace one file atomically (write beside it, then rename over it)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise _failed(target, exc) from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        os.chmod(temporary, 0o644)
        raise_if_stopped()
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise _failed(target, exc) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _failed(target: Path, exc: OSError) -> OutputError:
    return OutputError(f"cannot write {target}: {exc.strerror or exc}; what was there before was left as it was")


@contextmanager
def locked(target: Path) -> Iterator[None]:
    """Hold the lock of ``target``'s parent folder: builds into one sheet's folder write in turn.

    The lock is the folder itself (``flock`` on it), so no lock file is left in ``build/``; the
    kernel releases it when its holder dies, so a killed build never blocks the next. A build
    that has to wait says so on stderr, once. Where folders cannot be locked (some network
    file systems) builds write without taking turns.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(target.parent, os.O_RDONLY)
    except OSError as exc:
        raise OutputError(f"cannot write to {target.parent}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting: another build is writing into {target.parent}", file=sys.stderr, flush=True)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        except OSError:
            pass
        yield
    finally:
        os.close(descriptor)
