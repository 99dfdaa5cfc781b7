"""Honesty games (THEORY.md section 6), solved three ways with nashpy.

Two bimatrix games built from the role utilities of section 5:

- **trainer vs owner**: trainer {honest, lazy} x owner {honest, stale}; a
  lazy trainer saves its training cost ``kappa`` but its model wins less
  often and is worth less; a stale owner saves the cost ``c_owner`` of
  serving its current model but lowers the trainer's win chance.
- **trainer vs tester**: trainer {honest, lazy} x tester {honest,
  collude}; a colluding tester skips running the test cases (saving
  ``test_cost``) and, for a bribe, reports a lazy model as a winner; the
  honest majority detects a colluding report with chance ``detection``,
  and then the tester loses its fee and a penalty and the lazy model wins
  nothing.

Each game is solved by support enumeration, vertex enumeration and
Lemke-Howson (from every initial label); all equilibria are reported with
their supports, degenerate games are flagged, and the closed-form
condition for (honest, honest) is a sympy expression.
"""

from __future__ import annotations

import dataclasses
import itertools
import warnings

import nashpy
import numpy as np
import sympy as sp

from ._utilities import owner_utility, trainer_utility

__all__ = ["HonestyParams", "Equilibrium", "GameSolution", "solve_bimatrix",
           "trainer_owner_game", "trainer_tester_game",
           "trainer_owner_condition", "trainer_tester_condition",
           "condition_holds", "honesty_margins", "is_mutual_best_response",
           "HONESTY_SYMBOLS"]


@dataclasses.dataclass(frozen=True)
class HonestyParams:
    """Parameters of the honesty games (defaults illustrative, one round).

    Win chances ``pi_xy`` are of the trainer's model for trainer strategy
    ``x`` (H honest, L lazy) and owner strategy ``y`` (H honest, S stale);
    ``pi_HH = 0.5`` is the protocol's selection share. ``continuation`` and
    ``lineage_value`` default to the simulated W at the paper's settings
    with discount 0.95 (about 19, see ``estimate_role_values``).
    """

    p: float = 0.9
    deposit_trainer: float = 1.0
    deposit_owner: float = 0.00025
    kappa: float = 0.5
    c_owner: float = 0.01
    pi_HH: float = 0.5
    pi_HS: float = 0.3
    pi_LH: float = 0.2
    pi_LS: float = 0.1
    v_honest: float = 1.0
    v_lazy: float = 0.5
    continuation: float = 19.0
    reward: float = 1.0
    lineage_value: float = 19.0
    fee_test: float = 0.1
    test_cost: float = 0.02
    detection: float = 0.5
    penalty: float = 1.0
    bribe: float = 0.5

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not np.isfinite(value):
                raise ValueError(f"{f.name} must be a finite number, got {value!r}")
            chance = f.name in ("p", "detection") or f.name.startswith("pi_")
            if chance and not 0 <= value <= 1:
                raise ValueError(f"{f.name} must be a probability in [0, 1], "
                                 f"got {value!r}")
            if not chance and f.name not in ("v_honest", "v_lazy") and value < 0:
                raise ValueError(f"{f.name} must be >= 0, got {value!r}")


@dataclasses.dataclass(frozen=True)
class Equilibrium:
    """A Nash equilibrium: mixed strategies, supports and expected payoffs."""

    row: np.ndarray
    col: np.ndarray
    row_support: tuple[str, ...]
    col_support: tuple[str, ...]
    row_payoff: float
    col_payoff: float

    @property
    def pure(self) -> bool:
        return len(self.row_support) == 1 and len(self.col_support) == 1


