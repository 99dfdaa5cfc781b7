"""Stackelberg rewards (THEORY.md section 6): a leader prices, trainers follow.

The leader (the protocol designer, or an owner) sets rewards; the trainers
respond as followers; the leader values the followers' total contribution
``X`` at ``lambda log(1 + X)`` (``lambda`` its value of progress, concave:
diminishing returns) and pays for the rewards. Two forms:

- **uniform prize**: one prize ``V`` for the relay contest
  (:func:`~derelayl_econ._contest.solve_contest`), whose total effort is
  ``E(V) = a V`` with ``a = (|A| - 1) / C_A``; the leader maximises
  ``lambda log(1 + a V) - gamma V`` (``gamma`` its cost per coin of prize);
- **personalised prices**: follower ``i`` is paid ``q_i`` per unit of data
  ``x_i`` and bears ``c_i x_i**2 / 2``, so it supplies ``x_i = q_i / c_i``;
  the leader maximises ``lambda log(1 + sum x) - sum c_i x_i**2``.

Both leader problems are concave. Each is solved by cvxpy as a DCP problem
(``method="cvxpy"``) and in closed form (``method="closed"``);
:func:`compare_stackelberg` does both and reports their agreement.

Solver. The default is SCS with ``eps_abs = eps_rel = 1e-10``, not
Clarabel. Both were measured on these problems (150 random small instances
of each form, and 1,000 to 10,000 followers): Clarabel 0.11 stops with
``InsufficientProgress`` on most price problems with 1,000 followers or
more, and where it reports ``optimal`` its supplies and prizes are off by
up to 2e-6 and 6e-6 (far more when it reports an inaccurate optimum); SCS
reported ``optimal`` and agreed with the closed forms to 4e-8 or better on
every instance, in about 0.3 s for 10,000 followers. Another installed
solver can be named with ``solver`` (options through ``solver_options``);
every answer is checked against the first-order conditions before it is
returned.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import warnings

import cvxpy as cp
import numpy as np

from ._contest import _check_costs, _frozen, solve_contest
from ._params import _check_real

__all__ = ["PriceStackelberg", "PrizeStackelberg", "SolverError",
           "StackelbergComparison", "compare_stackelberg", "stackelberg_prices",
           "stackelberg_prize"]

log = logging.getLogger(__name__)

#: Default options per solver: tight enough that cvxpy and the closed forms
#: agree to about 1e-8.
SOLVER_OPTIONS = {
    "SCS": {"eps_abs": 1e-10, "eps_rel": 1e-10, "max_iters": 200_000},
    "CLARABEL": {"tol_gap_abs": 1e-10, "tol_gap_rel": 1e-10, "tol_feas": 1e-10,
                 "max_iter": 500},
}
#: A first-order residual above this warns; above ``_KKT_FAIL`` it raises.
_KKT_WARN, _KKT_FAIL = 1e-6, 1e-3
_METHODS = ("cvxpy", "closed")


class SolverError(RuntimeError):
    """cvxpy's solver did not return a usable optimum.

    Raised when the status is neither ``optimal`` nor ``optimal_inaccurate``,
    or when the returned point violates the leader's first-order conditions
    by more than 1e-3. Try ``method="closed"``, another ``solver``, or
    tighter ``solver_options``.
    """


# --------------------------------------------------------------------------
# Results

@dataclasses.dataclass(frozen=True, eq=False)
class PrizeStackelberg:
    """The leader's optimal uniform prize and the contest it induces.

    Attributes
    ----------
    prize : float
        ``V*``.
    total_effort : float
        ``E(V*) = a V*``.
    efforts : float64 array (n,)
        The followers' contest equilibrium at ``V*``, in input order.
    leader_utility : float
        ``lambda log(1 + a V*) - gamma V*``.
    effort_per_prize : float
        ``a = (|A| - 1) / C_A``, total effort per coin of prize.
    method : str
        ``"cvxpy"`` or ``"closed"``.
    status : str
        cvxpy's status (``"optimal"`` or ``"optimal_inaccurate"``), or
        ``"closed form"``.
    kkt_residual : float
        ``|min(v, -g)|`` with ``v = gamma V / lambda`` and ``g`` the
        leader's marginal utility of ``V`` over ``gamma``: 0 at the optimum.
    lam, gamma : float
    costs : float64 array (n,)
    """

    prize: float
    total_effort: float
    efforts: np.ndarray
    leader_utility: float
    effort_per_prize: float
    method: str
    status: str
    kkt_residual: float
    lam: float
    gamma: float
    costs: np.ndarray


@dataclasses.dataclass(frozen=True, eq=False)
class PriceStackelberg:
    """The leader's optimal personalised prices and the followers' supplies.

    Attributes
    ----------
    prices : float64 array (n,)
        ``q_i = c_i x_i``, per unit of data, in input order.
    supplies : float64 array (n,)
        ``x_i``.
    total_supply : float
        ``X = sum x_i``.
    leader_utility : float
        ``lambda log(1 + X) - sum q_i x_i``.
    method, status : str
        As in :class:`PrizeStackelberg`.
    kkt_residual : float
        ``max_i |2 c_i x_i (1 + X) / lambda - 1|``: each follower's marginal
        cost to the leader against the marginal value of data; 0 at the
        optimum.
    lam : float
    costs : float64 array (n,)
    """

    prices: np.ndarray
    supplies: np.ndarray
    total_supply: float
    leader_utility: float
    method: str
    status: str
    kkt_residual: float
    lam: float
    costs: np.ndarray


@dataclasses.dataclass(frozen=True, eq=False)
class StackelbergComparison:
    """One leader problem solved by cvxpy and in closed form.

    Attributes
    ----------
    form : str
        ``"prize"`` or ``"prices"``.
    closed, cvxpy : PrizeStackelberg or PriceStackelberg
    max_rel_diff : float
        Prices form: the largest relative difference of a supply (prices
        ``c_i x_i`` differ in the same ratios).
        Prize form: the difference of the prizes over ``lambda / gamma``
        (every optimal prize is below ``lambda / gamma``, and the prize
        may be 0, where a relative difference has no meaning); efforts
        scale with the prize.
    agree : bool
        ``max_rel_diff <= rtol``.
    rtol : float
    """

    form: str
    closed: PrizeStackelberg | PriceStackelberg
    cvxpy: PrizeStackelberg | PriceStackelberg
    max_rel_diff: float
    agree: bool
    rtol: float


# --------------------------------------------------------------------------
# Checks shared by both forms

def _check_lam(lam: object) -> float:
    return _check_real("lam (leader's value of progress)", lam, low=0.0,
                       low_open=True)


def _check_gamma(gamma: object) -> float:
    name = "gamma (leader's cost per coin of prize)"
    gamma = _check_real(name, gamma, low=0.0, low_open=False)
    if gamma == 0.0:
        raise ValueError(f"{name} must be > 0, got 0.0: with free prizes the "
                         "leader's problem is unbounded (a larger prize always "
                         "buys more effort)")
    return gamma


def _check_method(method: object) -> str:
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    return method


def _solve(problem: cp.Problem, solver: str, solver_options: dict | None,
           what: str) -> str:
    """Solve ``problem``; its status, or ``SolverError``."""
    if solver not in cp.installed_solvers():
        raise SolverError(f"solver {solver!r} is not installed; installed: "
                          f"{cp.installed_solvers()}")
    options = dict(SOLVER_OPTIONS.get(solver, {}))
    options.update(solver_options or {})
    try:
        problem.solve(solver=solver, **options)
    except cp.error.SolverError as err:
        raise SolverError(f"{solver} failed on the {what} problem ({err}); try "
                          "method='closed' or another solver") from err
    status = problem.status
    if status not in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE):
        raise SolverError(f"{solver} returned status {status!r} on the {what} "
                          "problem; try method='closed' or another solver")
    if any(v.value is None for v in problem.variables()):
        raise SolverError(f"{solver} returned no point for the {what} problem "
                          f"(status {status!r}); try method='closed' or another "
                          "solver")
    if status == cp.OPTIMAL_INACCURATE:
        warnings.warn(f"{solver} reports an inaccurate optimum for the {what} "
                      "problem; compare with method='closed'", RuntimeWarning,
                      stacklevel=3)
    stats = problem.solver_stats
    log.debug("%s %s problem: %s, %s iterations, compilation %.4f s, solve "
              "%.4f s", solver, what, status, stats.num_iters,
              problem.compilation_time or 0.0, stats.solve_time or 0.0)
    return status


def _check_kkt(residual: float, what: str, solver: str) -> None:
    if not residual <= _KKT_FAIL:
        raise SolverError(f"{solver}'s answer to the {what} problem misses the "
                          f"first-order conditions by {residual:.3g} (more "
                          f"than {_KKT_FAIL}); try method='closed' or tighter "
                          "solver_options")
    if residual > _KKT_WARN:
        warnings.warn(f"{solver}'s answer to the {what} problem misses the "
                      f"first-order conditions by {residual:.3g}",
                      RuntimeWarning, stacklevel=3)


# --------------------------------------------------------------------------
# Uniform prize

def _prize_kkt(V: float, a: float, lam: float, gamma: float) -> float:
    v = gamma * V / lam
    slope = lam * a / (gamma * (1.0 + a * V)) - 1.0   # marginal utility / gamma
    return abs(min(v, -slope))


def stackelberg_prize(costs, *, lam: float, gamma: float, method: str = "cvxpy",
                      solver: str = "SCS", solver_options: dict | None = None
                      ) -> PrizeStackelberg:
    """The leader's optimal uniform prize for the relay contest.

    The followers play the contest equilibrium (no entry cost), whose total
    effort is linear in the prize, ``E(V) = a V`` with ``a = (|A| - 1) /
    C_A`` (the active set ``A`` depends on the costs only). The leader
    solves

        max_{V >= 0}  lambda log(1 + a V) - gamma V,

    concave, with solution ``V* = max(0, lambda / gamma - 1 / a)``: the
    leader pays a prize only if the contest turns coins into effort fast
    enough, ``lambda a > gamma``.

    Parameters
    ----------
    costs : array_like (n,)
        Followers' marginal costs of effort, finite and > 0.
    lam : float
        ``lambda > 0``, the leader's value of progress.
    gamma : float
        ``gamma > 0``, the leader's cost per coin of prize.
    method : {"cvxpy", "closed"}
    solver : str, optional
        cvxpy solver (see the module notes for why SCS).
    solver_options : dict, optional
        Passed to the solver, over ``SOLVER_OPTIONS``.

    Returns
    -------
    PrizeStackelberg

    Raises
    ------
    SolverError
        cvxpy gave no usable optimum.

    Notes
    -----
    cvxpy solves the problem in the prize's natural unit, ``v = gamma V /
    lambda`` (``V* < lambda / gamma``), and writes ``log(1 + a V)`` as
    ``log(kappa) + log(1 / kappa + v)`` with ``kappa = lambda a / gamma``:
    the same maximiser, and an exponential cone whose entries stay near 1
    however large ``kappa`` is. A single follower (``a = 0``) exerts no
    effort for any prize, so ``V* = 0``.
    """
    c = _check_costs(costs)
    lam, gamma = _check_lam(lam), _check_gamma(gamma)
    method = _check_method(method)
    a = solve_contest(c, 1.0).total_effort       # E(V) = a V

    if method == "closed":
        V = (lam * a - gamma) / (gamma * a) if lam * a > gamma else 0.0
        status = "closed form"
    else:
        kappa = lam * a / gamma
        v = cp.Variable(nonneg=True)
        gain = cp.log(1.0 / kappa + v) if kappa > 0 else 0.0
        problem = cp.Problem(cp.Maximize(gain - v))
        status = _solve(problem, solver, solver_options, "uniform-prize")
        V = lam / gamma * max(float(v.value), 0.0)

    kkt = _prize_kkt(V, a, lam, gamma)
    if method == "cvxpy":
        _check_kkt(kkt, "uniform-prize", solver)
    followers = solve_contest(c, V)
    return PrizeStackelberg(
        prize=V, total_effort=followers.total_effort, efforts=followers.efforts,
        leader_utility=lam * math.log1p(a * V) - gamma * V, effort_per_prize=a,
        method=method, status=status, kkt_residual=kkt, lam=lam, gamma=gamma,
        costs=_frozen(c))


# --------------------------------------------------------------------------
# Personalised prices

def stackelberg_prices(costs, *, lam: float, method: str = "cvxpy",
                       solver: str = "SCS", solver_options: dict | None = None
                       ) -> PriceStackelberg:
    """The leader's optimal per-unit prices for the followers' data.

    Follower ``i`` paid ``q_i`` per unit supplies ``x_i = q_i / c_i`` (its
    cost is ``c_i x_i**2 / 2``), so paying ``q_i x_i = c_i x_i**2`` buys
    ``x_i``; the leader chooses the supplies directly:

        max_{x >= 0}  lambda log(1 + sum_i x_i) - sum_i c_i x_i**2.

    The first-order conditions ``lambda / (1 + X) = 2 c_i x_i`` give

        x_i = lambda / (2 c_i (1 + X)),   X (1 + X) = lambda H / 2,
        X = (sqrt(1 + 2 lambda H) - 1) / 2,   H = sum_i 1 / c_i,

    and every follower is paid the same unit price
    ``q_i = lambda / (2 (1 + X))``: quadratic costs make the personalised
    prices uniform; the supplies differ through the costs.

    Parameters
    ----------
    costs : array_like (n,)
        Followers' cost coefficients ``c_i``, finite and > 0.
    lam : float
        ``lambda > 0``, the leader's value of data.
    method : {"cvxpy", "closed"}
    solver : str, optional
        cvxpy solver (see the module notes for why SCS).
    solver_options : dict, optional
        Passed to the solver, over ``SOLVER_OPTIONS``.

    Returns
    -------
    PriceStackelberg

    Raises
    ------
    SolverError
        cvxpy gave no usable optimum.

    Notes
    -----
    cvxpy receives ``lambda * log(1 + sum(x)) - sum_squares(sqrt(c) * x)``
    over a nonnegative vector: one exponential cone and a diagonal
    quadratic, built in about 15 ms for 10,000 followers. The closed form
    computes ``X`` as ``lambda H / (1 + sqrt(1 + 2 lambda H))`` (no
    cancellation when ``lambda H`` is small).
    """
    c = _check_costs(costs)
    lam = _check_lam(lam)
    method = _check_method(method)

    if method == "closed":
        H = float(np.sum(1.0 / c))
        X = lam * H / (1.0 + math.sqrt(1.0 + 2.0 * lam * H))
        x = lam / (2.0 * c * (1.0 + X))
        status = "closed form"
    else:
        var = cp.Variable(c.size, nonneg=True)
        objective = lam * cp.log(1 + cp.sum(var)) \
            - cp.sum_squares(cp.multiply(np.sqrt(c), var))
        problem = cp.Problem(cp.Maximize(objective))
        status = _solve(problem, solver, solver_options, "personalised-price")
        x = np.maximum(np.asarray(var.value, dtype=np.float64), 0.0)

    total = float(x.sum())
    kkt = float(np.max(np.abs(2.0 * c * x * (1.0 + total) / lam - 1.0)))
    if method == "cvxpy":
        _check_kkt(kkt, "personalised-price", solver)
    prices = c * x
    return PriceStackelberg(
        prices=_frozen(prices), supplies=_frozen(x), total_supply=total,
        leader_utility=lam * math.log1p(total) - float(prices @ x),
        method=method, status=status, kkt_residual=kkt, lam=lam,
        costs=_frozen(c))


# --------------------------------------------------------------------------
# Both ways

def compare_stackelberg(costs, *, lam: float, gamma: float | None = None,
                        form: str = "prices", rtol: float = 1e-6,
                        solver: str = "SCS", solver_options: dict | None = None
                        ) -> StackelbergComparison:
    """Solve one leader problem by cvxpy and in closed form; compare.

    Parameters
    ----------
    costs : array_like (n,)
    lam : float
    gamma : float, optional
        Required for ``form="prize"``, unused for ``form="prices"``.
    form : {"prices", "prize"}
    rtol : float, optional
        Agreement threshold on ``max_rel_diff``.
    solver, solver_options
        As in :func:`stackelberg_prices`.

    Returns
    -------
    StackelbergComparison
    """
    rtol = _check_real("rtol", rtol, low=0.0, low_open=True)
    if form == "prices":
        if gamma is not None:
            raise ValueError("gamma applies to form='prize' only, got "
                             f"gamma={gamma!r} with form='prices'")
        closed = stackelberg_prices(costs, lam=lam, method="closed")
        solved = stackelberg_prices(costs, lam=lam, method="cvxpy", solver=solver,
                                    solver_options=solver_options)
        diff = float(np.max(np.abs(solved.supplies - closed.supplies)
                            / closed.supplies))
    elif form == "prize":
        if gamma is None:
            raise ValueError("form='prize' needs gamma (the leader's cost per "
                             "coin of prize), got None")
        closed = stackelberg_prize(costs, lam=lam, gamma=gamma, method="closed")
        solved = stackelberg_prize(costs, lam=lam, gamma=gamma, method="cvxpy",
                                   solver=solver, solver_options=solver_options)
        diff = abs(solved.prize - closed.prize) / (closed.lam / closed.gamma)
    else:
        raise ValueError(f"form must be 'prices' or 'prize', got {form!r}")
    return StackelbergComparison(form=form, closed=closed, cvxpy=solved,
                                 max_rel_diff=diff, agree=bool(diff <= rtol),
                                 rtol=rtol)
