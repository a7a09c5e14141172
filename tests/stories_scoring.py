"""B-cubed and pairwise scores of stories (a partition of items) against a gold partition.

Used by bench/score_stories.py and the labelled-set floor test.

B-cubed (Bagga & Baldwin): per item, the share of its predicted story that is in its gold story
(precision) and of its gold story that is in its predicted story (recall), averaged. Pairwise:
over all pairs of items, a pair is positive when both are in one story.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1, B-cubed and pairwise, over `items` items."""

    items: int
    b3_precision: float
    b3_recall: float
    b3_f1: float
    pair_precision: float
    pair_recall: float
    pair_f1: float
    gold_pairs: int
    predicted_pairs: int


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(gold: Mapping[str, str], predicted: Mapping[str, str]) -> Scores:
    """Score `predicted` (item id → story label) against `gold` over the gold's items.

    An item missing from `predicted` counts as a story of its own.
    """
    ids = sorted(gold)
    pred = {i: predicted.get(i, f"__alone__{i}") for i in ids}
    gold_members: dict[str, set[str]] = defaultdict(set)
    pred_members: dict[str, set[str]] = defaultdict(set)
    for i in ids:
        gold_members[gold[i]].add(i)
        pred_members[pred[i]].add(i)
    precision = recall = 0.0
    for i in ids:
        g = gold_members[gold[i]]
        p = pred_members[pred[i]]
        both = len(g & p)
        precision += both / len(p)
        recall += both / len(g)
    n = len(ids) or 1
    b3p, b3r = precision / n, recall / n
    gold_pairs = {pair for pair in combinations(ids, 2) if gold[pair[0]] == gold[pair[1]]}
    pred_pairs = {pair for pair in combinations(ids, 2) if pred[pair[0]] == pred[pair[1]]}
    hit = len(gold_pairs & pred_pairs)
    pp = hit / len(pred_pairs) if pred_pairs else 1.0
    pr = hit / len(gold_pairs) if gold_pairs else 1.0
    return Scores(
        len(ids), b3p, b3r, _f1(b3p, b3r), pp, pr, _f1(pp, pr), len(gold_pairs), len(pred_pairs)
    )
