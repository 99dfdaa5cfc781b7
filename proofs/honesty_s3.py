"""THEORY.md sections 6 and 7: S3 is the honesty game's trainer condition.

Run as ``python proofs/honesty_s3.py``; exits 0 when verified.
"""

import sys

import numpy as np
import sympy as sp
from _common import Proof

from derelayl_econ import (
    HONESTY_SYMBOLS,
    SUSTAINABILITY_SYMBOLS,
    HonestyParams,
    condition_expressions,
    honesty_margins,
    trainer_owner_condition,
    trainer_owner_game,
    trainer_utility,
)


def main() -> int:
    proof = Proof(
        "Trainer honesty (S3)",
        "With U_T = -b_T - kappa + p (v + pi (b_T + W)), an honest trainer "
        "(cost kappa, value v_H, win chance pi_H) does at least as well as a "
        "lazy one (cost 0, v_L, pi_L) iff p (pi_H - pi_L)(b_T + W) + "
        "p (v_H - v_L) >= kappa: S3 equals the trainer's part of the honesty "
        "game's equilibrium condition (THEORY.md section 6).")
    S = SUSTAINABILITY_SYMBOLS
    p, b, W, kappa = S["p"], S["b_T"], S["W"], S["kappa"]

    def utility(cost, value, pi):
        return -b - cost + p * (value + pi * (b + W))

    rng = np.random.default_rng(11)
    agree = True
    for q, pi_, bb, kk, vv, ww in rng.uniform(0, 1, size=(20, 6)) * [1, 1, 3, 2, 4, 30]:
        package = float(trainer_utility(deposit=bb, cost=kk, win_chance=pi_,
                                        model_value=vv, continuation=ww, p=q))
        formula = float(utility(kk, vv, pi_).subs({p: q, b: bb, W: ww}))
        agree &= bool(np.isclose(package, formula, rtol=1e-12))
    proof.step("the package's trainer_utility is -b_T - kappa + p (v + pi (b_T + "
               "W)) (20 random points)", agree)
    gain = sp.expand(utility(kappa, S["v_H"], S["pi_H"])
                     - utility(0, S["v_L"], S["pi_L"]))
    s3 = condition_expressions()["S3"]
    proof.step(f"U_T(honest) - U_T(lazy) = {gain}, and minus the package's S3 "
               f"({s3}) sides' difference it simplifies to 0",
               sp.simplify(gain - (s3.lhs - s3.rhs)) == 0)
    to_game = {S["p"]: HONESTY_SYMBOLS["p"], S["pi_H"]: HONESTY_SYMBOLS["pi_HH"],
               S["pi_L"]: HONESTY_SYMBOLS["pi_LH"],
               S["b_T"]: HONESTY_SYMBOLS["deposit_trainer"],
               S["W"]: HONESTY_SYMBOLS["continuation"],
               S["v_H"]: HONESTY_SYMBOLS["v_honest"],
               S["v_L"]: HONESTY_SYMBOLS["v_lazy"], kappa: HONESTY_SYMBOLS["kappa"]}
    trainer = next(a for a in trainer_owner_condition().args
                   if a.has(HONESTY_SYMBOLS["kappa"]))
    proof.step("renamed to the honesty game's symbols, the same difference "
               "equals its trainer condition's sides' difference (facing an "
               "honest owner, pi_HH and pi_LH)",
               sp.simplify(gain.xreplace(to_game) - (trainer.lhs - trainer.rhs)) == 0
               and isinstance(trainer, sp.GreaterThan)
               and isinstance(s3, sp.GreaterThan))
    h = HonestyParams()
    game = trainer_owner_game(h)
    payoff_gap = float(game.A[0, 0] - game.A[1, 0])
    margin = honesty_margins(h)["trainer_bond"]
    proof.step(f"at HonestyParams() the game's payoff gap A[honest, honest] - "
               f"A[lazy, honest] = {payoff_gap:.6f} equals the margin "
               f"{margin:.6f}", abs(payoff_gap - margin) < 1e-12)
    return proof.finish()


if __name__ == "__main__":
    sys.exit(main())
