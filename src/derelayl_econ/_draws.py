"""The random draws of one round, shared by both protocol engines.

Both engines consume exactly these arrays, so that for the same seed they
play the same game. Round ``t`` uses the key ``fold_in(key, t)``; nothing
else in a round is random.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.special import ndtri

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
    be traced. One call of the generator gives all the round's bits (a
    round is cheap, so the generator's per-call cost matters): 32-bit
    priorities, and 64-bit words turned into uniforms ``(k + 0.5) / 2**53``
    in (0, 1), normals by the inverse normal CDF of such uniforms, and
    miner positions by remainder (a bias below ``n / 2**64``).
    """
    words = jax.random.bits(jax.random.fold_in(key, t), (n + 4 * slots + 8,),
                            dtype=jnp.uint32)
    pairs = words[n:].reshape(-1, 2).astype(jnp.uint64)
    wide = (pairs[:, 0] << np.uint64(32)) | pairs[:, 1]
    unit = ((wide >> np.uint64(11)).astype(jnp.float64) + 0.5) * 2.0**-53
    return RoundDraws(
        priority=words[:n],
        leg_uniform=unit[:slots],
        leg_normal=ndtri(unit[slots:2 * slots]),
        block_miners=(wide[2 * slots:2 * slots + 4]
                      % np.uint64(n - slots)).astype(jnp.int32),
    )
