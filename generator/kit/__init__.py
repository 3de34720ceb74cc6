"""The authoring kit: everything a problem family imports, and nothing of the pipeline.

A family module (``problems/<name>.py``) imports from here, from the kit's domain modules
below, from SymPy and from the standard library; ``docs/authoring.md`` walks through
writing one. The names here serve every family:

* the contract: ``Family``, ``Meaning`` (what a letter stands for), ``require``, ``static_family`` and the options
  ``IntOption``, ``ChoiceOption``, ``BoolOption``;
* sampling: ``distinct``, ``nonzero``;
* worked steps: ``Chain``, ``Step``, ``chain``, ``worked_chain``, ``added_up``; their reasons in any language:
  ``Reason`` (a reason with maths in it) and ``N_`` (marks a constant for the catalogue),
  see ``generator.kit.language`` and docs/languages.md;
* printing: ``tex``, ``text`` and the "as written" nodes ``WrittenSum``, ``WrittenProduct``;
* numeric checks: ``as_function``, ``close``, ``central_difference``, ``check_gradient``, ``check_partials``,
  ``defined_points``; exact decimals: ``significant``, ``fixed``;
* ``remembered``: a memo for a pure function a family calls again and again (``generator.speed``
  registers it, so every memo can be cleared at once).

Domain modules, by role: ``generator.kit.notation`` (the nodes the printer knows: as-written
sums and products, bold vectors, norms, expectations), ``generator.kit.differentiation`` (derivatives rule by rule),
``tidying`` (presentable forms of a result), ``rewrites`` (named rewrites), ``functions``
(random smooth functions and their shapes), ``widths`` (what fits a line), ``vectorcalc``,
``linalg``, ``eigen``, ``probability``, ``bayes``, ``estimation``, ``information``, ``integration``,
``activations``, ``losses``, ``network``, ``convolution``. Each lists its public names in ``__all__``.
"""

from generator.kit.decimals import fixed, significant
from generator.kit.family import Family, Meaning, require, static_family
from generator.kit.language import N_, Reason
from generator.kit.notation import WrittenProduct, WrittenSum
from generator.kit.numeric import (
    as_function,
    central_difference,
    check_gradient,
    check_partials,
    close,
    defined_points,
)
from generator.kit.options import BoolOption, ChoiceOption, IntOption
from generator.kit.printing import tex, text
from generator.kit.sampling import distinct, nonzero
from generator.kit.steps import Chain, Step, added_up, chain, worked_chain
from generator.speed import remembered

__all__ = [
    "N_",
    "BoolOption",
    "Chain",
    "ChoiceOption",
    "Family",
    "IntOption",
    "Meaning",
    "Reason",
    "Step",
    "WrittenProduct",
    "WrittenSum",
    "added_up",
    "as_function",
    "central_difference",
    "chain",
    "check_gradient",
    "check_partials",
    "close",
    "defined_points",
    "distinct",
    "fixed",
    "nonzero",
    "remembered",
    "require",
    "significant",
    "static_family",
    "tex",
    "text",
    "worked_chain",
]
