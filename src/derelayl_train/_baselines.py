"""Baselines on the same model, data, partition and gradient-step budget.

Every baseline follows a *schedule*: the number of gradient steps all
participants together take in each round. Comparisons give every method the
relay's own schedule (the steps its successful legs took, round by round),
so that at every round all methods have spent exactly the same number of
gradient steps; :func:`nominal_schedule` is the stand-in when no relay run
is at hand. A step is one minibatch of ``batch_size`` examples, whichever
method takes it, and one leg of E epochs on a shard of n examples is
``E ceil(n / batch_size)`` steps.

- **central**: one model trained on the union of all shards, with one
  optimiser state throughout; each round takes the round's steps over fresh
  random batches of the union.
- **local**: every participant trains its own model on its own shard
  (its own optimiser state); the round's steps are shared equally (the
  remainder rotates); the reported accuracy is the mean over participants.
- **fedavg** (federated averaging): participants in a fresh random order
  each train the global model for E epochs on their shard (the last one
  possibly fewer steps, so that the round's steps are met exactly), all at
  once under ``vmap``; the new global model is their average weighted by
  shard size. Each client starts a fresh optimiser state.
- **cyclic** (cyclical weight transfer): a relay in the fixed order of
  participants 0, 1, ..., N - 1, 0, ...: each leg continues the previous
  leg's model for E epochs on the next shard (fresh optimiser state, as in
  a relay leg), as many legs per round as the round's steps allow (the last
  possibly shortened; the next round goes on with the next participant).
"""

from __future__ import annotations

import math
from numbers import Integral

import jax
import jax.numpy as jnp
import numpy as np

from derelayl_econ import ProtocolParams

from ._legs import accuracies, accuracy, stack_params, train_leg, train_legs
from ._setup import Progress, Setup, TrainResult

__all__ = ["nominal_schedule", "central", "local", "fedavg", "cyclic"]


def nominal_schedule(setup: Setup, protocol: ProtocolParams, rounds: int
                     ) -> np.ndarray:
    """A relay's typical steps per round, without running it.

    The mean-field number of owners is ``m* = s p slots / (1 + s p)``
    (THEORY.md section 1); a round then trains about ``p min(k m*, slots -
    m*)`` legs, each of the mean leg length over the shards. Returns that
    many steps (rounded, at least 1) for each of ``rounds`` rounds.
    """
    _check_rounds(rounds)
    sp = protocol.s * protocol.p
    owners = sp * protocol.slots / (1 + sp)
    legs = protocol.p * min(protocol.k * owners, protocol.slots - owners)
    per_round = max(1, round(legs * float(setup.leg_steps.mean())))
    return np.full(rounds, per_round, np.int64)


def _check_rounds(rounds: object) -> int:
    if isinstance(rounds, bool) or not isinstance(rounds, Integral) or rounds < 1:
        raise ValueError(f"rounds must be an integer >= 1, got {rounds!r}")
    return int(rounds)


def _check(setup: object, schedule: object) -> np.ndarray:
    if not isinstance(setup, Setup):
        raise TypeError(f"setup must be a Setup, got {type(setup)!r}")
    arr = np.asarray(schedule)
    if arr.ndim != 1 or arr.size == 0 or not np.issubdtype(arr.dtype, np.integer) \
            or arr.min() < 0:
        raise ValueError(f"schedule must be a non-empty 1-d array of integer steps "
                         f">= 0 per round, got {schedule!r}")
    return arr.astype(np.int64)


def _result(method: str, setup: Setup, acc: list, steps: list, initial: float,
            final, details: dict) -> TrainResult:
    return TrainResult(method, np.array(acc, np.float64),
                       np.cumsum(np.array(steps, np.int64)), initial, final,
                       details)


def _test(setup: Setup):
    return jnp.asarray(setup.test.x), jnp.asarray(setup.test.y)


