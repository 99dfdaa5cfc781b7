"""The JAX engine: PROTOCOL.md's round as fixed-shape array code.

Rounds run under ``lax.scan`` in jit-compiled chunks; a batch of seeds runs
under ``vmap``. There is no Python loop per round or per participant. The
engine consumes the same :func:`round_draws` as the reference engine and
follows its tie rules, so both play the same game (the tests hold them
equal).

Where the time goes, and what was chosen
----------------------------------------
On a CPU, XLA sorts a single unsigned-integer operand several times faster
than it sorts floats or key-value pairs. Every ranking of a round is
therefore an integer sort: trainers are chosen by sorting
``priority << 32 | index``; rankings by a float (bids, theta) sort the
float's order-preserving bit pattern, turn it into a rank by binary search,
and sort ``rank << 32 | position``. Owners need no sort at all: they are
the previous round's winners, already in settlement order.

Lineage rewards would cost ``t + 2`` steps per winner if every chain were
walked to genesis. All live lineages meet in a most recent common ancestor
(MRCA) a few rounds back (``Records.lineage_depth`` measures how far), and
every model from there back to genesis is an ancestor of every winner. The
engine keeps the owners of that *trunk* as a count per participant and pays
``R * winners * trunk`` at once; only the generations since the MRCA are
walked. They sit in three ring buffers (``default_lineage_sizes``): the
last rounds with every winner (8 of them for large runs), the rounds before
(24) with only the models that
still have descendants (a few percent), and older rounds, where a handful
of lineages run side by side for hundreds of rounds, with an ancestor table
that pays them all in one scatter instead of a loop. Should a run outgrow
the buffers, it is flagged and :func:`run_jax` repeats it with larger ones,
so results stay exact.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ._draws import round_draws
from ._params import ProtocolParams, check_count, check_seed
from ._records import NUM_GAP_BINS, Records

__all__ = ["run_jax", "Checkpoint", "default_lineage_sizes", "run_identity"]

log = logging.getLogger(__name__)

_U64_TOP = np.uint64(1 << 63)
_U64_MAX = np.uint64(np.iinfo(np.uint64).max)
_LOW32 = np.uint64(0xFFFFFFFF)
#: Up to this length, ranks come from an all-pairs comparison (one fused
#: op) instead of sorts, which cost more in per-op overhead at small sizes.
_PAIRWISE_MAX = 512


class _State(NamedTuple):
    t: jax.Array               # round about to be played
    coins: jax.Array           # (n,) float64
    last_gained: jax.Array     # (n,) version of the last gained model, -1 none
    newest: jax.Array          # (n,) newest version held, -1 none
    owner_ids: jax.Array       # (M,) owners in rank order, n as padding
    owner_theta: jax.Array     # (M,) theta of each owner's last gained model
    owners: jax.Array          # number of owners this round
    lineage: "_Lineage"        # recent generations of winners, the trunk


class _Dyn(NamedTuple):
    """Traced parameters: changing them does not recompile."""

    k: jax.Array
    s: jax.Array
    p: jax.Array
    mu: jax.Array
    sigma: jax.Array
    reward: jax.Array
    budget: jax.Array
    fee: jax.Array
    cases: jax.Array


def _dyn(params: ProtocolParams) -> _Dyn:
    f = lambda x: jnp.asarray(x, jnp.float64)  # noqa: E731
    return _Dyn(k=jnp.asarray(params.k, jnp.int32), s=f(params.s), p=f(params.p),
                mu=f(params.mu), sigma=f(params.sigma), reward=f(params.reward),
                budget=f(params.budget), fee=f(params.fee), cases=f(params.cases))


def _genesis(n: int, m_max: int, sizes: tuple[int, ...]) -> _State:
    return _State(
        t=jnp.int32(0),
        coins=jnp.zeros(n, jnp.float64),
        last_gained=jnp.full(n, -1, jnp.int32).at[0].set(0),
        newest=jnp.full(n, -1, jnp.int32).at[0].set(0),
        owner_ids=jnp.full(m_max, n, jnp.int32).at[0].set(0),
        owner_theta=jnp.zeros(m_max, jnp.float64),
        owners=jnp.int32(1),
        lineage=_lineage_genesis(n, m_max, sizes),
    )


def _products(dyn: _Dyn, compute: Callable[[], tuple]) -> tuple:
    """Evaluate ``compute()`` (products) apart from what uses its results.

    Fused into the same kernel, a product and a following sum become one
    multiply-add, rounded once where Python rounds twice; money would then
    differ from the reference engine in the last bit, and equal bids would
    stop being equal. A conditional on a runtime value (true whenever
    ``p > 0``, which parameters guarantee) keeps the products in a
    computation of their own, rounded when they leave it.
    """
    shapes = jax.eval_shape(compute)
    return lax.cond(dyn.p > 0, compute,
                    lambda: jax.tree.map(lambda a: jnp.zeros(a.shape, a.dtype),
                                         shapes))


# Rankings ---------------------------------------------------------------------
def _desc_key(x: jax.Array, valid: jax.Array) -> jax.Array:
    """uint64 keys whose ascending order is ``x`` descending; invalid last."""
    bits = lax.bitcast_convert_type(x + 0.0, jnp.uint64)  # +0.0: -0.0 == 0.0
    ascending = jnp.where(bits >= _U64_TOP, ~bits, bits | _U64_TOP)
    return jnp.where(valid, ~ascending, _U64_MAX)


def _order_desc(x: jax.Array, valid: jax.Array) -> jax.Array:
    """Positions sorted by ``x`` descending, ties by position, invalid last."""
    size = x.shape[0]
    key = _desc_key(x, valid)
    position = jnp.arange(size, dtype=jnp.int32)
    if size <= _PAIRWISE_MAX:
        before = (key[None, :] < key[:, None]) | (
            (key[None, :] == key[:, None]) & (position[None, :] < position[:, None]))
        rank = before.sum(axis=1, dtype=jnp.int32)
        return jnp.zeros(size, jnp.int32).at[rank].set(position)
    rank = jnp.searchsorted(jnp.sort(key), key, side="left").astype(jnp.uint64)
    packed = jnp.sort((rank << np.uint64(32)) | position.astype(jnp.uint64))
    return (packed & _LOW32).astype(jnp.int32)


def _first_by_priority(priority: jax.Array, eligible: jax.Array,
                       count: int) -> jax.Array:
    """Indices of the ``count`` smallest ``(priority, index)``; ineligible last."""
    n = priority.shape[0]
    key = (priority.astype(jnp.uint64) << np.uint64(32)) | jnp.arange(
        n, dtype=jnp.uint64)
    key = jnp.where(eligible, key, _U64_MAX)
    return (jnp.sort(key)[:count] & _LOW32).astype(jnp.int32)


# One round --------------------------------------------------------------------
def _round(state: _State, key: jax.Array, dyn: _Dyn, *, n: int, slots: int,
           full: bool):
    m_max = state.owner_ids.shape[0]
    t, m, coins = state.t, state.owners, state.coins
    draws = round_draws(key, t, n, slots)
    f64 = jnp.float64

    # 1. Roles: trainers are the non-owners of smallest (priority, index).
    rank_m = jnp.arange(m_max, dtype=jnp.int32)
    is_owner = jnp.zeros(n, bool).at[state.owner_ids].set(rank_m < m, mode="drop")
    u = slots - m
    q = jnp.arange(slots, dtype=jnp.int32)
    trainer_at = _first_by_priority(draws.priority, ~is_owner, slots)
    drawn = q < u
    is_trainer = jnp.zeros(n, bool).at[jnp.where(drawn, trainer_at, n)].set(
        True, mode="drop")
    is_miner = ~(is_owner | is_trainer)
    miner_count = jnp.cumsum(is_miner, dtype=jnp.int32)
    block_miner = jnp.searchsorted(miner_count, draws.block_miners + 1,
                                   side="left").astype(jnp.int32)

    # 2. Bids (in priority order of the trainers; owners in rank order).
    trainer_at = jnp.where(drawn, trainer_at, 0)
    v = jnp.maximum(state.last_gained[trainer_at], 0)
    t_bid = jnp.minimum(coins[trainer_at], (t - v + 1).astype(f64))
    owner_coins = coins[jnp.minimum(state.owner_ids, n - 1)]
    o_bid = jnp.where(owner_coins <= dyn.budget,
                      owner_coins / (dyn.k.astype(f64) + 1e-12),
                      dyn.budget / dyn.k.astype(f64))

    # 3. Matching: the j-th best bid goes to the owner of rank j // k.
    j = q
    ranked = _order_desc(t_bid, drawn)
    n_matched = jnp.minimum(dyn.k * m, u)
    matched = j < n_matched
    pair_trainer = jnp.where(matched, trainer_at[ranked], n)
    pair_tbid = jnp.where(matched, t_bid[ranked], 0.0)
    pair_rank = jnp.where(matched, j // dyn.k, m_max)
    pair_owner = jnp.where(matched, state.owner_ids[jnp.minimum(pair_rank,
                                                                m_max - 1)], n)
    pair_obid = jnp.where(matched, o_bid[jnp.minimum(pair_rank, m_max - 1)], 0.0)

    # 4. Deposits (coins move at the end of the round, in the reference's
    # order; nothing reads them before).
    legs_per_owner = jnp.clip(n_matched - rank_m * dyn.k, 0, dyn.k)

    # 5. Training: leg j succeeds iff its uniform draw is below p.
    success = matched & (draws.leg_uniform < dyn.p)
    parent_theta = state.owner_theta[jnp.minimum(pair_rank, m_max - 1)]
    (spread,) = _products(dyn, lambda: (dyn.sigma * draws.leg_normal,))
    theta = parent_theta + (dyn.mu + spread)
    models = success.sum(dtype=jnp.int32)
    x = models.astype(f64)
    gainer = jnp.where(success, pair_trainer, n)
    last_gained = state.last_gained.at[gainer].set(t + 1, mode="drop")
    newest = state.newest.at[gainer].set(t + 1, mode="drop")

    # 6. Encryption block: the miner receives every new model.
    newest = newest.at[block_miner[1]].set(
        jnp.where(models > 0, t + 1, newest[block_miner[1]]))

    # 8. Settlement: the top floor(s x models) win.
    by_theta = _order_desc(theta, success)
    w = jnp.floor(dyn.s * x).astype(jnp.int32)
    won = rank_m < w
    win_pair = by_theta[jnp.minimum(rank_m, slots - 1)]
    win_trainer = jnp.where(won, pair_trainer[win_pair], n)
    win_owner = jnp.where(won, pair_owner[win_pair], n)
    wins_per_owner = jax.ops.segment_sum(won.astype(f64), jnp.where(
        won, pair_rank[win_pair], m_max), num_segments=m_max)
    counts, lineage = _lineage_counts(
        state.lineage, jnp.where(won, pair_rank[win_pair], m_max), win_owner, t, w)

    # Coins move: deposits, the four blocks' fees, refunds, lineage rewards.
    fee = dyn.fee
    owner_paid, fees, owner_refund, lineage_paid = _products(dyn, lambda: (
        o_bid * legs_per_owner,
        fee * jnp.stack([n_matched.astype(f64), x, dyn.cases + x,
                         x * (1 + dyn.cases)]),
        o_bid * wins_per_owner,
        dyn.reward * counts))
    # One step at a time: XLA may otherwise reorder additions across steps.
    steps = [(pair_trainer, -pair_tbid), (state.owner_ids, -owner_paid)]
    steps += [(block_miner[block], fees[block]) for block in range(4)]
    steps += [(win_trainer, pair_tbid[win_pair]), (state.owner_ids, owner_refund)]
    for who, amount in steps:
        coins = lax.optimization_barrier(coins).at[who].add(amount, mode="drop")
    coins = lax.optimization_barrier(coins) + lineage_paid

    deposits = jnp.sum(pair_tbid + pair_obid)
    refunded = jnp.sum(jnp.where(won, pair_tbid[win_pair] + pair_obid[win_pair],
                                 0.0))
    burned = deposits - refunded

    minted = (fee * (n_matched + 3 * x + dyn.cases + dyn.cases * x)
              + dyn.reward * w * (t + 2).astype(f64))
    new_state = _State(
        t=t + 1, coins=coins, last_gained=last_gained, newest=newest,
        owner_ids=win_trainer, owner_theta=jnp.where(won, theta[win_pair], 0.0),
        owners=w, lineage=lineage)

    newest_any = newest.max()
    bins = jnp.where(newest < 0, 12, jnp.minimum(newest_any - newest, 11))
    record = dict(
        owners=m, matched=n_matched, trained=models, winners=w, minted=minted,
        burned=burned, supply=coins.sum(),
        best_theta=jnp.where(models > 0, jnp.where(success, theta, -jnp.inf).max(),
                             jnp.nan),
        lineage_depth=jnp.where(w > 0, t - lineage.anchor, -1),
        gap_counts=jnp.zeros(NUM_GAP_BINS, jnp.int32).at[bins].add(1),
    )
    if full:
        record.update(coins=coins, versions=newest)
    return new_state, record


class _Lineage(NamedTuple):
    """Recent generations of winning models, in three ring buffers.

    The last ``dense`` rounds keep every winner (``M`` slots a round). When a
    round leaves a buffer it keeps only its models that still have
    descendants among the winners, ``width`` slots a round for ``mid``
    rounds, then ``narrow`` slots a round for ``deep`` rounds. A model that
    lost all descendants never regains any, so nothing needed is dropped.
    The deep rounds are few lineages that meet rarely; for them
    ``ancestor`` holds, for each model of the newest deep round, its
    ancestor's slot in every deep round, so the walk through them is one
    scatter instead of a loop.
    """

    dparent: jax.Array   # (dense, M) parent's slot in the round before
    dlender: jax.Array   # (dense, M) owner (MO) of the model
    mparent: jax.Array   # (mid, width)
    mlender: jax.Array   # (mid, width)
    sparent: jax.Array   # (deep, narrow)
    slender: jax.Array   # (deep, narrow)
    ancestor: jax.Array  # (deep, narrow) ancestor slots, see above
    anchor: jax.Array    # round of the trunk's tip (-1: genesis)
    trunk: jax.Array     # (n,) owners of the trunk models, as counts
    too_wide: jax.Array  # more than ``width`` live models left the dense buffer
    too_narrow: jax.Array  # more than ``narrow`` left the mid buffer
    too_deep: jax.Array  # the MRCA lay beyond all buffers


def _lineage_genesis(n: int, m_max: int, sizes: tuple[int, ...]) -> _Lineage:
    dense, width, mid, narrow, deep = sizes
    full = lambda shape, value: jnp.full(shape, value, jnp.int32)  # noqa: E731
    return _Lineage(
        dparent=full((dense, m_max), m_max), dlender=full((dense, m_max), n),
        mparent=full((mid, width), width), mlender=full((mid, width), n),
        sparent=full((deep, narrow), narrow), slender=full((deep, narrow), n),
        ancestor=full((deep, narrow), narrow),
        anchor=jnp.int32(-1),
        trunk=jnp.zeros(n, jnp.float64).at[0].set(1.0),
        too_wide=jnp.bool_(False), too_narrow=jnp.bool_(False),
        too_deep=jnp.bool_(False))


def _retire(live, parent, lender, next_parent, size, n):
    """Keep a round's live models in ``size`` slots.

    Returns their parents and owners, the next round's parents pointed at
    the new slots, and whether more than ``size`` were live.
    """
    src = live.shape[0]
    count = live.sum()
    keep = jnp.nonzero(live, size=size, fill_value=src)[0]
    kept_parent = jnp.append(parent, size)[keep]
    kept_lender = jnp.append(lender, n)[keep]
    moved = jnp.full(src + 1, size, jnp.int32).at[
        jnp.where(jnp.arange(size) < count, keep, src + 1)].set(
        jnp.arange(size, dtype=jnp.int32), mode="drop")
    return kept_parent, kept_lender, moved[next_parent], count > size


def _lineage_counts(lin: _Lineage, parent, lender, t, w):
    """Record round ``t``'s winners; count the lineage rewards they pay.

    Returns, per participant, the number of (winner, ancestor) pairs whose
    ancestor it owns: each pays it R. The counts are integers, exact in
    float64.

    ``parent`` and ``lender`` give each winner's parent slot (its owner's
    rank) and owner. The walk goes from round ``t`` back to the trunk's tip
    (round ``anchor``), carrying per model the number of this round's
    winners that descend from it, and counts them for the owners; the trunk
    is counted at once; the trunk's tip then moves to the winners' most recent common
    ancestor, and the oldest round of each buffer moves to the next.
    """
    dense, m_max = lin.dparent.shape
    mid, width = lin.mparent.shape
    deep, narrow = lin.sparent.shape
    n = lin.trunk.shape[0]
    wf = w.astype(jnp.float64)
    anchor = lin.anchor
    dparent = lin.dparent.at[t % dense].set(parent)
    dlender = lin.dlender.at[t % dense].set(lender)
    oldest_dense = t - dense + 1
    oldest_mid = oldest_dense - mid
    newest_deep = oldest_mid - 1

    def visit(r, descendants, owners, parents, counts, trunk_add, mrca):
        counts = counts.at[owners].add(descendants, mode="drop")
        common = descendants == wf
        trunk_add = trunk_add.at[jnp.where(common, owners, n)].add(
            1.0, mode="drop")
        mrca = jnp.where((mrca == anchor) & common.any(), r, mrca)
        up = jax.ops.segment_sum(descendants, parents,
                                 num_segments=descendants.shape[0])
        return up, counts, trunk_add, mrca

    def walk(lenders, parents, oldest, carry):
        """Visit rounds down to ``oldest``; note which models of it live."""
        def cond(c):
            return (c[0] > anchor) & (c[0] >= oldest) & (w > 0)

        def body(c):
            r, descendants, counts, trunk_add, mrca, live = c
            live = jnp.where(r == oldest, descendants > 0, live)
            up, counts, trunk_add, mrca = visit(
                r, descendants, lenders[r % lenders.shape[0]],
                parents[r % parents.shape[0]], counts, trunk_add, mrca)
            return r - 1, up, counts, trunk_add, mrca, live

        return lax.while_loop(cond, body, carry)

    start = (jnp.arange(m_max) < w).astype(jnp.float64)
    r, descendants, counts, trunk_add, mrca, live_dense = walk(
        dlender, dparent, oldest_dense,
        (t, start, jnp.zeros_like(lin.trunk), jnp.zeros_like(lin.trunk), anchor,
         jnp.zeros(m_max, bool)))
    # Each buffer's oldest round already points its parents at the next's slots.
    r, descendants, counts, trunk_add, mrca, live_mid = walk(
        lin.mlender, lin.mparent, oldest_mid,
        (r, descendants[:width], counts, trunk_add, mrca, jnp.zeros(width, bool)))

    # The deep rounds at once: descendants of each deep model, by ancestry.
    rows = jnp.arange(deep, dtype=jnp.int32)
    round_of = newest_deep - (newest_deep - rows) % deep
    valid = ((round_of > anchor) & (w > 0))[:, None]
    deep_desc = jnp.zeros((deep, narrow)).at[rows[:, None], lin.ancestor].add(
        jnp.broadcast_to(descendants[:narrow], (deep, narrow)), mode="drop")
    deep_desc = jnp.where(valid, deep_desc, 0.0)
    counts = counts.at[lin.slender].add(deep_desc, mode="drop")
    common = valid & (deep_desc == wf)
    trunk_add = trunk_add.at[jnp.where(common, lin.slender, n)].add(
        1.0, mode="drop")
    deep_mrca = jnp.max(jnp.where(common.any(axis=1), round_of, anchor))
    mrca = jnp.where(mrca == anchor, deep_mrca, mrca)
    counts = counts + wf * lin.trunk

    # Retire the oldest mid round to the deep buffer, then the oldest dense
    # round to the mid buffer (it takes the row the mid round left).
    m_row, m_next = oldest_mid % mid, (oldest_mid + 1) % mid
    s_parent, s_lender, m_parent_next, too_narrow = _retire(
        live_mid, lin.mparent[m_row], lin.mlender[m_row], lin.mparent[m_next],
        narrow, n)
    mparent = lin.mparent.at[m_next].set(m_parent_next)
    s_row = oldest_mid % deep
    ancestor = jnp.append(lin.ancestor, jnp.full((deep, 1), narrow, jnp.int32),
                          axis=1)[:, s_parent]
    own = jnp.where(s_lender < n, jnp.arange(narrow, dtype=jnp.int32), narrow)
    ancestor = ancestor.at[s_row].set(own)
    sparent = lin.sparent.at[s_row].set(s_parent)
    slender = lin.slender.at[s_row].set(s_lender)

    d_row, d_next = oldest_dense % dense, (oldest_dense + 1) % dense
    m_parent, m_lender, d_parent_next, too_wide = _retire(
        live_dense, dparent[d_row], dlender[d_row], dparent[d_next], width, n)
    mparent = mparent.at[oldest_dense % mid].set(m_parent)
    mlender = lin.mlender.at[oldest_dense % mid].set(m_lender)
    dparent = dparent.at[d_next].set(d_parent_next)

    alive = w > 0
    return counts, _Lineage(
        dparent=dparent, dlender=dlender, mparent=mparent, mlender=mlender,
        sparent=sparent, slender=slender, ancestor=ancestor,
        anchor=jnp.where(alive, mrca, anchor),
        trunk=lin.trunk + trunk_add,
        too_wide=lin.too_wide | too_wide,
        too_narrow=lin.too_narrow | too_narrow,
        too_deep=lin.too_deep | (alive & (t - anchor > dense + mid + deep)))


# Driver -------------------------------------------------------------------------
@functools.partial(jax.jit, static_argnames=("n", "slots", "length", "full",
                                             "batched"))
def _run_chunk(state, keys, dyn, rounds, *, n, slots, length, full, batched):
    """Play up to ``length`` rounds; rounds at or past ``rounds`` are skipped."""
    def one_run(state, key):
        def step(state, _):
            def play(state):
                return _round(state, key, dyn, n=n, slots=slots, full=full)

            def skip(state):
                _, record = jax.eval_shape(play, state)
                zeros = jax.tree.map(lambda a: jnp.zeros(a.shape, a.dtype), record)
                return state, zeros

            return lax.cond(state.t < rounds, play, skip, state)

        return lax.scan(step, state, None, length=length)

    if batched:
        return jax.vmap(one_run)(state, keys)
    return one_run(state, keys)


def _chunk_length(rounds: int, params: ProtocolParams, batch: int, full: bool) -> int:
    """Rounds per compiled chunk: a few seconds of work, records under 256 MB.

    Depends on the shapes only, so a second run of the same shapes reuses
    the compiled chunk.
    """
    work = params.n * batch
    record_bytes = work * 12 if full else batch * 256
    length = min(500, 20_000_000 // work, (256 << 20) // record_bytes)
    return int(max(1, min(rounds, length)))


LINEAGE_SIZE_NAMES = ("dense", "width", "mid", "narrow", "deep")


def default_lineage_sizes(params: ProtocolParams, rounds: int) -> tuple[int, ...]:
    """Ring-buffer sizes ``(dense, width, mid, narrow, deep)`` of the walk.

    ``dense`` rounds keep all ``max_winners`` slots, the ``mid`` rounds
    before them ``width`` slots each, the ``deep`` rounds before those
    ``narrow`` slots each. Measured at the paper's settings: 8 generations
    back a few percent of the winners' ancestors are distinct, 32 back a
    handful; the most recent common ancestor lies 19 rounds back on average
    (58 at most in the paper's 5000 rounds, 71 over 8 seeds x 1000), and
    further back in larger populations (in the benchmark's 1000-round runs
    up to 360 rounds at n = 10**4, 780 at 10**5 and 480 at 10**6). It can
    never lie more than ``rounds`` back. For small rounds (``max_winners <=
    512``) all buffers are shorter: there a step of the walk costs about as
    much as the deep table's scatters.
    """
    m_max = params.max_winners
    if m_max <= 512:
        # Timed on the paper's run: 0.7 s with (8, 32, 24, 32, 256).
        width = min(m_max, 32)
        deep = 128 if params.n <= 512 else 256
        return 4, width, 8, min(width, 16), max(1, min(rounds, deep))
    width = max(32, m_max // 16)
    deep = 256 if params.n <= 4096 else 1024
    return 8, width, 24, min(width, max(64, m_max // 256)), max(1, min(rounds, deep))


def run_jax(
    params: ProtocolParams,
    rounds: int,
    seed: int = 42,
    *,
    seeds: int | None = None,
    full: bool = True,
    lineage_sizes: tuple[int, ...] | None = None,
    progress: Callable[[int], None] | None = None,
    checkpoint: Callable[["Checkpoint"], None] | None = None,
    resume: "Checkpoint | None" = None,
) -> Records:
    """Play ``rounds`` rounds from genesis with the JAX engine.

    Parameters
    ----------
    params : ProtocolParams
        The economy.
    rounds : int
        Rounds to play (>= 1).
    seed : int
        Seed of the run's key ``jax.random.key(seed)``: the reference engine
        with the same seed plays the same game.
    seeds : int or None
        If given, play that many independent runs at once (vmapped), with
        seeds ``seed, seed + 1, ...``; every array of the result gains a
        leading seed axis, and run ``i`` plays the game of a single run
        with seed ``seed + i``.
    full : bool
        Keep per-participant trajectories (``Records.coins``,
        ``Records.versions``). With ``False`` only per-round aggregates and
        final balances are kept, which is what fits in memory for large n.
    lineage_sizes : tuple of 5 ints or None
        Ring-buffer sizes ``(dense, width, mid, narrow, deep)`` of the
        lineage walk
        (:func:`default_lineage_sizes` if None). A run that outgrows them is
        repeated with the outgrown size doubled, so they trade memory and
        speed, never exactness.
    progress : callable or None
        Called with the number of rounds done after each compiled chunk.
    checkpoint : callable or None
        Called with a :class:`Checkpoint` after each compiled chunk; saving
        it (the caller's business) lets an interrupted run go on.
    resume : Checkpoint or None
        Go on from this checkpoint of the same run (same parameters, rounds,
        seed, seeds and ``full``) instead of from genesis. The result is the
        one an uninterrupted run gives.

    Returns
    -------
    Records
    """
    if not isinstance(params, ProtocolParams):
        raise TypeError(f"params must be a ProtocolParams, got {type(params)!r}")
    rounds, seed = check_count("rounds", rounds), check_seed(seed)
    if seeds is not None:
        seeds = check_count("seeds", seeds)
    sizes = default_lineage_sizes(params, int(rounds)) if lineage_sizes is None \
        else tuple(lineage_sizes)
    if len(sizes) != len(LINEAGE_SIZE_NAMES):
        raise ValueError("lineage_sizes must be (dense, width, mid, narrow, deep), "
                         f"got {sizes!r}")
    for name, value in zip(LINEAGE_SIZE_NAMES, sizes):
        check_count(f"lineage_sizes {name}", value, 2 if name in ("dense", "mid")
                    else 1)
    dense, width, mid, narrow, deep = sizes
    if width > params.max_winners or narrow > width:
        width = min(width, params.max_winners)
        narrow = min(narrow, width)
        log.info("lineage widths capped at max_winners: width %d, narrow %d",
                 width, narrow)
    sizes = (dense, width, mid, narrow, deep)
    identity = run_identity(params, rounds, seed, seeds, full)
    if resume is not None:
        if not isinstance(resume, Checkpoint):
            raise TypeError(f"resume must be a Checkpoint, got {type(resume)!r}")
        if resume.identity != identity:
            raise ValueError("resume: the checkpoint belongs to another run "
                             f"({resume.identity}); this run is {identity}")
        sizes = resume.sizes

    while True:
        records, flags = _run(params, rounds, seed, seeds, full, sizes, progress,
                              checkpoint, resume, identity)
        resume = None
        if not any(flags.values()):
            return records
        dense, width, mid, narrow, deep = sizes
        if flags["too_wide"]:
            width = min(params.max_winners, 2 * width)
        if flags["too_narrow"]:
            narrow = min(width, 2 * narrow)
        if flags["too_deep"]:
            deep *= 2
        sizes = (dense, width, mid, narrow, deep)
        log.info("lineage outgrew its buffers; repeating with sizes %s", sizes)


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    """Where a JAX-engine run stands between two compiled chunks.

    Attributes
    ----------
    identity : dict
        What the run is: parameters, rounds, seed, seeds, ``full``.
    sizes : tuple of int
        The lineage buffer sizes in use.
    done : int
        Rounds played.
    state : list of numpy arrays
        The engine state, flattened.
    records : dict of numpy arrays
        Per-round records of the rounds played (round axis first, or second
        for a batch of seeds).
    """

    identity: dict
    sizes: tuple
    done: int
    state: list
    records: dict


def run_identity(params: ProtocolParams, rounds: int, seed: int,
                 seeds: int | None, full: bool) -> dict:
    """What a checkpoint must match to be resumed (JSON-ready)."""
    return dict(params=params.to_dict(), rounds=int(rounds), seed=int(seed),
                seeds=None if seeds is None else int(seeds), full=bool(full))


def _join(chunks, batched):
    axis = 1 if batched else 0
    return {name: np.concatenate([c[name] for c in chunks], axis=axis)
            for name in chunks[0]}


def _run(params, rounds, seed, seeds, full, sizes, progress, checkpoint, resume,
         identity):
    batched = seeds is not None
    batch = seeds if batched else 1
    dyn = _dyn(params)
    state = _genesis(params.n, params.max_winners, sizes)
    if batched:
        keys = jax.vmap(jax.random.key)(seed + jnp.arange(seeds))
        state = jax.tree.map(lambda a: jnp.broadcast_to(a, (seeds,) + a.shape),
                             state)
    else:
        keys = jax.random.key(seed)
    length = _chunk_length(rounds, params, batch, full)

    chunks, done = [], 0
    if resume is not None:
        treedef = jax.tree.structure(state)
        state = jax.tree.unflatten(treedef, [jnp.asarray(a) for a in resume.state])
        chunks, done = [resume.records], resume.done
    while done < rounds:
        state, record = _run_chunk(state, keys, dyn, jnp.int32(rounds),
                                   n=params.n, slots=params.slots, length=length,
                                   full=full, batched=batched)
        chunks.append(jax.device_get(record))
        done = min(done + length, rounds)
        flags = {name: bool(np.any(getattr(state.lineage, name)))
                 for name in ("too_wide", "too_narrow", "too_deep")}
        if any(flags.values()):
            return None, flags            # no use going on: repeat larger
        if checkpoint is not None and done < rounds:
            chunks = [_join(chunks, batched)]
            checkpoint(Checkpoint(identity=identity, sizes=tuple(sizes), done=done,
                                  state=jax.device_get(jax.tree.leaves(state)),
                                  records=chunks[0]))
        if progress is not None:
            progress(done)

    joined = _join(chunks, batched)
    joined = {name: (a[:, :rounds] if batched else a[:rounds])
              for name, a in joined.items()}
    final = jax.device_get(state)
    records = Records(
        final_coins=np.asarray(final.coins),
        final_versions=np.asarray(final.newest),
        coins=joined.pop("coins", None), versions=joined.pop("versions", None),
        **joined)
    return records, flags
