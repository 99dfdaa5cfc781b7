"""Relay legs: continue training a model on one participant's shard.

A *relay leg* takes the parameters an owner lends, and the trainer runs E
local epochs of minibatch training on its own shard. Each epoch visits the
shard's examples in a fresh random order, in batches of ``batch_size`` (the
last one possibly smaller); the loss of a batch is the mean softmax cross
entropy of its examples. One leg is a single jit-compiled ``lax.scan`` over
its steps; the legs of a round run together under ``vmap``.

Shards differ in size but ``vmap`` needs one shape, so every leg scans the
same number of steps, ``epochs x ceil(length / batch_size)`` with
``length`` the longest shard: examples past a shard's size are masked out
of the loss, and a step whose batch is all padding (or that comes after the
leg's step limit) leaves parameters and optimiser state unchanged. A leg on
a shard of ``n`` examples therefore takes exactly ``epochs x ceil(n /
batch_size)`` gradient steps (or its limit, if smaller), whatever the
padding.

The same code runs on CPU, GPU and TPU: nothing here names a device.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import math
from numbers import Integral, Real
from typing import Any, Sequence

import jax
import jax.numpy as jnp
import numpy as np
import optax

from ._data import Shards
from ._models import CNN, MLP, Model, Params

__all__ = ["LegConfig", "LegResult", "train_leg", "train_legs", "accuracy",
           "accuracies", "stack_params", "unstack_params", "OPTIMIZERS"]

OPTIMIZERS = ("adam", "sgd")
#: Times each kernel was traced (compiled); a test checks that a second call
#: with the same shapes adds nothing.
TRACES: collections.Counter = collections.Counter()
_NO_LIMIT = np.iinfo(np.int32).max


@dataclasses.dataclass(frozen=True)
class LegConfig:
    """How a relay leg trains.

    Parameters
    ----------
    epochs : int
        Local epochs E per leg (>= 1).
    batch_size : int
        Examples per gradient step (>= 1).
    optimizer : str
        ``"adam"`` or ``"sgd"`` (optax). Each leg starts a fresh optimiser
        state: owners lend parameters, not optimiser moments.
    learning_rate : float
        Step size (> 0).
    momentum : float
        Momentum of ``"sgd"`` in [0, 1) (0: plain SGD); unused by Adam.
    """

    epochs: int = 5
    batch_size: int = 32
    optimizer: str = "sgd"
    learning_rate: float = 0.3
    momentum: float = 0.0

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Integral) \
                    or value < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
            object.__setattr__(self, name, int(value))
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got "
                             f"{self.optimizer!r}")
        lr = self.learning_rate
        if isinstance(lr, bool) or not isinstance(lr, Real) \
                or not (math.isfinite(lr) and lr > 0):
            raise ValueError(f"learning_rate must be a finite number > 0, got {lr!r}")
        m = self.momentum
        if isinstance(m, bool) or not isinstance(m, Real) or not 0 <= m < 1:
            raise ValueError(f"momentum must be a number in [0, 1), got {m!r}")
        object.__setattr__(self, "learning_rate", float(lr))
        object.__setattr__(self, "momentum", float(m))

    def make_optimizer(self) -> optax.GradientTransformation:
        """The optax transformation this configuration names."""
        if self.optimizer == "adam":
            return optax.adam(self.learning_rate)
        return optax.sgd(self.learning_rate, momentum=self.momentum or None)

    def steps(self, size: int) -> int:
        """Gradient steps of one leg on a shard of ``size`` examples."""
        return self.epochs * -(-int(size) // self.batch_size)


@dataclasses.dataclass(frozen=True)
class LegResult:
    """Trained parameters, the optimiser state they end with, and the
    gradient steps taken (one entry per leg for :func:`train_legs`)."""

    params: Params
    opt_state: Any
    steps: np.ndarray


# Kernels --------------------------------------------------------------------
def _loss(model: Model, params: Params, x: jax.Array, y: jax.Array,
          valid: jax.Array) -> jax.Array:
    """Mean cross entropy over the valid examples of a batch."""
    ce = optax.softmax_cross_entropy_with_integer_labels(model.apply(params, x), y)
    weight = valid.astype(jnp.float32)
    return (ce * weight).sum() / jnp.maximum(weight.sum(), 1.0)


def _leg(model: Model, config: LegConfig, epochs: int, params: Params,
         opt_state: Any, x: jax.Array, y: jax.Array, size: jax.Array,
         limit: jax.Array, key: jax.Array):
    """One leg on one padded shard ``x[:size]``; trusts its input."""
    optimizer = config.make_optimizer()
    if opt_state is None:
        opt_state = optimizer.init(params)
    length, batch = x.shape[0], config.batch_size
    batches = -(-length // batch)

    # Per epoch: the shard's examples in random order, then the padding.
    def order(k):
        u = jax.random.uniform(k, (length,), dtype=jnp.float32)
        return jnp.argsort(jnp.where(jnp.arange(length) < size, u, 2.0))

    idx = jax.vmap(order)(jax.random.split(key, epochs))
    idx = jnp.pad(idx, ((0, 0), (0, batches * batch - length)))
    idx = idx.reshape(epochs * batches, batch)
    valid = jnp.arange(batches * batch).reshape(batches, batch) < size
    valid = jnp.tile(valid, (epochs, 1))

    def step(carry, inputs):
        params, opt_state, count = carry
        ib, vb = inputs
        grads = jax.grad(functools.partial(_loss, model))(params, x[ib], y[ib], vb)
        updates, new_state = optimizer.update(grads, opt_state, params)
        new_params = optax.apply_updates(params, updates)
        active = vb[0] & (count < limit)
        keep = lambda new, old: jnp.where(active, new, old)  # noqa: E731
        return (jax.tree.map(keep, new_params, params),
                jax.tree.map(keep, new_state, opt_state),
                count + active.astype(jnp.int32)), None

    init = (params, opt_state, jnp.zeros((), jnp.int32))
    (params, opt_state, count), _ = jax.lax.scan(step, init, (idx, valid))
    return params, opt_state, count


@functools.partial(jax.jit, static_argnums=(0, 1, 2))
def _one_leg(model, config, epochs, params, opt_state, xs, ys, sizes, trainer,
             limit, key):
    TRACES["leg"] += 1
    return _leg(model, config, epochs, params, opt_state, xs[trainer], ys[trainer],
                sizes[trainer], limit, key)


@functools.partial(jax.jit, static_argnums=(0, 1, 2))
def _many_legs(model, config, epochs, params, opt_state, xs, ys, sizes, trainers,
               limits, keys):
    TRACES["legs"] += 1
    leg = functools.partial(_leg, model, config, epochs)
    return jax.vmap(leg)(params, opt_state, xs[trainers], ys[trainers],
                         sizes[trainers], limits, keys)


@functools.partial(jax.jit, static_argnums=0)
def _correct(model, params, x, y):
    TRACES["correct"] += 1
    return (jnp.argmax(model.apply(params, x), axis=-1) == y).sum()


@functools.partial(jax.jit, static_argnums=0)
def _correct_many(model, params, x, y):
    TRACES["correct_many"] += 1
    count = lambda p: (jnp.argmax(model.apply(p, x), axis=-1) == y).sum()  # noqa
    return jax.vmap(count)(params)


# Checks ---------------------------------------------------------------------
@functools.lru_cache(maxsize=64)
def _param_shapes(model: Model) -> dict[str, tuple[tuple[int, ...], Any]]:
    like = jax.eval_shape(model.init, jax.random.key(0))
    return {name: (s.shape, s.dtype) for name, s in like.items()}


def _check_model(model: object, config: object) -> None:
    if not isinstance(model, (MLP, CNN)):
        raise TypeError(f"model must be an MLP or a CNN, got {type(model)!r}")
    if not isinstance(config, LegConfig):
        raise TypeError(f"config must be a LegConfig, got {type(config)!r}")


def _check_params(model: Model, params: object, lead: tuple[int, ...]) -> None:
    """Parameters of ``model``, with leading axes ``lead`` (stacked legs)."""
    shapes = _param_shapes(model)
    if not isinstance(params, dict) or set(params) != set(shapes):
        got = sorted(params) if isinstance(params, dict) else type(params)
        raise ValueError(f"params must be a dict with the layers {sorted(shapes)} "
                         f"of the model, got {got}")
    for name, (shape, dtype) in shapes.items():
        a = params[name]
        if tuple(a.shape) != lead + shape or a.dtype != dtype:
            raise ValueError(f"params[{name!r}] must be {dtype} of shape "
                             f"{lead + shape}, got {a.dtype} of shape "
                             f"{tuple(a.shape)}")


def _check_shards(model: Model, shards: object) -> Shards:
    if not isinstance(shards, Shards):
        raise TypeError(f"shards must be Shards, got {type(shards)!r}")
    if shards.input_shape != model.input_shape or shards.classes != model.classes:
        raise ValueError(f"shards hold examples of shape {shards.input_shape} in "
                         f"{shards.classes} classes, but the model takes "
                         f"{model.input_shape} in {model.classes}")
    return shards


def _check_epochs(config: LegConfig, epochs: object) -> int:
    if epochs is None:
        return config.epochs
    if isinstance(epochs, bool) or not isinstance(epochs, Integral) or epochs < 1:
        raise ValueError(f"epochs must be an integer >= 1, got {epochs!r}")
    return int(epochs)


def _int_vector(name: str, value: object, width: int, low: int,
                high: int | None) -> np.ndarray:
    arr = np.asarray(value)
    if arr.shape != (width,) or not np.issubdtype(arr.dtype, np.integer) \
            or (width and (arr.min() < low or (high is not None
                                                and arr.max() >= high))):
        allowed = f"[{low}, {high})" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be {width} integers {allowed}, got "
                         f"{value!r}")
    return arr.astype(np.int32)


def _device_sizes(shards: Shards) -> jax.Array:
    return jnp.asarray(shards.sizes, jnp.int32)


# Public API -----------------------------------------------------------------
def train_leg(model: Model, config: LegConfig, params: Params, shards: Shards,
              trainer: int, key: jax.Array, *, opt_state: Any = None,
              max_steps: int | None = None, epochs: int | None = None
              ) -> LegResult:
    """Continue training ``params`` on participant ``trainer``'s shard.

    Parameters
    ----------
    model, config : the architecture and how to train (``config.epochs``
        local epochs E, unless ``epochs`` is given).
    params : the lent parameters (not modified).
    shards : every participant's padded data.
    trainer : index of the participant whose shard is used.
    key : randomness of the batch order.
    opt_state : optimiser state to continue from; ``None`` starts fresh.
    max_steps : stop after this many gradient steps (``None``: no limit).

    Returns
    -------
    LegResult
        ``steps`` is a 0-d array: ``min(max_steps, E ceil(n / batch))`` for a
        shard of ``n`` examples.
    """
    _check_model(model, config)
    shards = _check_shards(model, shards)
    _check_params(model, params, ())
    if isinstance(trainer, bool) or not isinstance(trainer, Integral) \
            or not 0 <= trainer < shards.participants:
        raise ValueError(f"trainer must be an integer in [0, "
                         f"{shards.participants}), got {trainer!r}")
    if max_steps is None:
        limit = _NO_LIMIT
    elif isinstance(max_steps, bool) or not isinstance(max_steps, Integral) \
            or max_steps < 0:
        raise ValueError(f"max_steps must be an integer >= 0 or None, got "
                         f"{max_steps!r}")
    else:
        limit = min(int(max_steps), _NO_LIMIT)
    epochs = _check_epochs(config, epochs)
    out = _one_leg(model, config, epochs, params, opt_state, shards.x, shards.y,
                   _device_sizes(shards), jnp.int32(trainer), jnp.int32(limit), key)
    return LegResult(out[0], out[1], np.asarray(out[2]))


def train_legs(model: Model, config: LegConfig, params: Params, shards: Shards,
               trainers: Sequence[int] | np.ndarray, keys: jax.Array, *,
               opt_state: Any = None, max_steps: Sequence[int] | None = None,
               epochs: int | None = None) -> LegResult:
    """Run W relay legs at once under ``vmap``.

    ``params`` (and ``opt_state``, if given) are stacked along a leading
    axis of size W = ``len(trainers)``; leg ``j`` continues ``params[j]`` on
    the shard of participant ``trainers[j]`` with key ``keys[j]`` and at
    most ``max_steps[j]`` steps. A leg with ``max_steps`` 0 is padding: it
    returns its parameters unchanged, so callers may pad W to a fixed size
    and compile once. The results equal W calls of :func:`train_leg` up to
    floating-point reassociation.
    """
    _check_model(model, config)
    shards = _check_shards(model, shards)
    width = len(trainers)
    trainers = _int_vector("trainers", trainers, width, 0, shards.participants)
    if width == 0:
        raise ValueError("trainers must name at least one leg, got none")
    _check_params(model, params, (width,))
    if not hasattr(keys, "shape") or keys.shape[:1] != (width,):
        raise ValueError(f"keys must be an array of {width} keys, got "
                         f"{getattr(keys, 'shape', keys)!r}")
    limits = np.full(width, _NO_LIMIT, np.int32) if max_steps is None else \
        _int_vector("max_steps", max_steps, width, 0, None)
    epochs = _check_epochs(config, epochs)
    out = _many_legs(model, config, epochs, params, opt_state, shards.x, shards.y,
                     _device_sizes(shards), jnp.asarray(trainers),
                     jnp.asarray(limits), keys)
    return LegResult(out[0], out[1], np.asarray(out[2]))


def _check_test(model: Model, x: object, y: object) -> tuple[jax.Array, jax.Array]:
    x, y = jnp.asarray(x, jnp.float32), jnp.asarray(y)
    if x.shape[1:] != model.input_shape or y.shape != x.shape[:1] \
            or x.shape[0] == 0:
        raise ValueError(f"test data must be x of shape (n, *{model.input_shape}) "
                         f"and y of shape (n,), n >= 1, got {x.shape} and "
                         f"{y.shape}")
    return x, y


def accuracy(model: Model, params: Params, x: object, y: object) -> float:
    """Share of the examples ``x`` whose predicted class is ``y``: the
    score the testing block reports (an exact fraction correct / n)."""
    x, y = _check_test(model, x, y)
    _check_params(model, params, ())
    return int(_correct(model, params, x, y)) / x.shape[0]


def accuracies(model: Model, params: Params, x: object, y: object) -> np.ndarray:
    """:func:`accuracy` of each of W stacked parameter sets, shape (W,)."""
    x, y = _check_test(model, x, y)
    width = next(iter(params.values())).shape[0] if isinstance(params, dict) \
        and params else 0
    _check_params(model, params, (width,))
    return np.asarray(_correct_many(model, params, x, y)) / x.shape[0]


def stack_params(params: Sequence[Params]) -> Params:
    """Stack parameter sets along a new leading axis (for :func:`train_legs`)."""
    return jax.tree.map(lambda *leaves: jnp.stack(leaves), *params)


def unstack_params(params: Params, i: int) -> Params:
    """Parameter set ``i`` of stacked parameters."""
    return {name: a[i] for name, a in params.items()}
