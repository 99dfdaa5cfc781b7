"""Exact Markov chains of the relay (THEORY.md sections 1 and 4).

Two chains, both built from PROTOCOL.md's rules with NumPy and SciPy:

- the **owner-count chain** on ``m in {0, ..., slots}``: in round t the
  ``m_t`` model owners take ``n_t = min(k m_t, slots - m_t)`` trainers (the
  matched relay legs), ``X_t ~ Binomial(n_t, p)`` legs succeed and the
  ``m_{t+1} = floor(s X_t)`` best new models make the next owners; ``m = 0``
  is absorbing (extinction) and ``m_0 = 1`` (the genesis owner). Nothing in
  these counts depends on bids, coins or theta, so the chain is *exact* for
  the engines' owner counts, not an approximation;
- the **version-gap chain** of one participant over (version gap, is-owner):
  the share of participants at each gap of ``GAP_LABELS`` in the steady
  state. Its *mean-field* form (:func:`gap_chain`) holds the owner count at
  a constant; its *coupled* form (:func:`coupled_gap_chain`) runs it jointly
  with the exact owner-count chain.

Symbols map to words as follows: ``N`` participants, ``slots`` owners plus
trainers per round, ``k`` most trainers per owner, ``s`` the winning share
of new models, ``p`` the chance a relay leg succeeds.

:func:`compare_with_simulation` holds both chains against the JAX engine.
"""

from __future__ import annotations

import dataclasses
from numbers import Real

import numpy as np
from scipy import linalg, sparse, stats

from ._params import ProtocolParams, check_count, check_seed
from ._records import GAP_LABELS, NUM_GAP_BINS

__all__ = ["GAP_CHAIN_STATES", "mean_field_owners", "owner_transition_matrix",
           "OwnerChain", "owner_chain", "GapChain", "gap_chain",
           "CoupledGapChain", "coupled_gap_chain", "wilson_interval",
           "ComparisonRow", "SimulationComparison", "compare_with_simulation"]

#: States of the per-participant gap chain: the 13 categories of
#: ``GAP_LABELS`` (gap 0..10, "older" for 11 or more, "none") for a
#: participant who is not an owner of the next round, then "owner": the
#: trainer of a winning model, an owner of the next round, who holds the
#: newest version (gap 0).
GAP_CHAIN_STATES = GAP_LABELS + ("owner",)
_OLDER, _NONE, _OWNER = 11, 12, 13
_STATES = len(GAP_CHAIN_STATES)


def _check_params(params: object) -> ProtocolParams:
    if not isinstance(params, ProtocolParams):
        raise TypeError(f"params must be a ProtocolParams, got {type(params)!r}")
    return params


def _next_gap(state: int) -> int:
    """Where a non-owner's state goes when the newest version moves on."""
    return state if state == _NONE else min(state + 1, _OLDER)


def _winners(params: ProtocolParams, trained: np.ndarray) -> np.ndarray:
    # floor(s X) in float64, the engines' own arithmetic, so that the chain
    # and the engines round a product like 0.1 * 30 the same way.
    return np.floor(params.s * trained.astype(np.float64)).astype(np.int64)


# Owner-count chain ------------------------------------------------------------
def mean_field_owners(params: ProtocolParams) -> float:
    """The mean-field owner count ``m* = s p slots / (1 + s p)``.

    It solves ``m = s p (slots - m)``: in the trainer-limited regime
    (``k m >= slots - m``) every drawn trainer is matched, ``p (slots - m)``
    legs succeed and a share ``s`` of them win. It is the relay's fixed point
    when ``s p k >= 1`` (then ``k m* >= slots - m*``); when ``s p k < 1`` the
    mean-field relay shrinks to 0 and m* is only the trainer-limited formula.
    Floors and fluctuations make the exact chain's mean differ (see
    :func:`owner_chain`).
    """
    params = _check_params(params)
    sp_ = params.s * params.p
    return sp_ * params.slots / (1.0 + sp_)


