"""The analysis tables, equilibrium tables and phase diagrams of THEORY.md,
written to files.

Theory meets simulation here (ARCHITECTURE.md): the exact chains and the
sustainability conditions of :mod:`derelayl_econ` beside Monte Carlo runs of
its JAX engine, and the equilibria of section 6 tabulated.
``sims/theory_tables.py``, ``sims/equilibrium_tables.py`` and ``derelayl
reproduce`` call :func:`write_analysis` and :func:`write_equilibrium_tables`;
every file is written atomically.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Callable

import numpy as np
from scipy import stats

from derelayl_econ import (
    HonestyParams,
    ProtocolParams,
    check_sustainability,
    compare_with_simulation,
    owner_chain,
    run_jax,
)

from . import figures
from .equilibria import (
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
from .io import atomic_path, ensure_dir, plain, write_json

__all__ = ["theory_vs_simulation", "supply_rows", "sustainability_table",
           "phase_diagram", "write_table", "write_analysis",
           "write_equilibrium_tables", "S_GRID", "K_GRID", "P_GRID"]

#: Grids of the phase diagrams: win share s, trainers per owner k, success p.
S_GRID = tuple(round(0.05 * i, 2) for i in range(1, 21))
K_GRID = tuple(range(1, 9))
P_GRID = tuple(round(0.1 * i, 1) for i in range(1, 11))
COLUMNS = ["quantity", "source", "theory", "simulated", "ci_low", "ci_high",
           "within_ci"]


def supply_rows(params: ProtocolParams, *, seeds: int = 32,
                horizons: tuple[int, ...] = (1000, 5000), seed: int = 0,
                level: float = 0.99) -> list[list]:
    """Coin supply after each horizon T: theory against simulation.

    Theory: THEORY.md's leading term ``R m* T^2 / 2``, and the lineage coins
    alone, ``R w (T^2 + 3T) / 2`` with ``w`` the exact owner chain's mean
    winners a round (its quasi-stationary mean). Simulation: the mean over
    the surviving runs of ``seeds`` JAX runs, with a Student t interval.
    The supply falls below the leading term by the burned deposits less
    the fees, about ``(beta - F) T``: the lineage row is the one the chain
    predicts exactly.
    """
    rounds = max(horizons)
    rec = run_jax(params, rounds, seed, seeds=seeds, full=False)
    alive = np.asarray(rec.extinction_round) < 0
    if alive.sum() < 2:
        return []
    t = np.arange(rounds)
    lineage = np.cumsum(params.reward * rec.winners * (t + 2), axis=1)[alive]
    supply = np.asarray(rec.supply)[alive]
    chain = owner_chain(params, 1)
    m_star = params.s * params.p * params.slots / (1 + params.s * params.p)
    w = chain.stationary_mean
    rows = []
    for T in horizons:
        for name, sim, theory, source in (
                (f"supply after round {T}", supply[:, T - 1],
                 params.reward * m_star * T**2 / 2, "R m* T^2 / 2"),
                (f"lineage coins after round {T}", lineage[:, T - 1],
                 params.reward * w * (T**2 + 3 * T) / 2,
                 "R w (T^2 + 3T) / 2, w exact chain")):
            mean = float(sim.mean())
            half = float(stats.t.ppf(0.5 + level / 2, sim.size - 1)
                         * sim.std(ddof=1) / np.sqrt(sim.size))
            rows.append([name, source, theory, mean, mean - half, mean + half,
                         mean - half <= theory <= mean + half])
    return rows


def theory_vs_simulation(params: ProtocolParams | None = None, *, seeds: int = 1000,
                         rounds: int = 100, supply_seeds: int = 32,
                         seed: int = 0, level: float = 0.99) -> Table:
    """Table (a): m*, supply, the newest-version share, the version-gap
    shares and extinction, theory against ``seeds`` simulated runs.

    Rows from :func:`derelayl_econ.compare_with_simulation` (extinction,
    owners, gap shares; the share holding the newest version is gap share
    0) and :func:`supply_rows`. Every interval is at ``level``.
    """
    params = ProtocolParams() if params is None else params
    cmp = compare_with_simulation(params, seeds=seeds, rounds=rounds, seed=seed,
                                  level=level)
    rows = [[r.quantity, r.theory_source, r.theory, r.simulated, r.low, r.high,
             r.within] for r in cmp.rows]
    rows += supply_rows(params, seeds=supply_seeds, seed=seed, level=level)
    return Table(
        f"Theory against simulation (N = {params.n}; {seeds} runs x {rounds} "
        f"rounds, {cmp.survivors} survived; supply from {supply_seeds} runs; "
        f"{level:.0%} intervals)", COLUMNS, rows)


def sustainability_table(params: ProtocolParams | None = None) -> tuple[Table, str]:
    """Table (b): the seven verdicts with margins, and their LaTeX."""
    params = ProtocolParams() if params is None else params
    report = check_sustainability(params)
    table = Table(
        f"Sustainability conditions at N = {params.n}, k = {params.k}, "
        f"s = {params.s:g}, p = {params.p:g} (sustainable: "
        f"{'yes' if report.sustainable else 'no'})",
        ["id", "condition", "margin", "holds"],
        [[cid, c.statement, c.margin, c.holds]
         for cid, c in report.conditions.items()])
    return table, report.to_latex()


def phase_diagram(axis: str, params: ProtocolParams | None = None,
                  progress: Callable[[], None] | None = None) -> Table:
    """Sustainability over (s, k) or (s, p), other parameters fixed.

    One row per grid point: ``s``, the other value, whether all seven
    conditions hold, which fail, and S1's growth factor ``s p k``.
    """
    if axis not in ("k", "p"):
        raise ValueError(f"axis must be 'k' or 'p', got {axis!r}")
    params = ProtocolParams() if params is None else params
    rows = []
    for other in (K_GRID if axis == "k" else P_GRID):
        for s in S_GRID:
            point = params.replace(s=s, **{axis: other})
            report = check_sustainability(point)
            failing = [c for c, r in report.conditions.items() if not r.holds]
            rows.append([s, other, report.sustainable, " ".join(failing),
                         point.s * point.p * point.k])
            if progress is not None:
                progress()
    return Table(f"Sustainability over (s, {axis})",
                 ["s", axis, "sustainable", "failing", "growth_spk"], rows)


def _phase_figure(table: Table, axis: str):
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    s_values = sorted({r[0] for r in table.rows})
    o_values = sorted({r[1] for r in table.rows})
    # 0: sustainable; 1: fails S1 (the relay dies); 2: fails another condition.
    code = np.zeros((len(o_values), len(s_values)))
    growth = np.zeros_like(code)
    for s, other, ok, failing, g in table.rows:
        i, j = o_values.index(other), s_values.index(s)
        code[i, j] = 0 if ok else (1 if "S1" in failing.split() else 2)
        growth[i, j] = g
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    cmap = ListedColormap(["#4c9a5f", "#c9503c", "#e3b23c"])
    ds, do = s_values[1] - s_values[0], o_values[1] - o_values[0]
    ax.imshow(code, origin="lower", aspect="auto", cmap=cmap, vmin=0, vmax=2,
              extent=(s_values[0] - ds / 2, s_values[-1] + ds / 2,
                      o_values[0] - do / 2, o_values[-1] + do / 2))
    ss = np.linspace(s_values[0], s_values[-1], 200)
    fixed = ProtocolParams()
    curve = 1 / (ss * fixed.p) if axis == "k" else 1 / (ss * fixed.k)
    ax.plot(ss, curve, color="k", lw=1.2, label="s p k = 1")
    ax.set_ylim(o_values[0] - do / 2, o_values[-1] + do / 2)
    ax.set_xlabel("win share s")
    ax.set_ylabel({"k": "trainers per owner k", "p": "leg success p"}[axis])
    fixed_text = (f"p = {fixed.p:g}" if axis == "k" else f"k = {fixed.k}")
    ax.set_title(f"Sustainability over (s, {axis}), N = {fixed.n}, {fixed_text}")
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(color="#4c9a5f", label="all of S1..S7 hold"),
                       Patch(color="#c9503c", label="S1 fails (relay dies)"),
                       Patch(color="#e3b23c", label="another condition fails"),
                       ax.lines[0]], loc="upper right", fontsize=8)
    return fig


def latex_table(table: Table) -> str:
    """A LaTeX tabular of the table (numbers to 6 significant digits)."""
    def cell(v) -> str:
        if isinstance(v, (bool, np.bool_)):
            return "yes" if v else "no"
        if isinstance(v, (float, np.floating)):
            return f"{v:.6g}"
        return str(v).replace("_", r"\_").replace("^", r"\^{}").replace("%", r"\%")
    lines = [r"\begin{tabular}{" + "l" * len(table.header) + "}",
             " & ".join(cell(h) for h in table.header) + r" \\", r"\hline"]
    lines += [" & ".join(cell(v) for v in row) + r" \\" for row in table.rows]
    return "\n".join(lines + [r"\end{tabular}"]) + "\n"


def write_table(out: Path, stem: str, table: Table, latex: str | None = None
                ) -> None:
    """``stem.md``, ``stem.csv`` and ``stem.tex`` (``latex`` or generated)."""
    with atomic_path(out / f"{stem}.md") as tmp:
        tmp.write_text(markdown_table(table))
    with atomic_path(out / f"{stem}.csv") as tmp:
        with open(tmp, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(table.header)
            writer.writerows(table.rows)
    with atomic_path(out / f"{stem}.tex") as tmp:
        tmp.write_text(latex if latex is not None else latex_table(table))


def write_analysis(out: Path, *, seeds: int = 1000, supply_seeds: int = 32,
                   seed: int = 0, phase: bool = True,
                   progress: Callable[[str], None] | None = None) -> dict:
    """Write the analysis at the paper's defaults into ``out``.

    - ``theory_vs_simulation.{md,csv,tex}`` (:func:`theory_vs_simulation`);
    - ``sustainability.{md,csv,tex}`` (the seven verdicts);
    - ``phase_sk`` and ``phase_sp``: ``.csv`` (:func:`phase_diagram`) and
      ``.{png,pdf}`` (green where all conditions hold, red where S1 fails,
      yellow where another fails; the curve s p k = 1);
    - ``analysis.json``: all of the above as data.

    Returns the JSON data.
    """
    out = ensure_dir(Path(out))
    say = progress or (lambda message: None)
    say("theory against simulation")
    tvs = theory_vs_simulation(seeds=seeds, supply_seeds=supply_seeds, seed=seed)
    write_table(out, "theory_vs_simulation", tvs)
    verdicts, latex = sustainability_table()
    write_table(out, "sustainability", verdicts, latex)
    data = {"theory_vs_simulation": {"title": tvs.title, "columns": tvs.header,
                                     "rows": plain(tvs.rows)},
            "sustainability": {"title": verdicts.title,
                               "rows": plain(verdicts.rows)}}
    if phase:
        for axis in ("k", "p"):
            say(f"phase diagram over (s, {axis})")
            table = phase_diagram(axis)
            stem = f"phase_s{axis}"
            write_table(out, stem, table)
            figures.save(_phase_figure(table, axis), out / stem)
            data[stem] = {"columns": table.header, "rows": plain(table.rows)}
    write_json(out / "analysis.json", data)
    return data


# Equilibrium tables (section 6) -------------------------------------------------
DEPOSITS = (0.0, 0.5, 1.0, 2.0, 5.0)
COSTS = (0.5, 2.0, 5.0, 6.0, 7.0)
SPREADS = (0.0, 0.1, 0.25, 0.5, 1.0)


def write_tables(out: Path, stem: str, tables: list[Table], data: Table
                 ) -> None:
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


def write_equilibrium_tables(out: Path) -> list[str]:
    """Write the equilibrium tables of THEORY.md section 6 into ``out``.

    Markdown (``*.md``, as ``derelayl equilibrium`` prints them) and CSV:
    ``honesty`` (every equilibrium of both honesty games, with the
    verdicts), ``honesty_grid`` (the trainer-owner game over deposits x
    training costs), ``contest`` (one owner's four trainers at the
    defaults), ``contest_grid`` (over deposits x cost spreads),
    ``stackelberg`` (both leader problems, closed form against cvxpy) and
    ``bidding`` (the bid rule against best responses and equilibrium).
    Returns the stems written.
    """
    out = ensure_dir(Path(out))
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
    return ["honesty", "honesty_grid", "contest", "contest_grid", "stackelberg",
            "bidding"]
