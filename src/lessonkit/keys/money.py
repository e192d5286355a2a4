"""Answer key of lesson 3, Following the money.

Answers that come from the data are computed when checked (a corrected figure corrects the
exercise); the constant keys of the Choice and MultiChoice are salted hashes made with
``lessonkit hash ID ANSWER``.
"""

from .. import analysis
from .._checkers import Choice, Matching, MultiChoice, Numeric, Value
from .._facts import row, value

DEAL = "uk-lmm-ef-pm-remarks"  # the official wording of the missile export-finance deal
DEAL_GROUP = "uk-lmm-export-finance-2025-03-02"
GBP_EUR = "market-gbp-eur-2025-03-03"
GBP_USD = "market-gbp-usd-2025-03-03"
LOAN = "uk-era-loan-ht-gbp"
INSTALMENT = "uk-era-tranche-ansa-gbp"
# One figure of each kind, as the source printed it (the Matching exercise).
KIND_FIGURES = ("uk-era-loan-ht-gbp", "thales-lmm-contract-bbc-gbp", "uk-lmm-ef-reuters-gbp",
                "gbr-def-2-5-official", "uk-3bn-year-lbc-2024")


def _bn(pledge_id: str) -> float:
    return value("pledges", pledge_id, "amount") / 1e9


def _rate(rate_id: str) -> float:
    return value("exchange_rates", rate_id, "rate")


def _per_missile(pledge_id: str) -> float:
    return value("pledges", pledge_id, "amount") / value("pledges", DEAL, "quantity")


def kind_pairs() -> dict[str, str]:
    """Each figure as printed → its kind of money, in words."""
    return {row("pledges", p)["as_reported"]: row("pledges", p)["kind"].replace("_", " ") for p in KIND_FIGURES}


def versions_in_gbp():
    """Every version of the deal that has an amount, in pounds at the data's rates, by pledge id."""
    found = analysis.versions(DEAL_GROUP)
    found = found[found["amount"].notna()]
    return analysis.in_currency(found, "GBP").set_index("pledge_id")["amount_GBP"]


