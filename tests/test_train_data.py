"""Data: loading, malformed input, splits and partitions."""

import jax
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from derelayl_train import Dataset, load_digits, load_npz, make_shards, partition, split


def test_digits_need_no_download():
    data = load_digits()
    assert data.x.shape == (1797, 8, 8) and data.x.dtype == np.float32
    assert data.classes == 10 and data.y.dtype == np.int32
    assert 0.0 <= data.x.min() and data.x.max() == 1.0
    assert np.bincount(data.y).tolist()[:2] == [178, 182]


def test_npz_round_trip(tmp_path):
    x = np.arange(12, dtype=np.float64).reshape(4, 3)
    np.savez(tmp_path / "d.npz", x=x, y=np.array([0, 2, 1, 2]))
    data = load_npz(tmp_path / "d.npz")
    assert data.classes == 3 and len(data) == 4 and data.input_shape == (3,)
    np.testing.assert_array_equal(data.x, x.astype(np.float32))
    # Integral floats are labels too; classes may be given.
    np.savez(tmp_path / "f.npz", x=x, y=np.array([0.0, 1.0, 1.0, 0.0]))
    assert load_npz(tmp_path / "f.npz", classes=5).classes == 5


def test_npz_file_problems(tmp_path):
    np.savez(tmp_path / "noy.npz", x=np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"must hold arrays 'x' and 'y', got \['x'\]"):
        load_npz(tmp_path / "noy.npz")
    (tmp_path / "text.npz").write_text("not a zip")
    with pytest.raises(ValueError, match="is not a readable .npz file"):
        load_npz(tmp_path / "text.npz")
    np.savez(tmp_path / "obj.npz", x=np.array([None, 1], dtype=object), y=[0, 1])
    with pytest.raises(ValueError, match="obj.npz"):
        load_npz(tmp_path / "obj.npz")


X = np.zeros((6, 2))


@pytest.mark.parametrize("x, y, classes, message", [
    (X, [0, 1, 2, 3, 4, 11], 10,
     r"y must hold integer labels in \[0, 10\), got 11 at index 5"),
    (X, [0, -1, 0, 0, 0, 0], None, r"y must hold integer labels in \[0, 2\), got -1 "
                                   r"at index 1"),
    (X, [0, 1, 0.5, 0, 0, 0], None, "y must hold integer labels, got 0.5 at index 2"),
    (X, ["a"] * 6, None, "y must hold integer labels, got dtype <U1"),
    (X, [0, 1], None, r"y must have shape \(6,\), one label per example of x, got "
                      r"\(2,\)"),
    (np.zeros(6), [0] * 6, None, r"x must have shape \(examples, \*features\) .* "
                                 r"got \(6,\)"),
    (np.zeros((0, 3)), [], None, r"x must have shape .* got \(0, 3\)"),
    (np.where(np.arange(12).reshape(6, 2) == 7, np.nan, 0.0), [0] * 6, None,
     "x must be finite .* non-finite value in example 3"),
    (np.full((6, 2), 1e39), [0] * 6, None, "x must be finite .* within float32"),
    (np.full((6, 2), "s"), [0] * 6, None, "x must hold real numbers, got dtype <U1"),
    (X, [0] * 6, 1, "classes must be an integer >= 2, got 1"),
])
def test_malformed_data_is_rejected(x, y, classes, message):
    with pytest.raises(ValueError, match=message):
        Dataset(np.asarray(x), np.asarray(y), classes)


def test_split_is_disjoint_and_keyed():
    data = Dataset(np.arange(20, dtype=float).reshape(10, 2), np.arange(10) % 3)
    train, test = split(data, 0.3, jax.random.key(0))
    assert (len(train), len(test)) == (7, 3)
    seen = np.concatenate([train.x[:, 0], test.x[:, 0]])
    assert sorted(seen.tolist()) == list(range(0, 20, 2))
    again = split(data, 0.3, jax.random.key(0))[1]
    np.testing.assert_array_equal(again.x, test.x)
    with pytest.raises(ValueError, match=r"test_fraction must be a number in \(0, "
                                         r"1\), got 1.0"):
        split(data, 1.0, jax.random.key(0))


@given(st.integers(1, 60), st.integers(1, 12), st.integers(0, 2**31 - 1))
def test_iid_shards_cover_every_example_once(n, participants, seed):
    participants = min(participants, n)
    parts = partition(np.zeros(n, int), participants, jax.random.key(seed))
    assert len(parts) == participants
    assert sorted(np.concatenate(parts).tolist()) == list(range(n))
    sizes = [len(p) for p in parts]
    assert max(sizes) - min(sizes) <= 1


@given(st.floats(0.05, 100.0), st.integers(2, 8), st.integers(0, 2**31 - 1))
def test_dirichlet_shards_cover_every_example_once(alpha, participants, seed):
    y = np.arange(200) % 5
    parts = partition(y, participants, jax.random.key(seed), alpha)
    assert sorted(np.concatenate(parts).tolist()) == list(range(200))
    assert min(len(p) for p in parts) >= 1


def test_small_alpha_skews_the_label_mix():
    y = np.arange(2000) % 10

    def mean_entropy(alpha):
        parts = partition(y, 10, jax.random.key(3), alpha)
        counts = np.array([np.bincount(y[p], minlength=10) for p in parts], float)
        q = counts / counts.sum(axis=1, keepdims=True)
        logs = np.log(np.where(q > 0, q, 1.0))
        return float(-(q * logs).sum(axis=1).mean())

    assert mean_entropy(0.1) < mean_entropy(1.0) < mean_entropy(100.0) \
        < np.log(10) + 1e-9
    assert mean_entropy(100.0) > 0.95 * np.log(10)


def test_partition_errors():
    y = np.zeros(5, int)
    with pytest.raises(ValueError, match=r"participants must be an integer in \[1, "
                                         r"5\] \(at most one per example\), got 6"):
        partition(y, 6, jax.random.key(0))
    with pytest.raises(ValueError, match="alpha must be a finite number > 0"):
        partition(y, 2, jax.random.key(0), alpha=0.0)
    with pytest.raises(ValueError, match=r"partition with alpha = 0.001 left a "
                                         r"participant without examples in 3 draws"):
        partition(np.arange(20) % 2, 20, jax.random.key(0), 0.001, attempts=3)


def test_shards_are_padded_and_empty_ones_rejected():
    data = Dataset(np.arange(10, dtype=float).reshape(5, 2) + 1, [0, 1, 2, 0, 1])
    shards = make_shards(data, (np.array([0, 3, 4]), np.array([2])))
    assert shards.x.shape == (2, 3, 2) and shards.sizes.tolist() == [3, 1]
    np.testing.assert_array_equal(shards.x[1], [[5.0, 6.0], [0.0, 0.0], [0.0, 0.0]])
    np.testing.assert_array_equal(shards.y, [[0, 0, 1], [2, 0, 0]])
    union = shards.union()
    assert union.sizes.tolist() == [4] and union.y.tolist() == [[0, 0, 1, 2]]
    with pytest.raises(ValueError, match=r"shard 1 must be a non-empty 1-d array of "
                                         r"example indices, got shape \(0,\)"):
        make_shards(data, (np.array([0]), np.array([], int)))
    with pytest.raises(ValueError, match=r"shard 0 must hold integer indices in "
                                         r"\[0, 5\), got 0..7"):
        make_shards(data, (np.array([0, 7]),))
