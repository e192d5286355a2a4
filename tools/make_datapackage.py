"""Write data/datapackage.json from the compact description below.

The description is the one place the schema is written; run this after changing it:
    python tools/make_datapackage.py
"""
import json
from pathlib import Path

ID = {"type": "string", "constraints": {"required": True, "pattern": "^[a-z0-9][a-z0-9-]*$"}}
IDS = {"type": "string", "constraints": {"pattern": "^[a-z0-9][a-z0-9-]*(;[a-z0-9][a-z0-9-]*)*$"}}
CURRENCY = ["GBP", "EUR", "USD"]
# Reliability classes of sources, strongest first (explained in data/README.md).
RELIABILITY = ["official", "editorial", "outlet", "state_media", "partisan", "aggregator", "seed"]
# The last day the facts in this package reach: lessons show it as "the data runs to ...".
AS_OF = "2025-10-24"  # the coalition meeting in London, the latest event in events.csv


def f(name, ftype, description, unit="", required=False, **constraints):
    field = {"name": name, "type": ftype, "description": description}
    if ftype == "date":
        field["format"] = "%Y-%m-%d"
    if unit:
        field["unit"] = unit
    if required:
        constraints["required"] = True
    if constraints:
        field["constraints"] = constraints
    return field


def ref(name, description, resource, required=True):
    field = {"name": name, "type": "string", "description": description,
             "constraints": dict(ID["constraints"], required=required)}
    return field, {"fields": name, "reference": {"resource": resource, "fields": resource_key(resource)}}


def refs(name, description, resource):
    field = {"name": name, "type": "string", "description": description,
             "constraints": dict(IDS["constraints"]), "lessonkit:listOf": resource}
    return field


def resource_key(resource):
    return {"sources": "source_id", "actors": "actor_id", "topics": "topic_id"}[resource]


SOURCE, SOURCE_FK = ref("source_id", "The main public source for this row.", "sources")
ALSO = refs("also_source_ids", "Further sources for this row, separated by ';'.", "sources")

