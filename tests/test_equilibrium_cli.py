"""``derelayl equilibrium``: tables, JSON and one-line errors."""

import json

import pytest

from derelayl import cli


def run_cli(args, capsys):
    try:
        code = cli.main(args)
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def test_honesty_table_and_json(capsys):
    code, out, _ = run_cli(["equilibrium", "honesty"], capsys)
    assert code == 0
    assert "trainer vs owner game" in out and "trainer vs tester game" in out
    code, out, _ = run_cli(["equilibrium", "honesty", "--json"], capsys)
    report = json.loads(out)
    game = report["games"]["trainer_owner"]
    assert game["honest_honest_is_equilibrium"] and game["closed_form"]["holds"]
    assert [e["row_support"] for e in game["equilibria"]] == [["honest"]]


def test_honesty_options_reach_the_game(capsys):
    # A cheap lazy leg and no bond: the trainer shirks.
    code, out, _ = run_cli(["equilibrium", "honesty", "--json", "--kappa", "5",
                            "--continuation", "0", "--deposit-trainer", "0"],
                           capsys)
    game = json.loads(out)["games"]["trainer_owner"]
    assert code == 0 and not game["honest_honest_is_equilibrium"]
    assert game["closed_form"]["margins"]["trainer_bond"] < 0


@pytest.mark.parametrize("args, needle", [
    (["honesty", "--kappa", "-1"], "--kappa must be >= 0, got -1.0"),
    (["honesty", "--pi-hh", "3"], "--pi-hh must be a probability in [0, 1], got 3.0"),
    (["honesty", "--p", "x"], "invalid float value: 'x'"),
    (["nonsense"], "invalid choice: 'nonsense'"),
])
def test_bad_input_is_one_line_and_status_2(args, needle, capsys):
    code, out, err = run_cli(["equilibrium", *args], capsys)
    assert code == 2 and needle in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_bidding_answers_whether_the_rule_is_a_best_response(capsys):
    code, out, _ = run_cli(["equilibrium", "bidding", "--json"], capsys)
    assert code == 0
    report = json.loads(out)
    names = [sc["name"] for sc in report["scenarios"]]
    assert names == ["steady", "scarce"]
    for sc in report["scenarios"]:
        # A trainer is flagged best-responding exactly when its regret is 0.
        for regret, best in zip(sc["regrets"], sc["rule_is_best_response"]):
            assert best == (regret <= 1e-9)
        assert sc["rule_is_equilibrium"] == all(sc["rule_is_best_response"])
    code, out, _ = run_cli(["equilibrium", "bidding"], capsys)
    assert "Bid rule min(coins, t - v + 1) against equilibrium bidding" in out


@pytest.mark.parametrize("args, needle", [
    (["--k", "0"], "--k must be >= 1, got 0"),
    (["--success", "1.5"], "--success must be a finite number in [0.0, 1.0]"),
    (["--levels", "1"], "--levels must be >= 2, got 1"),
])
def test_bidding_bad_input(args, needle, capsys):
    code, out, err = run_cli(["equilibrium", "bidding", *args], capsys)
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1
