"""Sustainability conditions S1..S7 (THEORY.md section 7)."""

import json
import math

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from derelayl_econ import (
    HONESTY_SYMBOLS,
    SUSTAINABILITY_SYMBOLS,
    EconomicParams,
    HonestyParams,
    ProtocolParams,
    check_sustainability,
    condition_expressions,
    honesty_margins,
    selection_intensity,
    supply_model,
    trainer_owner_condition,
    trainer_owner_game,
)

IDS = [f"S{i}" for i in range(1, 8)]
M_STAR = 1152 / 29            # 0.45 * 128 / 1.45


@pytest.fixture(scope="module")
def defaults():
    return check_sustainability(ProtocolParams())


# Hand-solved: the paper's defaults --------------------------------------------
def test_every_condition_holds_at_the_defaults(defaults):
    assert defaults.sustainable
    margins = {key: c.margin for key, c in defaults.conditions.items()}
    b_t = 29 / 9                # 1/q + s, q = 0.9 * 2560/29 / (6272/29) = 0.3673
    assert defaults.econ.deposit_trainer == pytest.approx(b_t, rel=1e-12)
    expected = {
        "S1": 0.05 - defaults.extinction_probability,        # < s p k - 1 = 0.8
        "S2": -b_t - 0.5 + 0.9 * (1 + 0.5 * (b_t + 19)),
        "S3": 0.9 * 0.3 * (b_t + 19) + 0.9 * 0.5 - 0.5,
        "S4": 0.45 * (0.00025 + 1) - 0.00025,
        "S5": 0.001 * (2560 / 29 * (1 + 0.9 * 3 + 0.9 * 100) + 100) / 128 - 0.001,
        "S6": 1 + math.sqrt(2 / math.pi),
        "S7": M_STAR / 2,        # R m* / 2: the supply grows like 19.86 T^2
    }
    assert margins == pytest.approx(expected, rel=1e-12)
    assert defaults.extinction_probability == pytest.approx(0.005611, abs=1e-6)
    assert defaults.owners_mean_field == pytest.approx(M_STAR, rel=1e-15)
    assert defaults.owners_stationary_mean == pytest.approx(39.5517, abs=1e-4)
    assert defaults.conditions["S1"].details["extinction_round0"] == pytest.approx(
        0.0037, abs=1e-15)
    details = defaults.conditions["S7"].details
    assert details["conservation_exact"] and details["growth"] == "quadratic"
    assert details["relative_inflation_limit"] == "0"


def test_defaults_of_the_economic_parameters():
    econ = EconomicParams().resolve(ProtocolParams())
    assert econ.deposit_owner == pytest.approx(0.00025, rel=1e-15)
    assert (econ.win_chance, econ.lazy_win_chance) == (0.5, pytest.approx(0.2))
    assert (econ.continuation, econ.lineage_value, econ.mining_cost) == (19.0, 19.0,
                                                                        0.001)
    # Given values are kept.
    econ = EconomicParams(deposit_trainer=1.0, win_chance=0.4).resolve(
        ProtocolParams())
    assert (econ.deposit_trainer, econ.win_chance, econ.lazy_win_chance) == (
        1.0, 0.4, pytest.approx(0.16))


@pytest.mark.parametrize("failing, params, econ, kwargs", [
    ("S1", dict(p=0.2), {}, {}),                           # s p k = 0.4 < 1
    ("S1", {}, {}, dict(extinction_bound=0.005)),          # 0.0056 > bound
    ("S2", {}, dict(training_cost=30.0), {}),
    ("S3", {}, dict(lazy_win_chance=0.5, lazy_model_value=1.0), {}),  # -kappa
    ("S4", dict(budget=100.0), {}, {}),                    # b_M = 25 > 9/11
    ("S5", {}, dict(mining_cost=1.0), {}),
    ("S6", dict(mu=-5.0), {}, {}),
    ("S7", dict(reward=0.0), {}, {}),                      # burns exceed fees
])
def test_a_point_where_each_condition_fails(failing, params, econ, kwargs):
    report = check_sustainability(ProtocolParams(**params), EconomicParams(**econ),
                                  **kwargs)
    assert not report.conditions[failing].holds
    assert not report.sustainable
    assert report.conditions[failing].margin <= 0


def test_s3_margin_is_the_honesty_game_margin(defaults):
    econ = defaults.econ
    h = HonestyParams(p=0.9, deposit_trainer=econ.deposit_trainer, kappa=0.5,
                      pi_HH=0.5, pi_LH=0.2, continuation=19.0)
    margin = defaults.conditions["S3"].margin
    assert margin == pytest.approx(honesty_margins(h)["trainer_bond"], rel=1e-15)
    game = trainer_owner_game(h)
    assert game.A[0, 0] - game.A[1, 0] == pytest.approx(margin, rel=1e-12)


def test_s3_expression_is_the_honesty_game_trainer_condition():
    s = SUSTAINABILITY_SYMBOLS
    back = {s["p"]: HONESTY_SYMBOLS["p"], s["pi_H"]: HONESTY_SYMBOLS["pi_HH"],
            s["pi_L"]: HONESTY_SYMBOLS["pi_LH"],
            s["b_T"]: HONESTY_SYMBOLS["deposit_trainer"],
            s["W"]: HONESTY_SYMBOLS["continuation"],
            s["v_H"]: HONESTY_SYMBOLS["v_honest"], s["v_L"]: HONESTY_SYMBOLS["v_lazy"],
            s["kappa"]: HONESTY_SYMBOLS["kappa"]}
    game = trainer_owner_condition()
    assert condition_expressions()["S3"].xreplace(back) in game.args


