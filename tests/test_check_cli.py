"""``derelayl check``: the seven sustainability verdicts from the command line."""

import json

import pytest

from derelayl_econ import ProtocolParams, owner_chain



def test_json_has_the_documented_keys_and_numbers(run_cli):
    code, out, _ = run_cli(["check", "--json"])
    assert code == 0
    data = json.loads(out)
    for cid in ("S1", "S2", "S3", "S4", "S5", "S6", "S7"):
        assert isinstance(data[cid]["holds"], bool)
        assert isinstance(data[cid]["margin"], float)
        assert data[cid]["holds"] == (data[cid]["margin"] > 0
                                      if data[cid]["strict"]
                                      else data[cid]["margin"] >= 0)
    # m* = s p slots / (1 + s p) = 0.45 x 128 / 1.45 at the defaults.
    assert data["owners_mean_field"] == pytest.approx(0.45 * 128 / 1.45, rel=1e-12)
    chain = owner_chain(ProtocolParams(), 100)
    assert data["extinction_probability"] == pytest.approx(chain.extinction[-1],
                                                           rel=1e-12)
    assert 39 < data["owners_stationary_mean"] < 40


def test_options_reach_the_conditions(run_cli):
    # s p k = 0.2 x 0.9 x 4 < 1: the relay is subcritical, S1 fails.
    code, out, _ = run_cli(["check", "--win-share", "0.2", "--json",
                            "--rounds", "50"])
    data = json.loads(out)
    assert code == 0 and not data["S1"]["holds"] and not data["sustainable"]
    code, out, _ = run_cli(["check", "--mining-cost", "1"])
    assert "| S5 |" in out and "FAILS" in out and "NOT sustainable" in out


def test_table_and_latex(run_cli):
    code, out, _ = run_cli(["check"])
    assert code == 0 and out.count("holds") >= 7 and out.rstrip().endswith(
        "sustainable")
    code, out, _ = run_cli(["check", "--latex"])
    assert code == 0 and "\\begin{tabular}" in out and "S7" in out


@pytest.mark.parametrize("args, needle", [
    (["--deposit-trainer", "-1"], "--deposit-trainer (b_T) must be finite and >= 0"),
    (["--success", "0"], "--success must be"),
    (["--rounds", "0"], "--rounds must be >= 1, got 0"),
    (["--extinction-bound", "2"], "--extinction-bound must be in (0, 1], got 2.0"),
    (["--json", "--latex"], "not allowed with argument"),
])
def test_bad_input_is_one_line_and_status_2(args, needle, run_cli):
    code, out, err = run_cli(["check", *args])
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1
