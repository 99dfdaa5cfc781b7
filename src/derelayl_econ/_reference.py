"""The reference engine: PROTOCOL.md's round, one plain function per step.

Written to be obviously right rather than fast; it is the oracle the JAX
engine is tested against. Models are explicit objects with parent links, and
the lineage reward walks every winner's parent chain back to genesis, so a
round costs time proportional to the chain length per winner.

Where PROTOCOL.md is silent this engine decides, and the JAX engine follows:

- "uniformly without replacement" and "shuffling each group of equal bids"
  use the round's random priorities (:class:`RoundDraws`): trainers are the
  non-owners of smallest ``(priority, index)``, and equal bids rank by
  ``(priority, index)``;
- ties in theta keep list order (Python's stable sort): new models are
  listed in the order their legs were matched, owners in the order they won
  the previous settlement;
- relay leg ``j`` (the ``j``-th matched trainer in rank order) uses the
  ``j``-th leg draws; a block's miner is the miner at the drawn position in
  the list of miners ordered by participant index;
- a "deposit" in the deposit block's fee is one matched pair;
- coins move in a fixed order within a round, and sums of equal amounts are
  one product (an owner's deposits ``bid x legs``, its refunds ``bid x
  wins``, its lineage reward ``R x count``, the testing fee ``fee x (cases +
  models)``, the settlement fee ``fee x models x (1 + cases)``), so that
  both engines compute every balance with the same floating-point
  operations and agree bit for bit, ties in bids included.
"""

from __future__ import annotations

import dataclasses
import math
from numbers import Real
from typing import Callable, Sequence

import jax
import numpy as np

from ._draws import round_draws
from ._params import ProtocolParams, check_count, check_seed
from ._records import NUM_GAP_BINS, Records, gap_bins

__all__ = ["run_reference", "RelayProtocol", "RelayRound", "Leg"]

_draws = jax.jit(round_draws, static_argnums=(2, 3))


@dataclasses.dataclass(eq=False)
class Model:
    """One model version: who made it from what.

    ``ident`` numbers models in the order they were made (genesis 0).
    """

    version: int
    parent: "Model | None"
    theta: float
    owner: int
    trainer: int
    ident: int = 0


@dataclasses.dataclass
class Pair:
    """A matched trainer and model owner, with both deposits."""

    trainer: int
    owner: int
    trainer_bid: float
    owner_bid: float
    model: Model | None = None


@dataclasses.dataclass
class State:
    """Everything the protocol remembers between rounds."""

    t: int
    coins: list[float]
    gained: list[list[Model]]
    encrypted: list[list[Model]]
    owners: list[int]
    made: int = 1        # models made so far, genesis included

    @classmethod
    def genesis(cls, n: int, theta: float = 0.0) -> "State":
        model = Model(version=0, parent=None, theta=theta, owner=0, trainer=0)
        gained: list[list[Model]] = [[] for _ in range(n)]
        gained[0].append(model)
        return cls(t=0, coins=[0.0] * n, gained=gained,
                   encrypted=[[] for _ in range(n)], owners=[0])

    def newest_version(self, i: int) -> int:
        held = self.gained[i][-1:] + self.encrypted[i][-1:]
        return max((m.version for m in held), default=-1)


@dataclasses.dataclass
class Ledger:
    """Coins created and destroyed in one round."""

    minted: float = 0.0
    burned: float = 0.0

    def pay(self, state: State, who: int, amount: float) -> None:
        state.coins[who] += amount
        self.minted += amount


# Step 1 ---------------------------------------------------------------------
def draw_roles(state: State, params: ProtocolParams, priority: np.ndarray):
    """Owners, trainers (in priority order) and miners (in index order)."""
    owners = list(state.owners)
    owner_set = set(owners)
    non_owners = sorted((i for i in range(params.n) if i not in owner_set),
                        key=lambda i: (int(priority[i]), i))
    trainers = non_owners[: params.slots - len(owners)]
    busy = owner_set | set(trainers)
    miners = [i for i in range(params.n) if i not in busy]
    return owners, trainers, miners


# Step 2 ---------------------------------------------------------------------
def trainer_bid(state: State, trainer: int) -> float:
    """``min(coins, t - v + 1)``, v the version of the last gained model."""
    last = state.gained[trainer][-1].version if state.gained[trainer] else 0
    return min(state.coins[trainer], float(state.t - last + 1))


def owner_bid(state: State, params: ProtocolParams, owner: int) -> float:
    """``min(coins, B) / k`` per trainer; ``coins / (k + 1e-12)`` if coins <= B."""
    coins = state.coins[owner]
    if coins <= params.budget:
        return coins / (params.k + 1e-12)
    return params.budget / params.k


