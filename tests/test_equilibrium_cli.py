"""``derelayl equilibrium``: tables, JSON and one-line errors."""

import json

import pytest




def test_honesty_table_and_json(run_cli):
    code, out, _ = run_cli(["equilibrium", "honesty"])
    assert code == 0
    assert "trainer vs owner game" in out and "trainer vs tester game" in out
    code, out, _ = run_cli(["equilibrium", "honesty", "--json"])
    report = json.loads(out)
    game = report["games"]["trainer_owner"]
    assert game["honest_honest_is_equilibrium"] and game["closed_form"]["holds"]
    assert [e["row_support"] for e in game["equilibria"]] == [["honest"]]


def test_honesty_options_reach_the_game(run_cli):
    # A cheap lazy leg and no bond: the trainer shirks.
    code, out, _ = run_cli(["equilibrium", "honesty", "--json", "--kappa", "5",
                            "--continuation", "0", "--deposit-trainer", "0"])
    game = json.loads(out)["games"]["trainer_owner"]
    assert code == 0 and not game["honest_honest_is_equilibrium"]
    assert game["closed_form"]["margins"]["trainer_bond"] < 0


@pytest.mark.parametrize("args, needle", [
    (["honesty", "--kappa", "-1"], "--kappa must be >= 0, got -1.0"),
    (["honesty", "--pi-hh", "3"], "--pi-hh must be a probability in [0, 1], got 3.0"),
    (["honesty", "--p", "x"], "invalid float value: 'x'"),
    (["nonsense"], "invalid choice: 'nonsense'"),
])
def test_bad_input_is_one_line_and_status_2(args, needle, run_cli):
    code, out, err = run_cli(["equilibrium", *args])
    assert code == 2 and needle in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_bidding_answers_whether_the_rule_is_a_best_response(run_cli):
    code, out, _ = run_cli(["equilibrium", "bidding", "--json"])
    assert code == 0
    report = json.loads(out)
    names = [sc["name"] for sc in report["scenarios"]]
    assert names == ["steady", "scarce"]
    for sc in report["scenarios"]:
        # A trainer is flagged best-responding exactly when its regret is 0.
        for regret, best in zip(sc["regrets"], sc["rule_is_best_response"]):
            assert best == (regret <= 1e-9)
        assert sc["rule_is_equilibrium"] == all(sc["rule_is_best_response"])
    code, out, _ = run_cli(["equilibrium", "bidding"])
    assert "Bid rule min(coins, t - v + 1) against equilibrium bidding" in out


@pytest.mark.parametrize("args, needle", [
    (["--k", "0"], "--k must be >= 1, got 0"),
    (["--success", "1.5"], "--success must be a finite number in [0.0, 1.0]"),
    (["--levels", "1"], "--levels must be >= 2, got 1"),
])
def test_bidding_bad_input(args, needle, run_cli):
    code, out, err = run_cli(["equilibrium", "bidding", *args])
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1


def test_contest_json_has_efforts_and_active_in_input_order(run_cli):
    # Costs (3, 1, 2), V = 10: the cost-3 trainer stays inactive (3 >= 6 / 2);
    # the others form A = {1, 2}, C_A = 3, E = V / 3, e_i = E (1 - c_i / 3).
    code, out, _ = run_cli(["equilibrium", "contest", "--costs", "3,1,2",
                            "--prize", "10", "--json"])
    assert code == 0
    report = json.loads(out)
    assert report["active"] == [False, True, True]
    E = 10 / 3
    assert report["efforts"] == pytest.approx([0.0, E * 2 / 3, E / 3], rel=1e-12)
    assert report["iteration"]["converged"]
    assert report["iteration"]["max_difference"] < 1e-8


def test_contest_prize_defaults_to_the_deposit_enlarged_prize(run_cli):
    code, out, _ = run_cli(["equilibrium", "contest", "--json", "--deposit", "2",
                            "--continuation", "8", "--win-share", "0.25"])
    assert json.loads(out)["prize"] == pytest.approx(0.25 * 4 * (2 + 8))


def test_stackelberg_closed_form_and_cvxpy_agree(run_cli):
    code, out, _ = run_cli(["equilibrium", "stackelberg", "--json", "--costs",
                            "1,2,4,8", "--lam", "5", "--gamma", "0.5"])
    assert code == 0
    report = json.loads(out)
    for form in ("prize", "prices"):
        assert report[form]["agree"] and report[form]["max_rel_diff"] < 1e-6
    # Prize: V* = lam / gamma - C_A / (|A| - 1); A = {1, 2} here (4 >= 3 / 1).
    assert report["prize"]["closed"]["prize"] == pytest.approx(10 - 3, rel=1e-12)


@pytest.mark.parametrize("args, needle", [
    (["contest", "--costs", "1,-2"], "--costs must be finite and > 0"),
    (["contest", "--costs", "a"], "expected numbers separated by commas"),
    (["contest", "--prize", "-1"], "--prize"),
    (["stackelberg", "--gamma", "0"], "--gamma (leader's cost per coin of prize) "
                                      "must be > 0, got 0.0"),
    (["stackelberg", "--lam", "nan"], "--lam"),
])
def test_contest_and_stackelberg_bad_input(args, needle, run_cli):
    code, out, err = run_cli(["equilibrium", *args])
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1
