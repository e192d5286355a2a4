"""Lesson 3, Following the money: the price per item a headline implies, the answers its
exercises compute from the pledges and exchange-rate tables, and its two figures (one bar per
announcement; one announcement as each outlet printed it)."""

from __future__ import annotations

from typing import Any

from .. import plots
from .._data import reliability_label
from .._data import source as source_row
from .._errors import LessonkitError
from .._facts import row, value
from .._figure_cache import cached
from ..analysis import in_currency, rate, versions
from ..labels import label as label_of

DEAL = "uk-lmm-ef-pm-remarks"  # the official wording of the missile export-finance deal
DEAL_GROUP = "uk-lmm-export-finance-2025-03-02"
GBP_EUR = "market-gbp-eur-2025-03-03"
GBP_USD = "market-gbp-usd-2025-03-03"
LOAN = "uk-era-loan-ht-gbp"
INSTALMENT = "uk-era-tranche-ansa-gbp"
# One figure of each kind, as the source printed it (the matching exercise).
KIND_FIGURES = ("uk-era-loan-ht-gbp", "thales-lmm-contract-bbc-gbp", "uk-lmm-ef-reuters-gbp",
                "gbr-def-2-5-official", "uk-3bn-year-lbc-2024")


def per_unit(pledge_id: str) -> float:
    """Amount divided by quantity for one row (e.g. the price per missile it implies).

    >>> per_unit("uk-lmm-ef-pm-remarks") > 0
    True

    Raises LessonkitError if the row lacks an amount or a quantity.
    """
    amount, quantity = value("pledges", pledge_id, "amount"), value("pledges", pledge_id, "quantity")
    if amount != amount or quantity != quantity or not quantity:
        raise LessonkitError(f"pledge {pledge_id!r} needs both an amount and a quantity")
    return float(amount) / float(quantity)


def _bn(pledge_id: str) -> float:
    return value("pledges", pledge_id, "amount") / 1e9


def _rate(rate_id: str) -> float:
    return value("exchange_rates", rate_id, "rate")


def _per_missile(pledge_id: str) -> float:
    return value("pledges", pledge_id, "amount") / value("pledges", DEAL, "quantity")


# money.euros and its traps
def loan_in_euros() -> float:
    """The UK loan in billions of euros, at the pound-euro rate of 3 March."""
    return _bn(LOAN) * _rate(GBP_EUR)


def loan_in_pounds() -> float:
    """The UK loan in billions of pounds (a trap: not converted)."""
    return _bn(LOAN)


def loan_divided_by_rate() -> float:
    """The loan divided by the rate instead of multiplied (a trap)."""
    return _bn(LOAN) / _rate(GBP_EUR)


def loan_in_dollars() -> float:
    """The loan at the pound-dollar rate (a trap: the wrong rate)."""
    return _bn(LOAN) * _rate(GBP_USD)


def shafaq_loan_in_euros() -> float:
    """Shafaq News' contradicted loan figure, in euros (a trap)."""
    return _bn("uk-era-loan-shafaq-gbp") * _rate(GBP_EUR)


# money.per_missile and its traps
def price_per_missile() -> float:
    """The price per missile the headline implies, in pounds."""
    return per_unit(DEAL)


def thales_per_missile() -> float:
    """The initial Thales contract divided by the deal's missiles (a trap)."""
    return _per_missile("thales-lmm-contract-bbc-gbp")


def reuters_per_missile_usd() -> float:
    """The Reuters dollar version divided by its missiles (a trap)."""
    return per_unit("uk-lmm-ef-reuters-usd")


def euronews_per_missile_eur() -> float:
    """The Euronews euro version divided by its missiles (a trap)."""
    return per_unit("uk-lmm-ef-euronews-eur")


# money.instalment and its traps
def instalment_millions() -> float:
    """One yearly instalment of the UK loan, in millions of pounds."""
    return value("pledges", INSTALMENT, "amount") / 1e6


def instalment_in_euros() -> float:
    """ANSA's euro conversion of the instalment, in millions (a trap)."""
    return value("pledges", "uk-era-tranche-ansa-eur", "amount") / 1e6


def shafaq_instalment() -> float:
    """A third of Shafaq News' contradicted loan figure, in millions (a trap)."""
    return value("pledges", "uk-era-loan-shafaq-gbp", "amount") / 3e6


def rounded_loan_instalment() -> float:
    """A third of the Prime Minister's rounded loan figure, in millions (a trap)."""
    return value("pledges", "uk-era-loan-pm-gbp", "amount") / 3e6


