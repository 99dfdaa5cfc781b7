"""Economics of decentralized relay learning (DeRelayL).

The protocol's parameters (:class:`ProtocolParams`), its two engines, which
play the same game for the same seed:

- :func:`run_reference`: plain Python, one function per step of a round;
  the readable statement of the rules and the tests' oracle;
- :func:`run_jax`: fixed-shape JAX code under ``lax.scan`` and ``vmap``,
  for long runs, many seeds and large populations;
- :class:`RelayProtocol`: the reference engine one round at a time, with
  real training plugged in (relay learning);

and the per-round :class:`Records` both return.

Importing this package enables JAX's 64-bit mode (``jax_enable_x64``):
coins are counted in float64.
"""

import jax

jax.config.update("jax_enable_x64", True)

from ._bidding import (BestResponseDynamics, BestResponses,  # noqa: E402
                       BidEquilibrium, BiddingGame, BiddingOutcomes,
                       BidRuleReport, FictitiousPlay, RuleCheck, ScenarioReport,
                       TwoPlayerSolution, best_response_dynamics, best_responses,
                       bid_rule_report, bidding_outcomes, check_rule,
                       default_bidding_scenarios, deviation_payoffs,
                       expected_utility, fictitious_play, pure_equilibria,
                       ranked_win_chances, rule_profile, solve_two_player)
from ._chains import (GAP_CHAIN_STATES, ComparisonRow,  # noqa: E402
                      CoupledGapChain, GapChain, OwnerChain, SimulationComparison,
                      compare_with_simulation, coupled_gap_chain, gap_chain,
                      mean_field_owners, owner_chain, owner_transition_matrix,
                      wilson_interval)
from ._contest import (ContestEquilibrium, ContestIteration,  # noqa: E402
                       contest_best_responses, contest_prize,
                       iterate_best_responses, solve_contest)
from ._draws import BLOCKS, RoundDraws, round_draws  # noqa: E402
from ._games import (HONESTY_SYMBOLS, Equilibrium, GameSolution,  # noqa: E402
                     HonestyParams, condition_holds, honesty_margins,
                     is_mutual_best_response, solve_bimatrix,
                     trainer_owner_condition, trainer_owner_game,
                     trainer_tester_condition, trainer_tester_game)
from ._jax_engine import (Checkpoint, default_lineage_sizes,  # noqa: E402
                          run_identity, run_jax)
from ._params import ProtocolParams  # noqa: E402
from ._records import GAP_LABELS, NUM_GAP_BINS, Records, gap_bins  # noqa: E402
from ._reference import Leg, RelayProtocol, RelayRound, run_reference  # noqa: E402
from ._stackelberg import (PriceStackelberg, PrizeStackelberg,  # noqa: E402
                           SolverError, StackelbergComparison,
                           compare_stackelberg, stackelberg_prices,
                           stackelberg_prize)
from ._sustainability import (SUSTAINABILITY_SYMBOLS,  # noqa: E402
                              ConditionResult, EconomicParams,
                              SustainabilityReport, check_sustainability,
                              condition_expressions, selection_intensity,
                              supply_model)
from ._utilities import (RoleEstimates, estimate_role_values,  # noqa: E402
                         expected_miner_fee, miner_utility, owner_utility,
                         trainer_utility)

__all__ = [
    # protocol and engines
    "BLOCKS", "Checkpoint", "GAP_LABELS", "NUM_GAP_BINS", "ProtocolParams", "Records",
    "RoundDraws", "default_lineage_sizes", "gap_bins", "round_draws",
    "run_identity", "run_jax", "run_reference",
    # the protocol stepped, with a pluggable training step (relay learning)
    "Leg", "RelayProtocol", "RelayRound",
    # role utilities (THEORY.md section 5)
    "RoleEstimates", "estimate_role_values", "expected_miner_fee", "miner_utility",
    "owner_utility", "trainer_utility",
    # honesty games (section 6)
    "HONESTY_SYMBOLS", "Equilibrium", "GameSolution", "HonestyParams",
    "condition_holds", "honesty_margins", "is_mutual_best_response",
    "solve_bimatrix", "trainer_owner_condition", "trainer_owner_game",
    "trainer_tester_condition", "trainer_tester_game",
    # relay contest and Stackelberg pricing (section 6)
    "ContestEquilibrium", "ContestIteration", "contest_best_responses",
    "contest_prize", "iterate_best_responses", "solve_contest",
    "PriceStackelberg", "PrizeStackelberg", "SolverError", "StackelbergComparison",
    "compare_stackelberg", "stackelberg_prices", "stackelberg_prize",
    # bidding game (section 6)
    "BestResponseDynamics", "BestResponses", "BidEquilibrium", "BiddingGame",
    "BiddingOutcomes", "BidRuleReport", "FictitiousPlay", "RuleCheck",
    "ScenarioReport", "TwoPlayerSolution", "best_response_dynamics",
    "best_responses", "bid_rule_report", "bidding_outcomes", "check_rule",
    "default_bidding_scenarios", "deviation_payoffs", "expected_utility",
    "fictitious_play", "pure_equilibria", "ranked_win_chances", "rule_profile",
    "solve_two_player",
    # exact chains (THEORY.md sections 1 and 4) and their check by simulation
    "GAP_CHAIN_STATES", "ComparisonRow", "CoupledGapChain", "GapChain",
    "OwnerChain", "SimulationComparison", "compare_with_simulation",
    "coupled_gap_chain", "gap_chain", "mean_field_owners", "owner_chain",
    "owner_transition_matrix", "wilson_interval",
    # sustainability conditions S1..S7 (section 7)
    "SUSTAINABILITY_SYMBOLS", "ConditionResult", "EconomicParams",
    "SustainabilityReport", "check_sustainability", "condition_expressions",
    "selection_intensity", "supply_model",
]
