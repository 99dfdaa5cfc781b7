"""``derelayl``: the command line.

Bad input ends with one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


class UsageError(Exception):
    """Bad input found after parsing; reported as one line, exit status 2."""


def _protocol_options(parser: argparse.ArgumentParser, *,
                      participants: bool = True, theta: bool = True) -> None:
    """The options of ``ProtocolParams``; ``participants`` and ``theta``
    (``--mu``, ``--sigma``) may be left to the caller or out."""
    g = parser.add_argument_group("protocol parameters (PROTOCOL.md defaults)")
    if participants:
        g.add_argument("--participants", type=int, default=256, metavar="N",
                       help="participants N (>= 2; default 256)")
    g.add_argument("--slots", type=int, default=None,
                   help="model owners plus trainers per round (default N // 2)")
    g.add_argument("--k", type=int, default=4,
                   help="most trainers one model owner takes (default 4)")
    g.add_argument("--win-share", type=float, default=0.5, metavar="S",
                   help="share s of trained models that win, in (0, 1] (default 0.5)")
    g.add_argument("--success", type=float, default=0.9, metavar="P",
                   help="chance p that a relay leg succeeds, in (0, 1] (default 0.9)")
    if theta:
        g.add_argument("--mu", type=float, default=1.0,
                       help="mean improvement of theta per leg (default 1)")
        g.add_argument("--sigma", type=float, default=1.0,
                       help="standard deviation of the improvement (default 1)")
    g.add_argument("--reward", type=float, default=1.0, metavar="R",
                   help="lineage reward per ancestor per winning model (default 1)")
    g.add_argument("--budget", type=float, default=0.001, metavar="B",
                   help="an owner's deposit budget per round (default 0.001)")
    g.add_argument("--fee", type=float, default=0.001,
                   help="miner fee per unit of work (default 0.001)")
    g.add_argument("--cases", type=int, default=100,
                   help="test cases in the testing block (default 100)")


_OPTION_OF = {"n (participants)": "--participants", "s (win share)": "--win-share",
              "p (success)": "--success", "reward (R)": "--reward",
              "budget (B)": "--budget"}


def _params(args: argparse.Namespace):
    """Validated protocol parameters; errors name the command-line option."""
    from derelayl_econ import ProtocolParams

    try:
        return ProtocolParams(
            n=args.participants, slots=args.slots, k=args.k, s=args.win_share,
            p=args.success, mu=args.mu, sigma=args.sigma, reward=args.reward,
            budget=args.budget, fee=args.fee, cases=args.cases)
    except (ValueError, TypeError) as err:
        message = str(err)
        for field, option in _OPTION_OF.items():
            message = message.replace(field, option, 1)
        if not message.startswith("--"):
            message = "--" + message
        raise UsageError(message) from None


def _out_dir(path: str) -> Path:
    from .io import ensure_dir

    try:
        return ensure_dir(Path(path))
    except ValueError as err:
        raise UsageError(f"--out: {err}") from None


def _progress(total: int, desc: str, enabled: bool):
    if not enabled:
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, unit="round", file=sys.stderr,
               disable=None, leave=False)
    state = {"done": 0}

    def update(done: int) -> None:
        bar.update(done - state["done"])
        state["done"] = done

    return update, bar.close


def _cmd_simulate(args: argparse.Namespace) -> int:
    from . import runs

    if args.rounds < 1:
        raise UsageError(f"--rounds must be >= 1, got {args.rounds}")
    if args.seeds is not None and args.seeds < 1:
        raise UsageError(f"--seeds must be >= 1, got {args.seeds}")
    if not 0 <= args.seed < 2**63:
        raise UsageError(f"--seed must be in [0, 2**63), got {args.seed}")
    params = _params(args)
    full = False if args.aggregates_only else None
    if args.engine == "reference" and full is False:
        raise UsageError("--aggregates-only needs --engine jax")
    limit = runs.TRAJECTORY_LIMIT_BYTES
    if args.engine == "reference" and runs.trajectory_bytes(
            params, args.rounds, args.seeds) > limit:
        raise UsageError("--engine reference keeps all trajectories, which "
                         f"would exceed {limit >> 30} GiB; use --engine jax")
    _out_dir(args.out)
    work = args.rounds * (args.seeds or 1) * params.n
    update, close = _progress(args.rounds, "simulate", work >= 5_000_000)
    try:
        summary = runs.simulate_to_dir(
            params, args.rounds, Path(args.out), args.seed, seeds=args.seeds,
            engine=args.engine, full=full, progress=update, resume=args.resume)
    finally:
        close()
    if "note" in summary:
        print(f"note: {summary['note']}")
    ext = summary["extinction_round"]
    supply = summary["supply"][-1] if args.seeds is None else [
        s[-1] for s in summary["supply"]]
    print(f"{args.engine} engine: N = {params.n}, {args.rounds} rounds, "
          f"seed {args.seed}" + (f", {args.seeds} seeds" if args.seeds else ""))
    if args.seeds is None:
        print(f"owners in the last round: {summary['owners'][-1]}; "
              f"supply: {supply:.6g}; extinction round: {ext}")
    else:
        alive = sum(e is None for e in ext)
        print(f"runs surviving: {alive} of {args.seeds}; "
              f"median final supply: {sorted(supply)[len(supply) // 2]:.6g}")
    print(f"wrote {args.out}/trajectories.npz, summary.json, "
          "coins.{png,pdf}, versions.{png,pdf}")
    return 0


def _cmd_reproduce(args: argparse.Namespace) -> int:
    from . import runs

    _out_dir(args.out)
    if args.seeds < 2 or args.supply_seeds < 2:
        raise UsageError("--seeds and --supply-seeds must be >= 2, got "
                         f"{args.seeds} and {args.supply_seeds}")
    update, close = _progress(5000, "reproduce", True)
    try:
        result = runs.reproduce(
            Path(args.out), progress=update, analysis=not args.figures_only,
            seeds=args.seeds, supply_seeds=args.supply_seeds,
            say=lambda step: print(f"analysis: {step}", file=sys.stderr,
                                   flush=True))
    finally:
        close()
    print("paper settings: N = 256, seed 42, 5000 rounds (JAX engine)")
    print(f"owners (mean after round 100): {result['owners_mean_after_100']:.2f}")
    print(f"supply after round 1000: {result['supply_after_1000']:.6g}")
    print(f"supply after round 5000: {result['supply_after_5000']:.6g}")
    shares = ", ".join(f"{k}: {v:.3f}" for k, v in
                       result["steady_gap_shares"].items() if v >= 0.0005)
    print(f"steady-state version-gap shares: {shares}")
    print(f"wrote {args.out}/coins_per_participant.{{png,pdf,npz}}, "
          "version_distribution.{png,pdf,csv}, reproduce.json")
    if not args.figures_only:
        print(f"wrote {args.out}/analysis/ (theory against simulation, "
              "sustainability verdicts, phase diagrams) and "
              f"{args.out}/equilibria/ (equilibrium tables)")
    return 0


def _print_report(report: dict, tables: list, as_json: bool) -> None:
    import json

    from .equilibria import markdown_table

    if as_json:
        print(json.dumps(report, indent=1, allow_nan=False))
        return
    print("\n".join(markdown_table(t) for t in tables), end="")


def _option(field: str) -> str:
    """The command-line option of a field: ``pi_HH`` -> ``--pi-hh``."""
    return "--" + field.replace("_", "-").lower()


def _dataclass_options(parser: argparse.ArgumentParser, cls, title: str) -> None:
    """One ``--field-name`` option per field of the dataclass ``cls``."""
    import dataclasses

    g = parser.add_argument_group(title)
    for f in dataclasses.fields(cls):
        g.add_argument(_option(f.name), dest=f.name, type=float,
                       default=f.default, metavar="X",
                       help="default: derived (see the docs)" if f.default is None
                       else f"default {f.default:g}")


def _from_options(cls, args: argparse.Namespace):
    """Build ``cls`` from its options; a bad value names the option."""
    import dataclasses

    values = {f.name: getattr(args, f.name) for f in dataclasses.fields(cls)}
    try:
        return cls(**values)
    except (ValueError, TypeError) as err:
        raise UsageError(_name_options(str(err), {
            name: _option(name) for name in values})) from None


def _cmd_honesty(args: argparse.Namespace) -> int:
    from derelayl_econ import HonestyParams

    from .equilibria import honesty_report, honesty_tables

    report = honesty_report(_from_options(HonestyParams, args))
    _print_report(report, honesty_tables(report), args.json)
    return 0


def _cmd_bidding(args: argparse.Namespace) -> int:
    from .equilibria import bidding_report, bidding_tables

    try:
        report = bidding_report(k=args.k, p=args.success, s=args.win_share,
                                continuation=args.continuation, levels=args.levels)
    except (ValueError, TypeError) as err:
        raise UsageError(_name_options(str(err), {
            "k": "--k", "p": "--success", "s": "--win-share",
            "continuation": "--continuation", "levels": "--levels"})) from None
    _print_report(report, bidding_tables(report), args.json)
    return 0


def _floats(text: str) -> list[float]:
    """A comma-separated list of numbers (argparse type)."""
    try:
        values = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected numbers separated by commas, got {text!r}") from None
    if not values:
        raise argparse.ArgumentTypeError(f"expected at least one number, got {text!r}")
    return values


def _cmd_contest(args: argparse.Namespace) -> int:
    from .equilibria import contest_report, contest_tables

    try:
        report = contest_report(args.costs, args.prize, entry_cost=args.entry_cost,
                                s=args.win_share, deposit=args.deposit,
                                continuation=args.continuation)
    except (ValueError, TypeError) as err:
        raise UsageError(_name_options(str(err), {
            "costs": "--costs", "prize": "--prize", "entry_cost": "--entry-cost",
            "s": "--win-share", "deposit": "--deposit",
            "continuation": "--continuation", "trainers": "--costs"})) from None
    _print_report(report, contest_tables(report), args.json)
    return 0


def _cmd_stackelberg(args: argparse.Namespace) -> int:
    from .equilibria import stackelberg_report, stackelberg_tables

    try:
        report = stackelberg_report(args.costs, lam=args.lam, gamma=args.gamma)
    except (ValueError, TypeError) as err:
        raise UsageError(_name_options(str(err), {
            "costs": "--costs", "lam": "--lam", "gamma": "--gamma"})) from None
    _print_report(report, stackelberg_tables(report), args.json)
    return 0


def _name_options(message: str, options: dict[str, str]) -> str:
    """Put the option's name where a message starts with a parameter's."""
    for name in sorted(options, key=len, reverse=True):
        if message.startswith(name + " "):
            return options[name] + message[len(name):]
    return message


def _cmd_check(args: argparse.Namespace) -> int:
    import json

    from derelayl_econ import EconomicParams, check_sustainability

    from .equilibria import Table, markdown_table

    params, econ = _params(args), _from_options(EconomicParams, args)
    if args.rounds < 1:
        raise UsageError(f"--rounds must be >= 1, got {args.rounds}")
    if not 0 < args.extinction_bound <= 1:
        raise UsageError("--extinction-bound must be in (0, 1], got "
                         f"{args.extinction_bound}")
    report = check_sustainability(params, econ, rounds=args.rounds,
                                  extinction_bound=args.extinction_bound)
    if args.latex:
        print(report.to_latex())
        return 0
    data = report.to_dict()
    if args.json:
        print(json.dumps(data, indent=1, allow_nan=False))
        return 0
    rows = [[cid, c.statement, c.margin, "holds" if c.holds else "FAILS"]
            for cid, c in report.conditions.items()]
    print(markdown_table(Table(
        f"Sustainability at N = {params.n}, slots = {params.slots}, k = {params.k}, "
        f"s = {params.s:g}, p = {params.p:g}", ["id", "condition", "margin",
                                                 "verdict"], rows)))
    stationary = data["owners_stationary_mean"]
    print(f"owners: mean field m* = {data['owners_mean_field']:.4g}, exact chain "
          "given survival = "
          + ("none (the relay always dies)" if stationary is None
             else f"{stationary:.4g}"))
    print(f"extinction probability by round {args.rounds}: "
          f"{data['extinction_probability']:.4g}")
    print("sustainable" if report.sustainable else "NOT sustainable")
    return 0


def _ints(text: str) -> list[int]:
    """A comma-separated list of integers (argparse type)."""
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected integers separated by commas, got {text!r}") from None


#: TrainConfig field -> option, where the option's name is not the field's.
_TRAIN_OPTION_OF = {"s": "--win-share", "p": "--success", "participants":
                    "--participants"}


def _cmd_train(args: argparse.Namespace) -> int:
    from derelayl_train import TrainConfig

    from . import training

    fields = ("data", "model", "widths", "participants", "alpha", "test_fraction",
              "cases_fraction", "rounds", "epochs", "batch_size", "optimizer",
              "learning_rate", "momentum", "seed", "slots", "k", "reward",
              "budget", "fee", "cases")
    values = {name: getattr(args, name) for name in fields}
    values.update(s=args.win_share, p=args.success)
    if values["widths"] is not None:
        values["widths"] = tuple(values["widths"])
    options = {name: "--" + name.replace("_", "-") for name in values}
    options.update(_TRAIN_OPTION_OF)
    options.update({"s (win share)": "--win-share", "p (success)": "--success",
                    "reward (R)": "--reward", "budget (B)": "--budget",
                    "n (participants)": "--participants"})
    try:
        config = TrainConfig(**values)
    except (ValueError, TypeError) as err:
        raise UsageError(_name_options(str(err), options)) from None
    _out_dir(args.out)
    methods = 5 if args.compare else 1
    update, close = _progress(methods * args.rounds,
                              "compare" if args.compare else args.method, True)
    try:
        if args.compare:
            result = training.compare_to_dir(config, Path(args.out), progress=update)
        else:
            result = training.train_to_dir(config, Path(args.out), args.method,
                                           progress=update)
    except ImportError as err:
        raise UsageError(str(err).splitlines()[0]) from None
    except (ValueError, TypeError) as err:        # data rejected on loading
        raise UsageError(f"--data: {err}") from None
    finally:
        close()
    split = "IID" if config.alpha is None else f"Dirichlet alpha = {config.alpha:g}"
    print(f"{config.data}, {config.model}, N = {config.participants}, {split}, "
          f"{config.rounds} rounds, seed {config.seed}")
    if args.compare:
        for method, acc in result["final_test_accuracy"].items():
            print(f"{method:>8}: final test accuracy {acc:.4f}, "
                  f"{result['gradient_steps'][method]} gradient steps")
        print(f"wrote {args.out}/compare.json, compare.csv, accuracy.{{png,pdf}}")
    else:
        print(f"{args.method}: final test accuracy "
              f"{result['final_test_accuracy']:.4f} after "
              f"{result['gradient_steps'][-1] if result['gradient_steps'] else 0} "
              "gradient steps")
        extra = ", coins.csv" if args.method == "relay" else ""
        print(f"wrote {args.out}/metrics.json, metrics.csv, model.npz{extra}")
    return 0


def _train_parser(sub) -> None:
    tr = sub.add_parser(
        "train", help="relay learning on real data, and its baselines",
        description="Train by relay learning (the protocol with real relay legs) "
        "or a baseline on the same model, data, partition and gradient-step "
        "budget; --compare runs all five methods.")
    g = tr.add_argument_group("method")
    g.add_argument("--method", choices=("relay", "fedavg", "central", "local",
                                        "cyclic"), default="relay",
                   help="training method (default relay)")
    g.add_argument("--compare", action="store_true",
                   help="run all five methods on one budget; writes compare.json, "
                   "compare.csv, accuracy.{png,pdf}")
    g = tr.add_argument_group("data and model")
    g.add_argument("--data", default="digits",
                   help="'digits' (scikit-learn's bundled digits, the data extra) "
                   "or an .npz file with arrays x and y (default digits)")
    g.add_argument("--model", choices=("mlp", "cnn"), default="mlp",
                   help="model (default mlp)")
    g.add_argument("--widths", type=_ints, default=None, metavar="W1,W2,...",
                   help="hidden widths (mlp) or channels (cnn) (default 64,64 / "
                   "8,16)")
    g.add_argument("--participants", type=int, default=16, metavar="N",
                   help="participants, one shard each (default 16)")
    g.add_argument("--alpha", type=float, default=None,
                   help="Dirichlet concentration of non-IID shards (default IID)")
    g.add_argument("--test-fraction", type=float, default=0.2,
                   help="share held out to evaluate every method (default 0.2)")
    g.add_argument("--cases-fraction", type=float, default=0.1,
                   help="share held out as the testing block's test cases, which "
                   "rank the relay's models (default 0.1)")
    g = tr.add_argument_group("training")
    g.add_argument("--rounds", type=int, default=30, help="rounds (default 30)")
    g.add_argument("--epochs", type=int, default=10,
                   help="local epochs E per relay leg (default 10)")
    g.add_argument("--batch-size", type=int, default=32, help="(default 32)")
    g.add_argument("--optimizer", choices=("sgd", "adam"), default="sgd",
                   help="(default sgd)")
    g.add_argument("--learning-rate", type=float, default=0.3, help="(default 0.3)")
    g.add_argument("--momentum", type=float, default=0.0,
                   help="SGD momentum in [0, 1) (default 0)")
    g.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    g.add_argument("--out", default="out/train", metavar="DIR",
                   help="output directory (default out/train)")
    # Test accuracy replaces theta: no --mu, --sigma.
    _protocol_options(tr, participants=False, theta=False)
    tr.set_defaults(func=_cmd_train)


def _equilibrium_parsers(sub) -> None:
    from derelayl_econ import HonestyParams

    eq = sub.add_parser("equilibrium", help="solve the games of THEORY.md section 6",
                        description="Solve one game of THEORY.md section 6 and print "
                        "a table (or JSON with --json).")
    games = eq.add_subparsers(dest="game", required=True, parser_class=_Parser)

    def game(name: str, help_: str, func) -> argparse.ArgumentParser:
        p = games.add_parser(name, help=help_, description=help_)
        p.add_argument("--json", action="store_true",
                       help="print JSON instead of tables")
        p.set_defaults(func=func)
        return p

    honesty = game("honesty", "honesty games: trainer vs owner and trainer vs "
                   "tester, all equilibria by three nashpy methods, and the "
                   "closed-form condition for (honest, honest)", _cmd_honesty)
    _dataclass_options(honesty, HonestyParams, "game parameters (HonestyParams)")

    contest = game("contest", "relay contest: n trainers' Tullock contest for a "
                   "prize enlarged by the deposit; the closed-form equilibrium "
                   "(active set, participation) checked by best-response "
                   "iteration", _cmd_contest)
    contest.add_argument("--costs", type=_floats, default="0.5,1,1.5,2",
                         metavar="C1,C2,...",
                         help="trainers' marginal costs of effort, > 0 (default "
                         "0.5,1,1.5,2)")
    contest.add_argument("--prize", type=float, default=None, metavar="V",
                         help="the prize; default s n (b_T + W) from --win-share, "
                         "--deposit and --continuation")
    contest.add_argument("--entry-cost", type=float, default=0.0, metavar="F",
                         help="cost of taking part; a trainer whose equilibrium "
                         "utility is negative stays out (default 0)")
    contest.add_argument("--win-share", type=float, default=0.5, metavar="S",
                         help="share s of models that win (default 0.5)")
    contest.add_argument("--deposit", type=float, default=1.0, metavar="B_T",
                         help="trainer deposit, refunded to winners (default 1)")
    contest.add_argument("--continuation", type=float, default=19.0, metavar="W",
                         help="value of becoming an owner (default 19)")

    stack = game("stackelberg", "Stackelberg pricing: a uniform contest prize and "
                 "personalised data prices, each by cvxpy and in closed form",
                 _cmd_stackelberg)
    stack.add_argument("--costs", type=_floats, default="0.5,1,1.5,2",
                       metavar="C1,C2,...",
                       help="followers' costs, > 0 (default 0.5,1,1.5,2)")
    stack.add_argument("--lam", type=float, default=10.0, metavar="LAMBDA",
                       help="leader's value weight lambda > 0 (default 10)")
    stack.add_argument("--gamma", type=float, default=1.0,
                       help="leader's cost per unit of prize, > 0 (default 1)")

    bidding = game("bidding", "bidding game: is the protocol's bid rule min(coins, "
                   "t - v + 1) a best response? Two scenarios (all trainers "
                   "matched; slots scarce), equilibrium bidding by best-response "
                   "dynamics or fictitious play", _cmd_bidding)
    bidding.add_argument("--k", type=int, default=4,
                         help="most trainers one owner takes (default 4)")
    bidding.add_argument("--success", type=float, default=0.9, metavar="P",
                         help="chance p that a leg succeeds (default 0.9)")
    bidding.add_argument("--win-share", type=float, default=0.5, metavar="S",
                         help="share s of models that win; owner j of m wins "
                         "with chance 2 s (m - j) / (m + 1) (default 0.5)")
    bidding.add_argument("--continuation", type=float, default=19.0, metavar="W",
                         help="value of becoming an owner (default 19)")
    bidding.add_argument("--levels", type=int, default=11,
                         help="bid grid points besides the rule's bids (default 11)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="derelayl", description=(
        "Decentralized relay learning: protocol simulation, incentive and "
        "sustainability analysis, relay training."))
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sim = sub.add_parser("simulate", help="play the protocol and write trajectories",
                         description="Play DeRelayL rounds and write "
                         "trajectories.npz, summary.json and figures to --out.")
    _protocol_options(sim)
    g = sim.add_argument_group("run")
    g.add_argument("--engine", choices=("jax", "reference"), default="jax",
                   help="engine (default jax)")
    g.add_argument("--rounds", type=int, default=100, help="rounds (default 100)")
    g.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    g.add_argument("--seeds", type=int, default=None, metavar="N",
                   help="N independent runs with seeds seed..seed+N-1 (vmapped)")
    g.add_argument("--aggregates-only", action="store_true",
                   help="keep per-round aggregates and final balances only")
    g.add_argument("--out", default="out/simulate", metavar="DIR",
                   help="output directory (default out/simulate)")
    g.add_argument("--resume", action="store_true",
                   help="go on from DIR/checkpoint.npz of an interrupted run")
    sim.set_defaults(func=_cmd_simulate)

    rep = sub.add_parser("reproduce",
                         help="regenerate the paper's figures and the analysis",
                         description="Regenerate the paper's two figures (N = 256, "
                         "seed 42) as PNG and PDF with their data, and the "
                         "analysis: theory against simulation, sustainability "
                         "verdicts, phase diagrams, equilibrium tables.")
    rep.add_argument("--out", default="out/reproduce", metavar="DIR",
                     help="output directory (default out/reproduce)")
    rep.add_argument("--figures-only", action="store_true",
                     help="only the two figures and their data, no analysis")
    rep.add_argument("--seeds", type=int, default=1000,
                     help="simulated runs held against the theory (default 1000)")
    rep.add_argument("--supply-seeds", type=int, default=32,
                     help="runs of 5000 rounds for the supply (default 32)")
    rep.set_defaults(func=_cmd_reproduce)
    _equilibrium_parsers(sub)
    _train_parser(sub)

    from derelayl_econ import EconomicParams

    chk = sub.add_parser("check", help="check the sustainability conditions S1..S7",
                         description="Check THEORY.md's sustainability conditions "
                         "S1..S7 at a parameter point (the paper's defaults unless "
                         "options say otherwise): verdicts with margins.")
    _protocol_options(chk)
    _dataclass_options(chk, EconomicParams, "economic parameters (EconomicParams)")
    g = chk.add_argument_group("check")
    g.add_argument("--rounds", type=int, default=100,
                   help="horizon T of the extinction probability (default 100)")
    g.add_argument("--extinction-bound", type=float, default=0.05, metavar="EPS",
                   help="S1 needs extinction by T below this (default 0.05)")
    out = g.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument("--latex", action="store_true",
                     help="print the conditions as a LaTeX table")
    chk.set_defaults(func=_cmd_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as err:
        where = " ".join(filter(None, (args.command, getattr(args, "game", None))))
        print(f"derelayl {where}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        hint = " (run again with --resume to go on)" if args.command == "simulate" \
            else ""
        print(f"derelayl {args.command}: interrupted{hint}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
