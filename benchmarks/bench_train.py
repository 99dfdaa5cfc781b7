"""Relay legs: throughput against a bare optax loop, vmap against a loop.

    python benchmarks/bench_train.py             # MLP 64-64 on the digits
    python benchmarks/bench_train.py --model cnn

Prints, for each workload, seconds and a ratio against its baseline measured
in the same process (best of ``--repeats`` timed runs, after compiling):

1. One relay leg (E epochs over the whole training set, a jitted
   ``lax.scan``) against a bare jitted optax step called from a Python loop
   over batches already on the device: samples per second, ratio
   leg / bare (target >= 0.8).
2. 8 legs on 8 participants' shards at once under ``vmap``
   (:func:`train_legs`) against the same 8 legs one after another
   (:func:`train_leg`): ratio sequential / vmapped (target >= 2).
"""

from __future__ import annotations

import argparse
import functools
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

from derelayl_train import (LegConfig, load_digits, make_model, make_shards,
                            partition, split, stack_params, train_leg, train_legs)


def best_of(repeats: int, fn) -> float:
    fn()                                        # compile and warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bare_loop(model, config, params, batches_x, batches_y):
    """The plainest optax training loop: one jitted step per batch."""
    optimizer = config.make_optimizer()

    @jax.jit
    def step(params, opt_state, x, y):
        def loss(p):
            logits = model.apply(p, x)
            return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()

        grads = jax.grad(loss)(params)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state

    def run():
        p, s = params, optimizer.init(params)
        for x, y in zip(batches_x, batches_y):
            p, s = step(p, s, x, y)
        jax.block_until_ready(p)

    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", choices=("mlp", "cnn"), default="mlp")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--repeats", type=int, default=10)
    args = ap.parse_args()

    key = jax.random.key(0)
    data = load_digits()
    train, _ = split(data, 0.2, jax.random.fold_in(key, 1))
    model = make_model(args.model, data.input_shape, data.classes)
    config = LegConfig(epochs=args.epochs, batch_size=args.batch_size)
    params = model.init(jax.random.fold_in(key, 0))
    print(f"device: {jax.devices()[0].platform}; model: {args.model}; "
          f"E = {config.epochs}, batch {config.batch_size}, {config.optimizer} "
          f"{config.learning_rate}")

    # 1. One leg over the whole training set against the bare loop.
    whole = make_shards(train, (np.arange(len(train)),))
    n, b = len(train), config.batch_size
    rng = np.random.default_rng(0)
    order = np.concatenate([rng.permutation(n) for _ in range(config.epochs)])
    cut = [order[i:i + b] for i in range(0, n * config.epochs, b)]
    bx = [jnp.asarray(train.x[c]) for c in cut]
    by = [jnp.asarray(train.y[c]) for c in cut]
    samples = n * config.epochs
    leg = functools.partial(train_leg, model, config, params, whole, 0,
                            jax.random.key(1))
    t_leg = best_of(args.repeats, lambda: jax.block_until_ready(leg().params))
    t_bare = best_of(args.repeats, bare_loop(model, config, params, bx, by))
    print(f"1. one leg, {n} examples x {config.epochs} epochs "
          f"({len(cut)} steps):")
    print(f"   bare optax loop   {t_bare:8.4f} s  {samples / t_bare:12,.0f} samples/s")
    print(f"   relay leg (scan)  {t_leg:8.4f} s  {samples / t_leg:12,.0f} samples/s")
    print(f"   ratio leg / bare throughput: {t_bare / t_leg:.2f}x (target >= 0.8)")

    # 2. 8 legs at once against 8 legs one by one.
    shards = make_shards(train, partition(train.y, 16, jax.random.fold_in(key, 2)))
    trainers = list(range(8))
    keys = jax.random.split(jax.random.key(2), 8)
    stacked = stack_params([params] * 8)

    def sequential():
        outs = [train_leg(model, config, params, shards, i, keys[i]).params
                for i in trainers]
        jax.block_until_ready(outs)

    def vmapped():
        jax.block_until_ready(train_legs(model, config, stacked, shards, trainers,
                                         keys).params)

    t_seq = best_of(args.repeats, sequential)
    t_vmap = best_of(args.repeats, vmapped)
    legs_samples = int(shards.sizes[:8].sum()) * config.epochs
    print(f"2. 8 legs on shards of {shards.sizes[0]} examples "
          f"({config.steps(shards.sizes[0])} steps each):")
    print(f"   8 sequential legs {t_seq:8.4f} s  "
          f"{legs_samples / t_seq:12,.0f} samples/s")
    print(f"   8 vmapped legs    {t_vmap:8.4f} s  "
          f"{legs_samples / t_vmap:12,.0f} samples/s")
    print(f"   ratio sequential / vmapped: {t_seq / t_vmap:.2f}x (target >= 2)")


if __name__ == "__main__":
    main()
