"""RelayProtocol: the reference engine stepped, with scores from outside."""

import numpy as np
import pytest

from derelayl_econ import ProtocolParams, RelayProtocol, run_reference


def version_score(legs):
    return [float(leg.version) for leg in legs]


@pytest.mark.parametrize("seed", [0, 7])
def test_scores_equal_to_theta_replay_the_reference_game(seed):
    # With sigma = 0 and mu = 1, theta is the version: a scorer returning the
    # version plays exactly the reference engine's game.
    params = ProtocolParams(n=24, sigma=0.0, mu=1.0)
    ref = run_reference(params, 12, seed=seed)
    relay = RelayProtocol(params, seed=seed)
    for t in range(12):
        r = relay.play_round(version_score)
        assert r.t == t
        assert (r.owners, r.matched, r.trained, len(r.winners)) == (
            ref.owners[t], ref.matched[t], ref.trained[t], ref.winners[t])
        assert r.minted == ref.minted[t] and r.burned == ref.burned[t]
        np.testing.assert_array_equal(relay.coins, ref.coins[t])
        assert relay.owner_models == r.winners
        if r.extinct:
            break


def test_the_best_scores_win_and_their_trainers_own_next():
    params = ProtocolParams(n=40, p=1.0)
    relay = RelayProtocol(params, seed=3, genesis_score=0.1)
    seen = {}

    def favour_odd_trainers(legs):
        seen["legs"] = legs
        return [0.9 if leg.trainer % 2 else 0.2 for leg in legs]

    r = relay.play_round(favour_odd_trainers)
    legs = seen["legs"]
    assert [leg.parent for leg in legs] == [0] * len(legs)
    assert sorted(leg.model for leg in legs) == list(range(1, len(legs) + 1))
    assert r.scores == {leg.model: (0.9 if leg.trainer % 2 else 0.2)
                        for leg in legs}
    trainer_of = {leg.model: leg.trainer for leg in legs}
    odd = sum(leg.trainer % 2 for leg in legs)
    assert len(r.winners) == len(legs) // 2
    # Winners are the best scores: all odd trainers first, as far as they go.
    assert all(trainer_of[m] % 2 for m in r.winners[:min(odd, len(r.winners))])
    # Next round lends the winning models, from their trainers.
    nxt = relay.play_round(favour_odd_trainers)
    assert {leg.parent for leg in seen["legs"]} <= set(r.winners)
    assert {leg.owner for leg in seen["legs"]} <= {trainer_of[m] for m in r.winners}
    assert nxt.t == 1


def test_bad_scores_and_extinction_are_reported():
    relay = RelayProtocol(ProtocolParams(n=16, p=1.0), seed=0)
    with pytest.raises(ValueError, match="train must return one finite score per "
                                         "leg"):
        relay.play_round(lambda legs: [float("nan")] * len(legs))
    with pytest.raises(RuntimeError, match="round 0 failed half-way"):
        relay.play_round(version_score)
    dead = RelayProtocol(ProtocolParams(n=16, p=1.0, s=0.1), seed=0)
    r = dead.play_round(version_score)      # floor(0.1 x 4) = 0 winners
    assert r.extinct and dead.extinct and r.winners == ()
    with pytest.raises(RuntimeError, match="the relay went extinct in round 0"):
        dead.play_round(version_score)
    with pytest.raises(ValueError, match="genesis_score must be a finite number"):
        RelayProtocol(ProtocolParams(), genesis_score=float("inf"))
