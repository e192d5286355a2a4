"""How far the data can be trusted: sources by class, and rows that rest only on weak sources.

    python tools/source_report.py                      # report on data/
    python tools/source_report.py --data DIR           # report on another copy of the tables
    python tools/source_report.py --before DIR         # also list rows and sources DIR has and data/ lacks
    python tools/source_report.py --classes FILE.csv   # judge sources with the classes in FILE

The rules are the ones data/README.md states ("How far to trust a source") and that
tests/test_sources.py enforces. The functions read plain CSV, so the tool also reports on an
older copy of the data (for example one taken with `git archive 1915324 data`).
"""
import argparse
import csv
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
# Classes, strongest first (the same list as tools/make_datapackage.py).
CLASSES = ["official", "editorial", "outlet", "state_media", "partisan", "aggregator", "seed"]
# A row needs at least one source of these classes...
STRONG = {"official", "editorial", "outlet"}
# ...except rows that record what the seed article says (they are there to be checked).
SEED_TABLES = {"claims", "pledges"}
# The state a state-controlled outlet speaks for, by the adjective in `controlled_by`.
STATE_OF = {"Russian": "rus", "Chinese": "chn", "Turkish": "tur", "Qatari": "qat", "Pakistani": "pak",
            "Singaporean": "sgp"}
# Every publisher in the data that a state owns or funds, by the host of its URL, judged by the
# criterion of data/README.md: `state_media` when the state owns it or provides most of its money
# and no law guarantees its editorial independence from the government ("controlled"); classed by
# its editorial standards like any outlet when a law or charter guarantees that independence
# ("independent"). A wire report carried by a controlled outlet keeps the outlet's class.
STATE_FUNDED = {
    "aa.com.tr": ("Turkish", "controlled", "Anadolu Agency: owned by the Turkish Treasury; a 2019 presidential "
                  "decree put it under the Presidency's Directorate of Communications, which appoints its "
                  "management (State Media Monitor: state-controlled)"),
    "cgtn.com": ("Chinese", "controlled", "CGTN: part of China Media Group, run under the Communist Party's "
                 "Publicity Department; no guarantee of independence"),
    "chinadailyhk.com": ("Chinese", "controlled", "China Daily: owned by the Chinese state, carrying Xinhua, the "
                         "state news agency; no guarantee of independence"),
    "people.cn": ("Chinese", "controlled", "People's Daily: the Communist Party's newspaper, carrying Xinhua"),
    "sputnikglobe.com": ("Russian", "controlled", "Sputnik: part of the state media group Rossiya Segodnya, set "
                         "up by presidential decree; no guarantee of independence"),
    "sputniknews.africa": ("Russian", "controlled", "Sputnik Africa: part of Rossiya Segodnya, as above"),
    "aljazeera.com": ("Qatari", "controlled", "Al Jazeera: mainly funded by the State of Qatar, whose Council of "
                      "Ministers nominates its leaders; no law guarantees its independence (State Media "
                      "Monitor: state-controlled)"),
    "urdupoint.com": ("Pakistani", "controlled", "text of APP, the Associated Press of Pakistan, the state news "
                      "agency under the Ministry of Information; the AFP reports it carries keep its class"),
    "channelnewsasia.com": ("Singaporean", "controlled", "CNA: owned by Mediacorp, which the Singapore state "
                            "owns through Temasek; no law guarantees its independence; the Reuters report it "
                            "carries keeps its class"),
    "voazimbabwe.com": ("American", "independent", "Voice of America: funded by the US Congress through the US "
                        "Agency for Global Media; its charter (a law of 1976) and the International Broadcasting "
                        "Act's 'firewall' bar officials from directing its journalism"),
    "globalsecurity.org": ("American", "independent", "RFE/RL (in a copy): a private non-profit funded by the US "
                           "Congress through the US Agency for Global Media, under the same legal firewall"),
    "bbci.co.uk": ("British", "independent", "BBC News: funded by the licence fee; its Royal Charter guarantees "
                   "its editorial independence from the government"),
    "cbc.ca": ("Canadian", "independent", "CBC: Canada's public broadcaster; the Broadcasting Act guarantees its "
               "journalistic independence"),
    "wwno.org": ("American", "independent", "NPR (via a member station): partly publicly funded through the "
                 "Corporation for Public Broadcasting, which the Public Broadcasting Act bars from "
                 "interfering in content"),
    "gna.org.gh": ("Ghanaian", "independent", "Ghana News Agency: state-owned; Ghana's constitution insulates "
                   "state-owned media from government control; here it carries PA and dpa wire copy"),
    "rtvs.sk": ("Slovak", "independent", "RTVS/STVR: Slovakia's public broadcaster, independent by law; classed "
                "outlet, not editorial, because no published editorial standards in English were found"),
    "AFP": ("French", "independent", "AFP (carried in full by another site): funded in part by the French state under a 1957 "
                     "statute that guarantees its independence from the government"),
}
# Sites of networks known for propaganda or disinformation: only lesson 6's claims may cite them.
PROPAGANDA_HOSTS = ("news-pravda.com",)
# The placeholder basis the reliability columns were introduced with.
PROVISIONAL = "Provisional class"
# Hosts that belong to a publisher whose name the host does not spell (checked by copy_problems).
OWN_HOSTS: dict[str, str | tuple[str, ...]] = {
    "aa.com.tr": "Anadolu Agency", "feeds.bbci.co.uk": "BBC News", "chinadailyhk.com": "China Daily Hong Kong",
    "eu-info.de": "eu-info.de", "gao.gov": "U.S. Government Accountability Office", "gna.org.gh": "Ghana News Agency",
    "gov.uk": ("GOV.UK", "Prime Minister's Office, 10 Downing Street"), "hurriyetdailynews.com": "Hürriyet Daily News",
    "jang.com.pk": ("Jang", "The News International"),
    "oann.com": "One America News Network", "news.online.ua": "Online.ua", "en.sputniknews.africa": "Sputnik Africa",
    "tribuneindia.com": "The Tribune", "channelnewsasia.com": "CNA", "jpost.com": "The Jerusalem Post",
    "tbsnews.net": "The Business Standard", "en.people.cn": "People's Daily Online",
    "globalbankingandfinance.com": "Global Banking & Finance Review",
}
TABLES = ["actors", "topics", "events", "pledges", "exchange_rates", "positions", "claims"]


