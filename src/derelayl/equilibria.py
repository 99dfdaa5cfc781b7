"""Equilibrium reports: what ``derelayl equilibrium`` prints, as plain data.

Each ``*_report`` function solves one game of THEORY.md section 6 through
:mod:`derelayl_econ` and returns a JSON-ready dictionary; ``*_tables``
turn a report into tables (header, rows) that the command prints and the
``sims/`` scripts write as Markdown and CSV. Nothing here writes a file.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from derelayl_econ import (
    GameSolution,
    HonestyParams,
    bid_rule_report,
    compare_stackelberg,
    condition_holds,
    contest_prize,
    honesty_margins,
    iterate_best_responses,
    solve_contest,
    trainer_owner_condition,
    trainer_owner_game,
    trainer_tester_condition,
    trainer_tester_game,
)

from .io import plain

__all__ = ["Table", "markdown_table", "honesty_report", "honesty_tables",
           "bidding_report", "bidding_tables", "contest_report", "contest_tables",
           "stackelberg_report", "stackelberg_tables"]


@dataclasses.dataclass(frozen=True)
class Table:
    """A titled table: ``header`` names the columns of every row."""

    title: str
    header: list[str]
    rows: list[list]


def _cell(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (float, np.floating)):
        return f"{value:.6g}"
    return str(value)


def markdown_table(table: Table) -> str:
    """The table as aligned Markdown (readable as plain text too)."""
    cells = [[_cell(v) for v in row] for row in table.rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(table.header)]
    line = lambda row: "| " + " | ".join(  # noqa: E731
        c.ljust(w) for c, w in zip(row, widths)) + " |"
    out = [f"{table.title}", "", line(table.header),
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in cells]
    return "\n".join(out) + "\n"


# Honesty games -------------------------------------------------------------------
HONESTY_GAMES = {
    "trainer_owner": (trainer_owner_game, trainer_owner_condition,
                      ("trainer_bond", "owner")),
    "trainer_tester": (trainer_tester_game, trainer_tester_condition,
                       ("trainer_bond", "tester")),
}


def _mix(labels, probs) -> dict[str, float]:
    return {label: float(x) for label, x in zip(labels, probs)}


def _game_dict(sol: GameSolution) -> dict:
    return {
        "rows": list(sol.row_labels), "cols": list(sol.col_labels),
        "row_payoffs": sol.A.tolist(), "col_payoffs": sol.B.tolist(),
        "equilibria": [dict(row=_mix(sol.row_labels, e.row),
                            col=_mix(sol.col_labels, e.col),
                            row_support=list(e.row_support),
                            col_support=list(e.col_support),
                            row_payoff=e.row_payoff, col_payoff=e.col_payoff)
                       for e in sol.equilibria],
        "found_by": {name: len(eqs) for name, eqs in sol.by_method.items()},
        "degenerate": sol.degenerate, "methods_agree": sol.agree,
        "failed": dict(sol.failed),
    }


def honesty_report(h: HonestyParams | None = None) -> dict:
    """Both honesty games at ``h``: payoffs, all equilibria, closed forms.

    For each game: the payoff matrices, every equilibrium with its
    supports and payoffs, how many each method found, whether the game is
    degenerate and the methods agree, and the sympy condition for
    (honest, honest) with its verdict and the margins behind it.
    """
    h = HonestyParams() if h is None else h
    if not isinstance(h, HonestyParams):
        raise TypeError(f"h must be a HonestyParams, got {type(h)!r}")
    margins = honesty_margins(h)
    games = {}
    for name, (solve, condition, margin_names) in HONESTY_GAMES.items():
        sol = solve(h)
        expr = condition()
        games[name] = _game_dict(sol) | {
            "honest_honest_is_equilibrium": sol.has_pure("honest", "honest"),
            "closed_form": {"condition": str(expr),
                            "holds": condition_holds(expr, h),
                            "margins": {m: margins[m] for m in margin_names}},
        }
    return {"parameters": dataclasses.asdict(h), "games": games}


def honesty_tables(report: dict) -> list[Table]:
    """One table of equilibria per game, one of closed-form verdicts."""
    tables = []
    verdicts = Table("Closed form: (honest, honest) is an equilibrium iff",
                     ["game", "condition", "margins", "sympy", "nashpy"], [])
    for name, game in report["games"].items():
        rows = []
        for e in game["equilibria"]:
            row = ", ".join(f"{k} {v:.3g}" for k, v in e["row"].items() if v > 0)
            col = ", ".join(f"{k} {v:.3g}" for k, v in e["col"].items() if v > 0)
            rows.append([row, col, e["row_payoff"], e["col_payoff"]])
        flags = (f"degenerate: {_cell(game['degenerate'])}, methods agree: "
                 f"{_cell(game['methods_agree'])}")
        who = name.replace("_", " vs ")
        tables.append(Table(f"{who} game: equilibria ({flags})",
                            ["trainer", who.split(" vs ")[1], "trainer payoff",
                             f"{who.split(' vs ')[1]} payoff"], rows))
        cf = game["closed_form"]
        verdicts.rows.append([
            name, cf["condition"],
            ", ".join(f"{k} {v:.4g}" for k, v in cf["margins"].items()),
            cf["holds"], game["honest_honest_is_equilibrium"]])
    return tables + [verdicts]


# Bidding game --------------------------------------------------------------------
def bidding_report(*, k: int = 4, p: float = 0.9, continuation: float = 19.0,
                   s: float = 0.5, levels: int = 11) -> dict:
    """Is PROTOCOL.md's bid rule a best response? (:func:`bid_rule_report`)"""
    return bid_rule_report(k=k, p=p, continuation=continuation, s=s,
                           levels=levels).to_dict()


