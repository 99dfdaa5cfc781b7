"""Protocol engines: the JAX engine against the reference, in one process.

    python benchmarks/bench_protocol.py            # everything (about 6 min)
    python benchmarks/bench_protocol.py --quick    # smaller large-N runs

Prints, for each workload, seconds and a ratio against its baseline measured
in the same process:

1. N = 256, 300 rounds: reference engine vs JAX engine (after compilation).
2. The paper's run, N = 256, 5000 rounds: JAX alone, against the 1 s target.
3. 1000 seeds x 100 rounds, vmapped, against sequential single-seed runs.
4. Large N, aggregates only: time per participant-round relative to
   N = 10**4, and peak memory (each N in a fresh subprocess, so the peak is
   its own).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import jax
import numpy as np

from derelayl_econ import ProtocolParams, run_jax, run_reference


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def large(n: int, rounds: int) -> None:
    """One large-N run; prints a JSON line (used in a subprocess).

    The steady rate is timed from the end of the first compiled chunk (which
    includes compilation) to the end of the run.
    """
    params = ProtocolParams(n=n)
    marks: list[tuple[int, float]] = []
    run_s, rec = timed(run_jax, params, rounds, 42, full=False,
                       progress=lambda done: marks.append(
                           (done, time.perf_counter())))
    (first, t_first), (last, t_last) = marks[0], marks[-1]
    steady = (t_last - t_first) / (last - first) if last > first else run_s / rounds
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(dict(n=n, rounds=rounds, seconds=run_s,
                          seconds_per_round=steady, peak_bytes=peak,
                          owners=int(rec.owners[-1]),
                          depth_max=int(rec.lineage_depth.max()))))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="large-N runs of 200 rounds instead of 1000")
    ap.add_argument("--large", nargs=2, type=int, metavar=("N", "ROUNDS"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.large:
        large(*args.large)
        return

    print(f"jax {jax.__version__} on {jax.devices()[0].platform}, "
          f"{jax.device_count()} device(s)")
    paper = ProtocolParams()

    # 1. Same work, both engines.
    run_jax(paper, 300, 42)
    jax_s, jx = timed(run_jax, paper, 300, 42)
    ref_s, ref = timed(run_reference, paper, 300, 42)
    same = np.array_equal(jx.versions, ref.versions) and np.allclose(
        jx.coins, ref.coins, rtol=1e-9)
    print(f"[1] N=256 x 300 rounds: reference {ref_s:.2f} s, jax {jax_s:.3f} s, "
          f"speed-up x{ref_s / jax_s:.0f} (same game: {same})")

    # 2. The paper's run.
    run_jax(paper, 5000, 42)
    paper_s, rec = timed(run_jax, paper, 5000, 42)
    per_round_ref = ref_s / 300
    print(f"[2] paper run N=256 x 5000 rounds: jax {paper_s:.3f} s "
          f"(target 1 s: ratio {paper_s / 1.0:.2f}); reference per round at "
          f"300 rounds {per_round_ref * 1e3:.1f} ms and growing with the chain; "
          f"lineage depth mean {rec.lineage_depth[100:].mean():.1f}, "
          f"max {rec.lineage_depth.max()}")

    # 3. Many seeds at once against one at a time.
    run_jax(paper, 100, 0, seeds=1000, full=False)
    batch_s, batch = timed(run_jax, paper, 100, 0, seeds=1000, full=False)
    run_jax(paper, 100, 0, full=False)
    single_s, _ = timed(lambda: [run_jax(paper, 100, s, full=False)
                                 for s in range(20)])
    seq_s = single_s / 20 * 1000
    extinct = int((batch.extinction_round >= 0).sum())
    print(f"[3] 1000 seeds x 100 rounds: vmapped {batch_s:.2f} s (target 60 s), "
          f"sequential {seq_s:.1f} s (from 20 runs), speed-up "
          f"x{seq_s / batch_s:.1f}; extinct runs {extinct}")

    # 4. Large N, aggregates only, each in its own process.
    rounds = 200 if args.quick else 1000
    sizes = [(10_000, rounds), (100_000, rounds), (1_000_000, rounds)]
    base = None
    for n, r in sizes:
        out = subprocess.run([sys.executable, __file__, "--large", str(n), str(r)],
                             capture_output=True, text=True, check=True)
        res = json.loads(out.stdout.strip().splitlines()[-1])
        per = res["seconds_per_round"] / n * 1e9
        base = base or per
        print(f"[4] N={n:>9,} x {r} rounds: {res['seconds']:7.1f} s with "
              f"compilation, {per:6.1f} ns per participant-round after the "
              f"first chunk (x{per / base:.2f} of "
              f"N=10^4), peak memory {res['peak_bytes'] / 2**30:.2f} GiB, "
              f"lineage depth max {res['depth_max']}")
    print(f"[4] largest N reached: {sizes[-1][0]:,}")


if __name__ == "__main__":
    main()
