"""Relay learning on the digits, the baselines, and the files a run writes."""

import json
import math

import jax
import numpy as np
import pytest

from derelayl_econ import ProtocolParams, RelayProtocol
from derelayl_train import (
    METHODS,
    TrainConfig,
    accuracy,
    compare,
    load_params,
    nominal_schedule,
    params_hash,
    prepare,
    relay,
    run_method,
)
from derelayl_train._legs import TRACES

# A tiny problem: 6 participants (slots 3: at most 2 legs a round), 3 rounds.
CONFIG = TrainConfig(participants=6, rounds=3, widths=(8,), epochs=1, seed=1)


@pytest.fixture(scope="module")
def setup():
    return prepare(CONFIG)


@pytest.fixture(scope="module")
def results(setup):
    return compare(CONFIG)


def test_the_relay_plays_the_protocol_engine_game(results):
    # Replaying the engine with the recorded scores gives the same coins,
    # legs and winners: relay learning adds training, not rules.
    r = results["relay"]
    models = r.details["models"]
    score = {m["model"]: m["score"] for m in models}
    engine = RelayProtocol(CONFIG.protocol, seed=CONFIG.seed,
                           genesis_score=r.details["genesis_score"])
    for t in range(r.rounds):
        played = engine.play_round(lambda legs: [score[leg.model] for leg in legs])
        mine = [m for m in models if m["round"] == t]
        assert sorted(played.scores) == [m["model"] for m in mine]
        assert {m["model"] for m in mine if m["won"]} == set(played.winners)
        np.testing.assert_array_equal(engine.coins, r.details["coins"][t])
        assert played.minted == r.details["minted"][t]


def test_relay_records_add_up(setup, results):
    r = results["relay"]
    models = r.details["models"]
    leg_steps = setup.leg_steps
    assert all(m["steps"] == leg_steps[m["trainer"]] for m in models)
    assert r.gradient_steps[-1] == sum(m["steps"] for m in models)
    for t in range(r.rounds):
        mine = [m for m in models if m["round"] == t]
        winners = [m["score"] for m in mine if m["won"]]
        losers = [m["score"] for m in mine if not m["won"]]
        assert len(winners) == math.floor(CONFIG.s * len(mine))
        assert min(winners) >= max(losers, default=0.0)
        # The reported model is the round's best winner by its score on the
        # test cases; its accuracy is measured on the disjoint test set.
        best = r.details["best_model"][t]
        assert score_of(models, best) == max(winners)
        assert all(m["parent"] == 0 for m in mine) if t == 0 else True
    assert params_hash(r.final_params) in {m["hash"] for m in models}
    final = [m for m in models if m["model"] == r.details["best_model"][-1]][0]
    assert params_hash(r.final_params) == final["hash"]
    test = setup.test
    assert r.final_test_accuracy == accuracy(setup.model, r.final_params,
                                             test.x, test.y)


def score_of(models, model_id):
    return [m["score"] for m in models if m["model"] == model_id][0]


def test_test_cases_and_test_set_are_disjoint_from_training(setup):
    # The cases that rank the relay's models are held out from the test set
    # that reports every method, and both from the shards.
    def rows(x):
        return {row.tobytes() for row in np.asarray(x).reshape(len(x), -1)}
    train = set().union(*(rows(setup.shards.x[i][:n])
                          for i, n in enumerate(setup.shards.sizes)))
    cases, test = rows(setup.cases.x), rows(setup.test.x)
    assert len(setup.cases) == round(0.1 * 1797)
    assert not (cases & test) and not (cases & train) and not (test & train)


def test_every_method_learns_on_the_same_budget(results):
    steps = results["relay"].gradient_steps
    assert list(results) == list(METHODS)
    for method, r in results.items():
        np.testing.assert_array_equal(r.gradient_steps, steps, err_msg=method)
        assert r.initial_test_accuracy == results["relay"].initial_test_accuracy
        assert r.final_test_accuracy > r.initial_test_accuracy + 0.1, method
    assert results["central"].final_test_accuracy > 0.5
    assert results["fedavg"].details["budget"] == "relay"
    assert results["cyclic"].details["legs"].sum() >= results["relay"].rounds


def test_same_seed_same_bits_and_no_recompilation(setup, results):
    before = TRACES.copy()
    again = run_method(CONFIG, "relay", setup=setup)
    first = results["relay"]
    assert TRACES == before
    assert [m["hash"] for m in again.details["models"]] == \
        [m["hash"] for m in first.details["models"]]
    np.testing.assert_array_equal(again.test_accuracy, first.test_accuracy)
    schedule = first.steps_per_round
    fed = run_method(CONFIG, "fedavg", setup=setup, schedule=schedule)
    assert params_hash(fed.final_params) == \
        params_hash(results["fedavg"].final_params)


