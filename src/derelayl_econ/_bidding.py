"""The bidding game of one round (THEORY.md section 6, last bullet).

Trainers bid to be matched with better model owners (PROTOCOL.md steps 2-5
and 8). Trainers are ranked by bid, highest first, each group of equal bids
in uniformly random order; owners are ranked by the quality of their model,
best first; walking down the owners, each takes the next (up to) ``k``
trainers, and unmatched trainers do nothing. A matched trainer pays its bid
``b`` as a deposit; its relay leg succeeds with chance ``p`` and gives it a
model worth ``v`` to it; the new model wins the settlement with chance
``pi_j`` (higher for a better owner ``j``), and then the deposit comes back
and the trainer becomes an owner, worth the continuation value ``W``;
otherwise the deposit is burned. So trainer ``i`` matched with the owner of
rank ``j`` (0-based, best first) gets

    u_i = -b + p (v_i + pi_j (b + W)) = p (v_i + pi_j W) - b (1 - p pi_j),

and 0 when unmatched. Symbols map to words as: ``pi_j`` the *win chance*
of owner ``j``'s trainees, ``k`` the most trainers one owner takes, ``p``
the chance a leg succeeds, ``W`` the *continuation* value, ``v_i`` the
*catch-up value* (what the gained model is worth over what the trainer
holds; PROTOCOL.md's rule counts it as the versions caught up by, ``t - v +
1``, in coins per version) and ``c_i`` the trainer's *coins* (its budget).

The game is discrete: every trainer picks a point of one sorted ``bid_grid``
that it can afford (grid points above its coins are excluded for it). A
*profile* is always given as **integer indices into the grid**, one per
trainer (``game.index_of`` converts bid values); mixed strategies are
``(n, levels)`` arrays of probabilities over the grid.

Expected utilities are exact. With ``h`` rivals bidding strictly more and
``g`` bidding the same, a trainer's position is uniform on ``h .. h + g``;
position ``q`` is matched with owner ``q // k`` when ``q < m k``. For mixed
strategies the uniform tie order is the same as ranking by independent
uniform keys ``U``: given its own key ``u``, a trainer's position is a sum
of independent Bernoulli indicators (rival ``j`` is ahead with chance
``P(b_j > b) + P(b_j = b)(1 - u)``), a Poisson-binomial law whose
probabilities are polynomials of degree ``< n`` in ``u``; integrating them
over ``u`` by Gauss-Legendre quadrature with ``n // 2 + 1`` nodes is exact.

The training cost ``kappa`` of section 5 is not a separate parameter: a
matched trainer always pays it, so it can be folded into the catch-up
value as ``v_i - kappa / p`` (which is why values may be negative).
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import math
import warnings
from numbers import Integral, Real
from typing import Sequence

import numpy as np

__all__ = [
    "BiddingGame", "BestResponses", "RuleCheck", "BidEquilibrium",
    "TwoPlayerSolution", "BestResponseDynamics", "FictitiousPlay",
    "BiddingOutcomes", "ScenarioReport", "BidRuleReport",
    "ranked_win_chances", "expected_utility", "deviation_payoffs",
    "best_responses", "rule_profile", "check_rule", "pure_equilibria",
    "solve_two_player", "best_response_dynamics", "fictitious_play",
    "bidding_outcomes", "default_bidding_scenarios", "bid_rule_report",
]

logger = logging.getLogger(__name__)

# A grid point b is affordable for coins c when b <= c + _SLACK * max(1, c):
# a grid built as linspace(0, 0.3, 4) must let a trainer with 0.3 coins bid
# its 0.30000000000000004.
_SLACK = 1e-9


# Validation ---------------------------------------------------------------
def _vector(name: str, value: object, *, low: float | None = None,
            high: float | None = None, length: int | None = None) -> np.ndarray:
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a sequence of real numbers, "
                        f"got {value!r}") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence, got shape "
                         f"{arr.shape}")
    if length is not None and arr.size != length:
        raise ValueError(f"{name} must have one entry per trainer ({length}), "
                         f"got {arr.size}")
    bad = ~np.isfinite(arr)
    if low is not None:
        bad |= arr < low
    if high is not None:
        bad |= arr > high
    if bad.any():
        allowed = ("finite" if low is None else
                   f"finite and >= {low}" if high is None else f"in [{low}, {high}]")
        raise ValueError(f"{name} must be {allowed}, got {arr.tolist()}")
    arr.setflags(write=False)
    return arr


def _int(name: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    return int(value)


def _real(name: str, value: object, low: float, high: float | None = None
          ) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value < low or (high is not None
                                                    and value > high):
        allowed = f"[{low}, {high}]" if high is not None else f"[{low}, inf)"
        raise ValueError(f"{name} must be a finite number in {allowed}, "
                         f"got {value}")
    return value


def _tol(value: object) -> float:
    return _real("tol", value, 0.0)


# The game -----------------------------------------------------------------
@dataclasses.dataclass(frozen=True, eq=False)
class BiddingGame:
    """One round's bidding game between ``n`` trainers for ``m`` owners.

    Parameters
    ----------
    win_chances : array_like, shape (m,)
        ``pi_j``: chance that a model trained from the owner of rank ``j``
        wins the settlement, in [0, 1] and non-increasing (owners ranked
        best first).
    k : int
        Most trainers one owner takes (>= 1); ``m k`` trainers are matched.
    p : float
        Chance in [0, 1] that a relay leg succeeds.
    continuation : float
        ``W >= 0``: what becoming an owner is worth (future lineage rewards).
    values : array_like, shape (n,)
        ``v_i``: what the model a trainer gains is worth to it (finite; a
        training cost ``kappa`` may be folded in as ``v_i - kappa / p``).
    coins : array_like, shape (n,)
        ``c_i >= 0``: each trainer's budget; it bids at most this.
    bid_grid : array_like, shape (levels,)
        The bids anyone may make, finite, >= 0 and strictly increasing; its
        lowest point must be affordable for every trainer.

    Notes
    -----
    Construction validates every field and raises ``ValueError`` (or
    ``TypeError`` for the wrong kind) naming the field, the value and what
    is allowed. Arrays are stored read-only; instances are immutable and
    compare by identity.
    """

    win_chances: np.ndarray
    k: int
    p: float
    continuation: float
    values: np.ndarray
    coins: np.ndarray
    bid_grid: np.ndarray

    def __post_init__(self) -> None:
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731
        pi = _vector("win_chances", self.win_chances, low=0.0, high=1.0)
        if np.any(np.diff(pi) > 0):
            raise ValueError(f"win_chances must be non-increasing (owners ranked "
                             f"best first), got {pi.tolist()}")
        set_("win_chances", pi)
        set_("k", _int("k", self.k, 1))
        set_("p", _real("p", self.p, 0.0, 1.0))
        set_("continuation", _real("continuation", self.continuation, 0.0))
        values = _vector("values", self.values)
        set_("values", values)
        coins = _vector("coins", self.coins, low=0.0, length=values.size)
        set_("coins", coins)
        grid = _vector("bid_grid", self.bid_grid, low=0.0)
        if np.any(np.diff(grid) <= 0):
            raise ValueError(f"bid_grid must be strictly increasing, got "
                             f"{grid.tolist()}")
        set_("bid_grid", grid)
        poor = ~self.feasible[:, 0]
        if poor.any():
            i = int(np.flatnonzero(poor)[0])
            raise ValueError(f"bid_grid must start at a bid every trainer can "
                             f"afford: trainer {i} has {coins[i]} coins, the "
                             f"lowest bid is {grid[0]}; start the grid at 0")

    # Sizes ------------------------------------------------------------------
    @property
    def n(self) -> int:
        """Number of trainers."""
        return int(self.values.size)

    @property
    def m(self) -> int:
        """Number of owners."""
        return int(self.win_chances.size)

    @property
    def levels(self) -> int:
        """Number of grid points."""
        return int(self.bid_grid.size)

    @property
    def slots(self) -> int:
        """``m k``: how many trainers can be matched."""
        return self.m * self.k

    @property
    def feasible(self) -> np.ndarray:
        """``(n, levels)`` bool: grid point ``l`` is affordable for trainer ``i``."""
        c = self.coins[:, None]
        return self.bid_grid[None, :] <= c + _SLACK * np.maximum(1.0, c)

    def index_of(self, bids) -> np.ndarray:
        """Grid indices of bid values (each must be a grid point).

        Values within ``1e-9`` (relative) of a grid point map to it; any
        other value raises ``ValueError``.
        """
        b = np.asarray(bids, dtype=np.float64)
        idx = np.clip(np.searchsorted(self.bid_grid, b), 0, self.levels - 1)
        lower = np.clip(idx - 1, 0, self.levels - 1)
        near = np.where(np.abs(self.bid_grid[lower] - b)
                        < np.abs(self.bid_grid[idx] - b), lower, idx)
        off = np.abs(self.bid_grid[near] - b) > _SLACK * np.maximum(1.0, np.abs(b))
        if np.any(off) or not np.all(np.isfinite(b)):
            raise ValueError(f"bids must be points of bid_grid "
                             f"{self.bid_grid.tolist()}, got {b.tolist()}")
        return near.astype(np.int64)

    def position_win_chances(self) -> np.ndarray:
        """``(n,)``: the win chance at each rank position, 0 where unmatched."""
        q = np.arange(self.n)
        return np.where(q < self.slots,
                        self.win_chances[np.minimum(q // self.k, self.m - 1)], 0.0)

    def to_dict(self) -> dict:
        """The game as plain lists and numbers (JSON-ready)."""
        return {"win_chances": self.win_chances.tolist(), "k": self.k,
                "p": self.p, "continuation": self.continuation,
                "values": self.values.tolist(), "coins": self.coins.tolist(),
                "bid_grid": self.bid_grid.tolist()}

    @classmethod
    def from_protocol(cls, gaps, coins, win_chances, *, k: int = 4,
                      p: float = 0.9, continuation: float = 0.0,
                      levels: int = 11, max_bid: float | None = None,
                      coins_per_version: float = 1.0) -> "BiddingGame":
        """A game from protocol-like inputs.

        Parameters
        ----------
        gaps : array_like of int, shape (n,)
            Each trainer's version gap ``t - v + 1 >= 1`` (``v`` the version
            of its last gained model, 0 if none): the versions it catches up
            by. Its catch-up value is ``coins_per_version * gap``.
        coins : array_like, shape (n,)
            Each trainer's coins (>= 0).
        win_chances : array_like, shape (m,)
            Owners' win chances, best first (see :func:`ranked_win_chances`).
        k, p, continuation
            As in :class:`BiddingGame`. ``continuation = 0`` (the default)
            values becoming an owner at nothing, as the protocol's rule does.
        levels : int
            Points of the even grid ``linspace(0, max_bid, levels)`` (>= 2).
        max_bid : float or None
            Top of the grid; ``None`` means the most coins any trainer has.
        coins_per_version : float
            What one version caught up is worth, in coins (>= 0).

        Returns
        -------
        BiddingGame
            Its grid is the even grid merged with every trainer's rule bid
            ``min(coins, value)`` up to ``max_bid`` (an even-grid point within
            ``1e-9`` of a rule bid is dropped), so the protocol's rule is
            played exactly, not snapped.
        """
        gaps_f = _vector("gaps", gaps, low=1.0)
        if np.any(gaps_f != np.round(gaps_f)):
            raise ValueError(f"gaps must be whole numbers of versions >= 1, "
                             f"got {gaps_f.tolist()}")
        coins_a = _vector("coins", coins, low=0.0, length=gaps_f.size)
        levels = _int("levels", levels, 2)
        per = _real("coins_per_version", coins_per_version, 0.0)
        top = float(coins_a.max()) if max_bid is None else _real(
            "max_bid", max_bid, 0.0)
        values = per * gaps_f
        rule = np.minimum(coins_a, values)
        rule = rule[rule <= top]
        even = np.linspace(0.0, top, levels)
        close = np.abs(even[:, None] - rule[None, :]) <= _SLACK * np.maximum(
            1.0, rule[None, :])
        grid = np.unique(np.concatenate([even[~close.any(axis=1)], rule]))
        return cls(win_chances=win_chances, k=k, p=p, continuation=continuation,
                   values=values, coins=coins_a, bid_grid=grid)


def ranked_win_chances(m: int, s: float = 0.5) -> np.ndarray:
    """Win chances of ``m`` owners ranked by model quality, best first.

    The owner of rank ``j`` (0-based) gets ``pi_j = 2 s (m - j) / (m + 1)``:
    a linear fall from about ``2 s`` to about 0 whose mean is the selection
    share ``s`` (the share of trained models that win), so with every owner
    taking as many trainers the settlement's ``floor(s x models)`` winners
    come out right on average. Linear in rank is the simplest choice that
    makes better owners' trainees (starting from a higher theta) win more
    often; it is an assumption, not a protocol rule.

    Raises ``ValueError`` unless ``m >= 1`` and ``0 <= s`` with
    ``pi_0 = 2 s m / (m + 1) <= 1``.
    """
    m = _int("m (owners)", m, 1)
    s = _real("s (win share)", s, 0.0, 1.0)
    if 2 * s * m / (m + 1) > 1:
        raise ValueError(f"s (win share) must be <= (m + 1) / (2 m) = "
                         f"{(m + 1) / (2 * m)} so that the best owner's win "
                         f"chance 2 s m / (m + 1) stays <= 1, got {s}")
    return 2 * s * (m - np.arange(m)) / (m + 1)


# Kernels (trust their input) --------------------------------------------------
def _pure_components(game: BiddingGame, profiles: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Matching chance and mean win chance of every deviation, pure profiles.

    ``profiles`` is ``(P, n)`` grid indices. Returns two ``(P, n, levels)``
    arrays: for trainer ``i`` bidding grid point ``l`` while the others keep
    their bids, the chance it is matched and ``E[pi_owner 1{matched}]``.
    """
    levels, slots = game.levels, game.slots
    grid_idx = np.arange(levels)
    own = profiles[..., None]                               # (P, n, 1)
    at = own == grid_idx                                    # (P, n, L)
    count = at.sum(axis=1)                                  # (P, L)
    above = np.cumsum(count[:, ::-1], axis=1)[:, ::-1] - count
    h = above[:, None, :] - (own > grid_idx)                # rivals strictly above
    g = count[:, None, :] - at                              # rivals tied
    cum_pi = np.concatenate([[0.0], np.cumsum(game.position_win_chances())])
    inv = 1.0 / (g + 1)
    matched = (np.minimum(h + g + 1, slots) - np.minimum(h, slots)) * inv
    pi_sum = (cum_pi[h + g + 1] - cum_pi[h]) * inv
    return matched, pi_sum


