"""THEORY.md section 1: the mean-field owner count m* = s p slots / (1 + s p).

Run as ``python proofs/owner_fixed_point.py``; exits 0 when verified.
"""

import sys

import sympy as sp
from _common import Proof

from derelayl_econ import ProtocolParams, mean_field_owners, owner_chain


def main() -> int:
    proof = Proof(
        "Owner fixed point",
        "In the trainer-limited regime the mean-field owner count solves "
        "m = s p (slots - m), so m* = s p slots / (1 + s p); it is consistent "
        "with that regime (k m* >= slots - m*) iff s p k >= 1; at the paper's "
        "defaults (s = 1/2, p = 9/10, slots = 128) m* = 39.7.")
    s, p = sp.symbols("s p", positive=True)
    slots, k = sp.symbols("slots k", positive=True, integer=True)
    m = sp.Symbol("m", positive=True)
    m_star = s * p * slots / (1 + s * p)

    solutions = sp.solve(sp.Eq(m, s * p * (slots - m)), m)
    proof.step(f"sympy.solve(m = s p (slots - m), m) has one solution: {solutions}",
               len(solutions) == 1)
    proof.step("it equals s p slots / (1 + s p)",
               sp.simplify(solutions[0] - m_star) == 0)
    back = sp.simplify(m_star - s * p * (slots - m_star))
    proof.step(f"substituted back, m* - s p (slots - m*) simplifies to {back}",
               back == 0)
    proof.step("0 < m* < slots for s, p > 0 (m*/slots = s p / (1 + s p) < 1)",
               bool(m_star.is_positive) and sp.simplify(
                   1 - m_star / slots - 1 / (1 + s * p)) == 0)
    excess = sp.factor(sp.simplify(k * m_star - (slots - m_star)))
    proof.step(f"k m* - (slots - m*) = {excess}: >= 0 iff s p k >= 1 "
               "(slots and 1 + s p are positive)",
               sp.simplify(excess - slots * (s * p * k - 1) / (1 + s * p)) == 0)
    slope = sp.diff(s * p * (slots - m), m)
    proof.step(f"the map m -> s p (slots - m) has slope {slope}, of modulus < 1 "
               "when s p < 1: the fixed point attracts (oscillating)",
               slope == -s * p)

    defaults = {s: sp.Rational(1, 2), p: sp.Rational(9, 10), slots: 128}
    exact = m_star.subs(defaults)
    proof.step(f"at the defaults m* = {exact} = {float(exact):.4f}, "
               "39.7 to one decimal", round(float(exact), 1) == 39.7)
    package = mean_field_owners(ProtocolParams())
    proof.step(f"derelayl_econ's mean_field_owners gives {package:.12f}",
               abs(package - float(exact)) < 1e-12)
    chain = owner_chain(ProtocolParams(), 10)
    proof.note(f"the exact owner-count chain's quasi-stationary mean is "
               f"{chain.stationary_mean:.4f}, below m*: floor(X/2) loses 1/4 "
               f"owner a round on average (X is odd half the time), and "
               f"(s p slots - 0.25) / (1 + s p) = "
               f"{(0.45 * 128 - 0.25) / 1.45:.4f}.")
    return proof.finish()


if __name__ == "__main__":
    sys.exit(main())
