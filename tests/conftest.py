"""Fixtures shared by every tier: a fresh store, tagged-item builders, the seed capture, frozen time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefing.core.models import ActorInfo, ActorMention, Entry, Reason, Tagged, Verdict
from briefing.store import Store

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED_FILE = SHARED / "seed" / "000_666763a93e552452.txt"
FROZEN_NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True, scope="session")
def _private_tagger_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Built Taggers are cached in a folder of the test session, never in the user's cache."""
    import os

    folder = tmp_path_factory.mktemp("tagger-cache")
    previous = os.environ.get("BRIEFING_CACHE_DIR")
    os.environ["BRIEFING_CACHE_DIR"] = str(folder)
    yield
    if previous is None:
        os.environ.pop("BRIEFING_CACHE_DIR", None)
    else:
        os.environ["BRIEFING_CACHE_DIR"] = previous


@pytest.fixture
def store() -> Iterator[Store]:
    """A fresh in-memory store with its clock frozen at FROZEN_NOW."""
    s = Store.open(":memory:")
    s.clock = lambda: FROZEN_NOW
    yield s
    s.close()


@pytest.fixture
def seed_path() -> Path:
    """The real seed capture from ../shared/seed/; the test is skipped when it is absent."""
    if not SEED_FILE.exists():
        pytest.skip("../shared/seed/ is not present")
    return SEED_FILE


ACTORS = (
    ActorInfo("khalifa-haftar", "Khalifa Haftar", "person", ("Haftar", "Hifter", "حفتر"), ("lna",)),
    ActorInfo("lna", "Libyan National Army", "armed_group", ("LNA",)),
    ActorInfo("gna", "Government of National Accord", "government", ("GNA",)),
    ActorInfo("uae", "United Arab Emirates", "state", ("UAE", "Emirates")),
)


def tagged(
    title: str,
    *,
    feed: str = "Libya Observer",
    identity: str | None = None,
    url: str | None = None,
    summary: str = "",
    content: str = "",
    published: datetime | None = FROZEN_NOW,
    actors: Sequence[str] = (),
    score: float = 5.0,
    relevant: bool = True,
    language: str | None = "en",
) -> Tagged:
    """A Tagged item built by hand (no relevance or actor code involved)."""
    names = {a.id: a.name for a in ACTORS}
    entry = Entry(
        identity=identity or title,
        feed=feed,
        title=title,
        url=url,
        canonical_url=url,
        summary=summary,
        content=content,
        published=published,
        language=language,
    )
    mentions = tuple(ActorMention(a, names.get(a, a), 1, (names.get(a, a),)) for a in actors)
    return Tagged(entry, Verdict(relevant, score, (Reason("Libya", "title", score),)), mentions)
