"""Digests of a filter as Markdown, HTML, JSON or CSV: headless, used by the CLI and the TUI dialog.

`build_digest` queries the store once and groups the items (by actor, tag or day) with a brief per
group; the `to_*` renderers turn that `Digest` into text. Feed text is hostile, so every renderer
escapes for its own format, and links are emitted only for plain http(s) URLs
(`summarize.http_url`):

* Markdown: every character that could start markup is backslash-escaped; no raw HTML at all.
* HTML: one standalone file; built with escaping, then passed through nh3 (an allowlist
  sanitiser) and served under a Content-Security-Policy that forbids scripts.
* JSON: `schema_version`, stable field names, ISO 8601 dates, no control characters.
* CSV: one row per item; cells that a spreadsheet would read as a formula start with `'`.
"""

from __future__ import annotations

from briefing.reports.export.digest import (
    EXTENSIONS,
    FORMATS,
    GROUPINGS,
    SCHEMA_VERSION,
    Digest,
    DigestGroup,
    DigestItem,
    DigestSource,
    ExportError,
    Format,
    GroupBy,
    build_digest,
    default_title,
    describe_filter,
)
from briefing.reports.export.files import (
    RENDERERS,
    file_encoding,
    render_digest,
    safe_filename,
    write_digest,
    write_text_atomic,
)
from briefing.reports.export.htmldoc import CSP, sanitize_html, to_html
from briefing.reports.export.markdown import md_escape, md_link, to_markdown
from briefing.reports.export.tabular import (
    CSV_COLUMNS,
    csv_cell,
    digest_dict,
    item_dict,
    to_csv,
    to_json,
)
from briefing.reports.export.terminal import brief_text, sparkline

__all__ = [
    "CSP",
    "CSV_COLUMNS",
    "EXTENSIONS",
    "FORMATS",
    "GROUPINGS",
    "RENDERERS",
    "SCHEMA_VERSION",
    "Digest",
    "DigestGroup",
    "DigestItem",
    "DigestSource",
    "ExportError",
    "Format",
    "GroupBy",
    "brief_text",
    "build_digest",
    "csv_cell",
    "default_title",
    "describe_filter",
    "digest_dict",
    "item_dict",
    "md_escape",
    "md_link",
    "render_digest",
    "safe_filename",
    "sanitize_html",
    "sparkline",
    "to_csv",
    "to_html",
    "to_json",
    "to_markdown",
    "write_digest",
    "file_encoding",
    "write_text_atomic",
]