def kind_pairs() -> dict[str, str]:
    """Each figure as printed → its kind of money, in words."""
    return {row("pledges", p)["as_reported"]: row("pledges", p)["kind"].replace("_", " ") for p in KIND_FIGURES}


def versions_in_gbp():
    """Every version of the deal that has an amount, in pounds at the data's rates, by pledge id."""
    found = versions(DEAL_GROUP)
    found = found[found["amount"].notna()]
    return in_currency(found, "GBP").set_index("pledge_id")["amount_GBP"]


def reveal_price(guess: Any) -> str:
    """The price per missile the headline implies, set beside the student's guess (a number of
    pounds, or None if no guess was saved).

    >>> "not saved a guess" in reveal_price(None)
    True
    """
    price = price_per_missile()
    line = f"The headline implies at most £{price:,.0f} per missile."
    if isinstance(guess, str) and guess.strip():
        return line + f" Your guess was {guess.strip()!r}."
    if isinstance(guess, bool) or not isinstance(guess, (int, float)) or guess <= 0:
        return line + (" You have not saved a guess yet (a number of pounds): run the prediction cell above with "
                       "your guess, then this cell again.")
    ratio = price / guess
    if 0.8 <= ratio <= 1.25:
        return line + f" You guessed £{guess:,.0f}: close."
    if ratio > 1:
        return line + f" You guessed £{guess:,.0f}: the headline implies about {ratio:,.1f} times your guess."
    return line + f" You guessed £{guess:,.0f}: about {1 / ratio:,.1f} times what the headline implies."


CURRENCY_COLOURS = {"GBP": plots.PALETTE["blue"], "EUR": plots.PALETTE["orange"], "USD": plots.PALETTE["green"]}
KIND_COLOURS = {"loan": plots.PALETTE["blue"], "export_finance": plots.PALETTE["sky"],
                "contract_value": plots.PALETTE["orange"],
                "military_aid": plots.PALETTE["vermillion"], "budget_target": plots.PALETTE["purple"],
                "grant": plots.PALETTE["green"], "fund": plots.PALETTE["black"], "equipment": plots.PALETTE["grey"],
                "total_assistance": plots.PALETTE["yellow"]}


def _money(v: float) -> str:
    return f"{v / 1e9:,.2f}bn" if abs(v) >= 1e9 else f"{v / 1e6:,.0f}m"


@cached
def announcement_chart(frame, currency: str = "GBP", log: bool = False, title: str | None = None) -> plots.Chart:
    """Horizontal bars, one per row (e.g. from ``analysis.per_announcement``), converted to one
    currency, coloured by kind of money with the kind also written on each bar; ``log=True``
    uses a logarithmic axis for figures that span orders of magnitude."""
    plt = plots._pyplot()
    import textwrap

    from matplotlib.patches import Patch

    rows = in_currency(frame[frame["amount"].notna()], currency)
    col = f"amount_{currency}"
    rows = rows.sort_values(col).reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8, 0.62 * len(rows) + 1.9))
    ax.barh(range(len(rows)), rows[col], color=[KIND_COLOURS.get(k, plots.PALETTE["grey"]) for k in rows["kind"]])
    for y, (v, k, c) in enumerate(zip(rows[col], rows["kind"], rows["currency"])):
        printed = "" if c == currency else f", printed in {c}"
        ax.text(v, y, f"  {_money(v)} {currency}: {label_of(k).lower()}{printed}", va="center", fontsize=9)
    ax.set_yticks(range(len(rows)), [textwrap.fill(t, 36) for t in rows["item"]], fontsize=9)
    ax.set_ylabel("Announcement")
    if log:
        ax.set_xscale("log")
        ax.set_xlim(rows[col].min() / 2, rows[col].max() * 25)
        ax.xaxis.set_major_formatter(lambda x, _: f"{x / 1e9:g}bn")
        ax.set_xlabel(f"Amount in {currency}, logarithmic scale: each step is ten times the one before")
    else:
        ax.set_xlim(0, rows[col].max() * 1.6)
        ax.xaxis.set_major_formatter(lambda x, _: f"{x / 1e9:g}")
        ax.set_xlabel(f"Amount, billions of {currency} (converted at the data's dated rates where needed)")
    ax.spines[["right", "top"]].set_visible(False)
    kinds = [k for k in KIND_COLOURS if k in set(rows["kind"])]
    ax.legend(handles=[Patch(color=KIND_COLOURS[k], label=label_of(k)) for k in kinds],
              loc="lower left", bbox_to_anchor=(0, 1.0), ncol=min(len(kinds), 4), frameon=False, fontsize=9.5)
    plots._room_for_source_line(fig)
    alt = (f"Bar chart of {len(rows)} figures in {currency}{' on a logarithmic scale' if log else ''}, "
           "each labelled with its kind of money: " +
           "; ".join(f"{i}: {_money(v)} ({k.replace('_', ' ')})" for i, v, k in
                     zip(rows["item"], rows[col], rows["kind"])) + ".")
    title = title or f"Money figures, one per announcement, in {currency}"
    return plots._finish(fig, title, f"data/pledges.csv ({len(set(rows['source_id']))} sources); "
                               "rates: data/exchange_rates.csv", alt)


