"""Data: loading, checking, a held-out test split and shards per participant.

A :class:`Dataset` holds examples ``x`` (float32, shape ``(n, *shape)``) and
integer labels ``y`` in ``[0, classes)``. The default is scikit-learn's
bundled handwritten digits (1797 images of 8 x 8 pixels, 10 classes; no
download); users bring ``.npz`` files with arrays ``x`` and ``y``.

The training part is split among the participants by :func:`partition`,
IID or non-IID (Dirichlet), and stacked into padded :class:`Shards` that
relay legs index under ``vmap``. The test part plays the protocol's testing
block: its accuracy ranks new models.

All randomness comes from explicit ``jax.random`` keys (host-side shuffles
use a NumPy generator seeded from the key's bits).
"""

from __future__ import annotations

import dataclasses
import math
from numbers import Integral, Real
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

__all__ = ["Dataset", "Shards", "load_digits", "load_npz", "split", "partition",
           "make_shards"]


def _rng(key: jax.Array) -> np.random.Generator:
    """A NumPy generator seeded by 128 bits drawn from ``key``: host-side
    shuffles stay a function of the key without compiling a JAX kernel for
    every array length."""
    return np.random.default_rng(np.asarray(jax.random.bits(key, (4,), jnp.uint32)))


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask.reshape(len(mask), -1).any(axis=1))[0])


