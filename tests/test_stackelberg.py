"""Stackelberg rewards: cvxpy against the closed forms, KKT, errors."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from derelayl_econ import (
    SolverError,
    compare_stackelberg,
    solve_contest,
    stackelberg_prices,
    stackelberg_prize,
)

cost_lists = st.lists(st.floats(0.01, 100.0), min_size=1, max_size=8)
lams = st.floats(0.01, 1000.0)
gammas = st.floats(0.01, 100.0)


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    # A correct solve warns of nothing: an inaccurate optimum fails a test.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# --------------------------------------------------------------------------
# Hand-solved cases

@pytest.mark.parametrize("method", ["closed", "cvxpy"])
def test_one_follower_prices(method):
    # c = 1, lambda = 4: X (1 + X) = lambda H / 2 = 2, so X = 1; x = 1,
    # q = c x = 1, leader utility 4 log 2 - 1.
    r = stackelberg_prices([1.0], lam=4.0, method=method)
    np.testing.assert_allclose(r.supplies, [1.0], rtol=1e-8)
    np.testing.assert_allclose(r.prices, [1.0], rtol=1e-8)
    assert r.total_supply == pytest.approx(1.0, rel=1e-8)
    assert r.leader_utility == pytest.approx(4 * math.log(2) - 1, rel=1e-8)
    assert r.method == method
    assert r.status == ("closed form" if method == "closed" else "optimal")


@pytest.mark.parametrize("method", ["closed", "cvxpy"])
def test_two_equal_trainers_prize(method):
    # Costs (1, 1): a = 1/2; lambda = 4, gamma = 1: V* = 4 - 2 = 2,
    # E = 1, efforts 1/2 each, leader utility 4 log 2 - 2.
    r = stackelberg_prize([1.0, 1.0], lam=4.0, gamma=1.0, method=method)
    assert r.effort_per_prize == 0.5
    assert r.prize == pytest.approx(2.0, rel=1e-8)
    assert r.total_effort == pytest.approx(1.0, rel=1e-8)
    np.testing.assert_allclose(r.efforts, [0.5, 0.5], rtol=1e-8)
    assert r.leader_utility == pytest.approx(4 * math.log(2) - 2, rel=1e-8)


@pytest.mark.parametrize("method", ["closed", "cvxpy"])
@pytest.mark.parametrize("lam", [0.5, 1.0, 2.0])   # 2.0: lambda / gamma = 1 / a
def test_no_prize_when_the_contest_is_too_costly(method, lam):
    r = stackelberg_prize([1.0, 1.0], lam=lam, gamma=1.0, method=method)
    assert r.prize <= 1e-8 * lam
    assert r.total_effort <= 1e-8 * lam and r.leader_utility >= -1e-8 * lam
    if method == "closed":
        assert r.prize == 0.0 and not r.efforts.any()


@pytest.mark.parametrize("method", ["closed", "cvxpy"])
def test_one_follower_gets_no_prize(method):
    # A lone trainer exerts no effort for any prize (a = 0).
    r = stackelberg_prize([2.0], lam=100.0, gamma=1.0, method=method)
    assert r.effort_per_prize == 0.0 and r.prize <= 1e-8 * 100.0


def test_prize_followers_play_the_contest():
    costs = [1.0, 2.0, 2.5, 7.0]
    r = stackelberg_prize(costs, lam=30.0, gamma=1.0, method="closed")
    contest = solve_contest(costs, r.prize)
    np.testing.assert_array_equal(r.efforts, contest.efforts)
    # a = (|A| - 1) / C_A = 2 / 5.5; V* = lambda / gamma - 1 / a.
    assert r.effort_per_prize == pytest.approx(2 / 5.5, rel=1e-15)
    assert r.prize == pytest.approx(30.0 - 5.5 / 2, rel=1e-14)


# --------------------------------------------------------------------------
# Optimality and agreement

@given(cost_lists, lams)
def test_prices_cvxpy_agrees_with_closed_form(costs, lam):
    cmp = compare_stackelberg(costs, lam=lam)
    assert cmp.agree and cmp.max_rel_diff <= 1e-6, cmp.max_rel_diff
    assert cmp.cvxpy.kkt_residual <= 1e-6 and cmp.closed.kkt_residual <= 1e-12
    np.testing.assert_allclose(cmp.cvxpy.prices, cmp.closed.prices, rtol=1e-6)
    assert cmp.cvxpy.leader_utility == pytest.approx(
        cmp.closed.leader_utility, rel=1e-6, abs=1e-9 * lam)


@given(st.lists(st.floats(0.01, 100.0), min_size=2, max_size=8), lams, gammas)
def test_prize_cvxpy_agrees_with_closed_form(costs, lam, gamma):
    cmp = compare_stackelberg(costs, lam=lam, gamma=gamma, form="prize")
    assert cmp.agree and cmp.max_rel_diff <= 1e-6, cmp.max_rel_diff
    scale = lam / gamma
    assert cmp.cvxpy.prize == pytest.approx(cmp.closed.prize, abs=1e-6 * scale)
    if cmp.closed.prize > 1e-3 * scale:
        assert cmp.cvxpy.prize == pytest.approx(cmp.closed.prize, rel=1e-6)
    closed_prize = (lam / gamma - 1 / cmp.closed.effort_per_prize)
    assert cmp.closed.prize == pytest.approx(max(0.0, closed_prize), rel=1e-12,
                                             abs=1e-12 * scale)


@given(st.lists(st.floats(0.01, 100.0), min_size=2, max_size=8), lams, gammas,
       st.floats(0.5, 2.0))
def test_closed_form_prize_beats_other_prizes(costs, lam, gamma, factor):
    r = stackelberg_prize(costs, lam=lam, gamma=gamma, method="closed")
    a = r.effort_per_prize
    for V in (r.prize * factor, r.prize + 0.1 * lam / gamma):
        assert lam * math.log1p(a * V) - gamma * V <= r.leader_utility * (
            1 + 1e-12) + 1e-12 * lam


def _kkt_gap(result):
    """Leader's marginal utility of each x_i, over lambda / (1 + X)."""
    c = result.costs
    marginal_value = result.lam / (1 + result.total_supply)
    return (marginal_value - 2 * c * result.supplies) / marginal_value


