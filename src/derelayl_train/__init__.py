"""Relay training in JAX: relay legs on real data, relay learning, baselines.

- models (:class:`MLP`, :class:`CNN`) as plain pytrees of float32 arrays,
  with a content hash (:func:`params_hash`) and ``.npz`` serialisation;
- data (:class:`Dataset`): scikit-learn's bundled digits by default
  (:func:`load_digits`, the ``data`` extra) or ``.npz`` files
  (:func:`load_npz`), a held-out test split (:func:`split`), IID or
  Dirichlet shards per participant (:func:`partition`, :func:`make_shards`);
- relay legs (:func:`train_leg`, :func:`train_legs`): E local epochs as one
  jitted ``lax.scan``, the legs of a round together under ``vmap``;
- relay learning (:func:`relay`): the protocol engine of ``derelayl_econ``
  (:class:`derelayl_econ.RelayProtocol`) with real legs as its training
  step and accuracy on the testing block's test cases (held out, apart
  from the test set that evaluates every method) as the models' scores;
- baselines on the same budget of gradient steps (:func:`central`,
  :func:`local`, :func:`fedavg`, :func:`cyclic`), and experiments that run
  them all (:class:`TrainConfig`, :func:`prepare`, :func:`run_method`,
  :func:`compare`).

Importing this package imports ``derelayl_econ``, which enables JAX's
64-bit mode; training stays in float32 (every array here has an explicit
dtype).
"""

import derelayl_econ  # noqa: F401  (64-bit mode before any array is made)

from ._baselines import central, cyclic, fedavg, local, nominal_schedule
from ._data import (Dataset, Shards, load_digits, load_npz, make_shards,
                    partition, split)
from ._experiment import METHODS, TrainConfig, compare, prepare, run_method
from ._legs import (OPTIMIZERS, LegConfig, LegResult, accuracies, accuracy,
                    stack_params, train_leg, train_legs, unstack_params)
from ._models import (CNN, MLP, Model, Params, check_params, count_params,
                      load_params, make_model, params_hash, save_params)
from ._relay import relay
from ._setup import Setup, TrainResult

__all__ = [
    # models
    "CNN", "MLP", "Model", "Params", "check_params", "count_params", "load_params",
    "make_model", "params_hash", "save_params",
    # data
    "Dataset", "Shards", "load_digits", "load_npz", "make_shards", "partition",
    "split",
    # relay legs
    "LegConfig", "LegResult", "OPTIMIZERS", "accuracies", "accuracy",
    "stack_params", "train_leg", "train_legs", "unstack_params",
    # methods and experiments
    "METHODS", "Setup", "TrainConfig", "TrainResult", "central", "compare",
    "cyclic", "fedavg", "local", "nominal_schedule", "prepare", "relay",
    "run_method",
]
