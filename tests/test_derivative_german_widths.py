"""German rule names of the worked derivatives fit the width the sampler counted for the English ones.

The sampler (problems/derivative.py, ``worked_width``) counts reasons in English characters; the steps macro sets a
reason of at most 30 characters in an ``\\mbox`` without measuring it. "Summenregel; Ableitungstabelle" has the
30 characters of "sum rule; table of derivatives" but is 14 pt wider: in level 3 with 4 to 6 functions (check
seeds 4, 30 and 39, German), the piece rows u' = -1 made the reason column of an align whose widest step was at the
sampler's limit, and the row ran 3.5 to 25 pt into the margin. "Summenregel und Grundableitungen" is longer than
30 characters: render_part measures it, and sets it beside its step where the align leaves room, else in two lines
of the box (108 pt, narrower than the one line).
"""

import pytest

from generator.kit.differentiation import SUM_TABLE
from generator.kit.options import resolve_options
from generator.kit.widths import LONG_REASON, visible_length
from generator.pipeline.generate import variant_for_seed
from generator.pipeline.registry import families
from generator.pipeline.render import render_part
from generator.pipeline.templating import environment


def test_the_german_sum_rule_and_table_is_measured():
    german = environment(language="de").filters["translate"](SUM_TABLE)
    assert german != SUM_TABLE and visible_length(german) > LONG_REASON, german


@pytest.mark.parametrize("seed", [3636944357210246230, 18165620538245554590, 5107369015282424410])
def test_the_seeds_that_ran_into_the_margin_set_no_long_rule_name_unmeasured(seed):
    family = families()["derivative"]
    variant = variant_for_seed(family, resolve_options(family.options, {"level": 3, "count": 6}), seed)
    _, solution = render_part(environment(language="de"), family, variant)
    # measured: where the widest step leaves no room beside it, the name takes two lines of the box
    assert r"\parbox[t]{3.8cm}{\raggedright Summenregel und Grundableitungen\endgraf\vspace{\jot}}" in solution
