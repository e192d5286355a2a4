"""Answer key of Lesson 6, reading the news critically.

Verdicts, counts and lists come from the claims table when checked, so a corrected verdict
corrects the exercise; constant answers are salted hashes (``lessonkit hash ID ANSWER``).
"""

from .._checkers import Choice, MultiChoice, Numeric, Text, Value
from .._data import load
from .._facts import value

VERDICTS = {"a": "accurate", "b": "inaccurate", "c": "misleading", "d": "unverifiable", "e": "opinion"}
VERDICT_CLAIM = "c34"  # the one-month ceasefire claim
WRONG = ("inaccurate", "misleading")
# The excerpts shown for the fact-or-opinion exercise, by option letter.
OPINION_OPTIONS = {"a": "c17", "b": "c18", "c": "c32", "d": "c36", "e": "c21"}


def _verdict_label() -> str:
    verdict = value("claims", VERDICT_CLAIM, "verdict")
    return next(label for label, text in VERDICTS.items() if text == verdict)


def _wrong_count() -> int:
    return int(load("claims")["verdict"].isin(WRONG).sum())


def _inaccurate_ids() -> list[str]:
    claims = load("claims")
    return list(claims.loc[claims["verdict"] == "inaccurate", "claim_id"])


def _office() -> list[str]:
    return [value("actors", "medvedev", "role").split(";")[0].strip()]


