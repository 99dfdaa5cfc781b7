"""THEORY.md section 7, S4: owner participation.

Run as ``python proofs/owner_participation.py``; exits 0 when verified.
"""

import sys

import numpy as np
import sympy as sp
from _common import Proof

from derelayl_econ import SUSTAINABILITY_SYMBOLS, condition_expressions, owner_utility


def main() -> int:
    proof = Proof(
        "Owner participation (S4)",
        "An owner lending to one trainer has U_M = -b_M + p pi (b_M + R + L). "
        "With pi = s and L = 0: U_M >= 0 iff p s (b_M + R) >= b_M iff "
        "b_M (1 - p s) <= p s R, i.e. b_M <= p s R / (1 - p s) when p s < 1.")
    S = SUSTAINABILITY_SYMBOLS
    p, s, R, b, L, pi = S["p"], S["s"], S["R"], S["b_M"], S["L"], S["pi_H"]
    utility = -b + p * pi * (b + R + L)

    rng = np.random.default_rng(7)
    points = rng.uniform(0, 1, size=(20, 5)) * [1, 1, 2, 3, 5]
    agree = all(np.isclose(
        float(owner_utility(deposit=bb, win_chance=pp_, reward=rr,
                            lineage_value=ll, p=q)),
        float(utility.subs({b: bb, pi: pp_, R: rr, L: ll, p: q})), rtol=1e-12)
        for q, pp_, bb, rr, ll in points)
    proof.step("the package's owner_utility is -b_M + p pi (b_M + R + L) "
               "(20 random points)", agree)
    u_s = utility.subs({pi: s, L: 0})
    proof.step(f"with pi = s, L = 0: U_M = {u_s} = p s (b_M + R) - b_M",
               sp.simplify(u_s - (p * s * (b + R) - b)) == 0)
    proof.step("p s (b_M + R) - b_M = p s R - b_M (1 - p s), so U_M >= 0 iff "
               "b_M (1 - p s) <= p s R",
               sp.expand(p * s * (b + R) - b - (p * s * R - b * (1 - p * s))) == 0)
    bound = sp.solve(sp.Eq(p * s * R - b * (1 - p * s), 0), b)[0]
    proof.step(f"the deposit where U_M = 0 is b_M = {bound}; for p s < 1 "
               "U_M = (1 - p s)(bound - b_M), so U_M >= 0 iff b_M <= bound",
               sp.simplify(u_s - (1 - p * s) * (bound - b)) == 0)
    s4 = condition_expressions()["S4"].subs(pi, s)
    proof.step(f"the package's S4 with pi_H = s is {s4}",
               s4 == sp.GreaterThan(p * s * (b + R), b))
    at = {p: sp.Rational(9, 10), s: sp.Rational(1, 2), R: 1}
    largest = bound.subs(at)
    proof.step(f"at the defaults the owner may deposit up to {largest} = "
               f"{float(largest):.4f} coins per trainer; it deposits B/k = "
               "0.00025", largest > sp.Rational(1, 4000))
    proof.note("with p s = 1 (s = p = 1) every lent model wins and U_M = R >= 0 "
               "for any deposit; L > 0 only loosens the condition.")
    return proof.finish()


if __name__ == "__main__":
    sys.exit(main())
