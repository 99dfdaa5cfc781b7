"""The relay contest: closed form, participation, best responses, errors."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from derelayl_econ import (
    contest_best_responses,
    contest_prize,
    iterate_best_responses,
    solve_contest,
)

# Costs spread over two decades: trainers from dominant to inactive.
cost_lists = st.lists(st.floats(0.1, 10.0), min_size=2, max_size=8)
prizes = st.floats(0.01, 100.0)


def utility(V: float, c: float, own: float, others: float, f: float = 0.0
            ) -> float:
    """Tullock utility of one trainer against the others' total (> 0)."""
    return V * own / (own + others) - c * own - f


# --------------------------------------------------------------------------
# Hand-solved cases

def test_contest_prize():
    assert contest_prize(10, 0.5, 1.0, 19.0) == pytest.approx(100.0, rel=1e-15)
    assert contest_prize(1, 1.0, 0.0, 0.0) == 0.0


def test_two_equal_trainers():
    # E = V / 2, e = V / 4 each, share 1/2, utility V / 4.
    r = solve_contest([1.0, 1.0], 8.0)
    np.testing.assert_allclose(r.efforts, [2.0, 2.0], rtol=1e-15)
    assert r.total_effort == pytest.approx(4.0, rel=1e-15)
    np.testing.assert_allclose(r.utilities, [2.0, 2.0], rtol=1e-15)
    assert r.threshold == 2.0
    assert r.active.all() and r.participating.all() and r.rounds_of_exit == 0


def test_costs_1_2_3_third_is_on_the_threshold():
    # (m - 2) c_3 = 3 = C_2: not < C_2, so trainer 3 is out (indifferent:
    # its marginal gain at 0, V / E - c_3, is exactly 0).
    # A = {1, 2}: E = V / 3, e = E (1 - c_i / 3) = (2V/9, V/9).
    V = 9.0
    r = solve_contest([1.0, 2.0, 3.0], V)
    np.testing.assert_allclose(r.efforts, [2.0, 1.0, 0.0], rtol=1e-15, atol=0)
    assert r.total_effort == pytest.approx(3.0, rel=1e-15)
    assert r.threshold == 3.0
    np.testing.assert_array_equal(r.active, [True, True, False])
    # Utilities V x**2: shares 2/3 and 1/3.
    np.testing.assert_allclose(r.utilities, [4.0, 1.0, 0.0], rtol=1e-14, atol=0)
    assert V / r.total_effort - 3.0 == 0.0


def test_costs_1_2_2p5_by_fractions():
    # All three active: C = 11/2, E = 2V / C = 4V/11,
    # e = E (1 - 2 c_i / C) = (28, 12, 4) V / 121.
    costs = [Fraction(1), Fraction(2), Fraction(5, 2)]
    V = Fraction(121)
    C = sum(costs)
    E = 2 * V / C
    exact = [E * (1 - 2 * c / C) for c in costs]
    assert exact == [28, 12, 4]
    r = solve_contest([float(c) for c in costs], float(V))
    np.testing.assert_allclose(r.efforts, [float(e) for e in exact], rtol=1e-14)
    assert r.total_effort == pytest.approx(44.0, rel=1e-15)
    # Utilities from the definition, exactly.
    u = [V * e / E - c * e for c, e in zip(costs, exact)]
    np.testing.assert_allclose(r.utilities, [float(x) for x in u], rtol=1e-14)


def test_output_is_read_only_and_in_input_order():
    r = solve_contest([3.0, 1.0, 2.0], 9.0)
    np.testing.assert_allclose(r.efforts, [0.0, 2.0, 1.0], rtol=1e-15)
    with pytest.raises(ValueError, match="read-only"):
        r.efforts[0] = 1.0


def test_equal_costs_all_in_or_all_out():
    # (1, 1, 1): threshold C/2 = 1.5 > 1, all in; (1, 4, 4): 2 * 4 = 8 > 5,
    # both 4s out together; (1, 2, 2): 1 * 2 < 3, both in.
    assert solve_contest([1.0, 1.0, 1.0], 1.0).active.all()
    np.testing.assert_array_equal(solve_contest([4.0, 1.0, 4.0], 1.0).active,
                                  [True, True, True])
    r = solve_contest([4.0, 1.0, 4.0, 1.0], 1.0)   # A = two 1s; 4 >= 2/1
    np.testing.assert_array_equal(r.active, [False, True, False, True])
    r = solve_contest([1.0, 2.0, 2.0], 1.0)
    assert r.active.all() and r.efforts[1] == r.efforts[2]


# --------------------------------------------------------------------------
# Participation with an entry cost