def bidding_tables(report: dict) -> list[Table]:
    """Per scenario, the rule against best responses and equilibrium, per
    trainer; then one summary row per scenario."""
    tables = []
    summary = Table("Bid rule min(coins, t - v + 1) against equilibrium bidding",
                    ["scenario", "owners", "trainers", "rule is BR for",
                     "rule is equilibrium", "equilibrium by", "max regret",
                     "mean bid rule", "mean bid eq.", "burned rule",
                     "burned eq.", "utility rule", "utility eq."], [])
    for sc in report["scenarios"]:
        rows = [[i, sc["gaps"][i], sc["coins"][i], sc["rule_bids"][i],
                 sc["best_response_bids"][i], sc["regrets"][i],
                 sc["rule_is_best_response"][i], sc["equilibrium_bids"][i]]
                for i in range(sc["trainers"])]
        tables.append(Table(
            f"Scenario {sc['name']}: {sc['description']} ({sc['owners']} owners, "
            f"win chances {', '.join(f'{w:.3g}' for w in sc['win_chances'])})",
            ["trainer", "gap", "coins", "rule bid", "best response", "regret",
             "rule is BR", "equilibrium bid"], rows))
        summary.rows.append([
            sc["name"], sc["owners"], sc["trainers"],
            f"{sum(sc['rule_is_best_response'])} of {sc['trainers']}",
            sc["rule_is_equilibrium"],
            f"{sc['equilibrium_method']} (regret {sc['equilibrium_regret']:.3g})",
            max(sc["regrets"]), sc["mean_rule_bid"], sc["mean_equilibrium_bid"],
            sc["burned_rule"], sc["burned_equilibrium"], sc["utility_rule"],
            sc["utility_equilibrium"]])
    return tables + [summary]


# Relay contest ---------------------------------------------------------------------
#: Paper-like defaults: one owner's k = 4 trainers of unequal training cost,
#: deposit 1 and continuation value W = 19, so V = s k (b_T + W) = 40.
CONTEST_COSTS = (0.5, 1.0, 1.5, 2.0)


def contest_report(costs=CONTEST_COSTS, prize: float | None = None, *,
                   entry_cost: float = 0.0, s: float = 0.5, deposit: float = 1.0,
                   continuation: float = 19.0) -> dict:
    """The relay contest's equilibrium, checked by best-response iteration.

    ``prize`` defaults to ``contest_prize(len(costs), s, deposit,
    continuation)`` = ``s n (b_T + W)``. ``efforts``, ``active`` and the
    other per-trainer lists are in the order of ``costs``. ``iteration``
    reports the damped best-response iteration started from equal efforts
    and its largest difference from the closed form (relative to the total
    effort), for the trainers who take part.
    """
    costs = np.asarray(costs, dtype=np.float64) if not np.isscalar(costs) \
        else costs
    if prize is None:
        prize = contest_prize(int(np.size(costs)), s, deposit, continuation)
    eq = solve_contest(costs, prize, entry_cost=entry_cost)
    taking_part = np.asarray(eq.participating)
    out = {
        "costs": plain(eq.costs), "prize": float(eq.prize),
        "entry_cost": float(eq.entry_cost), "efforts": plain(eq.efforts),
        "active": plain(eq.active), "participating": plain(eq.participating),
        "utilities": plain(eq.utilities), "total_effort": float(eq.total_effort),
        "threshold": plain(eq.threshold), "rounds_of_exit": plain(eq.rounds_of_exit),
    }
    if taking_part.sum() >= 2:
        it = iterate_best_responses(np.asarray(eq.costs)[taking_part], eq.prize,
                                    tol=1e-14)
        diff = np.abs(it.efforts - np.asarray(eq.efforts)[taking_part]).max()
        out["iteration"] = {"converged": bool(it.converged),
                            "iterations": int(it.iterations),
                            "max_difference": float(diff / max(eq.total_effort,
                                                               1e-300))}
    return out


