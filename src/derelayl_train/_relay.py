"""Relay learning: the DeRelayL protocol with real relay legs.

The rules of a round (roles, bids, matching, deposits, leg success with
chance p, blocks, settlement, refunds, lineage coins) are those of the
protocol engine, :class:`derelayl_econ.RelayProtocol`; this module only
plugs a training step into it. In each round the engine hands over the
successful legs; every leg's trainer continues the model its owner lends
(the owner's last winning model) for E local epochs on its own shard, all
legs at once under ``vmap``; the new models' test accuracies are their
scores, which rank them in the settlement in place of the abstract
performance number theta. The winners' trainers own the next round.
"""

from __future__ import annotations

from numbers import Integral

import jax
import jax.numpy as jnp
import numpy as np

from derelayl_econ import Leg, ProtocolParams, RelayProtocol

from ._legs import accuracies, accuracy, stack_params, train_legs, unstack_params
from ._models import params_hash
from ._setup import Progress, Setup, TrainResult

__all__ = ["relay"]


def relay(setup: Setup, protocol: ProtocolParams, rounds: int, key: jax.Array, *,
          seed: int = 42, progress: Progress | None = None) -> TrainResult:
    """Train by relay learning for up to ``rounds`` rounds.

    Parameters
    ----------
    setup : Setup
        Model, leg configuration, one shard per participant, test set and
        the genesis model (id 0, owned by participant 0).
    protocol : ProtocolParams
        The economy; ``protocol.n`` must equal the number of shards.
        ``mu`` and ``sigma`` are unused (test accuracy replaces theta).
    rounds : int
        Rounds to play (>= 1); fewer are played if the relay goes extinct.
    key : jax key
        Randomness of training: the leg that makes model ``m`` uses
        ``fold_in(key, m)``, so results do not depend on the legs' order.
    seed : int
        Seed of the protocol's own draws (roles, ties, leg success, miners).
    progress : callable, optional
        Called with the number of rounds done after each round.

    Returns
    -------
    TrainResult
        ``test_accuracy[t]`` is the test accuracy of round t's best winning
        model, the one ranked first by its score on the test cases (in the
        round the relay goes extinct, the previous value);
        ``gradient_steps`` counts the steps of successful legs (a failed leg
        trains nothing). ``details`` holds the protocol's records: owners,
        matched and trained legs, winners, coins minted and burned, coins
        per participant after each round (``coins``, shape (rounds, n)),
        ``best_model`` (the id of the reported model after each round),
        ``genesis_score`` (the start model's score on the test cases),
        ``extinct_round`` (or ``None``) and ``models``, one entry per new
        model with its lineage, score, content hash and whether it won.

    Notes
    -----
    The score that ranks the models is their accuracy on the testing
    block's test cases (``setup.cases``); the reported accuracy is the
    best winner's on ``setup.test``, examples the selection never saw, so
    that choosing the best of several models does not flatter the relay
    (with ``setup.cases = None`` both are the test set, and it does).
    Legs are padded to ``slots - 1`` (the most a round can have) so that one
    compilation serves every round.
    """
    if not isinstance(setup, Setup):
        raise TypeError(f"setup must be a Setup, got {type(setup)!r}")
    if not isinstance(protocol, ProtocolParams):
        raise TypeError(f"protocol must be a ProtocolParams, got {type(protocol)!r}")
    if protocol.n != setup.participants:
        raise ValueError(f"protocol.n must equal the number of shards "
                         f"({setup.participants}), got {protocol.n}")
    if isinstance(rounds, bool) or not isinstance(rounds, Integral) or rounds < 1:
        raise ValueError(f"rounds must be an integer >= 1, got {rounds!r}")

    model, test, cases = setup.model, setup.test, setup.scoring
    test_x, test_y = jnp.asarray(test.x), jnp.asarray(test.y)
    cases_x, cases_y = jnp.asarray(cases.x), jnp.asarray(cases.y)
    width = max(1, protocol.slots - 1)
    genesis = accuracy(model, setup.init_params, test_x, test_y)
    genesis_score = accuracy(model, setup.init_params, cases_x, cases_y)
    engine = RelayProtocol(protocol, seed=seed, genesis_score=genesis_score)
    params_of = {0: setup.init_params}
    lineage: list[dict] = []
    steps_now = [0]

    def train(legs: list[Leg]) -> list[float]:
        if not legs:
            return []
        pad = width - len(legs)
        parents = stack_params([params_of[leg.parent] for leg in legs]
                               + [params_of[legs[0].parent]] * pad)
        ids = jnp.array([leg.model for leg in legs] + [0] * pad)
        out = train_legs(
            model, setup.config, parents, setup.shards,
            [leg.trainer for leg in legs] + [0] * pad,
            jax.vmap(lambda m: jax.random.fold_in(key, m))(ids),
            max_steps=[2**31 - 1] * len(legs) + [0] * pad)
        scores = accuracies(model, out.params, cases_x, cases_y)[:len(legs)]
        host = jax.tree.map(np.asarray, out.params)
        for j, leg in enumerate(legs):
            params_of[leg.model] = unstack_params(out.params, j)
            lineage.append(dict(
                model=leg.model, round=engine.t, version=leg.version,
                parent=leg.parent, owner=leg.owner, trainer=leg.trainer,
                score=float(scores[j]), steps=int(out.steps[j]),
                hash=params_hash(unstack_params(host, j)), won=False))
        steps_now[0] = int(out.steps[:len(legs)].sum())
        return [float(s) for s in scores]

    acc, steps, coins, rows, best_ids = [], [], [], [], []
    best, best_acc, total, extinct = setup.init_params, genesis, 0, None
    best_id = 0
    for t in range(int(rounds)):
        steps_now[0] = 0                 # also if train is not called
        r = engine.play_round(train)
        total += steps_now[0]
        if r.winners:
            best_id = r.winners[0]
            best = params_of[best_id]
            best_acc = accuracy(model, best, test_x, test_y)
        best_ids.append(best_id)
        won = set(r.winners)
        for entry in lineage[-r.trained:] if r.trained else ():
            entry["won"] = entry["model"] in won
        acc.append(best_acc)
        steps.append(total)
        coins.append(engine.coins)
        rows.append(dict(owners=r.owners, matched=r.matched, trained=r.trained,
                         winners=len(r.winners), minted=r.minted, burned=r.burned))
        keep = set(engine.owner_models)
        params_of = {m: p for m, p in params_of.items() if m in keep}
        if progress is not None:
            progress(t + 1)
        if r.extinct:
            extinct = t
            break

    details = {name: np.array([row[name] for row in rows])
               for name in ("owners", "matched", "trained", "winners", "minted",
                            "burned")}
    details.update(coins=np.array(coins, np.float64), extinct_round=extinct,
                   best_model=np.array(best_ids), genesis_score=genesis_score,
                   models=lineage, seed=seed, protocol=protocol.to_dict())
    return TrainResult("relay", np.array(acc, np.float64), np.array(steps, np.int64),
                       genesis, best, details)
