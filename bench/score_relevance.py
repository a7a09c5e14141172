"""Score `briefing classify --json` output against a labelled relevance set (the blind holdout).

Run:
    uv run python bench/score_relevance.py items tests/data/holdout/relevance_holdout.jsonl > /tmp/items.jsonl
    uv run briefing classify --json /tmp/items.jsonl > /tmp/out.jsonl
    uv run python bench/score_relevance.py score tests/data/holdout/relevance_holdout.jsonl /tmp/out.jsonl

The holdout's lines are {id, title, summary, language, feed_mode, relevant, actors, kind} with
actors as plain English names; `items` writes them in the shape `classify` reads (a `focused`
feed is judged in the `default` mode unless `--focused-all` is given: the labels say what an
item is about, which `all` does not judge). `score` prints relevance precision, recall and F1
overall and per kind, and the actor micro-F1 after mapping each name to a gazetteer id by the
table below (written by hand), else by the gazetteer's names and aliases; a name found in
neither is reported and counted as a miss.
`-v` lists the items with a wrong verdict or wrong actors, with their reasons.

The own labelled sets (tests/data/labelled/relevance.jsonl, holdout.jsonl) are read too: their
actors are gazetteer ids already, and their `lang`, `mode` and `published` are passed on:
    uv run python bench/score_relevance.py items tests/data/labelled/relevance.jsonl > /tmp/own.jsonl
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

NAME_TO_ID = {
    "Abdul Hamid Dbeibah": "abdul-hamid-dbeibah",
    "Africa Corps": "africa-corps",
    "Aguila Saleh": "aguila-saleh",
    "Algeria": "algeria",
    "Ansar al-Sharia": "ansar-al-sharia",
    "Central Bank of Libya": "central-bank-of-libya",
    "Egypt": "egypt",
    "European Union": "european-union",
    "February 17 Martyrs Brigade": "february-17-brigade",
    "Government of National Stability": "gns",
    "Government of National Unity": "gnu",
    "Greece": "greece",
    "High Council of State": "hcs",
    "High National Elections Commission": "hnec",
    "House of Representatives": "hor",
    "International Criminal Court": "icc",
    "Italy": "italy",
    "Khalifa Haftar": "khalifa-haftar",
    "Libyan Coast Guard": "libyan-coast-guard",
    "Libyan National Army": "lna",
    "Mohamed al-Menfi": "mohamed-al-menfi",
    "National Oil Corporation": "noc",
    "Presidential Council": "presidential-council",
    "Radaa Deterrence Force": "rada",
    "Russia": "russia",
    "Turkey": "turkey",
    "UAE": "uae",
    "UN Security Council": "un-security-council",
    "UNSMIL": "unsmil",
    "Wagner Group": "wagner-group",
    "United Nations": "united-nations",
}
"""Holdout actor names → gazetteer ids."""
# Actors a labeller may leave out: an implied actor (the UN behind UNSMIL or the Security
# Council) is named through another one, so it is neither credited nor charged.
IMPLIED = {"united-nations"}


def _states() -> tuple[set[str], set[str], dict[str, str]]:
    """Ids of the gazetteer's states, all its ids, and each folded name or alias's id (imported
    here: `items` needs no briefing)."""
    from briefing.intelligence.gazetteer import load_gazetteer
    from briefing.intelligence.matching import phrase_key

    actors = load_gazetteer().actors.values()
    by_name: dict[str, str] = {}
    for a in actors:
        for name in (a.name, a.id, *a.aliases):
            by_name.setdefault(phrase_key(name), a.id)
    return {a.id for a in actors if a.kind == "state"}, {a.id for a in actors}, by_name


def _read(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def items(path: Path, focused: str) -> None:
    for row in _read(path):
        if "mode" in row:  # the own sets name the mode they are judged in
            mode = row["mode"]
        else:
            mode = focused if row.get("feed_mode") == "focused" else "default"
        item = {
            "id": row["id"],
            "title": row["title"],
            "summary": row.get("summary", ""),
            "lang": row.get("language", row.get("lang")),
            "mode": mode,
        }
        if row.get("published"):
            item["published"] = row["published"]
        print(json.dumps(item, ensure_ascii=False))


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score(labelled: Path, output: Path) -> None:
    gold = {row["id"]: row for row in _read(labelled)}
    got = {row["id"]: row for row in _read(output)}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # tp fp fn tn
    atp = afp = afn = 0
    # The same without states on either side: the holdout names a state only when it acts in
    # Libya's affairs, while the gazetteer reports every state an item names (its convention).
    states, ids, by_name = _states()
    from briefing.intelligence.matching import phrase_key

    stp = sfp = sfn = 0
    # And on the items labelled relevant only: the holdout lists no actor for an item that is
    # not about Libya, while the tool reports whoever such an item names.
    rtp = rfp = rfn = 0
    unmapped: set[str] = set()
    wrong: list[str] = []
    for item_id, row in gold.items():
        out = got.get(item_id)
        if out is None:
            print(f"missing from the output: {item_id}", file=sys.stderr)
            continue
        want, have = bool(row["relevant"]), bool(out["relevant"])
        slot = 0 if want and have else 1 if have else 2 if want else 3
        for kind in (row.get("kind", "?"), "all"):
            counts[kind][slot] += 1
        expected: set[str] = set()
        for name in row["actors"]:
            if name in ids:  # the own sets label with ids
                expected.add(name)
                continue
            # A name the table lacks is looked up among the gazetteer's names and aliases (a
            # leader's name stands for the state: "Vladimir Putin" is russia).
            known = NAME_TO_ID.get(name) or by_name.get(phrase_key(name))
            if known is None:
                unmapped.add(name)
            expected.add(known or f"?{name}")
        found = {a["id"] for a in out["actors"]}
        atp += len(found & expected)
        afp += len((found - expected) - IMPLIED)
        afn += len(expected - found)
        found_s, expected_s = found - states, expected - states
        stp += len(found_s & expected_s)
        sfp += len((found_s - expected_s) - IMPLIED)
        sfn += len(expected_s - found_s)
        if want:
            rtp += len(found & expected)
            rfp += len((found - expected) - IMPLIED)
            rfn += len(expected - found)
        if want != have or found - IMPLIED != expected - IMPLIED:
            reasons = "; ".join(
                f"{r['term']} ({r['field'][0]}) {r['weight']:+g}" for r in out["reasons"]
            )
            wrong.append(
                f"{item_id} [{row.get('kind')}] want {want} got {have} score {out['score']}"
                f" · actors +{sorted(found - expected - IMPLIED)} -{sorted(expected - found)}"
                f" · {reasons}"
            )
    print(f"{'kind':<18} {'n':>4} {'P':>6} {'R':>6} {'F1':>6} {'acc':>6}")
    for kind in sorted(counts, key=lambda k: (k == "all", k)):
        tp, fp, fn, tn = counts[kind]
        p, r, f = _f1(tp, fp, fn)
        n = tp + fp + fn + tn
        print(f"{kind:<18} {n:>4} {p:6.3f} {r:6.3f} {f:6.3f} {(tp + tn) / n:6.3f}")
    ap, ar, af = _f1(atp, afp, afn)
    print(f"actors: P={ap:.3f} R={ar:.3f} micro-F1={af:.3f} (tp {atp}, fp {afp}, fn {afn})")
    sp, sr, sf = _f1(stp, sfp, sfn)
    print(
        f"actors, states left out: P={sp:.3f} R={sr:.3f} micro-F1={sf:.3f} (tp {stp}, fp {sfp}, fn {sfn})"
    )
    rp, rr, rf = _f1(rtp, rfp, rfn)
    print(
        f"actors, items labelled relevant only: P={rp:.3f} R={rr:.3f} micro-F1={rf:.3f}"
        f" (tp {rtp}, fp {rfp}, fn {rfn})"
    )
    if unmapped:
        print(f"names without an id: {sorted(unmapped)}")
    if "-v" in sys.argv:
        print("\n".join(wrong))


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    if len(args) == 2 and args[0] == "items":
        focused = "all" if "--focused-all" in sys.argv else "default"
        items(Path(args[1]), focused)
    elif len(args) == 3 and args[0] == "score":
        score(Path(args[1]), Path(args[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
