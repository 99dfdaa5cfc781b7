"""Exact Markov chains of the relay (THEORY.md sections 1 and 4)."""

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from derelayl_econ import (
    GAP_CHAIN_STATES,
    GAP_LABELS,
    ProtocolParams,
    compare_with_simulation,
    coupled_gap_chain,
    gap_chain,
    mean_field_owners,
    owner_chain,
    owner_transition_matrix,
    run_jax,
    wilson_interval,
)

DEFAULTS = ProtocolParams()


@st.composite
def small_params(draw):
    n = draw(st.integers(4, 40))
    slots = draw(st.integers(2, n - 1))
    return ProtocolParams(n=n, slots=slots, k=draw(st.integers(1, 6)),
                          s=draw(st.floats(0.05, 1.0)), p=draw(st.floats(0.05, 1.0)))


# Owner-count chain --------------------------------------------------------------
@given(small_params())
def test_transition_rows_sum_to_one(params):
    matrix = owner_transition_matrix(params)
    assert matrix.shape == (params.slots + 1, params.slots + 1)
    assert (matrix >= 0).all()
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0, atol=1e-12)
    assert matrix[0, 0] == 1.0


def test_transition_matrix_by_hand():
    # slots = 3, k = 2, s = 1, p = 1/2: one owner takes 2 legs, X ~ Bin(2, 1/2);
    # two owners take min(4, 1) = 1 leg; three owners have no trainer left.
    params = ProtocolParams(n=6, slots=3, k=2, s=1.0, p=0.5)
    expected = [[1, 0, 0, 0],
                [0.25, 0.5, 0.25, 0],
                [0.5, 0.5, 0, 0],
                [1, 0, 0, 0]]
    np.testing.assert_allclose(owner_transition_matrix(params), expected,
                               atol=1e-15)
    chain = owner_chain(params, 3)
    # m_1 ~ (1/4, 1/2, 1/4); m_2 = 0 with 1/4 + 1/2 * 1/4 + 1/4 * 1/2.
    np.testing.assert_allclose(chain.law[1], [0.25, 0.5, 0.25, 0], atol=1e-15)
    np.testing.assert_allclose(chain.law[2], [0.5, 0.375, 0.125, 0], atol=1e-15)
    # m_3 = 0: 1/2 + 3/8 * 1/4 + 1/8 * 1/2 = 21/32.
    np.testing.assert_allclose(chain.extinction, [0.25, 0.5, 21 / 32], atol=1e-15)


def test_slots_two_dies_geometrically():
    # One owner, one trainer, s = 1: the relay lives on with chance p a round.
    params = ProtocolParams(n=4, slots=2, k=3, s=1.0, p=0.9)
    chain = owner_chain(params, 5)
    np.testing.assert_allclose(chain.extinction, 1 - 0.9 ** np.arange(1, 6),
                               rtol=1e-13)
    np.testing.assert_allclose(chain.quasi_stationary, [0, 1, 0], atol=1e-14)
    assert chain.survival == pytest.approx(0.9, abs=1e-14)
    assert chain.stationary_mean == pytest.approx(1.0, abs=1e-14)


@given(p=st.floats(0.01, 1.0), k=st.integers(1, 20))
def test_extinction_in_round_zero_is_the_closed_form(p, k):
    # s = 1/2: floor(X/2) = 0 iff X <= 1, X ~ Binomial(k, p) (k <= slots - 1).
    chain = owner_chain(ProtocolParams(n=64, k=k, s=0.5, p=p), 1)
    closed = (1 - p) ** k + k * p * (1 - p) ** (k - 1)
    assert chain.extinction[0] == pytest.approx(closed, rel=1e-10, abs=1e-14)


def test_defaults_extinction_and_stationary_mean():
    chain = owner_chain(DEFAULTS, 100)
    assert chain.extinction[0] == pytest.approx(0.0037, abs=1e-15)
    assert chain.extinction[-1] == pytest.approx(0.005611, abs=1e-6)
    assert np.all(np.diff(chain.extinction) >= 0)
    np.testing.assert_allclose(chain.law.sum(axis=1), 1.0, atol=1e-12)
    assert chain.mean_field == pytest.approx(0.45 * 128 / 1.45, rel=1e-15)
    # floor(X/2) loses 1/4 on average (X is odd half the time), so
    # m = s p (slots - m) - 1/4.
    assert chain.stationary_mean == pytest.approx((0.45 * 128 - 0.25) / 1.45,
                                                  abs=1e-6)
    assert 0.999999 <= chain.survival <= 1.0


