"""``derelayl train``: outputs, formats and one-line errors."""

import csv
import json

import numpy as np
import pytest




SMALL = ["--participants", "6", "--rounds", "2", "--widths", "8", "--epochs", "1",
         "--seed", "1"]


def test_train_relay_writes_metrics_and_coins(tmp_path, run_cli):
    code, out, _ = run_cli(["train", *SMALL, "--out", str(tmp_path)])
    assert code == 0 and "relay: final test accuracy" in out
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["method"] == "relay" and len(metrics["test_accuracy"]) == 2
    assert metrics["final_test_accuracy"] == metrics["test_accuracy"][-1]
    assert metrics["gradient_steps"] == sorted(metrics["gradient_steps"])
    with open(tmp_path / "metrics.csv") as f:
        rows = list(csv.DictReader(f))
    assert [float(r["test_accuracy"]) for r in rows] == pytest.approx(
        metrics["test_accuracy"])
    coins = np.loadtxt(tmp_path / "coins.csv", delimiter=",", skiprows=1, ndmin=2)
    assert coins.shape[0] == 2 and (coins >= 0).all()


def test_train_compare_writes_every_method_and_the_figure(tmp_path, run_cli):
    code, out, _ = run_cli(["train", *SMALL, "--compare", "--alpha", "0.5",
                            "--out", str(tmp_path)])
    assert code == 0
    summary = json.loads((tmp_path / "compare.json").read_text())
    methods = ("relay", "fedavg", "central", "local", "cyclic")
    assert set(summary["final_test_accuracy"]) == set(methods)
    # Every method spent the relay's gradient steps.
    assert len(set(summary["gradient_steps"].values())) == 1
    for ext in ("png", "pdf"):
        assert (tmp_path / f"accuracy.{ext}").stat().st_size > 1000
    header = (tmp_path / "compare.csv").read_text().splitlines()[0]
    assert all(f"{m}_test_accuracy" in header for m in methods)


def test_user_data_from_npz(tmp_path, run_cli):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 5)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    np.savez(tmp_path / "d.npz", x=x, y=y)
    code, out, err = run_cli(["train", *SMALL, "--data", str(tmp_path / "d.npz"),
                              "--method", "central", "--out", str(tmp_path / "o")])
    assert code == 0, err
    assert json.loads((tmp_path / "o" / "metrics.json").read_text())[
        "method"] == "central"


@pytest.mark.parametrize("args, needle", [
    (["--batch-size", "0"], "--batch-size must be an integer >= 1, got 0"),
    (["--win-share", "2"], "--win-share must be a finite number in (0.0, 1.0]"),
    (["--cases-fraction", "0.9"], "--cases-fraction must be a number in (0, 1 - "
                                  "test_fraction)"),
    (["--method", "sgd"], "invalid choice: 'sgd'"),
    (["--widths", "a"], "expected integers separated by commas"),
    (["--data", "/nonexistent.npz"], "--data: data file '/nonexistent.npz'"),
])
def test_bad_input_is_one_line_and_status_2(args, needle, tmp_path, run_cli):
    code, out, err = run_cli(["train", *args, "--out", str(tmp_path)])
    assert code == 2 and needle in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_malformed_npz_is_rejected(tmp_path, run_cli):
    np.savez(tmp_path / "bad.npz", x=np.full((10, 3), np.nan), y=np.zeros(10))
    code, out, err = run_cli(["train", "--data", str(tmp_path / "bad.npz"),
                              "--out", str(tmp_path / "o")])
    assert code == 2 and "--data" in err and ("NaN" in err or "finite" in err)
