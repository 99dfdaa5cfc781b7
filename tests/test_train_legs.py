"""Relay legs: exact steps, masking, vmap against sequential, no recompiling."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from derelayl_train import (
    MLP,
    LegConfig,
    Shards,
    accuracies,
    accuracy,
    params_hash,
    stack_params,
    train_leg,
    train_legs,
    unstack_params,
)
from derelayl_train._legs import TRACES

RNG = np.random.default_rng(0)
X = RNG.normal(size=(3, 9, 2)).astype(np.float32)
Y = RNG.integers(0, 3, size=(3, 9)).astype(np.int32)
SIZES = np.array([4, 7, 9], np.int32)
SOFTMAX = MLP((2,), (), 3)                 # logits = x w + b
SGD = LegConfig(epochs=2, batch_size=4, optimizer="sgd", learning_rate=0.5)
MLP8 = MLP((2,), (8,), 3)
ADAM = LegConfig(epochs=2, batch_size=4, optimizer="adam", learning_rate=0.01)


def shards(sizes=SIZES, padding=0.0):
    x, y = X.copy(), Y.copy()
    for i, n in enumerate(sizes):
        x[i, n:], y[i, n:] = padding, 0
    return Shards(jnp.asarray(x), jnp.asarray(y), np.asarray(sizes, np.int32), 3)


def zeros():
    return {"dense0/w": jnp.zeros((2, 3), jnp.float32),
            "dense0/b": jnp.zeros(3, jnp.float32)}


def numpy_gradient_descent(x, y, steps, lr):
    """Full-batch gradient descent on softmax regression, in float64."""
    w, b = np.zeros((2, 3)), np.zeros(3)
    onehot = np.eye(3)[y]
    for _ in range(steps):
        z = x @ w + b
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        w -= lr * x.T @ (p - onehot) / len(y)
        b -= lr * (p - onehot).mean(axis=0)
    return w, b


def test_a_leg_on_a_shard_within_one_batch_is_gradient_descent():
    # Shard 0 has 4 examples = one batch: each epoch is one full-batch step,
    # whatever the order, so two epochs are two steps of gradient descent.
    out = train_leg(SOFTMAX, SGD, zeros(), shards(), 0, jax.random.key(0))
    w, b = numpy_gradient_descent(X[0, :4].astype(float), Y[0, :4], 2, 0.5)
    assert int(out.steps) == 2
    np.testing.assert_allclose(out.params["dense0/w"], w, rtol=0, atol=1e-6)
    np.testing.assert_allclose(out.params["dense0/b"], b, rtol=0, atol=1e-6)


@given(st.lists(st.integers(1, 9), min_size=3, max_size=3),
       st.integers(0, 2), st.one_of(st.none(), st.integers(0, 8)))
def test_steps_are_epochs_times_batches_up_to_the_limit(sizes, trainer, limit):
    out = train_leg(SOFTMAX, SGD, zeros(), shards(sizes), trainer, jax.random.key(1),
                    max_steps=limit)
    full = 2 * -(-sizes[trainer] // 4)
    assert int(out.steps) == (full if limit is None else min(full, limit))


def test_padding_never_reaches_the_model():
    key = jax.random.key(2)
    clean = train_leg(MLP8, ADAM, MLP8.init(key), shards(), 1, key)
    noisy = train_leg(MLP8, ADAM, MLP8.init(key), shards(padding=1e6), 1, key)
    assert params_hash(clean.params) == params_hash(noisy.params)


def test_masked_steps_leave_the_optimiser_state_alone():
    out = train_leg(MLP8, ADAM, MLP8.init(jax.random.key(0)), shards(), 0,
                    jax.random.key(3))
    assert int(out.steps) == 2 == int(out.opt_state[0].count)
    again = train_leg(MLP8, ADAM, out.params, shards(), 1, jax.random.key(4),
                      opt_state=out.opt_state)
    assert int(again.opt_state[0].count) == 2 + 2 * 2


def test_same_key_same_bits_other_key_other_model():
    start = MLP8.init(jax.random.key(0))
    a = train_leg(MLP8, ADAM, start, shards(), 2, jax.random.key(7))
    b = train_leg(MLP8, ADAM, start, shards(), 2, jax.random.key(7))
    c = train_leg(MLP8, ADAM, start, shards(), 2, jax.random.key(8))
    assert params_hash(a.params) == params_hash(b.params) != params_hash(c.params)


def test_vmapped_legs_equal_sequential_legs_and_padding_legs_do_nothing():
    starts = [MLP8.init(jax.random.key(i)) for i in range(4)]
    keys = jax.random.split(jax.random.key(9), 4)
    trainers, limits = [2, 0, 1, 2], [100, 100, 3, 0]
    out = train_legs(MLP8, ADAM, stack_params(starts), shards(), trainers, keys,
                     max_steps=limits)
    assert out.steps.tolist() == [6, 2, 3, 0]
    for j in range(4):
        one = train_leg(MLP8, ADAM, starts[j], shards(), trainers[j], keys[j],
                        max_steps=limits[j])
        for name, value in one.params.items():
            np.testing.assert_allclose(out.params[name][j], value, rtol=1e-5,
                                       atol=1e-6)
    assert params_hash(unstack_params(out.params, 3)) == params_hash(starts[3])


def test_a_second_call_with_the_same_shapes_does_not_recompile():
    start = stack_params([MLP8.init(jax.random.key(0))] * 2)
    keys = jax.random.split(jax.random.key(0), 2)
    train_legs(MLP8, ADAM, start, shards(), [0, 1], keys)
    accuracies(MLP8, start, X[0], Y[0])
    before = TRACES.copy()
    out = train_legs(MLP8, ADAM, start, shards(), [2, 2], keys, max_steps=[1, 5])
    accuracies(MLP8, out.params, X[1], Y[1])
    assert TRACES == before


def test_accuracy_is_an_exact_fraction():
    # Class 0 scores x0, class 1 scores x1, class 2 nothing.
    params = {"dense0/w": jnp.eye(2, 3, dtype=jnp.float32),
              "dense0/b": jnp.zeros(3, jnp.float32)}
    x = np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0]], np.float32)
    assert accuracy(SOFTMAX, params, x, np.array([0, 1, 1])) == 2 / 3
    both = stack_params([params, params])
    np.testing.assert_array_equal(accuracies(SOFTMAX, both, x, [0, 1, 0]), [1, 1])


@pytest.mark.parametrize("changes, message", [
    (dict(epochs=0), "epochs must be an integer >= 1, got 0"),
    (dict(batch_size=2.0), "batch_size must be an integer >= 1, got 2.0"),
    (dict(optimizer="rmsprop"), r"optimizer must be one of \('adam', 'sgd'\), got "
                                "'rmsprop'"),
    (dict(learning_rate=-1.0), "learning_rate must be a finite number > 0, got -1.0"),
    (dict(momentum=1.0), r"momentum must be a number in \[0, 1\), got 1.0"),
])
def test_bad_leg_configurations(changes, message):
    with pytest.raises(ValueError, match=message):
        LegConfig(**changes)


def test_bad_leg_inputs_are_named():
    key = jax.random.key(0)
    with pytest.raises(ValueError, match=r"trainer must be an integer in \[0, 3\), "
                                         "got 3"):
        train_leg(SOFTMAX, SGD, zeros(), shards(), 3, key)
    with pytest.raises(ValueError, match="max_steps must be an integer >= 0 or None, "
                                         "got -1"):
        train_leg(SOFTMAX, SGD, zeros(), shards(), 0, key, max_steps=-1)
    with pytest.raises(ValueError, match=r"params\['dense0/w'\] must be float32 of "
                                         r"shape \(2, 3\)"):
        train_leg(SOFTMAX, SGD, {**zeros(), "dense0/w": jnp.zeros((3, 3))},
                  shards(), 0, key)
    with pytest.raises(ValueError, match=r"shards hold examples of shape \(2,\) in "
                                         r"3 classes, but the model takes \(4,\)"):
        train_leg(MLP((4,), (), 3), SGD, zeros(), shards(), 0, key)
    with pytest.raises(ValueError, match=r"params\['dense0/b'\] must be float32 of "
                                         r"shape \(2, 3\), got float32 of shape "
                                         r"\(3,\)"):
        train_legs(SOFTMAX, SGD, zeros(), shards(), [0, 1],
                   jax.random.split(key, 2))
    with pytest.raises(ValueError, match=r"trainers must be 2 integers \[0, 3\)"):
        train_legs(SOFTMAX, SGD, stack_params([zeros()] * 2), shards(), [0, 5],
                   jax.random.split(key, 2))
    with pytest.raises(ValueError, match="keys must be an array of 2 keys"):
        train_legs(SOFTMAX, SGD, stack_params([zeros()] * 2), shards(), [0, 1], key)
    with pytest.raises(TypeError, match="config must be a LegConfig"):
        train_leg(SOFTMAX, {"epochs": 1}, zeros(), shards(), 0, key)
