"""Equilibrium tables of THEORY.md section 6, at the paper's defaults and
over a small grid of deposits and costs.

    python sims/equilibrium_tables.py                 # a few seconds
    python sims/equilibrium_tables.py --out DIR

Writes Markdown (``*.md``, the tables as ``derelayl equilibrium`` prints
them) and CSV (``*.csv``, one header line, then rows) into ``--out``
(default ``out/sims/equilibria``):

- ``honesty.{md,csv}``: both honesty games at the defaults: every
  equilibrium with its supports and payoffs, and the closed-form verdicts;
- ``honesty_grid.{md,csv}``: over trainer deposits b_T x training costs
  kappa, whether (honest, honest) is an equilibrium of the trainer-owner
  game (nashpy and sympy), the trainer's bond margin and the equilibria;
- ``contest.{md,csv}``: the relay contest of one owner's k = 4 trainers
  (costs 0.5, 1, 1.5, 2; prize s k (b_T + W) = 40) at the defaults;
- ``contest_grid.{md,csv}``: over deposits b_T x cost spreads d (costs
  1, 1 + d, 1 + 2d, 1 + 3d): prize, active trainers, total effort, efforts;
- ``stackelberg.{md,csv}``: both leader problems at lambda = 10, gamma = 1
  over the same four costs, closed form against cvxpy;
- ``bidding.{md,csv}``: per scenario and trainer, the protocol's bid, the
  best response to everyone else bidding by the rule, the regret, and the
  equilibrium bid.
"""

from __future__ import annotations

import argparse
import sys

from derelayl.analysis import write_equilibrium_tables


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out/sims/equilibria", metavar="DIR")
    args = ap.parse_args(argv)
    stems = write_equilibrium_tables(args.out)
    print(f"wrote {args.out}/{{{','.join(stems)}}}.{{md,csv}}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