def test_three_equal_trainers_one_leaves():
    # Three at cost 1, V = 9: share 1/3, u = 9/9 - f = 1 - 1.8 < 0. One
    # leaves (the last listed); two remain with share 1/2: u = 9/4 - 1.8.
    r = solve_contest([1.0, 1.0, 1.0], 9.0, entry_cost=1.8)
    np.testing.assert_array_equal(r.participating, [True, True, False])
    np.testing.assert_allclose(r.efforts, [2.25, 2.25, 0.0], rtol=1e-15)
    np.testing.assert_allclose(r.utilities, [0.45, 0.45, 0.0], rtol=1e-13)
    assert r.rounds_of_exit == 1


def test_zero_utility_stays():
    # (1, 1), V = 4: u = V/4 - f = 0 at f = 1, so both stay.
    r = solve_contest([1.0, 1.0], 4.0, entry_cost=1.0)
    assert r.participating.all() and r.rounds_of_exit == 0
    np.testing.assert_array_equal(r.utilities, [0.0, 0.0])


def test_lone_participant_takes_the_prize_without_effort():
    # Two at cost 1, V = 4, f = 1.5: u = 1 - 1.5 < 0; one leaves, the other
    # is alone: effort 0, utility V - f = 2.5.
    r = solve_contest([1.0, 1.0], 4.0, entry_cost=1.5)
    np.testing.assert_array_equal(r.participating, [True, False])
    np.testing.assert_array_equal(r.efforts, [0.0, 0.0])
    np.testing.assert_array_equal(r.utilities, [2.5, 0.0])
    assert r.total_effort == 0.0 and r.threshold == np.inf
    assert not r.active.any() and r.rounds_of_exit == 1
    # A single trainer, with or without entry cost.
    alone = solve_contest([2.0], 4.0)
    assert alone.participating.all() and alone.utilities[0] == 4.0


def test_nobody_participates_when_entry_costs_more_than_the_prize():
    r = solve_contest([1.0, 2.0], 1.0, entry_cost=2.0)
    assert not r.participating.any() and r.rounds_of_exit == 2
    np.testing.assert_array_equal(r.utilities, [0.0, 0.0])


def test_zero_prize():
    r = solve_contest([1.0, 2.0], 0.0)
    assert r.participating.all() and not r.active.any()
    np.testing.assert_array_equal(r.utilities, [0.0, 0.0])
    assert not solve_contest([1.0, 2.0], 0.0, entry_cost=0.5).participating.any()


def test_inactive_trainers_leave_first():
    # (1, 1, 5): the 5 is inactive (5 >= 2), pays f and leaves; the two 1s
    # play alone: u = V/4 - f.
    r = solve_contest([5.0, 1.0, 1.0], 4.0, entry_cost=0.5)
    np.testing.assert_array_equal(r.participating, [False, True, True])
    np.testing.assert_allclose(r.utilities, [0.0, 0.5, 0.5], rtol=1e-15)


@given(cost_lists, prizes, st.floats(0.0, 1.0))
def test_participation_properties(costs, V, f_share):
    f = f_share * V / 4
    r = solve_contest(costs, V, entry_cost=f)
    c = np.asarray(costs)
    # Every participant gains; those out earn 0 and pay nothing.
    assert (r.utilities[r.participating] >= 0).all()
    assert (r.utilities[~r.participating] == 0).all()
    assert (r.efforts[~r.participating] == 0).all()
    # Participants are the cheapest ones.
    if (~r.participating).any() and r.participating.any():
        assert c[r.participating].max() <= c[~r.participating].min()
    assert r.rounds_of_exit == (~r.participating).sum()
    # No trainer who stays out gains by coming back.
    for j in np.nonzero(~r.participating)[0]:
        field = r.participating.copy()
        field[j] = True
        back = solve_contest(c[field], V)
        position = int(np.sum(field[:j]))
        if field.sum() >= 2:
            assert back.utilities[position] - f < 1e-12 * V
        else:
            assert V - f < 0
    # Without an entry cost everyone takes part.
    assert solve_contest(costs, V).participating.all()


# --------------------------------------------------------------------------
# Equilibrium properties

@given(cost_lists, prizes)
def test_active_set_condition(costs, V):
    r = solve_contest(costs, V)
    c = np.asarray(costs)
    k = r.active.sum()
    assert k >= 2
    c_active = c[r.active].sum()
    assert r.threshold == pytest.approx(c_active / (k - 1), rel=1e-13)
    assert (c[r.active] < r.threshold * (1 + 1e-13)).all()
    assert (c[~r.active] >= r.threshold * (1 - 1e-13)).all()
    # Inactive trainers gain nothing at the margin: V / E - c_i <= 0.
    assert (V / r.total_effort - c[~r.active] <= 1e-12 * V / r.total_effort).all()
    assert r.total_effort == pytest.approx((k - 1) * V / c_active, rel=1e-13)


