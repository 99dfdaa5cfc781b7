"""The relay contest (THEORY.md section 6): n trainers, one prize, Tullock shares.

Trainer ``i`` chooses an effort ``e_i >= 0`` at cost ``c_i e_i`` and wins the
share ``e_i / E`` of the prize ``V``, where ``E = sum_j e_j`` is the total
effort. Symbols map to words as follows: ``c_i`` is a trainer's marginal cost
of training effort, ``V = s n (b_T + W)`` the prize (``s`` the protocol's win
share, ``n`` the trainers, ``b_T`` the deposit refunded to winners, ``W`` the
continuation value of becoming an owner), ``f`` an entry cost every trainer
who takes part pays whatever its effort (the training cost, or the part of
the deposit at risk). A trainer's utility is

    u_i = V e_i / E - c_i e_i - f.

The effort game has a unique Nash equilibrium in closed form
(:func:`solve_contest`); :func:`iterate_best_responses` reaches it by damped
best responses, an independent check of the formula.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ._params import _check_int, _check_real

__all__ = ["ContestEquilibrium", "ContestIteration", "contest_best_responses",
           "contest_prize", "iterate_best_responses", "solve_contest"]


# --------------------------------------------------------------------------
# Input checks (plain Python, before any vectorised kernel)

def _show(arr: np.ndarray) -> str:
    """A short rendering of an array for an error message."""
    if arr.size <= 8:
        return repr(arr.tolist())
    return f"an array of {arr.size} values"


def _as_vector(name: str, value: object) -> np.ndarray:
    """``value`` as a float64 1-D array (a copy), or ``TypeError``/``ValueError``."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a 1-D array of real numbers, got {value!r}")
    try:
        arr = np.asarray(value)
    except ValueError as err:            # ragged nested sequences
        raise ValueError(f"{name} must be a 1-D array of real numbers, got "
                         f"{value!r}") from err
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be a 1-D array of real numbers, got "
                        f"{value!r} (dtype {arr.dtype})")
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape "
                         f"{arr.shape}")
    return arr.astype(np.float64)


def _check_costs(costs: object, name: str = "costs") -> np.ndarray:
    """Marginal costs: a non-empty 1-D float64 array, finite and > 0."""
    arr = _as_vector(name, costs)
    bad = ~np.isfinite(arr) | (arr <= 0)
    if bad.any():
        where = "" if arr.size <= 8 else (
            f" ({float(arr[bad][0])!r} at index {int(np.argmax(bad))})")
        raise ValueError(f"{name} must be finite and > 0, got {_show(arr)}{where}")
    return arr


def _check_efforts(efforts: object, n: int, name: str = "efforts") -> np.ndarray:
    """Efforts of ``n`` trainers: 1-D float64, finite and >= 0."""
    arr = _as_vector(name, efforts)
    if arr.size != n:
        raise ValueError(f"{name} must hold one effort per trainer ({n}), got "
                         f"{arr.size}")
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        raise ValueError(f"{name} must be finite and >= 0, got {_show(arr)}")
    return arr


def _check_prize(prize: object, *, positive: bool = False) -> float:
    return _check_real("prize", prize, low=0.0, low_open=positive)


# --------------------------------------------------------------------------
# Results

def _frozen(arr: np.ndarray) -> np.ndarray:
    arr.setflags(write=False)
    return arr


@dataclasses.dataclass(frozen=True, eq=False)
class ContestEquilibrium:
    """The contest's equilibrium with participation, in input order.

    Attributes
    ----------
    efforts : float64 array (n,)
        Equilibrium effort of each trainer (0 for those who stay out).
    active : bool array (n,)
        Trainers who exert positive effort.
    participating : bool array (n,)
        Trainers who take part (and pay the entry cost).
    utilities : float64 array (n,)
        ``V e_i / E - c_i e_i - f`` for participants (``V - f`` for a lone
        participant, see :func:`solve_contest`), 0 for those out.
    total_effort : float
        ``E``, the sum of efforts.
    threshold : float
        ``C_A / (|A| - 1)``: participants whose cost is at or above it exert
        no effort (``inf`` with fewer than two participants).
    prize, entry_cost : float
        ``V`` and ``f``.
    costs : float64 array (n,)
        The marginal costs ``c_i`` as given.
    rounds_of_exit : int
        Rounds of the participation procedure: one trainer leaves per round.
    """

    efforts: np.ndarray
    active: np.ndarray
    participating: np.ndarray
    utilities: np.ndarray
    total_effort: float
    threshold: float
    prize: float
    entry_cost: float
    costs: np.ndarray
    rounds_of_exit: int