def test_quasi_stationary_law_is_the_long_run_conditional_law():
    law = owner_chain(DEFAULTS, 400).law[-1]
    conditional = law / law[1:].sum()
    conditional[0] = 0.0
    np.testing.assert_allclose(owner_chain(DEFAULTS, 1).quasi_stationary,
                               conditional, atol=1e-12)


def test_certain_death_has_no_law_given_survival():
    # s = 0.1 and at most 4 legs: floor(0.1 X) = 0 always.
    params = ProtocolParams(n=64, k=4, s=0.1, p=0.9)
    chain = owner_chain(params, 3)
    np.testing.assert_allclose(chain.extinction, 1.0)
    assert chain.stationary_mean is None and chain.survival == 0.0
    with pytest.raises(ValueError, match="the relay dies out with certainty at "
                                         "these parameters"):
        coupled_gap_chain(params, 3)


def test_a_periodic_relay_has_a_law_given_survival():
    # p = s = 1, slots = 10, k = 9: 1 owner -> 9 legs -> 9 owners -> 1 leg -> 1.
    params = ProtocolParams(n=20, slots=10, k=9, s=1.0, p=1.0)
    chain = owner_chain(params, 4)
    assert chain.law[1:, 1].tolist() == [0, 1, 0, 1]
    expected = np.zeros(11)
    expected[[1, 9]] = 0.5
    np.testing.assert_allclose(chain.quasi_stationary, expected, atol=1e-12)
    assert chain.survival == pytest.approx(1.0, abs=1e-12)
    coupled = coupled_gap_chain(params, 4)
    assert coupled.converged
    assert coupled.owners_mean == pytest.approx(5.0, rel=1e-9)


# Gap chains -----------------------------------------------------------------------
@given(small_params())
def test_gap_chain_is_a_law(params):
    chain = gap_chain(params)
    assert chain.stationary.shape == (len(GAP_CHAIN_STATES),)
    assert (chain.stationary >= 0).all()
    assert chain.stationary.sum() == pytest.approx(1.0, abs=1e-12)
    assert chain.shares.sum() == pytest.approx(1.0, abs=1e-12)
    assert chain.shares[GAP_LABELS.index("none")] == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(chain.transition.sum(axis=1), 1.0, atol=1e-12)


@given(small_params())
def test_gap_chain_owner_and_gap_zero_shares(params):
    if params.s * params.p * params.k < 1:   # m* is the fixed point only here
        return
    chain = gap_chain(params)
    m = mean_field_owners(params)
    assert chain.stationary[-1] == pytest.approx(m / params.n, rel=1e-9)
    assert chain.shares[0] == pytest.approx(
        (params.p * (params.slots - m) + 1) / params.n, rel=1e-9)


def test_gap_chain_at_the_defaults():
    shares = gap_chain(DEFAULTS).shares
    # (0.9 (128 - 39.72) + 1) / 256 = 31.4%, THEORY.md section 4.
    assert shares[0] == pytest.approx((0.9 * (128 - 1152 / 29) + 1) / 256,
                                      rel=1e-12)
    # Beyond gap 1 a non-owner catches up with chance q = 0.9 * 88.28 / 216.28
    # + 1 / 216.28 a round: shares fall geometrically by 1 - q.
    q = (0.9 * (128 - 1152 / 29) + 1) / (256 - 1152 / 29)
    np.testing.assert_allclose(shares[2:11] / shares[1:10], 1 - q, rtol=1e-10)