@given(cost_lists, prizes)
def test_no_profitable_deviation(costs, V):
    r = solve_contest(costs, V)
    E = r.total_effort
    grid = np.concatenate([[0.0], E * np.logspace(-6, 2, 41)])
    for i, c in enumerate(costs):
        others = E - r.efforts[i]
        at_eq = utility(V, c, r.efforts[i], others)
        assert at_eq == pytest.approx(r.utilities[i], rel=1e-9, abs=1e-12 * V)
        own = np.concatenate([grid, r.efforts[i] * np.array([0.9, 0.99, 1.01, 1.1])])
        deviations = V * own / (own + others) - c * own
        assert (deviations <= at_eq + 1e-9 * V).all()


@given(cost_lists, prizes)
def test_equilibrium_is_a_fixed_point_of_best_responses(costs, V):
    r = solve_contest(costs, V)
    br = contest_best_responses(costs, V, r.efforts)
    np.testing.assert_allclose(br, r.efforts, rtol=0, atol=1e-12 * r.total_effort)


@given(st.lists(st.floats(0.1, 10.0), min_size=2, max_size=8, unique=True),
       prizes, st.randoms(use_true_random=False))
def test_input_order_invariance(costs, V, random):
    perm = list(range(len(costs)))
    random.shuffle(perm)
    r = solve_contest(costs, V)
    p = solve_contest([costs[k] for k in perm], V)
    np.testing.assert_array_equal(p.efforts, r.efforts[perm])
    np.testing.assert_array_equal(p.utilities, r.utilities[perm])
    assert p.total_effort == r.total_effort


@given(st.lists(st.integers(1, 4), min_size=2, max_size=8), prizes,
       st.floats(0.0, 0.3), st.randoms(use_true_random=False))
def test_ties_keep_the_multiset_of_outcomes(levels, V, f_share, random):
    costs = [0.5 * k for k in levels]
    perm = list(range(len(costs)))
    random.shuffle(perm)
    r = solve_contest(costs, V, entry_cost=f_share * V)
    p = solve_contest([costs[k] for k in perm], V, entry_cost=f_share * V)
    np.testing.assert_array_equal(np.sort(p.efforts), np.sort(r.efforts))
    np.testing.assert_array_equal(np.sort(p.utilities), np.sort(r.utilities))
    # Equal costs, equal efforts (effort stage).
    full = solve_contest(costs, V)
    for level in set(levels):
        assert len(set(full.efforts[np.asarray(levels) == level])) == 1


def test_many_trainers():
    rng = np.random.default_rng(7)
    costs = rng.lognormal(0.0, 0.3, 5000)
    r = solve_contest(costs, 100.0, entry_cost=0.01)
    assert r.participating.sum() >= 2
    assert (r.utilities[r.participating] >= 0).all()


# --------------------------------------------------------------------------
# Best responses and their iteration

def test_best_response_hand_values():
    # Against E_-i = 1 with V = 4, c = 1: sqrt(4) - 1 = 1; with c = 4: 0.
    np.testing.assert_allclose(contest_best_responses([1.0, 4.0], 4.0, [1.0, 1.0]),
                               [1.0, 0.0], rtol=1e-15)
    # Nobody else exerts effort: no best response exists; 0 by convention.
    np.testing.assert_array_equal(contest_best_responses([1.0, 1.0], 4.0, [0.0, 0.0]),
                                  [0.0, 0.0])


def test_iteration_two_equal_trainers():
    it = iterate_best_responses([1.0, 1.0], 8.0)
    assert it.converged and it.residual <= 1e-12
    np.testing.assert_allclose(it.efforts, [2.0, 2.0], rtol=1e-11)


def test_iteration_where_plain_best_responses_cycle():
    # Costs 1 and 100: slopes 49.5 and -0.495, product -24.5; undamped
    # best responses diverge from the equilibrium.
    costs = [1.0, 100.0]
    it = iterate_best_responses(costs, 1.0)
    assert it.converged
    np.testing.assert_allclose(it.efforts, solve_contest(costs, 1.0).efforts,
                               rtol=1e-8)


@given(cost_lists, prizes)
def test_iteration_agrees_with_closed_form(costs, V):
    r = solve_contest(costs, V)
    it = iterate_best_responses(costs, V, tol=1e-14)
    assert it.converged, it
    np.testing.assert_allclose(it.efforts, r.efforts, rtol=1e-8,
                               atol=1e-12 * r.total_effort)


