"""Role utilities and the honesty games (THEORY.md sections 5 and 6)."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from derelayl_econ import (HonestyParams, ProtocolParams, estimate_role_values,
                           honesty_margins, owner_utility, solve_bimatrix,
                           trainer_owner_condition, trainer_owner_game,
                           trainer_tester_condition, trainer_tester_game,
                           trainer_utility)
from derelayl_econ import condition_holds


def test_trainer_utility_by_hand():
    # -1 - 0.5 + 0.9 (1 + 0.5 (1 + 19)) = 8.4
    u = trainer_utility(deposit=1, cost=0.5, win_chance=0.5, model_value=1,
                        continuation=19, p=0.9)
    assert float(u) == pytest.approx(8.4, abs=1e-12)
    # Exact in fractions: the function is the formula, nothing else.
    f = Fraction
    expected = -f(3, 2) - f(1, 4) + f(1, 2) * (f(2) + f(1, 3) * (f(3, 2) + 5))
    u = trainer_utility(deposit=1.5, cost=0.25, win_chance=1 / 3, model_value=2,
                        continuation=5, p=0.5)
    assert float(u) == pytest.approx(float(expected), rel=1e-14)


def test_owner_utility_by_hand_and_broadcast():
    u = owner_utility(deposit=[0.0, 0.25], win_chance=0.5, reward=1,
                      lineage_value=19, p=0.9, cost=0.01)
    np.testing.assert_allclose(u, [-0.01 + 0.45 * 20, -0.26 + 0.45 * 20.25],
                               rtol=1e-14)


@pytest.mark.parametrize("changes, message", [
    (dict(deposit=-1), "deposit must be finite and >= 0, got -1"),
    (dict(win_chance=1.5), r"win_chance must be a probability in \[0, 1\]"),
    (dict(p=float("nan")), r"p must be a probability in \[0, 1\]"),
    (dict(cost=float("inf")), "cost must be finite"),
])
def test_utility_errors_name_the_parameter(changes, message):
    args = dict(deposit=1, cost=0.5, win_chance=0.5, model_value=1,
                continuation=19, p=0.9)
    args.update(changes)
    with pytest.raises(ValueError, match=message):
        trainer_utility(**args)


def test_honesty_params_are_validated():
    with pytest.raises(ValueError, match=r"pi_LH must be a probability in \[0, 1\], "
                                         "got 1.2"):
        HonestyParams(pi_LH=1.2)
    with pytest.raises(ValueError, match="kappa must be >= 0, got -0.1"):
        HonestyParams(kappa=-0.1)


def test_default_games_have_honest_equilibria_only():
    for game in (trainer_owner_game(), trainer_tester_game()):
        assert not game.degenerate and game.agree
        assert len(game.equilibria) == 1
        assert game.has_pure("honest", "honest")


def test_a_lazy_equilibrium_when_the_bond_is_too_small():
    # No continuation value, no deposit, expensive training: lazy dominates.
    h = HonestyParams(deposit_trainer=0.0, continuation=0.0, kappa=5.0)
    game = trainer_owner_game(h)
    assert not game.has_pure("honest", "honest")
    assert all(e.row_support == ("lazy",) for e in game.equilibria)
    margins = honesty_margins(h)
    assert margins["trainer_bond"] < 0
    assert not condition_holds(trainer_owner_condition(), h)


def test_matching_pennies_has_one_mixed_equilibrium():
    sol = solve_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], ("a", "b"),
                         ("c", "d"))
    assert sol.agree and not sol.degenerate and len(sol.equilibria) == 1
    eq = sol.equilibria[0]
    np.testing.assert_allclose(eq.row, [0.5, 0.5], atol=1e-12)
    assert eq.row_support == ("a", "b") and eq.col_support == ("c", "d")


def test_degenerate_game_is_flagged():
    # The column player is indifferent: a continuum of equilibria.
    sol = solve_bimatrix([[1, 0], [0, 1]], [[1, 1], [1, 1]], ("a", "b"),
                         ("c", "d"))
    assert sol.degenerate
    for eq in sol.equilibria:
        assert eq.row @ sol.A @ eq.col >= (sol.A @ eq.col).max() - 1e-9


@pytest.mark.parametrize("A, B, message", [
    ([[1, 2]], [[1], [2]], "A and B must be matrices of one shape"),
    ([[1, float("nan")]], [[1, 2]], "payoffs must be finite"),
])
def test_bad_bimatrix_rejected(A, B, message):
    with pytest.raises(ValueError, match=message):
        solve_bimatrix(A, B, ("a",), ("c", "d"))


chance = st.floats(0.0, 1.0)
honesty = st.builds(
    HonestyParams, p=st.floats(0.05, 1.0), deposit_trainer=st.floats(0, 5),
    deposit_owner=st.floats(0, 1), kappa=st.floats(0, 5), c_owner=st.floats(0, 1),
    pi_HH=chance, pi_HS=chance, pi_LH=chance, pi_LS=chance,
    v_honest=st.floats(0, 3), v_lazy=st.floats(0, 3),
    continuation=st.floats(0, 30), reward=st.floats(0, 2),
    lineage_value=st.floats(0, 30), fee_test=st.floats(0, 1),
    test_cost=st.floats(0, 1), detection=chance, penalty=st.floats(0, 2),
    bribe=st.floats(0, 2))


@given(h=honesty)
def test_methods_agree_and_match_the_closed_form(h):
    margins = honesty_margins(h)
    for game, condition, names in (
            (trainer_owner_game(h), trainer_owner_condition(),
             ("trainer_bond", "owner")),
            (trainer_tester_game(h), trainer_tester_condition(),
             ("trainer_bond", "tester"))):
        # Every reported equilibrium is a mutual best response.
        for eq in game.equilibria:
            assert eq.row @ game.A @ eq.col >= (game.A @ eq.col).max() - 1e-9
            assert eq.row @ game.B @ eq.col >= (eq.row @ game.B).max() - 1e-9
            assert math.isclose(eq.row.sum(), 1) and math.isclose(eq.col.sum(), 1)
        if not game.degenerate:
            assert game.agree
        # Away from the boundary, sympy's condition is nashpy's verdict.
        assume(min(abs(margins[n]) for n in names) > 1e-7)
        holds = condition_holds(condition, h)
        assert holds == all(margins[n] >= 0 for n in names)
        assert holds == game.has_pure("honest", "honest")


def test_estimates_have_intervals_around_the_mean():
    est = estimate_role_values(ProtocolParams(n=64), rounds=160, seeds=4,
                               burn_in=20)
    for name in ("win_chance", "match_chance", "continuation", "miner_fee",
                 "owners"):
        mean, low, high = getattr(est, name)
        assert low <= mean <= high, name
    # Winners are floor(s X) of X trained: a share just below s.
    assert 0.4 < est.win_chance[0] <= 0.5
    # W = R sum_h 0.95^h w_{t+h} / w_t, about 19 when w is stationary.
    assert 12 < est.continuation[0] < 26
    with pytest.raises(ValueError, match="burn_in must be < rounds"):
        estimate_role_values(ProtocolParams(n=64), rounds=100, burn_in=100)
