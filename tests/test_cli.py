"""The command line: outputs, formats and one-line errors."""

import json

import numpy as np
import pytest

from derelayl import runs
from derelayl.io import atomic_path, write_json



@pytest.mark.parametrize("args, needle", [
    (["--participants", "1"], "--participants must be >= 2, got 1"),
    (["--k", "0"], "--k must be >= 1, got 0"),
    (["--win-share", "0"], "--win-share must be a finite number in (0.0, 1.0]"),
    (["--win-share", "1.01"], "--win-share must be"),
    (["--success", "0"], "--success must be"),
    (["--success", "2"], "--success must be"),
    (["--fee", "-0.1"], "--fee must be a finite number in [0.0, inf), got -0.1"),
    (["--reward", "-1"], "--reward must be"),
    (["--budget", "-1"], "--budget must be"),
    (["--cases", "-1"], "--cases must be >= 0, got -1"),
    (["--rounds", "0"], "--rounds must be >= 1, got 0"),
    (["--seeds", "0"], "--seeds must be >= 1, got 0"),
    (["--slots", "256"], "--slots must be in [1, 255], got 256"),
    (["--participants", "x"], "invalid int value: 'x'"),
    (["--engine", "numpy"], "invalid choice: 'numpy'"),
    (["--out", "/proc/forbidden/dir"], "--out: output directory '/proc/forbidden/dir'"),
])
def test_bad_input_is_one_line_and_status_2(args, needle, tmp_path, run_cli):
    if "--out" not in args:
        args = args + ["--out", str(tmp_path / "o")]
    code, out, err = run_cli(["simulate", *args])
    assert code == 2
    assert needle in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert not (tmp_path / "o" / "summary.json").exists()


def test_simulate_writes_documented_outputs(tmp_path, run_cli):
    out = tmp_path / "run"
    code, stdout, _ = run_cli(["simulate", "--participants", "16", "--rounds", "12",
                               "--seed", "3", "--out", str(out)])
    assert code == 0 and "supply" in stdout
    for name in ("trajectories.npz", "summary.json", "coins.png", "coins.pdf",
                 "versions.png", "versions.pdf"):
        assert (out / name).stat().st_size > 0, name
    data = np.load(out / "trajectories.npz")
    assert data["coins"].shape == (12, 16) and data["coins"].dtype == np.float64
    assert data["versions"].shape == (12, 16)
    assert np.issubdtype(data["versions"].dtype, np.integer)
    assert data["versions"].min() >= -1
    summary = json.loads((out / "summary.json").read_text())
    assert summary["parameters"]["n"] == 16 and summary["parameters"]["slots"] == 8
    for key in ("owners", "minted", "burned", "supply"):
        assert len(summary[key]) == 12
    assert len(summary["gap_shares"]) == 12 and len(summary["gap_shares"][0]) == 13
    assert summary["gap_labels"][-2:] == ["older", "none"]
    assert np.allclose(np.sum(summary["gap_shares"], axis=1), 1.0)
    assert set(summary["final_coin_quantiles"]) >= {"0.0", "0.5", "1.0"}
    assert "extinction_round" in summary
    np.testing.assert_allclose(summary["supply"], data["coins"].sum(axis=1))


def test_seeds_add_a_leading_axis_and_reference_agrees(tmp_path, run_cli):
    base = ["simulate", "--participants", "12", "--rounds", "8", "--seed", "5"]
    code, _, _ = run_cli(base + ["--seeds", "3", "--out", str(tmp_path / "b")])
    assert code == 0
    batch = np.load(tmp_path / "b" / "trajectories.npz")
    assert batch["coins"].shape == (3, 8, 12)
    summary = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert np.shape(summary["supply"]) == (3, 8)
    assert len(summary["extinction_round"]) == 3
    # Run 1 of the batch is the game of seed 6, on either engine.
    code, _, _ = run_cli(base[:-1] + ["6", "--engine", "reference", "--out",
                                      str(tmp_path / "r")])
    assert code == 0
    ref = np.load(tmp_path / "r" / "trajectories.npz")
    np.testing.assert_array_equal(ref["versions"], batch["versions"][1])
    np.testing.assert_allclose(ref["coins"], batch["coins"][1], rtol=1e-9)


def test_too_large_runs_keep_aggregates_and_say_so(tmp_path, monkeypatch, run_cli):
    monkeypatch.setattr(runs, "TRAJECTORY_LIMIT_BYTES", 1000)
    code, stdout, _ = run_cli(["simulate", "--participants", "40", "--rounds", "10",
                               "--out", str(tmp_path)])
    assert code == 0 and "note:" in stdout
    data = np.load(tmp_path / "trajectories.npz")
    assert "coins" not in data and data["final_coins"].shape == (40,)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["trajectories"] is False and "GiB" in summary["note"]


