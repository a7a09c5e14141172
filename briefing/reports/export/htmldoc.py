"""The digest as one standalone, printable HTML5 file: escaped, nh3-sanitised, under a CSP."""

from __future__ import annotations

import html
from datetime import UTC, datetime

import nh3

from briefing.core.text import strip_unsafe
from briefing.reports.export.digest import Digest, DigestItem, counts_text, period_text, plural
from briefing.reports.summarize import ActorBrief, http_url, iso

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'"
_ALLOWED_TAGS = {
    "header", "section", "footer", "h1", "h2", "h3", "p", "ul", "ol", "li", "a", "span",
    "time", "dl", "dt", "dd", "blockquote", "cite", "strong", "em", "small", "div",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"*": {"class", "dir", "lang"}, "a": {"href"}, "time": {"datetime"}}
_CSS = """
:root { color-scheme: light; }
body { font: 11pt/1.45 Georgia, "Times New Roman", serif; color: #111; background: #fff;
       max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6em; margin: 0 0 .4em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #bbb; padding-bottom: .2em; margin-top: 2em; }
h3 { font-size: 1em; margin: 1em 0 .3em; }
.meta, .glance, .source, .cite { color: #555; }
.meta { margin: .1em 0; }
a { color: #0645ad; overflow-wrap: anywhere; }
ol.points li { margin: .35em 0; }
ul.items { list-style: none; padding: 0; }
li.item { margin: .8em 0; padding-left: .6em; border-left: 3px solid #ddd; }
li.item.flagged { border-left-color: #c90; }
.title { font-weight: bold; }
.excerpt { margin: .2em 0; }
.also { color: #555; }
dl { margin: .2em 0; display: grid; grid-template-columns: max-content 1fr; gap: 0 .6em; }
dt { color: #555; } dd { margin: 0; }
blockquote.note { margin: .3em 0; padding: .2em .6em; background: #f6f6f0; border-left: 3px solid #aa8;
                  white-space: pre-wrap; }
@media print {
  body { max-width: none; margin: 0; font-size: 10pt; }
  a { color: #000; text-decoration: none; }
  a[href]::after { content: " <" attr(href) ">"; font-size: .85em; color: #444; overflow-wrap: anywhere; }
  /* Groups flow on: a forced page per group left page 1 with only the header and gave a
     one-item group a page of its own. A heading stays with what follows it instead. */
  h2, h3 { break-after: avoid; }
  li.item, ol.points li { break-inside: avoid; }
  blockquote.note { background: none; }
}
"""


def _h(text: str) -> str:
    return html.escape(strip_unsafe(text), quote=True)


def _a(text: str, url: str | None, css: str = "") -> str:
    safe = http_url(url)
    cls = f' class="{css}"' if css else ""
    if safe is None:
        return f'<span{cls} dir="auto">{_h(text)}</span>'
    return f'<a{cls} href="{_h(safe)}" dir="auto">{_h(text)}</a>'


def _time(value: datetime, with_time: bool = True) -> str:
    value = value.astimezone(UTC)
    shown = f"{value:%Y-%m-%d %H:%M} UTC" if with_time else f"{value:%Y-%m-%d}"
    return f'<time datetime="{_h(iso(value) or "")}">{shown}</time>'


def _html_brief(b: ActorBrief, trend: bool = True) -> str:
    glance = [plural(b.total, "item")] + (
        [f"trend: {b.trend}"] if trend and b.trend != "none" else []
    )
    for name, ranked in (("top sources", b.sources), ("with", b.co_mentions), ("tags", b.tags)):
        if ranked:
            glance.append(f"{name}: " + ", ".join(f"{_h(r.label)} ({r.count})" for r in ranked[:3]))
    out = [f'<p class="glance">{" · ".join(glance)}</p>']
    if b.key_points:
        out.append('<h3>Key points</h3><ol class="points">')
        for p in b.key_points:
            c = p.citation
            more = f"; also in {p.coverage - 1} more" if p.coverage > 1 else ""
            out.append(
                f'<li><span dir="auto">{_h(p.text)}</span> <cite class="cite">({_h(c.feed)}, '
                f"{_time(c.published, False)}, {_a('link', c.url)}, item {c.item_id}{more})</cite></li>"
            )
        out.append("</ol>")
    return "".join(out)


