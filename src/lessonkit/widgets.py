"""Interactive explorers: thin views over the pure functions of :mod:`lessonkit.analysis`.

Each explorer returns an ipywidgets box whose output is an HTML widget re-rendered on
every change (no Output widget, so results are immediate and deterministic). Every
explorer has a static fallback in :mod:`lessonkit.plots` or as a plain table.
"""

from __future__ import annotations

import ipywidgets as w

from . import analysis
from ._data import cite, load, source_name
from ._dates import long_date
from ._escape import html_text
from .explorer_box import Explorer as Explorer  # re-exported: explorers are found here
from .explorer_box import controls as controls  # re-exported: the tests drive explorers by their controls
from .explorer_box import make_box
from .explorer_box import summary as summary
from .labels import label
from .role_cards import ROLE_ACTORS, role_card
from .tables import scrolling_table, table_html
from .truce_game_view import truce_game_explorer as truce_game_explorer  # re-exported: lesson 5 calls it here

LAYOUT = w.Layout(width="auto")
STYLE = {"description_width": "initial"}
STANCE_MARK = {"supports": "\u2714 supports", "conditional": "\u25D0 conditional",
               "undecided": "? undecided", "opposes": "\u2716 opposes"}
STANCE_BG = {"supports": "#cfe3f2", "conditional": "#e2f1fb", "undecided": "#eeeeee", "opposes": "#f7d9c6"}


ROWS = 10  # rows an explorer's table shows at once: the controls narrow the rest down
ALL = "*"  # the "no filter" choice of a drop-down (a None value would show as a blank list)


def _count(n: int, thing: str) -> str:
    """'1 event', '3 events', 'no events'."""
    return f"no {thing}s" if n == 0 else f"{n} {thing}" + ("" if n == 1 else "s")


def _span(dates) -> str:
    """' from 1 to 3 March 2025', ' on 2 March 2025' or '' for a column of dates."""
    dates = dates.dropna()
    if dates.empty:
        return ""
    first, last = dates.min(), dates.max()
    if first == last:
        return f" on {long_date(first)}"
    same_year = first.year == last.year
    start = (str(first.day) if same_year and first.month == last.month else
             long_date(first, year=not same_year))
    return f" from {start} to {long_date(last)}"


def _or_none(value: str) -> str | None:
    return None if value == ALL else value


def _e(x) -> str:
    return html_text(x)


EXPLORERS = ("timeline_explorer", "actor_explorer", "pledge_explorer", "currency_converter",
             "position_explorer", "quote_explorer", "truce_game_explorer", "claim_stepper",
             "role_card_explorer")


def _quote(p) -> str:
    """A position's quote as HTML, with our English translation beside a quote in another language."""
    english = p.get("quote_english")
    beside = f" (in English: <q>{_e(english)}</q>)" if isinstance(english, str) else ""
    return f"<q>{_e(p['quote'])}</q>{beside}"


def _later(a) -> str:
    """What changed in a person's role after the summit, with its date and source ('' if nothing)."""
    if not isinstance(a.get("later_note"), str):
        return ""
    return (f"<p><strong>After the summit</strong> ({long_date(a['later_date'])}): {_e(a['later_note'])} "
            f"<small>Source: {_e(cite(a['later_source_id']))}</small></p>")


def _names(ids) -> list[tuple[str, str]]:
    actors = load("actors").set_index("actor_id")["name"]
    return sorted(((actors.get(i, i), i) for i in ids), key=lambda p: p[0])


def timeline_explorer() -> w.VBox:
    """Filter the timeline by actor, theme and period (before / on / after the summit)."""
    events = load("events")
    ids = sorted({a for v in events["actor_ids"].dropna() for a in v.split(";")})
    actor = w.Dropdown(options=[("everyone", ALL)] + _names(ids), description="Actor", style=STYLE)
    theme = w.Dropdown(options=[("all themes", ALL)] + [(label(t), t) for t in
                                                          sorted(events["theme"].unique())],
                       description="Theme", style=STYLE)
    period = w.ToggleButtons(options=[("all", ALL), ("before", "before"), ("on 2 March", "on"),
                                      ("after", "after")], description="When", style=STYLE)
    out, status = w.HTML(), w.HTML()

    def render(_=None):
        rows = analysis.timeline(_or_none(actor.value), _or_none(theme.value), _or_none(period.value))
        rows = rows.assign(source=[cite(s, links=False) for s in rows["source_id"]])
        status.value = _e(_count(len(rows), "event") + _span(rows["date"]))
        out.value = table_html(rows, {"date": "Date", "title": "What happened", "summary": "Details",
                                      "source": "Source"}, caption="Events in the timeline", limit=ROWS,
                               narrow_with="pick an actor, a theme or a period above to see the others")

    for control in (actor, theme, period):
        control.observe(render, names="value")
    render()
    return make_box([actor, theme, period], out, "Timeline explorer", status)


