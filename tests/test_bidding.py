"""The bidding game (THEORY.md section 6, last bullet)."""

import itertools
import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from derelayl_econ import (BiddingGame, best_response_dynamics, best_responses,
                           bid_rule_report, bidding_outcomes, check_rule,
                           default_bidding_scenarios, deviation_payoffs,
                           expected_utility, fictitious_play, pure_equilibria,
                           ranked_win_chances, rule_profile, solve_two_player)

TOL = 1e-9


def game(**changes) -> BiddingGame:
    """Two trainers, one owner taking one trainer: ties split 50/50."""
    args = dict(win_chances=[0.5], k=1, p=0.8, continuation=2.0, values=[1.0, 3.0],
                coins=[2.0, 2.0], bid_grid=[0.0, 1.0, 2.0])
    args.update(changes)
    return BiddingGame(**args)


# An independent oracle: every tie order, one by one ----------------------------
def brute_utility(g: BiddingGame, profile) -> np.ndarray:
    """Average utility over all orders consistent with the bids (ties random)."""
    bids = g.bid_grid[np.asarray(profile)]
    total, orders = np.zeros(g.n), 0
    for order in itertools.permutations(range(g.n)):
        if any(bids[a] < bids[b] for a, b in zip(order, order[1:])):
            continue
        orders += 1
        for q, i in enumerate(order):
            if q < g.m * g.k:
                pi = g.win_chances[q // g.k]
                b = bids[i]
                total[i] += -b + g.p * (g.values[i] + pi * (b + g.continuation))
    return total / orders


@st.composite
def games(draw, n_max=4, levels_max=4, m_max=3, k_max=3, n=None):
    n = draw(st.integers(1, n_max)) if n is None else n
    m = draw(st.integers(1, m_max))
    pi = sorted(draw(st.lists(st.sampled_from([0.0, 0.2, 0.5, 0.75, 1.0]),
                              min_size=m, max_size=m)), reverse=True)
    points = draw(st.sets(st.integers(1, 6), max_size=levels_max - 1))
    grid = [0.0] + sorted(float(x) for x in points)
    return BiddingGame(
        win_chances=pi, k=draw(st.integers(1, k_max)),
        p=draw(st.sampled_from([0.0, 0.5, 0.9, 1.0])),
        continuation=float(draw(st.integers(0, 5))),
        values=[float(draw(st.integers(-1, 6))) for _ in range(n)],
        coins=[float(draw(st.integers(0, 6))) for _ in range(n)], bid_grid=grid)


@st.composite
def games_and_profiles(draw, **kwargs):
    g = draw(games(**kwargs))
    profile = [draw(st.sampled_from(np.flatnonzero(row).tolist()))
               for row in g.feasible]
    return g, np.array(profile)


@st.composite
def games_and_mixed(draw, **kwargs):
    g = draw(games(**kwargs))
    weights = np.array([[draw(st.integers(0, 3)) if ok else 0 for ok in row]
                        for row in g.feasible], dtype=float)
    weights[:, 0] += weights.sum(axis=1) == 0          # every row some weight
    return g, weights / weights.sum(axis=1, keepdims=True)


# Hand-solved cases ----------------------------------------------------------------
def test_tie_splits_the_one_slot_evenly():
    g = game()
    # Tied at 1: each matched half the time. Matched, trainer 0 gets
    # -1 + 0.8 (1 + 0.5 (1 + 2)) = 1.0 and trainer 1 -1 + 0.8 (3 + 1.5) = 2.6.
    np.testing.assert_allclose(expected_utility(g, [1, 1]), [0.5, 1.3], atol=1e-14)
    # Trainer 0 outbids: -2 + 0.8 (1 + 0.5 (2 + 2)) = 0.4; trainer 1 unmatched.
    np.testing.assert_allclose(expected_utility(g, [2, 1]), [0.4, 0.0], atol=1e-14)
    # Both bid 0: halves of 0.8 (1 + 1) = 1.6 and 0.8 (3 + 1) = 3.2.
    np.testing.assert_allclose(expected_utility(g, [0, 0]), [0.8, 1.6], atol=1e-14)
    # A batch of profiles gives the same rows.
    np.testing.assert_allclose(expected_utility(g, [[1, 1], [2, 1]]),
                               [[0.5, 1.3], [0.4, 0.0]], atol=1e-14)


def test_owners_are_walked_in_rank_order():
    # Two owners taking one trainer each; trainer 0 outbids the tied 1 and 2,
    # who split owner 1 (pi 0.4) and nothing: 0.5 (-1 + 0.4 (1 + 1)) = -0.1.
    g = BiddingGame(win_chances=[0.8, 0.4], k=1, p=1.0, continuation=1.0,
                    values=[0.0, 0.0, 0.0], coins=[2.0, 2.0, 2.0],
                    bid_grid=[0.0, 1.0, 2.0])
    np.testing.assert_allclose(expected_utility(g, [2, 1, 1]), [0.4, -0.1, -0.1],
                               atol=1e-14)
    table = deviation_payoffs(g, [2, 1, 1])
    # Trainer 1 dropping to 0 is unmatched; raising to 2 ties trainer 0 for the
    # two owners: 0.5 (-2 + 0.8 * 3) + 0.5 (-2 + 0.4 * 3) = -0.2.
    np.testing.assert_allclose(table[1], [0.0, -0.1, -0.2], atol=1e-14)


def test_unaffordable_bids_are_excluded():
    g = game(coins=[1.0, 2.0])
    table = deviation_payoffs(g, [0, 0])
    assert table[0, 2] == -np.inf and np.isfinite(table[1]).all()
    br = best_responses(g, [0, 0])
    assert br.is_best[0, 2] == np.False_ and br.best_index[0] <= 1


def test_grid_points_a_hair_above_the_coins_are_affordable():
    g = game(coins=[0.3, 0.3], bid_grid=np.linspace(0, 0.3, 4))
    assert g.feasible.all()
    assert g.index_of([0.1, 0.3]).tolist() == [1, 3]


def test_rule_is_not_a_best_response_when_one_owner_takes_everyone():
    # Everyone matched with the same owner: a bid buys nothing, so the rule's
    # bid b loses b (1 - p pi) = 0.55 b against bidding 0.
    g = BiddingGame(win_chances=[0.5], k=3, p=0.9, continuation=2.0,
                    values=[1.0, 2.0, 3.0], coins=[5.0, 5.0, 5.0],
                    bid_grid=[0.0, 1.0, 2.0, 3.0])
    check = check_rule(g)
    assert check.rule_bid.tolist() == [1.0, 2.0, 3.0]
    assert check.best_bid.tolist() == [0.0, 0.0, 0.0]
    np.testing.assert_allclose(check.regret, [0.55, 1.1, 1.65], atol=1e-12)
    assert not check.is_best_response.any() and not check.is_equilibrium
    # Best-response dynamics and fictitious play both find the bid-0 equilibrium.
    dyn = best_response_dynamics(g)
    assert dyn.converged and dyn.profile.tolist() == [0, 0, 0]
    assert dyn.iterations == 3 and not dyn.cycled
    fp = fictitious_play(g, iterations=500, tol=1e-2)
    assert fp.converged and fp.max_regret <= 1e-2
    assert np.all(fp.strategies[:, 0] > 0.99)


def test_rule_is_a_best_response_when_deposits_always_come_back():
    # p pi = 1: a deposit is refunded for sure, so every bid costs nothing.
    g = BiddingGame(win_chances=[1.0], k=3, p=1.0, continuation=2.0,
                    values=[1.0, 2.0, 3.0], coins=[5.0, 5.0, 5.0],
                    bid_grid=[0.0, 1.0, 2.0, 3.0])
    check = check_rule(g)
    np.testing.assert_allclose(check.regret, 0.0, atol=1e-12)
    assert check.is_equilibrium


def test_rule_is_a_best_response_in_a_one_slot_auction():
    # One slot. Trainer 0 (gap 2, 2 coins) bids 2; trainer 1 (gap 5, 1 coin)
    # can only bid up to 1 and loses anyway. Trainer 0 at 2 gets
    # -2 + (2 + 0.5 * 2) = 1; tying at 1 gets 0.5 (-1 + 2 + 0.5) = 0.75.
    g = BiddingGame(win_chances=[0.5], k=1, p=1.0, continuation=0.0,
                    values=[2.0, 5.0], coins=[2.0, 1.0], bid_grid=[0.0, 1.0, 2.0])
    check = check_rule(g)
    assert check.rule_index.tolist() == [2, 1]
    np.testing.assert_allclose(check.rule_payoff, [1.0, 0.0], atol=1e-14)
    np.testing.assert_allclose(deviation_payoffs(g, [2, 1])[0], [0.0, 0.75, 1.0],
                               atol=1e-14)
    assert check.is_equilibrium and check.max_regret == 0.0
    solution = solve_two_player(g)
    assert solution.rule_is_equilibrium
    assert any(e.pure and e.supports == ((2.0,), (1.0,)) for e in solution.equilibria)


def test_rule_underbids_for_a_scarce_slot_worth_owning():
    # One slot, W = 10: trainer 1's rule bid 1 loses to trainer 0's 2, yet
    # outbidding at 3 pays -3 + 0.9 (1 + 0.5 (3 + 10)) = 3.75 > 0.
    g = BiddingGame(win_chances=[0.5], k=1, p=0.9, continuation=10.0,
                    values=[2.0, 1.0], coins=[4.0, 4.0],
                    bid_grid=[0.0, 1.0, 2.0, 3.0, 4.0])
    check = check_rule(g)
    assert check.best_bid[1] == 3.0
    assert check.regret[1] == pytest.approx(3.75, abs=1e-12)
    assert not check.is_equilibrium


def test_rule_profile_snaps_down_to_the_grid():
    g = BiddingGame(win_chances=[0.5], k=1, p=0.9, continuation=0.0,
                    values=[2.0, 3.0, 0.5, -1.0], coins=[5.0, 1.0, 5.0, 5.0],
                    bid_grid=[0.0, 1.0, 2.5])
    # min(coins, v) = 2, 1, 0.5, -1 -> largest grid point below: 1, 1, 0, and
    # the lowest point for a rule bid below the grid.
    assert rule_profile(g).tolist() == [1, 1, 0, 0]


def test_from_protocol_puts_the_rule_bids_on_the_grid():
    g = BiddingGame.from_protocol([1, 3, 4], [2.0, 0.7, 9.0], [0.6, 0.2], k=2,
                                  p=0.9, continuation=5.0, levels=4, max_bid=6.0)
    np.testing.assert_array_equal(g.values, [1.0, 3.0, 4.0])
    # Even grid 0, 2, 4, 6 plus the rule bids 1, 0.7 and 4.
    np.testing.assert_allclose(g.bid_grid, [0.0, 0.7, 1.0, 2.0, 4.0, 6.0])
    np.testing.assert_allclose(g.bid_grid[rule_profile(g)], [1.0, 0.7, 4.0])
    g = BiddingGame.from_protocol([2], [3.0], [0.5], coins_per_version=0.5)
    assert g.values.tolist() == [1.0] and g.bid_grid[-1] == 3.0


def test_ranked_win_chances_fall_linearly_with_mean_s():
    np.testing.assert_allclose(ranked_win_chances(4), [0.8, 0.6, 0.4, 0.2])
    pi = ranked_win_chances(7, 0.3)
    assert pi.mean() == pytest.approx(0.3, abs=1e-14)
    assert np.all(np.diff(pi) < 0)
    assert ranked_win_chances(1, 1.0).tolist() == [1.0]


def test_outcomes_count_burned_deposits():
    g = game()
    out = bidding_outcomes(g, [2, 1])
    # Trainer 0 matched for sure, pays 2, keeps it with chance 0.8 * 0.5.
    np.testing.assert_allclose(out.match_chance, [1.0, 0.0])
    np.testing.assert_allclose(out.deposit, [2.0, 0.0])
    np.testing.assert_allclose(out.burned, [2.0 * 0.6, 0.0], atol=1e-14)
    np.testing.assert_allclose(out.utility, expected_utility(g, [2, 1]))
    mixed = bidding_outcomes(g, np.eye(3)[[2, 1]])
    np.testing.assert_allclose(mixed.burned, out.burned, atol=1e-12)


# Properties ---------------------------------------------------------------------
@given(games_and_profiles(n_max=5, levels_max=3))
def test_ties_are_exact_against_every_tie_order(case):
    g, profile = case
    np.testing.assert_allclose(expected_utility(g, profile), brute_utility(g, profile),
                               rtol=1e-12, atol=1e-12)


@given(games_and_profiles())
def test_deviation_table_agrees_with_the_utility_of_each_deviation(case):
    g, profile = case
    table = deviation_payoffs(g, profile)
    for i, level in zip(*np.nonzero(g.feasible)):
        deviated = profile.copy()
        deviated[i] = level
        assert table[i, level] == pytest.approx(expected_utility(g, deviated)[i],
                                            abs=1e-12)
    assert np.all(table[~g.feasible] == -np.inf)


@given(games_and_profiles(n_max=6, levels_max=5))
def test_mixed_kernel_on_pure_strategies_equals_the_closed_form(case):
    g, profile = case
    onehot = np.eye(g.levels)[profile]
    np.testing.assert_allclose(deviation_payoffs(g, onehot),
                               deviation_payoffs(g, profile), rtol=1e-10, atol=1e-10)


@given(games_and_mixed(n_max=3, levels_max=3))
def test_mixed_payoffs_are_expectations_over_pure_profiles(case):
    g, sigma = case
    expected = np.zeros((g.n, g.levels))
    options = [np.flatnonzero(row) for row in g.feasible]
    for profile in itertools.product(*options):
        profile = np.array(profile)
        weights = sigma[np.arange(g.n), profile]
        table = np.where(g.feasible, deviation_payoffs(g, profile), 0.0)
        for i in range(g.n):   # the others' weights; trainer i's own bid is moot
            if profile[i] == options[i][0]:
                expected[i] += np.prod(np.delete(weights, i)) * table[i]
    np.testing.assert_allclose(np.where(g.feasible, deviation_payoffs(g, sigma), 0.0),
                               expected, rtol=1e-10, atol=1e-10)


@given(games_and_profiles())
def test_best_responses_are_the_lowest_maximisers(case):
    g, profile = case
    br = best_responses(g, profile)
    table = deviation_payoffs(g, profile)
    np.testing.assert_allclose(br.best_payoff, table.max(axis=1))
    np.testing.assert_allclose(br.payoff, expected_utility(g, profile))
    assert np.all(br.gain >= 0)
    for i in range(g.n):
        maximisers = np.flatnonzero(table[i] >= table[i].max() - TOL)
        assert br.best_index[i] == maximisers[0]
        assert np.flatnonzero(br.is_best[i]).tolist() == maximisers.tolist()


@given(games(n_max=3, levels_max=3))
def test_pure_equilibria_match_a_brute_force_over_tie_orders(g):
    options = [np.flatnonzero(row) for row in g.feasible]
    expected = []
    for profile in itertools.product(*options):
        u = brute_utility(g, profile)
        stable = True
        for i in range(g.n):
            for level in options[i]:
                deviated = list(profile)
                deviated[i] = level
                stable &= bool(brute_utility(g, deviated)[i] <= u[i] + TOL)
        if stable:
            expected.append(list(profile))
    assert pure_equilibria(g).tolist() == expected


@given(games(n_max=5, levels_max=4))
def test_best_response_dynamics_stop_only_at_an_equilibrium(g):
    dyn = best_response_dynamics(g, max_iter=200)
    again = best_response_dynamics(g, max_iter=200)
    assert np.array_equal(dyn.profile, again.profile)            # deterministic
    assert dyn.converged == (best_responses(g, dyn.profile).max_gain <= TOL)
    assert dyn.converged or dyn.cycled or dyn.iterations == 200
    if dyn.converged:
        assert dyn.is_equilibrium and dyn.max_regret <= TOL
        table = deviation_payoffs(g, dyn.profile)
        own = expected_utility(g, dyn.profile)
        assert np.all(table.max(axis=1) <= own + TOL)
    check = check_rule(g)
    if check.is_equilibrium:                  # starting there, nobody moves
        assert dyn.converged and dyn.iterations == 0
        assert np.array_equal(dyn.profile, check.rule_index)


@given(games(n_max=4, levels_max=4))
def test_fictitious_play_reports_its_true_epsilon(g):
    fp = fictitious_play(g, iterations=30, tol=1e-3)
    np.testing.assert_allclose(fp.strategies.sum(axis=1), 1.0)
    assert best_responses(g, fp.strategies).max_gain == pytest.approx(
        fp.max_regret, abs=1e-9)
    assert fp.converged == (fp.max_regret <= 1e-3)
    assert fp.best_iteration <= fp.iterations <= 30
    np.testing.assert_allclose(fp.mean_bids, fp.strategies @ g.bid_grid)


@given(games(n=2, levels_max=4, m_max=2, k_max=2))
def test_two_player_equilibria_are_mutual_best_responses(g):
    solution = solve_two_player(g)
    A, B = solution.A, solution.B
    rows, cols = (np.flatnonzero(f) for f in g.feasible)
    assert solution.equilibria                    # Nash: at least one exists
    for e in solution.equilibria:
        x, y = e.strategies[0, rows], e.strategies[1, cols]
        assert x @ A @ y >= (A @ y).max() - TOL
        assert x @ B @ y >= (x @ B).max() - TOL
        # The n-player kernel on the mixed profile agrees with the bimatrix.
        br = best_responses(g, e.strategies)
        assert br.max_gain <= 1e-8
        np.testing.assert_allclose(br.payoff, e.payoffs, atol=1e-9)
    # Every pure equilibrium of a brute force over the bimatrix is reported.
    pure = [(a, b) for a in range(len(rows)) for b in range(len(cols))
            if A[a, b] >= A[:, b].max() - TOL and B[a, b] >= B[a, :].max() - TOL]
    assert sorted((rows[a], cols[b]) for a, b in pure) == sorted(
        map(tuple, solution.pure_equilibria.tolist()))
    reported = {(float(e.supports[0][0]), float(e.supports[1][0]))
                for e in solution.equilibria if e.pure}
    for a, b in pure:
        assert (g.bid_grid[rows[a]], g.bid_grid[cols[b]]) in reported
    assert solution.rule_is_equilibrium == check_rule(g).is_equilibrium


def test_two_player_flags_a_degenerate_game():
    # The one-slot auction: trainer 1 cannot win, so both its bids are best
    # replies to trainer 0's 2. A continuum of equilibria: trainer 0 bids 2,
    # trainer 1 bids 0 with chance y <= 1/3 (else trainer 0's 1 pays
    # 1.5 y + 0.75 (1 - y) > 1). Vertex enumeration gives both extremes.
    g = BiddingGame(win_chances=[0.5], k=1, p=1.0, continuation=0.0,
                    values=[2.0, 5.0], coins=[2.0, 1.0], bid_grid=[0.0, 1.0, 2.0])
    solution = solve_two_player(g)
    assert solution.degenerate and not solution.methods_agree
    np.testing.assert_allclose(solution.A, [[1.0, 0.0], [1.5, 0.75], [1.0, 1.0]])
    found = sorted(e.strategies[1, :2].tolist() for e in solution.equilibria)
    np.testing.assert_allclose(found, [[0.0, 1.0], [1 / 3, 2 / 3]], atol=1e-9)
    for e in solution.equilibria:
        assert e.supports[0] == (2.0,)
    assert solution.pure_equilibria.tolist() == [[2, 1]]
    json.dumps(solution.to_dict())


# The report ---------------------------------------------------------------------
def test_bid_rule_report_answers_the_question():
    report = bid_rule_report(iterations=300)
    data = report.to_dict()
    json.dumps(data)                                  # plain data only
    assert [s["name"] for s in data["scenarios"]] == ["steady", "scarce"]
    scenarios = default_bidding_scenarios()
    for s in report.scenarios:
        g = scenarios[s.name][2]
        check = check_rule(g)
        np.testing.assert_allclose(s.regrets, check.regret)
        assert s.rule_is_equilibrium == check.is_equilibrium
        assert len(s.equilibrium_bids) == s.trainers == g.n
        assert all(math.isfinite(x) for x in (s.burned_rule, s.burned_equilibrium,
                                              s.mean_equilibrium_bid))
        assert s.equilibrium_converged == (s.equilibrium_regret <= 0.05)
    # Everyone matched with bids burned on failure: the rule overpays somewhere.
    steady = report.scenarios[0]
    assert not steady.rule_is_equilibrium and steady.share_best_response < 1
    assert not report.rule_is_equilibrium_everywhere


# Errors -------------------------------------------------------------------------
@pytest.mark.parametrize("changes, error, message", [
    (dict(win_chances=[0.2, 0.5]), ValueError,
     r"win_chances must be non-increasing \(owners ranked best first\), "
     r"got \[0.2, 0.5\]"),
    (dict(win_chances=[1.5]), ValueError,
     r"win_chances must be in \[0.0, 1.0\], got \[1.5\]"),
    (dict(win_chances=[]), ValueError,
     r"win_chances must be a non-empty 1-D sequence, got shape \(0,\)"),
    (dict(k=0), ValueError, "k must be >= 1, got 0"),
    (dict(k=1.5), TypeError, "k must be an integer, got 1.5"),
    (dict(p=1.2), ValueError, r"p must be a finite number in \[0.0, 1.0\], got 1.2"),
    (dict(continuation=-1), ValueError,
     r"continuation must be a finite number in \[0.0, inf\), got -1.0"),
    (dict(values=[1.0, float("nan")]), ValueError,
     r"values must be finite, got \[1.0, nan\]"),
    (dict(coins=[1.0, 2.0, 3.0]), ValueError,
     r"coins must have one entry per trainer \(2\), got 3"),
    (dict(coins=[-1.0, 1.0]), ValueError,
     r"coins must be finite and >= 0.0, got \[-1.0, 1.0\]"),
    (dict(bid_grid=[0.0, 2.0, 1.0]), ValueError,
     r"bid_grid must be strictly increasing, got \[0.0, 2.0, 1.0\]"),
    (dict(bid_grid=[1.0, 2.0], coins=[2.0, 0.5]), ValueError,
     "bid_grid must start at a bid every trainer can afford: trainer 1 has 0.5 "
     "coins, the lowest bid is 1.0; start the grid at 0"),
    (dict(values="abc"), TypeError, "values must be a sequence of real numbers"),
])
def test_game_errors_name_the_field(changes, error, message):
    with pytest.raises(error, match=message):
        game(**changes)


@pytest.mark.parametrize("profile, error, message", [
    ([0.0, 1.0], TypeError, r"profile must be integer indices into bid_grid \(use "
                            r"game.index_of to convert bid values\)"),
    ([0, 1, 2], ValueError, r"profile must have shape \(2,\).*, one grid index per "
                            r"trainer, got shape \(3,\)"),
    ([0, 3], ValueError, r"profile must hold grid indices in \[0, 2\], got \[0, 3\]"),
    ([2, 0], ValueError, "profile bids more than a trainer has: trainer 0 bids 2.0 "
                         "with 1.0 coins"),
])
def test_profile_errors(profile, error, message):
    g = game(coins=[1.0, 2.0])
    with pytest.raises(error, match=message):
        expected_utility(g, profile)
    with pytest.raises(error, match=message):
        best_responses(g, profile)


def test_other_errors():
    g = game(coins=[1.0, 2.0])
    with pytest.raises(ValueError, match=r"mixed strategies must be rows of "
                                         r"probabilities \(>= 0, summing to 1\)"):
        deviation_payoffs(g, np.array([[0.5, 0.2, 0.0], [0.0, 1.0, 0.0]]))
    with pytest.raises(ValueError, match="mixed strategies put weight on bids a "
                                         "trainer cannot afford: trainer 0 has 1.0"):
        deviation_payoffs(g, np.array([[0.5, 0.0, 0.5], [0.0, 1.0, 0.0]]))
    with pytest.raises(ValueError, match=r"mixed strategies must have shape \(2, 3\)"):
        deviation_payoffs(g, np.ones((2, 2)) / 2)
    with pytest.raises(ValueError, match=r"tol must be a finite number in "
                                         r"\[0.0, inf\), got -1.0"):
        check_rule(g, tol=-1.0)
    with pytest.raises(ValueError, match="start must be 'rule', 'zero' or a profile "
                                         "of grid indices, got 'max'"):
        best_response_dynamics(g, start="max")
    with pytest.raises(ValueError, match="iterations must be >= 1, got 0"):
        fictitious_play(g, iterations=0)
    with pytest.raises(ValueError, match=r"bids must be points of bid_grid "
                                         r"\[0.0, 1.0, 2.0\], got \[0.5\]"):
        g.index_of([0.5])
    three = game(values=[1.0] * 3, coins=[2.0] * 3)
    with pytest.raises(ValueError, match="solve_two_player needs a game of 2 "
                                         "trainers, got 3"):
        solve_two_player(three)
    with pytest.raises(ValueError, match="each trainer may have at most "
                                         "max_strategies=2 affordable bids, got 2 "
                                         "and 3"):
        solve_two_player(g, max_strategies=2)
    with pytest.raises(ValueError, match="pure_equilibria would enumerate 27 "
                                         "profiles, more than max_profiles=10"):
        pure_equilibria(three, max_profiles=10)
    with pytest.raises(ValueError, match=r"gaps must be whole numbers of versions "
                                         r">= 1, got \[1.5\]"):
        BiddingGame.from_protocol([1.5], [1.0], [0.5])
    with pytest.raises(ValueError, match=r"gaps must be finite and >= 1.0, "
                                         r"got \[0.0\]"):
        BiddingGame.from_protocol([0], [1.0], [0.5])
    with pytest.raises(ValueError, match=r"s \(win share\) must be <= \(m \+ 1\) / "
                                         r"\(2 m\) = 0.6666666666666666"):
        ranked_win_chances(3, 0.7)
    with pytest.raises(ValueError, match=r"m \(owners\) must be >= 1, got 0"):
        ranked_win_chances(0)
