"""Models as plain JAX pytrees: a multilayer perceptron and a small CNN.

A model is a frozen dataclass that describes the architecture (hashable, so
that jitted code can take it as a static argument) and two pure functions:
``init(key)`` makes a parameter pytree, ``apply(params, x)`` gives logits.
Parameters are a flat ``dict`` from layer names (``"dense0/w"``) to float32
arrays, which makes them easy to stack for ``vmap``, to save as ``.npz`` and
to hash: :func:`params_hash` is the content hash that the protocol's
encryption block records for every new model.

No neural-network library is used: two architectures of a few layers do not
earn one, and a flat dict keeps serialisation and hashing obvious.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import math
from numbers import Integral
from pathlib import Path
from typing import Union

import jax
import jax.numpy as jnp
import numpy as np

__all__ = ["MLP", "CNN", "Model", "Params", "make_model", "params_hash",
           "save_params", "load_params", "count_params", "check_params", "conv3x3"]

#: A model's parameters: layer name -> float32 array.
Params = dict[str, jax.Array]


def _check_shape(name: str, shape: object) -> tuple[int, ...]:
    if not isinstance(shape, (tuple, list)) or not shape or not all(
            isinstance(d, Integral) and not isinstance(d, bool) and d >= 1
            for d in shape):
        raise ValueError(f"{name} must be a non-empty tuple of integers >= 1, "
                         f"got {shape!r}")
    return tuple(int(d) for d in shape)


def _check_widths(name: str, widths: object, *, empty: bool) -> tuple[int, ...]:
    if not isinstance(widths, (tuple, list)) or (not widths and not empty) or not all(
            isinstance(w, Integral) and not isinstance(w, bool) and w >= 1
            for w in widths):
        kind = "a tuple" if empty else "a non-empty tuple"
        raise ValueError(f"{name} must be {kind} of integers >= 1, got {widths!r}")
    return tuple(int(w) for w in widths)


def _check_classes(classes: object) -> int:
    if isinstance(classes, bool) or not isinstance(classes, Integral) or classes < 2:
        raise ValueError(f"classes must be an integer >= 2, got {classes!r}")
    return int(classes)


def _dense(key: jax.Array, fan_in: int, fan_out: int, gain: float
           ) -> tuple[jax.Array, jax.Array]:
    """Normal weights of variance ``gain / fan_in`` (He for ReLU, gain 2)."""
    scale = math.sqrt(gain / fan_in)
    w = scale * jax.random.normal(key, (fan_in, fan_out), dtype=jnp.float32)
    return w, jnp.zeros((fan_out,), jnp.float32)


@dataclasses.dataclass(frozen=True)
class MLP:
    """A multilayer perceptron: dense layers with ReLU, then linear logits.

    Parameters
    ----------
    input_shape : tuple of int
        Shape of one example (flattened on entry), e.g. ``(8, 8)``.
    widths : tuple of int
        Hidden layer widths; ``()`` gives multinomial logistic regression.
    classes : int
        Number of classes (>= 2): the width of the output layer.

    Notes
    -----
    Weights are drawn from Normal(0, 2 / fan_in) (He initialisation) for the
    hidden layers and Normal(0, 1 / fan_in) for the output layer; biases
    start at zero.
    """

    input_shape: tuple[int, ...]
    widths: tuple[int, ...] = (64, 64)
    classes: int = 10

    def __post_init__(self) -> None:
        object.__setattr__(self, "input_shape",
                           _check_shape("input_shape", self.input_shape))
        object.__setattr__(self, "widths",
                           _check_widths("widths", self.widths, empty=True))
        object.__setattr__(self, "classes", _check_classes(self.classes))

    def init(self, key: jax.Array) -> Params:
        """Fresh parameters drawn from ``key`` (compiled once per model)."""
        return _init(self, key)

    def _build(self, key: jax.Array) -> Params:
        sizes = (math.prod(self.input_shape), *self.widths, self.classes)
        keys = jax.random.split(key, len(sizes) - 1)
        params = {}
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            gain = 2.0 if i < len(sizes) - 2 else 1.0
            params[f"dense{i}/w"], params[f"dense{i}/b"] = _dense(
                keys[i], fan_in, fan_out, gain)
        return params

    def apply(self, params: Params, x: jax.Array) -> jax.Array:
        """Logits, shape ``(batch, classes)``, of examples ``x`` of shape
        ``(batch, *input_shape)``."""
        h = jnp.asarray(x, jnp.float32).reshape(x.shape[0], -1)
        last = len(self.widths)
        for i in range(last + 1):
            h = h @ params[f"dense{i}/w"] + params[f"dense{i}/b"]
            if i < last:
                h = jax.nn.relu(h)
        return h


@dataclasses.dataclass(frozen=True)
class CNN:
    """A small convolutional network for little images.

    3 x 3 convolutions with ReLU (``SAME`` padding; the first of stride 1,
    the others of stride 2, which halve the height and width), then a dense
    layer to the logits.

    Parameters
    ----------
    input_shape : tuple of int
        ``(height, width)`` or ``(height, width, channels)`` of one example.
    channels : tuple of int
        Output channels of each convolution (at least one).
    classes : int
        Number of classes (>= 2).
    """

    input_shape: tuple[int, ...]
    channels: tuple[int, ...] = (8, 16)
    classes: int = 10

    def __post_init__(self) -> None:
        shape = _check_shape("input_shape", self.input_shape)
        if len(shape) not in (2, 3):
            raise ValueError("input_shape of a CNN must be (height, width) or "
                             f"(height, width, channels), got {shape!r}")
        object.__setattr__(self, "input_shape", shape)
        object.__setattr__(self, "channels",
                           _check_widths("channels", self.channels, empty=False))
        object.__setattr__(self, "classes", _check_classes(self.classes))

    @property
    def _image(self) -> tuple[int, int, int]:
        return self.input_shape if len(self.input_shape) == 3 \
            else (*self.input_shape, 1)

    def init(self, key: jax.Array) -> Params:
        """Fresh parameters drawn from ``key`` (He initialisation; compiled
        once per model)."""
        return _init(self, key)

    def _build(self, key: jax.Array) -> Params:
        h, w, c = self._image
        keys = jax.random.split(key, len(self.channels) + 1)
        params = {}
        for i, out in enumerate(self.channels):
            fan_in = 9 * c
            scale = math.sqrt(2.0 / fan_in)
            params[f"conv{i}/w"] = scale * jax.random.normal(
                keys[i], (3, 3, c, out), dtype=jnp.float32)
            params[f"conv{i}/b"] = jnp.zeros((out,), jnp.float32)
            if i > 0:
                h, w = -(-h // 2), -(-w // 2)
            c = out
        params["dense0/w"], params["dense0/b"] = _dense(
            keys[-1], h * w * c, self.classes, 1.0)
        return params

    def apply(self, params: Params, x: jax.Array) -> jax.Array:
        """Logits, shape ``(batch, classes)``, of images ``x`` of shape
        ``(batch, *input_shape)``."""
        h = jnp.asarray(x, jnp.float32).reshape(x.shape[0], *self._image)
        for i in range(len(self.channels)):
            h = conv3x3(h, params[f"conv{i}/w"], 1 if i == 0 else 2)
            h = jax.nn.relu(h + params[f"conv{i}/b"])
        h = h.reshape(h.shape[0], -1)
        return h @ params["dense0/w"] + params["dense0/b"]


def conv3x3(h: jax.Array, w: jax.Array, stride: int) -> jax.Array:
    """3 x 3 convolution with ``SAME`` padding, as one matrix product.

    The same as ``lax.conv_general_dilated(h, w, (stride, stride), "SAME",
    dimension_numbers=("NHWC", "HWIO", "NHWC"))``, computed from the nine
    shifted views of ``h`` stacked along the channels (im2col). For little
    images this is the faster form on CPU, inside ``lax.scan`` and under
    ``vmap`` alike, where XLA's convolutions are slow.
    """
    _, height, width, channels = h.shape
    out_h, out_w = -(-height // stride), -(-width // stride)
    pad_h = max((out_h - 1) * stride + 3 - height, 0)
    pad_w = max((out_w - 1) * stride + 3 - width, 0)
    h = jnp.pad(h, ((0, 0), (pad_h // 2, pad_h - pad_h // 2),
                    (pad_w // 2, pad_w - pad_w // 2), (0, 0)))
    views = [h[:, i:i + (out_h - 1) * stride + 1:stride,
               j:j + (out_w - 1) * stride + 1:stride, :]
             for i in range(3) for j in range(3)]
    return jnp.concatenate(views, axis=-1) @ w.reshape(9 * channels, -1)


Model = Union[MLP, CNN]


@functools.partial(jax.jit, static_argnums=0)
def _init(model: Model, key: jax.Array) -> Params:
    return model._build(key)
MODELS = ("mlp", "cnn")


def make_model(kind: str, input_shape: tuple[int, ...], classes: int,
               widths: tuple[int, ...] | None = None) -> Model:
    """The model ``kind`` (``"mlp"`` or ``"cnn"``) for the given data.

    ``widths`` are the hidden widths of an MLP or the channels of a CNN
    (``None``: ``(64, 64)`` and ``(8, 16)``).
    """
    if kind == "mlp":
        return MLP(input_shape, (64, 64) if widths is None else widths, classes)
    if kind == "cnn":
        return CNN(input_shape, (8, 16) if widths is None else widths, classes)
    raise ValueError(f"model must be one of {MODELS}, got {kind!r}")


def count_params(params: Params) -> int:
    """Number of scalar parameters."""
    return sum(int(np.prod(a.shape)) for a in params.values())


def check_params(model: Model, params: object) -> Params:
    """``params`` if it has the names, shapes and dtype of ``model``'s
    parameters, else ``ValueError`` naming the first mismatch."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of arrays, got {type(params)!r}")
    like = jax.eval_shape(model.init, jax.random.key(0))
    if set(params) != set(like):
        raise ValueError(f"params must have the layers {sorted(like)} of "
                         f"{type(model).__name__}, got {sorted(params)}")
    for name, spec in like.items():
        a = params[name]
        dtype = getattr(a, "dtype", None)
        if tuple(np.shape(a)) != spec.shape or dtype != spec.dtype:
            raise ValueError(f"params[{name!r}] must be {spec.dtype} of shape "
                             f"{spec.shape}, got {dtype} of shape "
                             f"{tuple(np.shape(a))}")
    return params