def actor_explorer() -> w.VBox:
    """Pick a person, country or organisation: role, attendance, positions and quotes."""
    actors = load("actors").sort_values("name")
    pick = w.Dropdown(options=[(f"{n} ({k})", i) for n, k, i in
                               zip(actors["name"], actors["kind"], actors["actor_id"])],
                      value="starmer", description="Actor", style=STYLE)
    out, status = w.HTML(), w.HTML()

    def render(_=None):
        a = actors.set_index("actor_id").loc[pick.value]
        names = actors.set_index("actor_id")["name"]
        lines = [f"<h3 style='margin:0.2em 0'>{_e(a['name'])}</h3>"]
        if a["kind"] == "person":
            body = names.get(a["represents"]) if isinstance(a["represents"], str) else None
            repeat = body is None or str(body) in str(a["role"])  # "President of Finland, for Finland"
            lines.append(f"<p>{_e(a['role'])}" + ("" if repeat else f", for {_e(body)}")
                         + " <small>(at the time of the summit)</small></p>")
            lines.append(_later(a))
        attendance = _at_summit(a["at_summit"])
        lines.append(f"<p><strong>At the summit:</strong> {attendance}.")
        if isinstance(a["attendance_note"], str):
            lines.append(f" {_e(a['attendance_note'])}")
        lines.append("</p>")
        said = analysis.positions()
        said = said[(said["actor_id"] == pick.value) | (said["quote_speaker_id"] == pick.value)]
        for _, p in said.iterrows():
            quote = f" {_quote(p)} ({_e(p['speaker'])})" if isinstance(p["quote"], str) else ""
            lines.append(f"<p><strong>{_e(p['topic'])}</strong> ({_e(long_date(p['date'], year=False, short_month=True))}): "
                         f"{_e(STANCE_MARK[p['stance']])}. {_e(p['summary'])}{quote}<br>"
                         f"<small>Source: {_e(cite(p['source_id']))}</small></p>")
        if said.empty:
            lines.append("<p>No recorded positions.</p>")
        lines.append(f"<p><small>Source for this entry: {_e(cite(a['source_id']))}</small></p>")
        status.value = _e(f"{a['name']} {attendance}; "
                          + _count(len(said), "recorded position") + ".")
        out.value = "".join(lines)

    pick.observe(render, names="value")
    render()
    return make_box([pick], out, "Actor explorer", status)


def pledge_explorer() -> w.VBox:
    """Filter the money figures by donor and kind, and show them in one currency."""
    rows = load("pledges")
    donor = w.Dropdown(options=[("all donors", ALL)] + _names(sorted(rows["donor_id"].unique())),
                       description="Donor", style=STYLE)
    kind = w.Dropdown(options=[("all kinds", ALL)] + [(label(k), k) for k in
                                                        sorted(rows["kind"].unique())],
                      description="Kind of money", style=STYLE)
    currency = w.Dropdown(options=["GBP", "EUR", "USD"], value="GBP", description="Show in", style=STYLE)
    seed = w.Checkbox(value=True, description="include the seed article's figures", indent=False)
    out, status = w.HTML(), w.HTML()

    def render(_=None):
        found = analysis.pledges(_or_none(donor.value), _or_none(kind.value), include_seed=seed.value)
        found = found.assign(source=[source_name(s) for s in found["source_id"]])
        with_amount = found[found["amount"].notna()]
        converted = analysis.in_currency(with_amount, currency.value)
        col = f"amount_{currency.value}"
        converted[col] = [f"{v / 1e9:,.3f}bn" for v in converted[col]]
        rest = found[found["amount"].isna()].assign(**{col: "no amount"})
        import pandas as pd

        shown = pd.concat([converted, rest]) if not rest.empty else converted
        status.value = _e(_count(len(found), "figure") + _span(found["announced"]) + f", shown in {currency.value}.")
        out.value = (f"<p>Amounts in {currency.value} use the data's dated exchange rates.</p>" +
                     table_html(shown, {"announced": "Announced", "item": "What", "kind": "Kind",
                                        "as_reported": "As reported", col: f"In {currency.value}",
                                        "source": "Source"}, caption=f"Money figures, in {currency.value}",
                                limit=ROWS, narrow_with="pick a donor or a kind of money above to see the others"))

    for control in (donor, kind, currency, seed):
        control.observe(render, names="value")
    render()
    return make_box([donor, kind, currency, seed], out, "Pledge explorer", status)


