"""Story briefs: what happened in a period, story by story, and what changed since the last one."""

from briefing.reports.brief.build import (
    BOTTOM_LINE,
    DEFAULT_PERIOD,
    BriefSource,
    build_story_brief,
    fingerprint,
    trend_word,
)
from briefing.reports.brief.model import Brief, brief_from_dict, brief_to_dict, event_label
from briefing.reports.brief.render import brief_markdown, brief_text

__all__ = [
    "BOTTOM_LINE",
    "DEFAULT_PERIOD",
    "Brief",
    "BriefSource",
    "brief_from_dict",
    "brief_markdown",
    "brief_text",
    "brief_to_dict",
    "build_story_brief",
    "event_label",
    "fingerprint",
    "trend_word",
]
