"""The truce game of lesson 5 as an explorer: five labelled number inputs, then the payoff
table and the stable outcome (the game itself is :mod:`lessonkit.game`)."""

from __future__ import annotations

import ipywidgets as w

from ._escape import html_text
from .explorer_box import make_box
from .game import TruceGame
from .tables import scrolling_table

TRUCE_STYLE = {"description_width": "19em"}
TRUCE_LAYOUT = w.Layout(width="100%", max_width="28em")
PAYOFF_CELL = "padding:0.3em 0.9em;border:1px solid #bbb;text-align:center"


def truce_game_explorer() -> w.VBox:
    """Five labelled number inputs for the truce game; the payoff table and the stable outcome follow.

    Number inputs rather than sliders: each one's label is tied to it, so screen readers name it
    (a slider's handle has no accessible name in ipywidgets), and arrow keys still step it."""
    def number(label, value, lo, hi, step=1.0):
        return w.BoundedFloatText(value=value, min=lo, max=hi, step=step, description=f"{label} ({lo:g} to {hi:g})",
                                  description_allow_html=False, tooltip=f"{label}, from {lo:g} to {hi:g}",
                                  style=TRUCE_STYLE, layout=TRUCE_LAYOUT)

    gain = number("Gain from breaking it", 4, 0, 10)
    penalty = number("Penalty from guarantors", 0, 0, 20)
    verification = number("Chance a break is seen", 0.5, 0, 1, 0.1)
    peace = number("Value of peace", 5, 0, 10)
    war = number("Cost of war", 3, 0, 10)
    out, status = w.HTML(), w.HTML()

    def render(_=None):
        game = TruceGame(peace.value, gain.value, war.value, penalty.value, verification.value)
        table = game.table()
        rows = "".join(f"<tr><th scope='row' style='{PAYOFF_CELL}'>A {a}s</th>"
                       + "".join(f"<td style='{PAYOFF_CELL}'>{html_text(table.loc[a, b])}</td>" for b in table.columns)
                       + "</tr>" for a in table.index)
        stable = ", ".join(f"A {a}s / B {b}s" for a, b in game.equilibria()) or "none"
        status.value = html_text(f"Stable outcome: {stable}.")
        head = (f"<thead><tr><td style='{PAYOFF_CELL}'></td><th scope='col' style='{PAYOFF_CELL}'>B keeps</th>"
                f"<th scope='col' style='{PAYOFF_CELL}'>B breaks</th></tr></thead>")
        out.value = (scrolling_table(f"{head}<tbody>{rows}</tbody>", "Points for A and B, shown as (A, B)")
                     + f"<p><strong>Stable outcome:</strong> {html_text(stable)}.</p>"
                     f"<p class='lessonkit-verdict'>{html_text(game.verdict())}</p>")

    for control in (gain, penalty, verification, peace, war):
        control.observe(render, names="value")
    render()
    inputs = w.VBox([gain, penalty, verification, peace, war], layout=w.Layout(width="100%"))
    box = make_box([inputs], out, "The truce game (a model, not data)", status)
    box.add_class("lessonkit-truce")
    return box
