"""Allow ``python -m generator`` as an alias of the ``sheets`` command."""

from generator.cli import app

app(prog_name="sheets")
