"""Dump every `parse_feed` result of two corpora, to check that a change to parsing changes none.

    uv run python bench/dump_parsed.py CORPUS > OUT.txt        (then `cmp` two dumps)
    PYTHONPATH=<other tree> uv run python bench/dump_parsed.py CORPUS > OTHER.txt

Every file of the feedparser corpus (`../shared/feedparser-corpus/tests`, headers read from its
`Header:` comments as tests/unit/test_corpus.py does) is parsed three ways (auto, feedparser,
feedparser-rs forced), and every NNNN.xml of CORPUS (`bench/gen_feeds.py`) once in auto mode.
Each result is written as the repr of every entry (every field), the title, the parser, the
warnings and the fallback reason, or the ParseError's message, at a fixed clock.
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from briefing.acquisition.parse import ParserChoice, parse_feed
from briefing.core.errors import ParseError
from briefing.core.models import FeedSpec

REPO = Path(__file__).resolve().parents[1]
HOSTILE = REPO / ".." / "shared" / "feedparser-corpus" / "tests"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
HEADER = re.compile(r"^\s*Header:\s*([A-Za-z-]+):\s*(.*?)\s*$", re.MULTILINE)
GENERATED_HEADERS = {"Content-Type": "application/rss+xml; charset=utf-8"}


def dump(
    out: TextIO,
    label: str,
    body: bytes,
    headers: Mapping[str, str],
    spec: FeedSpec,
    parser: ParserChoice,
) -> None:
    try:
        parsed = parse_feed(body, headers, spec, now=NOW, parser=parser)
    except ParseError as error:
        out.write(f"{label} {parser} ERR {error}\n")
        return
    out.write(
        f"{label} {parser} OK {parsed.title!r} {parsed.parser} {parsed.warnings!r} "
        f"{parsed.fallback!r}\n"
    )
    for entry in parsed.entries:
        out.write(f"  {entry!r}\n")


def hostile_documents() -> list[tuple[str, bytes, dict[str, str]]]:
    docs = []
    for path in sorted(HOSTILE.rglob("*")):
        if not path.is_file():
            continue
        body = path.read_bytes()
        for decompress in (gzip.decompress, zlib.decompress):
            try:
                body = decompress(body)
                break
            except Exception:  # not compressed: keep the raw bytes
                continue
        comment = body[:4000].decode("latin-1").split("-->", 1)[0]
        headers = {
            name: value
            for name, value in HEADER.findall(comment)
            if name.lower() not in {"status", "location"}
        }
        docs.append((path.relative_to(HOSTILE).as_posix(), body, headers))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a folder of NNNN.xml (bench/gen_feeds.py)")
    args = parser.parse_args()
    out = sys.stdout
    for rel, body, headers in hostile_documents():
        spec = FeedSpec(name=f"corpus/{rel}", url=f"https://corpus.example/{rel}", relevance="all")
        for choice in ("auto", "feedparser", "feedparser-rs"):
            dump(out, rel, body, headers, spec, choice)
    for path in sorted(args.corpus.glob("*.xml")):
        spec = FeedSpec(name=path.stem, url=f"https://gen.example/{path.name}", relevance="all")
        dump(out, path.name, path.read_bytes(), GENERATED_HEADERS, spec, "auto")


if __name__ == "__main__":
    main()