def currency_converter() -> w.VBox:
    """Convert an amount with one of the dated rates in the data, showing the rate used."""
    rates = load("exchange_rates")
    amount = w.FloatText(value=1.6, description="Amount (billions)", style=STYLE)
    base = w.Dropdown(options=["GBP", "EUR", "USD"], value="GBP", description="From", style=STYLE)
    quote = w.Dropdown(options=["GBP", "EUR", "USD"], value="EUR", description="To", style=STYLE)
    out, status = w.HTML(), w.HTML()

    def render(_=None):
        try:
            r, rate_id = analysis.rate(base.value, quote.value)
        except Exception as e:  # no rate for this pair in the data
            out.value = status.value = f"<p>{_e(e)}.</p>"
            return
        result = amount.value * r
        status.value = _e(f"{amount.value:,.3f}bn {base.value} = {result:,.3f}bn {quote.value}")
        if not rate_id:
            out.value = f"<p>{amount.value:,.3f}bn {base.value} is {result:,.3f}bn {quote.value}.</p>"
            return
        row = rates.set_index("rate_id").loc[rate_id]
        out.value = (f"<p><strong>{amount.value:,.3f}bn {_e(base.value)} = {result:,.3f}bn "
                     f"{_e(quote.value)}</strong>, at {r:.4f} {_e(quote.value)} per {_e(base.value)} "
                     f"({_e(row['base'])}\u2192{_e(row['quote'])} rate of {long_date(row['date'])}).</p>"
                     f"<p><small>{_e(row['note'])} Source: {_e(cite(row['source_id']))}</small></p>")

    for control in (amount, base, quote):
        control.observe(render, names="value")
    render()
    return make_box([amount, base, quote], out, "Currency converter", status)


def position_explorer() -> w.VBox:
    """Pick a topic: each actor's stance (in words and colour), summary and quote."""
    topics = load("topics")
    topic = w.Dropdown(options=list(zip(topics["name"], topics["topic_id"])), description="Topic", style=STYLE)
    out, status = w.HTML(), w.HTML()

    def render(_=None):
        rows = analysis.positions(topic=topic.value)
        row = topics.set_index("topic_id").loc[topic.value]
        lines = ["<thead><tr><th scope='col'>Actor</th><th scope='col'>Stance</th><th scope='col'>In short</th>"
                 "<th scope='col'>Date</th><th scope='col'>Source</th></tr></thead><tbody>"]
        for _, p in rows.iterrows():
            lines.append(f"<tr><td>{_e(p['actor'])}</td><td style='background:{STANCE_BG[p['stance']]}'>"
                         f"{_e(STANCE_MARK[p['stance']])}</td><td>{_e(p['summary'])}</td>"
                         f"<td>{long_date(p['date'], year=False, short_month=True)}</td>"
                         f"<td>{_e(source_name(p['source_id']))}</td></tr>")
        lines.append("</tbody>")
        stances = rows["stance"].value_counts()
        status.value = _e(f"{row['name']}: " + _count(len(rows), "position") + (" (" + ", ".join(
            f"{n} {s}" for s, n in stances.items()) + ")" if len(rows) else "") + ".")
        out.value = (f"<p><strong>{_e(row['question'])}</strong></p>"
                     + scrolling_table("".join(lines), f"Stances on {row['name']}"))

    topic.observe(render, names="value")
    render()
    return make_box([topic], out, "Positions by topic", status)


