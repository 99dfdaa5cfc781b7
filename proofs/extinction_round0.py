"""THEORY.md section 1: extinction in round 0 is P(floor(s X) = 0) = 0.0037.

Run as ``python proofs/extinction_round0.py``; exits 0 when verified.
"""

import sys

import sympy as sp
from _common import Proof

from derelayl_econ import ProtocolParams, owner_chain


def main() -> int:
    proof = Proof(
        "Extinction in round 0",
        "With one genesis owner, k legs (k <= slots - 1) and X ~ Binomial(k, p) "
        "new models, the relay dies in round 0 iff floor(s X) = 0, with "
        "probability sum over j < 1/s of C(k, j) p^j (1 - p)^(k - j); for "
        "s = 1/2 that is (1 - p)^k + k p (1 - p)^(k - 1), and 0.0037 at the "
        "defaults (k = 4, p = 9/10).")
    p = sp.Symbol("p", positive=True)
    k = sp.Symbol("k", positive=True, integer=True)
    j = sp.Symbol("j", integer=True, nonnegative=True)
    half = sp.Rational(1, 2)

    dead = [jj for jj in range(0, 9) if sp.floor(half * jj) == 0]
    proof.step(f"floor(j/2) = 0 exactly for j in {dead} (j = 0..8 checked)",
               dead == [0, 1])
    general = sp.Sum(sp.binomial(k, j) * p**j * (1 - p)**(k - j), (j, 0, 1)).doit()
    closed = (1 - p)**k + k * p * (1 - p)**(k - 1)
    proof.step(f"P(X <= 1) = {sp.simplify(general)}",
               sp.simplify(general - closed) == 0)
    value = closed.subs({k: 4, p: sp.Rational(9, 10)})
    proof.step(f"at k = 4, p = 9/10: {value} = {float(value)}",
               value == sp.Rational(37, 10000))
    by_sum = sum(sp.binomial(4, jj) * sp.Rational(9, 10)**jj
                 * sp.Rational(1, 10)**(4 - jj)
                 for jj in range(5) if sp.floor(half * jj) == 0)
    proof.step(f"the exact sum over floor(X/2) = 0 gives {by_sum}", by_sum == value)
    chain = owner_chain(ProtocolParams(), 1)
    proof.step(f"the package's exact owner-count chain gives "
               f"{chain.extinction[0]:.15f}",
               abs(chain.extinction[0] - float(value)) < 1e-12)
    later = owner_chain(ProtocolParams(), 100).extinction
    proof.note(f"by the end of round 99 the chain gives {later[-1]:.6f}: most of "
               "the risk is in the first rounds, while the relay is small "
               f"({later[0]:.4f} in round 0, {later[4]:.4f} by round 4).")
    return proof.finish()


if __name__ == "__main__":
    sys.exit(main())
