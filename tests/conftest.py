"""Hypothesis profiles: ``ci`` (derandomized, fixed deadline) and ``dev``;
the ``run_cli`` fixture.

CI selects ``ci`` through ``HYPOTHESIS_PROFILE=ci`` (set by ``.ci/run``).
"""

import os
from datetime import timedelta

import pytest
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


@pytest.fixture
def run_cli(capsys):
    """Run ``derelayl ARGS``; return (exit status, stdout, stderr)."""
    from derelayl import cli

    def run(args: list[str]) -> tuple[int, str, str]:
        try:
            code = cli.main(args)
        except SystemExit as exit_:
            code = exit_.code
        out, err = capsys.readouterr()
        return code, out, err

    return run