@dataclasses.dataclass(frozen=True)
class GameSolution:
    """All equilibria of a bimatrix game, by method, and their agreement.

    ``by_method`` holds what each method found: nashpy's support
    enumeration, vertex enumeration and Lemke-Howson (from every initial
    label), and ``pure_enumeration``, the pure equilibria by inspection of
    every cell; each is kept only if it is a mutual best response.
    ``equilibria`` is their union. ``agree`` says support and vertex
    enumeration found the same set, every Lemke-Howson equilibrium is in
    it, and its pure members are exactly the pure equilibria. A
    ``degenerate`` game (a pure strategy with two best replies, or a nashpy
    warning or failure, listed in ``failed``) may have a continuum of
    equilibria that the methods sample differently: there only the
    mutual-best-response check of each equilibrium is binding.
    """

    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    A: np.ndarray
    B: np.ndarray
    equilibria: tuple[Equilibrium, ...]
    by_method: dict
    degenerate: bool
    agree: bool
    failed: dict = dataclasses.field(default_factory=dict)

    def has_pure(self, row: str, col: str) -> bool:
        """Whether (row, col) is a pure equilibrium."""
        return any(e.pure and e.row_support == (row,) and e.col_support == (col,)
                   for e in self.equilibria)


def _is_degenerate(A: np.ndarray, B: np.ndarray, tol: float) -> bool:
    """A pure strategy with two best replies makes a game degenerate."""
    for j in range(A.shape[1]):
        col = A[:, j]
        if np.sum(col >= col.max() - tol) > 1:
            return True
    for i in range(B.shape[0]):
        row = B[i]
        if np.sum(row >= row.max() - tol) > 1:
            return True
    return False


def is_mutual_best_response(A, B, row, col, tol: float = 1e-9) -> bool:
    """Neither player gains more than ``tol`` by any pure deviation."""
    A, B = np.asarray(A, float), np.asarray(B, float)
    return bool(row @ A @ col >= (A @ col).max() - tol
                and row @ B @ col >= (row @ B).max() - tol)