def owner_transition_matrix(params: ProtocolParams) -> np.ndarray:
    """Exact transition matrix of the owner count, shape ``(slots+1, slots+1)``.

    Row ``m`` is the law of ``m' = floor(s X)`` with
    ``X ~ Binomial(min(k m, slots - m), p)``; row 0 is absorbing. Rows sum
    to 1 (up to rounding of ``scipy.stats.binom.pmf``).
    """
    params = _check_params(params)
    size = params.slots + 1
    matrix = np.zeros((size, size))
    matrix[0, 0] = 1.0
    for m in range(1, size):
        legs = min(params.k * m, params.slots - m)
        trained = np.arange(legs + 1)
        np.add.at(matrix[m], _winners(params, trained),
                  stats.binom.pmf(trained, legs, params.p))
    return matrix


@dataclasses.dataclass(frozen=True)
class OwnerChain:
    """The owner-count chain and what follows from it exactly.

    Attributes
    ----------
    transition : float array (slots+1, slots+1)
        :func:`owner_transition_matrix`.
    law : float array (rounds+1, slots+1)
        ``law[t, m] = P(m_t = m)`` from ``m_0 = 1``: the owners of round t.
    extinction : float array (rounds,)
        ``extinction[t] = P(m_{t+1} = 0)``: the chance that the relay has
        died by the end of round t (some round ``<= t`` trained no winning
        model), i.e. ``P(Records.extinction_round <= t)``. ``extinction[0]``
        is ``P(floor(s X) = 0)``, ``X ~ Binomial(min(k, slots - 1), p)``.
    quasi_stationary : float array (slots+1,)
        The law of the owner count given survival in the long run: the left
        Perron eigenvector of the transition matrix restricted to the
        transient states reachable from ``m = 1`` (normalised, 0 at
        ``m = 0``). Where every path from one owner dies out within finitely
        many rounds there is no such law, and this is all zeros.
    survival : float
        Its eigenvalue: the chance that a relay distributed by
        ``quasi_stationary`` survives one more round (0 if none).
    stationary_mean : float or None
        Mean owner count under ``quasi_stationary`` (None if none).
    mean_field : float
        ``m* = s p slots / (1 + s p)`` (:func:`mean_field_owners`).

    Notes
    -----
    The long-run conditional law ``P(m_t = . | m_t > 0)`` converges to the
    quasi-stationary law when the transient states form one aperiodic
    class; the tests check both agree at ``t = 400``.
    """

    transition: np.ndarray
    law: np.ndarray
    extinction: np.ndarray
    quasi_stationary: np.ndarray
    survival: float
    stationary_mean: float | None
    mean_field: float

    @property
    def rounds(self) -> int:
        """Rounds covered by ``law`` and ``extinction``."""
        return int(self.extinction.shape[0])


def _quasi_stationary(matrix: np.ndarray) -> tuple[np.ndarray, float]:
    """Left Perron vector of the transient block reachable from ``m = 1``."""
    size = matrix.shape[0]
    reach = np.zeros(size, bool)
    frontier = [1]
    reach[1] = True
    while frontier:
        nxt = np.flatnonzero((matrix[frontier].sum(axis=0) > 0) & ~reach)
        nxt = nxt[nxt > 0]
        reach[nxt] = True
        frontier = list(nxt)
    live = np.flatnonzero(reach)
    block = matrix[np.ix_(live, live)]
    if not block.any():        # every path from m = 1 dies in round 0
        return np.zeros(size), 0.0
    values, vectors = linalg.eig(block.T)
    best = int(np.argmax(values.real))
    if values[best].real <= 1e-14:   # nilpotent: every path dies out
        return np.zeros(size), 0.0
    vector = np.abs(vectors[:, best].real)
    law = np.zeros(size)
    law[live] = vector / vector.sum()
    # The Perron root of a substochastic block is <= 1; rounding may not be.
    return law, min(1.0, float(values[best].real))


