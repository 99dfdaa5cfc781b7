"""The ``sims/`` scripts run and write what their docstrings promise."""

import json
import runpy
import sys
from pathlib import Path

import numpy as np

SIMS = Path(__file__).resolve().parents[1] / "sims"


def run_script(name: str, argv: list[str]) -> None:
    old = sys.argv
    sys.argv = [name, *argv]
    try:
        runpy.run_path(str(SIMS / name), run_name="__main__")
    except SystemExit as stop:
        assert stop.code in (0, None), stop.code
    finally:
        sys.argv = old


def test_lineage_depth_writes_table_and_figure(tmp_path, capsys):
    run_script("lineage_depth.py", ["--sizes", "48", "64", "--rounds", "160",
                                    "--seeds", "2", "--out", str(tmp_path)])
    table = np.loadtxt(tmp_path / "lineage_depth.csv", delimiter=",", skiprows=1)
    assert table.shape == (2, 8)
    np.testing.assert_array_equal(table[:, 0], [48, 64])
    # Depths are generations back, never more than the rounds played.
    assert (table[:, 3:] >= 0).all() and (table[:, 3:] <= 160).all()
    rows = json.loads((tmp_path / "lineage_depth.json").read_text())["rows"]
    assert [r["n"] for r in rows] == [48, 64]
    for ext in ("png", "pdf"):
        assert (tmp_path / f"lineage_depth.{ext}").stat().st_size > 0
    assert "N =     48" in capsys.readouterr().out


def test_equilibrium_tables_write_markdown_and_csv(tmp_path, capsys):
    import csv

    run_script("equilibrium_tables.py", ["--out", str(tmp_path)])
    for stem in ("honesty", "honesty_grid", "bidding"):
        assert (tmp_path / f"{stem}.md").read_text().count("|---") >= 1
        with open(tmp_path / f"{stem}.csv") as f:
            rows = list(csv.DictReader(f))
        assert rows, stem
    with open(tmp_path / "honesty_grid.csv") as f:
        grid = list(csv.DictReader(f))
    # nashpy and sympy agree in every cell of the grid, and the margin's sign
    # is the verdict.
    for row in grid:
        assert row["honest_honest_nashpy"] == row["honest_honest_sympy"]
        assert (float(row["trainer_bond_margin"]) >= 0) == (
            row["honest_honest_nashpy"] == "True")


def test_theory_tables_script_runs(tmp_path, capsys):
    run_script("theory_tables.py", ["--seeds", "20", "--supply-seeds", "3",
                                    "--no-phase", "--out", str(tmp_path)])
    for stem in ("theory_vs_simulation", "sustainability"):
        for ext in ("md", "csv", "tex"):
            assert (tmp_path / f"{stem}.{ext}").stat().st_size > 0
    assert not (tmp_path / "phase_sk.csv").exists()
    assert "wrote" in capsys.readouterr().out
