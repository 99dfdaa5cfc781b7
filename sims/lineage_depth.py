"""How far back do the live lineages meet? The measurement behind the JAX
engine's lineage walk.

Every winner of a round descends from one most recent common ancestor
(MRCA); the JAX engine pays the models from there back to genesis at once
and walks only the generations since, so its cost per round follows this
depth, not the length of the chain. This script measures the depth
(``Records.lineage_depth``) over seeds and population sizes:

    python sims/lineage_depth.py                      # about a minute
    python sims/lineage_depth.py --sizes 256 1024 4096 16384 --rounds 2000

Writes to ``--out`` (default ``out/sims/lineage_depth``):

- ``lineage_depth.csv``: one row per population size: ``n``, ``rounds``,
  ``seeds``, ``mean``, ``p50``, ``p90``, ``p99``, ``max`` of the depth over
  every live round after the first 100 of every seed;
- ``lineage_depth.json``: the same rows, with the parameters;
- ``lineage_depth.{png,pdf}``: the depth's survival function per size.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from derelayl import figures
from derelayl.io import ensure_dir, write_csv, write_json
from derelayl_econ import ProtocolParams, run_jax

BURN_IN = 100
COLUMNS = ["n", "rounds", "seeds", "mean", "p50", "p90", "p99", "max"]


def measure(n: int, rounds: int, seeds: int, seed: int) -> np.ndarray:
    """Depths of every live round after ``BURN_IN``, over ``seeds`` runs."""
    rec = run_jax(ProtocolParams(n=n), rounds, seed, seeds=seeds, full=False)
    depth = np.asarray(rec.lineage_depth)[:, BURN_IN:]
    return depth[depth >= 0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[256, 1024, 4096],
                    help="population sizes N (default 256 1024 4096)")
    ap.add_argument("--rounds", type=int, default=1000, help="rounds (default 1000)")
    ap.add_argument("--seeds", type=int, default=8, help="runs per size (default 8)")
    ap.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    ap.add_argument("--out", default="out/sims/lineage_depth", metavar="DIR")
    args = ap.parse_args(argv)
    if min(args.sizes) < 2 or args.rounds <= BURN_IN or args.seeds < 1:
        ap.error(f"need --sizes >= 2, --rounds > {BURN_IN}, --seeds >= 1; got "
                 f"{args.sizes}, {args.rounds}, {args.seeds}")
    out = ensure_dir(Path(args.out))

    rows, depths = [], {}
    for n in args.sizes:
        d = measure(n, args.rounds, args.seeds, args.seed)
        depths[n] = d
        q50, q90, q99 = np.quantile(d, [0.5, 0.9, 0.99]) if d.size else [np.nan] * 3
        rows.append([n, args.rounds, args.seeds, d.mean() if d.size else np.nan,
                     q50, q90, q99, d.max() if d.size else np.nan])
        print(f"N = {n:>6}: depth mean {rows[-1][3]:6.1f}, p99 {q99:6.0f}, "
              f"max {rows[-1][7]:5.0f} ({d.size} live rounds)", flush=True)

    table = np.array(rows, dtype=float)
    write_csv(out / "lineage_depth.csv", COLUMNS, table)
    write_json(out / "lineage_depth.json", {
        "burn_in": BURN_IN, "seed": args.seed,
        "rows": [dict(zip(COLUMNS, [None if np.isnan(v) else float(v) for v in r]))
                 for r in table]})

    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for n, d in depths.items():
        if d.size:
            x = np.sort(d)
            ax.step(x, 1 - np.arange(x.size) / x.size, where="post", label=f"N = {n}")
    ax.set_xlabel("generations back to the winners' common ancestor")
    ax.set_ylabel("share of rounds with a larger depth")
    ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title(f"Lineage depth, {args.seeds} seeds x {args.rounds} rounds")
    figures.save(fig, out / "lineage_depth")
    print(f"wrote {out}/lineage_depth.{{csv,json,png,pdf}}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