@dataclasses.dataclass(frozen=True, eq=False)
class ContestIteration:
    """Outcome of :func:`iterate_best_responses`.

    Attributes
    ----------
    efforts : float64 array (n,)
        The last iterate, in input order.
    converged : bool
        ``residual <= tol`` was reached within ``max_iter`` updates.
    iterations : int
        Updates made.
    residual : float
        ``max_i |BR_i(e) - e_i| / E`` at ``efforts``: how far the profile is
        from being a mutual best response, relative to the total effort.
    total_effort : float
    prize : float
    costs : float64 array (n,)
    """

    efforts: np.ndarray
    converged: bool
    iterations: int
    residual: float
    total_effort: float
    prize: float
    costs: np.ndarray


# --------------------------------------------------------------------------
# The prize and the closed form

def contest_prize(trainers: int, s: float, deposit: float,
                  continuation: float) -> float:
    """The contest prize ``V = s n (b_T + W)``.

    ``s n`` trainers of ``n`` win; each winner gets its deposit ``b_T`` back
    and becomes an owner worth ``W`` (its continuation value), so a larger
    deposit enlarges the prize a trainer competes for.

    Parameters
    ----------
    trainers : int
        ``n >= 1``.
    s : float
        Win share in (0, 1].
    deposit : float
        ``b_T >= 0``, refunded to winners.
    continuation : float
        ``W >= 0``.
    """
    n = _check_int("trainers", trainers, 1)
    s = _check_real("s (win share)", s, low=0.0, low_open=True, high=1.0)
    b = _check_real("deposit", deposit, low=0.0, low_open=False)
    w = _check_real("continuation", continuation, low=0.0, low_open=False)
    return s * n * (b + w)


def _active_count(sorted_costs: np.ndarray) -> int:
    """Size of the active set A among ascending costs (the cheapest |A|).

    Trainer ``m`` (1-based, ascending cost) joins the first ``m - 1`` iff
    ``c_m < C_m / (m - 1)``, i.e. ``(m - 2) c_m < C_{m-1}``; the two
    cheapest always do. If ``m`` fails so does every costlier trainer, so A
    is a prefix. Trainers of equal cost are decided by the first of their
    group, which keeps them all in or all out despite rounding.
    """
    n = sorted_costs.size
    prefix = np.cumsum(sorted_costs)
    ok = np.ones(n, dtype=bool)
    m = np.arange(1, n + 1, dtype=np.float64)
    ok[2:] = (m[2:] - 2.0) * sorted_costs[2:] < prefix[1:-1]
    ok = ok[np.searchsorted(sorted_costs, sorted_costs, side="left")]
    return n if ok.all() else int(np.argmin(ok))