def test_coupled_chain_agrees_with_the_owner_chain():
    params = ProtocolParams(n=64)
    coupled = coupled_gap_chain(params, 40)
    owners = owner_chain(params, 40)
    assert coupled.converged
    assert coupled.stationary.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(coupled.stationary.sum(axis=1),
                               owners.quasi_stationary, atol=1e-10)
    assert coupled.owners_mean == pytest.approx(owners.stationary_mean, rel=1e-10)
    # Exchangeable participants: the owner share is the mean owner count / N.
    assert coupled.stationary[:, -1].sum() == pytest.approx(
        owners.stationary_mean / params.n, rel=1e-9)
    assert coupled.transient.shape == (40, len(GAP_LABELS))
    np.testing.assert_allclose(coupled.transient.sum(axis=1), 1.0, atol=1e-12)
    assert coupled.transient[0, -1] > 0.9          # most hold no model yet
    np.testing.assert_allclose(coupled.transient[-1], coupled.shares, atol=1e-4)
    # The mean-field chain is close, not equal.
    assert np.abs(coupled.shares - gap_chain(params).shares).max() < 0.01


# Against the JAX engine -------------------------------------------------------------
SMALL = dict(n=32)
SEEDS, ROUNDS, LEVEL = 400, 30, 0.999


@pytest.fixture(scope="module")
def small_runs():
    return {p: run_jax(ProtocolParams(p=p, **SMALL), ROUNDS, 0, seeds=SEEDS,
                       full=False) for p in (0.5, 0.6, 0.9)}


@pytest.mark.parametrize("p", [0.5, 0.6, 0.9])
def test_extinction_agrees_with_monte_carlo(small_runs, p):
    chain = owner_chain(ProtocolParams(p=p, **SMALL), ROUNDS)
    died = np.asarray(small_runs[p].extinction_round)
    for t in (0, 4, ROUNDS - 1):
        dead = int(((died >= 0) & (died <= t)).sum())
        low, high = wilson_interval(dead, SEEDS, LEVEL)
        assert low <= chain.extinction[t] <= high, (p, t, dead)


def test_compare_with_simulation_small(small_runs):
    # Same shapes as the fixture's runs: no new compilation.
    comparison = compare_with_simulation(ProtocolParams(**SMALL), seeds=SEEDS,
                                         rounds=ROUNDS, burn_in=15, level=LEVEL)
    assert comparison.survivors > 0.9 * SEEDS
    for row in comparison.rows:
        assert 0 <= row.low <= row.simulated <= row.high
        if row.theory_source in ("exact owner chain", "coupled gap chain"):
            assert row.within, row
    assert not comparison.row("owners (steady state)", "mean field m*").within
    assert comparison.transient_max_gap < 0.05
    text = json.dumps(comparison.to_dict())
    assert "coupled gap chain" in text
    assert "in CI" in comparison.table()
    with pytest.raises(KeyError, match="no row"):
        comparison.row("nothing")


# Helpers and errors ------------------------------------------------------------------
def test_wilson_interval_by_hand():
    z = 1.959963984540054
    low, high = wilson_interval(0, 10, 0.95)
    assert low == 0.0 and high == pytest.approx(z * z / (10 + z * z), rel=1e-12)
    low, high = wilson_interval(5, 10, 0.95)
    half = z * math.sqrt(0.025 + z * z / 400) / (1 + z * z / 10)
    assert (low, high) == pytest.approx((0.5 - half, 0.5 + half), rel=1e-12)


@pytest.mark.parametrize("call, error, message", [
    (lambda: owner_chain("defaults"), TypeError, "params must be a ProtocolParams"),
    (lambda: owner_chain(DEFAULTS, 0), ValueError,
     "rounds must be an integer >= 1, got 0"),
    (lambda: gap_chain(DEFAULTS, owners=128), ValueError,
     r"owners must be a number in \(0, slots = 128\), got 128"),
    (lambda: gap_chain(DEFAULTS, owners=True), ValueError, "owners must be"),
    (lambda: coupled_gap_chain(DEFAULTS, tol=0), ValueError,
     r"tol must be a number in \(0, 1\), got 0"),
    (lambda: wilson_interval(3, 2), ValueError, "successes must be <= trials"),
    (lambda: wilson_interval(1, 2, level=1.0), ValueError,
     r"level must be a number in \(0, 1\), got 1.0"),
    (lambda: compare_with_simulation(DEFAULTS, seeds=1), ValueError,
     "seeds must be an integer >= 2, got 1"),
    (lambda: compare_with_simulation(DEFAULTS, rounds=10, burn_in=10), ValueError,
     r"burn_in must be < rounds \(10\), got 10"),
])
def test_errors_name_the_parameter(call, error, message):
    with pytest.raises(error, match=message):
        call()
