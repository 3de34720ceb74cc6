"""``sheets check``: the stress test over many seeds (``stress``) and the presentation lint (``lint``)."""
