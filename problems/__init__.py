"""Problem families: one module per family, each defining ``FAMILY``."""