# Step 3 ---------------------------------------------------------------------
def match(state: State, params: ProtocolParams, owners: list[int],
          trainers: list[int]) -> list[Pair]:
    """Best bids go to the best owners, ``k`` trainers per owner."""
    # ``trainers`` is in (priority, index) order; a stable sort on the bid
    # keeps that order within each group of equal bids.
    bids = {i: trainer_bid(state, i) for i in trainers}
    ranked_trainers = sorted(trainers, key=lambda i: -bids[i])
    ranked_owners = sorted(owners, key=lambda o: -state.gained[o][-1].theta)
    pairs = []
    for j, trainer in enumerate(ranked_trainers):
        if j // params.k >= len(ranked_owners):
            break
        owner = ranked_owners[j // params.k]
        pairs.append(Pair(trainer, owner, bids[trainer],
                          owner_bid(state, params, owner)))
    return pairs


# Step 4 ---------------------------------------------------------------------
def pay_deposits(state: State, params: ProtocolParams, pairs: list[Pair],
                 miner: int, ledger: Ledger) -> None:
    """Each pair pays both deposits; the deposit block's miner earns fees."""
    for pair in pairs:
        state.coins[pair.trainer] -= pair.trainer_bid
    per_owner: dict[int, list[float]] = {}
    for pair in pairs:
        per_owner.setdefault(pair.owner, []).append(pair.owner_bid)
    for owner, bids in per_owner.items():
        state.coins[owner] -= bids[0] * len(bids)
    ledger.pay(state, miner, params.fee * len(pairs))


# Step 5 ---------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Leg:
    """A relay leg that succeeded: ``trainer`` continues training model
    ``parent`` lent by ``owner`` into the new model ``model`` (ids as in
    :attr:`Model.ident`), of version ``version``."""

    trainer: int
    owner: int
    parent: int
    model: int
    version: int


#: Scores the new models of a round's successful legs (in match order);
#: the scores replace theta in the settlement's ranking.
LegScorer = Callable[[Sequence[Leg]], Sequence[float]]


def train(state: State, params: ProtocolParams, pairs: list[Pair],
          leg_uniform: np.ndarray, leg_normal: np.ndarray,
          score: LegScorer | None = None) -> list[Model]:
    """Leg ``j`` succeeds with chance p and adds Normal(mu, sigma^2) to theta.

    With ``score``, a successful leg's new model takes the score that
    ``score`` returns for it as its theta instead (relay learning: the test
    accuracy of a really trained model).
    """
    new_models = []
    for j, pair in enumerate(pairs):
        if not float(leg_uniform[j]) < params.p:
            continue
        parent = state.gained[pair.owner][-1]
        improvement = params.mu + params.sigma * float(leg_normal[j])
        model = Model(version=state.t + 1, parent=parent,
                      theta=parent.theta + improvement, owner=pair.owner,
                      trainer=pair.trainer, ident=state.made)
        state.made += 1
        state.gained[pair.trainer].append(model)
        pair.model = model
        new_models.append(model)
    if score is not None:
        legs = [Leg(trainer=m.trainer, owner=m.owner, parent=m.parent.ident,
                    model=m.ident, version=m.version) for m in new_models]
        scores = list(score(legs))
        if len(scores) != len(legs) or not all(
                isinstance(x, Real) and math.isfinite(x) for x in scores):
            raise ValueError(f"train must return one finite score per leg "
                             f"({len(legs)} legs), got {scores!r}")
        for model, value in zip(new_models, scores):
            model.theta = float(value)
    return new_models


# Steps 6 and 7 --------------------------------------------------------------
def encryption_block(state: State, params: ProtocolParams, models: list[Model],
                     miner: int, ledger: Ledger) -> None:
    """Publish key and hashes; the miner receives every new model encrypted."""
    ledger.pay(state, miner, params.fee * len(models))
    state.encrypted[miner].extend(models)


def testing_block(state: State, params: ProtocolParams, models: list[Model],
                  miner: int, ledger: Ledger) -> None:
    """Run the test cases on the encrypted models: fee x (cases + models)."""
    ledger.pay(state, miner, params.fee * (params.cases + len(models)))


# Step 8 ---------------------------------------------------------------------
def settle(state: State, params: ProtocolParams, pairs: list[Pair],
           models: list[Model], miner: int, ledger: Ledger) -> list[Model]:
    """Rank, pick the winners, refund them and pay every lineage its reward."""
    n_models = len(models)
    ledger.pay(state, miner, params.fee * (n_models * (1 + params.cases)))
    ranked = sorted(models, key=lambda m: -m.theta)
    winners = ranked[: math.floor(params.s * n_models)]
    winner_set = set(map(id, winners))
    pair_of = {id(pair.model): pair for pair in pairs if pair.model is not None}

    # Refunds: the winner's trainer its deposit, the owner one per winner.
    owner_wins: dict[int, list[float]] = {}
    for model in winners:
        pair = pair_of[id(model)]
        state.coins[pair.trainer] += pair.trainer_bid
        owner_wins.setdefault(pair.owner, []).append(pair.owner_bid)
    for owner, bids in owner_wins.items():
        state.coins[owner] += bids[0] * len(bids)

    # Lineage: for each winner, R to its owner and R to the owner of every
    # earlier model on its parent chain. Counted first, paid once per
    # participant, so that the sum does not depend on an order of additions.
    lineage_count: dict[int, int] = {}
    for model in winners:
        ancestor = model
        while ancestor is not None:
            lineage_count[ancestor.owner] = lineage_count.get(ancestor.owner, 0) + 1
            ancestor = ancestor.parent
    for owner, count in sorted(lineage_count.items()):
        ledger.pay(state, owner, params.reward * count)

    for pair in pairs:
        if pair.model is None or id(pair.model) not in winner_set:
            ledger.burned += pair.trainer_bid + pair.owner_bid
    return winners


def lineage_depth(winners: list[Model]) -> int:
    """Generations back to the winners' most recent common ancestor."""
    if not winners:
        return -1
    generation, depth = {id(m): m for m in winners}, 0
    while len(generation) > 1:
        generation = {id(m.parent): m.parent for m in generation.values()}
        depth += 1
    return depth


def play_round(state: State, params: ProtocolParams, draws,
               score: LegScorer | None = None) -> dict:
    """Play round ``state.t`` in place; return what the records keep of it
    (and, under ``"new"`` and ``"won"``, the round's new and winning models)."""
    ledger = Ledger()
    owners, trainers, miners = draw_roles(state, params, draws.priority)
    deposit_m, encryption_m, testing_m, settlement_m = (
        miners[int(i)] for i in draws.block_miners)
    pairs = match(state, params, owners, trainers)
    pay_deposits(state, params, pairs, deposit_m, ledger)
    models = train(state, params, pairs, draws.leg_uniform, draws.leg_normal,
                   score)
    encryption_block(state, params, models, encryption_m, ledger)
    testing_block(state, params, models, testing_m, ledger)
    winners = settle(state, params, pairs, models, settlement_m, ledger)

    state.owners = [m.trainer for m in winners]
    state.t += 1
    return dict(
        owners=len(owners), matched=len(pairs), trained=len(models),
        winners=len(winners), minted=ledger.minted, burned=ledger.burned,
        best_theta=max((m.theta for m in models), default=math.nan),
        lineage_depth=lineage_depth(winners), new=models, won=winners,
    )


def run_reference(params: ProtocolParams, rounds: int, seed: int = 42) -> Records:
    """Play ``rounds`` rounds of the protocol from genesis, in plain Python.

    Parameters
    ----------
    params : ProtocolParams
        The economy.
    rounds : int
        Rounds to play (>= 1).
    seed : int
        Seed of the run's key ``jax.random.key(seed)``; the JAX engine with
        the same seed plays the same game.

    Returns
    -------
    Records
        Full per-round records, per-participant trajectories included.
    """
    if not isinstance(params, ProtocolParams):
        raise TypeError(f"params must be a ProtocolParams, got {type(params)!r}")
    rounds, seed = check_count("rounds", rounds), check_seed(seed)
    key = jax.random.key(seed)
    state = State.genesis(params.n)
    per_round, coins, versions = [], [], []
    for t in range(rounds):
        draws = jax.tree.map(np.asarray, _draws(key, t, params.n, params.slots))
        per_round.append(play_round(state, params, draws))
        coins.append(list(state.coins))
        versions.append([state.newest_version(i) for i in range(params.n)])
    coins_arr = np.array(coins, dtype=np.float64)
    versions_arr = np.array(versions, dtype=np.int32)
    bins = gap_bins(versions_arr)
    gap_counts = np.stack([(bins == b).sum(axis=1) for b in range(NUM_GAP_BINS)],
                          axis=1)
    field = lambda name, dtype: np.array([r[name] for r in per_round],  # noqa: E731
                                         dtype=dtype)
    return Records(
        owners=field("owners", np.int32), matched=field("matched", np.int32),
        trained=field("trained", np.int32), winners=field("winners", np.int32),
        minted=field("minted", np.float64), burned=field("burned", np.float64),
        supply=coins_arr.sum(axis=1), best_theta=field("best_theta", np.float64),
        lineage_depth=field("lineage_depth", np.int32), gap_counts=gap_counts,
        final_coins=coins_arr[-1], final_versions=versions_arr[-1],
        coins=coins_arr, versions=versions_arr,
    )


@dataclasses.dataclass(frozen=True)
class RelayRound:
    """What one round of :class:`RelayProtocol` did.

    Attributes
    ----------
    t : int
        The round played.
    owners, matched, trained : int
        Model owners, relay legs matched, legs that succeeded.
    winners : tuple of int
        Ids of the winning models, best first; their trainers own the next
        round.
    scores : dict
        Model id -> score of every new model of the round.
    minted, burned : float
        Coins created (fees, lineage rewards) and destroyed (lost deposits).
    extinct : bool
        No model won: the relay has stopped for good.
    """

    t: int
    owners: int
    matched: int
    trained: int
    winners: tuple
    scores: dict
    minted: float
    burned: float
    extinct: bool


class RelayProtocol:
    """The protocol one round at a time, with a pluggable training step.

    This is the reference engine stepped from outside: the same rules and
    the same random draws as :func:`run_reference` (roles, tie-breaking,
    leg success with chance p, block miners), but each round's successful
    legs are handed to a ``train`` function that trains real models and
    returns their scores (test accuracy, say), which replace the abstract
    ``theta`` in the owners' and the settlement's rankings. Deposits,
    refunds, fees and lineage coins are the engine's own. Relay learning
    (``derelayl_train``) plugs in here rather than copying the round.

    Parameters
    ----------
    params : ProtocolParams
        The economy; ``mu`` and ``sigma`` are unused when ``train`` scores
        the models.
    seed : int
        Seed of the protocol's draws, as in :func:`run_reference`.
    genesis_score : float
        Score of the genesis model (id 0, owned by participant 0).

    Notes
    -----
    Model ids number the models in the order they were made. Only the
    models in :attr:`owner_models` are ever lent again (an owner lends the
    model it won with), so a trainer of real models may drop all others.
    """

    def __init__(self, params: ProtocolParams, seed: int = 42,
                 genesis_score: float = 0.0) -> None:
        if not isinstance(params, ProtocolParams):
            raise TypeError(f"params must be a ProtocolParams, got {type(params)!r}")
        if isinstance(genesis_score, bool) or not isinstance(genesis_score, Real) \
                or not math.isfinite(genesis_score):
            raise ValueError(f"genesis_score must be a finite number, got "
                             f"{genesis_score!r}")
        self.params = params
        self.seed = check_seed(seed)
        self._key = jax.random.key(self.seed)
        self._state = State.genesis(params.n, float(genesis_score))
        self._alive, self._broken = True, False

    @property
    def t(self) -> int:
        """The next round to play."""
        return self._state.t

    @property
    def coins(self) -> np.ndarray:
        """Balances of all participants (float64, a copy)."""
        return np.array(self._state.coins, dtype=np.float64)

    @property
    def owner_models(self) -> tuple[int, ...]:
        """Ids of the models the next round's owners lend."""
        return tuple(self._state.gained[o][-1].ident for o in self._state.owners)

    @property
    def extinct(self) -> bool:
        """Whether a round has trained no winning model (the relay stopped)."""
        return not self._alive

    def play_round(self, train: LegScorer) -> RelayRound:
        """Play the next round, scoring its new models with ``train``.

        ``train`` is called once with the round's successful legs in match
        order (possibly none) and returns one finite score per leg, higher
        better. Raises ``RuntimeError`` once the relay is extinct, or after
        a round whose ``train`` raised (that round is left half played).
        """
        if not callable(train):
            raise TypeError(f"train must be callable, got {train!r}")
        if self._broken:
            raise RuntimeError(f"round {self.t} failed half-way (its train "
                               "function raised); start a new RelayProtocol")
        if not self._alive:
            raise RuntimeError(f"the relay went extinct in round {self.t - 1}: "
                               "no owner is left to lend a model")
        t = self._state.t
        draws = jax.tree.map(np.asarray, _draws(self._key, t, self.params.n,
                                                self.params.slots))
        try:
            out = play_round(self._state, self.params, draws, train)
        except BaseException:
            # Deposits were paid and models made: the state is half a round on.
            self._broken = True
            raise
        self._alive = out["winners"] > 0
        return RelayRound(
            t=t, owners=out["owners"], matched=out["matched"], trained=out["trained"],
            winners=tuple(m.ident for m in out["won"]),
            scores={m.ident: m.theta for m in out["new"]},
            minted=out["minted"], burned=out["burned"], extinct=not self._alive)
