"""Lesson 3, Following the money: the price per item a headline implies, and the answers
its exercises compute from the pledges and exchange-rate tables."""

from __future__ import annotations

from typing import Any

from .._errors import LessonkitError
from .._facts import row, value
from ..analysis import in_currency, versions

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