def owner_chain(params: ProtocolParams, rounds: int = 100) -> OwnerChain:
    """Exact law of the owner count over ``rounds`` rounds, and given survival.

    Parameters
    ----------
    params : ProtocolParams
        The economy (only ``slots``, ``k``, ``s`` and ``p`` matter).
    rounds : int
        Rounds to follow (>= 1).

    Returns
    -------
    OwnerChain
    """
    params = _check_params(params)
    rounds = check_count("rounds", rounds)
    matrix = owner_transition_matrix(params)
    law = np.zeros((rounds + 1, params.slots + 1))
    law[0, 1] = 1.0
    for t in range(rounds):
        law[t + 1] = law[t] @ matrix
    qsd, survival = _quasi_stationary(matrix)
    mean = float(qsd @ np.arange(params.slots + 1)) if survival > 0 else None
    return OwnerChain(transition=matrix, law=law, extinction=law[1:, 0].copy(),
                      quasi_stationary=qsd, survival=survival,
                      stationary_mean=mean, mean_field=mean_field_owners(params))


# Mean-field gap chain ---------------------------------------------------------
def _gain_chances(params: ProtocolParams, owners: float) -> tuple[float, float]:
    """Chances that a non-owner gains a model by training, or by encryption.

    With ``m`` owners a non-owner is drawn as a trainer with chance
    ``(slots - m) / (N - m)``, matched with chance ``min(k m, slots - m) /
    (slots - m)`` and its leg succeeds with chance ``p``; it is the
    encryption-block miner with chance ``(N - slots) / (N - m)`` (it is a
    miner) times ``1 / (N - slots)``, that is ``1 / (N - m)``.
    """
    n, slots, m = params.n, params.slots, owners
    trained = params.p * min(params.k * m, slots - m) / (n - m)
    return trained, 1.0 / (n - m)


@dataclasses.dataclass(frozen=True)
class GapChain:
    """The mean-field per-participant version-gap chain and its steady state.

    Attributes
    ----------
    owners : float
        The owner count m the chain holds constant.
    transition : float array (14, 14)
        One round's transition between ``GAP_CHAIN_STATES``.
    stationary : float array (14,)
        Its stationary law (exact linear solve).
    shares : float array (13,)
        Stationary share of participants in each ``GAP_LABELS`` category
        after a round (the "owner" state counts as gap 0).
    """

    owners: float
    transition: np.ndarray
    stationary: np.ndarray
    shares: np.ndarray


def _fold(law: np.ndarray) -> np.ndarray:
    """Chain states (last axis 14) to ``GAP_LABELS`` shares (last axis 13)."""
    shares = law[..., :NUM_GAP_BINS].copy()
    shares[..., 0] += law[..., _OWNER]
    return shares