EXERCISES = [
    Numeric("money.euros", "The UK loan in billions of euros, at the data's pound-euro rate of 3 March.",
            hints=("Find the rate with rate_id 'market-gbp-eur-2025-03-03': it says how many euros one pound buys.",
                   "Euros = pounds × (euros per pound). Work in billions: start from the amount divided by "
                   "1,000,000,000.",
                   "Multiply the loan in billions of pounds by the rate, and give just the number."),
            answer=lambda: _bn(LOAN) * _rate(GBP_EUR), unit="billion EUR",
            traps=((lambda: _bn(LOAN), "that is the figure in pounds: it still needs converting to euros."),
                   (lambda: _bn(LOAN) / _rate(GBP_EUR),
                    "you divided by the rate. The rate is euros per pound, so pounds × rate gives euros."),
                   (lambda: _bn(LOAN) * _rate(GBP_USD),
                    "that is in US dollars: you used the pound-dollar rate, not the pound-euro rate."),
                   (lambda: _bn("uk-era-loan-shafaq-gbp") * _rate(GBP_EUR),
                    "you started from Shafaq News' figure for the loan, which its own article contradicts."))),
    Numeric("money.per_missile", "The price per missile the headline implies, in pounds.",
            hints=("Divide the deal's amount by its number of missiles (the quantity column).",
                   "analysis.per_unit(...) does this division for one row; give the answer in pounds, "
                   "not thousands or millions of pounds."),
            answer=lambda: analysis.per_unit(DEAL), unit="GBP per missile",
            traps=((lambda: _per_missile("thales-lmm-contract-bbc-gbp"),
                    "that uses the initial Thales contract value, not the headline figure of the deal."),
                   (lambda: analysis.per_unit("uk-lmm-ef-reuters-usd"),
                    "that is in US dollars (the Reuters conversion); the question asks for pounds."),
                   (lambda: analysis.per_unit("uk-lmm-ef-euronews-eur"),
                    "that is in euros (the Euronews conversion); the question asks for pounds."))),
    Choice("money.export_finance", "What is export finance?",
           options={"a": "a gift of money from the UK government to Ukraine",
                    "b": "credit, arranged by the UK's export credit agency, that lets Ukraine buy goods made "
                         "in the UK",
                    "c": "the price the UK government pays a company such as Thales for its order",
                    "d": "a loan repaid from profits on frozen Russian assets"},
           hints=("Read the note on the row 'uk-lmm-ef-pm-remarks': what does Ukraine do with the money, "
                  "and who makes the missiles?",
                  "Credit means money you can use now and must pay for later."),
           answer_hash="166d5fa80a53f5b1e76a7fa5f9aa6c494d8f3c0bde816c8e16f44a3c3fbc6daf",
           explanations={"a": "A gift is never paid back; the notes say export finance is credit, not a gift.",
                         "b": "UK Export Finance is the UK's export credit agency; Ukraine uses the credit "
                              "to buy missiles made in Belfast.",
                         "c": "That describes a contract value, a different kind of figure in the table.",
                         "d": "That describes the other UK loan signed on the summit weekend, not export "
                              "finance."}),
    Numeric("money.instalment", "One yearly instalment of the UK loan, in millions of pounds.",
            hints=("The loan is paid in three equal yearly instalments: look at the rows of report group "
                   "'uk-era-loan-instalments', or divide the loan by three.",
                   "Use the loan as most sources give it, not a rounded or mistyped version.",
                   "Give the answer in millions: divide the amount in pounds by 1,000,000."),
            answer=lambda: value("pledges", INSTALMENT, "amount") / 1e6, unit="million GBP",
            traps=((lambda: value("pledges", "uk-era-tranche-ansa-eur", "amount") / 1e6,
                    "that is ANSA's conversion into euros; the question asks for pounds."),
                   (lambda: value("pledges", "uk-era-loan-shafaq-gbp", "amount") / 3e6,
                    "you used Shafaq News' figure for the loan, which its own article contradicts "
                    "(most likely a typo)."),
                   (lambda: value("pledges", "uk-era-loan-pm-gbp", "amount") / 3e6,
                    "you used the Prime Minister's rounded figure for the loan; the agreement is more precise."))),
    Matching("money.kinds", "Match each figure, as printed, to its kind of money.",
             hints=("Read each row's note: does someone pay it back, is it a share of GDP, or money paid to "
                    "a company?",
                    "The kinds are: loan, contract value, export finance, budget target, military aid."),
             pairs=kind_pairs),
    Value("money.versions", "Every version of the missile deal that has an amount, converted to pounds.",
          hints=("Start from analysis.versions('uk-lmm-export-finance-2025-03-02') and keep the rows whose "
                 "amount is not missing (.notna()).",
                 "analysis.in_currency(rows, 'GBP') adds a column amount_GBP.",
                 "Finish with .set_index('pledge_id')['amount_GBP'] to get a Series labelled by pledge id."),
          answer=versions_in_gbp),
    MultiChoice("money.seed", "Which statements about the seed article's money claims are true?",
                options={"a": "the seed gives the same amount of pounds as the official remarks",
                         "b": "the seed calls the money financial aid, where the official remarks describe "
                              "export finance",
                         "c": "the seed says the UK will provide the missiles, where the sources say Ukraine "
                              "will buy them with UK export finance",
                         "d": "the seed gives the figure in euros",
                         "e": "the seed explains that the money is a loan repaid from profits on frozen "
                              "Russian assets"},
                hints=("Compare the seed's rows (source_id 'seed-article') with the row 'uk-lmm-ef-pm-remarks'.",
                       "A claim can give the right number and still mislead: look at the words around it."),
                answer_hashes=frozenset({
                    "3ec0e7a86e40b2a3cd50b3e27f3b3bb538e89a7e7e037560eff3f33fc34f8cbd",
                    "f1ee3a44eadc391b7fcff4397073e944a07cadc586e9ac745ad22fcf331dc8e2",
                    "bce1680c7d8edb824afdef43a48efe66942fa1569cd33fb761ead62e527fb205"})),
]
