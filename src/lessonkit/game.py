"""A deliberately simple model of a truce: two sides each keep it or break it.

This is a thinking tool, not a fact: the numbers are points the student chooses, not data
about the war. It shows one idea that experts argue about: a truce holds more easily when
breaking it is likely to be seen (verification) and to cost something (guarantees).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ._errors import LessonkitError

MOVES = ("keep", "break")


@dataclass(frozen=True)
class TruceGame:
    """Payoffs in points for each side; the same rules apply to both sides.

    peace: what each side gets if both keep the truce.
    gain: what a side gains by breaking it while the other keeps it; the side caught
        keeping it loses as much on top of the cost of war.
    war_cost: what each side loses if fighting goes on.
    penalty: what guarantors impose on a side caught breaking the truce.
    verification: the chance, from 0 to 1, that a break is seen.
    """

    peace: float = 5
    gain: float = 4
    war_cost: float = 3
    penalty: float = 0
    verification: float = 0.5

    def payoff(self, mine: str, theirs: str) -> float:
        """My points when I play ``mine`` and the other side plays ``theirs``.

        >>> TruceGame(peace=5, gain=4, penalty=0).payoff("break", "keep")
        9.0
        """
        if mine not in MOVES or theirs not in MOVES:
            raise ValueError(f"moves are {MOVES}")
        expected_penalty = self.penalty * self.verification if mine == "break" else 0.0
        if mine == "keep" and theirs == "keep":
            points = self.peace
        elif mine == "break" and theirs == "keep":
            points = self.peace + self.gain
        elif mine == "keep" and theirs == "break":
            points = -self.war_cost - self.gain
        else:
            points = -self.war_cost
        return float(points - expected_penalty)

    def table(self):
        """The payoff table: rows are side A's move, columns side B's, cells '(A, B)'."""
        import pandas as pd

        cells = {b: [f"({self.payoff(a, b):g}, {self.payoff(b, a):g})" for a in MOVES] for b in MOVES}
        frame = pd.DataFrame(cells, index=list(MOVES))
        frame.index.name, frame.columns.name = "A plays", "B plays"
        return frame

    def equilibria(self) -> list[tuple[str, str]]:
        """Pairs of moves from which neither side gains by changing its own move alone.

        >>> TruceGame(peace=5, gain=4, war_cost=3, penalty=0).equilibria()
        [('break', 'break')]
        >>> TruceGame(peace=5, gain=4, war_cost=3, penalty=10, verification=0.9).equilibria()
        [('keep', 'keep')]
        """
        found = []
        for a in MOVES:
            for b in MOVES:
                a_best = all(self.payoff(a, b) >= self.payoff(x, b) for x in MOVES)
                b_best = all(self.payoff(b, a) >= self.payoff(y, a) for y in MOVES)
                if a_best and b_best:
                    found.append((a, b))
        return found

    def at_threshold(self) -> bool:
        """True when breaking pays exactly as well as keeping: gain = penalty x chance seen.

        >>> TruceGame(gain=4, penalty=8, verification=0.5).at_threshold()
        True
        """
        return math.isclose(self.gain, self.penalty * self.verification, abs_tol=1e-9)

    def verdict(self) -> str:
        """The outcome in one sentence."""
        eq = self.equilibria()
        if eq == [("keep", "keep")]:
            return "The truce holds: for each side, keeping it pays at least as well as breaking it."
        if eq == [("break", "break")]:
            return ("The truce breaks down: whatever the other side does, each side does better by "
                    "breaking it, even though both would be better off keeping it.")
        if not eq:
            return "No stable outcome: each side keeps changing its mind."
        if self.at_threshold():
            expected = self.penalty * self.verification
            return (f"A tie, so all four outcomes count as stable: the expected penalty for breaking the truce "
                    f"({self.penalty:g} \u00d7 {self.verification:g} = {expected:g} points) exactly cancels "
                    f"the gain from breaking it ({self.gain:g} points), so neither side gains or loses by "
                    "changing its move. Raise the penalty or the chance a break is seen a little and the truce "
                    "holds; lower either and it breaks down.")
        return "More than one stable outcome: " + "; ".join(f"A {a}s, B {b}s" for a, b in eq) + "."


def smallest_stable_penalty(gain: float, verification: float, peace: float = 5, war_cost: float = 3,
                            step: float = 0.5, limit: float = 1000) -> float:
    """The smallest penalty (on a grid of ``step`` points) at which both sides keeping the
    truce is a stable outcome of :class:`lessonkit.game.TruceGame`.

    >>> smallest_stable_penalty(gain=6, verification=0.75)
    8.0
    >>> smallest_stable_penalty(gain=4, verification=0)
    Traceback (most recent call last):
    ...
    lessonkit._errors.LessonkitError: with verification 0 no penalty up to 1000 makes keeping the truce stable

    Raises LessonkitError when no penalty up to ``limit`` does it (for example when a
    break is never seen).
    """
    if step <= 0:
        raise LessonkitError(f"step must be a positive number of points, not {step!r}")
    n = 0
    while n * step <= limit:
        game = TruceGame(peace=peace, gain=gain, war_cost=war_cost, penalty=n * step, verification=verification)
        if ("keep", "keep") in game.equilibria():
            return float(n * step)
        n += 1
    raise LessonkitError(f"with verification {verification:g} no penalty up to {limit:g} makes keeping "
                         "the truce stable")