def contest_tables(report: dict) -> list[Table]:
    rows = [[i, c, p, e, a, u] for i, (c, p, e, a, u) in enumerate(zip(
        report["costs"], report["participating"], report["efforts"],
        report["active"], report["utilities"]))]
    check = report.get("iteration")
    note = ("" if check is None else
            f"; best-response iteration: converged {_cell(check['converged'])} in "
            f"{check['iterations']} updates, largest difference "
            f"{check['max_difference']:.2g} of the total")
    return [Table(f"Relay contest: prize V = {report['prize']:g}, entry cost "
                  f"{report['entry_cost']:g}, total effort "
                  f"{report['total_effort']:.6g}{note}",
                  ["trainer", "cost", "takes part", "effort", "active", "utility"],
                  rows)]


# Stackelberg -----------------------------------------------------------------------
def stackelberg_report(costs=CONTEST_COSTS, *, lam: float = 10.0,
                       gamma: float = 1.0) -> dict:
    """Both leader problems of THEORY.md section 6, by cvxpy and in closed
    form, with their agreement.

    ``prize``: a uniform contest prize V for followers of costs ``costs``,
    leader utility ``lam log(1 + E) - gamma V``. ``prices``: personalised
    prices for data, follower cost ``c_i x_i^2 / 2``, leader utility
    ``lam log(1 + sum x) - sum q_i x_i``.
    """
    out = {"costs": plain(np.asarray(costs, dtype=np.float64)), "lam": lam,
           "gamma": gamma}
    for form in ("prize", "prices"):
        cmp = compare_stackelberg(costs, lam=lam, form=form,
                                  gamma=gamma if form == "prize" else None)
        solved = {}
        for method in ("closed", "cvxpy"):
            r = getattr(cmp, method)
            fields = (("prize", "total_effort", "efforts") if form == "prize"
                      else ("prices", "supplies", "total_supply"))
            solved[method] = {f: plain(getattr(r, f)) for f in fields}
            solved[method].update(leader_utility=float(r.leader_utility),
                                  status=r.status,
                                  kkt_residual=plain(r.kkt_residual))
        out[form] = solved | {"max_rel_diff": float(cmp.max_rel_diff),
                              "agree": bool(cmp.agree)}
    return out


def stackelberg_tables(report: dict) -> list[Table]:
    prize, prices = report["prize"], report["prices"]
    head = Table(
        f"Stackelberg, lambda = {report['lam']:g}, gamma = {report['gamma']:g}: "
        "closed form against cvxpy",
        ["form", "method", "leader utility", "prize or total supply", "status",
         "KKT residual"],
        [["uniform prize", m, prize[m]["leader_utility"], prize[m]["prize"],
          prize[m]["status"], prize[m]["kkt_residual"]] for m in ("closed", "cvxpy")]
        + [["personalised prices", m, prices[m]["leader_utility"],
            prices[m]["total_supply"], prices[m]["status"],
            prices[m]["kkt_residual"]] for m in ("closed", "cvxpy")])
    per = Table(
        f"Followers (agreement: prize {_cell(prize['agree'])}, max rel. diff "
        f"{prize['max_rel_diff']:.2g}; prices {_cell(prices['agree'])}, "
        f"{prices['max_rel_diff']:.2g})",
        ["follower", "cost", "contest effort", "price q", "data supplied x"],
        [[i, c, e, q, x] for i, (c, e, q, x) in enumerate(zip(
            report["costs"], prize["cvxpy"]["efforts"], prices["cvxpy"]["prices"],
            prices["cvxpy"]["supplies"]))])
    return [head, per]
