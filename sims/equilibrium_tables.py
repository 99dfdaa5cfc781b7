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
import csv
import sys
from pathlib import Path

from derelayl.equilibria import (
    Table,
    bidding_report,
    bidding_tables,
    contest_report,
    contest_tables,
    honesty_report,
    honesty_tables,
    markdown_table,
    stackelberg_report,
    stackelberg_tables,
)
from derelayl.io import atomic_path, ensure_dir
from derelayl_econ import HonestyParams

DEPOSITS = (0.0, 0.5, 1.0, 2.0, 5.0)
COSTS = (0.5, 2.0, 5.0, 6.0, 7.0)
SPREADS = (0.0, 0.1, 0.25, 0.5, 1.0)


def write_tables(out: Path, stem: str, tables: list[Table], data: Table) -> None:
    """``stem.md`` with every table, ``stem.csv`` with the rows of ``data``."""
    with atomic_path(out / f"{stem}.md") as tmp:
        tmp.write_text("\n".join(markdown_table(t) for t in tables))
    with atomic_path(out / f"{stem}.csv") as tmp:
        with open(tmp, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(data.header)
            writer.writerows(data.rows)


def honesty_data(report: dict) -> Table:
    """Every equilibrium of both games, one row each, with the verdicts."""
    table = Table("honesty equilibria", [
        "game", "trainer_strategy", "other_strategy", "trainer_payoff",
        "other_payoff", "degenerate", "methods_agree", "closed_form_holds"], [])
    for name, game in report["games"].items():
        for e in game["equilibria"]:
            mix = lambda d: " ".join(f"{k}:{v:.6g}" for k, v in d.items())  # noqa
            table.rows.append([name, mix(e["row"]), mix(e["col"]), e["row_payoff"],
                               e["col_payoff"], game["degenerate"],
                               game["methods_agree"],
                               game["closed_form"]["holds"]])
    return table


def bidding_data(report: dict) -> Table:
    """One row per trainer and scenario: rule, best response, equilibrium."""
    table = Table("bidding", ["scenario", "trainer", "gap", "coins", "rule_bid",
                              "best_response_bid", "regret", "rule_is_best_response",
                              "equilibrium_bid"], [])
    for sc in report["scenarios"]:
        for i in range(sc["trainers"]):
            table.rows.append([sc["name"], i, sc["gaps"][i], sc["coins"][i],
                               sc["rule_bids"][i], sc["best_response_bids"][i],
                               sc["regrets"][i], sc["rule_is_best_response"][i],
                               sc["equilibrium_bids"][i]])
    return table


def contest_grid() -> Table:
    table = Table(
        "Relay contest over deposits b_T and cost spreads d (costs 1, 1 + d, "
        "1 + 2d, 1 + 3d; W = 19, s = 0.5, k = 4)",
        ["deposit_trainer", "cost_spread", "prize", "active", "total_effort",
         "efforts"], [])
    for deposit in DEPOSITS:
        for d in SPREADS:
            r = contest_report([1 + i * d for i in range(4)], deposit=deposit)
            table.rows.append([deposit, d, r["prize"], sum(r["active"]),
                               r["total_effort"],
                               " ".join(f"{e:.6g}" for e in r["efforts"])])
    return table


def honesty_grid() -> Table:
    table = Table(
        "Trainer-owner game over deposits b_T and training costs kappa "
        "(other parameters at their defaults)",
        ["deposit_trainer", "kappa", "trainer_bond_margin",
         "honest_honest_nashpy", "honest_honest_sympy", "equilibria"], [])
    for deposit in DEPOSITS:
        for kappa in COSTS:
            h = HonestyParams(deposit_trainer=deposit, kappa=kappa)
            game = honesty_report(h)["games"]["trainer_owner"]
            eqs = "; ".join(
                "(" + "+".join(e["row_support"]) + ", "
                + "+".join(e["col_support"]) + ")" for e in game["equilibria"])
            table.rows.append([deposit, kappa,
                               game["closed_form"]["margins"]["trainer_bond"],
                               game["honest_honest_is_equilibrium"],
                               game["closed_form"]["holds"], eqs])
    return table


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out/sims/equilibria", metavar="DIR")
    args = ap.parse_args(argv)
    out = ensure_dir(Path(args.out))

    report = honesty_report()
    write_tables(out, "honesty", honesty_tables(report), honesty_data(report))
    grid = honesty_grid()
    write_tables(out, "honesty_grid", [grid], grid)
    contest = contest_tables(contest_report())
    write_tables(out, "contest", contest, contest[0])
    grid = contest_grid()
    write_tables(out, "contest_grid", [grid], grid)
    stack = stackelberg_tables(stackelberg_report())
    write_tables(out, "stackelberg", stack, stack[0])
    bids = bidding_report()
    write_tables(out, "bidding", bidding_tables(bids), bidding_data(bids))
    print(f"wrote {out}/{{honesty,honesty_grid,contest,contest_grid,stackelberg,"
          "bidding}.{md,csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