def test_supply_model_is_conservative_and_deflating():
    model = supply_model()
    assert model["residual"] == 0
    assert model["limit"] == 0
    sym = model["symbols"]
    T = sym["T"]
    assert sp.expand(model["supply"].subs({sym["F"]: 0, sym["beta"]: 0})
                     - SUSTAINABILITY_SYMBOLS["R"] * sym["w"] * (T**2 + 3 * T) / 2) == 0


def test_selection_intensity_values():
    assert selection_intensity(0.5) == pytest.approx(math.sqrt(2 / math.pi),
                                                     rel=1e-14)
    assert selection_intensity(1.0) == 0.0
    assert selection_intensity(0.1) == pytest.approx(1.7549833193248680, rel=1e-12)


# Properties -------------------------------------------------------------------
@st.composite
def points(draw):
    n = draw(st.integers(8, 64))
    params = ProtocolParams(
        n=n, k=draw(st.integers(1, 6)), s=draw(st.floats(0.05, 1.0)),
        p=draw(st.floats(0.05, 1.0)), mu=draw(st.floats(-3, 3)),
        sigma=draw(st.floats(0, 3)), reward=draw(st.floats(0, 3)),
        budget=draw(st.floats(0, 5)), fee=draw(st.floats(0, 0.01)))
    money = st.floats(0, 30)
    econ = EconomicParams(
        deposit_trainer=draw(st.none() | money), deposit_owner=draw(st.none() | money),
        training_cost=draw(money), model_value=draw(st.floats(-5, 5)),
        lazy_model_value=draw(st.floats(-5, 5)),
        win_chance=draw(st.none() | st.floats(0, 1)),
        lazy_win_chance=draw(st.none() | st.floats(0, 1)),
        continuation=draw(money), lineage_value=draw(money),
        mining_cost=draw(st.floats(0, 0.2)))
    return params, econ, draw(st.floats(0.01, 0.99))


@given(points())
def test_margins_agree_with_verdicts_and_expressions(point):
    params, econ, bound = point
    report = check_sustainability(params, econ, rounds=20, extinction_bound=bound)
    values = report.symbol_values()
    for key, c in report.conditions.items():
        assert c.holds == (c.margin > 0 if c.strict else c.margin >= 0)
        if abs(c.margin) < 1e-9:       # the verdict of a tie is float noise
            continue
        truth = c.expression.subs(values)
        if key == "S7":
            truth = truth.doit()
        assert bool(truth) == c.holds, key
        if key in ("S2", "S3", "S4", "S5", "S6"):
            side = float((c.expression.lhs - c.expression.rhs).subs(values))
            assert side == pytest.approx(c.margin, rel=1e-9, abs=1e-12), key


@given(points())
def test_report_is_json_ready(point):
    params, econ, bound = point
    report = check_sustainability(params, econ, rounds=5, extinction_bound=bound)
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    for key in IDS:
        assert {"holds", "margin", "statement", "latex"} <= set(data[key])
    assert {"owners_mean_field", "owners_stationary_mean",
            "extinction_probability", "sustainable"} <= set(data)


def test_to_dict_and_latex(defaults):
    data = defaults.to_dict()
    assert all(data[key]["holds"] is True for key in IDS)
    assert data["extinction_probability"] == defaults.extinction_probability
    assert data["econ"]["deposit_trainer"] == pytest.approx(29 / 9)
    latex = defaults.to_latex()
    assert latex.startswith(r"\begin{tabular}") and latex.endswith(r"\end{tabular}")
    for key in IDS:
        assert f"{key} & $" in latex
    assert r"\epsilon" in latex and r"\kappa" in latex


# Errors -----------------------------------------------------------------------
@pytest.mark.parametrize("changes, error, message", [
    (dict(deposit_trainer=-1), ValueError,
     r"deposit_trainer \(b_T\) must be finite and >= 0 or None, got -1.0"),
    (dict(win_chance=1.5), ValueError,
     r"win_chance \(pi_H\) must be a probability in \[0, 1\] or None, got 1.5"),
    (dict(training_cost=float("nan")), ValueError,
     r"training_cost \(kappa\) must be finite and >= 0, got nan"),
    (dict(model_value=float("inf")), ValueError,
     r"model_value \(v_H\) must be finite, got inf"),
    (dict(continuation="19"), TypeError,
     r"continuation \(W\) must be a real number, got '19'"),
    (dict(mining_cost=True), TypeError, r"mining_cost \(c_m\) must be a real number"),
    (dict(deposit_owner=None, training_cost=None), TypeError,
     r"training_cost \(kappa\) must be a real number, got None"),
])
def test_economic_params_are_validated(changes, error, message):
    with pytest.raises(error, match=message):
        EconomicParams(**changes)


@pytest.mark.parametrize("call, error, message", [
    (lambda: check_sustainability({"n": 256}), TypeError,
     "params must be a ProtocolParams"),
    (lambda: check_sustainability(ProtocolParams(), HonestyParams()), TypeError,
     "econ must be an EconomicParams or None"),
    (lambda: check_sustainability(ProtocolParams(), rounds=0), ValueError,
     "rounds must be an integer >= 1, got 0"),
    (lambda: check_sustainability(ProtocolParams(), extinction_bound=1.0), ValueError,
     r"extinction_bound must be a number in \(0, 1\), got 1.0"),
    (lambda: selection_intensity(0.0), ValueError,
     r"s must be a number in \(0, 1\], got 0.0"),
    (lambda: EconomicParams().resolve("defaults"), TypeError,
     "params must be a ProtocolParams"),
])
def test_check_errors_name_the_parameter(call, error, message):
    with pytest.raises(error, match=message):
        call()