TABLES = {
    "sources": {
        "description": "Every public source a fact in this package comes from.",
        "key": "source_id",
        "fields": [
            dict(ID, name="source_id", description="Short stable id of the source."),
            f("publisher", "string", "Who published it.", required=True),
            f("title", "string", "Headline or title, as published.", required=True),
            f("url", "string", "Where it was published (for the seed article: its path in this repository).",
              required=True, pattern="^(https?://|seeds/)\\S+$"),
            f("published", "date", "Date of publication; required for every kind but 'seed', whose date is unknown."),
            f("accessed", "date", "Date this copy was read for the module.", required=True),
            f("kind", "string", "What sort of source it is.", required=True,
              enum=["official", "news_wire", "news_outlet", "analysis", "reference", "seed"]),
            f("language", "string", "Language of the source (ISO 639-1).", required=True,
              pattern="^[a-z]{2}$"),
            f("reliability", "string", "How far to trust the source: official (an official record, or a "
              "faithful copy of one), editorial (a news wire or outlet with public editorial standards), "
              "outlet (another news outlet), state_media (media controlled by a state), partisan (partisan "
              "or advocacy), aggregator (an aggregator, content farm or unfaithful mirror), seed (the seed "
              "article). What each class may support is ruled in data/README.md.",
              required=True, enum=RELIABILITY),
            f("controlled_by", "string", "For state-controlled media: the state that controls it, as an "
              "adjective (e.g. Russian); empty otherwise."),
            f("basis", "string", "One line saying why the source has its reliability class.", required=True),
            f("copy", "boolean", "true when url is a copy of the original held elsewhere (an archive copy "
              "or a faithful republication); publisher and title are then the original's, and note names "
              "the site the copy lives on.", required=True),
            f("title_from", "string", "Where the title was read: on the page itself, or rebuilt from the "
              "URL because the stored page shows no headline.", required=True, enum=["page", "url"]),
            f("note", "string", "What this source is used for, or a caveat."),
        ],
        "fks": [],
    },
    "actors": {
        "description": "Countries, organisations and people in the story, and who was at the summit.",
        "key": "actor_id",
        "fields": [
            dict(ID, name="actor_id", description="Short stable id (ISO 3166 alpha-3 in lower case for states)."),
            f("name", "string", "Name as usually written in English.", required=True),
            f("kind", "string", "State, organisation or person.", required=True,
              enum=["state", "organisation", "person"]),
            ref("represents", "For a person: the state or organisation they spoke for.", "actors", required=False)[0],
            f("role", "string", "For a person: their office at the time of the summit (2 March 2025); "
              "a later change is in later_note."),
            f("at_summit", "string", "Whether the actor was at Lancaster House on 2 March 2025.",
              required=True, enum=["attended", "absent", "not_applicable"]),
            f("attendance_note", "string", "Why an absence matters, or how the actor took part."),
            SOURCE, ALSO,
            f("later_note", "string", "What changed in the actor's role after the summit, if anything "
              "(for example a successor in office)."),
            f("later_date", "date", "When that change happened (required with later_note)."),
            ref("later_source_id", "The public source for later_note and later_date.", "sources", required=False)[0],
        ],
        "fks": [{"fields": "represents", "reference": {"resource": "actors", "fields": "actor_id"}}, SOURCE_FK,
                {"fields": "later_source_id", "reference": {"resource": "sources", "fields": "source_id"}}],
    },
    "topics": {
        "description": "The questions on which actors' positions are recorded.",
        "key": "topic_id",
        "fields": [
            dict(ID, name="topic_id", description="Short stable id."),
            f("name", "string", "Short name of the topic.", required=True),
            f("question", "string", "The question a position answers.", required=True),
            SOURCE, ALSO,
        ],
        "fks": [SOURCE_FK],
    },
    "events": {
        "description": "A dated timeline from mid-February 2025 to the package's as-of date: the weeks around "
                       "the summit, then a short record of what happened next.",
        "key": "event_id",
        "fields": [
            dict(ID, name="event_id", description="Short stable id."),
            f("date", "date", "Day the event happened (local time where it happened).", required=True),
            f("title", "string", "One-line title.", required=True),
            f("summary", "string", "What happened, in two sentences at most.", required=True),
            f("theme", "string", "Main theme.", required=True,
              enum=["diplomacy", "summit", "military_aid", "ceasefire", "security_guarantees",
                    "defence_spending", "sanctions_and_assets", "us_policy", "russia"]),
            refs("actor_ids", "Actors involved, separated by ';'.", "actors"),
            SOURCE, ALSO,
        ],
        "fks": [SOURCE_FK],
    },
    "pledges": {
        "description": "Money and equipment figures announced around the summit, and earlier figures for scale.",
        "key": "pledge_id",
        "fields": [
            dict(ID, name="pledge_id", description="Short stable id."),
            ref("donor_id", "Who announced or provides it.", "actors")[0],
            ref("recipient_id", "Who receives it.", "actors")[0],
            f("item", "string", "What the money or equipment is, in a few words.", required=True),
            f("kind", "string", "What kind of money or commitment it is (total_assistance: military, "
              "financial and humanitarian aid counted together).", required=True,
              enum=["grant", "loan", "export_finance", "contract_value", "budget_target",
                    "military_aid", "total_assistance", "equipment", "fund"]),
            f("amount", "number", "Amount in the row's currency (full units, not millions).",
              unit="currency units", minimum=0),
            f("currency", "string", "Currency of amount (ISO 4217).", enum=CURRENCY),
            f("quantity", "integer", "Number of items, for equipment.", unit="items", minimum=0),
            f("quantity_unit", "string", "What quantity counts (e.g. missiles)."),
            f("announced", "date", "Date the figure was announced.", required=True),
            f("as_reported", "string", "The figure exactly as the source printed it.", required=True),
            f("report_group", "string",
              "Rows with the same value describe the same announcement as reported by different sources."),
            f("note", "string", "What the figure does and does not mean."),
            SOURCE, ALSO,
        ],
        "fks": [{"fields": "donor_id", "reference": {"resource": "actors", "fields": "actor_id"}},
                {"fields": "recipient_id", "reference": {"resource": "actors", "fields": "actor_id"}},
                SOURCE_FK],
    },
    "exchange_rates": {
        "description": "Dated exchange rates used by the currency converter.",
        "key": "rate_id",
        "fields": [
            dict(ID, name="rate_id", description="Short stable id."),
            f("date", "date", "Day the rate applies to.", required=True),
            f("base", "string", "Currency converted from.", required=True, enum=CURRENCY),
            f("quote", "string", "Currency converted to.", required=True, enum=CURRENCY),
            f("rate", "number", "Units of quote currency per one unit of base currency.",
              unit="quote per base", required=True, exclusiveMinimum=0),
            f("note", "string", "Which fixing or reference rate this is."),
            SOURCE, ALSO,
        ],
        "fks": [SOURCE_FK],
    },
    "positions": {
        "description": "Where each main actor stood on each topic, with short attributed quotes.",
        "key": "position_id",
        "fields": [
            dict(ID, name="position_id", description="Short stable id."),
            ref("actor_id", "Whose position it is.", "actors")[0],
            ref("topic_id", "Which topic.", "topics")[0],
            f("stance", "string", "The position in one word.", required=True,
              enum=["supports", "opposes", "conditional", "undecided"]),
            f("summary", "string", "The position in one or two sentences, in our words.", required=True),
            f("quote", "string", "A short quote from the source, verbatim."),
            ref("quote_speaker_id", "Who said the quote.", "actors", required=False)[0],
            f("date", "date", "When the position was stated.", required=True),
            SOURCE, ALSO,
            f("quote_english", "string", "Our English translation of a quote that is not in English; "
              "empty when the quote is in English."),
        ],
        "fks": [{"fields": "actor_id", "reference": {"resource": "actors", "fields": "actor_id"}},
                {"fields": "topic_id", "reference": {"resource": "topics", "fields": "topic_id"}},
                {"fields": "quote_speaker_id", "reference": {"resource": "actors", "fields": "actor_id"}},
                SOURCE_FK],
    },
    "claims": {
        "description": "Every checkable claim of the seed article, with a verdict and the sources for it.",
        "key": "claim_id",
        "fields": [
            dict(ID, name="claim_id", description="Short stable id, in the order the claims appear in the seed."),
            f("seed_excerpt", "string", "The words of the seed article that make the claim, verbatim.", required=True),
            f("claim", "string", "The claim restated plainly.", required=True),
            f("verdict", "string", "What the sources say of it.", required=True,
              enum=["accurate", "inaccurate", "misleading", "unverifiable", "opinion"]),
            f("correction", "string", "What is right instead (required for inaccurate and misleading)."),
            f("explanation", "string", "Why the verdict, in two sentences at most.", required=True),
            SOURCE, ALSO,
        ],
        "fks": [SOURCE_FK],
    },
    "corrections": {
        "description": "Every correction made to a row after the module first shipped: what changed, when, why "
                       "and on what source (newest corrections last).",
        "key": "correction_id",
        "fields": [
            dict(ID, name="correction_id", description="Short stable id, in the order the corrections were made."),
            f("table", "string", "The table of the corrected row.", required=True,
              enum=["sources", "actors", "topics", "events", "pledges", "exchange_rates", "positions", "claims"]),
            f("row_id", "string", "The id of the corrected row.", required=True),
            f("field", "string", "The corrected column; 'row' when the whole row was removed, and for sources "
              "'source_id' when one id was merged into another.", required=True),
            f("old", "string", "The value before the correction (empty when there was none)."),
            f("new", "string", "The value after the correction, exactly as the row now holds it (empty when "
              "the row or value was removed)."),
            f("date", "date", "When the correction was made.", required=True),
            f("reason", "string", "Why the row was corrected.", required=True),
            ref("source_id", "The source that supports the new value (empty for a removed row).", "sources",
                required=False)[0],
        ],
        "fks": [SOURCE_FK],
    },
}

ORDER = ["sources", "actors", "topics", "events", "pledges", "exchange_rates", "positions", "claims", "corrections"]


def build() -> dict:
    """The package description as a dict."""
    resources = []
    for name in ORDER:
        t = TABLES[name]
        resources.append({
            "name": name,
            "path": f"{name}.csv",
            "type": "table",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": t["description"],
            "schema": {"fields": t["fields"], "primaryKey": t["key"], "foreignKeys": t["fks"],
                       "missingValues": [""]},
        })
    package = {
        "name": "london-summit-2025",
        "title": "The London summit on Ukraine's security, 2 March 2025",
        "description": "Sourced facts behind the lessonkit teaching module. Every row names a public source.",
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                      "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "lessonkit:asOf": AS_OF,
        "resources": resources,
    }
    return package


def render() -> str:
    """The text of data/datapackage.json."""
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


def main():
    out = Path(__file__).resolve().parents[1] / "data" / "datapackage.json"
    out.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main()