def solve_contest(costs, prize: float, *, entry_cost: float = 0.0
                  ) -> ContestEquilibrium:
    """The unique equilibrium of the relay contest, with participation.

    Effort stage (Tullock contest, linear costs). Sort the costs ascending;
    the active set ``A`` is the cheapest ``|A|`` trainers, the largest prefix
    with ``c_m < C_m / (m - 1)`` (``C_m`` the sum of the ``m`` cheapest).
    Then

        E = (|A| - 1) V / C_A,    e_i = E (1 - (|A| - 1) c_i / C_A)

    for ``i`` in ``A`` and ``e_i = 0`` otherwise: the first-order condition
    ``V E_{-i} / E**2 = c_i`` of every active trainer, and ``V / E <= c_i``
    (no gain from entering) for the others. A trainer's equilibrium share is
    ``x_i = e_i / E = 1 - c_i E / V`` and its utility ``V x_i**2 - f``.

    Participation stage. A participant whose equilibrium utility is negative
    (only possible with ``f > 0``) stays out: the one with the highest cost
    among them leaves, the contest is solved again among those left, and so
    on until every participant has ``u_i >= 0``. Utility falls with cost,
    so the leaver is always the costliest participant. No trainer who left
    would gain by coming back: joining the final field it would be its
    costliest member and earn no more than the last trainer to leave (no
    costlier) earned in that field plus itself, which was negative.

    Parameters
    ----------
    costs : array_like (n,)
        Marginal costs of effort ``c_i``, finite and > 0.
    prize : float
        ``V >= 0``.
    entry_cost : float, optional
        ``f >= 0``, paid by every participant.

    Returns
    -------
    ContestEquilibrium
        Arrays in input order.

    Notes
    -----
    Ties. Trainers of equal cost are treated alike in the effort stage (all
    active or all inactive, with equal efforts), so efforts do not depend on
    input order. In the participation stage one trainer leaves per round;
    among trainers of equal cost the one listed last leaves first. Then the
    multiset of outcomes is still independent of input order, but which of
    two equal-cost trainers stays out follows the listing.

    Fewer than two participants. With one participant the share ``e / E`` is
    undefined at ``E = 0``; its supremum ``V`` is approached by ever smaller
    efforts and never attained. We take the limit: a lone participant exerts
    effort 0 and receives ``V``, so it participates iff ``V - f >= 0`` (else
    nobody does). ``n = 1`` is that case from the start.

    ``V = 0``: every effort is 0 (nothing to win); with ``f > 0`` nobody
    participates.

    The comparison ``u_i >= 0`` is made in floating point without slack.
    Cost: one sort, ``O(n log n)``.
    """
    c = _check_costs(costs)
    V = _check_prize(prize)
    f = _check_real("entry_cost", entry_cost, low=0.0, low_open=False)

    # Set up: ascending cost, equal costs in input order (stable sort).
    n = c.size
    order = np.argsort(c, kind="stable")
    cs = c[order]
    prefix = np.cumsum(cs)
    active_all = _active_count(cs)

    # Participation: the costliest participant leaves while its utility is
    # negative. With m participants (the m cheapest) the costliest one is
    # inactive (u = -f) when m > |A|, else has share 1 - (m-1) c_m / C_m.
    if n >= 2 and f == 0.0:
        stay = n
    else:
        m = np.arange(2, active_all + 1)
        top_share = 1.0 - (m - 1) * cs[m - 1] / prefix[m - 1]
        ok = np.nonzero(V * top_share**2 - f >= 0.0)[0]
        if ok.size:
            stay = int(m[ok[-1]])
        else:
            stay = 1 if V - f >= 0.0 else 0

    efforts = np.zeros(n)
    utilities = np.zeros(n)
    participating = np.zeros(n, dtype=bool)
    participating[order[:stay]] = True
    total, threshold = 0.0, math.inf
    if stay == 1:
        utilities[order[0]] = V - f
    elif stay >= 2:
        k = min(stay, active_all)
        c_sum = prefix[k - 1]
        total = (k - 1) * V / c_sum
        threshold = c_sum / (k - 1)
        share = np.maximum(1.0 - (k - 1) * cs[:k] / c_sum, 0.0)
        efforts[order[:k]] = total * share
        utilities[order[:k]] = V * share**2 - f
        utilities[order[k:stay]] = 0.0 - f      # 0.0, not -0.0, when f = 0

    return ContestEquilibrium(
        efforts=_frozen(efforts), active=_frozen(efforts > 0),
        participating=_frozen(participating), utilities=_frozen(utilities),
        total_effort=float(total), threshold=float(threshold), prize=V,
        entry_cost=f, costs=_frozen(c), rounds_of_exit=n - stay)


# --------------------------------------------------------------------------
# Best responses

#: Most the damping scale ``theta`` may grow in one update (it may fall at
#: once). Following ``2 / k`` at once can cycle: many trainers overshoot
#: together, few keep a positive best response, a large step overshoots
#: back.
_THETA_GROWTH = 1.1


