"""The random draws of one round, shared by both protocol engines.

Both engines consume exactly these arrays, so that for the same seed they
play the same game. Round ``t`` uses the key ``fold_in(key, t)``; nothing
else in a round is random.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

__all__ = ["RoundDraws", "round_draws", "BLOCKS"]

#: The four blocks of a round, in the order of ``RoundDraws.block_miners``.
BLOCKS = ("deposit", "encryption", "testing", "settlement")


class RoundDraws(NamedTuple):
    """Random numbers of one round.

    Attributes
    ----------
    priority : uint32 array, shape (n,)
        A random priority per participant. Trainers are the non-owners of
        smallest ``(priority, index)``; among trainers of equal bid, the one of
        smaller ``(priority, index)`` ranks first. Independent uniform 32-bit
        keys make both a uniform draw without replacement and a uniform
        shuffle of ties, up to key collisions (probability below
        ``g**2 / 2**33`` in a group of ``g``), which the index breaks.
    leg_uniform : float64 array, shape (slots,)
        The leg in position ``j`` of the matching succeeds iff
        ``leg_uniform[j] < p``.
    leg_normal : float64 array, shape (slots,)
        Standard normal draw ``z_j``; the leg's improvement is
        ``mu + sigma * z_j``.
    block_miners : int32 array, shape (4,)
        For each block of ``BLOCKS``, a position in ``[0, n - slots)`` in the
        list of this round's miners ordered by participant index (drawn
        independently, so with replacement).
    """

    priority: jax.Array
    leg_uniform: jax.Array
    leg_normal: jax.Array
    block_miners: jax.Array


def round_draws(key: jax.Array, t: jax.Array | int, n: int, slots: int) -> RoundDraws:
    """Draw the random numbers of round ``t`` from the run's ``key``.

    ``n`` and ``slots`` fix the shapes and must be Python integers; ``t`` may
    be traced. Call it inside ``jax.jit`` (the engines do).
    """
    k_priority, k_uniform, k_normal, k_miners = jax.random.split(
        jax.random.fold_in(key, t), 4)
    return RoundDraws(
        priority=jax.random.bits(k_priority, (n,), dtype=jnp.uint32),
        leg_uniform=jax.random.uniform(k_uniform, (slots,), dtype=jnp.float64),
        leg_normal=jax.random.normal(k_normal, (slots,), dtype=jnp.float64),
        block_miners=jax.random.randint(k_miners, (4,), 0, n - slots,
                                        dtype=jnp.int32),
    )