def gap_chain(params: ProtocolParams, owners: float | None = None) -> GapChain:
    """Steady-state version-gap shares from a per-participant Markov chain.

    Derived from PROTOCOL.md, with ``m`` owners in every round (mean field).
    A participant's state after round t is its version gap -- how many
    versions its newest model (gained or encrypted) is behind the newest
    version anyone holds after round t -- capped at 11 ("older"), or "none",
    and whether it is an owner of round t+1. In one round, given survival
    (the newest version moves on by one):

    - an *owner* keeps its model and trains nothing, so its gap becomes 1;
      owners of one round are never owners of the next (those are the
      winners' trainers, drawn from the non-owners);
    - a *non-owner* gains the new version (gap 0) by training, with chance
      ``p min(k m, slots - m) / (N - m)``, and then wins, becoming an owner,
      with chance ``s``; or as the encryption-block miner, with chance
      ``1 / (N - m)``; otherwise its gap grows by one ("none" stays "none").

    The chain's owner share is ``m / N`` exactly when ``m`` is the mean-field
    fixed point ``m* = s p (slots - m*)``, and its gap-0 share is then
    ``(p (slots - m*) + 1) / N`` (THEORY.md section 4). "none" is transient
    (the encryption miner's chance is positive), so its stationary share
    is 0.

    Parameters
    ----------
    params : ProtocolParams
        The economy.
    owners : float or None
        The owner count m, in (0, slots); None means ``m*``
        (:func:`mean_field_owners`).

    Returns
    -------
    GapChain

    Notes
    -----
    The chain is an approximation in two ways: it holds the owner count at
    m instead of letting it fluctuate (and uses the win chance ``s`` instead
    of ``floor(s X) / X``), and it takes trainers as matched at random,
    whereas the protocol matches the highest bids first; that matters only
    in the owner-limited regime ``k m < slots - m``, where some drawn
    trainers stay unmatched. :func:`coupled_gap_chain` removes the first.
    """
    params = _check_params(params)
    if owners is None:
        owners = mean_field_owners(params)
    if isinstance(owners, bool) or not isinstance(owners, Real) \
            or not 0 < owners < params.slots:
        raise ValueError(f"owners must be a number in (0, slots = {params.slots}), "
                         f"got {owners!r}")
    owners = float(owners)
    trained, encrypted = _gain_chances(params, owners)

    matrix = np.zeros((_STATES, _STATES))
    for state in range(NUM_GAP_BINS):
        matrix[state, _OWNER] = trained * params.s
        matrix[state, 0] += trained * (1 - params.s) + encrypted
        matrix[state, _next_gap(state)] += 1 - trained - encrypted
    matrix[_OWNER, 1] = 1.0

    # pi (P - I) = 0 with sum(pi) = 1: one balance equation is redundant.
    system = (matrix - np.eye(_STATES)).T
    system[-1] = 1.0
    rhs = np.zeros(_STATES)
    rhs[-1] = 1.0
    stationary = np.linalg.solve(system, rhs)
    stationary = np.clip(stationary, 0.0, None)
    stationary /= stationary.sum()
    return GapChain(owners=owners, transition=matrix, stationary=stationary,
                    shares=_fold(stationary))


# Coupled gap chain ------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class CoupledGapChain:
    """The version-gap chain run jointly with the exact owner-count chain.

    States are pairs (owner count m, participant state), ``m`` in
    ``0..slots`` and the state in ``GAP_CHAIN_STATES``, flattened as
    ``m * 14 + state``.

    Attributes
    ----------
    transition : scipy.sparse.csr_matrix ((slots+1) * 14, (slots+1) * 14)
        One round's transition.
    stationary : float array (slots+1, 14)
        Quasi-stationary joint law given survival (0 at ``m = 0``).
    shares : float array (13,)
        Its gap shares (``GAP_LABELS``).
    owners_mean : float
        Mean owner count under it (equals the owner chain's
        ``stationary_mean``).
    transient : float array (rounds, 13)
        Gap shares after each round ``t < rounds`` from genesis (a random
        participant is the genesis owner with chance 1/N, else holds no
        model), given that the relay survives all ``rounds`` rounds -- what
        the mean over surviving simulated runs estimates.
    converged : bool
        Whether the power iteration for ``stationary`` met ``tol``.
    iterations : int
    """

    transition: sparse.csr_matrix
    stationary: np.ndarray
    shares: np.ndarray
    owners_mean: float
    transient: np.ndarray
    converged: bool
    iterations: int