def _best_responses(c: np.ndarray, V: float, e: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Kernel: (best responses, others' efforts, sqrt(V E_-i / c_i), E)."""
    total = float(e.sum())
    others = np.maximum(total - e, 0.0)
    root = np.sqrt(V * others / c)
    return np.maximum(root - others, 0.0), others, root, total


def contest_best_responses(costs, prize: float, efforts) -> np.ndarray:
    """Each trainer's best response to the others' current efforts.

    Against others' total ``E_-i > 0``, trainer ``i`` maximises
    ``V e / (e + E_-i) - c_i e``; the first-order condition
    ``V E_-i / (e + E_-i)**2 = c_i`` gives

        e_i* = max(0, sqrt(V E_-i / c_i) - E_-i).

    Parameters
    ----------
    costs : array_like (n,)
        Marginal costs ``c_i``, finite and > 0.
    prize : float
        ``V >= 0``.
    efforts : array_like (n,)
        Current efforts, finite and >= 0.

    Returns
    -------
    float64 array (n,)

    Notes
    -----
    When the others exert nothing (``E_-i = 0``) no best response exists:
    any positive effort wins the whole prize and a smaller one does better,
    so the supremum ``V`` is not attained. We return 0 there, the limit of
    the ``epsilon``-best responses; the profile is then not an equilibrium.
    """
    c = _check_costs(costs)
    V = _check_prize(prize)
    e = _check_efforts(efforts, c.size)
    return _best_responses(c, V, e)[0]


def iterate_best_responses(costs, prize: float, *, tol: float = 1e-12,
                           max_iter: int = 100_000, start=None
                           ) -> ContestIteration:
    """Reach the contest equilibrium by damped simultaneous best responses.

    Every round each trainer moves part of the way to its best response to
    the others' current efforts (:func:`contest_best_responses`):

        e_i <- e_i + w_i (BR_i(e) - e_i),

    until ``max_i |BR_i(e) - e_i| <= tol E``. The fixed points are exactly
    the Nash equilibria, so this checks :func:`solve_contest` without using
    its formula. Only the effort stage is played (no entry cost).

    Parameters
    ----------
    costs : array_like (n,)
        Marginal costs ``c_i``, finite and > 0; ``n >= 2``.
    prize : float
        ``V > 0``.
    tol : float, optional
        Stop when the residual (relative to the total effort) is at most
        ``tol``.
    max_iter : int, optional
        Most updates.
    start : array_like (n,), optional
        First efforts, finite, >= 0, at least two positive. Defaults to the
        symmetric equilibrium of trainers all at the mean cost,
        ``(n - 1) V / (n**2 mean(c))`` each.

    Returns
    -------
    ContestIteration

    Notes
    -----
    Why damped, and by how much. Undamped best responses (simultaneous, or
    sequential sweeps) can cycle: with two trainers whose costs differ by a
    factor above ``3 + 2 sqrt(2)`` the product of the best-response slopes
    exceeds 1 in size, and with many similar trainers every one of them
    overshoots the same change of the total. Write ``s_i`` for the slope of
    ``BR_i`` in ``E_-i``, so ``1 + s_i = sqrt(V E_-i / c_i) / (2 E_-i)``, and
    ``k`` for the trainers with a positive best response. The step

        w_i = min(1, theta / (1 + s_i)),    theta = 2 / k,

    makes the linearised update ``I + W (J - I)`` (``J`` the Jacobian of the
    best responses, ``s 1^T - diag(s)``) have eigenvalues ``1 - theta``
    (``k - 1`` times) and ``1 - theta (k - 1)`` at the equilibrium, where
    ``sum_i s_i / (1 + s_i) = 2 - k``: the spectral radius is ``1 - 2 / k``
    whatever the costs. Far from the equilibrium ``k`` changes from one
    update to the next; ``theta`` follows ``2 / k`` down at once but up by at
    most 10% per update, since a sudden large step can send the profile into
    a two-cycle. A trainer whose best response is 0 moves with the smallest
    step of the others (at most 1/2), so that no trainer runs to zero while
    a dominant one is still adjusting (which would leave it alone, with no
    best response).

    Accuracy. The error in the efforts is about ``4 tol E``: a trainer with
    share ``x`` has relative error about ``4 tol / x``, and the closed form
    itself carries ``1e-16 / x`` near the activity threshold. Rounding
    limits ``tol`` to about ``1e-15``.

    Limits. Extreme dominance (one trainer cheaper than the others by a
    factor of ``1e5`` or more) makes the approach slow: expect
    ``converged=False`` after ``max_iter``.
    """
    c = _check_costs(costs)
    n = c.size
    if n < 2:
        raise ValueError(f"costs must hold at least 2 trainers for best-response "
                         f"iteration (a lone trainer has no best response), got {n}")
    V = _check_prize(prize, positive=True)
    tol = _check_real("tol", tol, low=0.0, low_open=True)
    max_iter = _check_int("max_iter", max_iter, 1)
    if start is None:
        e = np.full(n, (n - 1) * V / (n * n * c.mean()))
    else:
        e = _check_efforts(start, n, name="start")
        if np.count_nonzero(e) < 2:
            raise ValueError("start must give at least 2 trainers positive effort "
                             "(with the others at 0 a trainer has no best "
                             f"response), got {_show(e)}")

    it, theta = 0, math.inf
    while True:
        br, others, root, total = _best_responses(c, V, e)
        gap = br - e
        residual = float(np.abs(gap).max() / total) if total > 0 else math.inf
        if residual <= tol or it == max_iter or not math.isfinite(residual):
            break
        moving = br > 0
        k = int(np.count_nonzero(moving))
        theta = min(2.0 / max(k, 2), _THETA_GROWTH * theta)
        step = np.divide(2.0 * theta * others, root, out=np.zeros(n),
                         where=moving)
        step = np.minimum(step, 1.0)
        idle = min(0.5, float(step[moving].min())) if k else 0.5
        step[~moving] = idle
        e = e + step * gap
        it += 1

    return ContestIteration(
        efforts=_frozen(e), converged=bool(residual <= tol), iterations=it,
        residual=residual, total_effort=total, prize=V, costs=_frozen(c))