def test_extinction_ends_the_relay_and_the_comparison(setup):
    # With s = 0.1 no round can have a winner (floor(0.1 x 2) = 0).
    dead = CONFIG.replace(s=0.1)
    r = relay(setup, dead.protocol, 3, jax.random.key(0), seed=1)
    assert r.details["extinct_round"] == 0 and r.rounds == 1
    assert r.test_accuracy.tolist() == [r.initial_test_accuracy]
    local = run_method(dead, "local", setup=setup, schedule=r.steps_per_round)
    assert local.rounds == 1 and local.gradient_steps[-1] == r.gradient_steps[-1]


def test_nominal_schedule_by_hand(setup):
    # s p = 0.45, slots 3: m* = 1.35 / 1.45; legs = 0.9 min(4 m*, 3 - m*).
    owners = 0.45 * 3 / 1.45
    legs = 0.9 * min(4 * owners, 3 - owners)
    expected = round(legs * setup.leg_steps.mean())
    assert nominal_schedule(setup, CONFIG.protocol, 4).tolist() == [expected] * 4
    r = run_method(CONFIG, "central", setup=setup)
    assert r.details["budget"] == "nominal"
    assert r.gradient_steps.tolist() == [expected * (t + 1) for t in range(3)]


def test_files_written_by_a_run(tmp_path, results):
    from derelayl.training import compare_to_dir, train_to_dir

    record = train_to_dir(CONFIG, tmp_path / "relay", "relay")
    files = sorted(p.name for p in (tmp_path / "relay").iterdir())
    assert files == ["coins.csv", "metrics.csv", "metrics.json", "model.npz"]
    written = json.loads((tmp_path / "relay" / "metrics.json").read_text())
    assert written == record
    for key in ("method", "test_accuracy", "final_test_accuracy", "gradient_steps",
                "final_coins", "models", "config"):
        assert key in written
    assert written["test_accuracy"] == results["relay"].test_accuracy.tolist()
    assert params_hash(load_params(tmp_path / "relay" / "model.npz")) == \
        written["final_model_hash"]
    coins = np.loadtxt(tmp_path / "relay" / "coins.csv", delimiter=",", skiprows=1)
    assert coins.shape == (written["rounds"], 1 + CONFIG.participants)
    summary = compare_to_dir(CONFIG, tmp_path / "cmp")
    assert summary["final_test_accuracy"] == {
        m: r.final_test_accuracy for m, r in results.items()}
    assert sorted(p.name for p in (tmp_path / "cmp").iterdir()) == [
        "accuracy.pdf", "accuracy.png", "compare.csv", "compare.json"]
    table = np.loadtxt(tmp_path / "cmp" / "compare.csv", delimiter=",", skiprows=1)
    assert table.shape == (results["relay"].rounds, 1 + 2 * len(METHODS))


@pytest.mark.parametrize("changes, error, message", [
    (dict(participants=1), ValueError, "participants must be an integer >= 2, got 1"),
    (dict(alpha=0.0), ValueError, r"alpha must be a finite number > 0 \(or None for "
                                  r"IID\), got 0.0"),
    (dict(test_fraction=0.0), ValueError, r"test_fraction must be a number in \(0, "
                                          r"1\), got 0.0"),
    (dict(model="rnn"), ValueError, r"model must be one of \('mlp', 'cnn'\)"),
    (dict(epochs=0), ValueError, "epochs must be an integer >= 1, got 0"),
    (dict(k=0), ValueError, "k must be >= 1, got 0"),
    (dict(slots=6), ValueError, r"slots must be in \[1, 5\], got 6"),
    (dict(seed=-1), ValueError, r"seed must be an integer in \[0, 2\*\*63\)"),
    (dict(data=3), TypeError, "data must be 'digits' or a path, got 3"),
])
def test_bad_configurations_are_named(changes, error, message):
    with pytest.raises(error, match=message):
        CONFIG.replace(**changes)


def test_bad_method_and_mismatched_economy(setup, tmp_path):
    with pytest.raises(ValueError, match=r"method must be one of \('relay', "
                                         r"'fedavg', 'central', 'local', 'cyclic'\), "
                                         r"got 'sgd'"):
        run_method(CONFIG, "sgd", setup=setup)
    with pytest.raises(ValueError, match=r"protocol.n must equal the number of "
                                         r"shards \(6\), got 8"):
        relay(setup, ProtocolParams(n=8), 2, None)
    with pytest.raises(ValueError, match="data file .* is not a readable .npz file"):
        prepare(CONFIG.replace(data=str(tmp_path / "missing.npz")))