def read(data: Path, table: str) -> list[dict]:
    """The rows of one table as dicts of strings."""
    with (data / f"{table}.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def sources_of(row: dict) -> list[str]:
    """The row's main source followed by its further sources."""
    return [row["source_id"]] + [s for s in (row.get("also_source_ids") or "").split(";") if s]


def host(url: str) -> str:
    """The host of a URL without a leading 'www.'."""
    name = urlsplit(url).hostname or ""
    return name[4:] if name.startswith("www.") else name


def speaks_for(actor_id: str, actors: dict[str, dict]) -> str:
    """The state an actor is or represents (a person's `represents`, else the actor itself)."""
    actor = actors.get(actor_id, {})
    return actor.get("represents") or actor_id


def own_state_media(table: str, row: dict, sources: dict[str, dict], actors: dict[str, dict]) -> bool:
    """True when every source is state media of the state whose own official the row reports."""
    if table != "positions":
        return False
    states = {STATE_OF.get(sources[s]["controlled_by"]) for s in sources_of(row)
              if sources[s]["reliability"] == "state_media"}
    only_state_media = all(sources[s]["reliability"] == "state_media" for s in sources_of(row))
    return only_state_media and states == {speaks_for(row["actor_id"], actors)}


def weak_rows(data: Path, sources: dict[str, dict]) -> list[tuple[str, str, list[str]]]:
    """(table, row id, sources) of every row that no official, editorial or outlet source
    supports, leaving out seed rows and a state's media reporting its own officials."""
    actors = {a["actor_id"]: a for a in read(data, "actors")}
    found = []
    for table in TABLES:
        for row in read(data, table):
            ids = sources_of(row)
            classes = {sources[s]["reliability"] for s in ids}
            if classes & STRONG:
                continue
            if classes == {"seed"} and table in SEED_TABLES:
                continue
            if own_state_media(table, row, sources, actors):
                continue
            found.append((table, next(iter(row.values())), ids))
    return found


def propaganda_misuse(data: Path, sources: dict[str, dict]) -> list[tuple[str, str, str]]:
    """(table, row id, source) wherever a propaganda network's site is cited outside claims."""
    flagged = {s for s, r in sources.items() if host(r["url"]).endswith(PROPAGANDA_HOSTS)}
    return [(table, next(iter(row.values())), s) for table in TABLES if table != "claims"
            for row in read(data, table) for s in sources_of(row) if s in flagged]


def state_funded(row: dict) -> tuple[str, str, str, str] | None:
    """(key, state, "controlled" or "independent", reason) when a state owns or funds the
    publisher of a source (by the host of its URL, else by a wire named in `publisher`)."""
    name = host(row["url"])
    for key, entry in STATE_FUNDED.items():
        if name == key or name.endswith("." + key):
            return (key, *entry)
    for key, entry in STATE_FUNDED.items():
        if "." not in key and re.search(rf"\b{re.escape(key)}\b", row["publisher"]):
            return (key, *entry)
    return None


def state_media_problems(sources: dict[str, dict]) -> list[str]:
    """Sources classed against the state-media criterion: a controlled publisher not classed
    state_media (or with the wrong state), an independent one classed state_media, or a
    state_media source whose publisher the table does not explain."""
    problems = []
    for sid, r in sources.items():
        found = state_funded(r)
        if found is None:
            if r["reliability"] == "state_media":
                problems.append(f"{sid}: state_media, but its publisher is not in STATE_FUNDED")
            continue
        _, state, status, _ = found
        if status == "controlled" and (r["reliability"], r["controlled_by"]) != ("state_media", state):
            problems.append(f"{sid}: a {state} state-controlled publisher must be state_media, controlled_by {state}")
        if status == "independent" and r["reliability"] == "state_media":
            problems.append(f"{sid}: independent by law, so not state_media")
    return problems


def _name_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


_GENERIC_LABELS = {"www", "com", "co", "uk", "org", "net", "news", "amp", "en", "gov", "info", "de", "it", "ua",
                   "tr", "in", "pk", "gr", "sk", "ca", "ae", "za", "jp", "my", "no", "nl", "eu", "cn", "africa",
                   "online", "press", "tv", "ro", "be", "gh", "ch", "fr", "archives", "feeds", "central"}


def own_host(url: str, publisher: str) -> bool:
    """Whether a URL is on the publisher's own site (the publisher named before any bracket)."""
    name, main = host(url), _name_key(publisher.split(" (")[0])
    for known, owner in OWN_HOSTS.items():
        if name == known or name.endswith("." + known):
            owners = (owner,) if isinstance(owner, str) else owner
            return any(_name_key(o) == main for o in owners)
    labels = [lab for lab in re.split(r"[.-]", name) if lab not in _GENERIC_LABELS and len(lab) >= 2]
    return any(lab in main or main in lab for lab in labels)


def copy_problems(sources: dict[str, dict]) -> list[str]:
    """A copy's host is not the publisher's; a source that is not a copy is on the publisher's site."""
    problems = []
    for sid, r in sources.items():
        if r["reliability"] == "seed":
            continue
        own = own_host(r["url"], r["publisher"])
        if r["copy"] == "true" and own:
            problems.append(f"{sid}: marked as a copy, but {host(r['url'])} is {r['publisher']}'s own site")
        if r["copy"] == "false" and not own:
            problems.append(f"{sid}: {host(r['url'])} is not {r['publisher'].split(' (')[0]}'s own site: "
                            "mark it copy=true and name the original publisher, or name the site as publisher")
    return problems


def duplicate_urls(sources: dict[str, dict]) -> dict[str, list[str]]:
    """URLs (ignoring the scheme, 'www.' and a trailing slash) that more than one id cites."""
    ids: dict[str, list[str]] = {}
    for sid, r in sources.items():
        parts = urlsplit(r["url"])
        key = host(r["url"]) + parts.path.rstrip("/") + ("?" + parts.query if parts.query else "")
        ids.setdefault(key, []).append(sid)
    return {url: found for url, found in ids.items() if len(found) > 1}


def correction_problems(data: Path) -> list[str]:
    """Corrections in corrections.csv that the tables do not bear out: the latest correction of
    each cell must be what the row now holds; a removed row must be gone; a merged source id
    must be gone and the id it was merged into present."""
    tables = {t: {next(iter(r.values())): r for r in read(data, t)} for t in TABLES + ["sources"]}
    latest: dict[tuple[str, str, str], dict] = {}
    for c in read(data, "corrections"):
        latest[(c["table"], c["row_id"], c["field"])] = c
    problems = []
    for (table, row_id, field), c in latest.items():
        rows = tables.get(table)
        where = f"{c['correction_id']} ({table}:{row_id} {field})"
        if rows is None:
            problems.append(f"{where}: no table {table!r}")
        elif field == "row":
            if row_id in rows:
                problems.append(f"{where}: the row was recorded as removed but is still there")
        elif table == "sources" and field == "source_id":
            if row_id in rows or c["new"] not in rows:
                problems.append(f"{where}: the id should be gone and {c['new']!r} present")
        elif row_id not in rows:
            problems.append(f"{where}: the corrected row is missing")
        elif field not in rows[row_id]:
            problems.append(f"{where}: no column {field!r}")
        elif rows[row_id][field] != c["new"]:
            problems.append(f"{where}: the row holds {rows[row_id][field]!r}, not the corrected value {c['new']!r}")
    return problems


def source_problems(sources: dict[str, dict]) -> list[str]:
    """Broken promises of sources.csv: class, basis, controller, copy notes, URLs, URL titles."""
    problems = []
    for sid, r in sources.items():
        if r["reliability"] not in CLASSES or not r["basis"].strip():
            problems.append(f"{sid}: needs a class and a basis")
        if r["basis"].startswith(PROVISIONAL):
            problems.append(f"{sid}: the class is still provisional; review it and give a basis")
        if (r["reliability"] == "state_media") != bool(r["controlled_by"]):
            problems.append(f"{sid}: controlled_by is for state media only, and state media need it")
        if r["controlled_by"] and r["controlled_by"] not in STATE_OF:
            problems.append(f"{sid}: unknown controlling state {r['controlled_by']!r}")
        if r["copy"] == "true" and host(r["url"]) not in r["note"]:
            problems.append(f"{sid}: a copy's note must name where it lives ({host(r['url'])})")
        if r["reliability"] != "seed":
            parts = urlsplit(r["url"])
            if (parts.hostname or "").endswith(".") or "utm_" in r["url"] or "traffic_source" in parts.query:
                problems.append(f"{sid}: malformed or tracking URL {r['url']}")
        if r["title_from"] == "url" and "url" not in r["note"].lower():
            problems.append(f"{sid}: a title rebuilt from the URL must be noted")
    return problems


def report(data: Path, classes: Path | None = None, before: Path | None = None) -> str:
    """The text the tool prints."""
    sources = {r["source_id"]: r for r in read(data, "sources")}
    if classes is not None:
        judged = {r["source_id"]: r for r in _read_csv(classes)}
        for sid, r in sources.items():
            if sid in judged:
                r.update({k: judged[sid][k] for k in ("reliability", "controlled_by")})
    rows = sum(len(read(data, t)) for t in TABLES)
    by_class = Counter(r["reliability"] for r in sources.values())
    weak = weak_rows(data, sources)
    lines = [f"Data: {data}", f"{len(sources)} sources, {rows} data rows", "", "Sources by class:"]
    lines += [f"  {c:<12} {by_class.get(c, 0)}" for c in CLASSES]
    lines += ["", f"Titles rebuilt from the URL: {sum(r['title_from'] == 'url' for r in sources.values())}",
              f"Sources that are copies (copy=true): {sum(r['copy'] == 'true' for r in sources.values())}",
              "", f"Rows resting only on weak sources: {len(weak)} (no exceptions)"]
    for table, rid, ids in weak:
        cited = ", ".join(f"{s} ({sources[s]['reliability']})" for s in ids)
        lines.append(f"  {table}:{rid} <- {cited}")
    dups = duplicate_urls(sources)
    lines += ["", f"URLs cited by more than one id: {len(dups)}"] + [f"  {u}: {', '.join(i)}" for u, i in dups.items()]
    copies = copy_problems(sources)
    lines += ["", f"Copy flags that disagree with the URL's host: {len(copies)}"] + [f"  {c}" for c in copies]
    lines += ["", "State-owned or state-funded publishers (class by the criterion of data/README.md):"]
    for sid, r in sources.items():
        found = state_funded(r)
        if found:
            lines.append(f"  {sid}: {r['reliability']}{' (' + r['controlled_by'] + ')' if r['controlled_by'] else ''}"
                         f" - {found[1]}, {found[2]}: {found[3]}")
    wrong = state_media_problems(sources)
    lines += [f"State-media classes that break the criterion: {len(wrong)}"] + [f"  {w}" for w in wrong]
    misuse = propaganda_misuse(data, sources)
    lines += ["", f"Propaganda-network sources cited outside claims: {len(misuse)}"]
    lines += [f"  {t}:{rid} <- {s}" for t, rid, s in misuse]
    if before is not None:
        old = Counter(r["reliability"] for r in read(before, "sources"))
        lines += ["", f"Compared with {before}:", "  Sources by class, before -> after:"]
        lines += [f"    {c:<12} {old.get(c, 0):>3} -> {by_class.get(c, 0)}" for c in CLASSES]
        old_weak = len(weak_rows(before, {r["source_id"]: r for r in read(before, "sources")}))
        lines.append(f"  Rows resting only on weak sources, before -> after: {old_weak} -> {len(weak)}")
        lines += _left_out(before, data)
    return "\n".join(lines)


def _read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _left_out(before: Path, after: Path) -> list[str]:
    lines = []
    for table in TABLES + ["sources"]:
        old = {next(iter(r.values())): r for r in read(before, table)}
        new = {next(iter(r.values())) for r in read(after, table)}
        gone = sorted(set(old) - new)
        lines.append(f"  {table}: {len(gone)} left out" + (": " + ", ".join(gone) if gone else ""))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--classes", type=Path, help="a sources.csv whose classes to use instead")
    parser.add_argument("--before", type=Path, help="an older data folder to compare with")
    args = parser.parse_args()
    print(report(args.data, args.classes, args.before))


if __name__ == "__main__":
    main()
