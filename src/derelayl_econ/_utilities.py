"""Role utilities of one round (THEORY.md section 5), risk-neutral.

Symbols map to words as follows: ``p`` is the chance a relay leg succeeds,
``win_chance`` (pi) the chance a trained model wins the settlement,
``model_value`` (v) what the model a trainer gains is worth to it over
what it holds, ``continuation`` (W) the expected future lineage rewards of
becoming an owner, ``lineage_value`` (L) an owner's expected future lineage
rewards through one descendant, ``reward`` (R) the lineage reward.

The functions take scalars or NumPy arrays (broadcast) and return float64.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy import stats

from ._params import ProtocolParams, check_count, check_seed

__all__ = ["trainer_utility", "owner_utility", "miner_utility",
           "expected_miner_fee", "RoleEstimates", "estimate_role_values"]


def _nonneg(name: str, value) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must be finite and >= 0, got {value!r}")
    return arr


def _chance(name: str, value) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if not np.all((arr >= 0) & (arr <= 1)):
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}")
    return arr


def trainer_utility(*, deposit, cost, win_chance, model_value, continuation,
                    p) -> np.ndarray:
    """Expected one-round utility of a matched trainer.

    ``U_T = -b_T - kappa + p (v + pi (b_T + W))``: the trainer pays its
    deposit ``b_T`` and training cost ``kappa``; the leg succeeds with
    chance ``p``, giving a model worth ``v``; the model wins with chance
    ``pi``, refunding the deposit and making the trainer an owner worth
    ``W``. A *lazy* trainer is the same function with ``cost = 0`` and its
    (lower) win chance and model value.
    """
    b = _nonneg("deposit", deposit)
    kappa = _nonneg("cost", cost)
    pi, p = _chance("win_chance", win_chance), _chance("p", p)
    v, w = np.asarray(model_value, float), _nonneg("continuation", continuation)
    return -b - kappa + p * (v + pi * (b + w))


def owner_utility(*, deposit, win_chance, reward, lineage_value, p,
                  cost=0.0) -> np.ndarray:
    """Expected one-round utility of an owner lending to one trainer.

    ``U_M = -b_M - c_M + p pi (b_M + R + L)``: the owner pays its deposit
    ``b_M`` (and, if honest, the cost ``c_M`` of serving its current
    model); if the trainer's leg succeeds and the model wins, the deposit
    comes back with the lineage reward ``R`` and future rewards ``L``. A
    *stale* owner saves ``c_M`` and lowers the trainer's ``pi``.
    """
    b = _nonneg("deposit", deposit)
    pi, p = _chance("win_chance", win_chance), _chance("p", p)
    r, lv = _nonneg("reward", reward), _nonneg("lineage_value", lineage_value)
    return -b - _nonneg("cost", cost) + p * pi * (b + r + lv)


def expected_miner_fee(params: ProtocolParams, matched: float) -> float:
    """Expected fees per miner per round with ``matched`` relay legs.

    The four blocks pay ``fee (n + 3X + cases + cases X)`` with
    ``X ~ Binomial(n, p)`` new models, each block to a miner drawn
    uniformly from the ``N - slots`` miners.
    """
    n = float(_nonneg("matched", matched))
    x = params.p * n
    total = params.fee * (n + 3 * x + params.cases + params.cases * x)
    return total / params.miners


def miner_utility(params: ProtocolParams, matched: float, mining_cost: float
                  ) -> float:
    """Expected fees per miner per round less its mining cost ``c_m``."""
    return expected_miner_fee(params, matched) - float(
        _nonneg("mining_cost", mining_cost))


@dataclasses.dataclass(frozen=True)
class RoleEstimates:
    """Quantities of section 5 measured over simulated runs.

    Each field is ``(mean, low, high)``: the mean over seeds and a
    ``level`` confidence interval (Student t over the per-seed means).

    Attributes
    ----------
    win_chance : tuple
        Share of trained models that win (pi for a typical leg).
    match_chance : tuple
        Share of drawn trainers matched with an owner.
    continuation : tuple
        W: discounted lineage rewards an owner's winning model brings its
        line of owners, ``R sum_h discount**h w_{t+h} / w_t`` (every winner
        of round ``t + h`` descends from exactly one winner of round ``t``,
        so a model of round ``t`` has ``w_{t+h} / w_t`` winning descendants
        on average), summed over the horizon where ``discount**h`` stays
        above 1e-3.
    miner_fee : tuple
        Fees per miner per round.
    owners : tuple
        Owners per round.
    seeds : int
    level : float
    """

    win_chance: tuple
    match_chance: tuple
    continuation: tuple
    miner_fee: tuple
    owners: tuple
    seeds: int
    level: float


def _interval(per_seed: np.ndarray, level: float) -> tuple:
    per_seed = per_seed[np.isfinite(per_seed)]
    mean = float(per_seed.mean()) if per_seed.size else float("nan")
    if per_seed.size < 2:
        return mean, mean, mean
    half = float(stats.t.ppf(0.5 + level / 2, per_seed.size - 1) * per_seed.std(
        ddof=1) / np.sqrt(per_seed.size))
    return mean, mean - half, mean + half


def estimate_role_values(params: ProtocolParams, *, rounds: int = 300,
                         seeds: int = 64, seed: int = 0, burn_in: int = 50,
                         discount: float = 0.95, level: float = 0.95
                         ) -> RoleEstimates:
    """Estimate win chance, continuation value and miner fees by simulation.

    Runs ``seeds`` JAX-engine runs (vmapped) and averages over rounds after
    ``burn_in``; runs that died out contribute only their live rounds.
    """
    from ._jax_engine import run_jax   # the one place economics simulates

    rounds, seeds = check_count("rounds", rounds), check_count("seeds", seeds)
    seed = check_seed(seed)
    burn_in = check_count("burn_in", burn_in, 0)
    if burn_in >= rounds:
        raise ValueError(f"burn_in must be < rounds ({rounds}), got {burn_in}")
    if not 0 < discount < 1:
        raise ValueError(f"discount must be in (0, 1), got {discount!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level!r}")

    # Horizon after which discount**h < 1e-3: W needs that many rounds ahead.
    horizon = int(np.ceil(np.log(1e-3) / np.log(discount)))
    if burn_in + horizon >= rounds:
        raise ValueError(f"rounds must exceed burn_in + {horizon} (the horizon "
                         f"where discount**h < 1e-3 for discount {discount}), "
                         f"got rounds={rounds}, burn_in={burn_in}")

    rec = run_jax(params, rounds, seed, seeds=seeds, full=False)
    sl = slice(burn_in, None)
    winners = rec.winners.astype(float)
    trained = rec.trained[:, sl].astype(float)
    drawn = (params.slots - rec.owners[:, sl]).astype(float)
    win = np.divide(winners[:, sl], trained, out=np.full(trained.shape, np.nan),
                    where=trained > 0)
    match = np.divide(rec.matched[:, sl], drawn, out=np.full(drawn.shape, np.nan),
                      where=drawn > 0)
    lineage = params.reward * rec.winners * (np.arange(rounds) + 2)
    fees = (rec.minted - lineage)[:, sl] / params.miners
    weights = discount ** np.arange(1, horizon + 1)
    ahead = np.stack([winners[:, t + 1:t + 1 + horizon] @ weights
                      for t in range(burn_in, rounds - horizon)], axis=1)
    now = winners[:, burn_in:rounds - horizon]
    cont = np.divide(params.reward * ahead, now, out=np.full(now.shape, np.nan),
                     where=now > 0)

    def per_seed(a: np.ndarray) -> np.ndarray:
        counts = np.isfinite(a).sum(axis=1)
        sums = np.where(np.isfinite(a), a, 0.0).sum(axis=1)
        return np.divide(sums, counts, out=np.full(len(a), np.nan),
                         where=counts > 0)

    return RoleEstimates(
        win_chance=_interval(per_seed(win), level),
        match_chance=_interval(per_seed(match), level),
        continuation=_interval(per_seed(cont), level),
        miner_fee=_interval(per_seed(fees), level),
        owners=_interval(per_seed(rec.owners[:, sl].astype(float)), level),
        seeds=seeds, level=level)
