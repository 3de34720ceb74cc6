"""product-variance in German: the step that puts the means and variances in says so with a verb.

A TA read "die Erwartungswerte und Varianzen" (and "..., E[X] = 0") as a bare noun phrase a few lines from
"Varianzen einsetzen", the zero-mean proof's reason for the same kind of step.
"""

import pytest

from generator.i18n import translations
from generator.kit.family import find_all
from generator.kit.language import Reason
from generator.kit.options import resolve_options
from generator.kit.steps import Step
from generator.pipeline.generate import variant_for_seed
from problems.product_variance import FAMILY

INSERTED = ("insert the means and variances", "insert the means and variances, ${zero}$")


def inserted_reasons(mode, seeds=range(40)):
    options = resolve_options(FAMILY.options, {"mode": mode})
    for seed in seeds:
        for step in find_all(variant_for_seed(FAMILY, options, seed).answer, Step):
            if getattr(step.why, "template", step.why) in INSERTED:
                yield step.why


@pytest.mark.parametrize("mode", ["general-symbolic", "numeric"])
def test_the_means_and_variances_are_put_in_as_the_variances_are(mode):
    gettext = translations("de").gettext
    verb = gettext("insert the variances").split()[-1]  # the zero-mean proof's "Varianzen einsetzen"
    reasons = list(inserted_reasons(mode))
    assert reasons
    if mode == "numeric":  # a zero mean named after the verb: "..., E[X] = 0"
        assert any(isinstance(why, Reason) and why.args for why in reasons)
    for why in reasons:
        german = why.translated(gettext) if isinstance(why, Reason) else gettext(why)
        words = german.split(", ")[0].split()
        assert words[-1] == verb and words[0] != "die", german
