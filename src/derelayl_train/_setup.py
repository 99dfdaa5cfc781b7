"""What every training method shares: model, data, shards and start point,
and the result object they all return."""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import numpy as np

from ._data import Dataset, Shards
from ._legs import LegConfig, _check_model, _check_params, _check_shards
from ._models import Model, Params

__all__ = ["Setup", "TrainResult", "Progress"]

#: Called with the number of rounds done so far.
Progress = Callable[[int], None]


@dataclasses.dataclass(frozen=True, eq=False)
class Setup:
    """One learning problem, the same for every method compared.

    Attributes
    ----------
    model : MLP or CNN
    config : LegConfig
        Local epochs E, batch size and optimiser of every leg (and of the
        baselines' training).
    shards : Shards
        The participants' training data (participant ``i`` owns shard
        ``i``).
    test : Dataset
        Held-out examples on which every method is evaluated (the reported
        test accuracy).
    init_params : dict
        The start model (the relay's genesis model), shared by all methods.
    cases : Dataset or None
        The testing block's test cases: held-out examples, disjoint from
        ``test``, whose accuracy scores and ranks the relay's new models.
        ``None`` scores on ``test`` itself, which flatters the relay: it
        then reports the best of several models on the data it chose them
        by.
    """

    model: Model
    config: LegConfig
    shards: Shards
    test: Dataset
    init_params: Params
    cases: Dataset | None = None

    def __post_init__(self) -> None:
        _check_model(self.model, self.config)
        _check_shards(self.model, self.shards)
        for name in ("test", "cases"):
            data = getattr(self, name)
            if data is None and name == "cases":
                continue
            if not isinstance(data, Dataset):
                raise TypeError(f"{name} must be a Dataset, got {type(data)!r}")
            if data.input_shape != self.model.input_shape:
                raise ValueError(f"{name} examples have shape {data.input_shape}, "
                                 f"but the model takes {self.model.input_shape}")
        _check_params(self.model, self.init_params, ())

    @property
    def scoring(self) -> Dataset:
        """The examples that score the relay's models (``cases`` or ``test``)."""
        return self.test if self.cases is None else self.cases

    @property
    def participants(self) -> int:
        return self.shards.participants

    @property
    def leg_steps(self) -> np.ndarray:
        """Gradient steps of one leg (E epochs) on each participant's shard."""
        return np.array([self.config.steps(n) for n in self.shards.sizes], np.int64)


@dataclasses.dataclass(frozen=True, eq=False)
class TrainResult:
    """The outcome of one training method.

    Attributes
    ----------
    method : str
        ``"relay"``, ``"fedavg"``, ``"central"``, ``"local"`` or ``"cyclic"``.
    test_accuracy : float64 array, shape (rounds,)
        Test accuracy after each round of the method's model (relay: the
        best winning model; local: the mean over participants' models).
    gradient_steps : int64 array, shape (rounds,)
        Gradient steps taken by all participants together up to and
        including each round (cumulative).
    initial_test_accuracy : float
        Accuracy of the shared start model.
    final_params : dict or None
        The reported model after the last round (``None`` for local
        training, which has one model per participant).
    details : dict
        Method-specific records, JSON-ready apart from NumPy arrays (relay:
        coins per participant per round, owners, legs, lineage of models).
    """

    method: str
    test_accuracy: np.ndarray
    gradient_steps: np.ndarray
    initial_test_accuracy: float
    final_params: Params | None
    details: dict[str, Any]

    @property
    def rounds(self) -> int:
        """Rounds played (fewer than asked if the relay went extinct)."""
        return int(self.test_accuracy.shape[0])

    @property
    def final_test_accuracy(self) -> float:
        return float(self.test_accuracy[-1]) if self.rounds \
            else self.initial_test_accuracy

    @property
    def steps_per_round(self) -> np.ndarray:
        """Gradient steps of each round (not cumulative)."""
        return np.diff(self.gradient_steps, prepend=0)
