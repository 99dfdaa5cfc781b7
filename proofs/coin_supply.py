"""THEORY.md section 3: R (t + 2) coins per winner, quadratic supply.

Run as ``python proofs/coin_supply.py``; exits 0 when verified.
"""

import sys

import sympy as sp
from _common import Proof

from derelayl_econ import ProtocolParams, mean_field_owners, supply_model


def main() -> int:
    proof = Proof(
        "Coin supply",
        "A winner of round t (version t + 1) mints R (t + 2) lineage coins, one "
        "R per model on its parent chain (versions t + 1 down to 0); each "
        "round's coin flows sum to minted - burned (conservation); with w "
        "winners a round the lineage supply after T rounds is "
        "sum_{t<T} R w (t + 2) ~ R w T^2 / 2, and the relative inflation "
        "tends to 0, like 2/T.")
    R, w = sp.symbols("R w", positive=True)
    t = sp.Symbol("t", integer=True, nonnegative=True)
    T = sp.Symbol("T", integer=True, positive=True)
    v = sp.Symbol("v", integer=True, nonnegative=True)

    per_winner = sp.summation(R, (v, 0, t + 1))
    proof.step(f"sum of R over versions v = 0..t+1 is {per_winner}",
               sp.simplify(per_winner - R * (t + 2)) == 0)
    model = supply_model()
    proof.step("the package's per-round flows by role (trainers, owners with "
               "their R and the t + 1 ancestors' R, four block miners) minus "
               f"(minted - burned) simplify to {model['residual']}",
               model["residual"] == 0, f"flows  = {model['flows']}\n"
                                       f"minted = {model['minted']}\n"
                                       f"burned = {model['burned']}")
    supply = sp.factor(sp.summation(R * w * (t + 2), (t, 0, T - 1)))
    proof.step(f"lineage supply after T rounds: {supply} = R w (T^2 + 3T)/2",
               sp.simplify(supply - R * w * (T**2 + 3 * T) / 2) == 0)
    ratio = sp.limit(supply / (R * w * T**2 / 2), T, sp.oo)
    proof.step(f"supply / (R w T^2 / 2) -> {ratio} as T -> oo (quadratic growth)",
               ratio == 1)
    inflation = R * w * (T + 2) / supply
    limit = sp.limit(inflation, T, sp.oo)
    proof.step(f"relative inflation R w (T + 2) / supply(T) -> {limit}", limit == 0)
    rate = sp.limit(T * inflation, T, sp.oo)
    proof.step(f"T x relative inflation -> {rate}: it falls like 2/T", rate == 2)
    general = model["limit"]
    proof.step("with fees F and burned deposits beta a round as well, the "
               f"package's relative inflation still tends to {general}",
               general == 0, f"supply = {model['supply']}")
    m_star = mean_field_owners(ProtocolParams())
    proof.note(f"with w = m* = {m_star:.2f} winners a round and R = 1 the supply "
               f"grows like {m_star / 2:.2f} T^2 coins; the engines check the "
               "R (t + 2) minting and conservation in every simulated round "
               "(tests/test_engines.py).")
    return proof.finish()


if __name__ == "__main__":
    sys.exit(main())