def quote_explorer() -> w.VBox:
    """Pick a speaker: every recorded quote of a person, with its topic, date and source.

    Only people are speakers: a quote from a state's statement (the White House, say) stays
    in the position explorer under that state."""
    rows = analysis.positions()
    people = load("actors").query("kind == 'person'")["actor_id"]
    quoted = rows[rows["quote"].notna() & rows["quote_speaker_id"].isin(people)]
    speaker = w.Dropdown(options=_names(sorted(quoted["quote_speaker_id"].dropna().unique())),
                         description="Speaker", style=STYLE)
    out, status = w.HTML(), w.HTML()

    def render(_=None):
        mine = quoted[quoted["quote_speaker_id"] == speaker.value]
        who = mine["speaker"].iloc[0] if len(mine) else speaker.label
        status.value = _e(_count(len(mine), "quote") + f" by {who}" + _span(mine["date"]) + ".")
        out.value = "".join(
            f"<blockquote style='margin:0.4em 0'>{_quote(p)}<br><small>{_e(p['speaker'])}, "
            f"{long_date(p['date'])}. Topic: {_e(p['topic'])}. Source: {_e(cite(p['source_id']))}"
            f"</small></blockquote>" for _, p in mine.iterrows())

    speaker.observe(render, names="value")
    render()
    return make_box([speaker], out, "Quote explorer", status)


# One label width, so the five inputs line up; on a narrow page (200% zoom) the explorer's
# style lets a label take the whole line and its input wrap below it.
def claim_stepper() -> w.VBox:
    """Step through the seed article's claims; give your verdict, then see the evidence."""
    rows = analysis.claims()
    state = {"i": 0, "shown": False}
    back = w.Button(description="\u2190 Previous", tooltip="previous claim")
    forward = w.Button(description="Next \u2192", tooltip="next claim")
    guess = w.ToggleButtons(options=["accurate", "inaccurate", "misleading", "unverifiable", "opinion"],
                            value=None, description="Your verdict", style=STYLE)
    reveal = w.Button(description="Show the evidence", button_style="info")
    out, status = w.HTML(), w.HTML()

    def render(_=None):
        c = rows.iloc[state["i"]]
        status.value = _e(f"Claim {state['i'] + 1} of {len(rows)}" +
                          (f": the verdict is {c['verdict']}." if state["shown"] else ", evidence hidden."))
        parts = [f"<p>Claim {state['i'] + 1} of {len(rows)} (<code>{_e(c['claim_id'])}</code>)</p>",
                 f"<blockquote><q>{_e(c['seed_excerpt'])}</q></blockquote>"]
        if state["shown"]:
            verdict = c["verdict"]
            mine = guess.value
            agree = "" if mine is None else (" You said the same." if mine == verdict else
                                             f" You said {_e(mine)}.")
            parts.append(f"<p><strong>Verdict: {_e(verdict)}.</strong>{agree}</p><p>{_e(c['explanation'])}</p>")
            if isinstance(c["correction"], str):
                parts.append(f"<p><strong>Correction:</strong> {_e(c['correction'])}</p>")
            ids = c["source_id"] + (";" + c["also_source_ids"] if isinstance(c["also_source_ids"], str) else "")
            parts.append(f"<p><small>Sources: {_e(cite(ids))}</small></p>")
        out.value = "".join(parts)

    def move(step):
        def handler(_):
            state["i"] = (state["i"] + step) % len(rows)
            state["shown"] = False
            guess.value = None
            render()
        return handler

    def show(_):
        state["shown"] = True
        render()

    back.on_click(move(-1))
    forward.on_click(move(1))
    reveal.on_click(show)
    guess.observe(render, names="value")
    render()
    return make_box([back, forward, guess, reveal], out, "Claim checker", status)


def _at_summit(code: str) -> str:
    """An actor's attendance (``actors.at_summit``) as the end of a sentence, written once."""
    if code == "attended":
        return f"was at Lancaster House on {long_date(analysis.summit_date())}"
    return {"absent": "was not at the summit", "not_applicable": "was not part of the summit"}[code]


# People whose recorded words on a role card insult others: the card says why they are quoted.
QUOTED_INSULTS = {"medvedev": "insults Ukraine's leaders"}