def central(setup: Setup, schedule: np.ndarray, key: jax.Array, *,
            progress: Progress | None = None) -> TrainResult:
    """One model on the union of the shards, ``schedule[t]`` steps in round t."""
    schedule = _check(setup, schedule)
    union = setup.shards.union()
    per_epoch = -(-union.length // setup.config.batch_size)
    epochs = max(1, -(-int(schedule.max()) // per_epoch))
    params = setup.init_params
    opt_state = setup.config.make_optimizer().init(params)
    test_x, test_y = _test(setup)
    initial = accuracy(setup.model, params, test_x, test_y)
    acc, steps = [], []
    for t, budget in enumerate(schedule):
        out = train_leg(setup.model, setup.config, params, union, 0,
                        jax.random.fold_in(key, t), opt_state=opt_state,
                        max_steps=int(budget), epochs=epochs)
        params, opt_state = out.params, out.opt_state
        acc.append(accuracy(setup.model, params, test_x, test_y))
        steps.append(int(out.steps))
        if progress is not None:
            progress(t + 1)
    return _result("central", setup, acc, steps, initial, params, {})


def local(setup: Setup, schedule: np.ndarray, key: jax.Array, *,
          progress: Progress | None = None) -> TrainResult:
    """Each participant alone; the round's steps shared equally among them.

    ``details["accuracy_min"]`` and ``["accuracy_max"]`` give the worst and
    best participant's accuracy per round.
    """
    schedule = _check(setup, schedule)
    n = setup.participants
    batches = -(-setup.shards.sizes.astype(np.int64) // setup.config.batch_size)
    most = math.ceil(int(schedule.max()) / n)      # most steps of one model
    epochs = max(1, math.ceil(most / int(batches.min())))
    params = stack_params([setup.init_params] * n)
    opt_state = jax.vmap(setup.config.make_optimizer().init)(params)
    test_x, test_y = _test(setup)
    initial = accuracy(setup.model, setup.init_params, test_x, test_y)
    acc, steps, low, high, offset = [], [], [], [], 0
    for t, budget in enumerate(schedule):
        share = np.full(n, budget // n, np.int64)
        share[(offset + np.arange(budget % n)) % n] += 1
        offset = (offset + int(budget % n)) % n
        out = train_legs(setup.model, setup.config, params, setup.shards,
                         np.arange(n), jax.random.split(jax.random.fold_in(key, t), n),
                         opt_state=opt_state, max_steps=share, epochs=epochs)
        params, opt_state = out.params, out.opt_state
        each = accuracies(setup.model, params, test_x, test_y)
        acc.append(float(each.mean()))
        low.append(float(each.min()))
        high.append(float(each.max()))
        steps.append(int(out.steps.sum()))
        if progress is not None:
            progress(t + 1)
    return _result("local", setup, acc, steps, initial, None,
                   dict(accuracy_min=np.array(low), accuracy_max=np.array(high)))


def _fedavg_plan(setup: Setup, schedule: np.ndarray, key: jax.Array):
    """Clients and their step limits for each round."""
    capacity = setup.leg_steps
    plans = []
    for t, budget in enumerate(schedule):
        if budget > capacity.sum():
            raise ValueError(f"schedule asks for {budget} steps in round {t}, more "
                             f"than E epochs on every shard ({capacity.sum()})")
        order = np.asarray(jax.random.permutation(jax.random.fold_in(key, t),
                                                  len(capacity)))
        clients, limits, left = [], [], int(budget)
        for i in order:
            if left == 0:
                break
            take = min(int(capacity[i]), left)
            clients.append(int(i))
            limits.append(take)
            left -= take
        plans.append((clients, limits))
    return plans


def fedavg(setup: Setup, schedule: np.ndarray, key: jax.Array, *,
           progress: Progress | None = None) -> TrainResult:
    """Federated averaging with ``schedule[t]`` client steps in round t.

    ``details["clients"]`` gives the clients per round.
    """
    schedule = _check(setup, schedule)
    select, train_key = jax.random.split(key)
    plans = _fedavg_plan(setup, schedule, select)
    width = max(1, max(len(c) for c, _ in plans))
    sizes = setup.shards.sizes.astype(np.float64)
    params = setup.init_params
    test_x, test_y = _test(setup)
    initial = accuracy(setup.model, params, test_x, test_y)
    acc, steps = [], []
    for t, (clients, limits) in enumerate(plans):
        if clients:
            pad = width - len(clients)
            weights = np.zeros(width)
            weights[:len(clients)] = sizes[clients] / sizes[clients].sum()
            out = train_legs(
                setup.model, setup.config, stack_params([params] * width),
                setup.shards, clients + [0] * pad,
                jax.random.split(jax.random.fold_in(train_key, t), width),
                max_steps=limits + [0] * pad)
            w = jnp.asarray(weights, jnp.float32)
            params = jax.tree.map(lambda a: jnp.tensordot(w, a, axes=1), out.params)
            steps.append(int(out.steps.sum()))
        else:
            steps.append(0)
        acc.append(accuracy(setup.model, params, test_x, test_y))
        if progress is not None:
            progress(t + 1)
    return _result("fedavg", setup, acc, steps, initial, params,
                   dict(clients=np.array([len(c) for c, _ in plans])))


def cyclic(setup: Setup, schedule: np.ndarray, key: jax.Array, *,
           progress: Progress | None = None) -> TrainResult:
    """Cyclical weight transfer with ``schedule[t]`` steps in round t.

    ``details["legs"]`` gives the legs per round.
    """
    schedule = _check(setup, schedule)
    capacity = setup.leg_steps
    n = setup.participants
    params = setup.init_params
    test_x, test_y = _test(setup)
    initial = accuracy(setup.model, params, test_x, test_y)
    acc, steps, legs, done = [], [], [], 0
    for t, budget in enumerate(schedule):
        left, taken, count = int(budget), 0, 0
        while left > 0:
            i = done % n
            out = train_leg(setup.model, setup.config, params, setup.shards, i,
                            jax.random.fold_in(key, done),
                            max_steps=min(int(capacity[i]), left))
            params = out.params
            left -= int(out.steps)
            taken += int(out.steps)
            done += 1
            count += 1
        acc.append(accuracy(setup.model, params, test_x, test_y))
        steps.append(taken)
        legs.append(count)
        if progress is not None:
            progress(t + 1)
    return _result("cyclic", setup, acc, steps, initial, params,
                   dict(legs=np.array(legs)))