def _html_item(i: DigestItem) -> str:
    cls = "item flagged" if i.flagged else "item"
    source = _h(i.feed)
    if i.also_in:
        source += " (also in " + ", ".join(_h(x) for x in i.also_in) + ")"
    out = [
        f'<li class="{cls}">{"★ " if i.flagged else ""}{_a(i.title, i.url, "title")}',
        f'<div class="source">{source} · {_time(i.published)} · item {i.id}</div><dl>',
    ]
    if i.actors:
        out.append(f'<dt>Actors</dt><dd dir="auto">{_h(", ".join(i.actors))}</dd>')
    if i.tags:
        out.append(f'<dt>Tags</dt><dd dir="auto">{_h(", ".join(i.tags))}</dd>')
    if i.see_also:
        out.append(f'<dt>See also</dt><dd dir="auto">{_h(", ".join(i.see_also))}</dd>')
    out.append("</dl>")
    if out[-2].endswith("<dl>"):
        out[-2:] = [out[-2][: -len("<dl>")]]
    if i.excerpt:
        out.append(f'<p class="excerpt" dir="auto">{_h(i.excerpt)}</p>')
    if i.note:
        out.append(
            f'<blockquote class="note" dir="auto"><strong>Note:</strong> {_h(i.note)}</blockquote>'
        )
    out.append("</li>")
    return "".join(out)


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Second line of defence behind http_url: nh3 keeps only http(s) hrefs as well.
    if attribute == "href":
        return value if http_url(value) == value else None
    return value


def sanitize_html(fragment: str) -> str:
    """Pass an HTML fragment through the nh3 allowlist (no script, no handlers, http(s) links)."""
    return nh3.clean(
        fragment,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=_keep_attribute,
    )


def to_html(d: Digest) -> str:
    """The digest as one standalone, print-friendly HTML5 file."""
    counts = counts_text(d)
    body = [
        f'<header><h1 dir="auto">{_h(d.title)}</h1>',
        f'<p class="meta"><strong>Period:</strong> {_h(period_text(d))}</p>',
        f'<p class="meta"><strong>Filter:</strong> <span dir="auto">{_h(d.filter_text)}</span></p>',
        f'<p class="meta"><strong>Counts:</strong> {counts}</p>',
        f'<p class="meta"><strong>Generated:</strong> {_time(d.generated_at)}</p></header>',
    ]
    if d.seed is not None:
        s = d.seed
        by = f" by {_h(s.author)}" if s.author else ""
        body.append(
            f'<section class="context"><h2>Context</h2><p>Seed article: {_a(s.title, s.url)}, '
            f"{_h(s.feed)}{by}, {_time(s.published, False)}.</p></section>"
        )
    if not d.items:
        body.append("<p><em>No items match this filter.</em></p>")
    for g in d.groups:
        body.append(f'<section class="group"><h2 dir="auto">{_h(g.label)} ({len(g.items)})</h2>')
        body.append(_html_brief(g.brief, trend=d.group_by != "day"))
        body.append('<h3>Items</h3><ul class="items">')
        body.extend(_html_item(i) for i in g.items)
        body.append("</ul>")
        if g.also:
            listed = ", ".join(f"{_h(i.title)} (item {i.id})" for i in g.also)
            body.append(
                f'<p class="also"><em>Also in this group, listed under another:</em> {listed}</p>'
            )
        body.append("</section>")
    clean = sanitize_html("".join(body))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_h(CSP)}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_h(d.title)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n{clean}\n</body>\n</html>\n"
    )
