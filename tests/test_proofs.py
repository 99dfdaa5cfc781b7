"""Every script in proofs/ runs, verifies its claim and exits 0."""

import pathlib
import subprocess
import sys

import pytest

PROOFS = pathlib.Path(__file__).resolve().parent.parent / "proofs"
SCRIPTS = sorted(p.name for p in PROOFS.glob("*.py") if not p.name.startswith("_"))


@pytest.fixture(scope="module")
def outcomes():
    """Run the scripts two at a time (each imports JAX and sympy)."""
    results = {}
    for start in range(0, len(SCRIPTS), 2):
        running = {name: subprocess.Popen(
            [sys.executable, str(PROOFS / name)], stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, cwd=PROOFS.parent)
            for name in SCRIPTS[start:start + 2]}
        for name, proc in running.items():
            out, _ = proc.communicate(timeout=300)
            results[name] = (proc.returncode, out)
    return results


def test_the_seven_claims_are_there():
    assert SCRIPTS == sorted([
        "owner_fixed_point.py", "supercriticality.py", "extinction_round0.py",
        "selection_intensity.py", "coin_supply.py", "owner_participation.py",
        "honesty_s3.py"])


@pytest.mark.parametrize("name", SCRIPTS)
def test_proof_is_verified(outcomes, name):
    code, out = outcomes[name]
    assert code == 0, out
    assert "VERDICT: VERIFIED" in out
    assert "[FAILED]" not in out and "Claim:" in out