def _coupled_transition(params: ProtocolParams) -> sparse.csr_matrix:
    n, slots, p = params.n, params.slots, params.p
    size = (slots + 1) * _STATES
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []

    def add(src: int, m_next: np.ndarray, state_next, prob: np.ndarray) -> None:
        state_next = np.broadcast_to(state_next, m_next.shape)
        rows.append(np.full(m_next.shape, src))
        cols.append(m_next * _STATES + state_next)
        vals.append(prob)

    for state in range(_STATES):       # m = 0: nothing is trained any more
        add(state, np.zeros(1, np.int64), state, np.ones(1))
    for m in range(1, slots + 1):
        legs = min(params.k * m, slots - m)
        x = np.arange(legs + 1)
        law_x = stats.binom.pmf(x, legs, p)
        win_next = _winners(params, x)
        moved = x > 0              # did the newest version move on?
        base = m * _STATES
        # An owner (one of the m): its leg count is not its own business.
        add(base + _OWNER, win_next, np.where(moved, 1, 0), law_x)
        if legs == 0:
            for state in range(NUM_GAP_BINS):
                add(base + state, win_next, state, law_x)
            continue
        # A matched non-owner's leg, and the other legs' X' ~ Bin(legs-1, p).
        y = np.arange(legs)
        law_y = stats.binom.pmf(y, legs - 1, p)
        won_with = _winners(params, y + 1)
        win_share = won_with / (y + 1)
        match = legs / (n - m)
        enc = 1.0 / (n - m)
        idle = 1.0 - match - enc      # unmatched trainers and other miners
        lost_next = _winners(params, y)
        for state in range(NUM_GAP_BINS):
            src = base + state
            stay_or_move = np.where(y > 0, _next_gap(state), state)
            add(src, won_with, _OWNER, match * p * law_y * win_share)
            add(src, won_with, 0, match * p * law_y * (1 - win_share))
            add(src, lost_next, stay_or_move, match * (1 - p) * law_y)
            add(src, win_next, np.where(moved, 0, state), enc * law_x)
            add(src, win_next, np.where(moved, _next_gap(state), state),
                idle * law_x)
    matrix = sparse.coo_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(size, size)).tocsr()
    matrix.sum_duplicates()
    return matrix