def test_reproduce_writes_both_figures_and_the_analysis(tmp_path, run_cli):
    code, stdout, _ = run_cli(["reproduce", "--out", str(tmp_path), "--seeds", "40",
                               "--supply-seeds", "4"])
    assert code == 0 and "supply after round 5000" in stdout
    for stem in ("coins_per_participant", "version_distribution"):
        for ext in ("png", "pdf"):
            assert (tmp_path / f"{stem}.{ext}").stat().st_size > 1000
    coins = np.load(tmp_path / "coins_per_participant.npz")["coins"]
    assert coins.shape == (5000, 256)
    table = np.loadtxt(tmp_path / "version_distribution.csv", delimiter=",",
                       skiprows=1)
    assert table.shape == (100, 14)
    np.testing.assert_allclose(table[:, 1:].sum(axis=1), 1.0)
    result = json.loads((tmp_path / "reproduce.json").read_text())
    assert 30 < result["owners_mean_after_100"] < 50   # m* = 39.7 (THEORY.md)
    assert result["supply_after_5000"] > result["supply_after_1000"] > 0

    # The analysis beside the figures: tables as Markdown, CSV and LaTeX.
    analysis = tmp_path / "analysis"
    for stem in ("theory_vs_simulation", "sustainability", "phase_sk", "phase_sp"):
        for ext in ("md", "csv", "tex"):
            assert (analysis / f"{stem}.{ext}").stat().st_size > 0
    for stem in ("phase_sk", "phase_sp"):
        assert (analysis / f"{stem}.png").stat().st_size > 1000
    data = json.loads((analysis / "analysis.json").read_text())
    rows = {(r[0], r[1]): r for r in data["theory_vs_simulation"]["rows"]}
    # Extinction by round 0 is exact: 1 - P(floor(s X) >= 1), X ~ Bin(4, 0.9).
    assert rows["extinction by round 0", "exact owner chain"][2] == pytest.approx(
        0.1**4 + 4 * 0.9 * 0.1**3, rel=1e-12)
    assert [r[0] for r in data["sustainability"]["rows"]] == [
        f"S{i}" for i in range(1, 8)]
    sk = {(r[0], r[1]): r for r in data["phase_sk"]["rows"]}
    assert sk[0.5, 4][2] is True and sk[0.2, 4][2] is False   # s p k = 0.72 < 1
    for stem in ("honesty", "contest", "stackelberg", "bidding"):
        assert (tmp_path / "equilibria" / f"{stem}.csv").stat().st_size > 0


def test_reproduce_figures_only(tmp_path, run_cli):
    code, stdout, _ = run_cli(["reproduce", "--out", str(tmp_path),
                               "--figures-only"])
    assert code == 0 and not (tmp_path / "analysis").exists()
    assert (tmp_path / "version_distribution.png").exists()


def test_atomic_write_keeps_old_file_on_failure(tmp_path):
    path = tmp_path / "a.json"
    write_json(path, {"v": 1})
    with pytest.raises(RuntimeError):
        with atomic_path(path) as tmp:
            tmp.write_text("partial")
            raise RuntimeError("interrupted")
    assert json.loads(path.read_text()) == {"v": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_interrupted_simulation_resumes(tmp_path):
    from derelayl_econ import ProtocolParams

    params = ProtocolParams(n=10)

    def interrupt(done):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        runs.simulate_to_dir(params, 1100, tmp_path / "a", 4, progress=interrupt)
    assert (tmp_path / "a" / "checkpoint.npz").exists()
    assert not (tmp_path / "a" / "summary.json").exists()
    done = []
    runs.simulate_to_dir(params, 1100, tmp_path / "a", 4, resume=True,
                         progress=done.append)
    assert done == [1000, 1100]            # went on from round 500
    assert not (tmp_path / "a" / "checkpoint.npz").exists()
    runs.simulate_to_dir(params, 1100, tmp_path / "b", 4)
    a, b = (np.load(tmp_path / d / "trajectories.npz") for d in "ab")
    assert a["coins"].tobytes() == b["coins"].tobytes()
    with pytest.raises(KeyboardInterrupt):
        runs.simulate_to_dir(params, 1100, tmp_path / "c", 4, progress=interrupt)
    with pytest.raises(ValueError, match="belongs to another run"):
        runs.simulate_to_dir(params, 1100, tmp_path / "c", 5, resume=True)
