"""The pipeline: load → generate → render → compile → split → write.

``sheet`` and ``roster`` load and validate what an instructor wrote; ``registry`` finds the
families; ``generate`` samples, solves, checks and verifies each part (``seeding`` gives every
part its own seed, ``unique`` redraws repeats across a class, ``parallel`` runs workers);
``render`` and ``templating`` fill the Jinja templates; ``compile`` runs TeX; ``split`` cuts
batched PDFs; ``write`` publishes into ``build/``. ``build`` drives it all, and ``lifecycle``
makes sure a stopped build leaves nothing behind.
"""