def coupled_gap_chain(params: ProtocolParams, rounds: int = 100, *,
                      tol: float = 1e-13, max_iter: int = 100_000
                      ) -> CoupledGapChain:
    """Version-gap shares with the owner count exact, not held at m*.

    The joint chain of (owner count, one participant's state) follows the
    rules of :func:`gap_chain` but draws the owner count from the exact
    owner-count chain each round: with ``m`` owners and
    ``legs = min(k m, slots - m)``, a non-owner's leg is matched with
    chance ``legs / (N - m)``; given it succeeds, the other legs bring
    ``X - 1 ~ Binomial(legs - 1, p)`` models, and it wins with chance
    ``floor(s X) / X``, the next owner count being ``floor(s X)``.
    Participants are exchangeable (the owner share is ``m / N`` at every
    round), so the participant's marginal law is the expected share of the
    population in each state.

    Parameters
    ----------
    params : ProtocolParams
        The economy.
    rounds : int
        Rounds of the transient law from genesis (>= 1).
    tol : float
        Power-iteration tolerance (L1 change of the law), in (0, 1).
    max_iter : int
        Most power iterations (>= 1).

    Returns
    -------
    CoupledGapChain

    Raises
    ------
    ValueError
        If every path from one owner dies out within finitely many rounds,
        so that no law given survival exists.

    Notes
    -----
    What remains approximate is only the matching: the protocol matches the
    highest bids first (bids grow with the gap), the chain at random. In the
    trainer-limited regime every drawn trainer is matched and the chain's
    gap shares are exact; who among the successful trainers wins is then
    irrelevant, because a winner and a loser both hold the newest version
    and the total number of winners is fixed by ``floor(s X)``.
    """
    params = _check_params(params)
    rounds = check_count("rounds", rounds)
    max_iter = check_count("max_iter", max_iter)
    if isinstance(tol, bool) or not isinstance(tol, Real) or not 0 < tol < 1:
        raise ValueError(f"tol must be a number in (0, 1), got {tol!r}")
    owners = owner_chain(params, rounds)
    if owners.survival <= 0:
        raise ValueError("the relay dies out with certainty at these parameters "
                         f"(s={params.s}, p={params.p}, k={params.k}, "
                         f"slots={params.slots}): no law given survival exists; "
                         "raise s, p or k")
    matrix = _coupled_transition(params)
    slots = params.slots

    # Transient law from genesis, weighted by survival of the remaining rounds.
    law = np.zeros((slots + 1, _STATES))
    law[1, _OWNER] = 1.0 / params.n
    law[1, _NONE] = 1.0 - 1.0 / params.n
    law = law.ravel()
    alive = np.ones(slots + 1)
    alive[0] = 0.0
    survive_left = [alive]          # survive_left[r][m]: P(m_{t+r} > 0 | m_t = m)
    for _ in range(rounds):
        survive_left.append(owners.transition @ survive_left[-1])
    transient = np.empty((rounds, NUM_GAP_BINS))
    for t in range(rounds):
        law = matrix.T @ law
        joint = law.reshape(slots + 1, _STATES) * survive_left[rounds - 1 - t][:, None]
        transient[t] = _fold(joint.sum(axis=0) / joint.sum())

    # Quasi-stationary law: lazy power iteration on the live block, started
    # from the owner chain's law times the mean-field steady state.
    live = matrix[_STATES:, _STATES:].T.tocsr()
    start = np.outer(owners.quasi_stationary[1:], gap_chain(
        params, min(max(owners.stationary_mean, 1e-9), slots - 1e-9)).stationary)
    vec = start.ravel() / start.sum()
    converged, iterations = False, 0
    for iterations in range(1, max_iter + 1):
        step = live @ vec
        step = 0.5 * (vec + step / step.sum())
        change = float(np.abs(step - vec).sum())
        vec = step
        if change < tol:
            converged = True
            break
    joint = np.zeros((slots + 1, _STATES))
    joint[1:] = vec.reshape(slots, _STATES)
    return CoupledGapChain(
        transition=matrix, stationary=joint, shares=_fold(joint.sum(axis=0)),
        owners_mean=float(joint.sum(axis=1) @ np.arange(slots + 1)),
        transient=transient, converged=converged, iterations=iterations)


