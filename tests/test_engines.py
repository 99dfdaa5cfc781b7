"""The two protocol engines: agreement, invariants and corner cases."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from derelayl_econ import ProtocolParams, Records, run_jax, run_reference

EXACT = ("owners", "matched", "trained", "winners", "lineage_depth",
         "gap_counts", "versions", "final_versions", "coins", "final_coins")
# Sums over participants or pairs, whose order of additions differs.
MONEY = ("minted", "burned", "supply")


def assert_same_game(a: Records, b: Records) -> None:
    for name in EXACT:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name),
                                      err_msg=name)
    for name in MONEY:
        np.testing.assert_allclose(getattr(a, name), getattr(b, name),
                                   rtol=1e-9, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(a.best_theta, b.best_theta, rtol=1e-12,
                               atol=1e-12, equal_nan=True)


def assert_invariants(params: ProtocolParams, rec: Records) -> None:
    # Coin conservation, every round: balances == minted - burned.
    np.testing.assert_allclose(rec.supply, np.cumsum(rec.minted - rec.burned),
                               rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(rec.coins.sum(axis=1), rec.supply, rtol=1e-12,
                               atol=1e-12)
    assert (rec.coins >= 0).all()
    # Next round's owners are this round's winners' trainers.
    np.testing.assert_array_equal(rec.owners[1:], rec.winners[:-1])
    assert rec.owners[0] == 1
    # Newest versions never decrease; a version is at most the round + 1.
    assert (np.diff(rec.versions, axis=0) >= 0).all()
    assert (rec.versions <= np.arange(1, rec.rounds + 1)[:, None]).all()
    # Counts: matched <= k * owners, trained <= matched, winners rule.
    assert (rec.matched <= params.k * rec.owners).all()
    assert (rec.matched <= params.slots - rec.owners).all()
    assert (rec.trained <= rec.matched).all()
    np.testing.assert_array_equal(
        rec.winners, [math.floor(params.s * x) for x in rec.trained])
    assert (rec.gap_counts.sum(axis=1) == params.n).all()
    # Minted: fees plus R (t + 2) per winner (THEORY.md section 3).
    t = np.arange(rec.rounds)
    fees = params.fee * (rec.matched + 3 * rec.trained + params.cases
                         + params.cases * rec.trained)
    np.testing.assert_allclose(rec.minted,
                               fees + params.reward * rec.winners * (t + 2),
                               rtol=1e-9, atol=1e-12)


small_params = st.builds(
    lambda n, slots_frac, k, s, p, mu, sigma, reward, budget, fee, cases:
    ProtocolParams(n=n, slots=max(1, min(n - 1, round(slots_frac * n))), k=k,
                   s=s, p=p, mu=mu, sigma=sigma, reward=reward, budget=budget,
                   fee=fee, cases=cases),
    n=st.integers(2, 24),
    slots_frac=st.floats(0.0, 1.0),
    k=st.integers(1, 5),
    s=st.sampled_from([1.0, 0.75, 0.5, 0.3]),
    p=st.sampled_from([1.0, 0.9, 0.5, 0.2]),
    mu=st.sampled_from([1.0, 0.0, -0.5]),
    sigma=st.sampled_from([1.0, 0.0, 2.5]),
    reward=st.sampled_from([1.0, 0.0, 0.37]),
    budget=st.sampled_from([0.001, 0.0, 5.0]),
    fee=st.sampled_from([0.001, 0.0, 0.25]),
    cases=st.sampled_from([100, 0, 7]),
)


@given(params=small_params, rounds=st.integers(1, 30),
       seed=st.integers(0, 2**31 - 1))
def test_engines_agree_and_keep_invariants(params, rounds, seed):
    ref = run_reference(params, rounds, seed=seed)
    jx = run_jax(params, rounds, seed=seed)
    assert_same_game(ref, jx)
    assert_invariants(params, ref)
    assert_invariants(params, jx)


@pytest.mark.parametrize("sizes", [(2, 1, 2, 1, 1), (2, 2, 2, 2, 8), (3, 4, 5, 1, 2),
                                   (8, 200, 24, 300, 300)])
def test_lineage_buffers_never_change_results(sizes):
    # Tiny buffers overflow and are regrown; the game stays the same.
    params = ProtocolParams(n=40)
    ref = run_reference(params, 60, seed=7)
    assert ref.lineage_depth.max() > 8
    assert_same_game(ref, run_jax(params, 60, seed=7, lineage_sizes=sizes))


def test_paper_settings_agree_over_100_rounds():
    params = ProtocolParams()
    ref = run_reference(params, 100, seed=42)
    jx = run_jax(params, 100, seed=42)
    assert_same_game(ref, jx)
    assert_invariants(params, jx)
    assert ref.owners[-1] > 20


def test_hand_computed_first_rounds():
    # Two trainers, one owner at a time, every leg succeeds, all models win.
    params = ProtocolParams(n=4, slots=2, k=1, s=1.0, p=1.0, sigma=0.0)
    rec = run_reference(params, 3, seed=0)
    np.testing.assert_array_equal(rec.owners, [1, 1, 1])
    np.testing.assert_array_equal(rec.winners, [1, 1, 1])
    # Round 0: the owner (participant 0) earns R for the winner and R for
    # genesis; the four blocks earn fee * (1 + 1 + (100 + 1) + (1 + 100)).
    assert rec.coins[0, 0] == pytest.approx(2.0)
    assert rec.supply[0] == pytest.approx(2.0 + 0.001 * 204)
    np.testing.assert_allclose(rec.minted, [2.204, 3.204, 4.204])
    np.testing.assert_array_equal(rec.burned, [0.0, 0.0, 0.0])
    # Every round's model is one version newer; theta grows by mu exactly.
    np.testing.assert_array_equal(rec.versions.max(axis=1), [1, 2, 3])
    np.testing.assert_array_equal(rec.best_theta, [1.0, 2.0, 3.0])
    assert_same_game(rec, run_jax(params, 3, seed=0))


def test_failed_legs_burn_both_deposits():
    # Coins come from fees only at first; deposits need coins, so take the
    # first seed (of a fixed list) whose relay lives long enough to burn.
    params = ProtocolParams(n=30, p=0.5, budget=5.0)
    for seed in range(20):
        rec = run_reference(params, 40, seed=seed)
        if rec.burned.sum() > 0:
            break
    assert rec.burned.sum() > 0
    # Burned == deposits of pairs that failed or lost: both deposits each.
    assert (rec.burned[rec.matched == rec.winners] == 0).all()
    assert_invariants(params, rec)
    assert_same_game(rec, run_jax(params, 40, seed=seed))


def test_owners_with_fewer_than_k_trainers():
    # Trainer-limited: slots - owners < k * owners leaves some owners short.
    params = ProtocolParams(n=40, slots=12, k=4, s=1.0, p=1.0)
    rec = run_reference(params, 10, seed=1)
    assert (rec.matched < params.k * rec.owners).any()
    np.testing.assert_array_equal(
        rec.matched, np.minimum(params.k * rec.owners, params.slots - rec.owners))
    assert_same_game(rec, run_jax(params, 10, seed=1))


def test_one_miner_takes_every_block():
    # With n - slots == 1 the four independent draws all hit the same miner.
    params = ProtocolParams(n=5, slots=4, k=3, s=1.0, p=1.0, reward=0.0,
                            budget=0.0, cases=0)
    rec = run_reference(params, 1, seed=0)
    miner = np.flatnonzero(rec.coins[0] > 0)
    assert len(miner) == 1
    assert rec.coins[0, miner[0]] == pytest.approx(0.001 * (3 + 3 * 3))
    assert_same_game(rec, run_jax(params, 1, seed=0))


def test_extinction_is_an_outcome():
    params = ProtocolParams(n=20, s=0.3, p=0.2)
    rec = run_reference(params, 12, seed=0)
    assert rec.extinction_round == 0
    assert (rec.owners[1:] == 0).all() and (rec.matched[1:] == 0).all()
    # Afterwards only the testing fee moves coins.
    np.testing.assert_allclose(rec.minted[1:], params.fee * params.cases)
    np.testing.assert_allclose(np.diff(rec.supply), params.fee * params.cases)
    assert_same_game(rec, run_jax(params, 12, seed=0))


def test_survival_has_no_extinction_round():
    rec = run_jax(ProtocolParams(), 50, seed=42)
    assert rec.extinction_round is None


def test_ties_in_bids_are_shuffled_by_the_seed():
    # In round 0 every trainer has 0 coins and bids 0: matching is pure tie.
    params = ProtocolParams(n=64, k=2)
    firsts = {tuple(np.flatnonzero(run_reference(params, 1, seed=s).versions[0]
                                   == 1)) for s in range(4)}
    assert len(firsts) > 1


def test_seed_batch_matches_single_runs():
    params = ProtocolParams(n=32)
    batch = run_jax(params, 40, seed=10, seeds=3)
    assert batch.coins.shape == (3, 40, 32)
    assert batch.versions.shape == (3, 40, 32)
    for i in range(3):
        one = run_jax(params, 40, seed=10 + i)
        assert_same_game(batch.seed(i), one)


def test_aggregates_only_matches_full():
    params = ProtocolParams(n=50)
    full = run_jax(params, 30, seed=2)
    agg = run_jax(params, 30, seed=2, full=False)
    assert agg.coins is None and agg.versions is None
    for name in set(EXACT) - {"coins", "versions"}:
        np.testing.assert_array_equal(getattr(full, name), getattr(agg, name))
    np.testing.assert_array_equal(agg.final_coins, full.coins[-1])


def test_same_seed_same_bits():
    params = ProtocolParams(n=64)
    a, b = run_jax(params, 25, seed=9), run_jax(params, 25, seed=9)
    assert a.coins.tobytes() == b.coins.tobytes()
    assert a.versions.tobytes() == b.versions.tobytes()


def test_no_recompile_for_same_shapes():
    from derelayl_econ import _jax_engine

    params = ProtocolParams(n=48)
    run_jax(params, 20, seed=1)
    before = _jax_engine._run_chunk._cache_size()
    run_jax(params.replace(p=0.7, s=0.6, k=3, fee=0.01), 20, seed=2)
    assert _jax_engine._run_chunk._cache_size() == before


@pytest.mark.parametrize("engine", [run_jax, run_reference])
@pytest.mark.parametrize("rounds", [0, -3, 2.5, True])
def test_bad_rounds_rejected(engine, rounds):
    with pytest.raises(ValueError, match="rounds must be an integer >= 1"):
        engine(ProtocolParams(n=8), rounds)


def test_bad_arguments_rejected():
    with pytest.raises(ValueError, match="seeds must be an integer >= 1, got 0"):
        run_jax(ProtocolParams(n=8), 5, seeds=0)
    with pytest.raises(ValueError, match=r"seed must be an integer in \[0, 2\*\*63\)"):
        run_jax(ProtocolParams(n=8), 5, seed=-1)
    with pytest.raises(ValueError, match="lineage_sizes dense must be"):
        run_jax(ProtocolParams(n=8), 5, lineage_sizes=(1, 4, 2, 2, 4))
    with pytest.raises(TypeError, match="params must be a ProtocolParams"):
        run_jax({"n": 8}, 5)


def test_resume_from_checkpoint_gives_the_uninterrupted_result():
    from derelayl_econ import Checkpoint

    params = ProtocolParams(n=10)
    saved: list[Checkpoint] = []
    whole = run_jax(params, 1100, seed=4, full=True, checkpoint=saved.append)
    assert [c.done for c in saved] == [500, 1000]   # chunks of 500 rounds
    resumed = run_jax(params, 1100, seed=4, full=True, resume=saved[0])
    assert resumed.coins.tobytes() == whole.coins.tobytes()
    np.testing.assert_array_equal(resumed.versions, whole.versions)
    np.testing.assert_array_equal(resumed.lineage_depth, whole.lineage_depth)
    with pytest.raises(ValueError, match="resume: the checkpoint belongs to another"):
        run_jax(params, 1100, seed=5, resume=saved[0])


@pytest.mark.parametrize("size", [7, 512, 513, 2000])
def test_rankings_match_a_stable_sort_on_both_paths(size):
    # Up to 512 items ranks come from all-pairs comparison, above from sorts.
    from derelayl_econ._jax_engine import _order_desc

    rng = np.random.default_rng(size)
    x = rng.integers(0, 5, size).astype(np.float64) * 0.5  # many ties
    x[rng.random(size) < 0.1] = -0.0
    valid = rng.random(size) < 0.8
    got = np.asarray(_order_desc(x, valid))
    expect = sorted(range(size), key=lambda i: (not valid[i], -x[i] if valid[i]
                                                else 0.0, i))
    np.testing.assert_array_equal(got, expect)


def test_engines_agree_beyond_the_pairwise_sizes():
    params = ProtocolParams(n=1500)                 # slots 750 > 512
    assert_same_game(run_reference(params, 12, seed=8), run_jax(params, 12, seed=8))
