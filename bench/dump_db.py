"""Print what a fetch stored, table by table in a fixed order, for comparing two databases.

    uv run python bench/dump_db.py a.db > a.txt && uv run python bench/dump_db.py b.db > b.txt
    cmp a.txt b.txt

Tables: items (every column), item_sources, item_actors, item_places, stories, dropped_feeds
and the feeds' health columns, each ordered by its key. Run on two stores of
`bench/store_corpus.py` (fixed order, fixed clock), equal dumps mean equal results.
"""

from __future__ import annotations

import sqlite3
import sys

TABLES = {
    "items": "id",
    "item_sources": "feed, identity",
    "item_actors": "item_id, actor_id",
    "item_places": "item_id, place_id",
    "stories": "id",
    "dropped_feeds": "feed",
    "feeds": "name",
}


def main() -> None:
    conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    out = sys.stdout
    for table, order in TABLES.items():
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        out.write(f"## {table} ({', '.join(columns)})\n")
        count = 0
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY {order}"):
            out.write(repr(tuple(row)) + "\n")
            count += 1
        out.write(f"## {table}: {count} rows\n")


if __name__ == "__main__":
    main()