def test_iteration_agrees_at_1000_trainers():
    # Costs within 1% of each other: about 450 active, 550 just above the
    # threshold. Many trainers overshooting together made an earlier step
    # rule fall into a two-cycle on such fields.
    rng = np.random.default_rng(3)
    costs = rng.uniform(1.0, 1.01, 1000)
    r = solve_contest(costs, 10.0)
    it = iterate_best_responses(costs, 10.0, tol=1e-14)
    assert it.converged and 300 < r.active.sum() < 600
    np.testing.assert_allclose(it.efforts, r.efforts, rtol=1e-8,
                               atol=1e-12 * r.total_effort)
    assert it.total_effort == pytest.approx(r.total_effort, rel=1e-12)


def test_iteration_from_a_given_start_and_the_iteration_cap():
    costs = [1.0, 2.0, 3.0]
    it = iterate_best_responses(costs, 9.0, start=[10.0, 0.0, 5.0])
    assert it.converged
    np.testing.assert_allclose(it.efforts, [2.0, 1.0, 0.0], rtol=1e-10, atol=1e-11)
    capped = iterate_best_responses(costs, 9.0, max_iter=1)
    assert not capped.converged and capped.iterations == 1 and capped.residual > 0


# --------------------------------------------------------------------------
# Errors

@pytest.mark.parametrize("costs, message", [
    ([1.0, -2.0], r"costs must be finite and > 0, got \[1.0, -2.0\]"),
    ([1.0, 0.0], r"costs must be finite and > 0, got \[1.0, 0.0\]"),
    ([1.0, float("nan")], r"costs must be finite and > 0, got \[1.0, nan\]"),
    ([1.0, float("inf")], r"costs must be finite and > 0"),
    ([], r"costs must be a non-empty 1-D array, got shape \(0,\)"),
    ([[1.0, 2.0]], r"costs must be a non-empty 1-D array, got shape \(1, 2\)"),
    ([1.0] * 20 + [-3.0], r"got an array of 21 values \(-3.0 at index 20\)"),
    ([[1.0], [1.0, 2.0]], r"costs must be a 1-D array of real numbers"),
])
def test_bad_costs(costs, message):
    with pytest.raises(ValueError, match=message):
        solve_contest(costs, 1.0)


@pytest.mark.parametrize("costs", ["12", ["a", "b"], [True, False],
                                   [1 + 1j, 2.0]])
def test_costs_of_the_wrong_kind(costs):
    with pytest.raises(TypeError, match="costs must be a 1-D array of real numbers"):
        solve_contest(costs, 1.0)


@pytest.mark.parametrize("call, message", [
    (lambda: solve_contest([1.0, 2.0], -1.0),
     r"prize must be a finite number in \[0.0, inf\), got -1.0"),
    (lambda: solve_contest([1.0, 2.0], float("nan")), r"prize must be .* got nan"),
    (lambda: solve_contest([1.0, 2.0], 1.0, entry_cost=-0.5),
     r"entry_cost must be a finite number in \[0.0, inf\), got -0.5"),
    (lambda: contest_prize(0, 0.5, 1.0, 1.0), r"trainers must be >= 1, got 0"),
    (lambda: contest_prize(4, 1.5, 1.0, 1.0),
     r"s \(win share\) must be a finite number in \(0.0, 1.0\], got 1.5"),
    (lambda: contest_prize(4, 0.5, -1.0, 1.0), r"deposit must be .* got -1.0"),
    (lambda: contest_prize(4, 0.5, 1.0, -1.0), r"continuation must be .* got -1.0"),
    (lambda: contest_best_responses([1.0, 2.0], 1.0, [1.0]),
     r"efforts must hold one effort per trainer \(2\), got 1"),
    (lambda: contest_best_responses([1.0, 2.0], 1.0, [1.0, -1.0]),
     r"efforts must be finite and >= 0, got \[1.0, -1.0\]"),
    (lambda: iterate_best_responses([1.0], 1.0),
     r"costs must hold at least 2 trainers for best-response iteration"),
    (lambda: iterate_best_responses([1.0, 2.0], 0.0),
     r"prize must be a finite number in \(0.0, inf\), got 0.0"),
    (lambda: iterate_best_responses([1.0, 2.0], 1.0, start=[1.0, 0.0]),
     r"start must give at least 2 trainers positive effort"),
    (lambda: iterate_best_responses([1.0, 2.0], 1.0, tol=0.0),
     r"tol must be a finite number in \(0.0, inf\), got 0.0"),
    (lambda: iterate_best_responses([1.0, 2.0], 1.0, max_iter=0),
     r"max_iter must be >= 1, got 0"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("call", [
    lambda: solve_contest([1.0, 2.0], "1"),
    lambda: contest_prize(2.5, 0.5, 1.0, 1.0),
    lambda: iterate_best_responses([1.0, 2.0], 1.0, max_iter=10.0),
])
def test_wrong_kinds_of_scalars(call):
    with pytest.raises(TypeError, match="must be"):
        call()
