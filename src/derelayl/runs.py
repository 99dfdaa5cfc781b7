"""Runs that write their results: what ``derelayl simulate`` and
``derelayl reproduce`` do, callable from Python.

Every file is written atomically (complete or absent); figures come as PNG
and PDF beside their data.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Callable

import numpy as np


from derelayl_econ import (GAP_LABELS, Checkpoint, ProtocolParams, Records,
                           run_identity, run_jax, run_reference)

from . import figures
from .io import atomic_path, ensure_dir, write_csv, write_json, write_npz

__all__ = ["simulate", "simulate_to_dir", "reproduce", "TRAJECTORY_LIMIT_BYTES",
           "QUANTILES"]

log = logging.getLogger(__name__)

#: Above this size (coins and versions of every participant and round), runs
#: keep per-round aggregates and final balances only.
TRAJECTORY_LIMIT_BYTES = 2 << 30
QUANTILES = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0)
ENGINES = ("jax", "reference")


def trajectory_bytes(params: ProtocolParams, rounds: int, seeds: int | None) -> int:
    """Bytes of per-participant trajectories: 8 for coins, 4 for versions."""
    return (seeds or 1) * rounds * params.n * 12


CHECKPOINT = "checkpoint.npz"
#: Checkpoints are written at most this often (and after the first chunk).
CHECKPOINT_SECONDS = 20.0


class _Throttled:
    """Call ``fn`` on the first call, then at most every ``seconds``."""

    def __init__(self, fn: Callable, seconds: float) -> None:
        self.fn, self.seconds, self.last = fn, seconds, None

    def __call__(self, *args) -> None:
        now = time.monotonic()
        if self.last is None or now - self.last >= self.seconds:
            self.fn(*args)
            self.last = time.monotonic()


def save_checkpoint(path: Path, ckpt: Checkpoint) -> None:
    """Write a checkpoint atomically (uncompressed NPZ: it is rewritten often)."""
    meta = dict(identity=ckpt.identity, sizes=list(ckpt.sizes), done=ckpt.done)
    arrays = {f"state_{i}": a for i, a in enumerate(ckpt.state)}
    arrays.update({f"rec_{k}": v for k, v in ckpt.records.items()})
    with atomic_path(Path(path)) as tmp:
        with open(tmp, "wb") as f:
            np.savez(f, meta=np.array(json.dumps(meta)), **arrays)


def load_checkpoint(path: Path) -> Checkpoint:
    with np.load(path) as data:
        meta = json.loads(str(data["meta"]))
        count = sum(1 for k in data.files if k.startswith("state_"))
        return Checkpoint(
            identity=meta["identity"], sizes=tuple(meta["sizes"]), done=meta["done"],
            state=[data[f"state_{i}"] for i in range(count)],
            records={k[4:]: data[k] for k in data.files if k.startswith("rec_")})


def simulate(params: ProtocolParams, rounds: int, seed: int = 42, *,
             seeds: int | None = None, engine: str = "jax", full: bool | None = None,
             progress: Callable[[int], None] | None = None,
             checkpoint_path: Path | None = None, resume: bool = False) -> Records:
    """Run one engine; ``full=None`` keeps trajectories when they fit.

    With the JAX engine and ``checkpoint_path``, the run is saved there after
    every compiled chunk (and the file removed at the end); ``resume=True``
    goes on from a checkpoint of the same run found there.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    if full is None:
        full = trajectory_bytes(params, rounds, seeds) <= TRAJECTORY_LIMIT_BYTES
    if engine == "jax":
        start = None
        if resume and checkpoint_path is not None and Path(checkpoint_path).exists():
            start = load_checkpoint(checkpoint_path)
            if start.identity != run_identity(params, rounds, seed, seeds, full):
                raise ValueError(f"resume: {checkpoint_path} belongs to another run "
                                 "(other parameters, rounds or seeds)")
            log.info("resuming from round %d of %s", start.done, checkpoint_path)
        save = None if checkpoint_path is None else _Throttled(
            lambda ckpt: save_checkpoint(checkpoint_path, ckpt), CHECKPOINT_SECONDS)
        records = run_jax(params, rounds, seed, seeds=seeds, full=full,
                          progress=progress, checkpoint=save, resume=start)
        if checkpoint_path is not None:
            Path(checkpoint_path).unlink(missing_ok=True)
        return records
    if not full:
        raise ValueError("engine 'reference' always keeps trajectories; "
                         f"{trajectory_bytes(params, rounds, seeds)} bytes do not "
                         "fit, use engine 'jax'")
    runs = []
    for i in range(seeds or 1):
        runs.append(run_reference(params, rounds, seed + i))
        if progress is not None:
            progress(rounds * (i + 1) // (seeds or 1))
    if seeds is None:
        return runs[0]
    return Records(**{name: np.stack([getattr(r, name) for r in runs])
                      for name in Records.__dataclass_fields__})


def summarize(params: ProtocolParams, records: Records, *, engine: str, seed: int,
              seeds: int | None) -> dict:
    """The JSON summary of a run (per-round lists gain a seed axis for batches)."""
    final = np.asarray(records.final_coins)
    quantiles = np.quantile(final, QUANTILES, axis=-1)
    extinction = records.extinction_round
    if isinstance(extinction, np.ndarray):
        extinction = [None if e < 0 else int(e) for e in extinction]
    depth = np.asarray(records.lineage_depth)
    summary = {
        "engine": engine,
        "parameters": params.to_dict(),
        "rounds": records.rounds,
        "seed": seed,
        "seeds": seeds,
        "trajectories": records.coins is not None,
        "owners": np.asarray(records.owners).tolist(),
        "winners": np.asarray(records.winners).tolist(),
        "minted": np.asarray(records.minted).tolist(),
        "burned": np.asarray(records.burned).tolist(),
        "supply": np.asarray(records.supply).tolist(),
        "gap_labels": list(GAP_LABELS),
        "gap_shares": records.gap_shares.tolist(),
        "final_coin_quantiles": {str(q): np.asarray(v).tolist()
                                 for q, v in zip(QUANTILES, quantiles)},
        "extinction_round": extinction,
        "lineage_depth_max": int(depth.max()),
    }
    if records.coins is None:
        summary["note"] = (
            "per-participant trajectories would take "
            f"{trajectory_bytes(params, records.rounds, seeds) / 2**30:.1f} GiB; "
            "kept per-round aggregates and final balances only")
    return summary


def simulate_to_dir(params: ProtocolParams, rounds: int, out: Path, seed: int = 42,
                    *, seeds: int | None = None, engine: str = "jax",
                    full: bool | None = None,
                    progress: Callable[[int], None] | None = None,
                    resume: bool = False) -> dict:
    """Run and write ``trajectories.npz``, ``summary.json`` and the figures.

    Returns the summary. The directory is checked before the run starts.
    A JAX run keeps ``checkpoint.npz`` in ``out`` while it runs; with
    ``resume=True`` an interrupted run goes on from there.
    """
    out = ensure_dir(Path(out))
    records = simulate(params, rounds, seed, seeds=seeds, engine=engine, full=full,
                       progress=progress, checkpoint_path=out / CHECKPOINT,
                       resume=resume)
    summary = summarize(params, records, engine=engine, seed=seed, seeds=seeds)

    arrays = {name: np.asarray(getattr(records, name))
              for name in Records.__dataclass_fields__
              if getattr(records, name) is not None}
    write_npz(out / "trajectories.npz", **arrays)
    write_json(out / "summary.json", summary)

    first = records.seed(0) if seeds is not None else records
    which = f"seed {seed}" + (f" (first of {seeds})" if seeds else "")
    figures.save(figures.coins_figure(
        first.coins, first.supply,
        f"Coins per participant, N = {params.n}, {which}"), out / "coins")
    figures.save(figures.versions_figure(
        first.gap_shares, f"Model version distribution, N = {params.n}, {which}"),
        out / "versions")
    return summary


def reproduce(out: Path, *, progress: Callable[[int], None] | None = None,
              analysis: bool = True, seeds: int = 1000, supply_seeds: int = 32,
              say: Callable[[str], None] | None = None) -> dict:
    """Regenerate the paper's two figures with its settings, and their data.

    One run of the JAX engine, N = 256, seed 42, 5000 rounds: coins per
    participant over all 5000 rounds, and the model version distribution
    over its first 100 rounds (the paper's 100-round run with the same seed
    plays exactly these rounds). Writes into ``out``:

    - ``coins_per_participant.{png,pdf}`` and ``.npz`` (array ``coins``,
      5000 x 256 float64, balances after each round);
    - ``version_distribution.{png,pdf}`` and ``.csv`` (one row per round,
      columns ``round`` and the shares of the 13 gap categories);
    - ``reproduce.json``: the settings, owner count, supply after rounds
      1000 and 5000, and the steady-state version-gap shares (means over
      rounds 1000 to 5000);

    and, with ``analysis`` (the default), the analysis of THEORY.md:
    ``analysis/`` (:func:`derelayl.analysis.write_analysis`: theory against
    ``seeds`` simulated runs, the seven sustainability verdicts, phase
    diagrams) and ``equilibria/``
    (:func:`derelayl.analysis.write_equilibrium_tables`). ``say`` is
    told each step.
    """
    out = ensure_dir(Path(out))
    params, seed = ProtocolParams(), 42
    records = run_jax(params, 5000, seed, progress=progress)

    write_npz(out / "coins_per_participant.npz", coins=records.coins,
              rounds=np.arange(1, 5001))
    figures.save(figures.coins_figure(
        records.coins, records.supply,
        "Coins per participant over rounds (N = 256, seed 42)"),
        out / "coins_per_participant")

    shares = records.gap_shares[:100]
    table = np.column_stack([np.arange(1, 101), shares])
    write_csv(out / "version_distribution.csv", ["round", *GAP_LABELS], table)
    figures.save(figures.versions_figure(
        shares, "Model version distribution over rounds (N = 256, seed 42)"),
        out / "version_distribution")

    steady = records.gap_shares[1000:].mean(axis=0)
    result = {
        "parameters": params.to_dict(), "seed": seed, "rounds": 5000,
        "owners_mean_after_100": float(records.owners[100:].mean()),
        "owners_final": int(records.winners[-1]),
        "supply_after_1000": float(records.supply[999]),
        "supply_after_5000": float(records.supply[4999]),
        "extinction_round": records.extinction_round,
        "lineage_depth_mean": float(records.lineage_depth[100:].mean()),
        "lineage_depth_max": int(records.lineage_depth.max()),
        "steady_gap_shares": dict(zip(GAP_LABELS, steady.tolist())),
    }
    write_json(out / "reproduce.json", result)
    if analysis:
        from .analysis import write_analysis, write_equilibrium_tables

        write_analysis(out / "analysis", seeds=seeds, supply_seeds=supply_seeds,
                       progress=say)
        if say is not None:
            say("equilibrium tables")
        write_equilibrium_tables(out / "equilibria")
    return result
