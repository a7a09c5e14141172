"""Actor briefs: counts, daily trend, co-mentions, sources, tags, stories and cited key points.

`build_brief` asks the store for the items of a filter (optionally narrowed to one actor) and
`brief_from_details` turns them into an `ActorBrief`. Key points are an extractive summary: the
sentences that mention the actor, scored by cosine similarity to the TF-IDF centroid of all such
sentences (boosted by how many items carry them), near-duplicates merged, each one cited.
Everything is deterministic: every sort ends on a stable key and scores are rounded.
"""

from __future__ import annotations

from briefing.reports.summarize.brief import brief_from_details, build_brief, resolve_actor
from briefing.reports.summarize.jsonform import (
    brief_dict,
    citation_dict,
    filter_dict,
    http_url,
    iso,
)
from briefing.reports.summarize.keypoints import extract_key_points, near_duplicate
from briefing.reports.summarize.model import (
    ActorBrief,
    ActorSource,
    BriefSource,
    Citation,
    DayCount,
    KeyPoint,
    Ranked,
    Story,
    Trend,
    UnknownActorError,
)
from briefing.reports.summarize.sentences import iter_sentences, split_sentences

__all__ = [
    "ActorBrief",
    "ActorSource",
    "BriefSource",
    "Citation",
    "DayCount",
    "KeyPoint",
    "Ranked",
    "Story",
    "Trend",
    "UnknownActorError",
    "brief_dict",
    "brief_from_details",
    "build_brief",
    "citation_dict",
    "extract_key_points",
    "filter_dict",
    "http_url",
    "iso",
    "iter_sentences",
    "near_duplicate",
    "resolve_actor",
    "split_sentences",
]
