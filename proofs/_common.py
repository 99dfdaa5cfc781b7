"""Printing shared by the proof scripts: the statement, each step sympy
verified, notes, and the verdict.

A script builds a :class:`Proof`, records steps with :meth:`Proof.step`
(each a claim and whether it checked out), and ends with
``sys.exit(proof.finish())``: exit status 0 and ``VERDICT: VERIFIED`` when
every step holds, otherwise 1 and ``VERDICT: COUNTEREXAMPLE: ...`` (or
``VERDICT: NOT VERIFIED: ...`` when a step failed without a counterexample).
"""

from __future__ import annotations

import textwrap


class Proof:
    """One claim, the steps that check it and a verdict."""

    def __init__(self, title: str, statement: str) -> None:
        self.failed: list[str] = []
        self.counterexamples: list[str] = []
        print(title)
        print("=" * len(title))
        print(textwrap.fill("Claim: " + statement, 78))
        print()

    def step(self, text: str, ok: bool, detail: str | None = None) -> bool:
        """Record one step; ``ok`` says whether sympy (or the number) agreed."""
        mark = "verified" if ok else "FAILED"
        print(textwrap.fill(f"[{mark}] {text}", 78, subsequent_indent="    "))
        if detail:
            print(textwrap.indent(detail, "      "))
        if not ok:
            self.failed.append(text)
        return bool(ok)

    def note(self, text: str) -> None:
        """A remark that is not part of the claim (a caveat, a measurement)."""
        print(textwrap.fill(f"note: {text}", 78, subsequent_indent="      "))

    def counterexample(self, text: str) -> None:
        """A point where the claim is false."""
        self.counterexamples.append(text)

    def finish(self) -> int:
        """Print the verdict; return the exit status (0 iff verified)."""
        print()
        if self.counterexamples:
            print("VERDICT: COUNTEREXAMPLE: " + "; ".join(self.counterexamples))
            return 1
        if self.failed:
            print("VERDICT: NOT VERIFIED: failed step(s): " + "; ".join(self.failed))
            return 1
        print("VERDICT: VERIFIED")
        return 0
