"""A build that is stopped, however it is stopped, leaves nothing running and nothing behind.

* **Signals.** SIGTERM and SIGHUP (what ``kill``, ``timeout``, systemd, CI runners and a
  closed terminal send) raise ``Interrupted`` in the main thread, as SIGINT raises
  ``KeyboardInterrupt``: the same ``finally`` blocks then stop the workers and TeX and
  remove the temporary directories, and ``build/`` is never touched before everything
  is ready (``generator.pipeline.write``).
* **A lost stop.** A signal's exception that lands while Python runs a destructor, a
  garbage-collector callback or an at-fork callback (logging's, as workers start) is only
  printed, and the build would go on to write. It is kept (``sys.unraisablehook``) and
  raised again where the build next reports progress, while it waits for its workers
  (every ``STOP_CHECK_SECONDS``) and before anything is written (``raise_if_stopped``).
* **Hard death** (SIGKILL, the OOM killer) runs no Python code, so children must notice
  on their own: workers ask the kernel for SIGKILL when their parent dies
  (``die_with_parent``), TeX is started the same way (``DIE_WITH_PARENT``), and a
  directory left behind is marked with its owner's process id, so the next build
  removes it once that process is gone (``sweep_stale``).
"""

import ctypes
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STOPPING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
_PR_SET_PDEATHSIG = 1
PREFIX = "sheets-"

DIE_WITH_PARENT: tuple[str, ...] = ("setpriv", "--pdeathsig", "KILL") if shutil.which("setpriv") else ()
"""Put before a command to have it killed when the thread that started it dies (util-linux, Linux only),
followed by ``while_parent_lives()``.

Without it (other systems) TeX still ends: it reads its source from a pipe whose only
writer is the build, and the kernel closes that pipe when the build dies.
"""


def while_parent_lives() -> tuple[str, ...]:
    """Put after ``DIE_WITH_PARENT``: the command runs only if this process is still its parent once the
    death signal is armed. A build killed in the moment between starting a child and ``setpriv`` arming
    the signal leaves the child with another parent, and the signal would never come: TeX would then
    wait for ever to open a pipe nobody writes."""
    return ("sh", "-c", 'test "$PPID" = "$0" && exec "$@"', str(os.getpid()))


class Interrupted(KeyboardInterrupt):
    """The build was asked to stop by a signal other than SIGINT; ``signal`` says which."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signal = signum


@contextmanager
def stopping_on_signals() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise ``Interrupted`` in the main thread (handlers restored after).

    The first signal is the one acted on: later ones are ignored until cleanup is done,
    so a second ``kill`` cannot cut the removal of temporary files short.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {signum: signal.getsignal(signum) for signum in (*STOPPING_SIGNALS, signal.SIGINT)}
    hook = sys.unraisablehook

    def stop(signum: int, frame) -> None:
        for other in before:
            signal.signal(other, signal.SIG_IGN)
        raise _interruption(signum)

    def keep_lost(unraisable) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            _LOST.append(unraisable.exc_value)
        else:
            hook(unraisable)

    for signum in before:
        signal.signal(signum, stop)
    sys.unraisablehook = keep_lost
    try:
        yield
        raise_if_stopped()
    finally:
        sys.unraisablehook = hook
        _LOST.clear()
        for signum, handler in before.items():
            signal.signal(signum, handler)


_LOST: list[KeyboardInterrupt] = []
"""A stopping signal's exception that Python swallowed (``stopping_on_signals``), until it is raised again."""


def raise_if_stopped() -> None:
    """Raise again the interruption a signal asked for if Python swallowed it (it landed in a destructor or a
    callback): called where a build reports progress or waits, and before it writes, so a build that was told to
    stop stops soon and never goes on to write."""
    if _LOST and threading.current_thread() is threading.main_thread():
        lost = _LOST[0]
        _LOST.clear()
        raise lost.with_traceback(None)


STOP_CHECK_SECONDS = 0.5
"""How often a build waiting for its workers looks for a stop Python swallowed."""


def _interruption(signum: int) -> KeyboardInterrupt:
    return Interrupted(signum) if signum != signal.SIGINT else KeyboardInterrupt()


def exit_status(interruption: KeyboardInterrupt) -> int:
    """128 + the signal number, as a shell reports a process the signal ended."""
    return 128 + getattr(interruption, "signal", signal.SIGINT)


def become_worker(parent: int) -> None:
    """In a worker process: die with the parent, and leave signals to it.

    The parent receives the same SIGINT (Ctrl-C reaches the whole process group), SIGTERM
    or SIGHUP and stops its workers itself; a worker that also raised would only send a
    second, confusing error back.
    """
    for signum in (*STOPPING_SIGNALS, signal.SIGINT):
        signal.signal(signum, signal.SIG_IGN)
    if not _kernel_kills_us_with(parent):
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()


def _kernel_kills_us_with(parent: int) -> bool:
    """Ask Linux for SIGKILL when the parent dies (``prctl``); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if os.getppid() != parent:  # the parent died before the request: nobody would send the signal
        os._exit(1)
    return True


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


@contextmanager
def temporary_directory(kind: str) -> Iterator[Path]:
    """A private directory ``sheets-<kind>-<pid>-<random>``, removed on exit; stale ones are swept first."""
    sweep_stale()
    path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-{os.getpid()}-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def sweep_stale(directory: Path | None = None) -> list[Path]:
    """Remove temporary directories whose owner process is gone (a build that was killed); returns them."""
    directory = Path(directory or tempfile.gettempdir())
    swept = []
    for path in directory.glob(f"{PREFIX}*-*-*"):
        owner = owner_of(path)
        if owner is not None and not alive(owner) and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            swept.append(path)
    return swept


def owner_of(path: Path) -> int | None:
    """The process id in ``sheets-<kind>-<pid>-<random>``, None for a name of another form."""
    parts = path.name.split("-")
    return int(parts[2]) if len(parts) == 4 and parts[2].isdigit() else None


def alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (one of another user counts: it may be a build)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def time_limit(seconds: float, error: type[Exception]) -> Iterator[None]:
    """Raise ``error`` inside the block once ``seconds`` have passed: runaway SymPy work (a variant, a
    student's answer) is stopped, not waited for. Main thread only (SIGALRM); elsewhere the caller
    bounds the time, as the worker pool does.

    The error can be raised where Python swallows it: in a garbage-collector callback (a test library's)
    or a destructor, which only print it. So it is raised again every ``RERAISE_SECONDS`` until it leaves the
    block, and once more if the block ends after it was swallowed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    expired, message = [], f"took longer than {seconds:g} s"

    def expire(signum, frame):
        expired.append(signum)
        raise error(message)

    before = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, RERAISE_SECONDS)
    try:
        yield
        if expired:
            raise error(message)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


RERAISE_SECONDS = 0.05
