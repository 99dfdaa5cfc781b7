"""The analysis of THEORY.md sections 1-4 and 7 at the paper's defaults:
theory against simulation, the seven sustainability verdicts, and phase
diagrams over (s, k) and (s, p).

    python sims/theory_tables.py                  # about a minute
    python sims/theory_tables.py --seeds 10000 --supply-seeds 64 --out DIR

Writes into ``--out`` (default ``out/sims/theory``), tables as Markdown,
CSV and LaTeX:

- ``theory_vs_simulation.{md,csv,tex}``: columns ``quantity``, ``source``
  (the chain or formula of the theoretical value), ``theory``,
  ``simulated``, ``ci_low``, ``ci_high`` (99% interval) and ``within_ci``;
  rows: extinction by round 0 and 99, the steady-state owner count (exact
  chain and m*), the share at each version gap (the newest version is gap
  0), and the coin supply and lineage coins after rounds 1000 and 5000;
- ``sustainability.{md,csv,tex}``: S1..S7 with statement, margin, verdict;
- ``phase_sk`` and ``phase_sp``: ``.{md,csv,tex}`` (per grid point ``s``,
  ``k`` or ``p``, ``sustainable``, ``failing`` conditions, ``growth_spk``)
  and ``.{png,pdf}``;
- ``analysis.json``: everything above as data.
"""

from __future__ import annotations

import argparse
import sys

from derelayl.analysis import write_analysis


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=1000,
                    help="simulated runs of 100 rounds (default 1000)")
    ap.add_argument("--supply-seeds", type=int, default=32,
                    help="simulated runs of 5000 rounds for the supply (default 32)")
    ap.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    ap.add_argument("--no-phase", action="store_true",
                    help="leave out the phase diagrams")
    ap.add_argument("--out", default="out/sims/theory", metavar="DIR")
    args = ap.parse_args(argv)
    if args.seeds < 2 or args.supply_seeds < 2:
        ap.error(f"--seeds and --supply-seeds must be >= 2, got {args.seeds} and "
                 f"{args.supply_seeds}")
    write_analysis(args.out, seeds=args.seeds, supply_seeds=args.supply_seeds,
                   seed=args.seed, phase=not args.no_phase,
                   progress=lambda message: print(message, flush=True))
    print(f"wrote {args.out}/theory_vs_simulation, sustainability, phase_sk, "
          "phase_sp (.md, .csv, .tex; phase diagrams also .png, .pdf), "
          "analysis.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
