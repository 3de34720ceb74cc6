"""Errors a user can act on.

Every ``SheetError`` is printed by the CLI as one line and turned into a
non-zero exit; anything else is a bug and keeps its traceback.
"""


class SheetError(Exception):
    """Base class: a problem with the input or the environment, not the code."""


class ConfigError(SheetError):
    """A sheet file, option, seed or roster that cannot be used as given."""


class GenerationError(SheetError):
    """A problem family could not produce a valid variant for a seed."""


class CompileError(SheetError):
    """TeX is missing or failed on a rendered document."""


class WorkerDied(SheetError):
    """A worker process ended without finishing its jobs (killed, out of memory), or could not be started: the build
    was stopped."""


class OutputError(SheetError):
    """The output could not be written (a full disk, permissions): what was there before is kept."""