def test_2000_followers_kkt_and_uniform_prices():
    rng = np.random.default_rng(11)
    costs = rng.lognormal(0.0, 1.0, 2000)
    cmp = compare_stackelberg(costs, lam=50.0)
    assert cmp.agree and cmp.max_rel_diff <= 1e-6
    for result in (cmp.closed, cmp.cvxpy):
        # Every x_i > 0, so the leader's marginal utility of each is zero.
        assert (result.supplies > 0).all()
        assert np.abs(_kkt_gap(result)).max() <= 1e-6
        # The optimal personalised prices are one price, lambda / (2 (1 + X)).
        q = result.lam / (2 * (1 + result.total_supply))
        np.testing.assert_allclose(result.prices, q, rtol=1e-6)
    H = np.sum(1 / costs)
    assert cmp.closed.total_supply == pytest.approx(
        (math.sqrt(1 + 2 * 50.0 * H) - 1) / 2, rel=1e-13)


@given(cost_lists, lams)
def test_kkt_of_the_cvxpy_answer(costs, lam):
    r = stackelberg_prices(costs, lam=lam)
    assert np.abs(_kkt_gap(r)).max() <= 1e-6


def test_large_prize_problem():
    rng = np.random.default_rng(5)
    costs = rng.lognormal(0.0, 0.5, 2000)
    cmp = compare_stackelberg(costs, lam=1e4, gamma=0.5, form="prize")
    assert cmp.agree and cmp.cvxpy.prize == pytest.approx(cmp.closed.prize,
                                                          rel=1e-6)


# --------------------------------------------------------------------------
# Errors

@pytest.mark.parametrize("call, message", [
    (lambda: stackelberg_prices([1.0, -1.0], lam=1.0),
     r"costs must be finite and > 0, got \[1.0, -1.0\]"),
    (lambda: stackelberg_prices([], lam=1.0),
     r"costs must be a non-empty 1-D array, got shape \(0,\)"),
    (lambda: stackelberg_prices([1.0], lam=0.0),
     (r"lam \(leader's value of progress\) must be a finite number in "
      r"\(0.0, inf\), got 0.0")),
    (lambda: stackelberg_prices([1.0], lam=float("inf")),
     r"lam .* got inf"),
    (lambda: stackelberg_prize([1.0, 2.0], lam=1.0, gamma=0.0),
     (r"gamma \(leader's cost per coin of prize\) must be > 0, got 0.0: with "
      r"free prizes the leader's problem is unbounded")),
    (lambda: stackelberg_prize([1.0, 2.0], lam=1.0, gamma=-1.0),
     r"gamma .* must be a finite number in \[0.0, inf\), got -1.0"),
    (lambda: stackelberg_prices([1.0], lam=1.0, method="newton"),
     r"method must be one of \('cvxpy', 'closed'\), got 'newton'"),
    (lambda: compare_stackelberg([1.0], lam=1.0, form="auction"),
     r"form must be 'prices' or 'prize', got 'auction'"),
    (lambda: compare_stackelberg([1.0], lam=1.0, form="prize"),
     r"form='prize' needs gamma"),
    (lambda: compare_stackelberg([1.0], lam=1.0, gamma=1.0),
     r"gamma applies to form='prize' only"),
    (lambda: compare_stackelberg([1.0], lam=1.0, rtol=0.0),
     r"rtol must be a finite number in \(0.0, inf\), got 0.0"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_wrong_kinds():
    with pytest.raises(TypeError, match="lam .* must be a real number"):
        stackelberg_prices([1.0], lam="1")
    with pytest.raises(TypeError, match="costs must be a 1-D array of real numbers"):
        stackelberg_prize(["a"], lam=1.0, gamma=1.0)


def test_solver_errors():
    with pytest.raises(SolverError, match="solver 'NOSUCH' is not installed"):
        stackelberg_prices([1.0], lam=1.0, solver="NOSUCH")
    # A solver stopped after one iteration: warned, then refused by the
    # first-order check rather than returned.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(SolverError, match="misses the first-order conditions"):
            stackelberg_prices([1.0, 2.0, 3.0], lam=4.0,
                               solver_options={"max_iters": 1})
    assert any(w.category is RuntimeWarning
               and "SCS reports an inaccurate optimum" in str(w.message)
               for w in caught)
    # A solver that cannot take an exponential cone.
    with pytest.raises(SolverError, match="OSQP failed on the personalised-price"):
        stackelberg_prices([1.0, 2.0], lam=1.0, solver="OSQP")
