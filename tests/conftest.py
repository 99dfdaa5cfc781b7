"""Hypothesis profiles: ``ci`` (derandomized, fixed deadline) and ``dev``.

CI selects ``ci`` through ``HYPOTHESIS_PROFILE=ci`` (set by ``.ci/run``).
"""

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

# Each new shape compiles the JAX engine once (seconds), hence the deadline.
settings.register_profile(
    "ci", derandomize=True, max_examples=25, deadline=timedelta(seconds=120),
    print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "dev", max_examples=15, deadline=timedelta(seconds=120),
    suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get(
    "HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