def role_card_html(actor_id: str) -> str:
    """The capstone role card of one state or organisation as HTML (see role_cards.role_card)."""
    card = role_card(actor_id)
    status = _at_summit(card["at_summit"])
    who = card["represented_by"]
    who = f", represented by {_e(who)}" if who and who not in (card["attendance_note"] or "") else ""  # said once
    parts = [f"<h3 style='margin:0.2em 0'>Role card: {_e(card['name'])}</h3>",
             f"<p><strong>At the summit:</strong> {_e(card['name'])} {status}{who}. "
             f"{_e(card['attendance_note'] or '')} <small>[{_e(source_name(card['source_id']))}]</small></p>"]
    said = card["positions"]
    parts.append(f"<p><strong>Your positions</strong> ({len(said)}):</p><ul>")
    for _, p in said.iterrows():
        quote = f" {_quote(p)} ({_e(p['speaker'])})" if isinstance(p["quote"], str) else ""
        parts.append(f"<li><strong>{_e(p['topic'])}</strong>, {long_date(p['date'], year=False, short_month=True)}: "
                     f"{_e(STANCE_MARK[p['stance']])}. {_e(p['summary'])}{quote} "
                     f"<small>[{_e(source_name(p['source_id']))}]</small></li>")
    parts.append("</ul>" if len(said) else "<li>No recorded positions.</li></ul>")
    linked = card["linked_positions"]
    if len(linked):
        parts.append("<p><strong>Also said by people from your side</strong> (their own words, not "
                     "necessarily your government's line):</p>")
        parts += [f"<p><em>Why this is quoted:</em> {_e(p['actor'])}'s post {QUOTED_INSULTS[p['actor_id']]}. It is "
                  "the recorded reaction of a senior official, as news agencies reported it, not the module's "
                  "view; if you use it, attribute it and do not read the insult aloud as your own words.</p>"
                  for _, p in linked.drop_duplicates("actor_id").iterrows() if p["actor_id"] in QUOTED_INSULTS]
        parts.append("<ul>")
        parts += [f"<li>{_e(p['actor'])}, topic {_e(p['topic'])}, "
                  f"{long_date(p['date'], year=False, short_month=True)}: {_e(p['summary'])} "
                  f"<small>[{_e(source_name(p['source_id']))}]</small></li>" for _, p in linked.iterrows()]
        parts.append("</ul>")
    money = card["announcements"]
    if len(money):
        shown = money.assign(amount=[f"£{v / 1e9:,.2f}bn" if v == v else "no amount" for v in money["amount_GBP"]])
        parts.append("<p><strong>Money and targets with you as the giver or payer</strong> (one row per "
                     "announcement; amounts in GBP, the middle of the reported versions). Not all of them are "
                     "your own offers: some are terms others asked of you, as the What column says.</p>"
                     + table_html(shown, {"announced": "Announced", "item": "What", "kind": "Kind",
                                          "amount": "Amount (GBP)", "versions": "Reports"}))
    else:
        parts.append("<p><strong>Money announced:</strong> none in the pledges table.</p>")
    for _, person in card["later_changes"].iterrows():
        parts.append(f"<p><strong>After the summit</strong>, {_e(person['name'])} "
                     f"({long_date(person['later_date'])}): {_e(person['later_note'])} "
                     f"<small>[{_e(source_name(person['later_source_id']))}]</small></p>")
    parts.append(f"<p><strong>Events you took part in:</strong> {len(card['events'])}. "
                 "See the timeline explorer for the list.</p>")
    return "".join(parts)


def role_card_explorer(actor_id: str = "gbr") -> w.VBox:
    """Pick the actor you will play in the capstone and read its role card."""
    pick = w.Dropdown(options=_names(ROLE_ACTORS), value=actor_id, description="Your actor", style=STYLE)
    out, status = w.HTML(), w.HTML()

    def render(_=None):
        card = role_card(pick.value)
        status.value = _e(f"Role card: {card['name']}; " + _count(len(card["positions"]), "position") + ", "
                          + _count(len(card["announcements"]), "money announcement") + ".")
        out.value = role_card_html(pick.value)

    pick.observe(render, names="value")
    render()
    return make_box([pick], out, "Role card", status)


# The titles of ipywidgets' unselected tabs are pale grey on grey (axe: colour contrast, serious).
TAB_STYLE = ("<style>.lessonkit-tabs .lm-TabBar-tab, .lessonkit-tabs .lm-TabBar-tabLabel "
             "{ color: var(--jp-ui-font-color0, #111) !important; opacity: 1 !important; }"
             ".lessonkit-tabs .lm-TabBar-tab.lm-mod-current { font-weight: bold; }</style>")


def tabbed(pages: dict[str, list[w.Widget] | w.Widget]) -> w.VBox:
    """Explorers on tabs, one tab per title, so a long one (the timeline) pushes no other down.

    A tab holding several explorers stacks them."""
    children = [w.VBox(list(p)) if isinstance(p, (list, tuple)) else p for p in pages.values()]
    tab = w.Tab(children=children)
    tab.titles = tuple(pages)
    tab.add_class("lessonkit-tabs")
    return w.VBox([w.HTML(TAB_STYLE), tab])