@dataclasses.dataclass(frozen=True, eq=False)
class Dataset:
    """Labelled examples, checked on construction.

    Parameters
    ----------
    x : array, shape (n, *shape)
        Real, finite features; stored as float32.
    y : array, shape (n,)
        Integer class labels in ``[0, classes)`` (floats with integral
        values are accepted); stored as int32.
    classes : int or None
        Number of classes (>= 2); ``None`` means ``max(y) + 1`` (at least 2).

    Raises
    ------
    ValueError
        Naming the array, the offending value or shape, and what is allowed.
    """

    x: np.ndarray
    y: np.ndarray
    classes: int | None = None

    def __post_init__(self) -> None:
        x, y = np.asarray(self.x), np.asarray(self.y)
        if x.dtype == object or not (np.issubdtype(x.dtype, np.number)
                                     or x.dtype == bool) \
                or np.issubdtype(x.dtype, np.complexfloating):
            raise ValueError(f"x must hold real numbers, got dtype {x.dtype}")
        if x.ndim < 2 or x.shape[0] == 0 or 0 in x.shape:
            raise ValueError("x must have shape (examples, *features) with at "
                             f"least one example and feature, got {x.shape}")
        if y.ndim != 1 or y.shape[0] != x.shape[0]:
            raise ValueError(f"y must have shape ({x.shape[0]},), one label per "
                             f"example of x, got {y.shape}")
        with np.errstate(over="ignore", invalid="ignore"):
            xf = x.astype(np.float32)
        bad = ~np.isfinite(xf)
        if bad.any():
            raise ValueError(f"x must be finite (no NaN or inf, and within float32 "
                             f"range), got a non-finite value in example "
                             f"{_first_bad(bad)}")
        if y.dtype == bool or not (np.issubdtype(y.dtype, np.integer)
                                   or np.issubdtype(y.dtype, np.floating)):
            raise ValueError(f"y must hold integer labels, got dtype {y.dtype}")
        if np.issubdtype(y.dtype, np.floating):
            frac = ~np.isfinite(y) | (y != np.round(y))
            if frac.any():
                i = int(np.flatnonzero(frac)[0])
                raise ValueError(f"y must hold integer labels, got {y[i].item()!r} "
                                 f"at index {i}")
        classes = self.classes
        if classes is None:
            classes = max(2, int(y.max()) + 1) if y.min() >= 0 else 2
        elif isinstance(classes, bool) or not isinstance(classes, Integral) \
                or classes < 2:
            raise ValueError(f"classes must be an integer >= 2, got {classes!r}")
        out = (y < 0) | (y >= classes)
        if out.any():
            i = int(np.flatnonzero(out)[0])
            raise ValueError(f"y must hold integer labels in [0, {classes}), got "
                             f"{y[i].item()!r} at index {i}")
        object.__setattr__(self, "x", xf)
        object.__setattr__(self, "y", y.astype(np.int32))
        object.__setattr__(self, "classes", int(classes))

    def __len__(self) -> int:
        return int(self.y.shape[0])

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one example."""
        return tuple(self.x.shape[1:])

    def subset(self, indices: np.ndarray) -> "Dataset":
        """The examples at ``indices`` (same number of classes)."""
        return Dataset(self.x[indices], self.y[indices], self.classes)


def load_digits() -> Dataset:
    """scikit-learn's handwritten digits: 1797 images of 8 x 8 pixels in
    [0, 1] (shape ``(1797, 8, 8)``), 10 classes. Bundled with scikit-learn,
    so nothing is downloaded; needs the ``data`` extra."""
    try:
        from sklearn.datasets import load_digits as sk_load_digits
    except ImportError:
        raise ImportError("the digits data needs scikit-learn: pip install "
                          "'derelayl[data]' (or pass an .npz file of your own)"
                          ) from None
    bunch = sk_load_digits()
    return Dataset(bunch.images / 16.0, bunch.target, classes=10)


def load_npz(path: Path | str, classes: int | None = None) -> Dataset:
    """A dataset from an ``.npz`` file with arrays ``x`` (examples first)
    and ``y`` (integer labels); checked as :class:`Dataset` does."""
    path = Path(path)
    try:
        data = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as err:
        raise ValueError(f"data file {str(path)!r} is not a readable .npz file "
                         f"({err})") from None
    with data:
        missing = [name for name in ("x", "y") if name not in data.files]
        if missing:
            raise ValueError(f"data file {str(path)!r} must hold arrays 'x' and "
                             f"'y', got {sorted(data.files)}")
        try:
            x, y = data["x"], data["y"]
        except ValueError as err:          # object arrays need pickle
            raise ValueError(f"data file {str(path)!r}: {err}") from None
    return Dataset(x, y, classes)


def _check_fraction(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) \
            or not 0.0 < float(value) < 1.0:
        raise ValueError(f"{name} must be a number in (0, 1), got {value!r}")
    return float(value)


def split(data: Dataset, test_fraction: float, key: jax.Array
          ) -> tuple[Dataset, Dataset]:
    """A random (train, test) split; the test part has
    ``round(test_fraction * n)`` examples, at least one, and so has the
    train part."""
    frac = _check_fraction("test_fraction", test_fraction)
    n = len(data)
    if n < 2:
        raise ValueError(f"data must have at least 2 examples to split, got {n}")
    n_test = min(max(1, round(frac * n)), n - 1)
    order = _rng(key).permutation(n)
    return data.subset(np.sort(order[n_test:])), data.subset(np.sort(order[:n_test]))


def partition(y: np.ndarray, participants: int, key: jax.Array,
              alpha: float | None = None, *, attempts: int = 100
              ) -> tuple[np.ndarray, ...]:
    """Split example indices among ``participants``.

    Parameters
    ----------
    y : int array, shape (n,)
        Labels of the examples to split.
    participants : int
        Number of shards (>= 1, at most ``n``).
    key : jax key
        Randomness of the split.
    alpha : float or None
        ``None``: IID, a random permutation cut into shards whose sizes
        differ by at most one. A number > 0: non-IID, for each class the
        shares of the participants are drawn from Dirichlet(alpha, ...,
        alpha) and the class's examples (in random order) are cut
        accordingly; small alpha gives skewed label mixes and sizes.
    attempts : int
        A Dirichlet draw that leaves a participant without examples is
        redrawn (with the next key), at most this many times.

    Returns
    -------
    tuple of int arrays
        Sorted indices of each participant's examples; together each index
        exactly once.
    """
    y = np.asarray(y)
    n = int(y.shape[0])
    if isinstance(participants, bool) or not isinstance(participants, Integral) \
            or not 1 <= participants <= n:
        raise ValueError(f"participants must be an integer in [1, {n}] (at most "
                         f"one per example), got {participants!r}")
    if alpha is None:
        order = _rng(key).permutation(n)
        return tuple(np.sort(part) for part in np.array_split(order, participants))
    if isinstance(alpha, bool) or not isinstance(alpha, Real) \
            or not (math.isfinite(alpha) and alpha > 0):
        raise ValueError(f"alpha must be a finite number > 0 (or None for IID), "
                         f"got {alpha!r}")
    classes = np.unique(y)
    for attempt in range(attempts):
        rng = _rng(jax.random.fold_in(key, attempt))
        shares = rng.dirichlet(np.full(participants, float(alpha)), len(classes))
        parts: list[list[np.ndarray]] = [[] for _ in range(participants)]
        for c, share in zip(classes, shares):
            members = rng.permutation(np.flatnonzero(y == c))
            cuts = np.round(np.cumsum(share)[:-1] * len(members)).astype(int)
            for i, piece in enumerate(np.split(members, cuts)):
                parts[i].append(piece)
        shards = tuple(np.sort(np.concatenate(p)) for p in parts)
        if min(len(s) for s in shards) > 0:
            return shards
    raise ValueError(f"partition with alpha = {alpha} left a participant without "
                     f"examples in {attempts} draws; use a larger alpha or fewer "
                     f"participants than {participants}")


@dataclasses.dataclass(frozen=True, eq=False)
class Shards:
    """The participants' training data, padded to one length for ``vmap``.

    Attributes
    ----------
    x : float32 array, shape (participants, length, *input_shape)
    y : int32 array, shape (participants, length)
    sizes : int32 array, shape (participants,)
        Examples of each shard; entries past a shard's size are padding
        (zeros) that training masks out.
    classes : int
    """

    x: jax.Array
    y: jax.Array
    sizes: np.ndarray
    classes: int

    @property
    def participants(self) -> int:
        return int(self.sizes.shape[0])

    @property
    def length(self) -> int:
        return int(self.x.shape[1])

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.x.shape[2:])

    def union(self) -> "Shards":
        """All shards as one participant's shard (centralised training)."""
        x = np.concatenate([np.asarray(self.x[i, :s])
                            for i, s in enumerate(self.sizes)])
        y = np.concatenate([np.asarray(self.y[i, :s])
                            for i, s in enumerate(self.sizes)])
        return Shards(jnp.asarray(x[None]), jnp.asarray(y[None]),
                      np.array([len(y)], np.int32), self.classes)