def _mixed_components(game: BiddingGame, sigma: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
    """As :func:`_pure_components` against independent mixed strategies.

    ``sigma`` is ``(n, levels)``; returns two ``(n, levels)`` arrays. The
    position of trainer ``i`` with tie key ``u`` is Poisson-binomial over its
    rivals; positions at or past ``min(m k, n)`` are lumped in one absorbing
    state; ``u`` is integrated out by exact Gauss-Legendre quadrature.
    """
    n, levels = sigma.shape
    top = min(game.slots, n)
    nodes, weights = np.polynomial.legendre.leggauss(n // 2 + 1)
    u, w = (nodes + 1) / 2, weights / 2
    ahead = np.cumsum(sigma[:, ::-1], axis=1)[:, ::-1] - sigma   # P(b_j > b_l)
    r = ahead[:, :, None] + sigma[:, :, None] * (1 - u)          # (n, L, Q)
    pmf = np.zeros((n, levels, u.size, top + 1))
    pmf[..., 0] = 1.0
    for j in range(n):
        rj = np.broadcast_to(r[j], pmf.shape[:-1]).copy()
        rj[j] = 0.0                                          # not its own rival
        moved = pmf * rj[..., None]
        pmf -= moved
        pmf[..., 1:] += moved[..., :-1]
        pmf[..., -1] += moved[..., -1]
    pos_pi = np.concatenate([game.position_win_chances()[:top], [0.0]])
    is_matched = np.arange(top + 1) < top
    per_node = pmf @ np.stack([is_matched.astype(float), pos_pi], axis=1)
    both = np.einsum("ilqc,q->ilc", per_node, w)
    return both[..., 0], both[..., 1]


def _payoff_table(game: BiddingGame, matched: np.ndarray, pi_sum: np.ndarray
                  ) -> np.ndarray:
    """Utilities ``(..., n, levels)`` from the components (finite everywhere)."""
    b = game.bid_grid
    return (matched * (game.p * game.values[:, None] - b)
            + game.p * (b + game.continuation) * pi_sum)


def _check_profile(game: BiddingGame, profile, *, batch: bool = False
                   ) -> np.ndarray:
    arr = np.asarray(profile)
    if arr.dtype == bool or arr.dtype.kind not in "iu":
        raise TypeError(f"profile must be integer indices into bid_grid (use "
                        f"game.index_of to convert bid values), got "
                        f"{arr.tolist()!r} of dtype {arr.dtype}")
    ok_shape = arr.shape[-1:] == (game.n,) and (arr.ndim == 1 or
                                                 (batch and arr.ndim == 2))
    if not ok_shape:
        shapes = f"({game.n},)" + (f" or (P, {game.n})" if batch else "")
        raise ValueError(f"profile must have shape {shapes}, one grid index per "
                         f"trainer, got shape {arr.shape}")
    if np.any(arr < 0) or np.any(arr >= game.levels):
        raise ValueError(f"profile must hold grid indices in [0, {game.levels - 1}]"
                         f", got {arr.tolist()}")
    arr = arr.astype(np.int64).reshape(-1, game.n)
    afford = game.feasible[np.arange(game.n), arr]
    if not afford.all():
        row, i = (int(x[0]) for x in np.nonzero(~afford))
        raise ValueError(f"profile bids more than a trainer has: trainer {i} bids "
                         f"{game.bid_grid[arr[row, i]]} with {game.coins[i]} coins")
    return arr


def _check_mixed(game: BiddingGame, strategies) -> np.ndarray:
    sigma = np.asarray(strategies, dtype=np.float64)
    if sigma.shape != (game.n, game.levels):
        raise ValueError(f"mixed strategies must have shape ({game.n}, "
                         f"{game.levels}) (trainers x grid points), got "
                         f"{sigma.shape}")
    if not np.all(np.isfinite(sigma)) or np.any(sigma < -1e-12) or not np.allclose(
            sigma.sum(axis=1), 1.0, atol=1e-9):
        raise ValueError(f"mixed strategies must be rows of probabilities "
                         f"(>= 0, summing to 1), got row sums "
                         f"{sigma.sum(axis=1).tolist()}")
    if np.any(sigma[~game.feasible] > 1e-12):
        i = int(np.nonzero((sigma > 1e-12) & ~game.feasible)[0][0])
        raise ValueError(f"mixed strategies put weight on bids a trainer cannot "
                         f"afford: trainer {i} has {game.coins[i]} coins")
    return np.clip(sigma, 0.0, None) / np.clip(sigma, 0.0, None).sum(
        axis=1, keepdims=True)


def _is_mixed(profile) -> bool:
    return np.ndim(profile) == 2 and np.asarray(profile).dtype.kind == "f"


def _table(game: BiddingGame, profile) -> tuple[np.ndarray, np.ndarray]:
    """Checked payoff table ``(n, levels)`` and own weights ``(n, levels)``."""
    if _is_mixed(profile):
        sigma = _check_mixed(game, profile)
        return _payoff_table(game, *_mixed_components(game, sigma)), sigma
    prof = _check_profile(game, profile)[0]
    table = _payoff_table(game, *_pure_components(game, prof[None]))[0]
    return table, (prof[:, None] == np.arange(game.levels)).astype(float)


# Payoffs and best responses -----------------------------------------------
def expected_utility(game: BiddingGame, profile) -> np.ndarray:
    """Expected utility of every trainer at a pure profile.

    Parameters
    ----------
    game : BiddingGame
    profile : array_like of int, shape (n,) or (P, n)
        Grid indices of the trainers' bids (one profile or a batch).

    Returns
    -------
    ndarray, shape (n,) or (P, n)
        ``E[u_i]`` over the uniformly random order of equal bids: with
        ``h`` rivals above and ``g`` tied, the average of ``u_i`` over
        positions ``h .. h + g`` (``u_i = p (v_i + pi_j W) - b (1 - p pi_j)``
        at owner ``j = q // k`` for ``q < m k``, else 0).
    """
    single = np.ndim(profile) == 1
    prof = _check_profile(game, profile, batch=True)
    out = np.empty(prof.shape)
    for start in range(0, len(prof), 4096):          # bounded memory
        chunk = prof[start:start + 4096]
        table = _payoff_table(game, *_pure_components(game, chunk))
        out[start:start + 4096] = np.take_along_axis(
            table, chunk[..., None], axis=2)[..., 0]
    return out[0] if single else out


def deviation_payoffs(game: BiddingGame, profile) -> np.ndarray:
    """Each trainer's expected utility for every grid bid, the others fixed.

    Parameters
    ----------
    game : BiddingGame
    profile : array_like
        Pure: ``(n,)`` integer grid indices. Mixed: ``(n, levels)`` float
        probabilities (independent across trainers).

    Returns
    -------
    ndarray, shape (n, levels)
        Entry ``(i, l)`` is trainer ``i``'s expected utility when it bids
        ``bid_grid[l]`` and every other trainer plays as in ``profile``;
        ``-inf`` where ``bid_grid[l]`` exceeds its coins.
    """
    table, _ = _table(game, profile)
    return np.where(game.feasible, table, -np.inf)


@dataclasses.dataclass(frozen=True)
class BestResponses:
    """Every trainer's best responses to the others' play.

    Attributes
    ----------
    best_index : ndarray of int, shape (n,)
        The lowest best-response bid (grid index).
    best_bid : ndarray, shape (n,)
        Its value.
    is_best : ndarray of bool, shape (n, levels)
        The best-response set: bids within ``tol`` of the best payoff.
    best_payoff : ndarray, shape (n,)
    payoff : ndarray, shape (n,)
        Expected utility of the trainer's own (pure or mixed) play.
    gain : ndarray, shape (n,)
        ``best_payoff - payoff`` (>= 0): the regret of its current play.
    tol : float
    """

    best_index: np.ndarray
    best_bid: np.ndarray
    is_best: np.ndarray
    best_payoff: np.ndarray
    payoff: np.ndarray
    gain: np.ndarray
    tol: float

    @property
    def max_gain(self) -> float:
        """The largest regret over trainers."""
        return float(self.gain.max())


def _best_from_table(game: BiddingGame, table: np.ndarray, own: np.ndarray,
                     tol: float) -> BestResponses:
    feasible = game.feasible
    masked = np.where(feasible, table, -np.inf)
    best = masked.max(axis=1)
    is_best = feasible & (table >= best[:, None] - tol)
    idx = np.argmax(is_best, axis=1)
    payoff = np.sum(np.where(feasible, table, 0.0) * own, axis=1)
    return BestResponses(best_index=idx, best_bid=game.bid_grid[idx],
                         is_best=is_best, best_payoff=best, payoff=payoff,
                         gain=np.maximum(best - payoff, 0.0), tol=tol)


def best_responses(game: BiddingGame, profile, *, tol: float = 1e-9
                   ) -> BestResponses:
    """Best responses of every trainer to the others' play (one grid sweep).

    ``profile`` is pure ``(n,)`` grid indices or mixed ``(n, levels)``
    probabilities. A bid is a best response when its payoff is within
    ``tol`` of the best affordable one; ``best_index`` is the lowest such bid.
    """
    tol = _tol(tol)
    table, own = _table(game, profile)
    return _best_from_table(game, table, own, tol)


# The protocol's rule ------------------------------------------------------
def rule_profile(game: BiddingGame) -> np.ndarray:
    """PROTOCOL.md's bids ``min(coins, v_i)`` as grid indices.

    Each rule bid is snapped to the largest grid point not above it (within
    ``1e-9`` relative), or to the lowest grid point if the rule bid is below
    all of them (only when ``v_i`` is below the grid). The result is always
    affordable. ``game.bid_grid[rule_profile(game)]`` gives the values.
    """
    rule = np.minimum(game.coins, game.values)
    slack = _SLACK * np.maximum(1.0, np.abs(rule))
    idx = np.searchsorted(game.bid_grid, rule + slack, side="right") - 1
    return np.clip(idx, 0, game.levels - 1).astype(np.int64)


@dataclasses.dataclass(frozen=True)
class RuleCheck:
    """Is the protocol's bid rule a best response, trainer by trainer?

    Attributes
    ----------
    rule_index, rule_bid : ndarray, shape (n,)
        The rule's bids (grid index and value).
    rule_payoff : ndarray, shape (n,)
        Expected utility when everyone follows the rule.
    best_index, best_bid, best_payoff : ndarray, shape (n,)
        The lowest best response to the others following the rule.
    regret : ndarray, shape (n,)
        ``best_payoff - rule_payoff``: what deviating from the rule gains.
    is_best_response : ndarray of bool, shape (n,)
        ``regret <= tol``.
    tol : float
    """

    rule_index: np.ndarray
    rule_bid: np.ndarray
    rule_payoff: np.ndarray
    best_index: np.ndarray
    best_bid: np.ndarray
    best_payoff: np.ndarray
    regret: np.ndarray
    is_best_response: np.ndarray
    tol: float

    @property
    def is_equilibrium(self) -> bool:
        """Everyone following the rule is a Nash equilibrium (on the grid)."""
        return bool(np.all(self.is_best_response))

    @property
    def max_regret(self) -> float:
        return float(self.regret.max())

    def to_dict(self) -> dict:
        """JSON-ready values."""
        out = {f.name: _plain(getattr(self, f.name))
               for f in dataclasses.fields(self)}
        out.update(is_equilibrium=self.is_equilibrium, max_regret=self.max_regret)
        return out


def check_rule(game: BiddingGame, *, tol: float = 1e-9) -> RuleCheck:
    """Is PROTOCOL.md's bid ``min(coins, t - v + 1)`` a best response?

    Every trainer bids its rule bid (:func:`rule_profile`); for each one,
    its best response to the others doing so and the regret of the rule.

    Notes
    -----
    Matched with the owner of rank ``j``, a bid ``b`` costs
    ``b (1 - p pi_j)`` in expectation (the deposit is burned unless the leg
    succeeds and wins) and buys only *rank*: the payoff
    ``p (v + pi_j W) - b (1 - p pi_j)`` falls with ``b`` at a fixed rank.
    Hence:

    - With ``n <= m k`` everyone is matched, so a lower bid loses only rank
      among owners. If the owners are equal (one owner, or equal ``pi``),
      rank is worth nothing and the rule is **not** a best response for
      any trainer with a positive rule bid: bidding the grid's lowest point
      gains ``b (1 - p pi)``, unless ``p pi = 1`` (deposits always come
      back) or it has no coins.
    - The rule can be a best response only where its bid sits just at a
      rank boundary: lowering it (even by one grid step) would lose a rank
      worth more than the deposit saved, and raising it to the next rank up
      costs more than that rank is worth. Moving from owner ``j`` to a
      better ``j'`` by raising ``b`` to ``b'`` gains
      ``p (pi_j' - pi_j) W + p pi_j' b' - p pi_j b - (b' - b)``, so bidding
      above what a better owner is worth never pays.
    - With ``n > m k`` slots are scarce and unmatched trainers get 0: an
      unmatched trainer that can afford to outbid a matched one gains
      ``p (v + pi W) - b' (1 - p pi)`` by doing so, which is positive for
      modest bids whenever ``W`` or ``v`` is large. The rule caps bids at
      ``v`` and ignores ``W``, so it underbids for scarce slots, except for
      trainers whose coins bind (they cannot bid more).

    The answer holds on the grid only: a finer grid can open deviations a
    coarse one lacks.
    """
    tol = _tol(tol)
    rule = rule_profile(game)
    br = best_responses(game, rule, tol=tol)
    return RuleCheck(rule_index=rule, rule_bid=game.bid_grid[rule],
                     rule_payoff=br.payoff, best_index=br.best_index,
                     best_bid=br.best_bid, best_payoff=br.best_payoff,
                     regret=br.gain, is_best_response=br.gain <= tol, tol=tol)


# Pure equilibria by enumeration -------------------------------------------
def pure_equilibria(game: BiddingGame, *, tol: float = 1e-9,
                    max_profiles: int = 200_000) -> np.ndarray:
    """All pure Nash equilibria on the grid, by brute force.

    Enumerates every affordable profile (at most ``max_profiles`` of them,
    else ``ValueError``) and keeps those where no trainer gains more than
    ``tol`` by any affordable deviation. Returns ``(E, n)`` grid indices in
    lexicographic order.
    """
    tol = _tol(tol)
    max_profiles = _int("max_profiles", max_profiles, 1)
    options = [np.flatnonzero(row) for row in game.feasible]
    total = math.prod(len(o) for o in options)
    if total > max_profiles:
        raise ValueError(f"pure_equilibria would enumerate {total} profiles, more "
                         f"than max_profiles={max_profiles}; use a coarser grid, "
                         f"fewer trainers or best_response_dynamics")
    found = []
    product = itertools.product(*options)
    rows = np.arange(game.n)
    while True:
        chunk = np.array(list(itertools.islice(product, 2048)), dtype=np.int64)
        if chunk.size == 0:
            break
        table = _payoff_table(game, *_pure_components(game, chunk))
        table = np.where(game.feasible, table, -np.inf)
        own = table[np.arange(len(chunk))[:, None], rows, chunk]
        ok = np.all(table.max(axis=2) - own <= tol, axis=1)
        found.append(chunk[ok])
    return np.concatenate(found) if found else np.empty((0, game.n), np.int64)


# Two players: nashpy --------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class BidEquilibrium:
    """One Nash equilibrium of the two-trainer game.

    Attributes
    ----------
    strategies : ndarray, shape (2, levels)
        Each trainer's mixed strategy over the whole grid.
    supports : tuple of two tuples of float
        The bid values each trainer plays with positive probability.
    payoffs : ndarray, shape (2,)
    mean_bids : ndarray, shape (2,)
    found_by : tuple of str
        The nashpy methods that found it.
    """

    strategies: np.ndarray
    supports: tuple
    payoffs: np.ndarray
    mean_bids: np.ndarray
    found_by: tuple

    @property
    def pure(self) -> bool:
        return all(len(s) == 1 for s in self.supports)

    def to_dict(self) -> dict:
        return {"strategies": self.strategies.tolist(),
                "supports": [list(s) for s in self.supports],
                "payoffs": self.payoffs.tolist(), "mean_bids": self.mean_bids.tolist(),
                "found_by": list(self.found_by), "pure": self.pure}


@dataclasses.dataclass(frozen=True)
class TwoPlayerSolution:
    """All equilibria of the two-trainer bidding game, found by nashpy.

    Attributes
    ----------
    row_bids, col_bids : ndarray
        The affordable bids of trainer 0 (rows) and trainer 1 (columns).
    A, B : ndarray, shape (rows, cols)
        Their expected utilities for each pair of bids.
    equilibria : tuple of BidEquilibrium
        Union of support and vertex enumeration, each verified a mutual
        best response within ``tol`` on ``A, B``.
    pure_equilibria : ndarray of int, shape (E, 2)
        Every pure equilibrium by brute force (grid indices).
    degenerate : bool
        Some pure strategy has two best replies, or nashpy warned; then
        support enumeration (which nashpy runs on equal-size supports) can
        miss equilibria and a continuum may exist, of which vertex
        enumeration gives extreme points.
    methods_agree : bool
        Both methods found the same set.
    messages : tuple of str
        Warnings raised by nashpy (and a vertex-enumeration failure, if any).
    rule_is_equilibrium : bool
        The rule profile is one of the pure equilibria.
    """

    row_bids: np.ndarray
    col_bids: np.ndarray
    A: np.ndarray
    B: np.ndarray
    equilibria: tuple
    pure_equilibria: np.ndarray
    degenerate: bool
    methods_agree: bool
    messages: tuple
    rule_is_equilibrium: bool

    def to_dict(self) -> dict:
        """JSON-ready values."""
        return {"row_bids": self.row_bids.tolist(), "col_bids": self.col_bids.tolist(),
                "A": self.A.tolist(), "B": self.B.tolist(),
                "equilibria": [e.to_dict() for e in self.equilibria],
                "pure_equilibria": self.pure_equilibria.tolist(),
                "degenerate": self.degenerate, "methods_agree": self.methods_agree,
                "messages": list(self.messages),
                "rule_is_equilibrium": self.rule_is_equilibrium}


def _degenerate(A: np.ndarray, B: np.ndarray, tol: float) -> bool:
    """A pure strategy with two best replies (within ``tol``)."""
    col_best = np.sum(A >= A.max(axis=0, keepdims=True) - tol, axis=0)
    row_best = np.sum(B >= B.max(axis=1, keepdims=True) - tol, axis=1)
    return bool(np.any(col_best > 1) or np.any(row_best > 1))


def solve_two_player(game: BiddingGame, *, tol: float = 1e-9,
                     max_strategies: int = 8) -> TwoPlayerSolution:
    """All Nash equilibria of a two-trainer game, with nashpy.

    Builds the bimatrix of expected utilities over each trainer's affordable
    bids and runs support enumeration and vertex enumeration (whose
    results are cross-checked), catching nashpy's warnings: ties make these
    games degenerate more often than not, and a degenerate game is flagged
    rather than silently mis-solved. Payoffs are shifted to be >= 1 and
    rounded to 10 decimals for nashpy (its equilibrium test compares floats
    exactly); each equilibrium found is then verified on the exact payoffs.

    Support enumeration costs about ``C(r + c, r)`` linear solves for ``r``
    and ``c`` strategies, hence ``max_strategies`` (``ValueError`` beyond).
    """
    import nashpy

    tol = _tol(tol)
    max_strategies = _int("max_strategies", max_strategies, 1)
    if game.n != 2:
        raise ValueError(f"solve_two_player needs a game of 2 trainers, got "
                         f"{game.n}; use best_response_dynamics or "
                         f"fictitious_play for more")
    rows, cols = (np.flatnonzero(f) for f in game.feasible)
    if max(len(rows), len(cols)) > max_strategies:
        raise ValueError(f"each trainer may have at most max_strategies="
                         f"{max_strategies} affordable bids, got {len(rows)} and "
                         f"{len(cols)}; use a coarser bid_grid or raise "
                         f"max_strategies (cost grows like C(r + c, r))")

    profiles = np.array([(a, b) for a in rows for b in cols], dtype=np.int64)
    utilities = expected_utility(game, profiles).reshape(len(rows), len(cols), 2)
    A, B = utilities[..., 0], utilities[..., 1]
    # Equilibria do not move when a constant is added to a player's payoffs;
    # nashpy's best-response polytopes need them all > 0 (a zero payoff, as
    # an unmatched trainer gets, leaves vertex enumeration empty-handed).
    nash = nashpy.Game(np.round(A - A.min() + 1.0, 10),
                       np.round(B - B.min() + 1.0, 10))

    found: dict[str, list] = {}
    messages: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # nashpy solves square indifference systems only, so unequal supports
        # fail in either mode; non_degenerate=True just skips them sooner.
        found["support_enumeration"] = list(nash.support_enumeration(
            non_degenerate=True))
        try:
            found["vertex_enumeration"] = list(nash.vertex_enumeration())
        except Exception as error:               # scipy's Qhull on degenerate
            found["vertex_enumeration"] = []
            messages.append(f"vertex enumeration failed: {error}")
    messages += [" ".join(str(w.message).split()) for w in caught]
    degenerate = _degenerate(A, B, tol) or bool(caught)

    def verified(pairs) -> list[tuple[np.ndarray, np.ndarray]]:
        out = []
        for x, y in pairs:
            x, y = np.asarray(x, float), np.asarray(y, float)
            if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
                continue
            x, y = np.clip(x, 0, None), np.clip(y, 0, None)
            if x.sum() <= 0 or y.sum() <= 0:
                continue
            x, y = x / x.sum(), y / y.sum()
            if x @ A @ y >= (A @ y).max() - tol and x @ B @ y >= (x @ B).max() - tol:
                out.append((x, y))
        return out

    equilibria: list[list] = []                 # [x, y, methods]
    for method, pairs in found.items():
        for x, y in verified(pairs):
            for e in equilibria:
                if np.allclose(e[0], x, atol=1e-7) and np.allclose(e[1], y, atol=1e-7):
                    if method not in e[2]:
                        e[2].append(method)
                    break
            else:
                equilibria.append([x, y, [method]])
    methods_agree = all(len(e[2]) == len(found) for e in equilibria)

    grid = game.bid_grid
    result = []
    for x, y, methods in equilibria:
        strat = np.zeros((2, game.levels))
        strat[0, rows], strat[1, cols] = x, y
        result.append(BidEquilibrium(
            strategies=strat,
            supports=tuple(tuple(float(b) for b in grid[s > tol]) for s in strat),
            payoffs=np.array([x @ A @ y, x @ B @ y]), mean_bids=strat @ grid,
            found_by=tuple(methods)))
    pure = pure_equilibria(game, tol=tol)
    rule = rule_profile(game)
    return TwoPlayerSolution(
        row_bids=grid[rows], col_bids=grid[cols], A=A, B=B, equilibria=tuple(result),
        pure_equilibria=pure, degenerate=degenerate, methods_agree=methods_agree,
        messages=tuple(messages),
        rule_is_equilibrium=bool(np.any(np.all(pure == rule, axis=1))))


# n players: dynamics --------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class BestResponseDynamics:
    """Result of :func:`best_response_dynamics`.

    Attributes
    ----------
    profile : ndarray of int, shape (n,)
        The last profile (grid indices).
    bids : ndarray, shape (n,)
    converged : bool
        No trainer can gain more than ``tol``: ``profile`` is a pure Nash
        equilibrium on the grid.
    iterations : int
        Moves made.
    cycled : bool
        A profile came back (the dynamics would loop forever).
    cycle_length : int
        Moves in the loop (0 if none).
    max_regret : float
        The largest gain of a deviation at ``profile``.
    tol : float
    """

    profile: np.ndarray
    bids: np.ndarray
    converged: bool
    iterations: int
    cycled: bool
    cycle_length: int
    max_regret: float
    tol: float

    @property
    def is_equilibrium(self) -> bool:
        return self.max_regret <= self.tol


def _start(game: BiddingGame, start) -> np.ndarray:
    if isinstance(start, str):
        if start == "rule":
            return rule_profile(game)
        if start == "zero":
            return np.zeros(game.n, dtype=np.int64)
        raise ValueError(f"start must be 'rule', 'zero' or a profile of grid "
                         f"indices, got {start!r}")
    return _check_profile(game, start)[0].copy()


def best_response_dynamics(game: BiddingGame, *, start="rule",
                           max_iter: int = 1000, tol: float = 1e-9
                           ) -> BestResponseDynamics:
    """Pure best-response dynamics: the most-regretful trainer moves.

    Each iteration computes every trainer's payoff for every grid bid in
    one array sweep; the trainer with the largest gain (lowest index on a
    tie) switches to its lowest best response. Deterministic. Stops at a
    pure equilibrium (``converged``), when a profile repeats (``cycled``:
    first-price position auctions often have no pure equilibrium, and the
    bids saw-tooth), or after ``max_iter`` moves.

    ``start`` is ``'rule'`` (PROTOCOL.md's bids), ``'zero'`` (the lowest
    grid point) or a profile of grid indices.
    """
    tol = _tol(tol)
    max_iter = _int("max_iter", max_iter, 0)
    profile = _start(game, start)
    seen = {profile.tobytes(): 0}
    cycled, cycle_length, moves = False, 0, 0
    while True:
        table, own = _table(game, profile)
        br = _best_from_table(game, table, own, tol)
        if br.max_gain <= tol or moves >= max_iter or cycled:
            break
        i = int(np.argmax(br.gain))
        profile[i] = br.best_index[i]
        moves += 1
        key = profile.tobytes()
        if key in seen:
            cycled, cycle_length = True, moves - seen[key]
        seen[key] = moves
    logger.debug("best-response dynamics: %d moves, max regret %g", moves,
                 br.max_gain)
    return BestResponseDynamics(
        profile=profile, bids=game.bid_grid[profile], converged=br.max_gain <= tol,
        iterations=moves, cycled=cycled, cycle_length=cycle_length,
        max_regret=br.max_gain, tol=tol)


@dataclasses.dataclass(frozen=True)
class FictitiousPlay:
    """Result of :func:`fictitious_play`.

    Attributes
    ----------
    strategies : ndarray, shape (n, levels)
        Empirical frequencies of each trainer's bids after ``best_iteration``
        rounds: the empirical profile with the smallest ``max_regret`` seen.
    mean_bids : ndarray, shape (n,)
    converged : bool
        That profile is a ``tol``-equilibrium: no trainer gains more than
        ``tol`` by any bid against the others' frequencies.
    iterations : int
        Rounds of play run after the start.
    best_iteration : int
        The round whose empirical profile is returned.
    max_regret : float
        The epsilon of ``strategies`` as an epsilon-equilibrium.
    tol : float
    """

    strategies: np.ndarray
    mean_bids: np.ndarray
    converged: bool
    iterations: int
    best_iteration: int
    max_regret: float
    tol: float

    @property
    def is_equilibrium(self) -> bool:
        return self.max_regret <= self.tol


def fictitious_play(game: BiddingGame, *, iterations: int = 2000,
                    start="rule", tol: float = 1e-2) -> FictitiousPlay:
    """Simultaneous fictitious play over the bid grid.

    Round 0 plays ``start`` (as in :func:`best_response_dynamics`); then in
    each round every trainer plays its lowest best response to the others'
    empirical bid frequencies (independent across trainers, payoffs exact,
    see the module notes). Deterministic. Stops as soon as the empirical
    profile is a ``tol``-equilibrium, else after ``iterations`` rounds, and
    returns the empirical profile with the smallest epsilon seen (the
    frequencies of this game's fictitious play oscillate on their way).

    Each round costs ``O(n^2 levels n/2 min(m k, n))``; fictitious play need
    not converge in games of more than two players, so read ``converged``
    and ``max_regret``.
    """
    tol = _tol(tol)
    iterations = _int("iterations", iterations, 1)
    profile = _start(game, start)
    counts = np.zeros((game.n, game.levels))
    counts[np.arange(game.n), profile] = 1.0
    rows = np.arange(game.n)
    best = (math.inf, 0, counts.copy())
    for it in range(iterations + 1):
        sigma = counts / (it + 1)
        table = _payoff_table(game, *_mixed_components(game, sigma))
        br = _best_from_table(game, table, sigma, tol)
        if br.max_gain < best[0]:
            best = (br.max_gain, it, sigma)
        if br.max_gain <= tol or it == iterations:
            break
        counts[rows, br.best_index] += 1.0
    regret, best_it, sigma = best
    return FictitiousPlay(strategies=sigma, mean_bids=sigma @ game.bid_grid,
                          converged=regret <= tol, iterations=it,
                          best_iteration=best_it, max_regret=regret, tol=tol)


# Outcomes -----------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class BiddingOutcomes:
    """Per-trainer expectations at a (pure or mixed) profile, shape (n,) each.

    ``burned`` is the expected deposit lost: ``b (P(matched) - p E[pi
    1{matched}])``; ``deposit`` the expected deposit paid.
    """

    match_chance: np.ndarray
    deposit: np.ndarray
    burned: np.ndarray
    utility: np.ndarray
    bid: np.ndarray


def bidding_outcomes(game: BiddingGame, profile) -> BiddingOutcomes:
    """Match chance, deposit paid, deposit burned and utility per trainer.

    ``profile`` is pure ``(n,)`` grid indices or mixed ``(n, levels)``.
    """
    if _is_mixed(profile):
        sigma = _check_mixed(game, profile)
        matched, pi_sum = _mixed_components(game, sigma)
    else:
        prof = _check_profile(game, profile)[0]
        matched, pi_sum = (c[0] for c in _pure_components(game, prof[None]))
        sigma = (prof[:, None] == np.arange(game.levels)).astype(float)
    b = game.bid_grid
    table = _payoff_table(game, matched, pi_sum)
    return BiddingOutcomes(
        match_chance=np.sum(sigma * matched, axis=1),
        deposit=np.sum(sigma * matched * b, axis=1),
        burned=np.sum(sigma * b * (matched - game.p * pi_sum), axis=1),
        utility=np.sum(sigma * np.where(game.feasible, table, 0.0), axis=1),
        bid=sigma @ b)


# The report -----------------------------------------------------------------
def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return float(value)
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


@dataclasses.dataclass(frozen=True)
class ScenarioReport:
    """The rule against equilibrium bidding in one scenario (JSON via ``to_dict``).

    Per-trainer tuples (one entry per trainer): ``gaps``, ``coins``,
    ``rule_bids``, ``best_response_bids`` (the lowest best response to
    everyone else following the rule), ``regrets``,
    ``rule_is_best_response``, ``equilibrium_bids`` (pure bids if
    best-response dynamics reached an equilibrium, else mean bids of
    fictitious play). Totals over trainers: expected deposits burned and
    utility, under the rule and in equilibrium.
    """

    name: str
    description: str
    trainers: int
    owners: int
    k: int
    p: float
    continuation: float
    win_chances: tuple
    gaps: tuple
    coins: tuple
    rule_bids: tuple
    best_response_bids: tuple
    regrets: tuple
    rule_is_best_response: tuple
    rule_is_equilibrium: bool
    equilibrium_method: str
    equilibrium_bids: tuple
    equilibrium_converged: bool
    equilibrium_iterations: int
    equilibrium_regret: float
    mean_rule_bid: float
    mean_equilibrium_bid: float
    burned_rule: float
    burned_equilibrium: float
    utility_rule: float
    utility_equilibrium: float

    @property
    def share_best_response(self) -> float:
        """Share of trainers for whom the rule is a best response."""
        return sum(self.rule_is_best_response) / self.trainers

    def to_dict(self) -> dict:
        out = {f.name: _plain(getattr(self, f.name))
               for f in dataclasses.fields(self)}
        out["share_best_response"] = self.share_best_response
        return out


@dataclasses.dataclass(frozen=True)
class BidRuleReport:
    """Answer to THEORY.md's question over the default scenarios."""

    scenarios: tuple
    parameters: dict

    @property
    def rule_is_equilibrium_everywhere(self) -> bool:
        return all(s.rule_is_equilibrium for s in self.scenarios)

    def to_dict(self) -> dict:
        return {"parameters": _plain(dict(self.parameters)),
                "rule_is_equilibrium_everywhere": self.rule_is_equilibrium_everywhere,
                "scenarios": [s.to_dict() for s in self.scenarios]}


def default_bidding_scenarios(*, k: int = 4, p: float = 0.9,
                              continuation: float = 19.0, s: float = 0.5,
                              levels: int = 11) -> dict[str, tuple]:
    """Two small scenarios close to the paper's defaults.

    Returns ``{name: (description, gaps, BiddingGame)}``:

    - ``steady``: the trainer-limited regime the relay settles in (at the
      paper's defaults about 40 owners and 88 trainers, k = 4: everyone
      matched), scaled down to 4 owners and 9 trainers;
    - ``scarce``: the owner-limited early rounds (few owners, many
      trainers), 2 owners and 12 trainers, 8 of them matched.

    Owners' win chances are :func:`ranked_win_chances` with share ``s``;
    trainers have a spread of version gaps and coins, so some are limited
    by their gap and some by their coins. ``continuation`` defaults to 19,
    about the simulated W at the paper's settings with discount 0.95.
    """
    steady_gaps = [1, 1, 2, 2, 3, 5, 8, 12, 20]
    steady_coins = [0.5, 4.0, 1.0, 6.0, 3.0, 2.0, 10.0, 5.0, 25.0]
    scarce_gaps = [1, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 10]
    scarce_coins = [0.0, 1.0, 3.0, 0.5, 4.0, 2.0, 6.0, 1.5, 8.0, 3.0, 12.0, 5.0]
    out = {}
    for name, m, gaps, coins, text in [
            ("steady", 4, steady_gaps, steady_coins,
             "trainer-limited (n <= m k): everyone matched, bids buy rank"),
            ("scarce", 2, scarce_gaps, scarce_coins,
             "owner-limited (n > m k): bids buy a slot and rank")]:
        game = BiddingGame.from_protocol(
            gaps, coins, ranked_win_chances(m, s), k=k, p=p,
            continuation=continuation, levels=levels)
        out[name] = (text, tuple(gaps), game)
    return out


def _scenario_report(name: str, description: str, gaps: Sequence[int],
                     game: BiddingGame, *, max_iter: int, iterations: int,
                     tol: float, fp_tol: float) -> ScenarioReport:
    check = check_rule(game, tol=tol)
    rule = bidding_outcomes(game, check.rule_index)
    brd = best_response_dynamics(game, start="rule", max_iter=max_iter, tol=tol)
    if brd.converged:
        method, eq_profile = "best-response dynamics", brd.profile
        eq_bids, converged, iters, regret = brd.bids, True, brd.iterations, \
            brd.max_regret
    else:
        fp = fictitious_play(game, iterations=iterations, start="rule", tol=fp_tol)
        method, eq_profile = "fictitious play", fp.strategies
        eq_bids, converged, iters, regret = fp.mean_bids, fp.converged, \
            fp.iterations, fp.max_regret
    eq = bidding_outcomes(game, eq_profile)
    return ScenarioReport(
        name=name, description=description, trainers=game.n, owners=game.m,
        k=game.k, p=game.p, continuation=game.continuation,
        win_chances=tuple(game.win_chances.tolist()), gaps=tuple(int(g) for g in gaps),
        coins=tuple(game.coins.tolist()), rule_bids=tuple(check.rule_bid.tolist()),
        best_response_bids=tuple(check.best_bid.tolist()),
        regrets=tuple(check.regret.tolist()),
        rule_is_best_response=tuple(bool(x) for x in check.is_best_response),
        rule_is_equilibrium=check.is_equilibrium, equilibrium_method=method,
        equilibrium_bids=tuple(float(b) for b in eq_bids),
        equilibrium_converged=bool(converged), equilibrium_iterations=int(iters),
        equilibrium_regret=float(regret),
        mean_rule_bid=float(rule.bid.mean()), mean_equilibrium_bid=float(eq.bid.mean()),
        burned_rule=float(rule.burned.sum()), burned_equilibrium=float(eq.burned.sum()),
        utility_rule=float(rule.utility.sum()),
        utility_equilibrium=float(eq.utility.sum()))


def bid_rule_report(*, k: int = 4, p: float = 0.9, continuation: float = 19.0,
                    s: float = 0.5, levels: int = 11, max_iter: int = 1000,
                    iterations: int = 2000, tol: float = 1e-9,
                    fp_tol: float = 0.05) -> BidRuleReport:
    """Is the paper's bid rule a best response, and what does equilibrium change?

    Over :func:`default_bidding_scenarios`: for each trainer, the rule's bid,
    its best response to everyone else following the rule and the regret
    (:func:`check_rule`); then equilibrium bidding, from best-response
    dynamics started at the rule (a pure equilibrium when it converges) or,
    when they cycle, fictitious play (an approximate mixed equilibrium,
    its epsilon reported); and the mean bid, expected deposits burned and
    total utility under the rule and in equilibrium. Returns plain data.
    """
    scenarios = default_bidding_scenarios(k=k, p=p, continuation=continuation,
                                          s=s, levels=levels)
    reports = tuple(
        _scenario_report(name, text, gaps, game, max_iter=max_iter,
                         iterations=iterations, tol=tol, fp_tol=fp_tol)
        for name, (text, gaps, game) in scenarios.items())
    return BidRuleReport(scenarios=reports, parameters=dict(
        k=k, p=p, continuation=continuation, s=s, levels=levels,
        max_iter=max_iter, iterations=iterations, tol=tol, fp_tol=fp_tol,
        win_chances="pi_j = 2 s (m - j) / (m + 1), owner rank j = 0 best"))
