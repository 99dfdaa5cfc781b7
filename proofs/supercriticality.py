"""THEORY.md section 1: mean growth s p k in the owner-limited regime.

Run as ``python proofs/supercriticality.py``; exits 0 when verified.
"""

import sys
from fractions import Fraction
from math import comb, floor

import sympy as sp
from _common import Proof


def mean_floor(s: Fraction, p: Fraction, legs: int) -> Fraction:
    """Exact E[floor(s X)], X ~ Binomial(legs, p), in fractions."""
    return sum((comb(legs, j) * p**j * (1 - p)**(legs - j) * floor(s * j)
                for j in range(legs + 1)), Fraction(0))


def main() -> int:
    proof = Proof(
        "Supercriticality",
        "In the owner-limited regime (k m <= slots - m) the m owners take k m "
        "legs, X ~ Binomial(k m, p) succeed and s X win (mean field, without "
        "the floor): E[s X] = s p k m, a growth factor of s p k per round, so "
        "the relay grows on average iff s p k > 1.")
    p, q = sp.symbols("p q", positive=True)
    s = sp.Symbol("s", positive=True)
    n, k = sp.symbols("n k", positive=True, integer=True)
    m = sp.Symbol("m", positive=True)

    # E[X] = p d/dp (p + q)^n at q = 1 - p: differentiate the generating sum.
    mean = sp.simplify((p * sp.diff((p + q)**n, p)).subs(q, 1 - p))
    proof.step(f"E[X] for X ~ Binomial(n, p): p d/dp (p + q)^n at q = 1 - p "
               f"is {mean}", sp.simplify(mean - n * p) == 0)
    i = sp.Symbol("i", integer=True, nonnegative=True)
    ok = all(sp.summation(sp.binomial(j, i) * sp.Rational(3, 7)**i
                          * sp.Rational(4, 7)**(j - i) * i, (i, 0, j))
             == j * sp.Rational(3, 7) for j in range(0, 13))
    proof.step("checked as an exact sum for n = 0..12 at p = 3/7", ok)
    growth = sp.simplify(s * mean.subs(n, k * m) / m)
    proof.step(f"with n = k m legs, E[s X] / m = {growth}",
               sp.simplify(growth - s * p * k) == 0)
    diff = sp.factor(s * p * k * m - m)
    proof.step(f"E[s X] - m = {diff}: m > 0, so it is > 0 iff s p k > 1",
               sp.simplify(diff - m * (s * p * k - 1)) == 0 and m.is_positive)

    # The floor, which the claim (mean field) leaves out.
    y = sp.Symbol("y", real=True)
    proof.step("with the floor: sympy decides floor(y) <= y for real y, so "
               "s p k <= 1 still means no mean growth: E[floor(s X)] <= "
               "s p k m <= m", (sp.floor(y) <= y) == sp.true)
    proof.step("and floor(y) = y - frac(y) with frac(y) < 1, so floor(y) > y - 1",
               sp.frac(y).rewrite(sp.floor) == y - sp.floor(y)
               and (sp.frac(y) < 1) == sp.true)
    bound = sp.solve(sp.Eq(s * p * k * m - 1, m), m)[0]
    proof.step(f"hence E[floor(s X)] > s p k m - 1 >= m once "
               f"m >= {bound} (s p k > 1): the floored relay grows on average "
               "from that size on", sp.simplify(bound - 1 / (s * p * k - 1)) == 0)
    at_defaults = mean_floor(Fraction(1, 2), Fraction(9, 10), 4)
    proof.step(f"at the defaults (s p k = 1.8) one owner has E[m_1] = "
               f"E[floor(X/2)], X ~ Binomial(4, 9/10) = {at_defaults} = "
               f"{float(at_defaults):.4f} > 1", at_defaults > 1)
    low = mean_floor(Fraction(1, 2), Fraction(11, 20), 4)
    proof.note(f"the floor matters below that size: at s = 1/2, p = 11/20, "
               f"k = 4 (s p k = 1.1 > 1) one owner has E[m_1] = {low} = "
               f"{float(low):.4f} < 1. The claim is the mean-field (floor-free) "
               "growth factor and holds as stated; with the floor, s p k > 1 "
               "is necessary for growth and sufficient only once "
               "m >= 1/(s p k - 1).")
    return proof.finish()


if __name__ == "__main__":
    sys.exit(main())