EXERCISES = [
    MultiChoice("news.opinion", "Which of the five excerpts are opinions: judgements that no source can "
                                "prove true or false?",
                options={label: f"claim {cid}" for label, cid in OPINION_OPTIONS.items()},
                hints=("An opinion interprets or judges ('an important symbol', 'not an attractive option'); "
                       "a fact can be checked against a record.",
                       "A statement can be checkable and still be false: that makes it inaccurate, not an "
                       "opinion. Look at the excerpt about Trump again.",
                       "Check yourself: claims[claims['claim_id'].isin([...])][['claim_id', 'verdict']]."),
                answer_hashes=frozenset({
                    "15ac1ae349a535efef63ad072cbd80b0da2d33bdc5f05675a0dedf9fa28afec9",
                    "6ba0fb1d1364e1438b46f22dd285cf8476f7f74475f25da50db60da68f322095"})),
    Choice("news.verdict", "What verdict does the claims table give the article's claim about a "
                                   "one-month ceasefire?",
                   options=dict(VERDICTS),
                   hints=(f"Find the row with claim_id '{VERDICT_CLAIM}' in the claims table.",
                          "Read its verdict and correction: what does the article leave out about what the "
                          "truce would cover?"),
                   answer=_verdict_label,
                   explanations={"a": "Accurate means the sources confirm the claim as the article words it.",
                                 "b": "Inaccurate means the sources show the claim is false.",
                                 "c": "Misleading means partly true, but worded or cut so that a reader gets a "
                                      "wrong picture.",
                                 "d": "Unverifiable means no source we have can confirm or refute it.",
                                 "e": "An opinion is a judgement, not a checkable statement."}),
    Numeric("news.wrong", "How many of the article's claims does the data mark inaccurate or misleading?",
            hints=("Use the verdict column of the claims table.",
                   "claims['verdict'].isin(['inaccurate', 'misleading']).sum() counts both at once."),
            answer=_wrong_count, unit="claims", tolerance=0,
            traps=((lambda: int((load("claims")["verdict"] == "misleading").sum()),
                    "that counts only the misleading claims; add the inaccurate ones."),
                   (lambda: int((load("claims")["verdict"] == "inaccurate").sum()),
                    "that counts only the inaccurate claims; add the misleading ones."))),
    Value("news.inaccurate", "The claim_ids of the claims marked inaccurate, in the order of the article.",
          hints=("Filter the claims table: claims[claims['verdict'] == 'inaccurate'].",
                 "Then take the claim_id column as a list: list(...['claim_id'])."),
          answer=_inaccurate_ids),
    Text("news.medvedev", "What office did Dmitry Medvedev hold at the time of the summit?",
         hints=("Look him up in the actors table (actor_id 'medvedev'), column role.",
                "The article only calls him a former president. He was second in command of a Russian "
                "council on security."),
         accepted=_office,
         accepted_hashes=frozenset({
                    "0870e5c18b30d7adc233c205fba364ac9ab29f329bbc7efd2d61d18cb4d99795",
                    "0b4f440bb5e26999d80b8725cdd44d40fab8c1b24ebc639ef99e8431bf37eaee",
                    "0d831fd402351108f5f2984cc3c4f8a3bc4165f7765d5696d3bcc663b4e9060e",
                    "19f5f25ad4d49acc23089825ec9d0d217d83c0af2c774aee821b1f163203f109",
                    "1d61214489741b5926c38d1086ef5d6bc2d2afd5305af85126ae3cacacc3b236",
                    "351f08aef8e35f974db6c0da51f3343d433f7c8fcf6472d6dffe3ff466be09af",
                    "38e7280eb4b7b44a6c8ba0f9a45dabf8ff920ae2fb1b64a9a3f710536b6d3cdb",
                    "3c70777bfc467fa25597b2ee4a535e0a3d66dff4742e9c7fa87b33f295efee1e",
                    "3dac9b2a659cb534f8382312f85d765f08c75c9642db4e0445da68a59f40c00e",
                    "3ecc982de2485e6f66f5f41adef49fcfb92ad825e56c5a0a83cc67e1417a848e",
                    "4deb368c96d8b6f954d2f329b820229567b76e3efacc02a67dff54ebf83bbfa8",
                    "5114c8f135f5f62b82a514ca56ae5be572b5cb57cad3476da5f6c0b840b10272",
                    "561f36fdccc9f8150accc982c020531ce73e425425818bfbff9d1e6156c673cf",
                    "567a68745685dedac183ae4172081fcf734890eaa3bbc4293e12b3e207af59b8",
                    "580db896045f425dcaa34b74992c3255c1eca7beee664b6d37eff8fc3b0d8239",
                    "5f94a8d7a9899ff6c24bc4ed8abd1e1923803d19766bdbfb1556c97001356dbc",
                    "6454072644e895c0ab616373121395416e0c327b9c6815e9e9628746d8025c2a",
                    "6fbe2525cc0aa6237af5d3d037510586c789804d1fd8c2dd793ba1eb9f2609a7",
                    "756c7a1b142869fa10708ab5d7b239c20fe318114ba0f5a211ad89c3f5fba867",
                    "7d6fa7c688fbb44a6cc201d0bca101693f405597532a5b89061f827ca19c2530",
                    "84e52019bee486769b988a4d48d851936a7fcabee139666305cf8bd6e0a5fe16",
                    "87471b1106bdba32a2ff781baacb80e17cadd97782d1cff026c0468eb425238d",
                    "93bdb2e8a7d7cab9536a07fb82636265d7c35e863b07679bcfddd220349c77d6",
                    "adee523cb96128f9fe8641a780b4e15964997c0b237b79ee3aca3d3e5a7dbb71",
                    "b62ea320796fc88ed66337181f2015457521ce8328e9f579f048bf2f1d80e3e7",
                    "b6d0e1830c33eda06b543e1aae76c3c7cdc90c82ad219aa634cefdaf5d45cef7",
                    "bbb79e3d763590d1df0ed6f142c0ffa9d50cab5fabc64923d5c70e2a1d080d87",
                    "bcb796cafe4e5703eaea1b2fcd875739ccd74f35e405bc645ad46f44a3edb21c",
                    "cde951dad12e1ab6ce1668713dc634caae66f0e82ea59a2d518eebe5573f589c",
                    "d718f65f2fb43e31eae41fd81cbea7619b1290a57e28e46fccc1e0187d6892b7",
                    "e0ad8d8afd96bf257e7f4f4b238512672a3e65ac20b87dc38f5d7dc175ad9f7d",
                    "ee003af9d37f8753dd1f44924adee9eafc83150509bdf14a59d894497cf453bf",
                    "efe5bd989ef91e462a5c579c2dc4dd563d1e3ef3582d17d14b80c6846ca96035",
                    "f14abf9fb4deec0938a1281a06a8922c4d1701d7f71b62ca27064d0a5e876a7e",
                    "f6b470a20e9f559305785a9d069429a4fb2d78804710fbfb190f064dea6a6120",
                    "f7d553e7e0db7a53eabaf81c5e49f389a531dbdf9b95ca297a6c3c2cca92322f",
         })),
    Choice("news.aid", "The article calls the UK's missile deal 'financial aid'. Why does the data call "
                       "that misleading?",
           options={"a": "the amount in the article is far too high",
                    "b": "it is export finance: credit Ukraine uses to buy missiles made in the UK, not a gift",
                    "c": "the UK announced no deal at the summit",
                    "d": "the money went to France, not Ukraine"},
           hints=("Read the correction of claim c13 in the claims table.",
                  "Lesson 3 explained what export finance is: who pays, and who gets the money?"),
           answer_hash="f1357a7b1a4ca3b933e18a28fcb4dc7f820953d5b68ac7d66ea511c336005941",
           explanations={"a": "The figure matches the official one; the problem is the word 'aid'.",
                         "b": "A loan or credit must be paid for; aid is given away.",
                         "c": "The deal was announced at the summit: see the pledges table.",
                         "d": "The missiles are made in Belfast and go to Ukraine."}),
]
