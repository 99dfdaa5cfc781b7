"""Per-round records that both protocol engines return.

An engine returns a :class:`Records`; the command layer and ``sims/`` turn it
into files and figures. Nothing here writes a file.
"""

from __future__ import annotations

import dataclasses

import numpy as np

__all__ = ["Records", "GAP_LABELS", "NUM_GAP_BINS", "gap_bins"]

#: Version-gap categories of the version-distribution figure: gap 0 (holds
#: the newest version anyone holds), 1, ..., 10 behind, older, no model.
GAP_LABELS = tuple(str(g) for g in range(11)) + ("older", "none")
NUM_GAP_BINS = len(GAP_LABELS)


def gap_bins(versions: np.ndarray) -> np.ndarray:
    """Version-gap category (index into ``GAP_LABELS``) of each participant.

    ``versions`` holds the newest version each participant holds (-1 for
    none); the gap is measured from the newest version anyone holds.
    """
    versions = np.asarray(versions)
    newest = versions.max(axis=-1, keepdims=True)
    gap = newest - versions
    return np.where(versions < 0, 12, np.minimum(gap, 11))


@dataclasses.dataclass(frozen=True)
class Records:
    """What happened in each round of one run (or of many, vmapped).

    Every array has a leading round axis of length ``rounds``; a batch of
    runs adds a leading seed axis before it.

    Attributes
    ----------
    owners : int array (rounds,)
        Model owners (MOs) in round t.
    matched : int array (rounds,)
        Trainers matched with an owner (relay legs attempted).
    trained : int array (rounds,)
        Legs that succeeded (new models).
    winners : int array (rounds,)
        Winning models, hence the owners of round t + 1.
    minted : float64 array (rounds,)
        Coins created in round t: miner fees plus lineage rewards.
    burned : float64 array (rounds,)
        Deposits of the matched pairs that did not win.
    supply : float64 array (rounds,)
        Sum of all balances after round t.
    best_theta : float64 array (rounds,)
        Best performance number among the round's new models (NaN if none).
    lineage_depth : int array (rounds,)
        Generations from the round's winners back to their most recent
        common ancestor (0 if one winner, -1 if none).
    gap_counts : int array (rounds, 13)
        Participants per version-gap category (``GAP_LABELS``) after round t.
    final_coins : float64 array (n,)
        Balances after the last round.
    final_versions : int array (n,)
        Newest version held after the last round (-1 for none).
    coins : float64 array (rounds, n) or None
        Balances after each round; ``None`` when only aggregates were kept.
    versions : int array (rounds, n) or None
        Newest version held (gained or encrypted) after each round, -1 for
        none; ``None`` when only aggregates were kept.
    """

    owners: np.ndarray
    matched: np.ndarray
    trained: np.ndarray
    winners: np.ndarray
    minted: np.ndarray
    burned: np.ndarray
    supply: np.ndarray
    best_theta: np.ndarray
    lineage_depth: np.ndarray
    gap_counts: np.ndarray
    final_coins: np.ndarray
    final_versions: np.ndarray
    coins: np.ndarray | None = None
    versions: np.ndarray | None = None

    @property
    def rounds(self) -> int:
        """Number of rounds recorded."""
        return int(self.owners.shape[-1])

    @property
    def extinction_round(self) -> int | np.ndarray | None:
        """First round that trained no winning model, or ``None``.

        For a batch, an int array with -1 where the relay survived.
        """
        dead = np.asarray(self.winners) == 0
        first = np.where(dead.any(axis=-1), dead.argmax(axis=-1), -1)
        if first.ndim == 0:
            return None if first < 0 else int(first)
        return first

    @property
    def gap_shares(self) -> np.ndarray:
        """``gap_counts`` as shares of all participants."""
        counts = np.asarray(self.gap_counts, dtype=np.float64)
        return counts / counts.sum(axis=-1, keepdims=True)

    def seed(self, i: int) -> "Records":
        """The records of run ``i`` of a batch."""
        pick = lambda a: None if a is None else np.asarray(a)[i]  # noqa: E731
        return Records(**{f.name: pick(getattr(self, f.name))
                          for f in dataclasses.fields(self)})