def make_shards(data: Dataset, parts: tuple[np.ndarray, ...]) -> Shards:
    """Stack ``data``'s examples at each participant's indices, zero-padded
    to the longest shard. Every shard must hold at least one example."""
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be a Dataset, got {type(data)!r}")
    if len(parts) == 0:
        raise ValueError("parts must name at least one shard, got none")
    n = len(data)
    for i, p in enumerate(parts):
        p = np.asarray(p)
        if p.ndim != 1 or p.size == 0:
            raise ValueError(f"shard {i} must be a non-empty 1-d array of example "
                             f"indices, got shape {p.shape}")
        if not np.issubdtype(p.dtype, np.integer) or p.min() < 0 or p.max() >= n:
            raise ValueError(f"shard {i} must hold integer indices in [0, {n}), "
                             f"got {p.min().item()!r}..{p.max().item()!r}")
    sizes = np.array([len(p) for p in parts], np.int32)
    length = int(sizes.max())
    x = np.zeros((len(parts), length, *data.input_shape), np.float32)
    y = np.zeros((len(parts), length), np.int32)
    for i, p in enumerate(parts):
        x[i, :len(p)], y[i, :len(p)] = data.x[p], data.y[p]
    return Shards(jnp.asarray(x), jnp.asarray(y), sizes, data.classes)
