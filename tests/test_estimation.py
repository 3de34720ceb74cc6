"""generator.kit.estimation: the worked estimates are where the float log-likelihood peaks."""

import pytest

from generator.kit.estimation import MODELS, fit, numerical_fit
from generator.kit.numeric import close

SAMPLES = {"bernoulli": (1, 0, 1, 1, 0), "gaussian": (3, 7, 5, 4, 6), "exponential": (2, 1, 4, 1)}


@pytest.mark.parametrize("model", MODELS)
def test_worked_estimates_and_curvature_agree_with_the_numerical_maximum(model):
    worked = fit(model, SAMPLES[model])
    found, curvature = numerical_fit(model, SAMPLES[model])
    assert all(close(float(e), n, rel=1e-6) for e, n in zip(worked.estimates, found, strict=True))
    assert all(close(float(c), n, rel=1e-3, abs_tol=1e-5) for c, n in zip(worked.curvature, curvature, strict=True))


def test_a_normal_sample_without_a_whole_mean_is_refused():
    with pytest.raises(ValueError, match="not whole"):
        fit("gaussian", (1, 2, 4, 4))
