"""Models: shapes, hand-computed logits, content hash, serialisation."""

import hashlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from derelayl_train import (
    CNN,
    MLP,
    check_params,
    count_params,
    load_params,
    make_model,
    params_hash,
    save_params,
)
from derelayl_train._models import conv3x3


def test_mlp_layers_and_parameter_count():
    model = MLP((8, 8), (16,), 10)
    params = model.init(jax.random.key(0))
    assert {k: v.shape for k, v in params.items()} == {
        "dense0/w": (64, 16), "dense0/b": (16,),
        "dense1/w": (16, 10), "dense1/b": (10,)}
    assert all(v.dtype == jnp.float32 for v in params.values())
    assert count_params(params) == 64 * 16 + 16 + 16 * 10 + 10 == 1210
    assert jax.jit(model.apply)(params, jnp.zeros((3, 8, 8))).shape == (3, 10)


def test_softmax_regression_logits_by_hand():
    # widths () is multinomial logistic regression: logits = x w + b.
    model = MLP((2,), (), 3)
    params = {"dense0/w": jnp.array([[1.0, 0.0, -1.0], [2.0, 0.5, 0.0]]),
              "dense0/b": jnp.array([0.0, 1.0, 0.25])}
    logits = model.apply(params, jnp.array([[1.0, 1.0], [0.0, 2.0]]))
    np.testing.assert_allclose(logits, [[3.0, 1.5, -0.75], [4.0, 2.0, 0.25]],
                               rtol=0, atol=1e-6)


def test_cnn_shapes_and_strides():
    model = CNN((8, 8), (4, 8), 10)
    params = model.init(jax.random.key(1))
    assert params["conv0/w"].shape == (3, 3, 1, 4)
    assert params["conv1/w"].shape == (3, 3, 4, 8)
    assert params["dense0/w"].shape == (4 * 4 * 8, 10)   # one stride-2 halving
    assert jax.jit(model.apply)(params, jnp.ones((2, 8, 8))).shape == (2, 10)
    odd = CNN((5, 7, 3), (2, 2, 2), 4)
    like = jax.eval_shape(odd.init, jax.random.key(0))
    assert like["dense0/w"].shape == (2 * 2 * 2, 4)   # 5 x 7 -> 3 x 4 -> 2 x 2


@pytest.mark.parametrize("shape, stride", [((2, 8, 8, 1), 1), ((2, 8, 8, 3), 2),
                                           ((1, 5, 7, 2), 2)])
def test_im2col_convolution_equals_lax(shape, stride):
    rng = np.random.default_rng(0)
    h = jnp.asarray(rng.normal(size=shape), jnp.float32)
    w = jnp.asarray(rng.normal(size=(3, 3, shape[-1], 4)), jnp.float32)
    lax = jax.lax.conv_general_dilated(h, w, (stride, stride), "SAME",
                                       dimension_numbers=("NHWC", "HWIO", "NHWC"))
    np.testing.assert_allclose(conv3x3(h, w, stride), lax, rtol=1e-5, atol=1e-5)


def test_init_is_a_function_of_the_key():
    model = MLP((4,), (8,), 3)
    a, b = model.init(jax.random.key(5)), model.init(jax.random.key(5))
    assert params_hash(a) == params_hash(b)
    assert params_hash(a) != params_hash(model.init(jax.random.key(6)))


def test_hash_of_known_parameters():
    # The digest is spelled out here independently of the implementation.
    w = np.array([[1.5, -2.0]], np.float32)
    b = np.zeros(2, np.float32)
    expected = hashlib.sha256()
    for name, a in (("dense0/b", b), ("dense0/w", w)):
        expected.update(f"{name}\0<f4\0{a.shape}\0".encode() + a.tobytes())
    params = {"dense0/w": jnp.asarray(w), "dense0/b": jnp.asarray(b)}
    assert params_hash(params) == expected.hexdigest()
    # Insertion order does not matter; one changed bit does.
    assert params_hash(dict(reversed(list(params.items())))) == expected.hexdigest()
    flipped = w.copy()
    flipped.view(np.uint32)[0, 0] ^= 1
    assert params_hash({**params, "dense0/w": flipped}) != expected.hexdigest()


@given(st.lists(st.tuples(st.integers(1, 3), st.integers(1, 4)), min_size=1,
                max_size=3),
       st.integers(0, 2**31 - 1))
def test_npz_round_trip_keeps_values_and_hash(tmp_path_factory, shapes, seed):
    rng = np.random.default_rng(seed)
    params = {f"layer{i}/w": jnp.asarray(rng.normal(size=s).astype(np.float32))
              for i, s in enumerate(shapes)}
    path = tmp_path_factory.mktemp("params") / "p.npz"
    digest = save_params(path, params)
    loaded = load_params(path)
    assert digest == params_hash(params) == params_hash(loaded)
    for name in params:
        np.testing.assert_array_equal(loaded[name], params[name])


def test_load_rejects_non_float32(tmp_path):
    path = tmp_path / "bad.npz"
    np.savez(path, **{"dense0/w": np.ones((2, 2))})
    with pytest.raises(ValueError, match="layer 'dense0/w' must hold finite float32 "
                                         "values, got float64"):
        load_params(path)


def test_check_params_names_the_mismatch():
    model = MLP((4,), (3,), 2)
    params = model.init(jax.random.key(0))
    assert check_params(model, params) is params
    with pytest.raises(ValueError, match=r"params\['dense0/w'\] must be float32 of "
                                         r"shape \(4, 3\), got float32 of shape "
                                         r"\(3, 3\)"):
        check_params(model, {**params, "dense0/w": jnp.zeros((3, 3), jnp.float32)})
    with pytest.raises(ValueError, match="params must have the layers"):
        check_params(model, {"dense0/w": params["dense0/w"]})


@pytest.mark.parametrize("build, message", [
    (lambda: MLP((), (4,), 2), r"input_shape must be a non-empty tuple of integers "
                               r">= 1, got \(\)"),
    (lambda: MLP((4,), (0,), 2), r"widths must be a tuple of integers >= 1, got "
                                 r"\(0,\)"),
    (lambda: MLP((4,), (4,), 1), "classes must be an integer >= 2, got 1"),
    (lambda: CNN((64,), (4,), 10), r"input_shape of a CNN must be \(height, width\)"),
    (lambda: CNN((8, 8), (), 10), "channels must be a non-empty tuple"),
    (lambda: make_model("rnn", (8, 8), 10), r"model must be one of \('mlp', "
                                            r"'cnn'\), got 'rnn'"),
])
def test_bad_architectures_are_named(build, message):
    with pytest.raises(ValueError, match=message):
        build()