@cached
def versions_chart(report_group: str, currency: str = "GBP") -> plots.Chart:
    """One announcement as each source printed it, every version converted to one currency
    with the data's dated rates: bars coloured and labelled by the currency it was printed in."""
    plt = plots._pyplot()
    from matplotlib.patches import Patch

    found = versions(report_group)
    rows = in_currency(found[found["amount"].notna()], currency).iloc[::-1]
    col = f"amount_{currency}"
    # 7 in wide: with the outlets' names on the left and the printed words on the right, the
    # picture stays narrow enough to be shown at full size on a school laptop (tests/test_plots.py)
    fig, ax = plt.subplots(figsize=(7, 0.6 * len(rows) + 1.9))
    values = rows[col] / 1e9
    outlets = ["Seed article" if s == "seed-article" else str(source_row(s)["publisher"]).split(",")[0]
               for s in rows["source_id"]]
    kinds = [reliability_label(s) for s in rows["source_id"]]  # shown under each outlet's name
    labels = [f"{o} ({k})" for o, k in zip(outlets, kinds)]
    ax.barh(range(len(rows)), values, color=[CURRENCY_COLOURS.get(c, plots.PALETTE["grey"]) for c in rows["currency"]],
            hatch=["//" if s == "seed-article" else "" for s in rows["source_id"]], edgecolor="white")
    for y, (v, printed) in enumerate(zip(values, rows["as_reported"])):
        short = printed if len(printed) <= 44 else printed[:42].rsplit(" ", 1)[0].rstrip(" …") + " …"
        ax.text(v, y, f"  {v:,.2f}bn {currency}   printed: {short}", va="center", fontsize=9)
    ax.set_yticks(range(len(rows)), [f"{o}\n({k})" for o, k in zip(outlets, kinds)], fontsize=9)
    ax.set_xlabel(f"Amount, billions of {currency} (converted at the data's dated rates)")
    ax.set_ylabel("Who reported it")
    ax.set_xlim(0, values.max() * 2.3)
    ax.spines[["right", "top"]].set_visible(False)
    printed_in = [c for c in CURRENCY_COLOURS if c in set(rows["currency"])]
    ax.legend(handles=[Patch(color=CURRENCY_COLOURS[c], label=f"printed in {c}") for c in printed_in],
              loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3, frameon=False, fontsize=9.5)
    plots._room_for_source_line(fig)
    spread = f"{values.min():,.2f} to {values.max():,.2f}" if len(rows) else "none"
    alt = (f"Bar chart of {len(rows)} reported versions of one announcement, converted to billions of "
           f"{currency}: from {spread}. " + "; ".join(f"{lab}: printed in {c}" for lab, c in
                                                      zip(labels, rows["currency"])) + ".")
    rates = sorted({rate(c, currency)[1] for c in set(rows["currency"])} - {""})
    source = (f"data/pledges.csv, report group {report_group}; "
              f"rates: data/exchange_rates.csv ({', '.join(rates) or 'none needed'})")
    return plots._finish(fig, f"One announcement, {len(rows)} versions, all in {currency}", source, alt)


def guess_price_shows() -> list[float]:
    """What the reveal of money.guess_price shows: the price per missile the headline implies."""
    return [price_per_missile()]


def kinds_why() -> dict[str, str]:
    """money.kinds' feedback on a wrong match: the kind and note of the figure's row."""
    out = {}
    for p in KIND_FIGURES:
        r = row("pledges", p)
        note = str(r.get("note") or "").split(". ")[0].rstrip(".")
        out[str(r["as_reported"])] = f"row {p} is {str(r['kind']).replace('_', ' ')}" + (f": {note}." if note else ".")
    return out