def params_hash(params: Params) -> str:
    """SHA-256 (hex) of the parameters' content: what a block records.

    The digest covers, for each layer in sorted name order, the name, the
    dtype, the shape and the little-endian bytes of the values, so equal
    parameters give equal hashes on every machine and a change of any bit,
    shape or name gives another.
    """
    digest = hashlib.sha256()
    for name in sorted(params):
        a = np.asarray(params[name])
        a = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<"))
        digest.update(f"{name}\0{a.dtype.str}\0{a.shape}\0".encode())
        digest.update(a.tobytes())
    return digest.hexdigest()


def save_params(path: Path | str, params: Params) -> str:
    """Write ``params`` to ``path`` (``.npz``, one array per layer); return
    their :func:`params_hash`."""
    arrays = {name: np.asarray(a) for name, a in params.items()}
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    return params_hash(arrays)


def load_params(path: Path | str) -> Params:
    """Read parameters written by :func:`save_params` (float32 arrays)."""
    with np.load(path, allow_pickle=False) as data:
        params = {name: data[name] for name in data.files}
    for name, a in params.items():
        if a.dtype != np.float32 or not np.all(np.isfinite(a)):
            raise ValueError(f"{path}: layer {name!r} must hold finite float32 "
                             f"values, got {a.dtype}")
    return {name: jnp.asarray(a) for name, a in params.items()}
