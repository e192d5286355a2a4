"""Friendly labels for the codes in the data, in one place.

The data keeps short codes (``export_finance``, ``sanctions_and_assets``) that students use
in code; every widget, table and figure shows them as words with :func:`label`.
"""

from __future__ import annotations

CODE_LABELS = {
    # pledges.kind
    "budget_target": "Budget target",
    "contract_value": "Contract value",
    "equipment": "Equipment",
    "export_finance": "Export finance",
    "fund": "Fund",
    "loan": "Loan",
    "military_aid": "Military aid",
    "total_assistance": "Total assistance",
    # events.theme
    "ceasefire": "Ceasefire",
    "defence_spending": "Defence spending",
    "diplomacy": "Diplomacy",
    "russia": "Russia",
    "sanctions_and_assets": "Sanctions and assets",
    "security_guarantees": "Security guarantees",
    "summit": "The summit",
    "us_policy": "US policy",
    # actors.kind and actors.at_summit
    "organisation": "Organisation",
    "person": "Person",
    "state": "State",
    "attended": "Attended",
    "absent": "Absent",
    "not_applicable": "Not part of the summit",
}
CODE_COLUMNS = ("kind", "theme", "at_summit")  # columns whose cells are codes to label in tables


def label(code: str) -> str:
    """The words for a code of the data ('export_finance' -> 'Export finance').

    >>> label("sanctions_and_assets")
    'Sanctions and assets'
    >>> label("some_new_code")
    'Some new code'
    """
    if code in CODE_LABELS:
        return CODE_LABELS[code]
    words = str(code).replace("_", " ")
    return words[:1].upper() + words[1:]