def solve_bimatrix(A, B, row_labels, col_labels, *, tol: float = 1e-9
                   ) -> GameSolution:
    """All Nash equilibria of the bimatrix game (A, B), three ways."""
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if A.ndim != 2 or A.shape != B.shape or min(A.shape) < 1:
        raise ValueError(f"A and B must be matrices of one shape, got {A.shape} "
                         f"and {B.shape}")
    if not (np.isfinite(A).all() and np.isfinite(B).all()):
        raise ValueError("payoffs must be finite")
    if len(row_labels) != A.shape[0] or len(col_labels) != A.shape[1]:
        raise ValueError(f"need {A.shape[0]} row and {A.shape[1]} column labels, "
                         f"got {len(row_labels)} and {len(col_labels)}")
    game = nashpy.Game(A, B)
    degenerate = _is_degenerate(A, B, tol)

    def wrap(pairs) -> tuple[Equilibrium, ...]:
        out: list[Equilibrium] = []
        for row, col in pairs:
            row, col = np.asarray(row, float), np.asarray(col, float)
            if not (np.isfinite(row).all() and np.isfinite(col).all()):
                continue
            row, col = np.clip(row, 0, None), np.clip(col, 0, None)
            if row.sum() <= 0 or col.sum() <= 0:
                continue
            row, col = row / row.sum(), col / col.sum()
            if any(np.allclose(row, e.row, atol=1e-7)
                   and np.allclose(col, e.col, atol=1e-7) for e in out):
                continue
            out.append(Equilibrium(
                row=row, col=col,
                row_support=tuple(lab for lab, x in zip(row_labels, row) if x > tol),
                col_support=tuple(lab for lab, x in zip(col_labels, col) if x > tol),
                row_payoff=float(row @ A @ col), col_payoff=float(row @ B @ col)))
        return tuple(out)

    methods = {"support_enumeration": lambda: game.support_enumeration(tol=tol),
               "vertex_enumeration": game.vertex_enumeration,
               "lemke_howson": game.lemke_howson_enumeration}
    by_method, failed = {}, {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name, method in methods.items():
            # nashpy's methods assume a nondegenerate game; on a degenerate
            # one a method may raise (qhull, an empty LP). Recorded, not lost.
            try:
                by_method[name] = wrap(method())
            except Exception as err:  # noqa: BLE001 - any nashpy failure
                by_method[name], failed[name] = (), f"{type(err).__name__}: {err}"
    degenerate = (degenerate or bool(failed)
                  or any("degenerate" in str(w.message) for w in caught))
    for name in by_method:
        by_method[name] = tuple(e for e in by_method[name]
                                if is_mutual_best_response(A, B, e.row, e.col))
    # Pure equilibria by inspection: complete whatever the game.
    by_method["pure_enumeration"] = wrap(
        (np.eye(A.shape[0])[i], np.eye(A.shape[1])[j])
        for i, j in itertools.product(range(A.shape[0]), range(A.shape[1]))
        if A[i, j] >= A[:, j].max() - tol and B[i, j] >= B[i].max() - tol)

    def same(xs, ys) -> bool:
        return len(xs) == len(ys) and all(
            any(np.allclose(x.row, y.row, atol=1e-6) and np.allclose(
                x.col, y.col, atol=1e-6) for y in ys) for x in xs)

    def within(xs, ys) -> bool:
        return all(any(np.allclose(x.row, y.row, atol=1e-6)
                       and np.allclose(x.col, y.col, atol=1e-6) for y in ys)
                   for x in xs)

    se, ve, lh, pure = (by_method[k] for k in (
        "support_enumeration", "vertex_enumeration", "lemke_howson",
        "pure_enumeration"))
    agree = (not failed and same(se, ve) and within(lh, se)
             and same(pure, tuple(e for e in se if e.pure)))
    # The union of what every method found, each a checked equilibrium.
    equilibria = wrap((e.row, e.col) for e in se + ve + lh + pure)
    return GameSolution(tuple(row_labels), tuple(col_labels), A, B, equilibria,
                        by_method, degenerate, agree, failed)


# The games ------------------------------------------------------------------
TRAINER = ("honest", "lazy")


def trainer_owner_game(h: HonestyParams = HonestyParams()) -> GameSolution:
    """Trainer {honest, lazy} x owner {honest, stale}, solved."""
    pi = {("honest", "honest"): h.pi_HH, ("honest", "stale"): h.pi_HS,
          ("lazy", "honest"): h.pi_LH, ("lazy", "stale"): h.pi_LS}
    A = np.empty((2, 2))
    B = np.empty((2, 2))
    for (i, x), (j, y) in itertools.product(enumerate(TRAINER),
                                            enumerate(("honest", "stale"))):
        honest = x == "honest"
        A[i, j] = trainer_utility(
            deposit=h.deposit_trainer, cost=h.kappa if honest else 0.0,
            win_chance=pi[x, y], model_value=h.v_honest if honest else h.v_lazy,
            continuation=h.continuation, p=h.p)
        B[i, j] = owner_utility(
            deposit=h.deposit_owner, win_chance=pi[x, y], reward=h.reward,
            lineage_value=h.lineage_value, p=h.p,
            cost=h.c_owner if y == "honest" else 0.0)
    return solve_bimatrix(A, B, TRAINER, ("honest", "stale"))


def trainer_tester_game(h: HonestyParams = HonestyParams()) -> GameSolution:
    """Trainer {honest, lazy} x tester {honest, collude}, solved.

    Payoffs (trainer, tester): an honest tester earns ``fee_test -
    test_cost`` and the trainer its section-5 utility; a colluding tester
    skips the tests and is caught with chance ``detection``, losing the fee
    and ``penalty``. A lazy trainer facing a colluding tester pays the
    ``bribe`` and, if not caught, wins as if honest (``pi_HH``); caught, its
    model wins nothing.
    """
    honest_t = trainer_utility(deposit=h.deposit_trainer, cost=h.kappa,
                               win_chance=h.pi_HH, model_value=h.v_honest,
                               continuation=h.continuation, p=h.p)
    lazy_t = trainer_utility(deposit=h.deposit_trainer, cost=0.0,
                             win_chance=h.pi_LH, model_value=h.v_lazy,
                             continuation=h.continuation, p=h.p)
    bribed_t = trainer_utility(deposit=h.deposit_trainer, cost=0.0,
                               win_chance=(1 - h.detection) * h.pi_HH,
                               model_value=h.v_lazy, continuation=h.continuation,
                               p=h.p) - h.bribe
    tester_honest = h.fee_test - h.test_cost
    tester_collude = (1 - h.detection) * h.fee_test - h.detection * h.penalty
    A = np.array([[honest_t, honest_t], [lazy_t, bribed_t]])
    B = np.array([[tester_honest, tester_collude],
                  [tester_honest, tester_collude + (1 - h.detection) * h.bribe]])
    return solve_bimatrix(A, B, TRAINER, ("honest", "collude"))


# Closed forms -----------------------------------------------------------------
HONESTY_SYMBOLS = {name: sp.Symbol(name, real=True) for name in (
    "p", "deposit_trainer", "deposit_owner", "kappa", "c_owner", "pi_HH",
    "pi_HS", "pi_LH", "v_honest", "v_lazy", "continuation", "reward",
    "lineage_value", "fee_test", "test_cost", "detection", "penalty")}


def trainer_owner_condition() -> sp.Boolean:
    """(honest, honest) is an equilibrium of the trainer-owner game iff

    ``p (pi_HH - pi_LH)(b_T + W) + p (v_H - v_L) >= kappa`` (the deposit
    acts as a bond) and ``p (pi_HH - pi_HS)(b_M + R + L) >= c_M``.
    """
    s = HONESTY_SYMBOLS
    trainer = (s["p"] * (s["pi_HH"] - s["pi_LH"]) * (s["deposit_trainer"]
                                                    + s["continuation"])
               + s["p"] * (s["v_honest"] - s["v_lazy"]) >= s["kappa"])
    owner = (s["p"] * (s["pi_HH"] - s["pi_HS"]) * (
        s["deposit_owner"] + s["reward"] + s["lineage_value"]) >= s["c_owner"])
    return sp.And(trainer, owner)


def trainer_tester_condition() -> sp.Boolean:
    """(honest, honest) is an equilibrium of the trainer-tester game iff

    the trainer's bond condition holds and ``detection (fee_test + penalty)
    >= test_cost`` (a tester prefers running the tests).
    """
    s = HONESTY_SYMBOLS
    trainer = (s["p"] * (s["pi_HH"] - s["pi_LH"]) * (s["deposit_trainer"]
                                                    + s["continuation"])
               + s["p"] * (s["v_honest"] - s["v_lazy"]) >= s["kappa"])
    tester = s["detection"] * (s["fee_test"] + s["penalty"]) >= s["test_cost"]
    return sp.And(trainer, tester)


def condition_holds(condition: sp.Boolean, h: HonestyParams) -> bool:
    """Evaluate a closed-form condition at the parameters ``h``."""
    values = {sym: getattr(h, name) for name, sym in HONESTY_SYMBOLS.items()}
    return bool(condition.subs(values))


def honesty_margins(h: HonestyParams = HonestyParams()) -> dict[str, float]:
    """Slack of each honesty condition at ``h`` (>= 0: the condition holds).

    - ``trainer_bond``: ``p (pi_HH - pi_LH)(b_T + W) + p (v_H - v_L) - kappa``,
      what an honest trainer gains over a lazy one facing an honest owner or
      tester;
    - ``owner``: ``p (pi_HH - pi_HS)(b_M + R + L) - c_M``, what an honest
      owner gains over a stale one facing an honest trainer;
    - ``tester``: ``detection (fee_test + penalty) - test_cost``, what an
      honest tester gains over a colluding one facing an honest trainer.
    """
    if not isinstance(h, HonestyParams):
        raise TypeError(f"h must be a HonestyParams, got {type(h)!r}")
    return {
        "trainer_bond": h.p * (h.pi_HH - h.pi_LH) * (h.deposit_trainer
                                                     + h.continuation)
        + h.p * (h.v_honest - h.v_lazy) - h.kappa,
        "owner": h.p * (h.pi_HH - h.pi_HS) * (h.deposit_owner + h.reward
                                              + h.lineage_value) - h.c_owner,
        "tester": h.detection * (h.fee_test + h.penalty) - h.test_cost,
    }
