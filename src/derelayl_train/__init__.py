"""Relay training in JAX (relay legs on real data, baselines).

This package is planned (see the project's issue on relay training) and
holds no public API yet.
"""

__all__: list[str] = []