# Against the simulation -------------------------------------------------------
def wilson_interval(successes: int, trials: int, level: float = 0.99
                    ) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    ``(q + z^2/2n -+ z sqrt(q (1 - q)/n + z^2/4n^2)) / (1 + z^2/n)`` with
    ``q = successes / trials`` and ``z`` the ``(1 + level)/2`` normal
    quantile; unlike the normal interval it stays inside [0, 1] and is not
    empty when ``successes`` is 0 or ``trials``.
    """
    trials = check_count("trials", trials)
    successes = check_count("successes", successes, 0)
    if successes > trials:
        raise ValueError(f"successes must be <= trials ({trials}), got {successes}")
    if isinstance(level, bool) or not isinstance(level, Real) or not 0 < level < 1:
        raise ValueError(f"level must be a number in (0, 1), got {level!r}")
    z = float(stats.norm.ppf(0.5 + level / 2))
    q = successes / trials
    centre = q + z * z / (2 * trials)
    half = z * np.sqrt(q * (1 - q) / trials + z * z / (4 * trials * trials))
    scale = 1 + z * z / trials
    return max(0.0, (centre - half) / scale), min(1.0, (centre + half) / scale)


@dataclasses.dataclass(frozen=True)
class ComparisonRow:
    """One theoretical number beside its simulated estimate.

    ``low`` and ``high`` bound the simulated value's confidence interval;
    ``within`` says the theoretical value lies in it. ``theory_source``
    names the chain or formula the theoretical value comes from.
    """

    quantity: str
    theory: float
    simulated: float
    low: float
    high: float
    theory_source: str

    @property
    def within(self) -> bool:
        return bool(self.low <= self.theory <= self.high)

    @property
    def gap(self) -> float:
        """``theory - simulated``."""
        return self.theory - self.simulated

    def to_dict(self) -> dict:
        out = dataclasses.asdict(self)
        out.update(within=self.within, gap=self.gap)
        return out


@dataclasses.dataclass(frozen=True)
class SimulationComparison:
    """The chains against the JAX engine (see :func:`compare_with_simulation`).

    Attributes
    ----------
    rows : tuple of ComparisonRow
    seeds, rounds, burn_in, survivors : int
        Runs, rounds per run, rounds left out before the steady state, runs
        that never died out.
    level : float
        Confidence level of every interval.
    transient_max_gap : float or None
        Largest absolute difference, over rounds and gap categories, between
        the coupled chain's transient gap shares and the mean over surviving
        runs (None when fewer than two runs survived). At the paper's
        settings it is about 0.03, in the first rounds: while owners are few
        the protocol matches the highest bids, and participants without a
        model (and so with few coins) bid least, so more of them stay
        without a model than the chain's random matching predicts.
    """

    rows: tuple[ComparisonRow, ...]
    seeds: int
    rounds: int
    burn_in: int
    survivors: int
    level: float
    transient_max_gap: float | None

    def row(self, quantity: str, theory_source: str | None = None) -> ComparisonRow:
        """The row of ``quantity`` (and ``theory_source``, if several)."""
        for r in self.rows:
            if r.quantity == quantity and theory_source in (None, r.theory_source):
                return r
        raise KeyError(f"no row {quantity!r} from {theory_source!r}")

    def to_dict(self) -> dict:
        """JSON-ready: the settings and one dictionary per row."""
        return dict(seeds=self.seeds, rounds=self.rounds, burn_in=self.burn_in,
                    survivors=self.survivors, level=self.level,
                    transient_max_gap=self.transient_max_gap,
                    rows=[r.to_dict() for r in self.rows])

    def table(self) -> str:
        """The rows as a plain-text table."""
        head = (f"{'quantity':<26} {'source':<22} {'theory':>9} {'sim':>9} "
                f"{'CI low':>9} {'CI high':>9}  in CI")
        lines = [head, "-" * len(head)]
        for r in self.rows:
            lines.append(f"{r.quantity:<26} {r.theory_source:<22} {r.theory:>9.5f} "
                         f"{r.simulated:>9.5f} {r.low:>9.5f} {r.high:>9.5f}  "
                         f"{'yes' if r.within else 'NO'}")
        return "\n".join(lines)


def _t_interval(per_seed: np.ndarray, level: float) -> tuple[float, float, float]:
    """Mean and Student t interval, clipped at 0 (every quantity is >= 0)."""
    mean = float(per_seed.mean())
    if per_seed.size < 2:
        return mean, mean, mean
    half = float(stats.t.ppf(0.5 + level / 2, per_seed.size - 1)
                 * per_seed.std(ddof=1) / np.sqrt(per_seed.size))
    return mean, max(0.0, mean - half), mean + half


def compare_with_simulation(params: ProtocolParams, *, seeds: int = 1000,
                            rounds: int = 100, seed: int = 0, burn_in: int = 50,
                            level: float = 0.99) -> SimulationComparison:
    """Hold the exact chains against Monte Carlo runs of the JAX engine.

    This is the one place where the theory runs the engine: ``seeds``
    vmapped :func:`run_jax` runs of ``rounds`` rounds (seeds ``seed,
    seed + 1, ...``). Rows (theory, simulated value, ``level`` interval):

    - extinction by the end of round 0 and of round ``rounds - 1``: the
      owner chain's exact probability against the share of runs that died,
      with a Wilson interval. The chain is exact for owner counts, so these
      must agree up to sampling;
    - mean owner count in rounds ``>= burn_in`` of the runs that survived:
      the chain's quasi-stationary mean and, as a second row, the
      mean-field ``m*`` (biased: ``floor(s X)`` loses ``E[frac(s X)]``
      owners a round, 1/4 at ``s = 1/2``), against the mean of per-run
      means with a Student t interval;
    - share of participants in each gap category after rounds
      ``>= burn_in`` of surviving runs: the coupled chain's and the
      mean-field chain's stationary shares, and the closed form
      ``(p (slots - m*) + 1) / N`` for gap 0, against per-run means with a
      Student t interval.

    The mean-field rows may fall outside their intervals with many seeds:
    their bias is real (the gap chain at a fixed owner count) and is
    reported, not hidden; ``ComparisonRow.gap`` measures it.

    Parameters
    ----------
    params : ProtocolParams
    seeds : int
        Simulated runs (>= 2).
    rounds : int
        Rounds per run, > ``burn_in``.
    seed : int
        First seed.
    burn_in : int
        Rounds left out before the steady state (>= 0).
    level : float
        Confidence level in (0, 1).

    Returns
    -------
    SimulationComparison
    """
    from ._jax_engine import run_jax   # the one place theory simulates

    params = _check_params(params)
    seeds = check_count("seeds", seeds, 2)
    rounds = check_count("rounds", rounds)
    seed = check_seed(seed)
    burn_in = check_count("burn_in", burn_in, 0)
    if burn_in >= rounds:
        raise ValueError(f"burn_in must be < rounds ({rounds}), got {burn_in}")
    if isinstance(level, bool) or not isinstance(level, Real) or not 0 < level < 1:
        raise ValueError(f"level must be a number in (0, 1), got {level!r}")

    owners = owner_chain(params, rounds)
    rec = run_jax(params, rounds, seed, seeds=seeds, full=False)
    died = np.asarray(rec.extinction_round)
    rows = []
    for t in (0, rounds - 1):
        dead = int(((died >= 0) & (died <= t)).sum())
        low, high = wilson_interval(dead, seeds, level)
        rows.append(ComparisonRow(f"extinction by round {t}",
                                  float(owners.extinction[t]), dead / seeds,
                                  low, high, "exact owner chain"))

    alive = died < 0
    survivors = int(alive.sum())
    transient_gap = None
    if survivors >= 2 and owners.survival > 0:
        late = slice(burn_in, None)
        m_mean = _t_interval(rec.owners[alive, late].mean(axis=1), level)
        rows.append(ComparisonRow("owners (steady state)", owners.stationary_mean,
                                  *m_mean, "exact owner chain"))
        rows.append(ComparisonRow("owners (steady state)", owners.mean_field,
                                  *m_mean, "mean field m*"))
        shares = np.asarray(rec.gap_shares)[alive]
        coupled = coupled_gap_chain(params, rounds)
        field = gap_chain(params) if 0 < owners.mean_field < params.slots else None
        per_seed = shares[:, late].mean(axis=1)
        for g, label in enumerate(GAP_LABELS):
            sim = _t_interval(per_seed[:, g], level)
            rows.append(ComparisonRow(f"gap share {label}", float(coupled.shares[g]),
                                      *sim, "coupled gap chain"))
            if field is not None:
                rows.append(ComparisonRow(f"gap share {label}",
                                          float(field.shares[g]), *sim,
                                          "mean-field gap chain"))
        closed = (params.p * (params.slots - owners.mean_field) + 1) / params.n
        rows.append(ComparisonRow("gap share 0", closed,
                                  *_t_interval(per_seed[:, 0], level),
                                  "closed form (m*)"))
        transient_gap = float(np.abs(coupled.transient - shares.mean(axis=0)).max())
    return SimulationComparison(rows=tuple(rows), seeds=seeds, rounds=rounds,
                                burn_in=burn_in, survivors=survivors, level=level,
                                transient_max_gap=transient_gap)
