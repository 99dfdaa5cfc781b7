"""Validated, immutable parameters of the DeRelayL protocol.

The names follow PROTOCOL.md: ``n`` participants (N), ``slots`` owners plus
trainers per round, at most ``k`` trainers per model owner, selection share
``s`` (the share of trained models that win), leg success chance ``p``, the
improvement of the performance number ``theta ~ Normal(mu, sigma**2)`` per
relay leg, lineage reward ``R`` per ancestor per winning model, an owner's
deposit budget ``B`` per round, the miner ``fee`` per unit of work and the
number of test ``cases`` in the testing block.
"""

from __future__ import annotations

import dataclasses
import math
from numbers import Integral, Real

__all__ = ["ProtocolParams"]


def _check_int(name: str, value: object, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value < low or (high is not None and value > high):
        allowed = f">= {low}" if high is None else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be {allowed}, got {value}")
    return value


def _check_real(
    name: str, value: object, *, low: float, low_open: bool, high: float | None = None
) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    too_low = value <= low if low_open else value < low
    too_high = high is not None and value > high
    if not math.isfinite(value) or too_low or too_high:
        left = "(" if low_open else "["
        right = f"{high}]" if high is not None else "inf)"
        raise ValueError(f"{name} must be a finite number in {left}{low}, {right}, "
                         f"got {value}")
    return value


@dataclasses.dataclass(frozen=True)
class ProtocolParams:
    """Parameters of one DeRelayL economy (PROTOCOL.md, paper defaults).

    Parameters
    ----------
    n : int
        Number of participants N (>= 2). Participant 0 is the genesis owner.
    slots : int or None
        Model owners plus trainers drawn per round, in [1, n - 1] so that at
        least one miner remains. ``None`` means ``n // 2``.
    k : int
        Most trainers one model owner takes per round (>= 1).
    s : float
        Selection share in (0, 1]: the top ``floor(s * models)`` new models
        of a round win.
    p : float
        Chance in (0, 1] that a relay leg succeeds.
    mu, sigma : float
        A successful leg adds ``Normal(mu, sigma**2)`` to the parent model's
        performance number theta; ``sigma >= 0``.
    reward : float
        Lineage reward R >= 0 paid per ancestor per winning model.
    budget : float
        An owner's deposit budget B >= 0 per round.
    fee : float
        Miner fee >= 0 per unit of work in a block.
    cases : int
        Test cases >= 0 in the testing block.

    Notes
    -----
    Construction validates every field and raises ``ValueError`` (or
    ``TypeError`` for a value of the wrong kind) naming the field, the value
    and what is allowed. Instances are immutable and hashable.
    """

    n: int = 256
    slots: int | None = None
    k: int = 4
    s: float = 0.5
    p: float = 0.9
    mu: float = 1.0
    sigma: float = 1.0
    reward: float = 1.0
    budget: float = 0.001
    fee: float = 0.001
    cases: int = 100

    def __post_init__(self) -> None:
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731
        n = _check_int("n (participants)", self.n, 2)
        set_("n", n)
        slots = n // 2 if self.slots is None else self.slots
        set_("slots", _check_int("slots", slots, 1, n - 1))
        set_("k", _check_int("k", self.k, 1))
        set_("s", _check_real("s (win share)", self.s, low=0.0, low_open=True,
                              high=1.0))
        set_("p", _check_real("p (success)", self.p, low=0.0, low_open=True,
                              high=1.0))
        set_("mu", _check_real("mu", self.mu, low=-math.inf, low_open=True))
        set_("sigma", _check_real("sigma", self.sigma, low=0.0, low_open=False))
        set_("reward", _check_real("reward (R)", self.reward, low=0.0,
                                   low_open=False))
        set_("budget", _check_real("budget (B)", self.budget, low=0.0,
                                   low_open=False))
        set_("fee", _check_real("fee", self.fee, low=0.0, low_open=False))
        set_("cases", _check_int("cases", self.cases, 0))

    @property
    def miners(self) -> int:
        """Participants who are neither owner nor trainer: ``n - slots``."""
        return self.n - self.slots

    @property
    def max_winners(self) -> int:
        """An upper bound on the winners (hence owners) of any round.

        Winners are ``floor(s * X) <= X <= slots - owners``; with at least one
        owner that is ``slots - 1``, and never less than the one genesis owner.
        """
        return max(1, self.slots - 1)

    def replace(self, **changes: object) -> "ProtocolParams":
        """Return a copy with ``changes`` applied (and validated again)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, float | int]:
        """The parameters as a plain dictionary (JSON-ready)."""
        return dataclasses.asdict(self)


def check_count(name: str, value: object, low: int = 1) -> int:
    """An integer ``>= low`` (not a bool), else ``ValueError`` naming it."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def check_seed(seed: object) -> int:
    """A seed for ``jax.random.key``: an integer in [0, 2**63)."""
    if isinstance(seed, bool) or not isinstance(seed, Integral) \
            or not 0 <= seed < 2**63:
        raise ValueError(f"seed must be an integer in [0, 2**63), got {seed!r}")
    return int(seed)
