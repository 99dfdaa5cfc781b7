"""Sustainability conditions S1..S7 (THEORY.md section 7), made executable.

Each condition is a sympy relation of named symbols with stated assumptions
(:data:`SUSTAINABILITY_SYMBOLS`), a numeric *margin* at a parameter point
and a verdict. A margin ``>= 0`` means a non-strict condition holds; S1,
S6 and S7 are strict (they hold iff the margin is ``> 0``).
:func:`check_sustainability` checks all seven at once.

Symbols map to words as follows. Protocol (PROTOCOL.md): ``N``
participants, ``slots`` owners plus trainers a round, ``k`` most trainers
per owner, ``s`` the winning share of new models, ``p`` the chance a relay
leg succeeds, ``mu`` and ``sigma`` the mean and spread of a leg's
improvement, ``R`` the lineage reward, ``fee`` the miner fee per unit of
work, ``c`` the test cases. Economics (:class:`EconomicParams`): ``b_T`` a
trainer's deposit, ``b_M`` an owner's deposit per trainer, ``kappa`` the
training cost, ``v_H`` and ``v_L`` the value of the model an honest and a
lazy trainer gains, ``pi_H`` and ``pi_L`` their models' win chances, ``W``
the continuation value of becoming an owner, ``L`` an owner's future
lineage rewards through one descendant, ``c_m`` a miner's cost per round.
Derived: ``q_T`` the exact chance that the relay dies within ``T`` rounds,
``epsilon`` the bound it must stay under, ``m`` the owner count of the
mean-field steady state, ``m* = s p slots / (1 + s p)``. S7's supply uses
``w`` winners, ``F`` fees and ``beta`` burned deposits a round
(:func:`supply_model`).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from numbers import Real

import sympy as sp
from scipy import stats

from ._chains import mean_field_owners, owner_chain
from ._games import HONESTY_SYMBOLS, HonestyParams, honesty_margins, \
    trainer_owner_condition
from ._params import ProtocolParams, check_count
from ._utilities import expected_miner_fee, owner_utility, trainer_utility

__all__ = ["SUSTAINABILITY_SYMBOLS", "EconomicParams", "ConditionResult",
           "SustainabilityReport", "check_sustainability", "selection_intensity",
           "condition_expressions", "supply_model"]


def _symbols() -> dict[str, sp.Symbol]:
    positive_int = dict(integer=True, positive=True)
    table = {
        # protocol
        "N": sp.Symbol("N", **positive_int),
        "slots": sp.Symbol("slots", **positive_int),
        "k": sp.Symbol("k", **positive_int),
        "s": sp.Symbol("s", positive=True),
        "p": sp.Symbol("p", positive=True),
        "mu": sp.Symbol("mu", real=True),
        "sigma": sp.Symbol("sigma", nonnegative=True),
        "R": sp.Symbol("R", nonnegative=True),
        "fee": sp.Symbol("fee", nonnegative=True),
        "c": sp.Symbol("c", integer=True, nonnegative=True),
        # economics
        "b_T": sp.Symbol("b_T", nonnegative=True),
        "b_M": sp.Symbol("b_M", nonnegative=True),
        "kappa": sp.Symbol("kappa", nonnegative=True),
        "v_H": sp.Symbol("v_H", real=True),
        "v_L": sp.Symbol("v_L", real=True),
        "pi_H": sp.Symbol("pi_H", nonnegative=True),
        "pi_L": sp.Symbol("pi_L", nonnegative=True),
        "W": sp.Symbol("W", nonnegative=True),
        "L": sp.Symbol("L", nonnegative=True),
        "c_m": sp.Symbol("c_m", nonnegative=True),
        # derived
        "q_T": sp.Symbol("q_T", nonnegative=True),
        "epsilon": sp.Symbol("epsilon", positive=True),
        "m": sp.Symbol("m", positive=True),
    }
    return table


#: Named sympy symbols of the conditions, with their assumptions (``s`` and
#: ``p`` positive, ``k`` a positive integer, ``mu`` real, ``sigma`` and money
#: non-negative, ...); the module docstring maps them to words.
SUSTAINABILITY_SYMBOLS: dict[str, sp.Symbol] = _symbols()

_S = SUSTAINABILITY_SYMBOLS
#: The honesty game's symbols (``_games.HONESTY_SYMBOLS``) renamed to ours.
_FROM_HONESTY = {
    HONESTY_SYMBOLS["p"]: _S["p"], HONESTY_SYMBOLS["pi_HH"]: _S["pi_H"],
    HONESTY_SYMBOLS["pi_LH"]: _S["pi_L"],
    HONESTY_SYMBOLS["deposit_trainer"]: _S["b_T"],
    HONESTY_SYMBOLS["continuation"]: _S["W"],
    HONESTY_SYMBOLS["v_honest"]: _S["v_H"], HONESTY_SYMBOLS["v_lazy"]: _S["v_L"],
    HONESTY_SYMBOLS["kappa"]: _S["kappa"],
}


def _intensity_expression() -> sp.Expr:
    """``i(s) = phi(z) / s``, ``z = Phi^{-1}(1 - s) = sqrt(2) erfinv(1 - 2s)``."""
    z = sp.sqrt(2) * sp.erfinv(1 - 2 * _S["s"])
    return sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi) / _S["s"]


def condition_expressions() -> dict[str, sp.Boolean]:
    """The seven conditions as sympy relations (S7 as its supply statement).

    - S1: ``s p k > 1`` and ``q_T < epsilon``;
    - S2: ``-b_T - kappa + p (v_H + pi_H (b_T + W)) >= 0`` (section 5's
      ``U_T`` of an honest matched trainer);
    - S3: ``p (pi_H - pi_L)(b_T + W) + p (v_H - v_L) >= kappa``: the
      trainer's part of the honesty game's equilibrium condition
      (``_games.trainer_owner_condition``), renamed to these symbols;
    - S4: ``p pi_H (b_M + R) >= b_M`` (``pi_H = s`` by default);
    - S5: ``fee (n + 3 p n + c + c p n) / (N - slots) >= c_m`` with
      ``n = min(k m, slots - m)`` legs, where
      ``m = m* = s p slots / (1 + s p)``;
    - S6: ``mu + sigma i(s) > 0``;
    - S7: ``lim_{T -> oo}`` of the relative inflation is 0 and the supply
      grows (``R w > 0``: quadratically, or ``F > beta``: linearly); the
      conservation identity is checked in :func:`supply_model`.
    """
    return dict(_condition_expressions())


@functools.lru_cache(maxsize=None)
def _condition_expressions() -> dict[str, sp.Boolean]:
    s, p, k, m = _S["s"], _S["p"], _S["k"], _S["m"]
    legs = sp.Min(k * m, _S["slots"] - m)
    fees = _S["fee"] * (legs + 3 * p * legs + _S["c"] + _S["c"] * p * legs)
    trainer_part = next(a for a in trainer_owner_condition().args
                        if a.has(HONESTY_SYMBOLS["kappa"]))
    supply = supply_model()
    sym = supply["symbols"]
    return {
        "S1": sp.And(sp.StrictGreaterThan(s * p * k, 1),
                     sp.StrictLessThan(_S["q_T"], _S["epsilon"])),
        "S2": sp.GreaterThan(-_S["b_T"] - _S["kappa"] + p * (
            _S["v_H"] + _S["pi_H"] * (_S["b_T"] + _S["W"])), 0),
        "S3": trainer_part.xreplace(_FROM_HONESTY),
        "S4": sp.GreaterThan(p * _S["pi_H"] * (_S["b_M"] + _S["R"]), _S["b_M"]),
        "S5": sp.GreaterThan(fees / (_S["N"] - _S["slots"]), _S["c_m"]),
        "S6": sp.StrictGreaterThan(_S["mu"] + _S["sigma"] * _intensity_expression(),
                                   0),
        "S7": sp.And(
            sp.Eq(sp.Limit(supply["relative_inflation"], sym["T"], sp.oo), 0,
                  evaluate=False),
            sp.Or(sp.StrictGreaterThan(_S["R"] * sym["w"], 0),
                  sp.StrictGreaterThan(sym["F"], sym["beta"]))),
    }


_STATEMENTS = {
    "S1": "relay alive: s p k > 1 (supercritical) and the exact chance that "
          "the relay dies within T rounds, q_T, is below the bound epsilon",
    "S2": "trainer participation: an honest matched trainer's expected utility "
          "U_T = -b_T - kappa + p (v_H + pi_H (b_T + W)) is >= 0",
    "S3": "trainer honesty: honest >= lazy, p (pi_H - pi_L)(b_T + W) + "
          "p (v_H - v_L) >= kappa (the honesty game's trainer condition)",
    "S4": "owner participation: p pi_H (b_M + R) >= b_M (this round's reward "
          "only, L = 0)",
    "S5": "miner participation: expected fees per miner per round at the "
          "mean-field owner count m* cover the mining cost c_m",
    "S6": "progress: truncation selection raises theta by mu + sigma i(s) > 0 "
          "a round, i(s) = phi(z)/s, z = Phi^-1(1 - s)",
    "S7": "supply: conservation exact (every round's coin flows sum to minted "
          "- burned) and relative inflation -> 0 from a growing supply",
}
_STRICT = {"S1": True, "S2": False, "S3": False, "S4": False, "S5": False,
           "S6": True, "S7": True}


def selection_intensity(s: float) -> float:
    """``i(s) = phi(z) / s`` with ``z = Phi^{-1}(1 - s)``; ``i(1) = 0``.

    The mean of a standard normal sample's top share ``s``, in the limit of
    a large sample: ``E[Y | Y > z] = phi(z) / (1 - Phi(z))``. ``i(0.5) =
    sqrt(2/pi) = 0.798``.
    """
    if isinstance(s, bool) or not isinstance(s, Real) or not 0 < s <= 1:
        raise ValueError(f"s must be a number in (0, 1], got {s!r}")
    z = float(stats.norm.isf(s))
    return float(stats.norm.pdf(z)) / float(s)


# Economic parameters ----------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class EconomicParams:
    """What the conditions need that ``ProtocolParams`` lacks.

    A field left ``None`` is derived from the protocol's parameters by
    :meth:`resolve`. The defaults are sensible at the paper's settings and
    say where they come from; all are per round and in coins unless noted.

    Parameters
    ----------
    deposit_trainer : float or None
        ``b_T`` >= 0. None: the steady-state mean trainer bid,
        ``1/q + s`` with ``q = p min(k m*, slots - m*) / (N - m*)`` the chance
        a non-owner gains a model in a round. The bid rule
        ``min(coins, t - v + 1)`` bids one more than the rounds since the
        trainer last gained a model; once coins do not cap it, that is
        ``1 + (1 - q + s q) / q`` on average (geometric waits of chance
        ``q``; a winner first spends a round as owner). 3.22 at the paper's
        settings; the reference engine's mean matched bid over rounds
        100-300 is 2.76, lower because some trainers' coins still cap it.
    deposit_owner : float or None
        ``b_M`` >= 0 per trainer. None: ``B / k``, the owner bid when the
        owner's coins exceed its budget (0.00025 at the defaults).
    training_cost : float
        ``kappa`` >= 0, an honest trainer's cost of training. 0.5, as in
        ``HonestyParams``.
    model_value, lazy_model_value : float
        ``v_H`` and ``v_L``: the worth of the model an honest or a lazy
        trainer gains, over what it holds. 1.0 and 0.5, as in
        ``HonestyParams``.
    win_chance : float or None
        ``pi_H`` in [0, 1], the chance an honest trainer's new model wins.
        None: ``s`` (the simulated share is 0.497 at the defaults, the floor
        of ``s X`` costing a little).
    lazy_win_chance : float or None
        ``pi_L`` in [0, 1], a lazy trainer's win chance. None: ``0.4 pi_H``
        (0.2 at the defaults, ``HonestyParams.pi_LH``).
    continuation : float
        ``W`` >= 0, the continuation value of becoming an owner: 19.0, the
        simulated value at the paper's settings with discount 0.95
        (``estimate_role_values`` gives 19.01, 64 seeds x 300 rounds).
    lineage_value : float
        ``L`` >= 0, an owner's expected future lineage rewards through one
        descendant: 19.0, the same discounted sum seen from the owner.
        Reported beside S4, which counts this round's reward only.
    mining_cost : float
        ``c_m`` >= 0, a miner's cost per round. The paper prices none; 0.001
        (one fee unit a round) is illustrative. A miner earns 0.066 a round
        on average at the defaults.
    """

    deposit_trainer: float | None = None
    deposit_owner: float | None = None
    training_cost: float = 0.5
    model_value: float = 1.0
    lazy_model_value: float = 0.5
    win_chance: float | None = None
    lazy_win_chance: float | None = None
    continuation: float = 19.0
    lineage_value: float = 19.0
    mining_cost: float = 0.001

    _SYMBOLS = {"deposit_trainer": "b_T", "deposit_owner": "b_M",
                "training_cost": "kappa", "model_value": "v_H",
                "lazy_model_value": "v_L", "win_chance": "pi_H",
                "lazy_win_chance": "pi_L", "continuation": "W",
                "lineage_value": "L", "mining_cost": "c_m"}

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            name = f"{f.name} ({self._SYMBOLS[f.name]})"
            optional = f.default is None
            if value is None and optional:
                continue
            if isinstance(value, bool) or not isinstance(value, Real):
                kind = "a real number or None" if optional else "a real number"
                raise TypeError(f"{name} must be {kind}, got {value!r}")
            value = float(value)
            chance = f.name in ("win_chance", "lazy_win_chance")
            signed = f.name in ("model_value", "lazy_model_value")
            if chance:
                ok, allowed = 0 <= value <= 1, "a probability in [0, 1]"
            elif signed:
                ok, allowed = math.isfinite(value), "finite"
            else:
                ok, allowed = math.isfinite(value) and value >= 0, "finite and >= 0"
            if not ok:
                tail = " or None" if optional else ""
                raise ValueError(f"{name} must be {allowed}{tail}, got {value!r}")
            object.__setattr__(self, f.name, value)

    def resolve(self, params: ProtocolParams) -> "EconomicParams":
        """A copy with every ``None`` field derived from ``params``."""
        if not isinstance(params, ProtocolParams):
            raise TypeError(f"params must be a ProtocolParams, got {type(params)!r}")
        m = mean_field_owners(params)
        gain = params.p * min(params.k * m, params.slots - m) / (params.n - m)
        pi = params.s if self.win_chance is None else self.win_chance
        return dataclasses.replace(
            self,
            deposit_trainer=(1.0 / gain + params.s if self.deposit_trainer is None
                             else self.deposit_trainer),
            deposit_owner=(params.budget / params.k if self.deposit_owner is None
                           else self.deposit_owner),
            win_chance=pi,
            lazy_win_chance=(0.4 * pi if self.lazy_win_chance is None
                             else self.lazy_win_chance))

    def to_dict(self) -> dict[str, float | None]:
        """The fields as a plain dictionary (JSON-ready)."""
        return dataclasses.asdict(self)


# Results ----------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class ConditionResult:
    """One condition at one parameter point.

    Attributes
    ----------
    id : str
        "S1" .. "S7".
    statement : str
        The condition in words.
    expression : sympy.Boolean
        The condition in the symbols of :data:`SUSTAINABILITY_SYMBOLS`.
    margin : float
        Its slack at the point: the left side minus the right side (for S1
        the smaller of two slacks; for S7 the supply's growth coefficient).
    holds : bool
        ``margin > 0`` for a strict condition, ``margin >= 0`` otherwise.
    details : dict
        Numbers behind the margin (JSON-ready).
    strict : bool
        Whether the condition is strict.
    """

    id: str
    statement: str
    expression: sp.Boolean
    margin: float
    holds: bool
    details: dict
    strict: bool = False

    def to_dict(self) -> dict:
        """JSON-ready: id, statement, LaTeX, margin, holds, strict, details."""
        return dict(id=self.id, statement=self.statement,
                    latex=sp.latex(self.expression), margin=self.margin,
                    holds=self.holds, strict=self.strict, details=self.details)


@dataclasses.dataclass(frozen=True)
class SustainabilityReport:
    """S1..S7 at one parameter point (see :func:`check_sustainability`).

    Attributes
    ----------
    params : ProtocolParams
    econ : EconomicParams
        Resolved: no field is None.
    conditions : dict
        ``"S1"`` .. ``"S7"`` to :class:`ConditionResult`.
    owners_mean_field : float
        ``m* = s p slots / (1 + s p)``.
    owners_stationary_mean : float or None
        Mean owner count of the exact chain's quasi-stationary law given
        survival; None where the relay surely dies out.
    extinction_probability : float
        Exact chance that the relay dies within ``rounds`` rounds.
    rounds : int
    extinction_bound : float
    """

    params: ProtocolParams
    econ: EconomicParams
    conditions: dict
    owners_mean_field: float
    owners_stationary_mean: float | None
    extinction_probability: float
    rounds: int
    extinction_bound: float

    @property
    def sustainable(self) -> bool:
        """Whether all seven conditions hold."""
        return all(c.holds for c in self.conditions.values())

    def to_dict(self) -> dict:
        """JSON-ready: ``S1`` .. ``S7`` (each with ``holds`` and ``margin``),
        the three numbers, the verdict and both parameter sets."""
        out: dict = {key: c.to_dict() for key, c in self.conditions.items()}
        out.update(owners_mean_field=self.owners_mean_field,
                   owners_stationary_mean=self.owners_stationary_mean,
                   extinction_probability=self.extinction_probability,
                   rounds=self.rounds, extinction_bound=self.extinction_bound,
                   sustainable=self.sustainable, params=self.params.to_dict(),
                   econ=self.econ.to_dict())
        return out

    def symbol_values(self) -> dict[sp.Symbol, float | int]:
        """Every symbol of the conditions at this point, for ``expr.subs``.

        ``m`` is ``m*``; S7's ``w``, ``F`` and ``beta`` are the mean-field
        winners, fees and burned deposits a round (S7's details).
        """
        p, e, s7 = self.params, self.econ, self.conditions["S7"].details
        sym = supply_model()["symbols"]
        values = dict(
            N=p.n, slots=p.slots, k=p.k, s=p.s, p=p.p, mu=p.mu, sigma=p.sigma,
            R=p.reward, fee=p.fee, c=p.cases, b_T=e.deposit_trainer,
            b_M=e.deposit_owner, kappa=e.training_cost, v_H=e.model_value,
            v_L=e.lazy_model_value, pi_H=e.win_chance, pi_L=e.lazy_win_chance,
            W=e.continuation, L=e.lineage_value, c_m=e.mining_cost,
            q_T=self.extinction_probability, epsilon=self.extinction_bound,
            m=self.owners_mean_field)
        out: dict = {_S[name]: value for name, value in values.items()}
        out.update({sym["w"]: s7["winners_per_round"], sym["F"]: s7["fees_per_round"],
                    sym["beta"]: s7["burned_per_round"]})
        return out

    def to_latex(self) -> str:
        """The conditions, margins and verdicts as a LaTeX ``tabular``."""
        lines = [r"\begin{tabular}{llrl}", r"id & condition & margin & verdict \\",
                 r"\hline"]
        for key, c in self.conditions.items():
            verdict = "holds" if c.holds else "fails"
            lines.append(f"{key} & ${sp.latex(c.expression)}$ & "
                         f"{c.margin:.6g} & {verdict} \\\\")
        lines.append(r"\end{tabular}")
        return "\n".join(lines)


# The supply (S7) --------------------------------------------------------------
def supply_model() -> dict[str, sp.Expr]:
    """Per-round coin flows and the supply, symbolically (S7, THEORY.md 3).

    Round t with ``n`` matched pairs, ``X`` new models, ``w`` winners and
    ``c`` test cases. Deposits: ``D_T`` (trainers') and ``D_M`` (owners'),
    of which the winners' pairs get back ``V_T`` and ``V_M``. Flows by
    role, from PROTOCOL.md: trainers ``-D_T + V_T``; owners
    ``-D_M + V_M``, plus ``R`` per winner to the winner's own model's
    owner and ``R`` to each of the ``t + 1`` earlier models' owners on its
    parent chain; the four block miners ``fee n``, ``fee X``,
    ``fee (c + X)``, ``fee (X + X c)``. The engines record
    ``minted = fee (n + 3X + c + c X) + R w (t + 2)`` and
    ``burned = (D_T + D_M) - (V_T + V_M)``.

    With ``w`` winners, fees ``F`` and burned deposits ``beta`` the same
    every round (the mean-field steady state), the supply after ``T`` rounds
    is ``sum_{t<T} (F - beta + R w (t + 2)) = R w (T^2 + 3T)/2
    + (F - beta) T`` and
    the relative inflation of round ``T`` is its net creation over the
    supply before it.

    Returns
    -------
    dict
        ``flows``, ``minted``, ``burned``, ``residual`` (flows minus minted
        plus burned, simplified: 0), ``supply`` (in ``T``),
        ``relative_inflation`` (in ``T``), ``limit`` (of the latter as
        ``T -> oo`` with ``R w > 0``: 0) and ``symbols``.
    """
    return dict(_supply_model())


@functools.lru_cache(maxsize=None)
def _supply_model() -> dict[str, sp.Expr]:
    names = "n X w t D_T D_M V_T V_M F beta T".split()
    sym = {name: sp.Symbol(name, nonnegative=True) for name in names}
    sym["T"] = sp.Symbol("T", positive=True, integer=True)
    sym["t"] = sp.Symbol("t", nonnegative=True, integer=True)
    R, fee, c = _S["R"], _S["fee"], _S["c"]
    n, X, w, t = sym["n"], sym["X"], sym["w"], sym["t"]
    trainers = -sym["D_T"] + sym["V_T"]
    owners = -sym["D_M"] + sym["V_M"] + R * w + sp.Sum(
        R * w, (sp.Symbol("j", integer=True), 0, t)).doit()
    miners = fee * n + fee * X + fee * (c + X) + fee * (X + X * c)
    flows = trainers + owners + miners
    minted = fee * (n + 3 * X + c + c * X) + R * w * (t + 2)
    burned = (sym["D_T"] + sym["D_M"]) - (sym["V_T"] + sym["V_M"])
    residual = sp.simplify(flows - (minted - burned))

    T, j = sym["T"], sp.Symbol("j", integer=True, nonnegative=True)
    net = sym["F"] - sym["beta"]
    supply = sp.factor_terms(sp.expand(sp.summation(net + R * w * (j + 2),
                                                    (j, 0, T - 1))))
    rel = (net + R * w * (T + 2)) / supply
    pos = {R: sp.Symbol("R", positive=True), w: sp.Symbol("w", positive=True)}
    limit = sp.limit(rel.xreplace(pos), T, sp.oo)
    return dict(flows=flows, minted=minted, burned=burned, residual=residual,
                supply=supply, relative_inflation=rel, limit=limit, symbols=sym)


def _supply_condition(params: ProtocolParams, econ: EconomicParams, legs: float,
                      rounds: int) -> tuple[float, dict]:
    model = supply_model()
    sym = model["symbols"]
    winners = params.s * params.p * legs
    models = params.p * legs
    fees = params.fee * (legs + 3 * models + params.cases + params.cases * models)
    burned = (legs - winners) * (econ.deposit_trainer + econ.deposit_owner)
    lineage = params.reward * winners
    values = {_S["R"]: sp.Float(params.reward), sym["w"]: sp.Float(winners),
              sym["F"]: sp.Float(fees), sym["beta"]: sp.Float(burned)}
    rel = model["relative_inflation"].xreplace(values)
    if lineage > 0:
        growth, kind = lineage / 2, "quadratic"
    else:
        growth, kind = fees - burned, "linear" if fees > burned else "none"
    limit = sp.limit(rel, sym["T"], sp.oo) if growth > 0 else sp.nan
    conserved = model["residual"] == 0
    ok = conserved and growth > 0 and limit == 0
    at_t = float(rel.subs(sym["T"], rounds)) if growth > 0 else None
    details = dict(
        conservation_exact=bool(conserved),
        supply=str(model["supply"]),
        growth=kind, growth_coefficient=float(growth),
        relative_inflation_limit=str(limit),
        relative_inflation_at_rounds=at_t,
        winners_per_round=float(winners), fees_per_round=float(fees),
        burned_per_round=float(burned))
    margin = float(growth) if ok else min(float(growth), 0.0) - (0.0 if conserved
                                                                else 1.0)
    return margin, details


# The check --------------------------------------------------------------------
def check_sustainability(params: ProtocolParams,
                         econ: EconomicParams | None = None, *,
                         rounds: int = 100, extinction_bound: float = 0.05
                         ) -> SustainabilityReport:
    """Check S1..S7 (THEORY.md section 7) at one parameter point.

    Parameters
    ----------
    params : ProtocolParams
        The protocol.
    econ : EconomicParams or None
        Deposits, costs and values (``EconomicParams()`` if None); its
        ``None`` fields are derived from ``params`` (:meth:`resolve`).
    rounds : int
        Horizon T of S1's extinction probability (>= 1): the paper's
        version figure runs 100 rounds.
    extinction_bound : float
        S1's bound epsilon on that probability, in (0, 1). 0.05: the relay
        may die within the horizon in at most one run in twenty. The exact
        probability is 0.0056 by 100 rounds at the paper's settings.

    Returns
    -------
    SustainabilityReport

    Notes
    -----
    Assumptions, per condition. S1 uses the exact owner-count chain
    (``owner_chain``). S2..S4 are section 5's one-round, risk-neutral
    utilities with the win chance ``pi_H`` (``s`` by default); an unmatched
    trainer does nothing, so a drawn trainer's expected utility has the
    sign of a matched one's. S4 counts this round's reward only (``L = 0``,
    the table's form, conservative); ``details`` add ``U_M`` with ``L``.
    S5 and S7 take the mean-field steady state: ``m*`` owners,
    ``n = min(k m*, slots - m*)`` legs, ``p n`` new models and ``s p n``
    winners a round. S6 is the infinite-population truncation-selection
    gain for candidates of one parent.
    """
    if not isinstance(params, ProtocolParams):
        raise TypeError(f"params must be a ProtocolParams, got {type(params)!r}")
    if econ is None:
        econ = EconomicParams()
    if not isinstance(econ, EconomicParams):
        raise TypeError(f"econ must be an EconomicParams or None, got {type(econ)!r}")
    rounds = check_count("rounds", rounds)
    if isinstance(extinction_bound, bool) or not isinstance(extinction_bound, Real) \
            or not 0 < extinction_bound < 1:
        raise ValueError(f"extinction_bound must be a number in (0, 1), got "
                         f"{extinction_bound!r}")
    extinction_bound = float(extinction_bound)
    econ = econ.resolve(params)
    expressions = condition_expressions()
    chain = owner_chain(params, rounds)
    m_star = chain.mean_field
    legs = min(params.k * m_star, params.slots - m_star)
    s, p = params.s, params.p
    margins: dict[str, tuple[float, dict]] = {}

    growth = s * p * params.k
    q_t = float(chain.extinction[-1])
    margins["S1"] = (min(growth - 1, extinction_bound - q_t), dict(
        growth=growth, extinction_probability=q_t, extinction_bound=extinction_bound,
        rounds=rounds, extinction_round0=float(chain.extinction[0])))

    utility = float(trainer_utility(
        deposit=econ.deposit_trainer, cost=econ.training_cost,
        win_chance=econ.win_chance, model_value=econ.model_value,
        continuation=econ.continuation, p=p))
    drawn = params.slots - m_star
    margins["S2"] = (utility, dict(
        utility=utility, match_chance=legs / drawn,
        expected_utility_drawn=utility * legs / drawn,
        deposit_trainer=econ.deposit_trainer, win_chance=econ.win_chance))

    honesty = HonestyParams(
        p=p, deposit_trainer=econ.deposit_trainer, kappa=econ.training_cost,
        pi_HH=econ.win_chance, pi_LH=econ.lazy_win_chance,
        v_honest=econ.model_value, v_lazy=econ.lazy_model_value,
        continuation=econ.continuation)
    lazy = float(trainer_utility(
        deposit=econ.deposit_trainer, cost=0.0, win_chance=econ.lazy_win_chance,
        model_value=econ.lazy_model_value, continuation=econ.continuation, p=p))
    margins["S3"] = (float(honesty_margins(honesty)["trainer_bond"]), dict(
        honest_utility=utility, lazy_utility=lazy))

    owner = float(owner_utility(deposit=econ.deposit_owner,
                                win_chance=econ.win_chance, reward=params.reward,
                                lineage_value=0.0, p=p))
    with_lineage = float(owner_utility(
        deposit=econ.deposit_owner, win_chance=econ.win_chance,
        reward=params.reward, lineage_value=econ.lineage_value, p=p))
    odds = p * econ.win_chance
    margins["S4"] = (owner, dict(
        utility=owner, utility_with_lineage=with_lineage,
        deposit_owner=econ.deposit_owner,
        largest_deposit=(odds * params.reward / (1 - odds) if odds < 1 else None)))

    fee = expected_miner_fee(params, legs)
    margins["S5"] = (fee - econ.mining_cost, dict(
        expected_fee=fee, mining_cost=econ.mining_cost, matched_legs=legs,
        owners=m_star))

    intensity = selection_intensity(s)
    margins["S6"] = (params.mu + params.sigma * intensity, dict(
        selection_intensity=intensity, z=float(stats.norm.isf(s))))

    margins["S7"] = _supply_condition(params, econ, legs, rounds)

    conditions = {}
    for key, (margin, details) in margins.items():
        margin = float(margin)
        strict = _STRICT[key]
        conditions[key] = ConditionResult(
            id=key, statement=_STATEMENTS[key], expression=expressions[key],
            margin=margin, holds=bool(margin > 0 if strict else margin >= 0),
            details=details, strict=strict)
    return SustainabilityReport(
        params=params, econ=econ, conditions=conditions,
        owners_mean_field=m_star, owners_stationary_mean=chain.stationary_mean,
        extinction_probability=q_t, rounds=rounds, extinction_bound=extinction_bound)
