"""Stackelberg rewards and the relay contest: cvxpy and iteration against closed forms.

    python benchmarks/bench_stackelberg.py

Prints, for each workload, seconds and a ratio against its baseline measured
in the same process:

1. Personalised prices, 10,000 followers (lognormal costs, seed 0): cvxpy,
   problem construction included (median of 3), against the 2 s target and
   against the closed form; where cvxpy's time goes (compilation or solve);
   the largest relative difference; Clarabel on the same problem, for the
   record of why SCS is the default.
2. Uniform prize for the contest among the same 10,000 followers: cvxpy
   against the closed form.
3. The contest at 1,000 trainers: damped best-response iteration against
   the closed form, on a field with few active trainers and on one with
   about 450.
"""

from __future__ import annotations

import logging
import statistics
import time
import warnings

import numpy as np

from derelayl_econ._contest import iterate_best_responses, solve_contest
from derelayl_econ._stackelberg import (
    SolverError,
    stackelberg_prices,
    stackelberg_prize,
)

TARGET_S = 2.0


class _Capture(logging.Handler):
    """Keeps the solver's debug lines (compilation and solve seconds)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def timed(fn, *args, repeat: int = 3, **kwargs):
    """Median seconds of ``repeat`` calls, and the last result."""
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def timed_fast(fn, *args, budget: float = 0.2, **kwargs):
    """Mean seconds of a fast call, repeated for about ``budget`` seconds."""
    calls, start = 0, time.perf_counter()
    while True:
        out = fn(*args, **kwargs)
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= budget:
            return elapsed / calls, out


def rel_diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b) / np.abs(b)))


def main() -> None:
    capture = _Capture()
    solver_log = logging.getLogger("derelayl_econ._stackelberg")
    solver_log.addHandler(capture)
    solver_log.setLevel(logging.DEBUG)

    rng = np.random.default_rng(0)
    costs = rng.lognormal(0.0, 1.0, 10_000)
    lam = 100.0
    stackelberg_prices(costs[:10], lam=lam)          # import and first-call costs

    # 1. Personalised prices.
    capture.lines.clear()
    cvx_s, cvx = timed(stackelberg_prices, costs, lam=lam)
    closed_s, closed = timed_fast(stackelberg_prices, costs, lam=lam,
                                  method="closed")
    print(f"[1] prices, n=10,000: cvxpy {cvx_s:.3f} s (target {TARGET_S:.0f} s: "
          f"ratio {cvx_s / TARGET_S:.2f}), closed form {closed_s * 1e3:.3f} ms, "
          f"cvxpy / closed x{cvx_s / closed_s:,.0f}; max relative difference "
          f"{rel_diff(cvx.supplies, closed.supplies):.1e} (supplies), "
          f"status {cvx.status}, KKT residual {cvx.kkt_residual:.1e}")
    print(f"    where cvxpy's time goes (last run): {capture.lines[-1]}")
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clar = stackelberg_prices(costs, lam=lam, solver="CLARABEL")
        outcome = (f"status {clar.status}, max relative difference "
                   f"{rel_diff(clar.supplies, closed.supplies):.1e}")
    except SolverError as err:
        outcome = f"SolverError: {str(err)[:90]}..."
    print(f"    Clarabel on the same problem, {time.perf_counter() - start:.3f} s: "
          f"{outcome}")

    # 2. Uniform prize.
    gamma = 0.5
    cvx_s, cvx = timed(stackelberg_prize, costs, lam=lam, gamma=gamma)
    closed_s, closed = timed_fast(stackelberg_prize, costs, lam=lam, gamma=gamma,
                                  method="closed")
    print(f"[2] uniform prize, n=10,000: cvxpy {cvx_s * 1e3:.1f} ms, closed form "
          f"{closed_s * 1e3:.3f} ms (one contest solve for a, one for the "
          f"efforts), cvxpy / closed x{cvx_s / closed_s:.1f}; prize "
          f"{closed.prize:.6g}, relative difference "
          f"{abs(cvx.prize - closed.prize) / closed.prize:.1e}")

    # 3. The contest: closed form against best responses.
    fields = {"lognormal(0, 0.5)": rng.lognormal(0.0, 0.5, 1000),
              "uniform(1, 1.01)": rng.uniform(1.0, 1.01, 1000)}
    for name, field in fields.items():
        closed_s, eq = timed_fast(solve_contest, field, 10.0)
        iter_s, it = timed(iterate_best_responses, field, 10.0, tol=1e-14)
        active = eq.efforts > 0
        diff = rel_diff(it.efforts[active], eq.efforts[active])
        print(f"[3] contest, n=1,000, costs {name}, {active.sum()} active: "
              f"closed form {closed_s * 1e3:.3f} ms, best-response iteration "
              f"{iter_s:.3f} s ({it.iterations} updates, converged "
              f"{it.converged}), iteration / closed x{iter_s / closed_s:,.0f}; "
              f"max relative difference {diff:.1e} (active efforts), inactive "
              f"efforts at most {it.efforts[~active].max(initial=0.0):.1e}")


if __name__ == "__main__":
    main()
