"""The paper's two figures, drawn from engine records (PNG and PDF)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

from derelayl_econ import GAP_LABELS  # noqa: E402

from .io import atomic_path  # noqa: E402

__all__ = ["coins_figure", "versions_figure", "save"]


def save(fig: plt.Figure, stem: Path) -> list[Path]:
    """Write ``stem.png`` and ``stem.pdf`` atomically; close the figure."""
    paths = []
    for ext in ("png", "pdf"):
        path = Path(f"{stem}.{ext}")
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=ext, dpi=150, bbox_inches="tight")
        paths.append(path)
    plt.close(fig)
    return paths


def coins_figure(coins: np.ndarray | None, supply: np.ndarray, title: str
                 ) -> plt.Figure:
    """Coins per participant after each round, one line per participant.

    Without per-participant trajectories (``coins is None``) it shows the
    total supply instead.
    """
    fig, ax = plt.subplots(figsize=(7, 4.2))
    rounds = np.arange(1, len(supply) + 1)
    if coins is not None:
        lines = np.stack([np.broadcast_to(rounds, coins.T.shape), coins.T], axis=-1)
        colors = plt.cm.viridis(np.linspace(0, 1, coins.shape[1]))
        ax.add_collection(LineCollection(lines, colors=colors, linewidths=0.5,
                                         alpha=0.7))
        ax.set_xlim(0, rounds[-1])
        ax.set_ylim(0, max(coins.max() * 1.05, 1e-12))
        ax.set_ylabel("coins held")
    else:
        ax.plot(rounds, supply, color="C0")
        ax.set_ylabel("total coin supply")
    ax.set_xlabel("round")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    return fig


def versions_figure(gap_shares: np.ndarray, title: str) -> plt.Figure:
    """Stacked shares of participants by version gap, one bar per round."""
    fig, ax = plt.subplots(figsize=(8, 4.2))
    rounds = np.arange(1, gap_shares.shape[0] + 1)
    colors = list(plt.cm.viridis(np.linspace(0, 0.95, 11))) + ["0.55", "0.85"]
    bottom = np.zeros(len(rounds))
    for i, label in enumerate(GAP_LABELS):
        name = {"0": "newest", "older": "> 10 behind", "none": "no model"}.get(
            label, f"{label} behind")
        ax.bar(rounds, gap_shares[:, i], bottom=bottom, width=1.0, color=colors[i],
               label=name, linewidth=0)
        bottom += gap_shares[:, i]
    ax.set_xlim(0.5, rounds[-1] + 0.5)
    ax.set_ylim(0, 1)
    ax.set_xlabel("round")
    ax.set_ylabel("share of participants")
    ax.set_title(title)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8,
              title="newest model held", title_fontsize=8)
    return fig
