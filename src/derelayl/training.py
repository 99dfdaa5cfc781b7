"""Training runs that write their results: what ``derelayl train`` does,
callable from Python.

``train_to_dir`` runs one method and writes ``metrics.json`` and
``metrics.csv`` (plus, for relay learning, ``coins.csv``: the coins of
every participant after each round), and ``model.npz`` with the final
model whose content hash ``metrics.json`` records. ``compare_to_dir`` runs
all five methods on one setup and budget and writes ``compare.json``,
``compare.csv`` and the figure ``accuracy.{png,pdf}``. Every file is
written atomically (complete or absent).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import numpy as np

from derelayl_train import (METHODS, TrainConfig, TrainResult, compare,
                            params_hash, run_method, save_params)

from . import figures
from .io import atomic_path, ensure_dir, plain, write_csv, write_json

__all__ = ["train_to_dir", "compare_to_dir", "metrics", "accuracy_figure"]

Progress = Callable[[int], None]


def metrics(result: TrainResult, config: TrainConfig) -> dict[str, Any]:
    """The JSON record of one run: ``method``, per-round ``test_accuracy``
    and cumulative ``gradient_steps``, ``final_test_accuracy``, the
    configuration, the final model's hash, and the method's details (for
    relay learning the protocol's per-round records, the final coins and
    the lineage of every model; its full coin trajectories go to CSV)."""
    details = dict(result.details)
    coins = details.pop("coins", None)
    out = dict(
        method=result.method, rounds=result.rounds,
        test_accuracy=result.test_accuracy,
        gradient_steps=result.gradient_steps,
        initial_test_accuracy=result.initial_test_accuracy,
        final_test_accuracy=result.final_test_accuracy,
        final_model_hash=(None if result.final_params is None
                          else params_hash(result.final_params)),
        config=config.to_dict(), **details)
    if coins is not None:
        out["final_coins"] = coins[-1]
    return plain(out)


def _write_model(path: Path, result: TrainResult) -> None:
    if result.final_params is None:
        return
    with atomic_path(path) as tmp:
        save_params(tmp, result.final_params)


def train_to_dir(config: TrainConfig, out: Path, method: str = "relay",
                 progress: Progress | None = None) -> dict[str, Any]:
    """Run ``method`` (one of ``relay``, ``fedavg``, ``central``, ``local``,
    ``cyclic``) on ``config`` and write its results to ``out``.

    Baselines follow the nominal schedule of gradient steps here (see
    :func:`derelayl_train.nominal_schedule`); :func:`compare_to_dir` gives
    them the relay's own. ``progress`` is called with the rounds done.
    Returns the dictionary written to ``metrics.json``.
    """
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig, got {type(config)!r}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    out = ensure_dir(Path(out))
    result = run_method(config, method, progress=progress)
    record = metrics(result, config)
    write_json(out / "metrics.json", record)
    rounds = np.arange(1, result.rounds + 1)
    write_csv(out / "metrics.csv", ["round", "test_accuracy", "gradient_steps"],
              np.column_stack([rounds, result.test_accuracy,
                               result.gradient_steps]))
    if "coins" in result.details:
        coins = result.details["coins"]
        write_csv(out / "coins.csv",
                  ["round"] + [f"participant_{i}" for i in range(coins.shape[1])],
                  np.column_stack([rounds, coins]))
    _write_model(out / "model.npz", result)
    return record


def accuracy_figure(results: dict[str, TrainResult], title: str):
    """Test accuracy against rounds (left) and against cumulative gradient
    steps (right), one line per method, starting from the shared start
    model at round 0 and step 0."""
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    for i, (method, r) in enumerate(results.items()):
        acc = np.concatenate([[r.initial_test_accuracy], r.test_accuracy])
        style = dict(color=f"C{i}", label=method, lw=2.0 if i == 0 else 1.3)
        left.plot(np.arange(len(acc)), acc, **style)
        right.plot(np.concatenate([[0], r.gradient_steps]), acc, **style)
    left.set_xlabel("round")
    right.set_xlabel("gradient steps (all participants)")
    left.set_ylabel("test accuracy")
    for ax in (left, right):
        ax.grid(alpha=0.3)
    right.legend(loc="lower right")
    fig.suptitle(title)
    return fig


def compare_to_dir(config: TrainConfig, out: Path,
                   progress: Progress | None = None) -> dict[str, Any]:
    """Run all methods on one setup and write the comparison to ``out``.

    The baselines follow the relay's own schedule of gradient steps, so
    that every method has spent the same steps at every round. Writes
    ``compare.json`` (``final_test_accuracy`` per method, and every
    method's metrics), ``compare.csv`` (per round, each method's accuracy
    and cumulative steps) and ``accuracy.{png,pdf}``. ``progress`` is
    called with the rounds done by all methods together (at most ``5 x
    config.rounds``). Returns the dictionary written to ``compare.json``.
    """
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig, got {type(config)!r}")
    out = ensure_dir(Path(out))
    results = compare(config, progress=progress)
    summary = plain(dict(
        config=config.to_dict(),
        final_test_accuracy={m: r.final_test_accuracy for m, r in results.items()},
        gradient_steps={m: int(r.gradient_steps[-1]) if r.rounds else 0
                        for m, r in results.items()},
        methods={m: metrics(r, config) for m, r in results.items()}))
    write_json(out / "compare.json", summary)
    rounds = results["relay"].rounds
    header, columns = ["round"], [np.arange(1, rounds + 1)]
    for m, r in results.items():
        header += [f"{m}_test_accuracy", f"{m}_gradient_steps"]
        columns += [r.test_accuracy, r.gradient_steps]
    write_csv(out / "compare.csv", header, np.column_stack(columns))
    split = "IID" if config.alpha is None else f"Dirichlet alpha = {config.alpha:g}"
    figures.save(accuracy_figure(results, f"{config.data}, {config.model.upper()}, "
                                 f"N = {config.participants}, {split}"),
                 out / "accuracy")
    return summary
